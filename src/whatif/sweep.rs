//! `cnsim sweep`: every combination of grid values, policies and seeds, run in parallel with
//! common random numbers, written as one tidy table (one row per run and figure).
//!
//! Grid points are the product of the axes, the first axis varying slowest. Seed `i` of a
//! point is the point's scenario seed + i for every policy, so policies at a point see the
//! same jobs. Each point's scenario is the file with the base overrides and then the point's
//! values applied (`Scenario::parse_with`), so a point is checked exactly like a file.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::compare::stats::{Interval, mean_ci};
use crate::scenario::{Override, Scenario};
use crate::scheduler::{SchedulerSpec, registry};
use crate::time::SimDuration;
use crate::whatif::measures::{MeasureInfo, format_value, measure};

/// One grid axis: a path (`load_scale` or a `--set` path) and its values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Axis {
    /// The varied path.
    pub path: String,
    /// Its values, as typed.
    pub values: Vec<String>,
}

impl Axis {
    /// Parses `PATH=V1,V2,...`.
    pub fn parse(text: &str) -> Result<Axis, String> {
        let o = Override::parse(text).map_err(|e| e.replace("--set", "--grid"))?;
        let values: Vec<String> = o.value.split(',').map(|v| v.trim().to_string()).collect();
        if values.iter().any(String::is_empty) {
            return Err(format!("--grid {text:?}: empty value in the list; expected PATH=V1,V2,..."));
        }
        Ok(Axis { path: o.path, values })
    }

    /// The override for value `i` of this axis.
    pub fn override_at(&self, i: usize) -> Override {
        Override { path: self.path.clone(), value: self.values[i].clone() }
    }
}

/// A sweep to run.
#[derive(Clone, Debug)]
pub struct SweepConfig {
    /// The scenario's text and file name (each point re-parses it with its overrides).
    pub source: String,
    /// The file name, for messages.
    pub file: String,
    /// Overrides applied to every point before the point's own (`--set`, `--load-scale`).
    pub base: Vec<Override>,
    /// The grid axes.
    pub axes: Vec<Axis>,
    /// Policies (the scenario's own scheduler when empty).
    pub policies: Vec<SchedulerSpec>,
    /// Seeds per point and policy.
    pub replications: usize,
    /// Replaces the scenario's duration (the warm-up keeps its share).
    pub duration: Option<SimDuration>,
    /// Most jobs in flight at once in a run (`--max-in-flight`).
    pub max_in_flight: usize,
    /// Simulations at once.
    pub parallelism: usize,
}

/// One finished run.
#[derive(Clone, Debug, Serialize)]
pub struct SweepRun {
    /// Index of the grid point.
    pub point: usize,
    /// The point's value of each axis, in axis order.
    pub grid: Vec<String>,
    /// Policy label.
    pub scheduler: String,
    /// Replication index (0-based).
    pub replication: usize,
    /// Seed.
    pub seed: u64,
    /// Digest of the run's workload (equal across policies for a point and seed).
    pub workload_digest: String,
    /// Values in the order of `SweepResult::measures` (null for NaN in JSON).
    pub values: Vec<f64>,
}

/// Mean and 95 % CI of one figure for one point and policy.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    /// Index of the grid point.
    pub point: usize,
    /// The point's axis values.
    pub grid: Vec<String>,
    /// Policy label.
    pub scheduler: String,
    /// Figure key.
    pub metric: String,
    /// Mean +- 95 % CI over the finished replications.
    pub value: Interval,
}

/// A sweep's results. JSON keys are stable; see `docs/what-if.md`.
#[derive(Clone, Debug, Serialize)]
pub struct SweepResult {
    /// Scenario name.
    pub scenario: String,
    /// The grid axes.
    pub axes: Vec<Axis>,
    /// Base overrides, as typed.
    pub overrides: Vec<String>,
    /// Policy labels.
    pub schedulers: Vec<String>,
    /// Replications asked for.
    pub replications: usize,
    /// Runs planned (points x policies x replications).
    pub runs_planned: usize,
    /// Runs finished.
    pub runs_finished: usize,
    /// Whether every planned run finished (false after Ctrl-C).
    pub complete: bool,
    /// The recorded figures, in the order of each run's `values`.
    pub measures: Vec<MeasureInfo>,
    /// Every finished run, in plan order (point, policy, replication).
    pub runs: Vec<SweepRun>,
    /// Mean and CI per point, policy and figure, over the finished replications.
    pub summary: Vec<SummaryRow>,
}

struct Planned {
    point: usize,
    policy: usize,
    replication: usize,
    scenario: Scenario,
}

/// Every combination of axis values, first axis slowest.
pub fn points(axes: &[Axis]) -> Vec<Vec<usize>> {
    let mut points = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                (0..axis.values.len()).map(move |i| {
                    let mut q = p.clone();
                    q.push(i);
                    q
                })
            })
            .collect();
    }
    points
}

fn plan(config: &SweepConfig) -> Result<(Vec<Planned>, Vec<SchedulerSpec>, String), String> {
    if config.replications == 0 {
        return Err("--replications must be at least 1".into());
    }
    let mut planned = Vec::new();
    let mut policies = config.policies.clone();
    let mut name = String::new();
    for (p, point) in points(&config.axes).into_iter().enumerate() {
        let mut overrides = config.base.clone();
        overrides.extend(point.iter().zip(&config.axes).map(|(&i, axis)| axis.override_at(i)));
        let point_text = point
            .iter()
            .zip(&config.axes)
            .map(|(&i, a)| format!("{}={}", a.path, a.values[i]))
            .collect::<Vec<_>>()
            .join(" ");
        let mut scenario = Scenario::parse_with(&config.source, &config.file, &overrides)
            .map_err(|e| format!("grid point {point_text}: {e}"))?;
        if let Some(d) = config.duration {
            scenario = scenario.with_duration(d).map_err(|e| format!("--duration: {e}"))?;
        }
        scenario.run.max_in_flight = config.max_in_flight;
        if policies.is_empty() {
            policies.push(scenario.scheduler.clone());
        }
        for spec in &policies {
            registry::build(spec, &scenario.hubs)
                .map_err(|e| format!("--schedulers (grid point {point_text}): {e}"))?;
        }
        name = scenario.name.clone();
        for (policy, spec) in policies.iter().enumerate() {
            for replication in 0..config.replications {
                let mut s = scenario.clone();
                s.scheduler = spec.clone();
                s.run.seed = scenario.run.seed.wrapping_add(replication as u64);
                planned.push(Planned { point: p, policy, replication, scenario: s });
            }
        }
    }
    Ok((planned, policies, name))
}

/// Checks every grid point (bad input: the error names the point and the override).
pub fn check(config: &SweepConfig) -> Result<usize, String> {
    plan(config).map(|(p, _, _)| p.len())
}

/// Runs the sweep. Errors before any run are bad input; `cancel` (or Ctrl-C) keeps the runs
/// that finished and marks the result incomplete.
pub fn run(
    config: &SweepConfig,
    cancel: Arc<AtomicBool>,
    on_run_done: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Result<SweepResult, SweepError> {
    let (planned, policies, name) = plan(config).map_err(SweepError::Input)?;
    let points = points(&config.axes);
    let labels: Vec<String> = policies.iter().map(ToString::to_string).collect();
    let keys: Vec<(usize, usize, usize)> = planned.iter().map(|p| (p.point, p.policy, p.replication)).collect();
    let scenarios = planned.into_iter().map(|p| p.scenario).collect();
    let results = crate::batch::run_all(scenarios, config.parallelism, cancel, on_run_done, |scenario, output| {
        let report = output.report(scenario);
        (scenario.run.seed, report.workload_digest.clone(), measure(&report))
    })?;
    let runs_planned = results.len();
    let mut measures: Vec<MeasureInfo> = Vec::new();
    let mut runs = Vec::new();
    for (&(point, policy, replication), result) in keys.iter().zip(results) {
        let Some((seed, digest, figures)) = result else { continue };
        if measures.is_empty() {
            measures = figures.iter().map(|(m, _)| m.clone()).collect();
        }
        let grid = points[point].iter().zip(&config.axes).map(|(&i, a)| a.values[i].clone()).collect();
        runs.push(SweepRun {
            point,
            grid,
            scheduler: labels[policy].clone(),
            replication,
            seed,
            workload_digest: digest,
            values: figures.into_iter().map(|(_, v)| v).collect(),
        });
    }
    let mut summary = Vec::new();
    for (p, point) in points.iter().enumerate() {
        let grid: Vec<String> = point.iter().zip(&config.axes).map(|(&i, a)| a.values[i].clone()).collect();
        for label in &labels {
            let group: Vec<&SweepRun> = runs.iter().filter(|r| r.point == p && &r.scheduler == label).collect();
            if group.is_empty() {
                continue;
            }
            for (m, info) in measures.iter().enumerate() {
                let values: Vec<f64> = group.iter().map(|r| r.values[m]).collect();
                summary.push(SummaryRow {
                    point: p,
                    grid: grid.clone(),
                    scheduler: label.clone(),
                    metric: info.key.clone(),
                    value: mean_ci(&values),
                });
            }
        }
    }
    Ok(SweepResult {
        scenario: name,
        axes: config.axes.clone(),
        overrides: config.base.iter().map(ToString::to_string).collect(),
        schedulers: labels,
        replications: config.replications,
        runs_planned,
        runs_finished: runs.len(),
        complete: runs.len() == runs_planned,
        measures,
        runs,
        summary,
    })
}

/// Why a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Bad input (exit 2).
    #[error("{0}")]
    Input(String),
    /// The run failed (exit 1).
    #[error("{0}")]
    Run(String),
    /// A run of the batch failed (exit 1).
    #[error(transparent)]
    Batch(#[from] crate::batch::BatchError),
}

/// The tidy CSV: `point, <axis paths...>, scheduler, replication, seed, metric, unit, value`,
/// one row per run and figure (NaN written empty).
pub fn csv(result: &SweepResult) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(result.axes.iter().map(|a| a.path.clone()));
    header.extend(["scheduler", "replication", "seed", "metric", "unit", "value"].map(String::from));
    writer.write_record(&header).map_err(|e| e.to_string())?;
    for run in &result.runs {
        for (info, value) in result.measures.iter().zip(&run.values) {
            let mut row = vec![run.point.to_string()];
            row.extend(run.grid.iter().cloned());
            row.extend([
                run.scheduler.clone(),
                run.replication.to_string(),
                run.seed.to_string(),
                info.key.clone(),
                info.unit.to_string(),
                format_value(*value),
            ]);
            writer.write_record(&row).map_err(|e| e.to_string())?;
        }
    }
    writer.into_inner().map_err(|e| e.to_string())
}

/// A short text summary: per point and policy, the mean +- CI of a few headline figures.
pub fn render_summary(result: &SweepResult) -> String {
    const HEADLINE: [&str; 5] =
        ["wait_mean.all", "wait_p99.all", "jct_mean.all", "finished_share.all", "utilisation.intelligent"];
    let mut out = format!(
        "sweep of {}: {} of {} runs{}\n",
        result.scenario,
        result.runs_finished,
        result.runs_planned,
        if result.complete { "" } else { " (INCOMPLETE: interrupted)" }
    );
    let mut header: Vec<String> = result.axes.iter().map(|a| a.path.clone()).collect();
    header.push("scheduler".into());
    header.extend(HEADLINE.iter().map(|h| h.to_string()));
    let mut rows = vec![header];
    let mut current: Option<(usize, String)> = None;
    for row in &result.summary {
        let key = (row.point, row.scheduler.clone());
        if current.as_ref() != Some(&key) {
            let mut cells = row.grid.clone();
            cells.push(row.scheduler.clone());
            rows.push(cells);
            current = Some(key);
        }
        if HEADLINE.contains(&row.metric.as_str()) {
            let v = row.value;
            let cell = if v.mean.is_nan() {
                "-".to_string()
            } else if v.ci95.is_finite() {
                format!("{} ± {}", sig(v.mean), sig(v.ci95))
            } else {
                sig(v.mean)
            };
            rows.last_mut().expect("pushed").push(cell);
        }
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0))
        .collect();
    for row in rows {
        let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str("(seconds for wait and JCT; shares 0..1; ± is the 95 % CI over replications)\n");
    out
}

/// Four significant digits.
pub fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}
