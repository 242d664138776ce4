@discovery
Feature: Discovery — the PSA link documents
  N-central describes its PSA operations as link documents: `_links` maps
  each relation to a path template, a plain string such as
  `/api/standard-psa/{psaType}/credential` (not a HAL `{"href": …}` object).
  Extra relations are allowed. Every request below carries a valid access
  token; discovery needs no integration key.

  @DISC-01
  Scenario: The standard PSA root links to credential validation
    When the client sends GET /api/standard-psa
    Then the response status is 200
    And the link "standard-psa-validate-credential" is "/api/standard-psa/{psaType}/credential"

  @DISC-02
  Scenario: The custom PSA root links to ticket information and the tickets root
    When the client sends GET /api/custom-psa
    Then the response status is 200
    And the link "custom-psa-ticket-info" is "/api/custom-psa/tickets/{customPsaTicketId}"
    And the link "custom-psa-tickets" is "/api/custom-psa/tickets"

  @DISC-03
  Scenario: The custom PSA tickets root links to ticket information
    When the client sends GET /api/custom-psa/tickets
    Then the response status is 200
    And the link "custom-psa-ticket-info" is "/api/custom-psa/tickets/{customPsaTicketId}"

  @DISC-04
  Scenario Outline: Every link of <path> is a plain string
    When the client sends GET <path>
    Then the response status is 200
    And the response body matches the "<schema>" schema

    Examples:
      | path                    | schema                   |
      | /api/standard-psa       | standard-psa-links       |
      | /api/custom-psa         | custom-psa-links         |
      | /api/custom-psa/tickets | custom-psa-tickets-links |

  @DISC-05
  Scenario Outline: <method> <path> answers 200 as application/json
    When the client sends <method> <path>
    Then the response status is 200
    And the response is JSON

    Examples:
      | method | path                                        |
      | GET    | /api/standard-psa                           |
      | GET    | /api/custom-psa                             |
      | GET    | /api/custom-psa/tickets                     |
      | POST   | /api/standard-psa/{psaType}/credential      |
      | POST   | /api/custom-psa/tickets/{customPsaTicketId} |
