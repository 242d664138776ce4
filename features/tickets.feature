@tickets
Feature: Custom PSA ticket information
  `POST /api/custom-psa/tickets/{customPsaTicketId}` with a valid token, the
  integration key and the PSA credentials answers the ticket's details.
  Ticket ids are decimal strings (`^[1-9][0-9]*$`). `{customPsaTicketId}`
  below is the ticket the target file names; `{unknownTicketId}` is a
  well-formed id no target is expected to know.

  @TCKT-01
  Scenario: A known ticket is answered with its details
    When the client asks for ticket "{customPsaTicketId}"
    Then the response status is 200
    And the response body matches the "ticket-info" schema

  @TCKT-02
  Scenario: The ticket answered is the ticket asked for
    When the client asks for ticket "{customPsaTicketId}"
    Then the response status is 200
    And the response JSON at "/data/ticketId" is "{customPsaTicketId}"

  @TCKT-03
  Scenario: The ticket's creation date is a zoned date-time
    When the client asks for ticket "{customPsaTicketId}"
    Then the response status is 200
    And the ticket's creationDate is a Java ZonedDateTime text

  @TCKT-04
  Scenario: The ticket's status is an UPPER_SNAKE_CASE code
    When the client asks for ticket "{customPsaTicketId}"
    Then the response status is 200
    And the ticket's status is UPPER_SNAKE_CASE

  @TCKT-05
  Scenario: An unknown ticket is 404
    When the client asks for ticket "{unknownTicketId}"
    Then the response status is 404

  @TCKT-06
  Scenario Outline: The malformed ticket id "<id>" is 400 or 404
    When the client asks for ticket "<id>"
    Then the response status is 400 or 404

    Examples:
      | id  |
      | abc |
      | 0   |
      | -1  |
      | 1.5 |

  @TCKT-06 @should
  Scenario Outline: The malformed ticket id "<id>" is 400
    When the client asks for ticket "<id>"
    Then the response status is 400

    Examples:
      | id  |
      | abc |
      | 0   |
      | -1  |

  @TCKT-07
  Scenario: Every invalid body CRED-04 tries is refused for a ticket request too
    The same list as CRED-04, with the same allowance: a number or boolean
    for a string (Jackson reads it as one) may be answered like wrong
    credentials — a 4xx without ticket data.
    When the client sends every invalid credential body to POST /api/custom-psa/tickets/{customPsaTicketId}
    Then every invalid credential body is refused with 400, or like wrong credentials where Jackson reads it as a string

  @TCKT-07 @should
  Scenario: Every invalid body CRED-04 tries is 400 for a ticket request, even a number or boolean for a string
    When the client sends every invalid credential body to POST /api/custom-psa/tickets/{customPsaTicketId}
    Then every invalid credential body is answered 400

  @TCKT-08
  Scenario: Wrong PSA credentials get no ticket data
    Given the body carries a wrong PSA password
    When the client asks for ticket "{customPsaTicketId}"
    Then the response status is 4xx
    And the response carries no ticket data
