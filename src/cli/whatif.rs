//! Command-line what-if options shared by `run`, `compare`, `validate`, `sweep` and
//! `capacity`: `--set PATH=VALUE` and `--load-scale F` (see `docs/what-if.md`).

use std::path::Path;

use crate::cli::CliError;
use crate::scenario::{Override, RunFlags, Scenario};

/// `--set` and `--load-scale`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct WhatIf {
    /// What-if override PATH=VALUE (repeatable), applied to the scenario before it is checked,
    /// e.g. hubs.ningxia.intelligent=38162, classes.batch-inference.rate=x1.5,
    /// network.route_factor=1.8, seed=3 (see docs/what-if.md).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Multiply every class's arrival rate by F (after any --set).
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub load_scale: Option<f64>,
}

impl WhatIf {
    /// The overrides in the order they apply: each `--set`, then `--load-scale`.
    pub fn overrides(&self) -> Result<Vec<Override>, CliError> {
        let mut out =
            self.set.iter().map(|s| Override::parse(s).map_err(CliError::Input)).collect::<Result<Vec<_>, _>>()?;
        if let Some(f) = self.load_scale {
            out.push(Override::load_scale(f));
        }
        Ok(out)
    }

    /// A short description for summaries ("" without overrides).
    pub fn describe(&self) -> String {
        self.overrides().map(|o| o.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")).unwrap_or_default()
    }
}

/// Loads a scenario file (or the built-in default) with the what-if overrides applied.
pub fn load(path: Option<&Path>, what_if: &WhatIf) -> Result<Scenario, CliError> {
    load_with_flags(path, what_if, &RunFlags::default())
}

/// As [`load`], with the run's flags laid over the scenario before it is checked.
pub fn load_with_flags(path: Option<&Path>, what_if: &WhatIf, flags: &RunFlags) -> Result<Scenario, CliError> {
    let overrides = what_if.overrides()?;
    Ok(match path {
        Some(path) => Scenario::load_with_flags(path, &overrides, flags)?,
        None => Scenario::parse_with_flags(
            crate::seeds::DEFAULT_SCENARIO,
            "<built-in default scenario>",
            &overrides,
            flags,
        )?,
    })
}
