@lifecycle
Feature: Custom PSA ticket lifecycle — create, read, resolve, reopen
  The operations a custom PSA calls on N-central after N-central pushed a
  ticket to it (REQUIREMENTS.md §9, profile extended). They change data, so
  the target file names the tickets the run may use:
  `[lifecycle] pending_ticket_id` (`{pendingTicketId}`, a ticket waiting for
  its PSA ticket; the run links it, once: a 409 to the link means an earlier
  run linked it, and LIFE-01 is inconclusive until a fresh one is named) and `resolvable_ticket_id`
  (`{resolvableTicketId}`, an open ticket the run resolves and reopens and
  leaves open). Without them the scenarios that need them are not
  applicable. Every scenario of this feature has the lifecycle tickets to
  itself: no other lifecycle scenario runs while it does.

  @LIFE-01 @lifecycle-pending
  Scenario: The pending ticket is linked to its PSA ticket
    Given the body is a create request for the pending ticket
    When the client sends POST /api/custom-psa/tickets
    Then the pending ticket was not linked before
    And the response status is 200 or 201
    And the response body matches the "custom-psa-ticket-create-response" schema
    And the response JSON at "/data/psaCustomTicketId" is {pendingTicketId}

  @LIFE-02 @lifecycle-pending
  Scenario: Every invalid create request is refused with 400
    When the client sends every invalid create request for the pending ticket
    Then every invalid create request is answered 400

  @LIFE-03
  Scenario: A ticket read without PSA credentials is the ticket read with them
    When the client asks for ticket "{customPsaTicketId}"
    Then the response status is 200
    When the client sends GET /api/custom-psa/tickets/{customPsaTicketId}
    Then the response status is 200
    And the response body matches the "ticket-info" schema
    And the data answered is the data of the ticket read with PSA credentials

  @LIFE-03
  Scenario: An unknown ticket read without PSA credentials is 404
    When the client sends GET /api/custom-psa/tickets/{unknownTicketId}
    Then the response status is 404

  @LIFE-03
  Scenario Outline: The malformed ticket id "<id>" read without PSA credentials is 400
    When the client sends GET /api/custom-psa/tickets/<id>
    Then the response status is 400

    Examples:
      | id  |
      | abc |
      | 0   |
      | -1  |

  @LIFE-04 @lifecycle-resolvable
  Scenario: The resolvable ticket is resolved, then reopened
    Given the resolvable ticket is open
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/resolve
    Then the response status is 200
    And the response body matches the "custom-psa-ticket-create-response" schema
    And the response JSON at "/data/psaCustomTicketId" is {resolvableTicketId}
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/reopen
    Then the response status is 200
    And the response body matches the "custom-psa-ticket-create-response" schema
    And the response JSON at "/data/psaCustomTicketId" is {resolvableTicketId}

  @LIFE-04
  Scenario Outline: <operation> of an unknown ticket is 404
    When the client sends POST /api/custom-psa/tickets/{unknownTicketId}/<operation>
    Then the response status is 404

    Examples:
      | operation |
      | resolve   |
      | reopen    |

  @LIFE-04
  Scenario Outline: <operation> of the malformed ticket id "<id>" is 400
    When the client sends POST /api/custom-psa/tickets/<id>/<operation>
    Then the response status is 400

    Examples:
      | operation | id  |
      | resolve   | abc |
      | resolve   | 0   |
      | reopen    | abc |
      | reopen    | -1  |

  @LIFE-05 @lifecycle-resolvable
  Scenario: Resolving a resolved ticket and reopening an open one is 409 or an idempotent 200
    Given the resolvable ticket has been resolved
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/resolve
    Then the response status is 409 or 200
    Given the resolvable ticket has been reopened
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/reopen
    Then the response status is 409 or 200

  @LIFE-06 @lifecycle-pending
  Scenario: Creating the link without a valid bearer token is 401 and changes nothing
    Given the ticket data of the pending ticket is noted
    And the request has no Authorization header
    And the body is a create request for the pending ticket
    When the client sends POST /api/custom-psa/tickets
    Then the response status is 401
    Given the bearer token is a random JWT-shaped string
    And the body is a create request for the pending ticket
    When the client sends POST /api/custom-psa/tickets
    Then the response status is 401
    And the ticket data of the pending ticket is unchanged

  @LIFE-06 @lifecycle-resolvable
  Scenario: Resolving without a valid bearer token is 401 and changes nothing
    Given the resolvable ticket is open
    And the ticket data of the resolvable ticket is noted
    And the request has no Authorization header
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/resolve
    Then the response status is 401
    Given the bearer token is a random JWT-shaped string
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/resolve
    Then the response status is 401
    And the ticket data of the resolvable ticket is unchanged

  @LIFE-06 @lifecycle-resolvable
  Scenario: Reopening without a valid bearer token is 401 and changes nothing
    Given the resolvable ticket has been resolved
    And the ticket data of the resolvable ticket is noted
    And the request has no Authorization header
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/reopen
    Then the response status is 401
    Given the bearer token is a random JWT-shaped string
    When the client sends POST /api/custom-psa/tickets/{resolvableTicketId}/reopen
    Then the response status is 401
    And the ticket data of the resolvable ticket is unchanged
    And the resolvable ticket is left open

  @LIFE-06
  Scenario: Reading a ticket without PSA credentials and without a bearer token is 401
    Given the request has no Authorization header
    When the client sends GET /api/custom-psa/tickets/{customPsaTicketId}
    Then the response status is 401
