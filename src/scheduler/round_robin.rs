//! `round-robin`: eligible hubs in turn.
//!
//! Needs: eligibility only. Weakness: spreads jobs evenly by count, not by size or capacity,
//! so a small hub receives as much work as a large one.

use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "round-robin",
    summary: "eligible hubs in turn, in hub order, one cursor shared by all jobs",
    params: &[],
    make: |_, _| Ok(Box::new(RoundRobin::default())),
};

/// One cursor over hub indices shared by all jobs; each job takes the next eligible hub.
#[derive(Clone, Copy, Debug, Default)]
pub struct RoundRobin {
    next: usize,
}

impl Scheduler for RoundRobin {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        let n = view.hub_count();
        for step in 0..n {
            let hub = (self.next + step) % n;
            if view.eligible(job, hub) {
                self.next = (hub + 1) % n;
                return Decision::Run(hub as u16);
            }
        }
        Decision::Reject
    }

    fn reads_wait_estimates(&self) -> bool {
        false
    }
}
