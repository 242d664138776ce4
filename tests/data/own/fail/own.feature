# The same check ID as pass/, written to fail against any N-central:
# discovery never answers 418 (tests/own_features.rs).
Feature: Own checks that fail

  @X-TEST-01
  Scenario: Discovery answers 418
    When the client sends GET /api/standard-psa
    Then the response status is 418

  @X-TEST-02 @should
  Scenario: A SHOULD of one's own only warns
    When the client sends GET /api/standard-psa
    Then the response status is 204
