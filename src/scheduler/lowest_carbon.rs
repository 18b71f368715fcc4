//! `lowest-carbon`: the lowest emissions for the job, within a bound on estimated wait.
//!
//! Carbon at a hub = energy (units x power per unit x runtime estimate x PUE) x (1 - renewable
//! share) x grid carbon intensity. Needs: PUE and renewable shares, the energy model, wait
//! estimates. Weakness: like `cheapest-energy`, it concentrates work on the greenest hubs up to
//! the wait bound and ignores data movement; static shares hide the hour-by-hour grid mix.

use crate::model::Hub;
use crate::rng::SimRng;
use crate::scheduler::cost_bound::CostBound;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "lowest-carbon",
    summary: "lowest emissions (energy x (1 - renewable) x grid intensity) among hubs within a wait bound",
    params: PARAMS,
    make,
};

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[ParamInfo {
    name: "max_wait",
    default: "1h",
    help: "only hubs whose estimated wait is at most this compete on carbon",
}];

/// Builds the policy.
pub fn make(params: &Params<'_>, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    let coefficient = hubs.iter().map(|h| h.pue * (1.0 - h.renewable)).collect();
    Ok(Box::new(LowestCarbon { rule: CostBound::new(params.duration("max_wait")?, coefficient) }))
}

/// Lowest emissions among hubs within the wait bound.
#[derive(Clone, Debug)]
pub struct LowestCarbon {
    rule: CostBound,
}

impl Scheduler for LowestCarbon {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        self.rule.decide(job, view).map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }

    fn tracks_changes(&self) -> bool {
        true
    }
}
