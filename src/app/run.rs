//! `run`: checks everything that can be checked before a request is sent
//! (flags, target file, the built-in reference's names, `--rerun-failed`,
//! the signing key, `--out`, the baseline, a generated CA), runs the side's
//! suite, writes and prints the reports, compares with the baseline and
//! signs a complete run.

use std::path::{Path, PathBuf};

use crate::attest;
use crate::cli::RunArgs;
use crate::config::{self, RunConfig};
use crate::exit::{Exit, Failure};
use crate::interrupt::Stop;
use crate::report::terminal;
use crate::suite::RunError;

use super::files::read_summary;

pub(super) async fn run(args: &RunArgs) -> Result<Exit, Failure> {
    let mut config =
        RunConfig::from_args(args, &|k| std::env::var(k).ok()).map_err(Failure::usage)?;
    // The built-in reference's faults and style, named on the command line.
    crate::launch::check_built_in(&config.target).map_err(Failure::usage)?;
    // Scenarios of one's own: every step one the side defines, or nothing is sent.
    if let Some(dir) = &args.features {
        let dir = dir.display().to_string();
        // The message quotes the user's steps: a secret written into one is masked.
        crate::suite::own_steps::check(&config.own_features, config.profile.side(), &dir)
            .map_err(|e| Failure::usage(config.target.redactor().redact(&e.to_string())))?;
    }
    if let Some(path) = &args.rerun_failed {
        let side_profile = (config.target.side().name(), config.profile.to_string());
        let ids = read_summary(path)
            .and_then(|s| {
                crate::report::compare::scenarios_to_rerun(&s, side_profile.0, &side_profile.1)
            })
            .map_err(|e| Failure::usage(format!("--rerun-failed {}: {e}", path.display())))?;
        // A scenario of one's own that failed runs again only from its file.
        let mut own: Vec<&String> = ids
            .iter()
            .filter(|id| !crate::features::is_shipped(id))
            .collect();
        own.sort_by_key(|id| crate::report::id_sort_key(id));
        if !own.is_empty() && args.features.is_none() {
            return Err(Failure::usage(format!(
                "--rerun-failed {}: scenarios of your own failed in it ({}), and this run has no --features",
                path.display(),
                own.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ))
            .hint("give the --features DIR of that run"));
        }
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
    let events = std::sync::Arc::new(TerminalEvents {
        progress: std::sync::OnceLock::new(),
        quiet: config.quiet,
    });
    let (mut report, interrupted) = match crate::launch::execute_until(&config, stop, events).await
    {
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

/// What a run shows while it runs: its notices on stderr (quiet or not: a
/// run that changes tickets says which, first) and a progress line.
struct TerminalEvents {
    progress: std::sync::OnceLock<terminal::Progress>,
    quiet: bool,
}

impl crate::suite::events::RunEvents for TerminalEvents {
    fn notice(&self, text: &str) {
        crate::output::err(format_args!("{text}\n"));
    }

    fn planned(&self, scenarios: usize) {
        let _ = self
            .progress
            .set(terminal::Progress::new(scenarios, self.quiet));
    }

    fn scenario_finished(&self, failed: bool) {
        if let Some(p) = self.progress.get() {
            p.tick(failed);
        }
    }

    fn scenarios_finished(&self) {
        if let Some(p) = self.progress.get() {
            p.finish();
        }
    }
}
