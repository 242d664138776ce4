@integration-key
Feature: Integration key — the two POST endpoints demand INTEGRATION-KEY
  `POST /api/standard-psa/{psaType}/credential` and
  `POST /api/custom-psa/tickets/{customPsaTicketId}` require the
  `INTEGRATION-KEY` header. A wrong key is 403; a missing key is never
  served. The key is checked right after the token: before the body and
  before the resource is looked up.

  @KEY-01
  Scenario Outline: A wrong INTEGRATION-KEY on <path> is 403
    Given the INTEGRATION-KEY is wrong
    When the client sends POST <path>
    Then the response status is 403

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @KEY-02
  Scenario Outline: A missing INTEGRATION-KEY on <path> is refused
    Given the request has no INTEGRATION-KEY header
    When the client sends POST <path>
    Then the response status is 400 or 403

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @KEY-03
  Scenario Outline: A missing INTEGRATION-KEY on <path> is 403
    Given the request has no INTEGRATION-KEY header
    When the client sends POST <path>
    Then the response status is 403

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @KEY-04
  Scenario Outline: A wrong key is reported before an invalid body on <path>
    Given the INTEGRATION-KEY is wrong
    And the body is:
      """
      {"username": ""}
      """
    When the client sends POST <path>
    Then the response status is 403

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |

  @KEY-04
  Scenario: A wrong key is reported before an unknown ticket
    Given the INTEGRATION-KEY is wrong
    When the client asks for ticket "{unknownTicketId}"
    Then the response status is 403

  @KEY-05
  Scenario Outline: The 403 from <path> is an ErrorResponse
    Given the INTEGRATION-KEY is wrong
    When the client sends POST <path>
    Then the response status is 403
    And the response is an ErrorResponse with status 403

    Examples:
      | path                                        |
      | /api/standard-psa/{psaType}/credential      |
      | /api/custom-psa/tickets/{customPsaTicketId} |
