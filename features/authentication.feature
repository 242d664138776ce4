@authentication
Feature: Authentication — every PSA endpoint demands a valid bearer token
  All five PSA endpoints require `Authorization: Bearer <access token>`.
  Without one, with a malformed one or with a forged one the answer is 401,
  never a 5xx, and never anything that reveals more (authentication is
  checked before the integration key, the body or the resource).

  @AUTH-01
  Scenario Outline: <method> <path> without an Authorization header is 401
    Given the request has no Authorization header
    When the client sends <method> <path>
    Then the response status is 401

    Examples:
      | method | path                                        |
      | GET    | /api/standard-psa                           |
      | GET    | /api/custom-psa                             |
      | GET    | /api/custom-psa/tickets                     |
      | POST   | /api/standard-psa/{psaType}/credential      |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} |

  @AUTH-02
  Scenario Outline: <method> <path> with the malformed header "<header>" is 401
    Given the Authorization header is "<header>"
    When the client sends <method> <path>
    Then the response status is 401

    Examples:
      | method | path                                        | header                     |
      | GET    | /api/standard-psa                           | Bearer                     |
      | GET    | /api/standard-psa                           | Basic dXNlcjpwYXNzd29yZA== |
      | GET    | /api/standard-psa                           | garbage                    |
      | GET    | /api/custom-psa                             | Bearer                     |
      | GET    | /api/custom-psa                             | Basic dXNlcjpwYXNzd29yZA== |
      | GET    | /api/custom-psa/tickets                     | Bearer                     |
      | GET    | /api/custom-psa/tickets                     | garbage                    |
      | POST   | /api/standard-psa/{psaType}/credential      | Bearer                     |
      | POST   | /api/standard-psa/{psaType}/credential      | Basic dXNlcjpwYXNzd29yZA== |
      | POST   | /api/standard-psa/{psaType}/credential      | garbage                    |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} | Bearer                     |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} | Basic dXNlcjpwYXNzd29yZA== |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} | garbage                    |

  @AUTH-03
  Scenario Outline: <method> <path> with <forgery> is 401
    Given the bearer token is <forgery>
    When the client sends <method> <path>
    Then the response status is 401

    Examples:
      | method | path                                        | forgery                                          |
      | GET    | /api/standard-psa                           | a random JWT-shaped string                       |
      | GET    | /api/standard-psa                           | an unsigned alg:none JWT                         |
      | GET    | /api/standard-psa                           | the configured token with its signature altered |
      | GET    | /api/custom-psa                             | a random JWT-shaped string                       |
      | GET    | /api/custom-psa                             | an unsigned alg:none JWT                         |
      | GET    | /api/custom-psa                             | the configured token with its signature altered |
      | GET    | /api/custom-psa/tickets                     | a random JWT-shaped string                       |
      | GET    | /api/custom-psa/tickets                     | an unsigned alg:none JWT                         |
      | GET    | /api/custom-psa/tickets                     | the configured token with its signature altered |
      | POST   | /api/standard-psa/{psaType}/credential      | a random JWT-shaped string                       |
      | POST   | /api/standard-psa/{psaType}/credential      | an unsigned alg:none JWT                         |
      | POST   | /api/standard-psa/{psaType}/credential      | the configured token with its signature altered |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} | a random JWT-shaped string                       |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} | an unsigned alg:none JWT                         |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} | the configured token with its signature altered |

  @AUTH-04
  Scenario: An unauthenticated credential request learns nothing, whatever else is wrong
    Given the request has no Authorization header
    And the INTEGRATION-KEY is wrong
    And the body is:
      """
      {"username": 42}
      """
    When the client sends POST /api/standard-psa/999/credential
    Then the response status is 401

  @AUTH-04
  Scenario: An unauthenticated ticket request learns nothing, whatever else is wrong
    Given the request has no Authorization header
    And the INTEGRATION-KEY is wrong
    And the body is:
      """
      not json at all
      """
    When the client sends POST /api/custom-psa/tickets/{unknownTicketId}
    Then the response status is 401

  @AUTH-04
  Scenario: An unauthenticated request without a key learns nothing either
    Given the request has no Authorization header
    And the request has no INTEGRATION-KEY header
    And the body is empty
    When the client sends POST /api/custom-psa/tickets/{unknownTicketId}
    Then the response status is 401

  @AUTH-05
  Scenario Outline: The 401 from <method> <path> is an ErrorResponse
    Given the request has no Authorization header
    When the client sends <method> <path>
    Then the response status is 401
    And the response is an ErrorResponse with status 401

    Examples:
      | method | path                                        |
      | GET    | /api/standard-psa                           |
      | GET    | /api/custom-psa                             |
      | GET    | /api/custom-psa/tickets                     |
      | POST   | /api/standard-psa/{psaType}/credential      |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} |

  @AUTH-06 @token-exchange
  Scenario: The User-API JWT is exchanged for a working access token
    When the client exchanges the User-API JWT at POST /api/auth/authenticate
    Then the response status is 200
    And the response body matches the "token-exchange" schema
    And the issued access token's type is Bearer, in any case
    And the issued access token is accepted by GET /api/standard-psa
