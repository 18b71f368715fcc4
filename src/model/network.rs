//! The wide-area network: latency and bandwidth between regions and hubs, under one of two
//! models.
//!
//! - `delay`: one-way latency = great-circle km x 5 us/km x route factor + fixed delay, with
//!   per-pair overrides; transfer time = one-way latency + bytes / bandwidth, with no contention
//!   between transfers.
//! - `flow`: a [`Topology`] of links; a pair's latency is its route's, and transfers are flows
//!   that share links max-min fairly (see [`crate::engine::flows`]). The matrices here then
//!   hold each route's latency and its uncontended rate.
//!
//! Round trip is twice the one-way latency in both models.

use crate::model::topology::{Sites, Topology, TopologyError, TopologySpec};
use crate::model::{Hub, Region};
use crate::time::{MICROSECOND, SimDuration, seconds_to_nanos};

/// Mean Earth radius in km (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Propagation in fibre, nanoseconds per km one way (about 5 us/km).
pub const FIBRE_NS_PER_KM: f64 = 5.0 * MICROSECOND as f64;

/// A fixed latency and/or bandwidth between a site (region or hub) and a hub.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkOverride {
    /// Region or hub id at one end.
    pub from: String,
    /// Hub id at the other end.
    pub to: String,
    /// One-way latency, replacing the model's.
    pub latency: Option<SimDuration>,
    /// Bandwidth in bits per second, replacing the default.
    pub bandwidth_bps: Option<f64>,
}

/// How transfers use the network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NetworkModel {
    /// Latency + bytes / bandwidth, every transfer alone on its own pipe.
    #[default]
    Delay,
    /// Flows over a topology of links, sharing them max-min fairly.
    Flow,
}

impl NetworkModel {
    /// The name used in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            NetworkModel::Delay => "delay",
            NetworkModel::Flow => "flow",
        }
    }

    /// Parses a scenario name.
    pub fn parse(text: &str) -> Option<Self> {
        [NetworkModel::Delay, NetworkModel::Flow].into_iter().find(|m| m.name() == text)
    }
}

/// Parameters of the latency and bandwidth model.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkConfig {
    /// Which model transfers follow.
    pub model: NetworkModel,
    /// Links, nodes and pinned routes (used by the flow model).
    pub topology: TopologySpec,
    /// Ratio of fibre route length to great-circle distance.
    pub route_factor: f64,
    /// Fixed equipment delay added to every one-way latency.
    pub fixed_delay: SimDuration,
    /// Default bandwidth of every pair in bits per second.
    pub bandwidth_bps: f64,
    /// Per-pair overrides.
    pub links: Vec<LinkOverride>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            model: NetworkModel::Delay,
            topology: TopologySpec { max_flow_rate_bps: f64::INFINITY, ..TopologySpec::default() },
            route_factor: 2.0,
            fixed_delay: 500 * MICROSECOND,
            bandwidth_bps: 1e12,
            links: Vec::new(),
        }
    }
}

/// Great-circle distance in km between two points given in degrees (haversine).
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

/// Latency and bandwidth between every demand region and every hub, and between hubs.
#[derive(Clone, Debug)]
pub struct Network {
    hubs: usize,
    region_hub_latency: Vec<SimDuration>,
    region_hub_bandwidth: Vec<f64>,
    hub_hub_latency: Vec<SimDuration>,
    /// Per region, every hub from the nearest to the farthest (ties by index), row by row.
    by_latency: Vec<u16>,
    /// The nearest hub to each region (the first of its row in `by_latency`).
    nearest: Vec<u16>,
    /// The highest bandwidth from each region to any hub.
    region_max_bandwidth: Vec<f64>,
    /// The links and routes, under the flow model.
    topology: Option<Topology>,
    /// Bandwidth of pairs without an override (hub to hub), bits per second.
    default_bandwidth_bps: f64,
}

impl Network {
    /// Builds the matrices. Override ids must already be validated against `regions`/`hubs`;
    /// under the flow model, fails when two sites have no route.
    pub fn build(config: &NetworkConfig, hubs: &[Hub], regions: &[Region]) -> Result<Network, TopologyError> {
        let topology = match config.model {
            NetworkModel::Delay => None,
            NetworkModel::Flow => {
                let sites = Sites {
                    regions: regions.iter().map(|r| (r.id.as_str(), r.lat, r.lon)).collect(),
                    hubs: hubs.iter().map(|h| (h.id.as_str(), h.lat, h.lon)).collect(),
                };
                Some(Topology::build(&config.topology, &sites, config.route_factor, config.fixed_delay)?)
            }
        };
        let model = |lat1, lon1, lat2, lon2| {
            let km = great_circle_km(lat1, lon1, lat2, lon2);
            seconds_to_nanos(km * FIBRE_NS_PER_KM * config.route_factor / 1e9) + config.fixed_delay
        };
        let n = hubs.len();
        let mut region_hub_latency = Vec::with_capacity(regions.len() * n);
        let mut region_hub_bandwidth = Vec::with_capacity(regions.len() * n);
        for (r, region) in regions.iter().enumerate() {
            for (h, hub) in hubs.iter().enumerate() {
                if let Some(t) = &topology {
                    let route = t.route(t.route_to_hub(r, h));
                    region_hub_latency.push(route.latency);
                    region_hub_bandwidth.push(route.uncontended_bps);
                    continue;
                }
                let mut latency = model(region.lat, region.lon, hub.lat, hub.lon);
                let mut bandwidth = config.bandwidth_bps;
                for link in config.links.iter().filter(|l| l.from == region.id && l.to == hub.id) {
                    latency = link.latency.unwrap_or(latency);
                    bandwidth = link.bandwidth_bps.unwrap_or(bandwidth);
                }
                region_hub_latency.push(latency);
                region_hub_bandwidth.push(bandwidth);
            }
        }
        // Hub-to-hub latencies are needed only when some class keeps its input at a hub.
        let hub_pairs = topology.as_ref().is_none_or(|_| config.topology.hub_sources);
        let mut hub_hub_latency = Vec::with_capacity(if hub_pairs { n * n } else { 0 });
        for (i, a) in hubs.iter().enumerate().take(if hub_pairs { n } else { 0 }) {
            for (j, b) in hubs.iter().enumerate() {
                if let Some(t) = &topology {
                    hub_hub_latency.push(t.route(t.route_to_hub(t.hub_site(i), j)).latency);
                    continue;
                }
                let mut latency = if a.id == b.id { 0 } else { model(a.lat, a.lon, b.lat, b.lon) };
                for link in
                    config.links.iter().filter(|l| (l.from == a.id && l.to == b.id) || (l.from == b.id && l.to == a.id))
                {
                    latency = link.latency.unwrap_or(latency);
                }
                hub_hub_latency.push(latency);
            }
        }
        let by_latency: Vec<u16> = (0..regions.len())
            .flat_map(|r| {
                let mut order: Vec<u16> = (0..n as u16).collect();
                order.sort_by_key(|&h| (region_hub_latency[r * n + h as usize], h));
                order
            })
            .collect();
        let region_max_bandwidth = (0..regions.len())
            .map(|r| region_hub_bandwidth[r * n..(r + 1) * n].iter().copied().fold(0.0, f64::max))
            .collect();
        let nearest = by_latency.iter().step_by(n.max(1)).copied().collect();
        Ok(Network {
            hubs: n,
            region_hub_latency,
            region_hub_bandwidth,
            hub_hub_latency,
            by_latency,
            nearest,
            region_max_bandwidth,
            topology,
            default_bandwidth_bps: config.bandwidth_bps,
        })
    }

    /// The links and routes, under the flow model (`None` under the delay model).
    #[inline]
    pub fn topology(&self) -> Option<&Topology> {
        self.topology.as_ref()
    }

    /// One-way latency from a region to a hub.
    #[inline]
    pub fn latency(&self, region: usize, hub: usize) -> SimDuration {
        self.region_hub_latency[region * self.hubs + hub]
    }

    /// Round trip from a region to a hub (twice the one-way latency).
    #[inline]
    pub fn round_trip(&self, region: usize, hub: usize) -> SimDuration {
        2 * self.latency(region, hub)
    }

    /// Bandwidth from a region to a hub in bits per second.
    #[inline]
    pub fn bandwidth_bps(&self, region: usize, hub: usize) -> f64 {
        self.region_hub_bandwidth[region * self.hubs + hub]
    }

    /// Time to move `bytes` from a region to a hub: one-way latency + bytes / bandwidth.
    #[inline]
    pub fn transfer_time(&self, region: usize, hub: usize, bytes: u64) -> SimDuration {
        let latency = self.latency(region, hub);
        if bytes == 0 {
            return latency;
        }
        latency + seconds_to_nanos(bytes as f64 * 8.0 / self.bandwidth_bps(region, hub))
    }

    /// Time to move `bytes` from hub `from` to hub `to` (delay model): one-way latency +
    /// bytes / the default bandwidth; nothing when they are the same hub.
    #[inline]
    pub fn hub_transfer_time(&self, from: usize, to: usize, bytes: u64) -> SimDuration {
        if from == to {
            return 0;
        }
        let latency = self.hub_latency(from, to);
        if bytes == 0 {
            return latency;
        }
        latency + seconds_to_nanos(bytes as f64 * 8.0 / self.default_bandwidth_bps)
    }

    /// A lower bound on the time to move `bytes` from a region to any hub, beyond the latency:
    /// bytes over the region's highest bandwidth. `latency + this <= transfer_time` for every hub.
    #[inline]
    pub fn serialisation_floor(&self, region: usize, bytes: u64) -> SimDuration {
        if bytes == 0 {
            return 0;
        }
        seconds_to_nanos(bytes as f64 * 8.0 / self.region_max_bandwidth[region])
    }

    /// One-way latency between two hubs.
    pub fn hub_latency(&self, a: usize, b: usize) -> SimDuration {
        self.hub_hub_latency[a * self.hubs + b]
    }

    /// The hub nearest to a region (ties by index): the first of [`Network::hubs_by_latency`],
    /// from a small table.
    #[inline]
    pub fn nearest_hub(&self, region: usize) -> usize {
        self.nearest[region] as usize
    }

    /// Hub indices ordered by latency from a region (ties by index).
    #[inline]
    pub fn hubs_by_latency(&self, region: usize) -> &[u16] {
        &self.by_latency[region * self.hubs..(region + 1) * self.hubs]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_a_known_distance() {
        // Beijing to Shanghai is about 1,067 km along the great circle.
        let km = great_circle_km(39.90, 116.40, 31.23, 121.47);
        assert!((km - 1067.0).abs() < 10.0, "{km}");
    }
}
