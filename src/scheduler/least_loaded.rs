//! `least-loaded`: the eligible hub whose pool is least loaded relative to its size.
//!
//! Load = (busy units + queued units) / capacity of the job's pool. Ties go to the lower
//! latency, then the lower index. Weakness: ignores latency and data movement, so it happily
//! ships terabytes across the country to save a few percent of load.
//!
//! Cost: the policy keeps a min-tree of every pool's load, updated only for hubs that changed
//! (O(log hubs) each). The least load sits at the root; a decision finds the nearest eligible
//! hub at that load by racing a latency-ordered scan against a walk over the hubs tied at it
//! (see [`index::nearest_accepted`]): O(log hubs) when loads differ, about O(sqrt(hubs)) when
//! many hubs tie. When no eligible hub holds the least load (round-trip limits, small pools),
//! it climbs the loads in ascending order to the first eligible one. Worlds with few reachable
//! hubs are scanned.

use crate::rng::SimRng;
use crate::scheduler::index::{self, IndexKey, PoolIndex, Scratch};
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "least-loaded",
    summary: "lowest (busy + queued units) / capacity of the job's pool (ties: lower latency)",
    params: &[],
    make: |_, _| Ok(Box::new(LeastLoaded::default())),
};

/// Lowest (busy + queued) / capacity of the job's pool.
#[derive(Clone, Debug)]
pub struct LeastLoaded {
    loads: PoolIndex,
    scratch: Scratch,
}

impl Default for LeastLoaded {
    fn default() -> Self {
        LeastLoaded { loads: PoolIndex::new(IndexKey::Load), scratch: Scratch::default() }
    }
}

impl Scheduler for LeastLoaded {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        self.loads.sync(view);
        let reachable = view.reachable(job);
        let pick = if reachable.len() <= index::SCAN_AT_MOST {
            least_loaded_among(job, view, reachable.iter().map(|&h| h as usize))
        } else {
            let tree = self.loads.tree(job.pool);
            let accept = |least: u64| move |h: usize| tree.key(h) == least && view.eligible(job, h);
            // Usually an eligible hub holds the least load of all: walk the hubs tied at it.
            let least = tree.min();
            let tied = tree.in_order_at_most(least, 0, tree.len(), &mut self.scratch.stack);
            index::nearest_accepted(job, view, reachable, tied, accept(least)).or_else(|| {
                // Otherwise climb the loads to the first eligible hub, then take its ties.
                let mut ascending = tree.ascending(&mut self.scratch.heap);
                let (least, first) = ascending.find(|&(_, h)| view.eligible(job, h))?;
                let tied =
                    std::iter::once(first).chain(ascending.take_while(|&(load, _)| load == least).map(|(_, h)| h));
                index::nearest_accepted(job, view, reachable, tied, accept(least))
            })
        };
        pick.map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }

    fn tracks_changes(&self) -> bool {
        true
    }
}

/// The least-loaded eligible hub among `hubs` by a scan (ties: lower latency, lower index).
pub fn least_loaded_among(job: &JobRequest, view: &View<'_>, hubs: impl Iterator<Item = usize>) -> Option<usize> {
    hubs.filter(|&h| view.eligible(job, h))
        .map(|h| (view.load(h, job.pool), view.latency(job, h), h))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
        .map(|(_, _, h)| h)
}
