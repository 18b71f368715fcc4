//! `random`: a uniformly random eligible hub.
//!
//! Needs: nothing but eligibility. Weakness: blind to load and capacity, so small hubs get as
//! many jobs as large ones; with equal hubs it is the classic random-routing baseline (each hub
//! an independent queue fed by a thinned Poisson stream).

use rand::RngExt;

use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "random",
    summary: "uniformly random eligible hub, from the scheduler's own random stream",
    params: &[],
    make: |_, _| Ok(Box::new(Random::default())),
};

/// Uniform among eligible hubs, from the scheduler's own random stream.
#[derive(Clone, Copy, Debug, Default)]
pub struct Random {
    /// The smallest capacity of each pool over all hubs, once known.
    smallest_pool: Option<[u32; 2]>,
}

impl Scheduler for Random {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let smallest = *self.smallest_pool.get_or_insert_with(|| view.smallest_pools());
        if view.all_eligible(job, smallest[job.pool.index()]) {
            // Every hub is eligible: the same draw picks the hub directly, without a scan.
            return Decision::Run(rng.random_range(0..view.hub_count()) as u16);
        }
        let count = view.eligible_hubs(job).count();
        if count == 0 {
            return Decision::Reject;
        }
        let pick = rng.random_range(0..count);
        view.eligible_hubs(job).nth(pick).map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }

    fn reads_wait_estimates(&self) -> bool {
        false
    }
}
