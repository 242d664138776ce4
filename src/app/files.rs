//! The commands over saved documents: `compare` (two `summary.json`),
//! `schemas` (writes the JSON Schemas and the OpenAPI document) and
//! `validate` (one response body against a named schema); and the one
//! reader of a `summary.json` the commands share.

use std::io::Read as _;
use std::path::Path;

use crate::cli::{CompareArgs, SchemasArgs, ValidateArgs};
use crate::exit::{Exit, Failure};
use crate::report::compare::Comparison;
use crate::report::Summary;
use crate::schema::SchemaSet;

/// A `summary.json` of an earlier run, or why it cannot be read.
pub(super) fn read_summary(path: &Path) -> Result<Summary, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a summary.json: {e}", path.display()))
}

/// Exit 1 when the new run regressed against the baseline.
pub(super) fn compare(args: &CompareArgs) -> Result<Exit, Failure> {
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

pub(super) fn schemas(args: &SchemasArgs) -> Result<Exit, Failure> {
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
pub(super) fn validate(args: &ValidateArgs) -> Result<Exit, Failure> {
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
