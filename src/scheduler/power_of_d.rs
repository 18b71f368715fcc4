//! `power-of-d`: sample d eligible hubs at random and send the job to the least loaded.
//!
//! Needs: the load of d hubs only (O(d) state reads instead of O(hubs)), which is why it scales
//! to many sites. Mitzenmacher's power of two choices: d = 2 already removes most of random
//! routing's queueing. Weakness: with few hubs it is close to least-loaded anyway; it ignores
//! latency and data movement.

use rand::RngExt;

use crate::model::Hub;
use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "power-of-d",
    summary: "sample d eligible hubs at random, send to the least loaded of them",
    params: PARAMS,
    make,
};

/// Parameters: `d`.
pub const PARAMS: &[ParamInfo] = &[ParamInfo { name: "d", default: "2", help: "hubs sampled per decision (>= 1)" }];

/// Builds the policy.
pub fn make(params: &Params<'_>, _hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    Ok(Box::new(PowerOfD { d: params.count("d", 1)?, eligible: Vec::new(), smallest_pool: None }))
}

/// Least loaded of d eligible hubs sampled without replacement (all of them if fewer).
#[derive(Clone, Debug)]
pub struct PowerOfD {
    d: usize,
    eligible: Vec<u16>,
    /// The smallest capacity of each pool over all hubs, once known.
    smallest_pool: Option<[u32; 2]>,
}

impl Scheduler for PowerOfD {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let smallest = *self.smallest_pool.get_or_insert_with(|| view.smallest_pools());
        if view.all_eligible(job, smallest[job.pool.index()]) {
            // Every hub is eligible: run the same partial shuffle over the identity list,
            // keeping only the d positions it touches (the same draws, without a scan).
            let n = view.hub_count();
            let d = self.d.min(n);
            let mut moved: Vec<(usize, u16)> = Vec::with_capacity(2 * d);
            let at = |moved: &[(usize, u16)], i: usize| {
                moved.iter().rev().find(|&&(p, _)| p == i).map_or(i as u16, |&(_, h)| h)
            };
            let mut sample = Vec::with_capacity(d);
            for i in 0..d {
                let j = rng.random_range(i..n);
                let (a, b) = (at(&moved, i), at(&moved, j));
                moved.push((i, b));
                moved.push((j, a));
                sample.push(b);
            }
            return least_loaded_of(job, view, &sample);
        }
        self.eligible.clear();
        self.eligible.extend(view.eligible_hubs(job).map(|h| h as u16));
        let n = self.eligible.len();
        let d = self.d.min(n);
        // Partial Fisher-Yates: the first d entries become a uniform sample without replacement.
        for i in 0..d {
            let j = rng.random_range(i..n);
            self.eligible.swap(i, j);
        }
        least_loaded_of(job, view, &self.eligible[..d])
    }
}

/// The least loaded of `sample` (ties: the earlier in the sample).
fn least_loaded_of(job: &JobRequest, view: &View<'_>, sample: &[u16]) -> Decision {
    sample
        .iter()
        .map(|&h| (view.load(h as usize, job.pool), h))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(Decision::Reject, |(_, h)| Decision::Run(h))
}
