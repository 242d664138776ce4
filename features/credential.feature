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
  Scenario Outline: A credential body with <case> is 400
    Given the body is `<body>`
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 400

    Examples:
      | case                 | body                                                    |
      | no username          | {"password": "{password}"}                              |
      | no password          | {"username": "{username}"}                              |
      | an empty username    | {"username": "", "password": "{password}"}              |
      | an empty password    | {"username": "{username}", "password": ""}              |
      | a numeric username   | {"username": 42, "password": "{password}"}              |
      | a boolean password   | {"username": "{username}", "password": true}            |
      | a null password      | {"username": "{username}", "password": null}            |
      | an object username   | {"username": {"name": "{username}"}, "password": "{password}"} |
      | malformed JSON       | {"username": "{username}", "password":                  |
      | a JSON array         | [{"username": "{username}", "password": "{password}"}]  |
      | a JSON string        | "{username}"                                            |

  @CRED-04
  Scenario: An empty credential body is 400
    Given the body is empty
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 400

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
