@credential
Feature: Standard PSA credential validation
  `POST /api/standard-psa/{psaType}/credential` with a valid token, the
  integration key and a body `{"username": …, "password": …}` tells whether
  the PSA credentials are valid. psaType 3 (Tigerpaw) is the one standard
  PSA supported. `{username}` and `{password}` below stand for the
  configured PSA credentials; the password is never written anywhere.

  @CRED-01
  Scenario: Valid Tigerpaw credentials are reported valid
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 200
    And the response body matches the "credential-validation" schema
    And the response JSON at "/data/isPsaCredentialsValid" is true

  @CRED-02
  Scenario: A wrong PSA password is never reported valid
    Given the body carries a wrong PSA password
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the credentials are not reported valid

  @CRED-03
  Scenario: A wrong PSA password is reported invalid with 200
    Given the body carries a wrong PSA password
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 200
    And the response body matches the "credential-validation" schema
    And the response JSON at "/data/isPsaCredentialsValid" is false

  @CRED-04
  Scenario: Every invalid credential body is refused
    The bodies, one list shared with TCKT-07: no username, no password, an
    empty username, an empty password, empty strings, a null password, an
    object username, an array password, a numeric username, a boolean
    password, malformed JSON, an empty body, a JSON array, a JSON string.
    A number or boolean where a string is due is read as a string by
    Jackson's defaults (`42` becomes `"42"`), so N-central answers it like
    any wrong credentials: for those two that passes; 400 is the SHOULD below.
    When the client sends every invalid credential body to POST /api/standard-psa/{psaType}/credential
    Then every invalid credential body is refused with 400, or like wrong credentials where Jackson reads it as a string

  @CRED-04 @should
  Scenario: Every invalid credential body is 400, even a number or boolean for a string
    When the client sends every invalid credential body to POST /api/standard-psa/{psaType}/credential
    Then every invalid credential body is answered 400

  @CRED-05
  Scenario Outline: The unsupported psaType <psaType> is 404
    When the client validates PSA credentials for psaType "<psaType>"
    Then the response status is 404

    Examples:
      | psaType |
      | 5       |
      | 999     |

  @CRED-06
  Scenario Outline: The non-numeric psaType "<psaType>" is 400 or 404
    When the client validates PSA credentials for psaType "<psaType>"
    Then the response status is 400 or 404

    Examples:
      | psaType |
      | abc     |
      | 3x      |

  @CRED-07
  Scenario: A text/plain credential body is 400 or 415
    Given the Content-Type is "text/plain"
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 400 or 415
