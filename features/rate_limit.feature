@rate-limit @serial
Feature: Rate limiting
  N-central limits the requests in flight per endpoint (3 to 50) and answers
  429 beyond; it accepts requests again once earlier ones complete. A burst
  goes to the target file's `[rate_limit]` endpoint (default
  `GET /api/custom-psa/tickets`): `concurrency` requests in flight (default
  32), at most `max_requests` (default 300), stopping at the first 429.
  These scenarios run alone, one after another.

  @RATE-01
  Scenario: A concurrent burst is limited with 429
    When the client sends a burst to the rate-limit endpoint
    Then at least one burst answer is 429

  @RATE-02
  Scenario: A limited burst gets only 200 and 429, on connections that stay up
    When the client sends a burst to the rate-limit endpoint
    Then every burst answer is 200 or 429

  @RATE-03
  Scenario: After a burst the endpoint recovers within the recovery window
    When the client sends a burst to the rate-limit endpoint
    Then a single request to the rate-limit endpoint succeeds within the recovery window

  @RATE-04
  Scenario: A 429 says when to retry and why
    When the client sends a burst to the rate-limit endpoint
    Then at least one burst answer is 429
    And every 429 of the burst carries Retry-After and an ErrorResponse body
