# Acme's own checks of its staging N-central, written with the steps
# `psa-conformance list --steps` prints (docs/STEPS.md). Run them beside the
# certification with:
#
#   psa-conformance run --features examples/features/ncentral
#
# Each scenario carries an ID of its own (@X-ACME-…): the reports list it
# under "Additional checks". A failed one makes the exit status 1, but the
# verdict word is the catalog's alone, and such a run is never signed.
Feature: Acme's own checks of N-central

  @X-ACME-01
  Scenario: Discovery names the credential validation link
    When the client sends GET /api/standard-psa
    Then the response status is 200
    And the response is JSON
    And the link "standard-psa-validate-credential" is "/api/standard-psa/{psaType}/credential"

  @X-ACME-02
  Scenario: Acme's Tigerpaw credentials are valid
    When the client sends POST /api/standard-psa/{psaType}/credential
    Then the response status is 200
    And the response JSON at "/data/isPsaCredentialsValid" is true

  @X-ACME-03
  Scenario: A request without a bearer token is refused as N-central refuses it
    Given the request has no Authorization header
    When the client sends GET /api/standard-psa
    Then the response status is 401
    And the response is an ErrorResponse with status 401
