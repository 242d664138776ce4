//! The nightly workflow and the Dockerfile use only commands and flags the
//! binary really has (YAML validity is checked by `.ci/run`).

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_psa-conformance"))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_workflow_calls_only_real_subcommands_and_flags() {
    let workflow =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/nightly.yml")).unwrap();
    let top = help(&["--help"]);
    let mut calls = 0;
    // Each invocation may continue over `\`-ended lines.
    let joined = workflow.replace("\\\n", " ");
    for line in joined
        .lines()
        .filter(|l| l.trim_start().starts_with("psa-conformance "))
    {
        calls += 1;
        let mut words = line.split_whitespace().skip(1);
        let sub = words.next().unwrap();
        assert!(top.contains(&format!("  {sub} ")), "no subcommand {sub}");
        let sub_help = help(&[sub, "--help"]);
        for flag in words.filter(|w| w.starts_with("--")) {
            assert!(sub_help.contains(flag), "`{sub}` has no flag {flag}");
        }
    }
    assert!(calls > 0, "the workflow never calls psa-conformance");
    assert!(help(&["run", "--help"]).contains("--baseline"));
    assert!(workflow.contains("$GITHUB_STEP_SUMMARY") && workflow.contains("upload-artifact"));
}

#[test]
fn the_image_runs_the_binary() {
    let dockerfile =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile")).unwrap();
    assert!(dockerfile.contains(r#"ENTRYPOINT ["psa-conformance"]"#));
    assert!(dockerfile.contains("cargo build --release --locked"));
    for dir in ["src", "features", "schemas"] {
        assert!(
            dockerfile.contains(&format!("COPY {dir} {dir}")),
            "the build needs {dir}/"
        );
    }
}
