//! `earliest-finish`: minimise estimated transfer + queue wait + runtime over eligible hubs.
//!
//! The wait estimate is O(1) per hub from aggregates the engine keeps (see
//! `PoolState::wait_estimate`): zero if the queue is empty and the units are free, else the
//! remaining work of running jobs plus all queued work (by runtime estimates) divided by the
//! pool's capacity. The runtime term uses the submitter's estimate, the same at every hub, so
//! it only matters when hubs differ (it is kept so the figure is a finish time). Weakness: the
//! fluid wait estimate ignores fragmentation and trusts runtime estimates; it happily moves a
//! job's data across the country to save a little wait.

use crate::rng::SimRng;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// Lowest estimated finish time; ties go to the lower latency, then the lower index.
#[derive(Clone, Copy, Debug, Default)]
pub struct EarliestFinish;

impl Scheduler for EarliestFinish {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        earliest_finish_among(job, view, view.eligible_hubs(job)).map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }
}

/// The hub of `hubs` with the earliest estimated finish (ties: lower latency, then index).
pub fn earliest_finish_among(job: &JobRequest, view: &View<'_>, hubs: impl Iterator<Item = usize>) -> Option<usize> {
    hubs.map(|h| (view.finish_estimate(job, h), view.latency(job, h), h)).min().map(|(_, _, h)| h)
}
