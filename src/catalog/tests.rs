//! Unit tests of `catalog`.

use super::*;

#[test]
fn ids_are_unique_and_well_formed() {
    let re = regex::Regex::new(r"^[A-Z]+-\d\d$").unwrap();
    let mut seen = std::collections::HashSet::new();
    for r in REQUIREMENTS {
        assert!(re.is_match(r.id), "{} is not PREFIX-NN", r.id);
        assert!(seen.insert(r.id), "{} twice", r.id);
    }
    assert_eq!(REQUIREMENTS.len(), 69);
}

#[test]
fn core_profile_leaves_out_sections_7_and_8() {
    assert!(in_profile(Profile::Core).all(|r| r.section <= 6));
    assert!(in_profile(Profile::Core).any(|r| r.id == "ERR-03"));
    assert!(!in_profile(Profile::Core).any(|r| r.id == "RATE-01"));
    assert_eq!(in_profile(Profile::Full).count(), 42);
    assert!(in_profile(Profile::Full).all(|r| r.section <= 8));
    assert_eq!(in_profile(Profile::Extended).count(), 53);
    assert_eq!(in_profile(Profile::Psa).count(), 16);
    assert!(in_profile(Profile::Psa).all(|r| r.id.starts_with("PUSH-") || r.id.starts_with("CB-")));
}

/// docs/REQUIREMENTS.md is the specification a reader gets; this
/// table is the same rows as data. Every row must stand in both, with
/// the same ID, section, level, text and source.
#[test]
fn the_catalog_is_docs_requirements_md() {
    let doc = include_str!("../../docs/REQUIREMENTS.md");
    let row = regex::Regex::new(r"(?m)^\| ([A-Z]+-\d\d) \| (.*?) \| (.*) \| (.*?) \|$").unwrap();
    let section = regex::Regex::new(r"(?m)^## (\d+)\. ").unwrap();
    let mut current = 0u8;
    let mut seen = Vec::new();
    for line in doc.lines() {
        if let Some(c) = section.captures(line) {
            current = c[1].parse().unwrap();
        }
        let Some(c) = row.captures(line) else {
            continue;
        };
        let r = find(&c[1]).unwrap_or_else(|| panic!("{} is in the doc, not the catalog", &c[1]));
        assert_eq!(r.section, current, "{}: section", r.id);
        assert!(
            c[2].starts_with(&r.level.to_string()),
            "{}: level {} vs {}",
            r.id,
            &c[2],
            r.level
        );
        assert_eq!(r.text, &c[3], "{}: text", r.id);
        assert_eq!(r.source, &c[4], "{}: source", r.id);
        seen.push(r.id);
    }
    let ids: Vec<&str> = REQUIREMENTS.iter().map(|r| r.id).collect();
    assert_eq!(
        seen, ids,
        "the doc and the catalog list the same rows in the same order"
    );
}

#[test]
fn find_accepts_a_tag() {
    assert_eq!(find("@KEY-03").map(|r| r.level), Some(Level::Should));
    assert!(find("NOPE-01").is_none());
}
