//! `capacity-weighted`: a random eligible hub, weighted by its capacity in the job's pool.
//!
//! Needs: capacities only. Spreads load in proportion to size, so with Poisson arrivals every
//! hub sees the same utilisation on average. Weakness: still blind to the current load, so
//! bursts queue at one hub while another idles; and it ignores latency.

use rand::RngExt;

use crate::rng::SimRng;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// Random, with probability proportional to capacity in the job's pool.
#[derive(Clone, Copy, Debug, Default)]
pub struct CapacityWeighted;

impl Scheduler for CapacityWeighted {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let total: u64 = view.eligible_hubs(job).map(|h| u64::from(view.hubs[h].capacity(job.pool))).sum();
        if total == 0 {
            return Decision::Reject;
        }
        let mut pick = rng.random_range(0..total);
        for h in view.eligible_hubs(job) {
            let capacity = u64::from(view.hubs[h].capacity(job.pool));
            if pick < capacity {
                return Decision::Run(h as u16);
            }
            pick -= capacity;
        }
        Decision::Reject
    }
}
