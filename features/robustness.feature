@robustness @hostile-input
Feature: Robustness and hostile input
  Oversized, deeply nested and duplicate-key bodies, hostile path parameters
  and wrong methods get a 4xx: never a 5xx, never a dropped connection, and
  the target keeps answering afterwards. Every request carries a valid token
  and key, so only the hostile part can be refused. A path parameter is
  percent-encoded once, as any client would send it: an escape written here
  (`%2e%2e%2f`, `%00`) goes on the wire as written, every other character
  but the unreserved ones is encoded.

  @SEC-01
  Scenario Outline: A 1 MiB body to <path> gets no crash, no valid credentials and no ticket
    Spring's defaults accept such a body and answer it like any wrong
    credentials (200 with isPsaCredentialsValid false): that passes.
    Given the body is a 1 MiB JSON document with a huge username
    When the client sends POST <path>
    Then the answer is no 5xx and carries neither valid credentials nor ticket data
    And the target still answers GET /api/standard-psa with 200

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @SEC-01 @should
  Scenario Outline: A 1 MiB body to <path> is 400 or 413
    Given the body is a 1 MiB JSON document with a huge username
    When the client sends POST <path>
    Then the response status is 400 or 413

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @SEC-02
  Scenario Outline: The hostile ticket id <id> is refused with a 4xx
    When the client asks for ticket "<id>"
    Then the response status is 4xx
    And the target still answers GET /api/standard-psa with 200

    Examples:
      | id                     |
      | ..%2F..%2Fetc%2Fpasswd |
      | %2e%2e%2f              |
      | 1' OR '1'='1           |
      | %00                    |
      | 1%00                   |
      | {4KiB}                 |
      | 1;DROP TABLE x         |

  @SEC-02
  Scenario Outline: The hostile psaType <psaType> is refused with a 4xx
    When the client validates PSA credentials for psaType "<psaType>"
    Then the response status is 4xx

    Examples:
      | psaType                |
      | ..%2F..%2Fetc%2Fpasswd |
      | %2e%2e%2f              |
      | 3' OR '1'='1           |
      | %00                    |
      | {4KiB}                 |

  @SEC-03
  Scenario Outline: A JSON body nested 10 000 levels deep to <path> is 400
    Given the body is JSON nested 10000 levels deep
    When the client sends POST <path>
    Then the response status is 400
    And the target still answers GET /api/standard-psa with 200

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @SEC-03
  Scenario Outline: A body with duplicate keys to <path> does not crash the server
    Given the body is `{"username": "x", "username": "{username}", "password": "y", "password": "{password}"}`
    When the client sends POST <path>
    Then the response status is not 5xx

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @SEC-04
  Scenario Outline: <method> on <path> is 404 or 405
    Only methods N-central does not serve. Never POST /api/custom-psa/tickets
    (N-central's createCustomTicket) nor GET on a ticket (its
    getCustomTicketInfoWithoutPsaCreds): N-central serves both.
    When the client sends <method> <path>
    Then the response status is 404 or 405

    Examples:
      | method | path                                        |
      | PUT    | /api/standard-psa/{psaType}/credential      |
      | DELETE | /api/standard-psa/{psaType}/credential      |
      | PATCH  | /api/standard-psa/{psaType}/credential      |
      | PUT    | /api/custom-psa/tickets/{customPsaTicketId} |
      | DELETE | /api/custom-psa/tickets/{customPsaTicketId} |
      | PATCH  | /api/custom-psa/tickets/{customPsaTicketId} |
      | POST   | /api/standard-psa                           |
      | POST   | /api/custom-psa                             |

  @SEC-04 @should
  Scenario Outline: <method> on <path> is 405
    When the client sends <method> <path>
    Then the response status is 405

    Examples:
      | method | path                                        |
      | PUT    | /api/standard-psa/{psaType}/credential      |
      | DELETE | /api/standard-psa/{psaType}/credential      |
      | PATCH  | /api/standard-psa/{psaType}/credential      |
      | PUT    | /api/custom-psa/tickets/{customPsaTicketId} |
      | DELETE | /api/custom-psa/tickets/{customPsaTicketId} |
      | PATCH  | /api/custom-psa/tickets/{customPsaTicketId} |
      | POST   | /api/standard-psa                           |
      | POST   | /api/custom-psa                             |
