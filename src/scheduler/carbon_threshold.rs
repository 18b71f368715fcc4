//! `carbon-threshold`: run a flexible job now if the forecast carbon intensity (or price) at
//! its hub is at or below a threshold, else wait until it is or the slack runs out (GAIA's
//! "all jobs wait" family).
//!
//! The threshold is absolute (`threshold`, in the signal's unit) or, by default, a
//! percentile of the forecast over the job's own window `[now, latest start]`, weighted by
//! time. A waiting job is deferred to the first breakpoint of the forecast at or below the
//! threshold (or to its latest start) and asked about again then. The hub comes from the
//! `base` policy. Weakness: a job that waits for a dip starts at its beginning even when the
//! dip is shorter than the job.

use crate::model::{Forecast, Hub, SignalKind};
use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::shifting::{self, latest_start};
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::{HOUR, SimTime};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "carbon-threshold",
    summary: "flexible jobs run when the forecast signal at the base policy's hub is at or below a threshold, else wait (within slack)",
    params: PARAMS,
    make,
};

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[
    shifting::SIGNAL,
    shifting::BASE,
    ParamInfo {
        name: "threshold",
        default: "none",
        help: "absolute threshold (kg CO2/kWh or CNY/kWh); overrides `percentile`",
    },
    ParamInfo {
        name: "percentile",
        default: "30",
        help: "threshold as this percentile (0-100) of the forecast over the job's slack",
    },
];

/// How the threshold is set.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Threshold {
    Absolute(f64),
    Percentile(f64),
}

/// Builds the policy.
pub fn make(params: &Params<'_>, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    let threshold = if params.given("threshold") {
        let value = params.number("threshold")?;
        if !(value.is_finite() && value >= 0.0) {
            return Err(format!("scheduler parameter `threshold` = {value}: must be >= 0"));
        }
        Threshold::Absolute(value)
    } else {
        let p = params.number("percentile")?;
        if !(0.0..=100.0).contains(&p) {
            return Err(format!("scheduler parameter `percentile` = {p}: must be between 0 and 100"));
        }
        Threshold::Percentile(p)
    };
    Ok(Box::new(CarbonThreshold { kind: shifting::signal(params)?, base: shifting::base(params, hubs)?, threshold }))
}

/// Wait for the signal to fall to a threshold, within the slack.
pub struct CarbonThreshold {
    kind: SignalKind,
    base: Box<dyn Scheduler>,
    threshold: Threshold,
}

/// The `p`-th percentile of the forecast over `[from, to]`, weighted by time (segment means
/// between breakpoints).
fn percentile(forecast: &Forecast<'_>, hub: usize, kind: SignalKind, from: SimTime, to: SimTime, p: f64) -> f64 {
    let mut points = vec![from];
    points.extend(forecast.breakpoints(hub, kind, from, to));
    points.push(to);
    let mut segments: Vec<(f64, f64)> = points
        .windows(2)
        .map(|w| {
            let hours = (w[1] - w[0]) as f64 / HOUR as f64;
            (forecast.integral(hub, kind, w[0], w[1]) / hours, hours)
        })
        .collect();
    segments.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = segments.iter().map(|s| s.1).sum();
    let mut seen = 0.0;
    for &(value, weight) in &segments {
        seen += weight;
        if seen >= p / 100.0 * total {
            return value;
        }
    }
    segments.last().map_or(0.0, |s| s.0)
}

impl Scheduler for CarbonThreshold {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let decision = self.base.decide(job, view, rng);
        let (Decision::Run(hub), Some(forecast)) = (decision, view.signals()) else { return decision };
        let (hub, now, latest) = (hub as usize, view.now(), latest_start(job));
        if latest <= now {
            return decision;
        }
        let threshold = match self.threshold {
            Threshold::Absolute(value) => value,
            Threshold::Percentile(p) => percentile(&forecast, hub, self.kind, now, latest, p),
        };
        // Compare with a hair of tolerance, so a flat signal sits at its own percentile.
        let below = |t: SimTime| forecast.value_at(hub, self.kind, t) <= threshold * (1.0 + 1e-12);
        if below(now) {
            return decision;
        }
        let next = forecast.breakpoints(hub, self.kind, now, latest).into_iter().find(|&t| below(t));
        Decision::Defer(next.unwrap_or(latest))
    }

    fn tracks_changes(&self) -> bool {
        self.base.tracks_changes()
    }
}
