//! Unit tests of reading a folder of one's own features.

use super::*;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const GOOD: &str = "Feature: Acme's own\n\n  @X-ACME-01\n  Scenario: discovery answers\n    When the client sends GET /api/standard-psa\n    Then the response status is 200\n";

#[test]
fn reads_every_feature_file_of_the_folder_and_its_subfolders_in_order() {
    let dir = folder(&[
        ("b.feature", GOOD),
        ("sub/a.feature", &GOOD.replace("X-ACME-01", "X-ACME-02")),
        ("notes.txt", "not a feature"),
    ]);
    let features = load(dir.path()).unwrap();
    let paths: Vec<String> = features
        .iter()
        .map(|f| {
            f.path
                .as_ref()
                .unwrap()
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(paths, ["b.feature", "sub/a.feature"]);
    assert_eq!(features[0].scenarios[0].position.line, 4);
}

#[test]
fn a_scenario_without_an_id_tag_is_named_by_file_and_line() {
    let dir = folder(&[("acme.feature", &GOOD.replace("@X-ACME-01", "@smoke"))]);
    let e = load(dir.path()).unwrap_err();
    let file = dir.path().join("acme.feature").display().to_string();
    assert!(
        e.details.contains(&format!(
            "{file}:4: scenario \"discovery answers\" has no ID tag"
        )),
        "{e}"
    );
    assert!(e.to_string().contains("nothing was sent"), "{e}");
}

#[test]
fn a_catalog_requirement_tag_is_refused() {
    let dir = folder(&[(
        "acme.feature",
        &GOOD.replace("@X-ACME-01", "@X-ACME-01 @DISC-01"),
    )]);
    let e = load(dir.path()).unwrap_err();
    assert!(
        e.details
            .contains("tagged @DISC-01, a requirement of the catalog"),
        "{e}"
    );
}

#[test]
fn two_id_tags_are_refused_and_a_feature_tag_counts_for_every_scenario() {
    let two = GOOD.replace("@X-ACME-01", "@X-ACME-01 @X-ACME-02");
    let e = load(folder(&[("a.feature", &two)]).path()).unwrap_err();
    assert!(
        e.details.contains("has 2 ID tags (@X-ACME-01, @X-ACME-02)"),
        "{e}"
    );
    let on_feature =
        "@X-ACME-09\nFeature: f\n\n  Scenario: s\n    Then the response status is 200\n";
    let features = load(folder(&[("a.feature", on_feature)]).path()).unwrap();
    let s = &features[0].scenarios[0];
    assert_eq!(
        check_id(features[0].tags.iter().chain(&s.tags)),
        Some("X-ACME-09")
    );
}

#[test]
fn text_that_is_not_gherkin_names_its_line() {
    let dir = folder(&[(
        "bad.feature",
        "Feature: f\n\n  Scenario: s\n    Then x\n  Oops this is not gherkin\n",
    )]);
    let e = load(dir.path()).unwrap_err();
    let file = dir.path().join("bad.feature").display().to_string();
    assert!(
        e.details.contains(&format!("{file}:5: not Gherkin here")),
        "{e}"
    );
}

#[test]
fn an_empty_folder_a_file_and_a_missing_path_are_refused() {
    let empty = folder(&[]);
    assert_eq!(
        load(empty.path()).unwrap_err().title,
        "no .feature file in it"
    );
    let file = folder(&[("a.feature", GOOD)]);
    assert_eq!(
        load(&file.path().join("a.feature")).unwrap_err().title,
        "not a folder"
    );
    assert_eq!(
        load(Path::new("/no/such/folder")).unwrap_err().title,
        "not a folder"
    );
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let big = format!("{GOOD}#{}\n", "x".repeat(MAX_FILE_BYTES as usize));
    let e = load(folder(&[("big.feature", &big)]).path()).unwrap_err();
    assert!(
        e.details
            .contains("a feature file may have at most 1048576"),
        "{e}"
    );
}

#[test]
fn outlines_expand_and_rules_are_refused() {
    let outline = "Feature: f\n\n  @X-ACME-03\n  Scenario Outline: s\n    Then the response status is <status>\n\n    Examples:\n      | status |\n      | 200    |\n      | 204    |\n";
    let features = load(folder(&[("a.feature", outline)]).path()).unwrap();
    assert_eq!(features[0].scenarios.len(), 2);
    let rule = "Feature: f\n\n  Rule: r\n\n    @X-ACME-04\n    Scenario: s\n      Then the response status is 200\n";
    let e = load(folder(&[("a.feature", rule)]).path()).unwrap_err();
    assert!(
        e.details.contains(":3: `Rule:` blocks are not supported"),
        "{e}"
    );
}

#[test]
fn check_ids_are_shaped_like_ids_and_never_the_catalogs() {
    let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(check_id(&tags(&["smoke", "X-ACME-01"])), Some("X-ACME-01"));
    assert_eq!(check_id(&tags(&["ACME-7"])), Some("ACME-7"));
    assert_eq!(check_id(&tags(&["CRED-01", "lifecycle"])), None);
    assert_eq!(check_id(&tags(&["x-acme-01", "X", "X-"])), None);
}

#[test]
fn a_file_of_exactly_the_size_limit_is_read() {
    let pad = MAX_FILE_BYTES as usize - GOOD.len() - 2;
    let exact = format!("{GOOD}#{}\n", "x".repeat(pad));
    assert_eq!(exact.len() as u64, MAX_FILE_BYTES);
    assert!(load(folder(&[("exact.feature", &exact)]).path()).is_ok());
}

#[test]
fn at_most_max_files_are_read_and_one_more_is_refused() {
    let names: Vec<String> = (0..=MAX_FILES)
        .map(|i| format!("f{i:03}.feature"))
        .collect();
    let text = |i: usize| GOOD.replace("X-ACME-01", &format!("X-ACME-{i}"));
    let texts: Vec<String> = (0..=MAX_FILES).map(text).collect();
    let files: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(texts.iter().map(String::as_str))
        .collect();
    assert_eq!(
        load(folder(&files[..MAX_FILES]).path()).unwrap().len(),
        MAX_FILES
    );
    let e = load(folder(&files).path()).unwrap_err();
    assert_eq!(
        e.title,
        format!(
            "{} .feature files; at most {MAX_FILES} are read",
            MAX_FILES + 1
        )
    );
    // Counting stops just past the limit: a huge folder is not walked whole.
    let more: Vec<(&str, &str)> = files
        .iter()
        .copied()
        .chain([("zz.feature", GOOD), ("zzz.feature", GOOD)])
        .collect();
    assert!(load(folder(&more).path())
        .unwrap_err()
        .title
        .starts_with(&format!("{} .feature files", MAX_FILES + 1)));
}

#[test]
fn twenty_problems_are_listed_and_the_rest_counted() {
    let untagged = GOOD.replace("@X-ACME-01", "@smoke");
    let names: Vec<String> = (0..21).map(|i| format!("f{i:02}.feature")).collect();
    let twenty: Vec<(&str, &str)> = names[..20]
        .iter()
        .map(|n| (n.as_str(), untagged.as_str()))
        .collect();
    let e = load(folder(&twenty).path()).unwrap_err();
    assert_eq!(
        (
            e.details.matches("  at ").count(),
            e.details.contains("more")
        ),
        (20, false),
        "{e}"
    );
    let all: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (n.as_str(), untagged.as_str()))
        .collect();
    let e = load(folder(&all).path()).unwrap_err();
    assert!(e.title.starts_with("21 problem(s)"), "{e}");
    assert_eq!(e.details.matches("  at ").count(), 20, "{e}");
    assert!(e.details.ends_with("  … and 1 more\n"), "{e}");
}

#[test]
fn sub_folders_are_read_eight_deep_and_no_deeper() {
    let at = |depth: usize| format!("{}a.feature", "d/".repeat(depth));
    let (eight, nine) = (at(8), at(9));
    let found =
        load(folder(&[("top.feature", GOOD), (&eight, &GOOD.replace("01", "08"))]).path()).unwrap();
    assert_eq!(found.len(), 2);
    let found =
        load(folder(&[("top.feature", GOOD), (&nine, &GOOD.replace("01", "09"))]).path()).unwrap();
    assert_eq!(found.len(), 1, "a file nine folders down is not read");
}

#[test]
fn counting_stops_past_the_limit_in_sub_folders_too() {
    let names: Vec<String> = (0..MAX_FILES + 5)
        .map(|i| format!("s{}/f{i:03}.feature", i % 3))
        .collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), GOOD)).collect();
    let e = load(folder(&files).path()).unwrap_err();
    assert_eq!(
        e.title,
        format!(
            "{} .feature files; at most {MAX_FILES} are read",
            MAX_FILES + 1
        )
    );
}
