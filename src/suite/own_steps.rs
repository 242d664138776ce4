//! Whether every step of one's own features (`run --features DIR`) is a
//! step the suite defines for the run's side — decided by cucumber's own
//! matcher over the side's World, before anything is sent. A step that
//! matches none, or more than one, is named by `file:line`, with the
//! closest steps that exist (from [`super::steps::catalog`]).

use cucumber::gherkin;

use crate::catalog::Side;
use crate::features::own::OwnFeaturesError;

use super::psa_side::world::PsaSideWorld;
use super::steps::catalog::{self, StepDef};
use super::world::PsaWorld;

/// How many of the closest steps an undefined step lists.
const CLOSEST: usize = 3;
/// At most this many problems are listed; the rest are counted.
const LISTED: usize = 20;

/// Checks the steps of `features` against `side`'s definitions; `dir` is
/// the folder as given to `--features`, for the message.
pub(crate) fn check(
    features: &[gherkin::Feature],
    side: Side,
    dir: &str,
) -> Result<(), OwnFeaturesError> {
    let problems = match side {
        Side::Ncentral => problems::<PsaWorld>(features, side),
        Side::Psa => problems::<PsaSideWorld>(features, side),
    };
    if problems.is_empty() {
        return Ok(());
    }
    let count = problems.len();
    let mut details: String = problems
        .iter()
        .take(LISTED)
        .map(|p| format!("  at {p}\n"))
        .collect();
    if count > LISTED {
        details.push_str(&format!("  … and {} more\n", count - LISTED));
    }
    Err(OwnFeaturesError {
        dir: dir.to_string(),
        title: format!(
            "{count} step(s) the suite does not define exactly once for --side {}; nothing was sent",
            side.name()
        ),
        details,
        hint: "`psa-conformance list --steps` prints every step of each side with an example; the keyword counts: a Then phrase written after Given is undefined".to_string(),
    })
}

/// One line (or a few) per step that is undefined or ambiguous.
fn problems<W>(features: &[gherkin::Feature], side: Side) -> Vec<String>
where
    W: cucumber::World + cucumber::codegen::WorldInventory + std::fmt::Debug,
{
    let steps = W::collection();
    let known: Vec<Known> = catalog::definitions()
        .into_iter()
        .filter(|d| d.side == side.name())
        .map(|def| Known {
            example: catalog::example(&def).map(|(_, line)| line),
            def,
        })
        .collect();
    let mut out = Vec::new();
    for feature in features {
        let file = feature
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let all = feature
            .background
            .iter()
            .flat_map(|b| &b.steps)
            .chain(feature.scenarios.iter().flat_map(|s| &s.steps));
        let mut seen = std::collections::BTreeSet::new();
        for step in all {
            // An outline's expanded scenarios repeat its steps' lines.
            if !seen.insert((step.position.line, step.value.clone())) {
                continue;
            }
            let at = format!(
                "{file}:{}: {} {}",
                step.position.line,
                step.keyword.trim(),
                step.value
            );
            match steps.find(step) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    let closest = closest(&known, step)
                        .iter()
                        .map(|k| format!("\n      did you mean: {}", k.describe()))
                        .collect::<String>();
                    out.push(format!(
                        "{at}\n      undefined: no step of --side {} reads so{closest}",
                        side.name()
                    ));
                }
                Err(ambiguous) => {
                    let matches = ambiguous
                        .possible_matches
                        .iter()
                        .map(|(re, loc)| match loc {
                            Some(l) => format!("\n      matches: {re} ({}:{})", l.path, l.line),
                            None => format!("\n      matches: {re}"),
                        })
                        .collect::<String>();
                    out.push(format!(
                        "{at}\n      ambiguous: more than one step reads so{matches}"
                    ));
                }
            }
        }
    }
    out
}

/// A definition of the side, with its example line from the shipped
/// features (read once per check, not once per step).
struct Known {
    def: StepDef,
    example: Option<String>,
}

impl Known {
    /// As a user would write it: the example line when the shipped features
    /// have one, else keyword and phrase; and where it is defined.
    fn describe(&self) -> String {
        let d = &self.def;
        match &self.example {
            Some(line) => format!("{line}   (phrase `{}`, {})", d.phrase, d.defined_at),
            None => format!("{} {}   ({})", d.keyword, d.phrase, d.defined_at),
        }
    }

    /// How like `text` (lower case) its phrase or its example is, 0 to 1.
    fn likeness(&self, text: &str) -> f64 {
        let example = self
            .example
            .as_deref()
            .and_then(|line| line.split_once(' '))
            .map_or(String::new(), |(_, t)| t.to_lowercase());
        strsim::normalized_levenshtein(text, &readable(&self.def.phrase).to_lowercase())
            .max(strsim::normalized_levenshtein(text, &example))
    }
}

/// The definitions most like `step`'s text, best first.
fn closest<'a>(known: &'a [Known], step: &gherkin::Step) -> Vec<&'a Known> {
    let text = step.value.to_lowercase();
    let mut scored: Vec<(f64, &Known)> = known.iter().map(|k| (k.likeness(&text), k)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(CLOSEST).map(|(_, k)| k).collect()
}

/// A phrase without the regex marks around its words.
fn readable(phrase: &str) -> String {
    phrase
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace("(?:", "(")
        .replace('\\', "")
}

#[cfg(test)]
mod tests;
