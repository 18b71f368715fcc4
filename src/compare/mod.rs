//! `cnsim compare`: several policies on the same seeds, with confidence intervals.
//!
//! Every policy runs on the same N seeds (seed, seed + 1, ...). Jobs are drawn from workload
//! streams that no scheduling decision touches, so for a seed every policy sees identical jobs
//! (common random numbers) and the paired differences against a baseline are tight. Runs are
//! spread over the machine's cores with tokio (each simulation stays single-threaded and
//! deterministic); percentiles are computed per run and never pooled across seeds.

pub mod headline;
pub mod metrics;
pub mod render;
pub mod stats;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::compare::metrics::{Layout, MetricInfo, extract, metric_infos};
use crate::compare::stats::{Interval, mean_ci, paired_difference};
use crate::load_check::LoadCheck;
use crate::scenario::Scenario;
use crate::scheduler::{SchedulerError, SchedulerSpec, registry};

/// What to compare.
#[derive(Clone, Debug)]
pub struct CompareConfig {
    /// The scenario (its scheduler is replaced by each policy in turn).
    pub scenario: Scenario,
    /// The policies, in column order.
    pub policies: Vec<SchedulerSpec>,
    /// Seeds per policy.
    pub replications: usize,
    /// Index into `policies` of the baseline for paired differences.
    pub baseline: usize,
    /// Simulations run at once (at most the number of cores).
    pub parallelism: usize,
}

/// One finished run's figures.
#[derive(Clone, Debug, Serialize)]
pub struct RunRecord {
    /// Policy label.
    pub policy: String,
    /// Seed.
    pub seed: u64,
    /// The values, in the order of `ComparisonReport::metrics`.
    pub values: Vec<f64>,
    /// Per value, whether unfinished work censors it in this run (over the threshold).
    pub censored: Vec<bool>,
    /// Digest of the run's workload (equal across policies for a seed).
    pub workload_digest: String,
}

/// A policy's interval for one metric, and its paired difference against the baseline.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// Policy label.
    pub policy: String,
    /// Mean +- 95 % CI over the replications.
    pub value: Interval,
    /// Paired difference policy - baseline (absent for the baseline itself).
    pub difference: Option<Interval>,
    /// The paired difference as a percentage of the baseline's mean (its half-width scaled
    /// alike, the baseline mean taken as fixed); absent for the baseline or a zero baseline.
    pub difference_percent: Option<Interval>,
    /// Whether the difference's CI excludes zero.
    pub significant: bool,
    /// Seeds of this policy whose run is censored for this metric (over the threshold of jobs
    /// in flight at the end): its latency figure is biased toward short jobs.
    pub censored_runs: usize,
}

/// One row of the comparison.
#[derive(Clone, Debug, Serialize)]
pub struct MetricRow {
    /// Key, label and unit.
    #[serde(flatten)]
    pub info: MetricInfo,
    /// One cell per policy, in policy order.
    pub policies: Vec<Cell>,
}

/// The whole comparison. JSON keys are stable; see docs/comparing-policies.md.
#[derive(Clone, Debug, Serialize)]
pub struct ComparisonReport {
    /// Scenario name.
    pub scenario: String,
    /// Policy labels, in column order.
    pub policies: Vec<String>,
    /// Baseline policy label.
    pub baseline: String,
    /// Replications asked for.
    pub replications: usize,
    /// Seeds whose runs finished for every policy (the ones the statistics use).
    pub seeds: Vec<u64>,
    /// Whether the comparison was interrupted (Ctrl-C) before every run finished.
    pub interrupted: bool,
    /// The scenario's offered load against capacity, with warnings (see the run report).
    pub load_check: LoadCheck,
    /// The compared figures.
    pub metrics: Vec<MetricRow>,
    /// Every finished run.
    pub runs: Vec<RunRecord>,
}

/// Why a comparison could not run.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A policy is unknown or badly parameterised.
    #[error("{0}")]
    Scheduler(#[from] SchedulerError),
    /// Bad arguments.
    #[error("{0}")]
    Config(String),
    /// A run failed, or the runtime did not start.
    #[error(transparent)]
    Batch(#[from] crate::batch::BatchError),
    /// A trace cannot be read (found when its load is read ahead, before any run).
    #[error(transparent)]
    Trace(#[from] crate::workload::trace::TraceError),
}

/// Runs the comparison. `on_run_done(finished, total)` is called after each run; setting
/// `cancel` stops the runs in progress and skips the rest.
pub fn run(
    config: &CompareConfig,
    cancel: Arc<AtomicBool>,
    on_run_done: impl Fn(usize, usize) + Send + Sync + 'static,
) -> Result<ComparisonReport, CompareError> {
    if config.policies.is_empty() || config.replications == 0 {
        return Err(CompareError::Config("give at least one scheduler and one replication".into()));
    }
    for spec in &config.policies {
        registry::build(spec, &config.scenario.hubs)?;
    }
    // Read before any run: a bad trace row stops the comparison at once.
    let traces = crate::load_check::read_ahead(&config.scenario)?;
    let layout = Layout::of(&config.scenario);
    let seeds: Vec<u64> = (0..config.replications as u64).map(|r| config.scenario.run.seed.wrapping_add(r)).collect();
    let jobs: Vec<(usize, usize)> =
        (0..seeds.len()).flat_map(|r| (0..config.policies.len()).map(move |p| (p, r))).collect();

    let scenarios = jobs
        .iter()
        .map(|&(p, r)| {
            let mut scenario = config.scenario.clone();
            scenario.scheduler = config.policies[p].clone();
            scenario.run.seed = seeds[r];
            scenario
        })
        .collect();
    let run_layout = layout.clone();
    let results: Vec<Option<RunRecord>> =
        crate::batch::run_all(scenarios, config.parallelism, cancel, on_run_done, move |scenario, output| {
            let report = output.report(scenario);
            let (values, censored) = extract(&report, &run_layout).into_iter().unzip();
            RunRecord {
                policy: scenario.scheduler.to_string(),
                seed: scenario.run.seed,
                values,
                censored,
                workload_digest: report.workload_digest.clone(),
            }
        })?;
    let interrupted = results.iter().any(Option::is_none);

    // results[i] belongs to jobs[i] = (policy, replication).
    let policies = config.policies.len();
    let mut table: Vec<Vec<Option<&RunRecord>>> = vec![vec![None; seeds.len()]; policies];
    for (&(p, r), result) in jobs.iter().zip(&results) {
        table[p][r] = result.as_ref();
    }
    let complete: Vec<usize> = (0..seeds.len()).filter(|&r| (0..policies).all(|p| table[p][r].is_some())).collect();
    let labels: Vec<String> = config.policies.iter().map(ToString::to_string).collect();
    let metrics = metric_rows(config, &layout, &table, &complete, &labels);
    Ok(ComparisonReport {
        scenario: config.scenario.name.clone(),
        baseline: labels[config.baseline].clone(),
        policies: labels,
        replications: config.replications,
        seeds: complete.iter().map(|&r| seeds[r]).collect(),
        interrupted,
        load_check: load_check(&config.scenario, traces.as_ref()),
        metrics,
        runs: results.into_iter().flatten().collect(),
    })
}

/// One row per metric: each policy's interval over the complete seeds and its paired
/// difference against the baseline. `table[policy][replication]` holds the finished runs.
fn metric_rows(
    config: &CompareConfig,
    layout: &Layout,
    table: &[Vec<Option<&RunRecord>>],
    complete: &[usize],
    labels: &[String],
) -> Vec<MetricRow> {
    let policies = config.policies.len();
    let infos = metric_infos(layout);
    let column = |p: usize, m: usize| -> Vec<f64> {
        complete.iter().map(|&r| table[p][r].expect("complete seed").values[m]).collect()
    };
    infos
        .into_iter()
        .enumerate()
        .map(|(m, info)| {
            let base = column(config.baseline, m);
            let cells = (0..policies)
                .map(|p| {
                    let values = column(p, m);
                    let difference = (p != config.baseline).then(|| paired_difference(&values, &base));
                    let base_mean = mean_ci(&base).mean;
                    let difference_percent =
                        difference.filter(|_| base_mean.is_finite() && base_mean != 0.0).map(|d| Interval {
                            mean: d.mean / base_mean.abs() * 100.0,
                            ci95: d.ci95 / base_mean.abs() * 100.0,
                            n: d.n,
                        });
                    Cell {
                        policy: labels[p].clone(),
                        value: mean_ci(&values),
                        significant: difference.is_some_and(|d| d.excludes_zero()),
                        difference,
                        difference_percent,
                        censored_runs: complete
                            .iter()
                            .filter(|&&r| table[p][r].expect("complete seed").censored[m])
                            .count(),
                    }
                })
                .collect();
            MetricRow { info, policies: cells }
        })
        .collect()
}

/// The scenario's load check, its trace jobs read ahead with the first replication's seed.
fn load_check(scenario: &crate::scenario::Scenario, traces: Option<&crate::workload::trace::TraceStats>) -> LoadCheck {
    let basis = crate::load_check::TraceBasis::ReadAhead;
    let work = traces.map(|stats| crate::load_check::TraceWork { stats, window: scenario.run.duration, basis });
    LoadCheck::with_traces(&scenario.world(), work.as_ref())
}
