//! Scenarios: TOML text -> raw serde structs -> a validated [`Scenario`].
//!
//! This is the only module that knows TOML. Every error names the file, the line and column,
//! the field, the bad value and what is allowed.

pub mod distribution;
pub mod error;
mod faults;
pub mod limits;
pub mod location;
mod network;
pub mod overrides;
pub mod raw;
pub mod run_flags;
mod signal_csv;
mod signal_spec;
mod signals;
pub mod traces;
mod validate;
pub mod wording;

pub use validate::DEFAULT_CENSORING_THRESHOLD;

use std::path::Path;

pub use error::{FieldError, InvalidScenario, ScenarioError};
pub use overrides::Override;
pub use run_flags::RunFlags;

use crate::engine::RunConfig;
use crate::model::{EnergyModel, Faults, Hub, NetworkConfig, QueueDiscipline, Region, Signals, World};
use crate::scheduler::{BuiltPolicy, SchedulerSpec};
use crate::workload::JobClass;

/// A validated scenario: everything needed to build a world and run it.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// Free-text description, if any.
    pub description: Option<String>,
    /// Seed, duration, warm-up and sampling.
    pub run: RunConfig,
    /// Share of submitted jobs still in flight at the end above which a run's latencies are
    /// marked censored (default 0.01).
    pub censoring_threshold: f64,
    /// Scheduler and its parameters (validated against the registry).
    pub scheduler: SchedulerSpec,
    /// The policy validation built, for the first run to use (see [`BuiltPolicy`]).
    pub policy: BuiltPolicy,
    /// In-hub queue discipline.
    pub discipline: QueueDiscipline,
    /// Runtime estimates = true runtime x this factor (>= 1 means users over-estimate).
    pub runtime_estimate_factor: f64,
    /// The preset the hubs came from, if any.
    pub preset: Option<String>,
    /// Hubs, resolved.
    pub hubs: Vec<Hub>,
    /// Demand regions, resolved.
    pub regions: Vec<Region>,
    /// Network model parameters.
    pub network: NetworkConfig,
    /// Workload classes.
    pub classes: Vec<JobClass>,
    /// Power per unit and grid carbon intensity.
    pub energy: EnergyModel,
    /// Hub outages (none unless the scenario has a `[faults]` table).
    pub faults: Faults,
    /// Trace sources (`[[traces]]`), replayed beside the classes' synthetic arrivals.
    pub traces: Vec<crate::workload::trace::TraceSpec>,
    /// Time-varying prices and carbon (`None` without a `[signals]` section).
    pub signals: Option<Signals>,
}

impl Scenario {
    /// Parses and validates scenario text; `file` names it in error messages.
    pub fn parse(source: &str, file: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse_with(source, file, &[])
    }

    /// Parses scenario text, applies `overrides` in order to the parsed document, and validates
    /// the result once, like a file (see `overrides`). Errors caused by an override name it.
    pub fn parse_with(source: &str, file: &str, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        Scenario::parse_with_flags(source, file, overrides, &RunFlags::default())
    }

    /// As [`Scenario::parse_with`], with the run's command-line flags laid over the result
    /// before the one validation pass (see `run_flags`). Errors caused by a flag name it.
    pub fn parse_with_flags(
        source: &str,
        file: &str,
        overrides: &[Override],
        flags: &RunFlags,
    ) -> Result<Scenario, ScenarioError> {
        let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("scenario").to_string();
        let mut doc: toml::Table = source.parse().map_err(|e| syntax_error(source, file, &e))?;
        let expanded = overrides::expand_preset_refs(&mut doc)
            .map_err(|(path, message)| locate(source, file, FieldError::new(path, message)))?;
        let mut raw: raw::RawScenario = if expanded {
            doc.clone().try_into().map_err(|e| {
                invalid(
                    file,
                    source,
                    None,
                    String::new(),
                    format!("{} (after expanding preset references)", wording::plain(e.message().trim())),
                )
            })?
        } else {
            // The file as written, so that serde's errors keep their line and column.
            toml::from_str(source).map_err(|e| syntax_error(source, file, &e))?
        };
        let mut written: Vec<(String, String)> = Vec::new();
        for o in overrides {
            let path = overrides::apply(&mut doc, o).map_err(ScenarioError::Override)?;
            raw = doc.clone().try_into::<raw::RawScenario>().map_err(|e| {
                ScenarioError::Override(format!("{o}: field `{path}`: {}", wording::plain(e.message().trim())))
            })?;
            written.push((o.to_string(), path));
        }
        let timing = |raw: &raw::RawScenario| validate::timing(raw).map_err(|e| locate(source, file, e));
        written.extend(run_flags::apply(&mut raw, flags, timing)?);
        validate::scenario(raw, &stem, file).map_err(|e| {
            let caused = |p: &String| {
                e.path == *p || e.path.starts_with(&format!("{p}.")) || e.path.starts_with(&format!("{p}["))
            };
            match written.iter().rev().find(|(_, p)| caused(p)) {
                Some((o, _)) => {
                    ScenarioError::Override(error::shorten_values(&format!("{o}: field `{}`: {}", e.path, e.message)))
                }
                None if written.is_empty() => locate(source, file, e),
                None => ScenarioError::Override(format!(
                    "{}: with {}: field `{}`: {}",
                    file,
                    {
                        let mut flags: Vec<&str> = written.iter().map(|(o, _)| o.as_str()).collect();
                        flags.dedup();
                        flags.join(" ")
                    },
                    e.path,
                    e.message
                )),
            }
        })
    }

    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::load_with(path, &[])
    }

    /// Reads a scenario file and applies `overrides` (see [`Scenario::parse_with`]).
    pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        Scenario::load_with_flags(path, overrides, &RunFlags::default())
    }

    /// Reads a scenario file and applies `overrides` and `flags` (see
    /// [`Scenario::parse_with_flags`]).
    pub fn load_with_flags(path: &Path, overrides: &[Override], flags: &RunFlags) -> Result<Scenario, ScenarioError> {
        let source =
            std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: path.to_path_buf(), source })?;
        Scenario::parse_with_flags(&source, &path.display().to_string(), overrides, flags)
    }

    /// The built-in default scenario.
    pub fn default_scenario() -> Scenario {
        Scenario::parse(crate::seeds::DEFAULT_SCENARIO, "<built-in default scenario>")
            .expect("the built-in default scenario is valid")
    }

    /// The world of a built-in preset on its own (no workload), e.g. for `cnsim hubs`.
    pub fn preset_world(name: &str) -> Result<World, String> {
        validate::preset_world(name).map_err(|e| e.message)
    }

    /// Builds the world (network matrices, eligibility tables).
    pub fn world(&self) -> World {
        let mut world = World::build(
            self.hubs.clone(),
            self.regions.clone(),
            &self.network,
            self.classes.clone(),
            self.energy.clone(),
        )
        .expect("validation built the topology once");
        world.discipline = self.discipline;
        world.runtime_estimate_factor = self.runtime_estimate_factor;
        world.faults = self.faults.clone();
        world.signals = self.signals.clone();
        world
    }

    /// The jobs the classes are expected to submit over the run (weekly mean rates).
    pub fn expected_jobs(&self) -> f64 {
        let seconds = self.run.duration as f64 / 1e9;
        self.classes.iter().map(|c| c.arrival.weekly_mean_rate_per_second() * seconds).sum()
    }

    /// Sets a new duration, keeping the warm-up's share of the run and the sample count.
    pub fn with_duration(mut self, duration: crate::time::SimDuration) -> Result<Scenario, String> {
        if duration == 0 {
            return Err("the duration must be positive".into());
        }

        let old = self.run.duration as f64;
        self.run.warmup = (self.run.warmup as f64 / old * duration as f64).round() as u64;
        self.run.sample_interval = ((self.run.sample_interval as f64 / old * duration as f64).round() as u64).max(1);
        self.run.duration = duration;
        limits::jobs_per_run(self.expected_jobs())?;
        Ok(self)
    }
}

fn invalid(file: &str, source: &str, offset: Option<usize>, field: String, message: String) -> ScenarioError {
    let (line, column) = offset.map(|o| location::line_column(source, o)).unzip();
    ScenarioError::Invalid(Box::new(InvalidScenario { file: file.to_string(), line, column, field, message }))
}

fn syntax_error(source: &str, file: &str, error: &toml::de::Error) -> ScenarioError {
    let offset = error.span().map(|s| s.start);
    let field = offset.and_then(|o| location::path_at(source, o)).unwrap_or_default();
    invalid(file, source, offset, field, wording::plain(error.message().trim()))
}

fn locate(source: &str, file: &str, error: FieldError) -> ScenarioError {
    // A field missing from the file (a section not given at all) is placed at its start.
    let offset = location::find_path(source, &error.path).or(Some(0));
    invalid(file, source, offset, error.path, error.message)
}
