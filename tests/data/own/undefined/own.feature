# A step no side defines, and a Then phrase written after Given
# (tests/own_features.rs): exit 2 before anything is sent.
Feature: Own checks with steps the suite does not define

  @X-TEST-03
  Scenario: Undefined steps
    When the client sends GET /api/standard-psa
    Then the status is 200
    Given the response status is 200
