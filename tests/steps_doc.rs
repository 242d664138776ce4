//! docs/STEPS.md is exactly what `list --steps` prints: the step listing,
//! read from the step definitions, cannot drift from the document.

use crate::common;

use common::{run, text};

#[test]
fn docs_steps_md_is_the_output_of_list_steps() {
    let o = run(&["list", "--steps"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let printed = String::from_utf8(o.stdout).unwrap();
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/STEPS.md")).unwrap();
    assert!(
        printed == doc,
        "docs/STEPS.md differs from `psa-conformance list --steps`; regenerate it:\n  cargo run -- list --steps > docs/STEPS.md"
    );
    // Both sides, with parameters and examples.
    assert!(printed.contains("## N-central's side") && printed.contains("## The vendor's side"));
    assert!(printed.contains("  - parameter 1: ") && printed.contains("  - example: `Given "));
}
