# Acme's own checks of its PSA, written with the vendor's side's steps of
# `psa-conformance list --steps` (docs/STEPS.md). Run them with:
#
#   psa-conformance run --side psa --features examples/features/psa
#
# Each scenario carries an ID of its own (@X-ACME-…): the reports list it
# under "Additional checks". A failed one makes the exit status 1, but the
# verdict word is the catalog's alone, and such a run is never signed.
Feature: Acme's own checks of its PSA

  @X-ACME-PSA-01
  Scenario: A ticket pushed twice stays one ticket
    Given a new N-central ticket the PSA has created
    When N-central pushes CREATE for it again
    Then the PSA answers 2xx within the answer timeout
    And the PSA still names the same ticket for it
