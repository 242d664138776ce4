//! Raw command-line flags, exactly as CLI.md names them.
//!
//! Nothing here is validated beyond what clap checks; [`crate::config`] turns
//! these flags into one validated, immutable configuration.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::catalog::Profile;

/// Conformance test suite for the N-central PSA integration API.
///
/// Runs Gherkin scenarios against a live implementation or the built-in
/// reference mock and writes JUnit, Cucumber JSON and summary reports.
#[derive(Debug, Parser)]
#[command(name = "psa-conformance", version, about, long_about = None)]
#[command(
    after_help = "Exit status: 0 conformant or partial (nothing failed, some MUSTs unchecked), \
1 not conformant or regressed, 2 usage or configuration error (nothing was sent), \
3 inconclusive (target unreachable or harness failure), \
130/143 interrupted by Ctrl-C/SIGTERM (the reports of what ran are written)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the suite against a target (default: the built-in reference mock).
    Run(RunArgs),
    /// Serve the reference implementation until interrupted.
    Mock(MockArgs),
    /// Print the requirements and the scenarios that check them.
    List(ListArgs),
    /// Compare two summary.json files and report regressions.
    Compare(CompareArgs),
    /// Write the JSON Schemas and an OpenAPI document of the certified surface.
    Schemas(SchemasArgs),
    /// Check one saved response body against a named schema.
    Validate(ValidateArgs),
    /// Write an Ed25519 key pair for `run --sign-with`: KEYFILE and KEYFILE.pub.
    Keygen(KeygenArgs),
    /// Check a signed run offline: the signature, every report's digest,
    /// and that no report was added or removed.
    Verify(VerifyArgs),
    /// Turn a folder of signed runs (many vendors, many nights) into the
    /// certification board: a static site and board.json (docs/BOARD.md).
    Board(BoardArgs),
}

pub use crate::catalog::{ProfileOfOtherSide, Side};

/// What makes a run's exit status 1 (docs/CLI.md, docs/NIGHTLY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// A failed requirement (the verdict), or a new failure against --baseline.
    #[default]
    Verdict,
    /// Only a requirement that passed in --baseline and fails now.
    Regression,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Which side to certify: `ncentral` (the target implements N-central's
    /// API) or `psa` (the target is a custom PSA; the harness plays
    /// N-central, docs/PSA-SIDE.md).
    #[arg(long, value_enum, default_value_t = Side::Ncentral)]
    pub side: Side,

    /// Target file (TOML) describing a live implementation (with `--side psa`:
    /// the PSA's push_url and the N-central the harness plays). Without it the
    /// built-in reference mock (or reference PSA) is started on 127.0.0.1.
    #[arg(long, value_name = "FILE", env = "PSA_CONFORMANCE_TARGET")]
    pub target: Option<PathBuf>,

    /// Which requirements to certify: `core` (sections 1–6), `full` (1–8;
    /// the default), `extended` (1–10; changes data on the target), or `psa`
    /// (11–12, the only profile of `--side psa`, and its default).
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Option<Profile>,

    /// Count SHOULD failures as failures.
    #[arg(long)]
    pub strict: bool,

    /// Cucumber tag expression narrowing the run, e.g. `@CRED-01 or @KEY-01`.
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,

    /// Directory that receives junit.xml, cucumber.json, ctrf.json,
    /// summary.json, summary.md and report.html — also when the run is interrupted. It is
    /// created if absent, and checked to be writable before anything is sent.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,

    /// Most requests in flight at once to any one endpoint, 1 to 64. Real
    /// N-central answers 429 beyond 3 to 50 concurrent requests per endpoint.
    // Negative numbers are read as values, so `-1` is refused as a number
    // out of range rather than as an unknown flag.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2,
        allow_negative_numbers = true
    )]
    pub concurrency: i64,

    /// Per-request timeout in seconds: more than 0, at most 600; fractions
    /// allowed (2.5).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 10.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,

    /// An earlier summary.json: new failures make the exit status 1. Its
    /// side and profile must be this run's (else exit 2; see
    /// --allow-baseline-mismatch).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// What makes the exit status 1: `verdict` (the default: a failed
    /// requirement, or a new failure against --baseline) or `regression`
    /// (only a requirement that passed in the --baseline and fails now;
    /// known failures are reported, not fatal). Without --baseline,
    /// `regression` acts as `verdict`.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = FailOn::Verdict)]
    pub fail_on: FailOn,

    /// Compare with a --baseline of another side or profile anyway; the
    /// requirements only the baseline has are listed as not compared.
    #[arg(long, requires = "baseline")]
    pub allow_baseline_mismatch: bool,

    /// Print only the verdict line (no per-scenario progress). A run that
    /// changes tickets (profile extended) still says which, first.
    #[arg(long, short)]
    pub quiet: bool,

    /// With the built-in mock only: switch on a fault (repeatable), to see
    /// what the suite reports for a broken implementation. The names of the
    /// side's own mock: `mock [--side psa] --list-faults` lists them.
    #[arg(long = "mock-fault", value_name = "NAME", conflicts_with = "target")]
    pub mock_faults: Vec<String>,

    /// With the built-in mock only: the (equally conformant) style it
    /// answers in. `--side ncentral`: canonical (default), alternate, or
    /// ncentral (as N-central's Java/Spring stack answers). `--side psa`:
    /// body (default: CREATE answered with the PSA's ticket) or callback
    /// (an empty 2xx, then a callback).
    #[arg(long, value_name = "STYLE", conflicts_with = "target")]
    pub mock_style: Option<String>,

    /// The older spelling of `--mock-style alternate`, kept for scripts.
    #[arg(long, hide = true, conflicts_with_all = ["target", "mock_style"])]
    pub mock_alternate_style: bool,

    /// Benchmarking aid: run every feature N times over (copies are named
    /// `features/x.feature#2`…), to measure how a run scales.
    #[arg(long, value_name = "N", default_value_t = 1, hide = true)]
    pub repeat_features: usize,

    /// Run only the scenarios that failed or warned in this summary.json
    /// (of the same side and profile): a partial run, never signed.
    #[arg(long, value_name = "SUMMARY", conflicts_with = "sign_with")]
    pub rerun_failed: Option<PathBuf>,

    /// Add the `.feature` files of this folder (sub-folders too), written
    /// with the steps `list --steps` prints. Each scenario carries an ID tag
    /// of its own (`@X-ACME-01`); the reports list them as additional checks.
    /// A failed one makes the exit status 1, but the verdict is the
    /// catalog's alone, and such a run is never signed. An undefined or
    /// ambiguous step is exit 2 before anything is sent.
    #[arg(long, value_name = "DIR", conflicts_with = "sign_with")]
    pub features: Option<PathBuf>,

    /// Sign the run: also write attestation.json, a DSSE envelope around an
    /// in-toto test-result Statement over every report, signed with this
    /// Ed25519 private key (from `keygen`). Only a complete run is signed.
    #[arg(long, value_name = "KEYFILE")]
    pub sign_with: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// Which side to certify: `ncentral` (the target implements N-central's
    /// API) or `psa` (the target is a custom PSA; the harness plays
    /// N-central, docs/PSA-SIDE.md).
    #[arg(long, value_enum, default_value_t = Side::Ncentral)]
    pub side: Side,

    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// Break one requirement on purpose (repeatable); see --list-faults.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,

    /// The (equally conformant) style the mock answers in. `--side
    /// ncentral`: canonical (default), alternate, or ncentral (as N-central's
    /// Java/Spring stack answers). `--side psa`: body (default) or callback.
    #[arg(long, value_name = "STYLE")]
    pub style: Option<String>,

    /// With `--side psa`: the base URL of the N-central the reference PSA
    /// calls back (the harness's `[ncentral] public_url`). It exchanges the
    /// User-API JWT in $NCENTRAL_USER_API_JWT there, and sends
    /// $PSA_INTEGRATION_KEY when set; pushes must carry `Authorization:
    /// $PSA_PUSH_AUTH` when that is set.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8443")]
    pub ncentral_url: String,

    /// With `--side psa` and an `https://` `--ncentral-url`: a PEM file of
    /// the CA to trust for it — the only one trusted then. The `run` of a
    /// harness with `[ncentral] tls = "self-signed"` writes it as
    /// `ncentral-ca.pem` in its `--out`; the file is read when the PSA
    /// first calls back (and again when it changed), so it may not exist yet.
    #[arg(long, value_name = "FILE")]
    pub ncentral_ca: Option<std::path::PathBuf>,

    /// Print every fault with the requirement it breaks, then exit.
    #[arg(long)]
    pub list_faults: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which side to certify: `ncentral` (the target implements N-central's
    /// API) or `psa` (the target is a custom PSA; the harness plays
    /// N-central, docs/PSA-SIDE.md).
    #[arg(long, value_enum, default_value_t = Side::Ncentral)]
    pub side: Side,

    /// Which requirements to list (default: full, or psa with `--side psa`).
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Option<Profile>,

    /// Only scenarios matching this cucumber tag expression.
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,

    /// Print every step phrase the suite defines (both sides), with its
    /// parameters and one example line, as Markdown (docs/STEPS.md).
    #[arg(long, conflicts_with_all = ["profile", "tags"])]
    pub steps: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier summary.json.
    pub baseline: PathBuf,
    /// The newer summary.json.
    pub new: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemasArgs {
    /// Directory to write the schemas and openapi.json into.
    #[arg(long, value_name = "DIR", default_value = "schemas-out")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Schema name (see `schemas`), e.g. `ticket-info` or `error-response`.
    #[arg(long, value_name = "NAME")]
    pub schema: String,
    /// File holding the response body, or `-` for standard input.
    pub file: String,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The private key file to write (mode 0600); the public key goes to
    /// KEYFILE.pub. Neither may exist yet.
    #[arg(long, value_name = "KEYFILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signer's public key (KEYFILE.pub from `keygen`).
    #[arg(long, value_name = "KEYFILE.pub")]
    pub key: PathBuf,
    /// The report directory holding attestation.json, or the
    /// attestation.json itself.
    #[arg(value_name = "DIR|BUNDLE")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    /// The folder of submissions: DIR/<vendor>/<any folders>/, every folder
    /// holding an attestation.json is one signed run.
    #[arg(long, value_name = "DIR")]
    pub submissions: PathBuf,
    /// The vendors and the public keys trusted for each (docs/BOARD.md).
    #[arg(long, value_name = "KEYS.toml")]
    pub keys: PathBuf,
    /// Agreed exceptions: a requirement's failure accepted until a date.
    #[arg(long, value_name = "WAIVERS.toml")]
    pub waivers: Option<PathBuf>,
    /// The folder the site is written to (index.html, vendors/, badges/,
    /// board.json).
    #[arg(long, value_name = "SITE")]
    pub out: PathBuf,
    /// The moment statuses and ages are computed for, RFC 3339 (default:
    /// the clock).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// A latest run older than this many days makes the vendor `stale`.
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub max_age_days: u32,
    /// How many runs per vendor the pages show.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub history: u32,
}
