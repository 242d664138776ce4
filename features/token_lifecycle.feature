@token-lifecycle @token-exchange
Feature: Token lifecycle — refresh, validate, expiry
  Beyond the exchange of the User-API JWT (AUTH-06), N-central renews access
  tokens (`POST /api/auth/refresh`, the refresh token as a `text/plain`
  body), says whether one is valid (`GET /api/auth/validate`) and lets the
  caller shorten an access token's life (`X-ACCESS-EXPIRY-OVERRIDE`).
  REQUIREMENTS.md §10, profile extended, for targets configured for token
  exchange only. Each scenario exchanges the User-API JWT for tokens of its
  own, so none disturbs the token the rest of the run uses.

  @TOKEN-01
  Scenario: The refresh token is exchanged for new tokens that work
    Given the client has exchanged the User-API JWT for tokens of its own
    When the client refreshes with its refresh token
    Then the response status is 200
    And the response body matches the "token-exchange" schema
    And the issued access token is accepted by GET /api/standard-psa

  @TOKEN-02
  Scenario: The validate operation accepts the access token
    Given the client has exchanged the User-API JWT for tokens of its own
    And the bearer token is the access token of its own
    When the client sends GET /api/auth/validate
    Then the response status is 200
    And the response body matches the "token-validation" schema

  @TOKEN-02
  Scenario Outline: The validate operation refuses <forgery>
    Given the bearer token is <forgery>
    When the client sends GET /api/auth/validate
    Then the response status is 401

    Examples:
      | forgery                                          |
      | a random JWT-shaped string                       |
      | an unsigned alg:none JWT                         |
      | the configured token with its signature altered |

  @TOKEN-03
  Scenario Outline: The <token> is refused as the bearer of <method> <path>
    Given the client has exchanged the User-API JWT for tokens of its own
    And the bearer token is the <token>
    When the client sends <method> <path>
    Then the response status is 401

    Examples:
      | token         | method | path                                        |
      | User-API JWT  | GET    | /api/standard-psa                           |
      | User-API JWT  | POST   | /api/custom-psa/tickets/{customPsaTicketId} |
      | refresh token | GET    | /api/standard-psa                           |
      | refresh token | POST   | /api/custom-psa/tickets/{customPsaTicketId} |

  @TOKEN-04 @slow
  Scenario: An access token issued to live 5 seconds is refused once expired
    When the client exchanges the User-API JWT with X-ACCESS-EXPIRY-OVERRIDE "5s"
    Then the response status is 200
    And the issued access token is accepted by GET /api/standard-psa
    And the issued access token is refused by GET /api/standard-psa within 10 seconds

  @TOKEN-05
  Scenario Outline: A refresh with <forgery> issues no tokens
    Given the client has exchanged the User-API JWT for tokens of its own
    When the client refreshes with <forgery>
    Then the response status is 401 or 400
    And the response carries no tokens

    Examples:
      | forgery                              |
      | a random JWT-shaped string           |
      | its refresh token altered            |
