//! The world a run happens in: hubs, regions, network and workload classes, resolved.

use crate::model::topology::TopologyError;
use crate::model::{EnergyModel, Faults, Hub, Network, NetworkConfig, Region, Signals, Tariff};
use crate::time::SimDuration;
use crate::workload::JobClass;

/// How a hub pool picks the next jobs to start from its queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueDiscipline {
    /// First come, first served: the head job blocks the ones behind it.
    #[default]
    Fifo,
    /// EASY backfilling: the head job gets a reservation at the earliest time enough units
    /// free up (by runtime estimates); later jobs may start now only if they do not delay it.
    EasyBackfill,
}

impl QueueDiscipline {
    /// The name used in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            QueueDiscipline::Fifo => "fifo",
            QueueDiscipline::EasyBackfill => "easy-backfill",
        }
    }

    /// Parses a scenario name.
    pub fn parse(text: &str) -> Option<Self> {
        [QueueDiscipline::Fifo, QueueDiscipline::EasyBackfill].into_iter().find(|d| d.name() == text)
    }
}

/// Everything static about a run, built once from a validated scenario.
#[derive(Clone, Debug)]
pub struct World {
    /// Hubs, in scenario order (their index is their id in the engine).
    pub hubs: Vec<Hub>,
    /// Demand regions, in scenario order.
    pub regions: Vec<Region>,
    /// Latency and bandwidth matrices.
    pub network: Network,
    /// Workload classes, in scenario order.
    pub classes: Vec<JobClass>,
    /// Power per unit and grid carbon intensity.
    pub energy: EnergyModel,
    /// How each hub pool orders its queue.
    pub discipline: QueueDiscipline,
    /// Runtime estimates (seen by schedulers and backfilling) = true runtime x this factor.
    pub runtime_estimate_factor: f64,
    /// Per class x region: the largest pool among hubs within the class's round-trip limit.
    largest_reachable_pool: Vec<u32>,
    /// Per hub, what its energy figures depend on (compact, for the engine's per-job use).
    pub tariffs: Vec<Tariff>,
    /// Outage processes (none by default).
    pub faults: Faults,
    /// Time-varying price and carbon per hub (`None`: the hubs' constant price and the
    /// energy model's grid intensity, as without a `[signals]` section).
    pub signals: Option<Signals>,
}

impl World {
    /// Builds the network matrices and eligibility tables.
    pub fn build(
        hubs: Vec<Hub>,
        regions: Vec<Region>,
        network: &NetworkConfig,
        classes: Vec<JobClass>,
        energy: EnergyModel,
    ) -> Result<World, TopologyError> {
        let network = Network::build(network, &hubs, &regions)?;
        let mut largest_reachable_pool = Vec::with_capacity(classes.len() * regions.len());
        for class in &classes {
            for r in 0..regions.len() {
                let largest = (0..hubs.len())
                    .filter(|&h| class.max_round_trip.is_none_or(|limit| network.round_trip(r, h) <= limit))
                    .map(|h| hubs[h].capacity(class.pool))
                    .max()
                    .unwrap_or(0);
                largest_reachable_pool.push(largest);
            }
        }
        Ok(World {
            tariffs: hubs.iter().map(Tariff::of).collect(),
            hubs,
            regions,
            network,
            classes,
            energy,
            discipline: QueueDiscipline::Fifo,
            runtime_estimate_factor: 1.0,
            largest_reachable_pool,
            faults: Faults::default(),
            signals: None,
        })
    }

    /// The runtime a submitter declares for a job whose true runtime is `runtime`: the runtime
    /// x the estimate factor, rounded, at least 1 ns (equal to the runtime at factor 1).
    #[inline]
    pub fn runtime_estimate(&self, runtime: SimDuration) -> SimDuration {
        if self.runtime_estimate_factor == 1.0 {
            // Exact without the float round trip (runtimes are at least 1 ns).
            return runtime.max(1);
        }
        ((runtime as f64 * self.runtime_estimate_factor + 0.5) as u64).max(1)
    }

    /// The largest pool a job of `class` from `region` can reach (0: none within its limit).
    #[inline]
    pub fn largest_reachable_pool(&self, class: usize, region: usize) -> u32 {
        self.largest_reachable_pool[class * self.regions.len() + region]
    }

    /// Total capacity of all hubs in units (PFLOPS).
    pub fn total_capacity(&self) -> u64 {
        self.hubs.iter().map(Hub::total_capacity).sum()
    }
}
