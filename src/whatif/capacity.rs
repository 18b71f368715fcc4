//! `cnsim capacity`: the largest load (or smallest capacity) that meets a target, by bisection
//! with common random numbers and replications.
//!
//! What "meets the target" means: at a probed value v, the scenario (with the base overrides,
//! then v) runs once per seed `seed, seed + 1, ..., seed + n - 1`, the same seeds at every
//! probe; the figure named by the target (for example `wait_p99.all`) is taken from each run,
//! and v meets the target when the *mean* of the n per-run values satisfies the comparison.
//! Percentiles are computed per run, never pooled across seeds.
//!
//! The search first probes both ends of the range. When one end meets and the other fails it
//! bisects between them to the tolerance; the answer is the last probed value that met (the
//! largest such load when the low end meets, the smallest such capacity when the high end
//! meets). Its 95 % confidence interval comes from two more bisections, on "the mean's 95 %
//! t-interval (t(n-1) s / sqrt(n)) lies entirely on the meeting side" and "it reaches the
//! meeting side": the range of varied values whose interval contains the target. Every probe
//! is kept and reported; probes are cached, so the three searches share their runs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::compare::stats::mean_ci;
use crate::scenario::overrides::LOAD_SCALE;
use crate::scenario::{Override, Scenario};
use crate::scheduler::{SchedulerSpec, registry};
use crate::time::{SimDuration, parse_duration};
use crate::whatif::measures::measure;

/// A comparison in a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `>`
    #[serde(rename = ">")]
    Gt,
}

impl Op {
    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Le => value <= threshold,
            Op::Lt => value < threshold,
            Op::Ge => value >= threshold,
            Op::Gt => value > threshold,
        }
    }

    /// Whether smaller values are the meeting side.
    fn upper_bound(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }
}

/// A target such as `p99 wait <= 10min`: a figure key, a comparison and a threshold.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// As typed.
    pub text: String,
    /// The figure's key (see `measures`), e.g. `wait_p99.all`.
    pub key: String,
    /// The comparison.
    pub op: Op,
    /// The threshold (seconds for wait and JCT).
    pub threshold: f64,
}

const TARGET_HELP: &str = "expected STAT METRIC [CLASS] OP VALUE with STAT mean, p50, p90 or p99, METRIC wait or jct \
     (e.g. 'p99 wait <= 10min', 'mean jct interactive <= 1h'), or KEY OP NUMBER with a sweep figure key \
     (e.g. 'finished_share.all >= 0.99')";

impl Target {
    /// Parses a target; `classes` are the scenario's class names.
    pub fn parse(text: &str, classes: &[String]) -> Result<Target, String> {
        let bad = |why: &str| format!("--target {text:?}: {why}; {TARGET_HELP}");
        let (position, op, width) = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)]
            .iter()
            .filter_map(|(s, op)| text.find(s).map(|p| (p, *op, s.len())))
            .min_by_key(|(p, _, w)| (*p, usize::MAX - w))
            .ok_or_else(|| bad("no comparison (<=, <, >=, >)"))?;
        let left: Vec<&str> = text[..position].split_whitespace().collect();
        let right = text[position + width..].trim();
        let (key, duration) = match left.as_slice() {
            [stat, metric, rest @ ..] if rest.len() <= 1 => {
                if !["mean", "p50", "p90", "p99"].contains(stat) {
                    return Err(bad(&format!("unknown statistic {stat:?}")));
                }
                if !["wait", "jct"].contains(metric) {
                    return Err(bad(&format!("unknown metric {metric:?}")));
                }
                let class = rest.first().copied().unwrap_or("all");
                if class != "all" && !classes.iter().any(|c| c == class) {
                    return Err(bad(&format!("unknown class {class:?} (classes: {})", classes.join(", "))));
                }
                (format!("{metric}_{stat}.{class}"), true)
            }
            [key] => (key.to_string(), key.starts_with("wait_") || key.starts_with("jct_")),
            _ => return Err(bad("cannot read the figure")),
        };
        let threshold = if duration {
            match right.parse::<f64>() {
                Ok(v) => v,
                Err(_) => parse_duration(right).map_err(|e| bad(&format!("bad value {right:?}: {e}")))? as f64 / 1e9,
            }
        } else {
            right.parse::<f64>().map_err(|_| bad(&format!("bad value {right:?}: expected a number")))?
        };
        if !threshold.is_finite() {
            return Err(bad(&format!("bad value {right:?}")));
        }
        Ok(Target { text: text.to_string(), key, op, threshold })
    }
}

/// A capacity search to run.
#[derive(Clone, Debug)]
pub struct CapacityConfig {
    /// The scenario's text (each probe re-parses it with its overrides).
    pub source: String,
    /// The file name, for messages.
    pub file: String,
    /// Overrides applied before the varied value (`--set`, `--load-scale`).
    pub base: Vec<Override>,
    /// The policy (the scenario's own when `None`).
    pub policy: Option<SchedulerSpec>,
    /// The target, as typed.
    pub target: String,
    /// The varied path: `load_scale` or a `--set` path such as `hubs.ningxia.intelligent`.
    pub vary: String,
    /// The range searched (default: 0.1..4 for `load_scale`, capacity/8..capacity x 4 for a hub pool).
    pub range: Option<(f64, f64)>,
    /// Stop when the bracket is at most this wide (default: a hundredth of the range; at least 1 for capacities).
    pub tolerance: Option<f64>,
    /// Seeds per probe.
    pub replications: usize,
    /// Replaces the scenario's duration (the warm-up keeps its share).
    pub duration: Option<SimDuration>,
    /// Most jobs in flight at once in a run (`--max-in-flight`).
    pub max_in_flight: usize,
    /// Simulations at once.
    pub parallelism: usize,
}

/// One probed value.
#[derive(Clone, Debug, Serialize)]
pub struct Probe {
    /// Which search asked for it: `range`, `answer`, `ci-confident` or `ci-plausible`.
    pub stage: &'static str,
    /// The varied value.
    pub value: f64,
    /// Mean over the replications of the target's figure.
    pub mean: f64,
    /// 95 % CI half-width of that mean.
    pub ci95: f64,
    /// Per-replication values, in seed order.
    pub values: Vec<f64>,
    /// Whether the mean meets the target.
    pub meets: bool,
    /// Whether the whole 95 % interval meets it.
    pub meets_confidently: bool,
    /// Whether any of the 95 % interval meets it.
    pub meets_plausibly: bool,
}

/// What the search found.
#[derive(Clone, Debug, Serialize)]
pub struct CapacityResult {
    /// Scenario name.
    pub scenario: String,
    /// Policy label.
    pub scheduler: String,
    /// The target.
    pub target: Target,
    /// The varied path.
    pub vary: String,
    /// The searched range.
    pub range: (f64, f64),
    /// Bisection tolerance.
    pub tolerance: f64,
    /// Seeds used at every probe.
    pub seeds: Vec<u64>,
    /// `largest` (low values meet: a load) or `smallest` (high values meet: a capacity), or
    /// `none` when both ends meet or both fail.
    pub direction: &'static str,
    /// `found`, `meets-everywhere`, `fails-everywhere` or `interrupted`.
    pub status: &'static str,
    /// The largest (smallest) probed value whose mean met the target.
    pub answer: Option<f64>,
    /// The nearest probed value that failed, beyond the answer.
    pub first_failing: Option<f64>,
    /// 95 % CI of the answer (low, high); an end is null when it lies outside the range.
    pub ci: (Option<f64>, Option<f64>),
    /// Every probe, in the order made.
    pub probes: Vec<Probe>,
    /// How "meets" is defined.
    pub definition: String,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
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

struct Search<'a> {
    config: &'a CapacityConfig,
    target: Target,
    policy: SchedulerSpec,
    integer: bool,
    cache: BTreeMap<u64, usize>,
    probes: Vec<Probe>,
    cancel: Arc<AtomicBool>,
    progress: &'a (dyn Fn(usize) + Sync),
    interrupted: bool,
}

impl Search<'_> {
    fn scenario(&self, value: f64) -> Result<Scenario, CapacityError> {
        let mut overrides = self.config.base.clone();
        overrides.push(varied(&self.config.vary, value, self.integer));
        let mut scenario = Scenario::parse_with(&self.config.source, &self.config.file, &overrides)
            .map_err(|e| CapacityError::Input(format!("--vary {}={}: {e}", self.config.vary, fmt(value))))?;
        if let Some(d) = self.config.duration {
            scenario = scenario.with_duration(d).map_err(|e| CapacityError::Input(format!("--duration: {e}")))?;
        }
        scenario.scheduler = self.policy.clone();
        scenario.run.max_in_flight = self.config.max_in_flight;
        Ok(scenario)
    }

    /// Runs (or recalls) the probe at `value`; `None` when interrupted.
    fn probe(&mut self, value: f64, stage: &'static str) -> Result<Option<&Probe>, CapacityError> {
        if let Some(&i) = self.cache.get(&value.to_bits()) {
            return Ok(Some(&self.probes[i]));
        }
        if self.interrupted {
            return Ok(None);
        }
        let base = self.scenario(value)?;
        let scenarios: Vec<Scenario> = (0..self.config.replications)
            .map(|r| {
                let mut s = base.clone();
                s.run.seed = base.run.seed.wrapping_add(r as u64);
                s
            })
            .collect();
        let key = self.target.key.clone();
        let results = crate::batch::run_all(
            scenarios,
            self.config.parallelism,
            self.cancel.clone(),
            |_, _| {},
            move |s, out| {
                let figures = measure(&out.report(s));
                let known: Vec<String> = figures.iter().map(|(m, _)| m.key.clone()).collect();
                figures.into_iter().find(|(m, _)| m.key == key).map(|(_, v)| v).ok_or(known)
            },
        )?;
        if results.iter().any(Option::is_none) {
            self.interrupted = true;
            return Ok(None);
        }
        let mut values = Vec::new();
        for r in results.into_iter().flatten() {
            values.push(r.map_err(|known| {
                CapacityError::Input(format!(
                    "--target {:?}: no figure {:?}; known figures: {}",
                    self.target.text,
                    self.target.key,
                    known.join(", ")
                ))
            })?);
        }
        let interval = mean_ci(&values);
        let (mean, half) = (interval.mean, if interval.ci95.is_finite() { interval.ci95 } else { 0.0 });
        let (op, t) = (self.target.op, self.target.threshold);
        let (worst, best) = if op.upper_bound() { (mean + half, mean - half) } else { (mean - half, mean + half) };
        self.probes.push(Probe {
            stage,
            value,
            mean,
            ci95: interval.ci95,
            values,
            meets: !mean.is_nan() && op.holds(mean, t),
            meets_confidently: !mean.is_nan() && op.holds(worst, t),
            meets_plausibly: !mean.is_nan() && op.holds(best, t),
        });
        self.cache.insert(value.to_bits(), self.probes.len() - 1);
        (self.progress)(self.probes.len());
        Ok(self.probes.last())
    }

    /// Bisects between `good` (predicate true) and `bad` (false); returns the final pair.
    fn bisect(
        &mut self,
        mut good: f64,
        mut bad: f64,
        stage: &'static str,
        predicate: fn(&Probe) -> bool,
    ) -> Result<(f64, f64), CapacityError> {
        let tolerance = self.tolerance();
        while (bad - good).abs() > tolerance {
            let mut mid = (good + bad) / 2.0;
            if self.integer {
                mid = mid.floor();
                if mid == good.min(bad) {
                    mid += 1.0;
                }
                if mid == good || mid == bad {
                    break;
                }
            }
            let Some(p) = self.probe(mid, stage)? else { break };
            if predicate(p) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        Ok((good, bad))
    }

    fn tolerance(&self) -> f64 {
        let (lo, hi) = self.config.range.expect("resolved");
        let t = self.config.tolerance.unwrap_or((hi - lo) / 100.0);
        if self.integer { t.max(1.0) } else { t }
    }
}

fn fmt(v: f64) -> String {
    format!("{v}")
}

fn varied(path: &str, value: f64, integer: bool) -> Override {
    if path == LOAD_SCALE {
        Override::load_scale(value)
    } else {
        let text = if integer { format!("{}", value as i64) } else { fmt(value) };
        Override { path: path.to_string(), value: text }
    }
}

/// Runs the search. `progress(probes_made)` is called after each probe.
pub fn search(
    config: &CapacityConfig,
    cancel: Arc<AtomicBool>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<CapacityResult, CapacityError> {
    if config.replications < 2 {
        return Err(CapacityError::Input("--replications must be at least 2 (for a confidence interval)".into()));
    }
    let scenario = Scenario::parse_with(&config.source, &config.file, &config.base)
        .map_err(|e| CapacityError::Input(e.to_string()))?;
    let classes: Vec<String> = scenario.classes.iter().map(|c| c.name.clone()).collect();
    let target = Target::parse(&config.target, &classes).map_err(CapacityError::Input)?;
    let policy = config.policy.clone().unwrap_or_else(|| scenario.scheduler.clone());
    registry::build(&policy, &scenario.hubs).map_err(|e| CapacityError::Input(format!("--scheduler: {e}")))?;
    let integer = config.vary.ends_with(".intelligent") || config.vary.ends_with(".general");
    let range = search_range(config, &scenario)?;
    let (lo, hi) = range;
    let config = CapacityConfig { range: Some(range), ..config.clone() };
    let _watcher = crate::batch::cancel_on_ctrl_c(cancel.clone());
    let mut search = Search {
        config: &config,
        target: target.clone(),
        policy: policy.clone(),
        integer,
        cache: BTreeMap::new(),
        probes: Vec::new(),
        cancel,
        progress,
        interrupted: false,
    };
    // Check both ends parse before running anything.
    search.scenario(lo)?;
    search.scenario(hi)?;
    let low = search.probe(lo, "range")?.cloned();
    let high = search.probe(hi, "range")?.cloned();
    let seeds: Vec<u64> = (0..config.replications as u64).map(|r| scenario.run.seed.wrapping_add(r)).collect();
    let mut result = CapacityResult {
        scenario: scenario.name.clone(),
        scheduler: policy.to_string(),
        target,
        vary: config.vary.clone(),
        range,
        tolerance: search.tolerance(),
        seeds,
        direction: "none",
        status: "interrupted",
        answer: None,
        first_failing: None,
        ci: (None, None),
        probes: Vec::new(),
        definition: definition(&config),
    };
    if let (Some(low), Some(high)) = (low, high) {
        search.within_bracket(&mut result, &low, &high)?;
    }
    result.probes = search.probes;
    Ok(result)
}

/// The range searched: the given one, or a default for load_scale and existing pools; checked with the tolerance.
fn search_range(config: &CapacityConfig, scenario: &Scenario) -> Result<(f64, f64), CapacityError> {
    let range = match config.range {
        Some(r) => r,
        None if config.vary == LOAD_SCALE => (0.1, 4.0),
        None => {
            let parts: Vec<&str> = config.vary.split('.').collect();
            let current = match parts.as_slice() {
                ["hubs", id, pool @ ("intelligent" | "general")] => scenario
                    .hubs
                    .iter()
                    .find(|h| h.id == *id)
                    .map(|h| f64::from(h.capacity[usize::from(*pool == "general")])),
                _ => None,
            };
            match current {
                Some(c) if c > 0.0 => ((c / 8.0).floor().max(1.0), c * 4.0),
                _ => {
                    return Err(CapacityError::Input(format!(
                        "--vary {}: give --range LOW,HIGH (a default range exists for load_scale and hubs.ID.intelligent/general of an existing pool)",
                        config.vary
                    )));
                }
            }
        }
    };
    let (lo, hi) = range;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(CapacityError::Input(format!("--range {lo},{hi}: expected LOW < HIGH")));
    }
    if config.tolerance.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(CapacityError::Input("--tolerance must be a number > 0".into()));
    }
    Ok(range)
}

impl Search<'_> {
    /// From the range's two probes: where the target flips, and the 95 % CI of that value.
    fn within_bracket(&mut self, result: &mut CapacityResult, low: &Probe, high: &Probe) -> Result<(), CapacityError> {
        let (lo, hi) = result.range;
        match (low.meets, high.meets) {
            (true, true) => result.status = "meets-everywhere",
            (false, false) => result.status = "fails-everywhere",
            (low_meets, _) => {
                let (good, bad) = if low_meets { (lo, hi) } else { (hi, lo) };
                result.direction = if low_meets { "largest" } else { "smallest" };
                let (answer, failing) = self.bisect(good, bad, "answer", |p| p.meets)?;
                // The CI's ends: the same bisection on stricter and looser verdicts, from the same
                // bracket, so its first probes come from the cache.
                let (good_end, bad_end) = if low_meets { (low, high) } else { (high, low) };
                let confident = if good_end.meets_confidently {
                    Some(self.bisect(good, bad, "ci-confident", |p| p.meets_confidently)?.0)
                } else {
                    None
                };
                let plausible = if bad_end.meets_plausibly {
                    None
                } else {
                    Some(self.bisect(good, bad, "ci-plausible", |p| p.meets_plausibly)?.0)
                };
                result.answer = Some(answer);
                result.first_failing = Some(failing);
                result.ci = if low_meets { (confident, plausible) } else { (plausible, confident) };
                result.status = if self.interrupted { "interrupted" } else { "found" };
            }
        }
        Ok(())
    }
}

fn definition(config: &CapacityConfig) -> String {
    format!(
        "a value meets the target when the mean, over {} replications (the same seeds at every probe), of the per-run \
         figure satisfies the comparison; the answer is the last probed value that met, found by bisection to a \
         tolerance of {}; its 95 % CI is the range of values whose 95 % t-interval of the mean contains the threshold",
        config.replications,
        config.range.map_or(String::new(), |(lo, hi)| fmt(config.tolerance.unwrap_or((hi - lo) / 100.0)))
    )
}
