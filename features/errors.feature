@errors
Feature: Error responses
  Every 4xx is `application/json` with an `ErrorResponse` body
  `{"status": <int>, "message": <string>, "errors"?: […]}` whose `status` is
  the HTTP status. No request gets a 5xx, and no answer quotes back a
  password, the integration key or a token. Besides the scenarios below,
  every exchange of the run is checked for 5xx (ERR-02), for echoed
  secrets (ERR-03) and, when it is a 4xx, for its ErrorResponse (ERR-01).

  @ERR-01
  Scenario: A 400 for an invalid body is an ErrorResponse
    Given the body is `{"username": 42}`
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 400
    And the response is an ErrorResponse whose status is the HTTP status

  @ERR-01
  Scenario: A 404 for an unknown ticket is an ErrorResponse
    When the client asks for ticket "{unknownTicketId}"
    Then the response status is 404
    And the response is an ErrorResponse whose status is the HTTP status

  @ERR-01
  Scenario: A 404 for an unsupported psaType is an ErrorResponse
    When the client validates PSA credentials for psaType "5"
    Then the response status is 404
    And the response is an ErrorResponse whose status is the HTTP status

  @ERR-02
  Scenario Outline: <case> does not crash the server
    Given the body is `<body>`
    When the client sends POST <path>
    Then the response status is not 5xx

    Examples:
      | case                          | path                                        | body                              |
      | a credential body of nulls    | /api/standard-psa/{psaType}/credential      | {"username": null, "password": null} |
      | a ticket body of numbers      | /api/custom-psa/tickets/{customPsaTicketId} | {"username": 1, "password": 2}    |
      | a credential body of unicode  | /api/standard-psa/{psaType}/credential      | {"username": "é😀", "password": "ü"} |
      | a ticket body that is a number | /api/custom-psa/tickets/{customPsaTicketId} | 12345                            |

  @ERR-03
  Scenario: A rejected ticket request does not quote the password back
    Given the body carries a wrong PSA password
    When the client asks for ticket "{customPsaTicketId}"
    Then no response so far echoes the PSA password, the integration key or the bearer token

  @ERR-03
  Scenario: A rejected credential request does not quote the password back
    Given the body carries a wrong PSA password
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then no response so far echoes the PSA password, the integration key or the bearer token

  @ERR-03
  Scenario: A wrong integration key is not answered with the right one
    Given the INTEGRATION-KEY is wrong
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then no response so far echoes the PSA password, the integration key or the bearer token
    And the answer does not reveal the configured integration key

  @ERR-03
  Scenario: A successful answer does not quote the token back
    When the client sends GET /api/custom-psa
    And the client asks for ticket "{customPsaTicketId}"
    Then no response so far echoes the PSA password, the integration key or the bearer token
