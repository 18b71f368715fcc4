//! `lowest-window`: start each flexible job at the beginning of the window of its runtime
//! with the lowest mean forecast carbon intensity (or price) within its slack (Let's Wait
//! Awhile, Wiesner et al. 2021).
//!
//! The hub comes from the `base` policy; the window is searched in that hub's forecast (see
//! [`shifting::lowest_window`]). A job whose best window starts later is deferred to it and
//! asked about again then, so a noisy forecast is re-read when it starts. Jobs without slack,
//! and every job in a world without time-varying signals, are placed at once. Weakness: it
//! looks at one hub only, and deferred jobs of the same clean hour crowd each other.
//!
//! An interruptible job runs instead in the lowest slots of its hub's forecast within its
//! slack (see [`lowest_slots`]): it is deferred to the first, and placed there with its slots,
//! which the engine follows by suspending and resuming it.

use crate::model::{Hub, SignalKind};
use crate::rng::SimRng;
use crate::scheduler::lowest_slots::lowest_slots;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::shifting::{self, latest_start, lowest_window};
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::SimTime;

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "lowest-window",
    summary: "flexible jobs start at the lowest-mean window of their runtime within their slack (Let's Wait Awhile)",
    params: PARAMS,
    make,
};

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[shifting::SIGNAL, shifting::BASE];

/// Builds the policy.
pub fn make(params: &Params<'_>, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    Ok(Box::new(LowestWindow { kind: shifting::signal(params)?, base: shifting::base(params, hubs)?, slots: None }))
}

/// The lowest-mean window within the slack, at the base policy's hub.
pub struct LowestWindow {
    kind: SignalKind,
    base: Box<dyn Scheduler>,
    /// The slots of the interruptible job placed by the last decision.
    slots: Option<Vec<(SimTime, SimTime)>>,
}

impl Scheduler for LowestWindow {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let decision = self.base.decide(job, view, rng);
        let (Decision::Run(hub), Some(forecast)) = (decision, view.signals()) else { return decision };
        let latest = latest_start(job);
        if latest <= view.now() {
            return decision;
        }
        let runtime = job.runtime_estimate;
        let Some(overhead) = job.interruptible else {
            let (start, _) = lowest_window(&forecast, hub as usize, self.kind, view.now(), latest, runtime);
            return if start > view.now() { Decision::Defer(start) } else { decision };
        };
        let horizon = latest.saturating_add(runtime);
        let slots = lowest_slots(&forecast, hub as usize, self.kind, view.now(), horizon, runtime, overhead);
        if slots[0].0 > view.now() {
            return Decision::Defer(slots[0].0);
        }
        self.slots = Some(slots);
        decision
    }

    fn take_slots(&mut self) -> Option<Vec<(SimTime, SimTime)>> {
        self.slots.take()
    }

    fn tracks_changes(&self) -> bool {
        self.base.tracks_changes()
    }
}
