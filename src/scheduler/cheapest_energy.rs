//! `cheapest-energy`: the lowest energy cost for the job, within a bound on estimated wait.
//!
//! Cost at a hub = units x power per unit x runtime estimate x PUE x power price, plus, under
//! the flow model with priced links, the bill for carrying the job's input there and its
//! output back (bytes x the route's price per GB). Needs: the hubs' prices and PUE, the energy
//! model, wait estimates, link prices. Weakness: piles work onto the cheapest hubs until their
//! waits reach the bound, and ignores transfer time.

use crate::model::Hub;
use crate::rng::SimRng;
use crate::scheduler::cost_bound::CostBound;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "cheapest-energy",
    summary: "lowest energy cost (units x kW x runtime x PUE x price) among hubs within a wait bound",
    params: PARAMS,
    make,
};

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[ParamInfo {
    name: "max_wait",
    default: "1h",
    help: "only hubs whose estimated wait is at most this compete on price",
}];

/// Builds the policy.
pub fn make(params: &Params<'_>, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    let coefficient = hubs.iter().map(|h| h.pue * h.price).collect();
    Ok(Box::new(CheapestEnergy { rule: CostBound::new(params.duration("max_wait")?, coefficient).counting_transfer() }))
}

/// Lowest energy cost among hubs within the wait bound.
#[derive(Clone, Debug)]
pub struct CheapestEnergy {
    rule: CostBound,
}

impl Scheduler for CheapestEnergy {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        self.rule.decide(job, view).map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }

    fn tracks_changes(&self) -> bool {
        true
    }
}
