//! `spatio-temporal`: choose a flexible job's hub and start time together, minimising its
//! forecast carbon (or energy cost) within its slack, among hubs whose estimated wait is
//! within a bound.
//!
//! For each candidate hub the lowest window of the job's runtime within `[now, latest start]`
//! is found (see [`shifting::lowest_window`]); its score is the hub's PUE x that window's
//! integral (the job's power draw is the same everywhere but for the PUE). The lowest score
//! wins (ties: earlier start, lower index); a later start is a deferral, and the choice is
//! made again then. Without slack it is a purely spatial choice; without time-varying signals
//! it compares the hubs' constant figures. Weakness: wait estimates are for now, not for the
//! deferred start.

use crate::model::{Hub, SignalKind};
use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::shifting::{self, latest_start, lowest_window};
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::{SimDuration, SimTime};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "spatio-temporal",
    summary: "choose hub and start together: lowest forecast footprint within slack among hubs within a wait bound",
    params: PARAMS,
    make,
};

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[
    shifting::SIGNAL,
    ParamInfo { name: "max_wait", default: "1h", help: "only hubs whose estimated wait is at most this compete" },
];

/// Builds the policy.
pub fn make(params: &Params<'_>, _hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    Ok(Box::new(SpatioTemporal { kind: shifting::signal(params)?, max_wait: params.duration("max_wait")? }))
}

/// The (hub, start) with the lowest forecast footprint.
#[derive(Clone, Debug)]
pub struct SpatioTemporal {
    kind: SignalKind,
    max_wait: SimDuration,
}

impl SpatioTemporal {
    /// The job's score at `hub` starting at its best time: (score, start).
    fn best_at(&self, job: &JobRequest, view: &View<'_>, hub: usize, latest: SimTime) -> (f64, SimTime) {
        let pue = view.hub(hub).pue;
        match view.signals() {
            Some(forecast) => {
                let (start, integral) =
                    lowest_window(&forecast, hub, self.kind, view.now(), latest, job.runtime_estimate);
                (pue * integral, start)
            }
            None => {
                let footprint = view.footprint(job, hub);
                let value = match self.kind {
                    SignalKind::Carbon => footprint.carbon_kg,
                    SignalKind::Price => footprint.cost_cny,
                };
                (value, view.now())
            }
        }
    }
}

impl Scheduler for SpatioTemporal {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        let latest = latest_start(job).max(view.now());
        let within = |h: &usize| view.wait_estimate(job, *h) <= self.max_wait;
        let bounded: Vec<usize> = view.eligible_hubs(job).filter(within).collect();
        let hubs = if bounded.is_empty() {
            // None within the bound: the hub with the shortest estimated wait.
            view.eligible_hubs(job).min_by_key(|&h| view.wait_estimate(job, h)).into_iter().collect()
        } else {
            bounded
        };
        let best = hubs
            .into_iter()
            .map(|h| (self.best_at(job, view, h, latest), h))
            .min_by(|a, b| a.0.0.total_cmp(&b.0.0).then(a.0.1.cmp(&b.0.1)).then(a.1.cmp(&b.1)));
        match best {
            None => Decision::Reject,
            Some(((_, start), _)) if start > view.now() => Decision::Defer(start),
            Some((_, hub)) => Decision::Run(hub as u16),
        }
    }
}
