//! `capacity-weighted`: a random eligible hub, weighted by its capacity in the job's pool.
//!
//! Needs: capacities only. Spreads load in proportion to size, so with Poisson arrivals every
//! hub sees the same utilisation on average. Weakness: still blind to the current load, so
//! bursts queue at one hub while another idles; and it ignores latency.

use rand::RngExt;

use crate::model::PoolKind;
use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "capacity-weighted",
    summary: "random eligible hub, weighted by its capacity in the job's pool",
    params: &[],
    make: |_, _| Ok(Box::new(CapacityWeighted::default())),
};

/// Random, with probability proportional to capacity in the job's pool.
#[derive(Clone, Debug, Default)]
pub struct CapacityWeighted {
    /// Per pool, running sums of every hub's capacity in hub order and the smallest capacity,
    /// once known (capacities are fixed for a run).
    pools: Option<[(Vec<u64>, u32); 2]>,
}

impl Scheduler for CapacityWeighted {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let pools = self.pools.get_or_insert_with(|| {
            let smallest = view.smallest_pools();
            PoolKind::ALL.map(|pool| {
                let mut sum = 0;
                let sums = view.hubs().iter().map(|h| {
                    sum += u64::from(h.capacity(pool));
                    sum
                });
                (sums.collect(), smallest[pool.index()])
            })
        });
        let (sums, smallest) = &pools[job.pool.index()];
        if let Some(&total) = sums.last()
            && total > 0
            && view.all_eligible(job, *smallest)
        {
            // Every hub is eligible: the same draw, found by binary search in the running sums.
            let pick = rng.random_range(0..total);
            return Decision::Run(sums.partition_point(|&sum| sum <= pick) as u16);
        }
        let total: u64 = view.eligible_hubs(job).map(|h| u64::from(view.hub(h).capacity(job.pool))).sum();
        if total == 0 {
            return Decision::Reject;
        }
        let mut pick = rng.random_range(0..total);
        for h in view.eligible_hubs(job) {
            let capacity = u64::from(view.hub(h).capacity(job.pool));
            if pick < capacity {
                return Decision::Run(h as u16);
            }
            pick -= capacity;
        }
        Decision::Reject
    }
}
