//! `nearest`: the eligible hub with the lowest latency from the job's origin.
//!
//! Needs: latencies only. Weakness: ignores load entirely, so demand concentrated in a few
//! regions piles up on their local hubs while distant capacity idles.

use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "nearest",
    summary: "lowest latency from the job's origin among eligible hubs (ties: lower index)",
    params: &[],
    make: |_, _| Ok(Box::new(Nearest)),
};

/// Lowest one-way latency from the origin; ties go to the lower hub index.
#[derive(Clone, Copy, Debug, Default)]
pub struct Nearest;

impl Scheduler for Nearest {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        let nearest = view.network().nearest_hub(job.origin as usize);
        if view.eligible(job, nearest) {
            return Decision::Run(nearest as u16);
        }
        view.eligible_by_latency(job).next().map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }

    fn picks_nearest(&self) -> bool {
        true
    }

    fn reads_wait_estimates(&self) -> bool {
        false
    }
}
