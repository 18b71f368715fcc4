//! The read-only view a scheduler decides from, and the request it decides about.

use crate::engine::HubState;
#[cfg(doc)]
use crate::engine::PoolState;
use crate::model::{EnergyModel, Footprint, Hub, Network, PoolKind};
#[cfg(doc)]
use crate::scheduler::Scheduler;
use crate::time::{SimDuration, SimTime};

/// What a scheduler knows about a job: what it asks for, not how long it will really run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobRequest {
    /// Workload class index.
    pub class: u16,
    /// Origin region index.
    pub origin: u16,
    /// Pool the job needs.
    pub pool: PoolKind,
    /// Units it needs for its whole runtime.
    pub units: u32,
    /// Bytes to move to the hub.
    pub data_bytes: u64,
    /// Largest allowed round trip from the origin, if any.
    pub max_round_trip: Option<SimDuration>,
    /// The runtime the submitter declared: the true runtime x the scenario's estimate factor.
    pub runtime_estimate: SimDuration,
    /// Submission time.
    pub submit: SimTime,
}

/// A read-only view of the hubs and network at the time of a decision.
///
/// Building it costs O(1): it borrows the engine's per-hub aggregates, which the engine keeps
/// up to date incrementally.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// Current simulated time.
    pub now: SimTime,
    /// Static hub descriptions (capacity, price, renewable share, location).
    pub hubs: &'a [Hub],
    /// Dynamic per-hub, per-pool state.
    pub state: &'a [HubState],
    /// Latency and bandwidth between regions and hubs.
    pub network: &'a Network,
    /// Power per unit and grid carbon intensity.
    pub energy: &'a EnergyModel,
    /// Hubs whose state changed since the previous decision, for policies that keep indexes
    /// (see [`Scheduler::tracks_changes`]); `None` when unknown, meaning any hub may have changed.
    pub changed: Option<&'a [u16]>,
}

impl<'a> View<'a> {
    /// Number of hubs.
    pub fn hub_count(&self) -> usize {
        self.hubs.len()
    }

    /// Whether `hub` can ever run `job`: its pool is large enough and the round trip fits.
    #[inline]
    pub fn eligible(&self, job: &JobRequest, hub: usize) -> bool {
        // The capacity is read from the dynamic state, whose line the engine touches next.
        self.state[hub].pools[job.pool.index()].capacity >= job.units
            && job.max_round_trip.is_none_or(|limit| self.network.round_trip(job.origin as usize, hub) <= limit)
    }

    /// Hubs within the job's round-trip limit (all hubs without one), nearest first (ties by
    /// index). O(log hubs): a prefix of the origin's latency order.
    #[inline]
    pub fn reachable(&self, job: &JobRequest) -> &'a [u16] {
        let order = self.network.hubs_by_latency(job.origin as usize);
        match job.max_round_trip {
            None => order,
            Some(limit) => {
                let n = order.partition_point(|&h| self.network.round_trip(job.origin as usize, h as usize) <= limit);
                &order[..n]
            }
        }
    }

    /// Whether every hub is eligible for `job`: no round-trip limit keeps any hub out and
    /// `smallest_pool` (the smallest capacity of the job's pool over all hubs, which the
    /// caller keeps) fits it. O(log hubs).
    #[inline]
    pub fn all_eligible(&self, job: &JobRequest, smallest_pool: u32) -> bool {
        job.units <= smallest_pool && self.reachable(job).len() == self.hubs.len()
    }

    /// The smallest capacity of each pool over all hubs, by `PoolKind::index`. O(hubs):
    /// capacities are fixed for a run, so policies compute it once.
    pub fn smallest_pools(&self) -> [u32; 2] {
        PoolKind::ALL.map(|pool| self.state.iter().map(|s| s.pools[pool.index()].capacity).min().unwrap_or(0))
    }

    /// Eligible hubs in index order.
    pub fn eligible_hubs<'v>(&'v self, job: &'v JobRequest) -> impl Iterator<Item = usize> + 'v {
        (0..self.hubs.len()).filter(move |&h| self.eligible(job, h))
    }

    /// Eligible hubs from the nearest to the farthest (ties by index).
    pub fn eligible_by_latency<'v>(&'v self, job: &'v JobRequest) -> impl Iterator<Item = usize> + 'v {
        self.network
            .hubs_by_latency(job.origin as usize)
            .iter()
            .map(|&h| h as usize)
            .filter(move |&h| self.eligible(job, h))
    }

    /// Units of `pool` not allocated at `hub`.
    #[inline]
    pub fn free_units(&self, hub: usize, pool: PoolKind) -> u32 {
        let p = &self.state[hub].pools[pool.index()];
        p.capacity - p.busy
    }

    /// (busy + queued units) / capacity of `pool` at `hub`; infinite for a zero-capacity pool.
    #[inline]
    pub fn load(&self, hub: usize, pool: PoolKind) -> f64 {
        self.state[hub].pools[pool.index()].load()
    }

    /// One-way latency from the job's origin to `hub`.
    #[inline]
    pub fn latency(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.network.latency(job.origin as usize, hub)
    }

    /// Estimated wait before `job` could start at `hub`. O(1): see [`PoolState::wait_estimate`].
    #[inline]
    pub fn wait_estimate(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.state[hub].pools[job.pool.index()].wait_estimate(self.now, job.units)
    }

    /// Time to move the job's data to `hub` (latency + bytes / bandwidth).
    #[inline]
    pub fn transfer_time(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.network.transfer_time(job.origin as usize, hub, job.data_bytes)
    }

    /// Estimated completion time from now: transfer + wait + runtime estimate.
    #[inline]
    pub fn finish_estimate(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.transfer_time(job, hub).saturating_add(self.wait_estimate(job, hub)).saturating_add(job.runtime_estimate)
    }

    /// Energy, cost and carbon of running `job` (by its runtime estimate) at `hub`.
    #[inline]
    pub fn footprint(&self, job: &JobRequest, hub: usize) -> Footprint {
        self.energy.footprint(&self.hubs[hub], job.pool, job.units, job.runtime_estimate)
    }
}
