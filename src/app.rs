//! The commands: each takes its parsed flags and returns how it ended —
//! `Ok(Exit)`, or a [`Failure`] — and this module is the one place that
//! prints a failure, in the one format users see (a title, then actual vs
//! expected or the cause, then a hint; see [`crate::exit`]), and turns the
//! outcome into the process's exit status.
//!
//! Every line a command prints goes through [`output`]: a reader that goes
//! away early (`psa-conformance list | head -1`) ends the output quietly
//! instead of panicking, and the command still finishes with its own status.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::attest;
use crate::catalog::{self, Profile};
use crate::cli::{
    BoardArgs, Cli, Command, CompareArgs, KeygenArgs, ListArgs, MockArgs, RunArgs, SchemasArgs,
    Side, ValidateArgs, VerifyArgs,
};
use crate::config::{self, RunConfig};
use crate::exit::{Exit, Failure};
use crate::features::{self, Selection};
use crate::interrupt::Stop;
use crate::mock::{Fault, MockServer, Style};
use crate::output;
use crate::psa_mock::{AnswerStyle, NcentralLink, PsaFault, PsaMockServer};
use crate::report::compare::Comparison;
use crate::report::{terminal, Summary};
use crate::schema::SchemaSet;
use crate::suite::RunError;

macro_rules! out {
    ($($arg:tt)*) => { $crate::output::out(format_args!($($arg)*)) };
}
macro_rules! outln {
    () => { $crate::output::out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::out(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::err(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Runs one parsed command line: the one place that prints a command's
/// failure and maps how it ended to the process's exit status.
pub fn main(cli: Cli) -> ExitCode {
    let exit = match dispatch(cli.command) {
        Ok(exit) => exit,
        Err(failure) => {
            errln!("{failure}");
            failure.exit()
        }
    };
    output::final_status(exit).into()
}

/// Runs the command on a fresh async runtime.
fn dispatch(command: Command) -> Result<Exit, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::inconclusive("cannot start the async runtime").cause(e))?;
    match command {
        Command::Run(args) => runtime.block_on(run(&args)),
        Command::Mock(args) => runtime.block_on(mock(&args)),
        Command::List(args) => list(&args),
        Command::Compare(args) => compare(&args),
        Command::Schemas(args) => schemas(&args),
        Command::Validate(args) => validate(&args),
        Command::Keygen(args) => keygen(&args),
        Command::Verify(args) => verify(&args),
        Command::Board(args) => board(&args),
    }
}

async fn run(args: &RunArgs) -> Result<Exit, Failure> {
    let mut config =
        RunConfig::from_args(args, &|k| std::env::var(k).ok()).map_err(Failure::usage)?;
    // The built-in reference's faults and style, named on the command line.
    crate::launch::built_in(&config.target).map_err(Failure::usage)?;
    if let Some(path) = &args.rerun_failed {
        let side_profile = (config.target.side().name(), config.profile.to_string());
        let ids = read_summary(path)
            .and_then(|s| {
                crate::report::compare::scenarios_to_rerun(&s, side_profile.0, &side_profile.1)
            })
            .map_err(|e| Failure::usage(format!("--rerun-failed {}: {e}", path.display())))?;
        config.only_scenarios = Some(ids);
    }
    // A signed run checks its key and its selection before any request
    // and before --out is created.
    let signing = args
        .sign_with
        .as_deref()
        .map(|k| prepare_signing(k, &config))
        .transpose()?;
    config::check_out_dir(&config.out).map_err(Failure::usage)?;
    // A baseline that cannot be read is found before anything is sent too.
    let baseline = config
        .baseline
        .as_deref()
        .map(read_summary)
        .transpose()
        .map_err(|e| {
            Failure::usage(format!("--baseline: {e}"))
                .hint("give the summary.json of an earlier run")
        })?;
    if let Some(b) = &baseline {
        let mismatch = crate::report::compare::baseline_mismatch(
            b,
            config.target.side().name(),
            &config.profile.to_string(),
        );
        if let (Some(problem), false) = (mismatch, args.allow_baseline_mismatch) {
            return Err(Failure::usage(format!("--baseline is a run of {problem}")).hint(
                "give a baseline of the same side and profile, or add --allow-baseline-mismatch (the requirements only the baseline has are then listed as not compared)",
            ));
        }
    }
    // A certificate generated for the harness's N-central: its CA goes
    // into --out for the vendor's PSA to trust, before the port is bound.
    let ca_written = write_generated_ca(&config)?;
    // From here on Ctrl-C and SIGTERM stop the run and leave its report.
    let stop = Stop::listen()
        .map_err(|e| Failure::inconclusive("cannot listen for Ctrl-C and SIGTERM").cause(e))?;
    let started_at = jiff::Timestamp::now();
    let started = std::time::Instant::now();
    let (mut report, interrupted) = match crate::launch::execute_until(&config, stop).await {
        Ok(r) => r,
        Err(e) => {
            let info = crate::report::RunInfo {
                profile: config.profile,
                strict: config.strict,
                target: config.target.describe(),
                tls_insecure: config.target.tls_insecure(),
                started_at,
                elapsed: started.elapsed(),
            };
            return Err(not_run(&config, &info, &e, signing.is_some()));
        }
    };
    if let Some(baseline) = &baseline {
        match args.fail_on {
            crate::cli::FailOn::Verdict => report.compare_with(baseline),
            crate::cli::FailOn::Regression => report.compare_regressions_only(baseline),
        }
    }
    // Decided before the reports are rendered: they name the signing key.
    let refusal = signing
        .as_ref()
        .and_then(|key| attest::prepare_report(&mut report, key, &config.out).err());
    let mut written = report
        .write_all(&config.out)
        .map_err(Failure::inconclusive)?;
    // Signed with the reports: the certificate the vendor was told to trust.
    written.extend(ca_written);
    out!("{}", terminal::render(&report, config.quiet));
    let github = crate::report::github::publish(&report);
    for line in &github.annotations {
        outln!("{line}");
    }
    if let Some(problem) = &github.problem {
        errln!("warning: {problem}");
    }
    if let Some(cmp) = &report.regressions {
        out!("against the baseline:\n{}", cmp.render());
    }
    if !config.quiet {
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        outln!("reports: {}", names.join(", "));
    }
    if let Some(signal) = interrupted {
        if signing.is_some() {
            return Err(Failure::new(
                signal.exit_code(),
                "not signed: the run was interrupted",
            ));
        }
        return Ok(signal.exit_code());
    }
    if let Some(reason) = refusal {
        return Err(Failure::usage(format!("not signed: {reason}")));
    }
    if let Some(key) = &signing {
        let facts = attest::RunFacts {
            report: &report,
            side: report.side().name(),
        };
        let path = attest::write_attestation(&config.out, &written, &facts, key)
            .map_err(Failure::inconclusive)?;
        outln!(
            "signed: {} (Ed25519 key {})",
            path.display(),
            key.fingerprint()
        );
    }
    Ok(report.exit_code())
}

/// A run that ended in `error` before a verdict. When something was
/// attempted (not a usage error), it leaves an inconclusive report set in
/// `--out`; a signed run is then refused (exit 2).
fn not_run(
    config: &RunConfig,
    info: &crate::report::RunInfo,
    error: &RunError,
    signed: bool,
) -> Failure {
    let exit = error.exit_code();
    let mut failure = Failure::new(exit, error);
    if exit == Exit::Usage {
        return failure;
    }
    let reason: Vec<String> = error
        .to_string()
        .lines()
        .take(2)
        .map(|l| l.trim().to_string())
        .collect();
    let report = crate::report::RunReport::not_run(info, reason.join(" — "));
    if signed {
        // An attestation of an earlier run would not match these reports.
        let _ = std::fs::remove_file(config.out.join(attest::ATTESTATION_FILE));
    }
    if let Err(w) = report.write_all(&config.out) {
        failure = failure.then(Failure::new(exit, w));
    }
    if signed && exit == Exit::Inconclusive {
        failure = failure
            .then(Failure::usage(
                "not signed: the run is inconclusive: only a complete run is signed",
            ))
            .with_exit(Exit::Usage);
    }
    failure
}

/// With `[ncentral] tls = "self-signed"`: writes the generated CA's PEM to
/// `--out` and says where; the path written, if any.
fn write_generated_ca(config: &RunConfig) -> Result<Option<PathBuf>, Failure> {
    let Some((target, pem, host)) = generated_ca(config) else {
        return Ok(None);
    };
    let path = config.out.join(crate::net::SELF_SIGNED_CA_FILE);
    std::fs::write(&path, pem).map_err(|e| {
        Failure::usage(format!(
            "cannot write the generated certificate to {}",
            path.display()
        ))
        .cause(e)
        .hint("choose another --out")
    })?;
    outln!(
        "TLS: the harness's N-central serves {} with a certificate generated for {host}; \
         its CA is in {} — the PSA must trust it",
        target.ncentral.public_url.as_str().trim_end_matches('/'),
        path.display()
    );
    Ok(Some(path))
}

/// The live PSA target, the generated CA's PEM and the host it serves,
/// with `[ncentral] tls = "self-signed"`.
fn generated_ca(config: &RunConfig) -> Option<(&config::PsaTarget, &str, &str)> {
    let config::TargetSource::LivePsa(target) = &config.target else {
        return None;
    };
    let tls = target.ncentral.tls.as_ref()?;
    match (tls.ca_pem(), tls.source()) {
        (Some(pem), crate::net::TlsSource::SelfSigned { host }) => Some((target, pem, host)),
        _ => None,
    }
}

fn generates_ca(config: &RunConfig) -> bool {
    generated_ca(config).is_some()
}

/// Loads the signing key and checks that the run can be signed: the
/// selection leaves no counted requirement unchecked and `--out` holds only reports.
fn prepare_signing(path: &Path, config: &RunConfig) -> Result<attest::keys::PrivateKey, Failure> {
    let key = attest::keys::PrivateKey::load(path).map_err(Failure::usage)?;
    if let Some(warning) = attest::keys::permission_warning(path) {
        errln!("{warning}");
    }
    let unchecked = attest::unchecked_requirements(
        config.profile,
        config.strict,
        config.tags.as_ref().map(|(_, op)| op),
    );
    if !unchecked.is_empty() {
        return Err(Failure::usage(format!(
            "refusing to sign: --tags {:?} leaves {} {} requirement(s) of profile {} unchecked ({}); \
             the run would be partial, and only a complete run is signed",
            config.tags.as_ref().map(|(e, _)| e.as_str()).unwrap_or_default(),
            unchecked.len(),
            if config.strict { "MUST/SHOULD" } else { "MUST" },
            config.profile,
            unchecked.join(", ")
        ))
        .hint("drop --tags, or drop --sign-with for a partial run"));
    }
    let mut foreign = attest::foreign_files(&config.out);
    // This run writes (and attests) the CA file afresh.
    if generates_ca(config) {
        foreign.retain(|f| f != crate::net::SELF_SIGNED_CA_FILE);
    }
    if !foreign.is_empty() {
        return Err(Failure::usage(format!(
            "refusing to sign into {}: it holds files that are not reports ({}), \
             which `verify` would find unattested",
            config.out.display(),
            foreign.join(", ")
        ))
        .hint("give the signed run an --out directory of its own"));
    }
    Ok(key)
}

async fn mock(args: &MockArgs) -> Result<Exit, Failure> {
    if args.side == Side::Psa {
        return reference_psa(args).await;
    }
    if args.list_faults {
        for f in Fault::all() {
            outln!(
                "{:<26} {:<8} {}",
                f.name(),
                f.requirement(),
                f.description()
            );
        }
        return Ok(Exit::Ok);
    }
    let (faults, style) = named::<Fault, Style>(args, config::MOCK_FAULTS_HINT)?;
    let addr = listen_address(&args.listen).await?;
    let server = MockServer::builder()
        .faults(faults.iter().copied())
        .style(style)
        .listen(addr)
        .start()
        .await
        .map_err(|e| cannot_listen(addr, e))?;
    let c = server.credentials();
    outln!(
        "psa-conformance reference mock listening on {}",
        server.uri()
    );
    if style != Style::Canonical {
        outln!("style: {}", style.name());
    }
    if !faults.is_empty() {
        let names: Vec<String> = faults.iter().map(|f| f.name()).collect();
        outln!("faults on: {}", names.join(", "));
    }
    outln!("It accepts (test credentials of this process only):");
    outln!(
        "  export NCENTRAL_USER_API_JWT='{}'",
        c.user_api_jwt.expose()
    );
    outln!("  export PSA_BEARER_TOKEN='{}'", c.access_token.expose());
    outln!(
        "  export PSA_INTEGRATION_KEY='{}'",
        c.integration_key.expose()
    );
    outln!("  export PSA_PASSWORD='{}'", c.password.expose());
    outln!(
        "  username {}  psaType {}  tickets {}",
        c.username,
        c.psa_type,
        c.ticket_ids.join(", ")
    );
    outln!(
        "  [lifecycle] pending_ticket_id {}  resolvable_ticket_id {}  (linked once per mock instance)",
        c.pending_ticket_id,
        c.resolvable_ticket_id
    );
    let uri = server.uri();
    let target = crate::target_file::for_ncentral_mock(&crate::target_file::NcentralMock {
        base_url: &uri,
        psa_type: &c.psa_type,
        username: &c.username,
        ticket_id: c.ticket_ids.first().map_or("", String::as_str),
        pending_ticket_id: &c.pending_ticket_id,
        resolvable_ticket_id: &c.resolvable_ticket_id,
    });
    print_target_file(&target, "");
    outln!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    Ok(Exit::Ok)
}

/// The faults `--fault` names and the style `--style` names (the
/// reference's default style without it), for either reference: `F` and
/// `S` are its fault and style tables.
fn named<F: clap::ValueEnum, S: clap::ValueEnum + Default>(
    args: &MockArgs,
    faults_hint: &str,
) -> Result<(Vec<F>, S), Failure> {
    let (faults, style) = crate::launch::reference_names(
        ("--fault", "--style"),
        &args.faults,
        args.style.as_deref(),
        faults_hint,
    )
    .map_err(Failure::usage)?;
    Ok((faults, style.unwrap_or_default()))
}

/// Prints a ready target file between marker lines, for `run --target`.
fn print_target_file(toml: &str, side_flag: &str) {
    outln!("A ready target file (save it as mock.toml, export the lines above, then run `psa-conformance run{side_flag} --target mock.toml`):");
    outln!("# --- target file ---");
    for line in toml.lines() {
        outln!("{line}");
    }
    outln!("# --- end of target file ---");
}

/// The address `--listen` names.
async fn listen_address(listen: &str) -> Result<std::net::SocketAddr, Failure> {
    tokio::net::lookup_host(listen)
        .await
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Failure::usage(format!(
                "--listen {listen:?} is not an address such as 127.0.0.1:8080"
            ))
        })
}

/// A reference that could not bind `--listen` (exit 3).
fn cannot_listen(addr: std::net::SocketAddr, e: std::io::Error) -> Failure {
    Failure::inconclusive(format!("cannot listen on {addr}: {e}"))
        .hint("choose another port with --listen")
}

/// `mock --side psa`: the reference PSA, calling back the N-central at
/// `--ncentral-url` with the credentials from the environment.
async fn reference_psa(args: &MockArgs) -> Result<Exit, Failure> {
    if args.list_faults {
        for f in PsaFault::all() {
            outln!(
                "{:<30} {:<8} {:<8} {}",
                f.name(),
                f.requirement(),
                f.style().name(),
                f.description()
            );
        }
        return Ok(Exit::Ok);
    }
    let (faults, style) = named::<PsaFault, AnswerStyle>(args, config::PSA_FAULTS_HINT)?;
    let ncentral_url = match url::Url::parse(&args.ncentral_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            return Err(Failure::usage(format!(
                "--ncentral-url {:?} is not an http(s) URL",
                args.ncentral_url
            ))
            .hint("the harness's [ncentral] public_url, e.g. http://127.0.0.1:8443"));
        }
    };
    if let Some(ca) = &args.ncentral_ca {
        // Checked now when it exists; read again on each callback.
        let problem = match crate::psa_mock::read_ca_file(ca) {
            Ok(pem) => crate::psa_mock::trusting_only(&pem).err(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(e.to_string()),
        };
        if let Some(problem) = problem {
            return Err(Failure::usage(format!(
                "--ncentral-ca {} cannot be used: {problem}",
                ca.display()
            ))
            .hint("give the PEM file of the CA that signed N-central's certificate (ncentral-ca.pem in the harness's --out)"));
        }
    }
    let user_api_jwt = std::env::var("NCENTRAL_USER_API_JWT")
        .ok()
        .filter(|v| !v.trim().is_empty());
    if style == AnswerStyle::Callback && user_api_jwt.is_none() {
        return Err(
            Failure::usage("environment variable NCENTRAL_USER_API_JWT is not set")
                .at("mock --side psa --style callback")
                .hint("export the User-API JWT the harness's N-central accepts (its [ncentral] user_api_jwt_env)"),
        );
    }
    let addr = listen_address(&args.listen).await?;
    let mut builder = PsaMockServer::builder()
        .style(style)
        .faults(faults.iter().copied())
        .listen(addr)
        .ncentral(NcentralLink {
            base_url: ncentral_url.as_str().trim_end_matches('/').to_string(),
            user_api_jwt: user_api_jwt.unwrap_or_default(),
            integration_key: std::env::var("PSA_INTEGRATION_KEY")
                .ok()
                .filter(|v| !v.is_empty()),
        });
    if let Some(ca) = &args.ncentral_ca {
        builder = builder.ncentral_ca(ca);
    }
    let push_auth = std::env::var("PSA_PUSH_AUTH")
        .ok()
        .filter(|v| !v.is_empty());
    if let Some(value) = &push_auth {
        builder = builder.push_auth("Authorization", value);
    }
    let server = builder.start().await.map_err(|e| cannot_listen(addr, e))?;
    outln!(
        "psa-conformance reference PSA listening; push_url = {}",
        server.push_url()
    );
    outln!(
        "style: {} ({})",
        style.name(),
        match style {
            AnswerStyle::Body => "CREATE answered with externalTicketId and ticketUrl",
            AnswerStyle::Callback => "CREATE answered empty, then a callback",
        }
    );
    if !faults.is_empty() {
        let names: Vec<String> = faults.iter().map(|f| f.name()).collect();
        outln!("faults on: {}", names.join(", "));
    }
    outln!(
        "calls back: {}",
        ncentral_url.as_str().trim_end_matches('/')
    );
    if let Some(ca) = &args.ncentral_ca {
        outln!(
            "trusts for it: only the CA in {}{}",
            ca.display(),
            if ca.exists() {
                ""
            } else {
                " (not there yet: read when it first calls back)"
            }
        );
    }
    outln!(
        "push auth: {}",
        if push_auth.is_some() {
            "Authorization must equal $PSA_PUSH_AUTH"
        } else {
            "none (set PSA_PUSH_AUTH to require it)"
        }
    );
    let push_url = server.push_url();
    let target = crate::target_file::for_reference_psa(&crate::target_file::ReferencePsa {
        push_url: &push_url,
        ncentral_url: &ncentral_url,
        push_auth: push_auth.is_some(),
    });
    print_target_file(&target, " --side psa");
    outln!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    server.stop().await;
    Ok(Exit::Ok)
}

/// Checked over every exchange of a run, not by a scenario of their own.
const RUN_WIDE: [&str; 7] = [
    "ERR-01", "ERR-02", "ERR-03", "PUSH-07", "PUSH-10", "CB-03", "CB-04",
];

fn list(args: &ListArgs) -> Result<Exit, Failure> {
    if args.steps {
        out!("{}", crate::suite::steps::catalog::render());
        return Ok(Exit::Ok);
    }
    let profile = args.side.profile(args.profile).map_err(Failure::usage)?;
    let tags = args
        .tags
        .as_deref()
        .map(config::parse_tags)
        .transpose()
        .map_err(Failure::usage)?
        .map(|(_, op)| op);
    let mut by_requirement: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for feature in features::parse_all() {
        let feature = feature.map_err(Failure::inconclusive)?;
        for scenario in &feature.scenarios {
            let selection = features::select(&feature, scenario, profile, tags.as_ref(), None);
            if selection == Selection::Exclude {
                continue;
            }
            for r in catalog::requirement_tags(&scenario.tags) {
                by_requirement.entry(r.id).or_default().push(format!(
                    "{}  {}",
                    features::scenario_id(&feature, scenario),
                    scenario.name
                ));
            }
        }
    }
    for (section, title) in catalog::SECTIONS {
        let reqs: Vec<_> = catalog::in_profile(profile)
            .filter(|r| r.section == section)
            .collect();
        if reqs.is_empty() {
            continue;
        }
        outln!("{section}. {title}");
        for r in reqs {
            let scenarios = by_requirement.get(r.id).cloned().unwrap_or_default();
            let run_wide = RUN_WIDE.contains(&r.id);
            let untested = scenarios.is_empty() && !run_wide;
            outln!(
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
            if run_wide {
                let over = if r.section >= 11 {
                    "every push and callback of the run"
                } else {
                    "every exchange of the run"
                };
                outln!("      run-wide:{}  {over}", r.id);
            }
            for s in scenarios {
                outln!("      {s}");
            }
        }
    }
    if profile == Profile::Core {
        outln!("(profile core: sections 7–8 left out)");
    }
    Ok(Exit::Ok)
}

fn keygen(args: &KeygenArgs) -> Result<Exit, Failure> {
    let files = attest::keys::generate(&args.out).map_err(Failure::usage)?;
    outln!(
        "private key  {} (mode 0600: keep it secret)",
        files.private.display()
    );
    outln!("public key   {}", files.public.display());
    outln!("fingerprint  {}", files.fingerprint);
    Ok(Exit::Ok)
}

/// Exit 0 when the attestation is valid, 1 when it is not (one line per
/// failed check), 2 when its input cannot be read.
fn verify(args: &VerifyArgs) -> Result<Exit, Failure> {
    let key = attest::keys::PublicKey::load(&args.key).map_err(Failure::usage)?;
    let (envelope, files) = attest::read_bundle(&args.path).map_err(Failure::usage)?;
    match attest::verify(&envelope, &files, &key) {
        Ok(attested) => {
            outln!(
                "valid: {} is signed by key {}, and every report is as signed",
                args.path.display(),
                attested.key
            );
            out!("{attested}");
            Ok(Exit::Ok)
        }
        Err(problems) => {
            outln!("INVALID: {}", args.path.display());
            for p in problems {
                outln!("  {p}");
            }
            Ok(Exit::Failed)
        }
    }
}

/// Exit 0 when the site is written, whatever the vendors' statuses; 2 for
/// a usage or configuration error, with nothing written.
fn board(args: &BoardArgs) -> Result<Exit, Failure> {
    let now = match args.now.as_deref().map(str::parse::<jiff::Timestamp>) {
        None => jiff::Timestamp::now(),
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            return Err(Failure::usage(format!(
                "--now {:?} is not an RFC 3339 time: {e}",
                args.now.as_deref().unwrap_or_default()
            ))
            .hint("e.g. 2026-12-06T08:00:00Z"));
        }
    };
    let options = crate::board::Options {
        submissions: args.submissions.clone(),
        keys: args.keys.clone(),
        waivers: args.waivers.clone(),
        out: args.out.clone(),
        now,
        max_age_days: args.max_age_days,
        history: args.history,
    };
    let built = crate::board::build(&options).map_err(Failure::usage)?;
    out!("{}", built.summary(&args.out));
    Ok(Exit::Ok)
}

/// A `summary.json` of an earlier run, or why it cannot be read.
fn read_summary(path: &Path) -> Result<Summary, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a summary.json: {e}", path.display()))
}

/// Exit 1 when the new run regressed against the baseline.
fn compare(args: &CompareArgs) -> Result<Exit, Failure> {
    let baseline = read_summary(&args.baseline);
    let new = read_summary(&args.new);
    let (baseline, new) = match (baseline, new) {
        (Ok(b), Ok(n)) => (b, n),
        (Err(e), _) | (_, Err(e)) => return Err(Failure::usage(e)),
    };
    let cmp = Comparison::between(&baseline, &new);
    out!("{}", cmp.render());
    Ok(if cmp.regressed() {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

fn schemas(args: &SchemasArgs) -> Result<Exit, Failure> {
    let unwritable = |what: String, e: std::io::Error| {
        Failure::usage(what)
            .cause(e)
            .hint("choose another directory with --out")
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| unwritable(format!("cannot create --out {}", args.out.display()), e))?;
    let schemas = crate::schema::effective_schemas().map_err(Failure::usage)?;
    let mut files: Vec<(String, String)> = schemas
        .iter()
        .map(|(name, schema)| {
            let text = serde_json::to_string_pretty(schema).unwrap_or_default();
            (format!("{name}.json"), text + "\n")
        })
        .collect();
    files.push(("openapi.json".into(), crate::openapi::document()));
    files.push(("board.json".into(), crate::board::BOARD_SCHEMA.to_string()));
    for (name, text) in files {
        let path = args.out.join(&name);
        std::fs::write(&path, text)
            .map_err(|e| unwritable(format!("cannot write {}", path.display()), e))?;
        outln!("{}", path.display());
    }
    Ok(Exit::Ok)
}

/// Exit 1 when the document is not JSON or violates the schema.
fn validate(args: &ValidateArgs) -> Result<Exit, Failure> {
    let schemas = SchemaSet::load().map_err(Failure::inconclusive)?;
    if !schemas.names().any(|n| n == args.schema) {
        let names: Vec<&str> = schemas.names().collect();
        return Err(Failure::usage(format!("no schema named {:?}", args.schema))
            .hint(format!("one of {}", names.join(", "))));
    }
    let text = if args.file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(&args.file)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", args.file)))?
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            outln!("{}: not JSON: {e}", args.file);
            return Ok(Exit::Failed);
        }
    };
    let violations = schemas.validate(&args.schema, &value).unwrap_or_default();
    if violations.is_empty() {
        outln!("{}: valid against {}", args.file, args.schema);
        return Ok(Exit::Ok);
    }
    outln!(
        "{}: {} violation(s) of {}",
        args.file,
        violations.len(),
        args.schema
    );
    for v in violations {
        outln!("  {v}");
    }
    Ok(Exit::Failed)
}
