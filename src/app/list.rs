//! `list`: the requirements of a profile (of either side) with the
//! scenarios that test each, or with `--steps` every step phrase the suite
//! defines.

use crate::catalog::{self, Profile};
use crate::cli::ListArgs;
use crate::config;
use crate::exit::{Exit, Failure};
use crate::features::{self, Selection};

/// Checked over every exchange of a run, not by a scenario of their own.
const RUN_WIDE: [&str; 7] = [
    "ERR-01", "ERR-02", "ERR-03", "PUSH-07", "PUSH-10", "CB-03", "CB-04",
];

pub(super) fn list(args: &ListArgs) -> Result<Exit, Failure> {
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
