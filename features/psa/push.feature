@side-psa
Feature: N-central pushes tickets to the custom PSA
  The vendor's side (REQUIREMENTS.md §11, profile psa): the harness plays
  N-central and sends its ticket pushes — CREATE, UPDATE, RESOLVE, REOPEN —
  to the PSA's push_url, with the configured method and push auth. Every
  scenario works on N-central tickets of its own, with fresh ids.

  @PUSH-01
  Scenario: A CREATE push is answered 2xx in time
    Given a new N-central ticket
    When N-central pushes CREATE for it
    Then the PSA answers 2xx within the answer timeout

  @PUSH-02
  Scenario: The PSA names its ticket, in the answer or by a callback
    Given a new N-central ticket
    When N-central pushes CREATE for it
    Then the PSA answers 2xx within the answer timeout
    And the PSA names its ticket for it, in the answer or by a callback

  @PUSH-03
  Scenario: UPDATE, RESOLVE and REOPEN of a created ticket are answered 2xx
    Given a new N-central ticket the PSA has created
    When N-central pushes UPDATE for it
    Then the PSA answers 2xx within the answer timeout
    When N-central pushes RESOLVE for it
    Then the PSA answers 2xx within the answer timeout
    When N-central pushes REOPEN for it
    Then the PSA answers 2xx within the answer timeout

  @PUSH-04
  Scenario Outline: A malformed push is refused with 4xx: <case>
    Given a new N-central ticket
    When N-central pushes a CREATE that is <case>
    Then the PSA answers 4xx, never 2xx or 5xx

    Examples:
      | case                          |
      | not JSON                      |
      | a JSON array                  |
      | without action                |
      | without ncentralTicketId      |
      | named with an unknown action  |

  @PUSH-05
  Scenario: Unknown extra keys in a push are ignored
    Given a new N-central ticket
    And a twin N-central ticket whose pushes carry keys the PSA does not know
    When N-central pushes CREATE for both
    Then the PSA answers the push with extra keys as the one without
    When N-central pushes UPDATE for both
    Then the PSA answers the push with extra keys as the one without

  @PUSH-06
  Scenario: customTag (singular) is accepted like customTags
    Given a new N-central ticket
    And its pushes spell the custom tags key "customTag"
    When N-central pushes CREATE for it
    Then the PSA answers 2xx within the answer timeout

  @PUSH-07
  Scenario: The same CREATE sent twice yields one PSA ticket
    Given a new N-central ticket the PSA has created
    When N-central pushes CREATE for it again
    Then the PSA answers 2xx within the answer timeout
    And the PSA still names the same ticket for it

  @PUSH-08
  Scenario Outline: <action> for a ticket the PSA does not know is refused with 4xx
    Given a new N-central ticket
    When N-central pushes <action> for it naming a psaTicketNumber the PSA does not know
    Then the PSA answers 4xx, never 2xx or 5xx

    Examples:
      | action  |
      | UPDATE  |
      | RESOLVE |
      | REOPEN  |

  @PUSH-09 @push-auth
  Scenario Outline: A push <how> is refused with 401 or 403 and creates nothing
    Given a new N-central ticket
    When N-central pushes CREATE for it <how>
    Then the PSA answers 401 or 403
    And no callback for it arrives

    Examples:
      | how                              |
      | without the push auth header     |
      | with a wrong push auth value     |
