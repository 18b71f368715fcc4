//! `network-aware`: minimise estimated input transfer + queue wait + runtime + output return,
//! with both transfers estimated under contention.
//!
//! Unlike `earliest-finish`, it counts the job's output on its way back to the origin and
//! knows where the job's input lives (`input_at`), so a hub that already holds the data pays
//! no transfer. Under the flow model each transfer estimate is the route's latency + bytes /
//! the rate a new flow would get on the route now (O(route length) per hub, see
//! `FlowNetwork::share_estimate`); under the delay model they are the uncontended times. A
//! scan: O(reachable hubs x route length) per decision. Ties go to the lower latency, then the
//! lower index. Weakness: the share estimate is a snapshot; a burst of large transfers placed
//! together all see the same idle link.

use crate::rng::SimRng;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "network-aware",
    summary: "minimise contended input transfer + queue wait + runtime + output return over eligible hubs",
    params: &[],
    make: |_, _| Ok(Box::new(NetworkAware)),
};

/// Lowest estimated transfer + wait + runtime + return.
#[derive(Clone, Copy, Debug, Default)]
pub struct NetworkAware;

impl Scheduler for NetworkAware {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        view.reachable(job)
            .iter()
            .map(|&h| h as usize)
            .filter(|&h| view.eligible(job, h))
            .map(|h| (view.finish_estimate(job, h).saturating_add(view.return_time(job, h)), view.latency(job, h), h))
            .min()
            .map_or(Decision::Reject, |(_, _, h)| Decision::Run(h as u16))
    }
}
