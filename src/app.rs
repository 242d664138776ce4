//! The subcommands: each takes its parsed flags and returns the process
//! exit status, printing errors in the one format users see — a title, then
//! actual vs expected or the cause, then a hint.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use crate::catalog::{self, Profile};
use crate::cli::{
    Cli, Command, CompareArgs, ListArgs, MockArgs, RunArgs, SchemasArgs, ValidateArgs,
};
use crate::config::{self, RunConfig};
use crate::features;
use crate::mock::{Fault, MockServer};
use crate::report::compare::Comparison;
use crate::report::{terminal, Summary};
use crate::runner::{self, Selection};
use crate::schema::{SchemaSet, SCHEMA_SOURCES};

/// Runs one parsed command line.
pub fn main(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    let code = match cli.command {
        Command::Run(args) => runtime.block_on(run(&args)),
        Command::Mock(args) => runtime.block_on(mock(&args)),
        Command::List(args) => list(&args),
        Command::Compare(args) => compare(&args),
        Command::Schemas(args) => schemas(&args),
        Command::Validate(args) => validate(&args),
    };
    ExitCode::from(code)
}

async fn run(args: &RunArgs) -> u8 {
    let config = match RunConfig::from_args(args, &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let started_at = jiff::Timestamp::now();
    let started = std::time::Instant::now();
    let report = match runner::execute(&config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            if e.exit_code() == 3 {
                // Something was attempted: leave an inconclusive report set.
                let target = match &config.target {
                    config::TargetSource::Live(t) => {
                        t.base_url.as_str().trim_end_matches('/').to_string()
                    }
                    config::TargetSource::BuiltInMock { .. } => "built-in mock".to_string(),
                };
                let reason: Vec<String> = e
                    .to_string()
                    .lines()
                    .take(2)
                    .map(|l| l.trim().to_string())
                    .collect();
                let report = crate::report::RunReport::not_run(
                    &config,
                    &target,
                    reason.join(" — "),
                    started_at,
                    started.elapsed(),
                );
                if let Err(w) = report.write_all(&config.out) {
                    eprintln!("error: {w}");
                }
            }
            return e.exit_code();
        }
    };
    let mut report = report;
    if let Some(path) = &config.baseline {
        match read_summary(path) {
            Ok(baseline) => report.compare_with(&baseline),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let written = match report.write_all(&config.out) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return 3;
        }
    };
    print!("{}", terminal::render(&report, config.quiet));
    crate::report::github::publish(&report);
    if let Some(cmp) = &report.regressions {
        print!("against the baseline:\n{}", cmp.render());
    }
    if !config.quiet {
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        println!("reports: {}", names.join(", "));
    }
    report.exit_code()
}

async fn mock(args: &MockArgs) -> u8 {
    if args.list_faults {
        for f in Fault::ALL {
            println!(
                "{:<26} {:<8} {}",
                f.name(),
                f.requirement(),
                f.description()
            );
        }
        return 0;
    }
    let mut faults = Vec::new();
    for name in &args.faults {
        match name.parse::<Fault>() {
            Ok(f) => faults.push(f),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let addr = match tokio::net::lookup_host(&args.listen)
        .await
        .ok()
        .and_then(|mut a| a.next())
    {
        Some(a) => a,
        None => {
            eprintln!(
                "error: --listen {:?} is not an address such as 127.0.0.1:8080",
                args.listen
            );
            return 2;
        }
    };
    let server = match MockServer::builder()
        .faults(faults.iter().copied())
        .listen(addr)
        .start()
        .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {addr}: {e}\n  hint: choose another port with --listen"
            );
            return 3;
        }
    };
    let c = server.credentials();
    println!(
        "psa-conformance reference mock listening on {}",
        server.uri()
    );
    if !faults.is_empty() {
        let names: Vec<&str> = faults.iter().map(|f| f.name()).collect();
        println!("faults on: {}", names.join(", "));
    }
    println!("It accepts (test credentials of this process only):");
    println!(
        "  export NCENTRAL_USER_API_JWT='{}'",
        c.user_api_jwt.expose()
    );
    println!("  export PSA_BEARER_TOKEN='{}'", c.access_token.expose());
    println!(
        "  export PSA_INTEGRATION_KEY='{}'",
        c.integration_key.expose()
    );
    println!("  export PSA_PASSWORD='{}'", c.password.expose());
    println!(
        "  username {}  psaType {}  tickets {}",
        c.username,
        c.psa_type,
        c.ticket_ids.join(", ")
    );
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    0
}

fn list(args: &ListArgs) -> u8 {
    let tags = match args.tags.as_deref().map(config::parse_tags).transpose() {
        Ok(t) => t.map(|(_, op)| op),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut by_requirement: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for feature in features::parse_all() {
        let feature = match feature {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return 3;
            }
        };
        for scenario in &feature.scenarios {
            let selection = runner::select(&feature, scenario, args.profile, tags.as_ref(), None);
            if selection == Selection::Exclude {
                continue;
            }
            for r in runner::requirement_tags(&scenario.tags) {
                by_requirement.entry(r.id).or_default().push(format!(
                    "{}  {}",
                    features::scenario_id(&feature, scenario),
                    scenario.name
                ));
            }
        }
    }
    let run_wide = ["ERR-01", "ERR-02", "ERR-03"];
    for (section, title) in catalog::SECTIONS {
        let reqs: Vec<_> = catalog::in_profile(args.profile)
            .filter(|r| r.section == section)
            .collect();
        if reqs.is_empty() {
            continue;
        }
        println!("{section}. {title}");
        for r in reqs {
            let scenarios = by_requirement.get(r.id).cloned().unwrap_or_default();
            let untested = scenarios.is_empty() && !run_wide.contains(&r.id);
            println!(
                "  {:<8} {:<6} {}{}",
                r.id,
                r.level,
                r.title,
                if untested {
                    "  [untested: no scenario]"
                } else {
                    ""
                }
            );
            if run_wide.contains(&r.id) {
                println!("      run-wide:{}  every exchange of the run", r.id);
            }
            for s in scenarios {
                println!("      {s}");
            }
        }
    }
    if args.profile == Profile::Core {
        println!("(profile core: sections 7–8 left out)");
    }
    0
}

fn read_summary(path: &Path) -> Result<Summary, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a summary.json: {e}", path.display()))
}

fn compare(args: &CompareArgs) -> u8 {
    let (baseline, new) = match (read_summary(&args.baseline), read_summary(&args.new)) {
        (Ok(b), Ok(n)) => (b, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let cmp = Comparison::between(&baseline, &new);
    print!("{}", cmp.render());
    u8::from(cmp.regressed())
}

fn schemas(args: &SchemasArgs) -> u8 {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {e}", args.out.display());
        return 2;
    }
    let mut files: Vec<(String, String)> = SCHEMA_SOURCES
        .iter()
        .map(|(name, text)| (format!("{name}.json"), text.to_string()))
        .collect();
    files.push(("openapi.json".into(), crate::openapi::document()));
    for (name, text) in files {
        let path = args.out.join(&name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return 2;
        }
        println!("{}", path.display());
    }
    0
}

fn validate(args: &ValidateArgs) -> u8 {
    let schemas = match SchemaSet::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 3;
        }
    };
    if !schemas.names().any(|n| n == args.schema) {
        let names: Vec<&str> = schemas.names().collect();
        eprintln!(
            "error: no schema named {:?}\n  hint: one of {}",
            args.schema,
            names.join(", ")
        );
        return 2;
    }
    let text = if args.file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("error: cannot read standard input: {e}");
            return 2;
        }
        s
    } else {
        match std::fs::read_to_string(&args.file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", args.file);
                return 2;
            }
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            println!("{}: not JSON: {e}", args.file);
            return 1;
        }
    };
    let violations = schemas.validate(&args.schema, &value).unwrap_or_default();
    if violations.is_empty() {
        println!("{}: valid against {}", args.file, args.schema);
        return 0;
    }
    println!(
        "{}: {} violation(s) of {}",
        args.file,
        violations.len(),
        args.schema
    );
    for v in violations {
        println!("  {v}");
    }
    1
}
