//! `earliest-finish`: minimise estimated transfer + queue wait + runtime over eligible hubs.
//!
//! Under the flow model the transfer estimate is contended: the route's latency + bytes / the
//! rate a new flow would get now (see `View::transfer_time`).
//!
//! The wait estimate is O(1) per hub from aggregates the engine keeps (see
//! `PoolState::wait_estimate`): zero if the queue is empty and the units are free, else the
//! remaining work of running jobs plus all queued work (by runtime estimates) divided by the
//! pool's capacity. The runtime term uses the submitter's estimate, the same at every hub, so
//! it only matters when hubs differ (it is kept so the figure is a finish time). Ties go to the
//! lower latency, then the lower index. Weakness: the fluid wait estimate ignores fragmentation
//! and trusts runtime estimates; it happily moves a job's data across the country to save a
//! little wait.
//!
//! Cost: the policy keeps a min-tree of every pool's drain time (a lower bound on its wait,
//! see [`IndexKey::Drain`]), updated only for hubs that changed. A decision runs the threshold
//! algorithm over two sorted streams, hubs by latency (transfer >= latency + bytes / the fastest link) and hubs by drain
//! time (wait >= drain - now), and stops as soon as the best finish found beats what
//! the two streams can still offer together. Nearby idle hubs or one clearly less loaded region end
//! it after a few steps; worlds with few reachable hubs are scanned.

use crate::rng::SimRng;
use crate::scheduler::index::{self, IndexKey, PoolIndex, Scratch};
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::SimDuration;
use crate::workload::InputAt;

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "earliest-finish",
    summary: "minimise estimated transfer + queue wait + runtime over eligible hubs",
    params: &[],
    make: |_, _| Ok(Box::new(EarliestFinish::default())),
};

/// Lowest estimated transfer + wait + runtime.
#[derive(Clone, Debug)]
pub struct EarliestFinish {
    drains: PoolIndex,
    scratch: Scratch,
}

impl Default for EarliestFinish {
    fn default() -> Self {
        EarliestFinish { drains: PoolIndex::new(IndexKey::Drain), scratch: Scratch::default() }
    }
}

impl Scheduler for EarliestFinish {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        self.drains.sync(view);
        let reachable = view.reachable(job);
        // The indexed search bounds transfers by the origin's links: jobs whose input lives
        // elsewhere are scanned.
        let pick = if reachable.len() <= index::SCAN_AT_MOST || job.input != InputAt::Origin {
            earliest_finish_among(job, view, reachable.iter().map(|&h| h as usize))
        } else {
            self.indexed(job, view, reachable)
        };
        pick.map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }

    fn tracks_changes(&self) -> bool {
        true
    }
}

impl EarliestFinish {
    /// The threshold algorithm over `reachable` (by latency) and the drain tree.
    fn indexed(&mut self, job: &JobRequest, view: &View<'_>, reachable: &[u16]) -> Option<usize> {
        let mut best: Option<(SimDuration, SimDuration, usize)> = None;
        let consider = |best: &mut Option<(SimDuration, SimDuration, usize)>, h: usize| {
            if view.eligible(job, h) {
                let key = (view.finish_estimate(job, h), view.latency(job, h), h);
                if best.is_none_or(|b| key < b) {
                    *best = Some(key);
                }
            }
        };
        let mut by_latency = reachable.iter().map(|&h| h as usize).peekable();
        let mut by_drain = self.drains.tree(job.pool).ascending(&mut self.scratch.heap);
        let floor = view
            .network()
            .serialisation_floor(job.origin as usize, job.data_bytes)
            .saturating_add(job.runtime_estimate);
        while let Some(near) = by_latency.next() {
            consider(&mut best, near);
            let Some((drain, h)) = by_drain.next() else { break };
            consider(&mut best, h);
            // A hub neither stream has reached is no nearer than the next by latency (transfer >=
            // latency + bytes / the fastest link) and drains no sooner than this one (wait >=
            // drain - now).
            let Some(&next_near) = by_latency.peek() else { break };
            let unseen =
                view.latency(job, next_near).saturating_add(drain.saturating_sub(view.now())).saturating_add(floor);
            if best.is_some_and(|(finish, _, _)| finish < unseen) {
                break;
            }
        }
        best.map(|(_, _, h)| h)
    }
}

/// The eligible hub among `hubs` with the earliest estimated finish (ties: lower latency,
/// lower index), by a scan.
pub fn earliest_finish_among(job: &JobRequest, view: &View<'_>, hubs: impl Iterator<Item = usize>) -> Option<usize> {
    hubs.filter(|&h| view.eligible(job, h))
        .map(|h| (view.finish_estimate(job, h), view.latency(job, h), h))
        .min()
        .map(|(_, _, h)| h)
}
