//! The names of a closed set of values given on the command line — the
//! fault tables of both mocks: clap's [`ValueEnum`] derive gives each
//! variant its name (the variant in kebab case) and its description (the
//! variant's doc line); this reads them, once for every such enum. A leaf:
//! it imports nothing of the crate.

use clap::builder::PossibleValue;
use clap::ValueEnum;

fn possible_value<T: ValueEnum>(value: &T) -> PossibleValue {
    // The derive gives every variant a value (none is `#[value(skip)]`).
    value
        .to_possible_value()
        .unwrap_or_else(|| PossibleValue::new("?"))
}

/// The name used on the command line.
pub(crate) fn name<T: ValueEnum>(value: &T) -> String {
    possible_value(value).get_name().to_string()
}

/// One line on what the value is (the variant's doc line).
pub(crate) fn description<T: ValueEnum>(value: &T) -> String {
    possible_value(value)
        .get_help()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Asserts that every name of `T` is kebab case with numbers as their own
/// word (`tickets-root-404`, never the derive's default `tickets-root404`):
/// the names scripts and the kill matrices use.
#[cfg(test)]
pub(crate) fn assert_kebab_case<T: ValueEnum>() {
    for value in T::value_variants() {
        let name = name(value);
        assert!(
            name.split('-').all(|w| !w.is_empty()
                && (w.bytes().all(|b| b.is_ascii_lowercase())
                    || w.bytes().all(|b| b.is_ascii_digit()))),
            "{name}"
        );
    }
}
