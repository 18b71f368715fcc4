//! The world a run happens in: hubs, regions, network and workload classes, resolved.

use crate::model::{Hub, Network, NetworkConfig, Region};
use crate::workload::JobClass;

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
    /// Grid carbon intensity of non-renewable power, kgCO2 per kWh.
    pub grid_carbon_kg_per_kwh: f64,
    /// Per class x region: the largest pool among hubs within the class's round-trip limit.
    largest_reachable_pool: Vec<u32>,
}

impl World {
    /// Builds the network matrices and eligibility tables.
    pub fn build(
        hubs: Vec<Hub>,
        regions: Vec<Region>,
        network: &NetworkConfig,
        classes: Vec<JobClass>,
        grid_carbon_kg_per_kwh: f64,
    ) -> World {
        let network = Network::build(network, &hubs, &regions);
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
        World { hubs, regions, network, classes, grid_carbon_kg_per_kwh, largest_reachable_pool }
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
