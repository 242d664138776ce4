# A check of one's own that N-central's documented behaviour passes
# (tests/own_features.rs): discovery answers 200 with JSON.
Feature: Own checks that pass

  @X-TEST-01
  Scenario: Discovery answers
    When the client sends GET /api/standard-psa
    Then the response status is 200
    And the response is JSON
