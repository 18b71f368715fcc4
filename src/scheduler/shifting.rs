//! What the temporal shifting policies share: which signal they minimise, the policy that
//! places their jobs, how late a job may start, and the lowest-window search.
//!
//! A job may start as late as its submission + its slack ([`JobRequest::slack`]); a deferred
//! job goes back to the engine (`Decision::Defer`) and holds no units until it is placed.

use crate::model::{Forecast, Hub, SignalKind};
use crate::scheduler::registry;
use crate::scheduler::spec::{ParamInfo, Params, SchedulerSpec};
use crate::scheduler::{JobRequest, Scheduler};
use crate::time::{SimDuration, SimTime};

/// The `signal` parameter.
pub const SIGNAL: ParamInfo = ParamInfo {
    name: "signal",
    default: "carbon",
    help: "what to minimise: \"carbon\" (effective intensity) or \"price\"",
};

/// The `base` parameter.
pub const BASE: ParamInfo = ParamInfo {
    name: "base",
    default: "least-loaded",
    help: "the policy (by name, without parameters) that picks the hub, now or when a deferred job starts",
};

/// Reads the `signal` parameter.
pub fn signal(params: &Params<'_>) -> Result<SignalKind, String> {
    let text = params.text("signal");
    SignalKind::parse(&text)
        .ok_or_else(|| format!("scheduler parameter `signal` = {text:?}: expected \"carbon\" or \"price\""))
}

/// Builds the placement policy the `base` parameter names.
pub fn base(params: &Params<'_>, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    let name = params.text("base");
    registry::build(&SchedulerSpec::named(&name), hubs).map_err(|e| format!("scheduler parameter `base`: {e}"))
}

/// The latest time `job` may start: its submission + its slack (its submission without one).
#[inline]
pub fn latest_start(job: &JobRequest) -> SimTime {
    job.submit.saturating_add(job.slack.unwrap_or(0))
}

/// Relative tolerance under which two forecast integrals count as equal (the earlier wins).
const TIE: f64 = 1e-9;

/// The start in `[now, latest]` of the window of length `runtime` with the lowest forecast
/// integral at `hub`, and that integral (value x hours). Ties go to the earliest start.
///
/// The integral of a window is piecewise linear in its start for a step signal, with kinks
/// where the window's start or end crosses a breakpoint, so its minimum lies at `now`,
/// `latest` or such a kink: those are the only candidates. Exact for step signals (and for
/// noisy forecasts of them); for linear signals the kinks are curves and the search is an
/// approximation.
pub fn lowest_window(
    forecast: &Forecast<'_>,
    hub: usize,
    kind: SignalKind,
    now: SimTime,
    latest: SimTime,
    runtime: SimDuration,
) -> (SimTime, f64) {
    let latest = latest.max(now);
    let mut candidates = vec![now, latest];
    for b in forecast.breakpoints(hub, kind, now, latest.saturating_add(runtime)) {
        if b <= latest {
            candidates.push(b);
        }
        if b > now.saturating_add(runtime) && b - runtime <= latest {
            candidates.push(b - runtime);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let scored: Vec<(SimTime, f64)> =
        candidates.iter().map(|&t| (t, forecast.integral(hub, kind, t, t.saturating_add(runtime)))).collect();
    let least = scored.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
    *scored.iter().find(|s| s.1 <= least + TIE * least.abs().max(1e-12)).expect("at least one candidate")
}
