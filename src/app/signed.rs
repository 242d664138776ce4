//! The commands of signed runs: `keygen` (an Ed25519 key pair), `verify`
//! (one signed report set, offline) and `board` (the certification board
//! from a folder of signed runs).

use crate::attest;
use crate::cli::{BoardArgs, KeygenArgs, VerifyArgs};
use crate::exit::{Exit, Failure};

pub(super) fn keygen(args: &KeygenArgs) -> Result<Exit, Failure> {
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
pub(super) fn verify(args: &VerifyArgs) -> Result<Exit, Failure> {
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
pub(super) fn board(args: &BoardArgs) -> Result<Exit, Failure> {
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
