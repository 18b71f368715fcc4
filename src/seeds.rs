//! The reference data the default world is built from, embedded in the binary.
//!
//! The files live in `seeds/` at the top of the repository, with each value's provenance
//! (sourced, derived, estimated) kept as a comment.

/// Built-in presets: (name, TOML source).
pub const PRESETS: &[(&str, &str)] = &[("east-data-west-2025q1", include_str!("../seeds/east-data-west-2025q1.toml"))];

/// The preset the default scenario uses.
pub const DEFAULT_PRESET: &str = "east-data-west-2025q1";

/// The built-in default scenario (identical to `scenarios/default.toml`).
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/default.toml");

/// The TOML source of a preset, by name.
pub fn preset_source(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, source)| *source)
}

/// Built-in signal presets (time-varying prices and carbon): (name, TOML source).
pub const SIGNAL_PRESETS: &[(&str, &str)] = &[("china-2022", include_str!("../seeds/signals-china-2022.toml"))];

/// The TOML source of a signal preset, by name.
pub fn signal_preset_source(name: &str) -> Option<&'static str> {
    SIGNAL_PRESETS.iter().find(|(n, _)| *n == name).map(|(_, source)| *source)
}

/// Names of every signal preset.
pub fn signal_preset_names() -> Vec<&'static str> {
    SIGNAL_PRESETS.iter().map(|(n, _)| *n).collect()
}

/// Names of every preset.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}
