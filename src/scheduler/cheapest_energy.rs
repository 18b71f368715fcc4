//! `cheapest-energy`: the lowest energy cost for the job, within a bound on estimated wait.
//!
//! Cost at a hub = units x power per unit x runtime estimate x PUE x power price. Needs: the
//! hubs' prices and PUE, the energy model, wait estimates. Weakness: piles work onto the
//! cheapest hubs until their waits reach the bound, and ignores data movement.

use crate::model::Hub;
use crate::rng::SimRng;
use crate::scheduler::cost_bound::cheapest_within_wait;
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::SimDuration;

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[ParamInfo {
    name: "max_wait",
    default: "1h",
    help: "only hubs whose estimated wait is at most this compete on price",
}];

/// Builds the policy.
pub fn make(params: &Params<'_>, _hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    Ok(Box::new(CheapestEnergy { max_wait: params.duration("max_wait")? }))
}

/// Lowest energy cost among hubs within the wait bound.
#[derive(Clone, Copy, Debug)]
pub struct CheapestEnergy {
    max_wait: SimDuration,
}

impl Scheduler for CheapestEnergy {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        cheapest_within_wait(job, view, self.max_wait, |f| f.cost_cny)
            .map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }
}
