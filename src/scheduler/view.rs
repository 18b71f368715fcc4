//! The read-only view a scheduler decides from, and the request it decides about.

use crate::engine::{FlowNetwork, HubState, PoolState};
use crate::model::{EnergyModel, Footprint, Forecast, Hub, Network, PoolKind};
#[cfg(doc)]
use crate::scheduler::Scheduler;
use crate::time::{SimDuration, SimTime, seconds_to_nanos};
use crate::workload::InputAt;

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
    /// How long the job's start may be deferred past its submission (the class's `slack`, or
    /// its deadline less the runtime estimate); `None`: not flexible.
    pub slack: Option<SimDuration>,
    /// `Some(checkpoint overhead)` when the job may be suspended and resumed (its class is
    /// `interruptible`); `None` when it runs in one piece.
    pub interruptible: Option<SimDuration>,
    /// Submission time.
    pub submit: SimTime,
    /// Where the job's input data lives.
    pub input: InputAt,
    /// Bytes of output to send back to the origin when the job finishes.
    pub output_bytes: u64,
}

/// A read-only view of the hubs and network at the time of a decision.
///
/// Building it costs O(1): it borrows the engine's per-hub aggregates, which the engine keeps
/// up to date incrementally.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// Current simulated time.
    now: SimTime,
    /// Static hub descriptions (capacity, price, renewable share, location).
    hubs: &'a [Hub],
    /// Dynamic per-hub, per-pool state.
    state: &'a [HubState],
    /// Latency and bandwidth between regions and hubs.
    network: &'a Network,
    /// Power per unit and grid carbon intensity.
    energy: &'a EnergyModel,
    /// Hubs whose state changed since the previous decision, for policies that keep indexes
    /// (see [`Scheduler::tracks_changes`]); `None` when unknown, meaning any hub may have changed.
    changed: Option<&'a [u16]>,
    /// Flows in progress (flow network model), for contended transfer estimates.
    flows: Option<&'a FlowNetwork>,
    /// Whether an outage has some pool below its nominal capacity now: capacities in `state`
    /// are what outages leave usable (0 for a pool that is down), so cached figures over
    /// nominal capacities (see [`View::smallest_pools`]) do not hold.
    degraded: bool,
    /// The forecast of the hubs' time-varying signals, issued now (`None` without signals).
    signals: Option<Forecast<'a>>,
}

impl<'a> View<'a> {
    /// The view at `now` of `hubs` with dynamic `state`, over `network` with `energy`; no
    /// changed-hub list, no flows, no outage, no signals (see the `with_` methods).
    #[inline]
    pub fn new(
        now: SimTime,
        hubs: &'a [Hub],
        state: &'a [HubState],
        network: &'a Network,
        energy: &'a EnergyModel,
    ) -> View<'a> {
        View { now, hubs, state, network, energy, changed: None, flows: None, degraded: false, signals: None }
    }

    /// With the hubs whose state changed since the previous decision.
    #[inline]
    pub fn with_changed(self, changed: Option<&'a [u16]>) -> View<'a> {
        View { changed, ..self }
    }

    /// With the flows in progress (flow network model).
    #[inline]
    pub fn with_flows(self, flows: Option<&'a FlowNetwork>) -> View<'a> {
        View { flows, ..self }
    }

    /// With whether an outage leaves some pool below its nominal capacity.
    #[inline]
    pub fn with_degraded(self, degraded: bool) -> View<'a> {
        View { degraded, ..self }
    }

    /// With the forecast of the hubs' signals, issued now.
    #[inline]
    pub fn with_signals(self, signals: Option<Forecast<'a>>) -> View<'a> {
        View { signals, ..self }
    }

    /// The current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The static description of every hub (capacity, PUE, price, location).
    #[inline]
    pub fn hubs(&self) -> &'a [Hub] {
        self.hubs
    }

    /// The static description of `hub`.
    #[inline]
    pub fn hub(&self, hub: usize) -> &'a Hub {
        &self.hubs[hub]
    }

    /// Latency, bandwidth and routes between regions and hubs.
    #[inline]
    pub fn network(&self) -> &'a Network {
        self.network
    }

    /// Power per unit and grid carbon intensity.
    #[inline]
    pub fn energy(&self) -> &'a EnergyModel {
        self.energy
    }

    /// The dynamic state of both pools of `hub`, by `PoolKind::index`.
    #[inline]
    pub fn pools(&self, hub: usize) -> &'a [PoolState; 2] {
        self.state[hub].pools()
    }

    /// Hubs whose state changed since the previous decision, for policies that keep indexes
    /// (see [`Scheduler::tracks_changes`]); `None` when unknown: any hub may have changed.
    #[inline]
    pub fn changed(&self) -> Option<&'a [u16]> {
        self.changed
    }

    /// Whether an outage has some pool below its nominal capacity now.
    #[inline]
    pub fn degraded(&self) -> bool {
        self.degraded
    }

    /// The forecast of the hubs' time-varying signals, issued now (`None` without signals).
    #[inline]
    pub fn signals(&self) -> Option<Forecast<'a>> {
        self.signals
    }

    /// Number of hubs.
    pub fn hub_count(&self) -> usize {
        self.hubs.len()
    }

    /// Whether `hub` can run `job` now: its pool, as far as outages leave it, is large enough
    /// (so a pool that is down is never eligible) and the round trip fits.
    #[inline]
    pub fn eligible(&self, job: &JobRequest, hub: usize) -> bool {
        // The capacity is read from the dynamic state, whose line the engine touches next.
        self.state[hub].pool(job.pool.index()).capacity() >= job.units
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
        !self.degraded && job.units <= smallest_pool && self.reachable(job).len() == self.hubs.len()
    }

    /// The smallest capacity of each pool over all hubs, by `PoolKind::index`. O(hubs):
    /// capacities are fixed for a run, so policies compute it once.
    pub fn smallest_pools(&self) -> [u32; 2] {
        PoolKind::ALL.map(|pool| self.state.iter().map(|s| s.pool(pool.index()).capacity()).min().unwrap_or(0))
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

    /// Units of `pool` at `hub` usable now (its capacity less what outages take away).
    #[inline]
    pub fn available_units(&self, hub: usize, pool: PoolKind) -> u32 {
        self.state[hub].pool(pool.index()).capacity()
    }

    /// Whether an outage has `pool` at `hub` down (no unit usable, though it has some).
    #[inline]
    pub fn is_down(&self, hub: usize, pool: PoolKind) -> bool {
        self.available_units(hub, pool) == 0 && self.hubs[hub].capacity(pool) > 0
    }

    /// Units of `pool` not allocated at `hub`.
    #[inline]
    pub fn free_units(&self, hub: usize, pool: PoolKind) -> u32 {
        self.state[hub].pool(pool.index()).free()
    }

    /// (busy + queued units) / capacity of `pool` at `hub`; infinite for a zero-capacity pool.
    #[inline]
    pub fn load(&self, hub: usize, pool: PoolKind) -> f64 {
        self.state[hub].pool(pool.index()).load()
    }

    /// One-way latency from the job's origin to `hub`.
    #[inline]
    pub fn latency(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.network.latency(job.origin as usize, hub)
    }

    /// Estimated wait before `job` could start at `hub`. O(1): see [`PoolState::wait_estimate`].
    #[inline]
    pub fn wait_estimate(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.state[hub].pool(job.pool.index()).wait_estimate(self.now, job.units)
    }

    /// Time to move the job's input to `hub`: latency + bytes / bandwidth under the delay
    /// model; under the flow model the route's latency + bytes / the rate a new flow would get
    /// now (see [`FlowNetwork::share_estimate`]). Zero when the input already sits at `hub`.
    /// O(route length).
    #[inline]
    pub fn transfer_time(&self, job: &JobRequest, hub: usize) -> SimDuration {
        let source = match job.input {
            InputAt::Origin => Ok(job.origin as usize),
            InputAt::Region(r) => Ok(r as usize),
            InputAt::Hub(h) if h as usize == hub => return 0,
            InputAt::Hub(h) => Err(h as usize),
        };
        match (self.network.topology(), self.flows) {
            (Some(topology), Some(flows)) => {
                let site = source.unwrap_or_else(|h| topology.hub_site(h));
                let route = topology.route_to_hub(site, hub);
                estimate(topology.route(route).latency, job.data_bytes, || flows.share_estimate(route))
            }
            _ => match source {
                Ok(region) => self.network.transfer_time(region, hub, job.data_bytes),
                Err(from) => self.network.hub_transfer_time(from, hub, job.data_bytes),
            },
        }
    }

    /// Time to send the job's output from `hub` back to its origin, estimated like
    /// [`View::transfer_time`]. O(route length).
    #[inline]
    pub fn return_time(&self, job: &JobRequest, hub: usize) -> SimDuration {
        if job.output_bytes == 0 {
            return 0;
        }
        match (self.network.topology(), self.flows) {
            (Some(topology), Some(flows)) => {
                let route = topology.route_to_region(hub, job.origin as usize);
                estimate(topology.route(route).latency, job.output_bytes, || flows.share_estimate(route))
            }
            _ => self.network.transfer_time(job.origin as usize, hub, job.output_bytes),
        }
    }

    /// What carrying the job's input to `hub` and its output back costs on priced links, CNY
    /// (zero under the delay model).
    #[inline]
    pub fn transfer_cost(&self, job: &JobRequest, hub: usize) -> f64 {
        let Some(topology) = self.network.topology() else { return 0.0 };
        let input = match job.input {
            InputAt::Origin => Some(job.origin as usize),
            InputAt::Region(r) => Some(r as usize),
            InputAt::Hub(h) if h as usize == hub => None,
            InputAt::Hub(h) => Some(topology.hub_site(h as usize)),
        };
        let input = input
            .map_or(0.0, |site| topology.route(topology.route_to_hub(site, hub)).price_per_gb * job.data_bytes as f64);
        let output =
            topology.route(topology.route_to_region(hub, job.origin as usize)).price_per_gb * job.output_bytes as f64;
        (input + output) / 1e9
    }

    /// Estimated completion time from now: transfer + wait + runtime estimate.
    #[inline]
    pub fn finish_estimate(&self, job: &JobRequest, hub: usize) -> SimDuration {
        self.transfer_time(job, hub).saturating_add(self.wait_estimate(job, hub)).saturating_add(job.runtime_estimate)
    }

    /// Energy, cost and carbon of running `job` (by its runtime estimate) at `hub`, with the
    /// cost of moving its data over priced links.
    #[inline]
    pub fn footprint(&self, job: &JobRequest, hub: usize) -> Footprint {
        let mut footprint = self.energy.footprint(&self.hubs[hub], job.pool, job.units, job.runtime_estimate);
        footprint.add_transfer_cost(self.transfer_cost(job, hub));
        footprint
    }
}

/// latency + bytes / rate, with the rate (bytes per ns) asked for only when bytes move.
#[inline]
fn estimate(latency: SimDuration, bytes: u64, rate: impl FnOnce() -> f64) -> SimDuration {
    if bytes == 0 {
        return latency;
    }
    latency.saturating_add(seconds_to_nanos(bytes as f64 / rate() / 1e9))
}
