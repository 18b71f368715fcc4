//! A workload class: which pool its jobs use, how often they arrive, and their shapes.

use std::f64::consts::PI;

use crate::model::PoolKind;
use crate::time::{DAY, HOUR, SimDuration, SimTime};
use crate::workload::{Distribution, Slo};

/// A daily sine modulation of the arrival rate, with an optional weekend factor.
///
/// rate(t) = base x (1 + amplitude x sin(2 pi (t - peak + 6 h) / 24 h)) x (weekend on days 6, 7),
/// so the rate peaks at `peak` o'clock; day 1 of the run is a Monday.
#[derive(Clone, Debug, PartialEq)]
pub struct Diurnal {
    /// Relative swing, 0..=1.
    pub amplitude: f64,
    /// Time of day of the peak.
    pub peak: SimDuration,
    /// Multiplier on Saturdays and Sundays (1.0: no weekend effect).
    pub weekend: f64,
}

/// A class's arrival process: Poisson at a base rate, optionally modulated.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    /// Mean arrivals per second (before modulation).
    pub rate_per_second: f64,
    /// Optional daily/weekly modulation.
    pub diurnal: Option<Diurnal>,
}

impl Arrival {
    /// The highest instantaneous rate, per second (the thinning envelope).
    pub fn peak_rate_per_second(&self) -> f64 {
        match &self.diurnal {
            None => self.rate_per_second,
            Some(d) => self.rate_per_second * (1.0 + d.amplitude) * d.weekend.max(1.0),
        }
    }

    /// The instantaneous rate at time `t`, per second.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        match &self.diurnal {
            None => self.rate_per_second,
            Some(d) => {
                let phase = (t as f64 - d.peak as f64 + 6.0 * HOUR as f64) / DAY as f64;
                let weekday = (t / DAY) % 7;
                let weekend = if weekday >= 5 { d.weekend } else { 1.0 };
                self.rate_per_second * (1.0 + d.amplitude * (2.0 * PI * phase).sin()) * weekend
            }
        }
    }

    /// The mean rate over a whole week, per second.
    pub fn weekly_mean_rate_per_second(&self) -> f64 {
        match &self.diurnal {
            None => self.rate_per_second,
            Some(d) => self.rate_per_second * (5.0 + 2.0 * d.weekend) / 7.0,
        }
    }
}

/// Where a class's input data lives before a job runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputAt {
    /// At the job's origin region (the data moves with the job).
    #[default]
    Origin,
    /// At a hub (by index): a job placed there moves nothing.
    Hub(u16),
    /// At a region (by index) other than, possibly, the origin.
    Region(u16),
}

/// A class of jobs with common shape, validated.
#[derive(Clone, Debug)]
pub struct JobClass {
    /// Class name, unique in a scenario.
    pub name: String,
    /// The pool its jobs run in.
    pub pool: PoolKind,
    /// How jobs arrive.
    pub arrival: Arrival,
    /// Units per job (rounded to a whole number, at least 1).
    pub units: Distribution,
    /// Runtime per job, in seconds.
    pub runtime: Distribution,
    /// Data to move per job, in bytes.
    pub data: Distribution,
    /// Largest allowed round trip between the job's origin and its hub.
    pub max_round_trip: Option<SimDuration>,
    /// Target job completion time (`deadline`; the `deadline_met` figure).
    pub deadline: Option<SimDuration>,
    /// How long a job's start may be deferred past its submission (`slack`), for shifting
    /// policies; without it a class with a deadline may be deferred while it can still meet it.
    pub slack: Option<SimDuration>,
    /// `interruptible = true`: its jobs may be suspended and resumed by shifting policies;
    /// the value is the `checkpoint_overhead` added to each resume (`None`: not interruptible).
    pub interruptible: Option<SimDuration>,
    /// Service-level objective (`slo = { jct, wait }`; `deadline` stands for `slo.jct`).
    pub slo: Slo,
    /// Queue priority: a higher number is served first (non-preemptive); default 0.
    pub priority: i32,
    /// Weight of each demand region (by index) as the origin of this class's jobs.
    pub origin_weights: Vec<f64>,
    /// Where the input data lives.
    pub input_at: InputAt,
    /// Bytes of output each job sends back to its origin when it finishes (`None`: nothing).
    pub output: Option<Distribution>,
    /// Its jobs' own failures and what any failure does to them (see `docs/faults.md`).
    pub failure: crate::model::FailureRule,
}

impl JobClass {
    /// How long a job with `runtime_estimate` may be deferred: the class's slack, else its
    /// deadline less the runtime estimate; `None` when the class is not flexible.
    #[inline]
    pub fn slack_for(&self, runtime_estimate: SimDuration) -> Option<SimDuration> {
        self.slack.or_else(|| self.deadline.map(|d| d.saturating_sub(runtime_estimate)))
    }
}
