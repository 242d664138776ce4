@side-psa @callback-style
Feature: The custom PSA calls N-central back
  The vendor's side (REQUIREMENTS.md §12, profile psa): a PSA that answers a
  CREATE with a 2xx that names no ticket (empty, say) tells N-central its ticket later, by a callback to
  N-central's API. The harness's N-central serves that API at
  [ncentral] listen, accepts exactly the configured credentials, and records
  every call the PSA makes; a call without a credential of this run is
  foreign, answered as N-central would and never judged. A scenario whose
  callback never came has nothing to judge but CB-01. A PSA that answers every CREATE with its ticket
  in the body never calls back: these scenarios are then not applicable.

  @CB-01
  Scenario: The callback arrives in time
    Given a new N-central ticket
    When N-central pushes CREATE for it
    Then the PSA answers 2xx within the answer timeout
    And a callback for it arrives within the callback timeout

  @CB-02
  Scenario: The callback names the pushed ticket and the number the PSA then expects
    Given a new N-central ticket
    When N-central pushes CREATE for it
    And the PSA calls back for it
    Then the callback names the pushed ticket, an absolute ticketUrl and a ticketNumber
    When N-central pushes UPDATE for it with the callback's ticketNumber
    Then the PSA answers 2xx within the answer timeout

  @CB-03
  Scenario: The callback carries an access token, never the User-API JWT
    Given a new N-central ticket
    When N-central pushes CREATE for it
    And the PSA calls back for it
    Then every call the PSA made for it carries an access token N-central issued

  @CB-05 @serial
  Scenario: A callback answered 429 is retried
    Given a new N-central ticket
    And N-central will answer the first callback for it with 429 and Retry-After 1
    When N-central pushes CREATE for it
    Then the PSA retries the refused callback and it succeeds

  @CB-06 @serial
  Scenario: A callback answered 401 for an expired token is retried with a new token
    Given a new N-central ticket
    And N-central will answer the first callback for it with 401, its access token expired
    When N-central pushes CREATE for it
    Then the PSA gets a new access token and the retried callback succeeds
