//! Unit tests of the step check of one's own features.

use cucumber::gherkin::{self, GherkinEnv};

use super::*;

fn feature(text: &str) -> gherkin::Feature {
    let mut f = gherkin::Feature::parse(text, GherkinEnv::default()).unwrap();
    f.path = Some("own/acme.feature".into());
    f
}

#[test]
fn shipped_steps_of_the_side_pass() {
    let f = feature("Feature: f\n\n  @X-A-1\n  Scenario: s\n    When the client sends GET /api/standard-psa\n    Then the response status is 200\n");
    assert_eq!(
        problems::<PsaWorld>(&[f], Side::Ncentral),
        Vec::<String>::new()
    );
}

#[test]
fn an_undefined_step_is_named_by_file_and_line_with_the_closest_steps() {
    let f = feature("Feature: f\n\n  @X-A-1\n  Scenario: s\n    When the client sends GET /api/standard-psa\n    Then the response status is twohundred\n");
    let p = problems::<PsaWorld>(&[f], Side::Ncentral);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with(
            "own/acme.feature:6: Then the response status is twohundred\n      undefined"
        ),
        "{}",
        p[0]
    );
    let first = p[0].lines().nth(2).unwrap();
    assert!(
        first.contains("did you mean: Then the response status is"),
        "{}",
        p[0]
    );
}

#[test]
fn the_keyword_counts_and_the_closest_step_shows_the_right_one() {
    // A Then phrase written after Given matches nothing: cucumber matches
    // a step against the definitions of its own keyword.
    let f =
        feature("Feature: f\n\n  @X-A-1\n  Scenario: s\n    Given the response status is 200\n");
    let p = problems::<PsaWorld>(&[f], Side::Ncentral);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("did you mean: Then the response status is"),
        "{}",
        p[0]
    );
}

#[test]
fn a_step_of_the_other_side_is_undefined_here() {
    let f = feature(
        "Feature: f\n\n  @X-A-1\n  Scenario: s\n    When the client sends GET /api/standard-psa\n",
    );
    let p = problems::<PsaSideWorld>(std::slice::from_ref(&f), Side::Psa);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("no step of --side psa reads so"), "{}", p[0]);
    let e = check(&[f], Side::Psa, "own").unwrap_err();
    assert!(
        e.title
            .starts_with("1 step(s) the suite does not define exactly once for --side psa"),
        "{e}"
    );
    assert!(e.to_string().contains("list --steps"), "{e}");
}

#[derive(Debug, Default, cucumber::World)]
struct Overlapping;

#[cucumber::given(regex = r"^a (.*)$")]
fn starts_with_a(_w: &mut Overlapping, _rest: String) {}

#[cucumber::given(regex = r"^(.*) b$")]
fn ends_with_b(_w: &mut Overlapping, _rest: String) {}

#[test]
fn an_ambiguous_step_lists_every_definition_it_matches() {
    let f = feature("Feature: f\n\n  @X-A-1\n  Scenario: s\n    Given a b\n    Given a c\n");
    let p = problems::<Overlapping>(&[f], Side::Ncentral);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("own/acme.feature:5: Given a b\n      ambiguous"),
        "{}",
        p[0]
    );
    assert_eq!(p[0].matches("\n      matches: ").count(), 2, "{}", p[0]);
    assert!(p[0].contains("own_steps/tests.rs:"), "{}", p[0]);
}

#[test]
fn an_outlines_rows_are_checked_once_per_line() {
    let outline = "Feature: f\n\n  @X-A-1\n  Scenario Outline: s\n    Then the response status is <s>\n\n    Examples:\n      | s |\n      | x |\n      | y |\n";
    let f = feature(outline);
    use cucumber::feature::Ext as _;
    let f = f.expand_examples().unwrap();
    let p = problems::<PsaWorld>(&[f], Side::Ncentral);
    // Two rows give two texts on one line: each is its own problem.
    assert_eq!(p.len(), 2, "{p:?}");
}

#[test]
fn a_phrase_reads_without_its_regex_marks() {
    assert_eq!(
        readable(r"^the response status is (\d{3})$"),
        "the response status is (d{3})"
    );
    assert_eq!(
        readable("^the body is (?:empty|absent)$"),
        "the body is (empty|absent)"
    );
}

#[test]
fn twenty_problems_are_listed_and_the_rest_counted() {
    let steps = |n: usize| {
        (0..n)
            .map(|i| format!("    Then nothing like step {i}\n"))
            .collect::<String>()
    };
    let feature_with = |n: usize| {
        feature(&format!(
            "Feature: f\n\n  @X-A-1\n  Scenario: s\n{}",
            steps(n)
        ))
    };
    let e = check(&[feature_with(20)], Side::Ncentral, "own").unwrap_err();
    assert_eq!(
        (
            e.details.matches("\n  at ").count() + 1,
            e.details.contains("more")
        ),
        (20, false),
        "{e}"
    );
    let e = check(&[feature_with(21)], Side::Ncentral, "own").unwrap_err();
    assert!(e.title.starts_with("21 step(s)"), "{e}");
    assert!(e.details.ends_with("  … and 1 more\n"), "{e}");
}

#[test]
fn the_closest_step_is_the_one_most_alike() {
    let f = feature("Feature: f\n\n  @X-A-1\n  Scenario: s\n    Then the response body matches the \"credential-validation\" schemas\n");
    let p = problems::<PsaWorld>(&[f], Side::Ncentral);
    let first = p[0].lines().nth(2).unwrap_or_default();
    assert!(
        first.contains("did you mean: And the response body matches the"),
        "{}",
        p[0]
    );
}
