//! Placement that minimises a per-job cost among hubs whose estimated wait is within a bound:
//! the shared rule of `cheapest-energy` and `lowest-carbon`.
//!
//! A job's cost at a hub is a job factor (units x power per unit x hours) times the hub's
//! coefficient (PUE x price for cost, PUE x (1 - renewable share) for carbon), so hubs rank
//! the same for every job: the policy compares coefficients.
//!
//! Cost: the policy keeps a min-tree of every pool's drain time (see [`IndexKey::Drain`]) with
//! the hubs as leaves in ascending coefficient order. The cheapest hub within the wait bound
//! is the leftmost leaf whose drain time is within `now + max_wait` and whose exact estimate
//! agrees, found by a walk that skips whole subtrees: O(log hubs) per candidate. The nearest
//! of the hubs tied at that coefficient comes from racing a latency-ordered scan against the
//! tied hubs (see [`index::nearest_accepted`]). When no hub is within the bound, hubs are
//! taken in ascending drain time until no later one can wait less. Worlds with few reachable
//! hubs are scanned.

use crate::scheduler::index::{self, IndexKey, PoolIndex, Scratch};
use crate::scheduler::{JobRequest, View};
use crate::time::SimDuration;

/// The cheapest-within-a-wait-bound rule over per-hub coefficients.
#[derive(Clone, Debug)]
pub struct CostBound {
    max_wait: SimDuration,
    coefficient: Vec<f64>,
    /// For each leaf (hubs by ascending coefficient), the end of its run of equal coefficients.
    group_end: Vec<u32>,
    drains: PoolIndex,
    scratch: Scratch,
    /// Whether the cost includes moving data over priced links (`cheapest-energy`).
    counts_transfer: bool,
}

impl CostBound {
    /// The rule with `coefficient[h]` the cost of a unit of work at hub `h`.
    pub fn new(max_wait: SimDuration, coefficient: Vec<f64>) -> Self {
        let mut order: Vec<u16> = (0..coefficient.len() as u16).collect();
        order.sort_by(|&a, &b| coefficient[a as usize].total_cmp(&coefficient[b as usize]).then(a.cmp(&b)));
        let mut group_end = vec![0; order.len()];
        let mut end = order.len();
        for leaf in (0..order.len()).rev() {
            if leaf + 1 < order.len()
                && coefficient[order[leaf] as usize].total_cmp(&coefficient[order[leaf + 1] as usize]).is_ne()
            {
                end = leaf + 1;
            }
            group_end[leaf] = end as u32;
        }
        CostBound {
            max_wait,
            coefficient,
            group_end,
            drains: PoolIndex::with_order(IndexKey::Drain, order),
            scratch: Scratch::default(),
            counts_transfer: false,
        }
    }

    /// The same rule, with the bill for carrying the job's data over priced links added to
    /// each hub's cost. Hubs no longer rank the same for every job, so a job that moves data
    /// over a priced network is decided by a scan.
    pub fn counting_transfer(mut self) -> Self {
        self.counts_transfer = true;
        self
    }

    /// The eligible hub with the lowest coefficient among those whose estimated wait is at most
    /// `max_wait`; when none is within the bound, the one with the shortest estimated wait.
    /// Ties go to the lower latency, then the lower index.
    pub fn decide(&mut self, job: &JobRequest, view: &View<'_>) -> Option<usize> {
        self.drains.sync(view);
        let reachable = view.reachable(job);
        let priced = self.counts_transfer
            && (job.data_bytes > 0 || job.output_bytes > 0)
            && view.network().topology().is_some_and(|t| t.has_prices());
        if priced {
            return scan_by(job, view, reachable, self.max_wait, |h| view.footprint(job, h).cost_cny);
        }
        if reachable.len() <= index::SCAN_AT_MOST {
            return self.scan(job, view, reachable);
        }
        let within = |h: usize| view.eligible(job, h) && view.wait_estimate(job, h) <= self.max_wait;
        let tree = self.drains.tree(job.pool);
        let bound = view.now().saturating_add(self.max_wait);
        let first = tree.in_order_at_most(bound, 0, tree.len(), &mut self.scratch.stack).find(|&h| within(h));
        if let Some(first) = first {
            let leaf = tree.leaf(first);
            let cheapest = self.coefficient[first];
            let end = self.group_end[leaf] as usize;
            let tied =
                std::iter::once(first).chain(tree.in_order_at_most(bound, leaf + 1, end, &mut self.scratch.stack));
            return index::nearest_accepted(job, view, reachable, tied, |h| {
                self.coefficient[h].total_cmp(&cheapest).is_eq() && within(h)
            });
        }
        let mut shortest: Option<(SimDuration, SimDuration, usize)> = None;
        for (drain, h) in tree.ascending(&mut self.scratch.heap) {
            if shortest.is_some_and(|(wait, _, _)| wait < drain.saturating_sub(view.now())) {
                break;
            }
            if view.eligible(job, h) {
                let key = (view.wait_estimate(job, h), view.latency(job, h), h);
                if shortest.is_none_or(|best| key < best) {
                    shortest = Some(key);
                }
            }
        }
        shortest.map(|(_, _, h)| h)
    }

    /// The same rule by a scan of `hubs`.
    fn scan(&self, job: &JobRequest, view: &View<'_>, hubs: &[u16]) -> Option<usize> {
        scan_by(job, view, hubs, self.max_wait, |h| self.coefficient[h])
    }
}

/// The eligible hub among `hubs` with the lowest `cost` among those whose estimated wait is at
/// most `max_wait`, else the one with the shortest estimated wait; ties: latency, index.
fn scan_by(
    job: &JobRequest,
    view: &View<'_>,
    hubs: &[u16],
    max_wait: SimDuration,
    cost: impl Fn(usize) -> f64,
) -> Option<usize> {
    let eligible = || hubs.iter().map(|&h| h as usize).filter(|&h| view.eligible(job, h));
    let within = eligible()
        .filter(|&h| view.wait_estimate(job, h) <= max_wait)
        .map(|h| (cost(h), view.latency(job, h), h))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    within
        .map(|(_, _, h)| h)
        .or_else(|| eligible().map(|h| (view.wait_estimate(job, h), view.latency(job, h), h)).min().map(|(_, _, h)| h))
}
