//! The subcommands: each takes its parsed flags and returns the process
//! exit status, printing errors in the one format users see — a title, then
//! actual vs expected or the cause, then a hint.
//!
//! Every line a command prints goes through [`output`]: a reader that goes
//! away early (`psa-conformance list | head -1`) ends the output quietly
//! instead of panicking, and the command still finishes with its own status.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use crate::attest;
use crate::catalog::{self, Profile};
use crate::cli::{
    BoardArgs, Cli, Command, CompareArgs, KeygenArgs, ListArgs, MockArgs, RunArgs, SchemasArgs,
    Side, ValidateArgs, VerifyArgs,
};
use crate::config::{self, RunConfig};
use crate::features;
use crate::features::Selection;
use crate::interrupt::Stop;
use crate::mock::{Fault, MockServer};
use crate::report::compare::Comparison;
use crate::report::{terminal, Summary};
use crate::schema::SchemaSet;

use crate::output;

macro_rules! out {
    ($($arg:tt)*) => { output::out(format_args!($($arg)*)) };
}
macro_rules! outln {
    () => { output::out(format_args!("\n")) };
    ($($arg:tt)*) => { output::out(format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! errln {
    ($($arg:tt)*) => { output::err(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Runs one parsed command line.
pub fn main(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            errln!("error: cannot start the async runtime\n  cause: {e}");
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
        Command::Keygen(args) => keygen(&args),
        Command::Verify(args) => verify(&args),
        Command::Board(args) => board(&args),
    };
    ExitCode::from(output::final_status(code))
}

async fn run(args: &RunArgs) -> u8 {
    let mut config = match RunConfig::from_args(args, &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    // The built-in reference's faults and style, named on the command line.
    if let Err(e) = crate::launch::built_in(&config.target) {
        errln!("error: {e}");
        return 2;
    }
    if let Some(path) = &args.rerun_failed {
        let side_profile = (config.target.side().name(), config.profile.to_string());
        match read_summary(path).and_then(|s| {
            crate::report::compare::scenarios_to_rerun(&s, side_profile.0, &side_profile.1)
        }) {
            Ok(ids) => config.only_scenarios = Some(ids),
            Err(e) => {
                errln!("error: --rerun-failed {}: {e}", path.display());
                return 2;
            }
        }
    }
    // A signed run checks its key and its selection before any request
    // and before --out is created.
    let signing = match args
        .sign_with
        .as_deref()
        .map(|k| prepare_signing(k, &config))
    {
        None => None,
        Some(Ok(key)) => Some(key),
        Some(Err(message)) => {
            errln!("error: {message}");
            return 2;
        }
    };
    if let Err(e) = config::check_out_dir(&config.out) {
        errln!("error: {e}");
        return 2;
    }
    // A baseline that cannot be read is found before anything is sent too.
    let baseline = match config.baseline.as_deref().map(read_summary).transpose() {
        Ok(b) => b,
        Err(e) => {
            errln!("error: --baseline: {e}\n  hint: give the summary.json of an earlier run");
            return 2;
        }
    };
    if let Some(b) = &baseline {
        let mismatch = crate::report::compare::baseline_mismatch(
            b,
            config.target.side().name(),
            &config.profile.to_string(),
        );
        if let (Some(problem), false) = (mismatch, args.allow_baseline_mismatch) {
            errln!(
                "error: --baseline is a run of {problem}\n  hint: give a baseline of the same side and profile, or add --allow-baseline-mismatch (the requirements only the baseline has are then listed as not compared)"
            );
            return 2;
        }
    }
    // A certificate generated for the harness's N-central: its CA goes
    // into --out for the vendor's PSA to trust, before the port is bound.
    let ca_written = match write_generated_ca(&config) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    // From here on Ctrl-C and SIGTERM stop the run and leave its report.
    let stop = match Stop::listen() {
        Ok(s) => s,
        Err(e) => {
            errln!("error: cannot listen for Ctrl-C and SIGTERM\n  cause: {e}");
            return 3;
        }
    };
    let started_at = jiff::Timestamp::now();
    let started = std::time::Instant::now();
    let (report, interrupted) = match crate::launch::execute_until(&config, stop).await {
        Ok(r) => r,
        Err(e) => {
            errln!("error: {e}");
            if e.exit_code() != 2 {
                // Something was attempted: leave an inconclusive report set.
                let target = config.target.describe();
                let reason: Vec<String> = e
                    .to_string()
                    .lines()
                    .take(2)
                    .map(|l| l.trim().to_string())
                    .collect();
                let info = crate::report::RunInfo {
                    profile: config.profile,
                    strict: config.strict,
                    target,
                    tls_insecure: config.target.tls_insecure(),
                    started_at,
                    elapsed: started.elapsed(),
                };
                let report = crate::report::RunReport::not_run(&info, reason.join(" — "));
                if signing.is_some() {
                    // An attestation of an earlier run would not match these reports.
                    let _ = std::fs::remove_file(config.out.join(attest::ATTESTATION_FILE));
                }
                if let Err(w) = report.write_all(&config.out) {
                    errln!("error: {w}");
                }
                if signing.is_some() && e.exit_code() == 3 {
                    errln!(
                        "error: not signed: the run is inconclusive: only a complete run is signed"
                    );
                    return 2;
                }
            }
            return e.exit_code();
        }
    };
    let mut report = report;
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
    let mut written = match report.write_all(&config.out) {
        Ok(w) => w,
        Err(e) => {
            errln!("error: {e}");
            return 3;
        }
    };
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
            errln!("error: not signed: the run was interrupted");
        }
        return signal.exit_code();
    }
    if let Some(reason) = refusal {
        errln!("error: not signed: {reason}");
        return 2;
    }
    if let Some(key) = &signing {
        let facts = attest::RunFacts {
            report: &report,
            side: report.side().name(),
        };
        match attest::write_attestation(&config.out, &written, &facts, key) {
            Ok(path) => outln!(
                "signed: {} (Ed25519 key {})",
                path.display(),
                key.fingerprint()
            ),
            Err(e) => {
                errln!("error: {e}");
                return 3;
            }
        }
    }
    report.exit_code()
}

/// With `[ncentral] tls = "self-signed"`: writes the generated CA's PEM to
/// `--out` and says where; the path written, if any.
fn write_generated_ca(config: &RunConfig) -> Result<Option<std::path::PathBuf>, String> {
    let Some((target, pem, host)) = generated_ca(config) else {
        return Ok(None);
    };
    let path = config.out.join(crate::net::SELF_SIGNED_CA_FILE);
    std::fs::write(&path, pem).map_err(|e| {
        format!(
            "cannot write the generated certificate to {}\n  cause: {e}\n  hint: choose another --out",
            path.display()
        )
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
fn prepare_signing(path: &Path, config: &RunConfig) -> Result<attest::keys::PrivateKey, String> {
    let key = attest::keys::PrivateKey::load(path).map_err(|e| e.to_string())?;
    if let Some(warning) = attest::keys::permission_warning(path) {
        errln!("{warning}");
    }
    let unchecked = attest::unchecked_requirements(
        config.profile,
        config.strict,
        config.tags.as_ref().map(|(_, op)| op),
    );
    if !unchecked.is_empty() {
        return Err(format!(
            "refusing to sign: --tags {:?} leaves {} {} requirement(s) of profile {} unchecked ({}); \
             the run would be partial, and only a complete run is signed\n  \
             hint: drop --tags, or drop --sign-with for a partial run",
            config.tags.as_ref().map(|(e, _)| e.as_str()).unwrap_or_default(),
            unchecked.len(),
            if config.strict { "MUST/SHOULD" } else { "MUST" },
            config.profile,
            unchecked.join(", ")
        ));
    }
    let mut foreign = attest::foreign_files(&config.out);
    // This run writes (and attests) the CA file afresh.
    if generates_ca(config) {
        foreign.retain(|f| f != crate::net::SELF_SIGNED_CA_FILE);
    }
    if !foreign.is_empty() {
        return Err(format!(
            "refusing to sign into {}: it holds files that are not reports ({}), \
             which `verify` would find unattested\n  hint: give the signed run an --out directory of its own",
            config.out.display(),
            foreign.join(", ")
        ));
    }
    Ok(key)
}

fn keygen(args: &KeygenArgs) -> u8 {
    match attest::keys::generate(&args.out) {
        Ok(files) => {
            outln!(
                "private key  {} (mode 0600: keep it secret)",
                files.private.display()
            );
            outln!("public key   {}", files.public.display());
            outln!("fingerprint  {}", files.fingerprint);
            0
        }
        Err(e) => {
            errln!("error: {e}");
            2
        }
    }
}

fn verify(args: &VerifyArgs) -> u8 {
    let key = match attest::keys::PublicKey::load(&args.key) {
        Ok(k) => k,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let (envelope, files) = match attest::read_bundle(&args.path) {
        Ok(b) => b,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    match attest::verify(&envelope, &files, &key) {
        Ok(attested) => {
            outln!(
                "valid: {} is signed by key {}, and every report is as signed",
                args.path.display(),
                attested.key
            );
            out!("{attested}");
            0
        }
        Err(problems) => {
            outln!("INVALID: {}", args.path.display());
            for p in problems {
                outln!("  {p}");
            }
            1
        }
    }
}

fn board(args: &BoardArgs) -> u8 {
    let now = match args.now.as_deref().map(str::parse::<jiff::Timestamp>) {
        None => jiff::Timestamp::now(),
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            errln!(
                "error: --now {:?} is not an RFC 3339 time: {e}\n  hint: e.g. 2026-12-06T08:00:00Z",
                args.now.as_deref().unwrap_or_default()
            );
            return 2;
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
    match crate::board::build(&options) {
        Ok(built) => {
            out!("{}", built.summary(&args.out));
            0
        }
        Err(e) => {
            errln!("error: {e}");
            2
        }
    }
}

async fn mock(args: &MockArgs) -> u8 {
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
        return 0;
    }
    let (faults, style) = match named::<Fault, crate::mock::Style>(args, config::MOCK_FAULTS_HINT) {
        Ok(n) => n,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let faults = &faults;
    let Some(addr) = listen_address(&args.listen).await else {
        return 2;
    };
    let server = match MockServer::builder()
        .faults(faults.iter().copied())
        .style(style)
        .listen(addr)
        .start()
        .await
    {
        Ok(s) => s,
        Err(e) => {
            errln!(
                "error: cannot listen on {addr}: {e}\n  hint: choose another port with --listen"
            );
            return 3;
        }
    };
    let c = server.credentials();
    outln!(
        "psa-conformance reference mock listening on {}",
        server.uri()
    );
    if style != crate::mock::Style::Canonical {
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
    0
}

/// The faults `--fault` names and the style `--style` names (the
/// reference's default style without it), for either reference: `F` and
/// `S` are its fault and style tables.
fn named<F: clap::ValueEnum, S: clap::ValueEnum + Default>(
    args: &MockArgs,
    faults_hint: &str,
) -> Result<(Vec<F>, S), config::ConfigError> {
    let (faults, style) = crate::launch::reference_names(
        ("--fault", "--style"),
        &args.faults,
        args.style.as_deref(),
        faults_hint,
    )?;
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

/// The address `--listen` names, or a usage error printed (then `None`).
async fn listen_address(listen: &str) -> Option<std::net::SocketAddr> {
    let found = tokio::net::lookup_host(listen)
        .await
        .ok()
        .and_then(|mut a| a.next());
    if found.is_none() {
        errln!("error: --listen {listen:?} is not an address such as 127.0.0.1:8080");
    }
    found
}

/// `mock --side psa`: the reference PSA, calling back the N-central at
/// `--ncentral-url` with the credentials from the environment.
async fn reference_psa(args: &MockArgs) -> u8 {
    use crate::psa_mock::{AnswerStyle, NcentralLink, PsaFault, PsaMockServer};
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
        return 0;
    }
    let (faults, style) = match named::<PsaFault, AnswerStyle>(args, config::PSA_FAULTS_HINT) {
        Ok(n) => n,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let ncentral_url = match url::Url::parse(&args.ncentral_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            errln!(
                "error: --ncentral-url {:?} is not an http(s) URL\n  hint: the harness's [ncentral] public_url, e.g. http://127.0.0.1:8443",
                args.ncentral_url
            );
            return 2;
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
            errln!(
                "error: --ncentral-ca {} cannot be used: {problem}\n  hint: give the PEM file of the CA that signed N-central's certificate (ncentral-ca.pem in the harness's --out)",
                ca.display()
            );
            return 2;
        }
    }
    let user_api_jwt = std::env::var("NCENTRAL_USER_API_JWT")
        .ok()
        .filter(|v| !v.trim().is_empty());
    if style == AnswerStyle::Callback && user_api_jwt.is_none() {
        errln!(
            "error: environment variable NCENTRAL_USER_API_JWT is not set\n  where: mock --side psa --style callback\n  hint: export the User-API JWT the harness's N-central accepts (its [ncentral] user_api_jwt_env)"
        );
        return 2;
    }
    let Some(addr) = listen_address(&args.listen).await else {
        return 2;
    };
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
    let server = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            errln!(
                "error: cannot listen on {addr}: {e}\n  hint: choose another port with --listen"
            );
            return 3;
        }
    };
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
    0
}

fn list(args: &ListArgs) -> u8 {
    if args.steps {
        out!("{}", crate::suite::steps::catalog::render());
        return 0;
    }
    let profile = match args.side.profile(args.profile) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let tags = match args.tags.as_deref().map(config::parse_tags).transpose() {
        Ok(t) => t.map(|(_, op)| op),
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
    let mut by_requirement: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for feature in features::parse_all() {
        let feature = match feature {
            Ok(f) => f,
            Err(e) => {
                errln!("error: {e}");
                return 3;
            }
        };
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
    // Checked over every exchange of a run, not by a scenario of their own.
    let run_wide = [
        "ERR-01", "ERR-02", "ERR-03", "PUSH-07", "PUSH-10", "CB-03", "CB-04",
    ];
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
            let untested = scenarios.is_empty() && !run_wide.contains(&r.id);
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
            if run_wide.contains(&r.id) {
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
            errln!("error: {e}");
            return 2;
        }
    };
    let cmp = Comparison::between(&baseline, &new);
    out!("{}", cmp.render());
    u8::from(cmp.regressed())
}

fn schemas(args: &SchemasArgs) -> u8 {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        errln!(
            "error: cannot create --out {}\n  cause: {e}\n  hint: choose another directory with --out",
            args.out.display()
        );
        return 2;
    }
    let schemas = match crate::schema::effective_schemas() {
        Ok(s) => s,
        Err(e) => {
            errln!("error: {e}");
            return 2;
        }
    };
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
        if let Err(e) = std::fs::write(&path, text) {
            errln!(
                "error: cannot write {}\n  cause: {e}\n  hint: choose another directory with --out",
                path.display()
            );
            return 2;
        }
        outln!("{}", path.display());
    }
    0
}

fn validate(args: &ValidateArgs) -> u8 {
    let schemas = match SchemaSet::load() {
        Ok(s) => s,
        Err(e) => {
            errln!("error: {e}");
            return 3;
        }
    };
    if !schemas.names().any(|n| n == args.schema) {
        let names: Vec<&str> = schemas.names().collect();
        errln!(
            "error: no schema named {:?}\n  hint: one of {}",
            args.schema,
            names.join(", ")
        );
        return 2;
    }
    let text = if args.file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            errln!("error: cannot read standard input: {e}");
            return 2;
        }
        s
    } else {
        match std::fs::read_to_string(&args.file) {
            Ok(s) => s,
            Err(e) => {
                errln!("error: cannot read {}: {e}", args.file);
                return 2;
            }
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            outln!("{}: not JSON: {e}", args.file);
            return 1;
        }
    };
    let violations = schemas.validate(&args.schema, &value).unwrap_or_default();
    if violations.is_empty() {
        outln!("{}: valid against {}", args.file, args.schema);
        return 0;
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
    1
}
