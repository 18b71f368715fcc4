//! The run's command-line flags (`--seed`, `--scheduler`, `--duration`, `--warmup`), laid over
//! the raw scenario (after any `--set`) before its one validation pass, so that a bad flag, or a
//! flag that does not fit the file, is reported like a bad field of the file, named by the flag.

use crate::scenario::raw::RawScenario;
use crate::scheduler::spec::{ParamValue, SchedulerSpec};
use crate::time::{DURATION_UNITS_HELP, parse_duration};

/// The flags given (`None`: the scenario's own value).
#[derive(Clone, Debug, Default)]
pub struct RunFlags {
    /// `--seed`: the master seed.
    pub seed: Option<u64>,
    /// `--scheduler`: a name, or `name:key=value,...`.
    pub scheduler: Option<String>,
    /// `--duration`: the run's length; the warm-up keeps its share and the samples their count.
    pub duration: Option<String>,
    /// `--warmup`: the warm-up, replacing the one `--duration` scaled.
    pub warmup: Option<String>,
}

/// Lays `flags` over `raw`. Returns, per flag given, (the flag as typed, a field it wrote), for
/// naming the flag in validation errors; `file_timing` gives the file's (duration, warm-up,
/// sample interval), which `--duration` scales.
pub(crate) fn apply(
    raw: &mut RawScenario,
    flags: &RunFlags,
    file_timing: impl FnOnce(&RawScenario) -> Result<(u64, u64, u64), super::ScenarioError>,
) -> Result<Vec<(String, String)>, super::ScenarioError> {
    let mut written = Vec::new();
    if let Some(seed) = flags.seed {
        raw.seed = Some(seed);
        written.push((format!("--seed {seed}"), "seed".to_string()));
    }
    if let Some(text) = &flags.scheduler {
        let flag = format!("--scheduler {text:?}");
        let spec = SchedulerSpec::parse_cli(text).map_err(|e| flag_error(&flag, &e))?;
        raw.scheduler = Some(scheduler_value(&spec));
        written.push((flag, "scheduler".to_string()));
    }
    if let Some(text) = &flags.duration {
        let flag = format!("--duration {text:?}");
        let duration =
            parse_duration(text).map_err(|e| flag_error(&flag, &format!("{e}; expected {DURATION_UNITS_HELP}")))?;
        let (old, warmup, sample_interval) = file_timing(raw)?;
        // As `Scenario::with_duration`: the warm-up keeps its share, the samples their count.
        // Each value comes from an f64, so its nanoseconds read back exactly.
        let scale = |value: u64| (value as f64 / old as f64 * duration as f64).round() as u64;
        raw.duration = Some(text.clone());
        raw.warmup = Some(format!("{}ns", scale(warmup)));
        raw.sample_interval = Some(format!("{}ns", scale(sample_interval).max(1)));
        for field in ["duration", "warmup", "sample_interval"] {
            written.push((flag.clone(), field.to_string()));
        }
    }
    if let Some(text) = &flags.warmup {
        raw.warmup = Some(text.clone());
        written.push((format!("--warmup {text:?}"), "warmup".to_string()));
    }
    Ok(written)
}

fn flag_error(flag: &str, message: &str) -> super::ScenarioError {
    super::ScenarioError::Override(super::error::shorten_values(&format!("{flag}: {message}")))
}

/// A spec as the scenario's `scheduler` value: its name, or a table with its parameters.
fn scheduler_value(spec: &SchedulerSpec) -> toml::Value {
    if spec.params.is_empty() {
        return toml::Value::String(spec.name.clone());
    }
    let mut table = toml::Table::new();
    table.insert("name".into(), toml::Value::String(spec.name.clone()));
    for (key, value) in &spec.params {
        let value = match value {
            ParamValue::Number(n) => toml::Value::Float(*n),
            ParamValue::Text(t) => toml::Value::String(t.clone()),
        };
        table.insert(key.clone(), value);
    }
    toml::Value::Table(table)
}
