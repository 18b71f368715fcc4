//! The backbone as a graph: sites (demand regions, hubs, backbone nodes) joined by full-duplex
//! links, and the route between every pair of sites the engine moves data between.
//!
//! Sites are numbered regions first, then hubs, then backbone nodes. Every declared link
//! becomes two directed links, `2 i` (from -> to) and `2 i + 1` (to -> from), each with the
//! link's full capacity. Routes are shortest paths by latency, computed once at build time by
//! Dijkstra's algorithm with a deterministic tie rule: the lower latency, then fewer hops, then
//! the lower predecessor site index. A scenario may pin a route; a pinned route holds in both
//! directions. A route's latency is the sum of its links' latencies plus the network's fixed
//! equipment delay, counted once per route.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::network::great_circle_km;
use crate::time::{SimDuration, seconds_to_nanos};

/// A backbone node that is neither a region nor a hub (an exchange point, a switching site).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Identifier used by links.
    pub id: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

/// A full-duplex link as a scenario declares it, ends resolved to site indices.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkSpec {
    /// Identifier in reports (`from--to` unless given).
    pub id: String,
    /// Site index of one end.
    pub from: usize,
    /// Site index of the other end.
    pub to: usize,
    /// Capacity per direction, bits per second.
    pub capacity_bps: f64,
    /// One-way latency; `None`: from geography (km x 5 us/km x route factor).
    pub latency: Option<SimDuration>,
    /// Share of the capacity used by traffic other than the simulated jobs, in [0, 1).
    pub background: f64,
    /// Price of carrying one GB (10^9 bytes) over the link, CNY.
    pub price_per_gb: f64,
}

/// A route pinned by the scenario: the sites it passes, both ends included.
#[derive(Clone, Debug, PartialEq)]
pub struct PinnedRoute {
    /// Site indices from the source to the destination.
    pub sites: Vec<usize>,
}

/// One direction of a link.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectedLink {
    /// Index of the declared link.
    pub link: usize,
    /// Site the data leaves.
    pub from: usize,
    /// Site the data reaches.
    pub to: usize,
    /// Capacity, bits per second.
    pub capacity_bps: f64,
    /// Capacity left to the simulated jobs after background traffic, bits per second.
    pub available_bps: f64,
    /// Share of the capacity used by background traffic.
    pub background: f64,
    /// One-way latency.
    pub latency: SimDuration,
    /// CNY per GB carried.
    pub price_per_gb: f64,
}

/// A path of directed links between two sites.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    start: u32,
    len: u32,
    /// Propagation latency: the links' latencies plus the fixed delay (0 for an empty route).
    pub latency: SimDuration,
    /// The rate one flow alone would get: the smallest available capacity on the route,
    /// capped by the per-flow limit, bits per second (infinite for an empty route).
    pub uncontended_bps: f64,
    /// CNY per GB carried end to end (the sum over the links).
    pub price_per_gb: f64,
}

/// What the topology is built from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopologySpec {
    /// Backbone nodes beyond regions and hubs.
    pub nodes: Vec<Node>,
    /// Links between sites.
    pub links: Vec<LinkSpec>,
    /// Pinned routes.
    pub pinned: Vec<PinnedRoute>,
    /// One flow's largest rate (bits per second; infinite: no limit).
    pub max_flow_rate_bps: f64,
    /// Whether routes from hubs to hubs are needed (some class keeps its input at a hub).
    pub hub_sources: bool,
}

/// Why a topology cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TopologyError {
    /// No path joins two sites the engine needs to move data between.
    NoRoute {
        /// Site the data would leave.
        from: String,
        /// Site it would reach.
        to: String,
    },
    /// A pinned route names two consecutive sites no link joins.
    MissingLink {
        /// Index of the pinned route.
        route: usize,
        /// One end.
        from: String,
        /// The other end.
        to: String,
    },
}

impl std::fmt::Display for TopologyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TopologyError::NoRoute { from, to } => {
                write!(f, "no route from {from:?} to {to:?}: add links that join them")
            }
            TopologyError::MissingLink { from, to, .. } => {
                write!(f, "the pinned route goes from {from:?} to {to:?}, but no link joins them")
            }
        }
    }
}

/// Sites, directed links and routes.
#[derive(Clone, Debug)]
pub struct Topology {
    regions: usize,
    hubs: usize,
    /// Site names: region ids, hub ids, node ids.
    pub site_names: Vec<String>,
    /// Declared link ids, by declared index.
    pub link_ids: Vec<String>,
    /// Directed links: `2 i` from -> to and `2 i + 1` to -> from of declared link `i`.
    pub links: Vec<DirectedLink>,
    route_links: Vec<u32>,
    routes: Vec<Route>,
    /// Route index per (source site, hub): regions and hubs as sources.
    to_hub: Vec<u32>,
    /// Route index per (hub, region).
    to_region: Vec<u32>,
    /// One flow's largest rate, bits per second.
    pub max_flow_rate_bps: f64,
    has_prices: bool,
    /// The network's fixed equipment delay, counted once per route.
    fixed_delay: SimDuration,
}

/// Sites and coordinates a topology is built over.
pub struct Sites<'a> {
    /// Region ids and (lat, lon).
    pub regions: Vec<(&'a str, f64, f64)>,
    /// Hub ids and (lat, lon).
    pub hubs: Vec<(&'a str, f64, f64)>,
}

/// A pinned path's (source, destination) and its directed links.
type PinnedPath = ((usize, usize), Vec<u32>);

/// Both directions of every link; a link without a latency gets the great-circle one.
fn directed_links(spec: &TopologySpec, coords: &[(f64, f64)], route_factor: f64) -> Vec<DirectedLink> {
    let mut links = Vec::with_capacity(2 * spec.links.len());
    for (i, l) in spec.links.iter().enumerate() {
        let latency = l.latency.unwrap_or_else(|| {
            let ((a_lat, a_lon), (b_lat, b_lon)) = (coords[l.from], coords[l.to]);
            let km = great_circle_km(a_lat, a_lon, b_lat, b_lon);
            seconds_to_nanos(km * crate::model::network::FIBRE_NS_PER_KM * route_factor / 1e9)
        });
        for (from, to) in [(l.from, l.to), (l.to, l.from)] {
            links.push(DirectedLink {
                link: i,
                from,
                to,
                capacity_bps: l.capacity_bps,
                available_bps: l.capacity_bps * (1.0 - l.background),
                background: l.background,
                latency,
                price_per_gb: l.price_per_gb,
            });
        }
    }
    links
}

impl Topology {
    /// Builds directed links and every region <-> hub and hub -> hub route.
    /// `route_factor` and `fixed_delay` are the latency model's (see [`crate::model::network`]).
    pub fn build(
        spec: &TopologySpec,
        sites: &Sites<'_>,
        route_factor: f64,
        fixed_delay: SimDuration,
    ) -> Result<Topology, TopologyError> {
        let (regions, hubs) = (sites.regions.len(), sites.hubs.len());
        let coords: Vec<(f64, f64)> = sites
            .regions
            .iter()
            .chain(&sites.hubs)
            .map(|&(_, lat, lon)| (lat, lon))
            .chain(spec.nodes.iter().map(|n| (n.lat, n.lon)))
            .collect();
        let site_names: Vec<String> = sites
            .regions
            .iter()
            .chain(&sites.hubs)
            .map(|&(id, _, _)| id.to_string())
            .chain(spec.nodes.iter().map(|n| n.id.clone()))
            .collect();
        let mut topology = Topology {
            regions,
            hubs,
            site_names,
            link_ids: spec.links.iter().map(|l| l.id.clone()).collect(),
            links: directed_links(spec, &coords, route_factor),
            route_links: Vec::new(),
            routes: Vec::new(),
            to_hub: Vec::with_capacity((regions + if spec.hub_sources { hubs } else { 0 }) * hubs),
            to_region: vec![0; hubs * regions],
            max_flow_rate_bps: spec.max_flow_rate_bps,
            has_prices: spec.links.iter().any(|l| l.price_per_gb > 0.0),
            fixed_delay,
        };
        let adjacency = topology.adjacency();
        let pinned = topology.pinned_paths(spec, &adjacency)?;
        topology.add_routes(spec, &adjacency, &pinned, fixed_delay)?;
        Ok(topology)
    }

    /// Pinned paths as directed link lists, by (source, destination), each with its reverse.
    fn pinned_paths(
        &self,
        spec: &TopologySpec,
        adjacency: &[Vec<(u32, usize)>],
    ) -> Result<Vec<PinnedPath>, TopologyError> {
        let mut pinned: Vec<PinnedPath> = Vec::new();
        for (i, p) in spec.pinned.iter().enumerate() {
            let mut path = Vec::with_capacity(p.sites.len().saturating_sub(1));
            for pair in p.sites.windows(2) {
                let link =
                    adjacency[pair[0]].iter().find(|&&(_, to)| to == pair[1]).map(|&(l, _)| l).ok_or_else(|| {
                        TopologyError::MissingLink {
                            route: i,
                            from: self.site_names[pair[0]].clone(),
                            to: self.site_names[pair[1]].clone(),
                        }
                    })?;
                path.push(link);
            }
            let (s, d) = (p.sites[0], *p.sites.last().expect("pinned routes have two sites or more"));
            let reverse: Vec<u32> = path.iter().rev().map(|&l| l ^ 1).collect();
            pinned.push(((s, d), path));
            pinned.push(((d, s), reverse));
        }
        Ok(pinned)
    }

    /// Every source's route to every hub (shortest unless pinned), and each region's way back.
    fn add_routes(
        &mut self,
        spec: &TopologySpec,
        adjacency: &[Vec<(u32, usize)>],
        pinned: &[PinnedPath],
        fixed_delay: SimDuration,
    ) -> Result<(), TopologyError> {
        let (regions, hubs) = (self.regions, self.hubs);
        let sources = regions + if spec.hub_sources { hubs } else { 0 };
        for source in 0..sources {
            let via = shortest_paths(&self.links, adjacency, source, &[]);
            for hub in 0..hubs {
                let target = regions + hub;
                let path = match pinned.iter().find(|(ends, _)| *ends == (source, target)) {
                    Some((_, path)) => path.clone(),
                    None => path_to(&via, source, target).ok_or_else(|| TopologyError::NoRoute {
                        from: self.site_names[source].clone(),
                        to: self.site_names[target].clone(),
                    })?,
                };
                let route = self.add_route(&path, fixed_delay);
                self.to_hub.push(route);
                if source < regions {
                    // The way back: the same links in reverse.
                    let back: Vec<u32> = path.iter().rev().map(|&l| l ^ 1).collect();
                    let back = match pinned.iter().find(|(ends, _)| *ends == (target, source)) {
                        Some((_, path)) => path.clone(),
                        None => back,
                    };
                    self.to_region[hub * regions + source] = self.add_route(&back, fixed_delay);
                }
            }
        }
        Ok(())
    }

    /// Outgoing (directed link, far site) per site, in link order.
    fn adjacency(&self) -> Vec<Vec<(u32, usize)>> {
        let mut adjacency = vec![Vec::new(); self.site_names.len()];
        for (i, l) in self.links.iter().enumerate() {
            adjacency[l.from].push((i as u32, l.to));
        }
        adjacency
    }

    fn add_route(&mut self, path: &[u32], fixed_delay: SimDuration) -> u32 {
        let latency = if path.is_empty() {
            0
        } else {
            path.iter().fold(fixed_delay, |sum, &l| sum.saturating_add(self.links[l as usize].latency))
        };
        let uncontended_bps =
            path.iter().map(|&l| self.links[l as usize].available_bps).fold(self.max_flow_rate_bps, f64::min);
        let price_per_gb = path.iter().map(|&l| self.links[l as usize].price_per_gb).sum();
        let route = Route {
            start: self.route_links.len() as u32,
            len: path.len() as u32,
            latency,
            uncontended_bps,
            price_per_gb,
        };
        self.route_links.extend_from_slice(path);
        self.routes.push(route);
        (self.routes.len() - 1) as u32
    }

    /// Whether any link charges for the bytes it carries.
    #[inline]
    pub fn has_prices(&self) -> bool {
        self.has_prices
    }

    /// Number of sites (regions, hubs and nodes).
    pub fn site_count(&self) -> usize {
        self.site_names.len()
    }

    /// Site index of hub `hub`.
    #[inline]
    pub fn hub_site(&self, hub: usize) -> usize {
        self.regions + hub
    }

    /// The route index from a region (or, when built with `hub_sources`, a hub) site to a hub.
    #[inline]
    pub fn route_to_hub(&self, source_site: usize, hub: usize) -> u32 {
        self.to_hub[source_site * self.hubs + hub]
    }

    /// The route index from a hub back to a region.
    #[inline]
    pub fn route_to_region(&self, hub: usize, region: usize) -> u32 {
        self.to_region[hub * self.regions + region]
    }

    /// A route by index.
    #[inline]
    pub fn route(&self, route: u32) -> &Route {
        &self.routes[route as usize]
    }

    /// The directed links of a route, in order.
    #[inline]
    pub fn route_links(&self, route: u32) -> &[u32] {
        let r = &self.routes[route as usize];
        &self.route_links[r.start as usize..(r.start + r.len) as usize]
    }

    /// All routes' links, concatenated, and each route's (start, length) into them.
    pub fn route_table(&self) -> (&[u32], Vec<(u32, u32)>) {
        (&self.route_links, self.routes.iter().map(|r| (r.start, r.len)).collect())
    }

    /// The shortest path from `source` to `target` by the build's rule (latency, then hops,
    /// then the lower predecessor) over the directed links `l` with `cut[l]` false; `None`
    /// when the cut links leave no path. Pinned routes are not consulted.
    pub fn path_avoiding(&self, source: usize, target: usize, cut: &[bool]) -> Option<Vec<u32>> {
        path_to(&shortest_paths(&self.links, &self.adjacency(), source, cut), source, target)
    }

    /// Adds a route along `path` (directed links, in order) and returns its index.
    pub fn push_route(&mut self, path: &[u32]) -> u32 {
        self.add_route(path, self.fixed_delay)
    }

    /// Whether a route crosses a directed link `l` with `cut[l]` true.
    pub fn crosses(&self, route: u32, cut: &[bool]) -> bool {
        self.route_links(route).iter().any(|&l| cut[l as usize])
    }

    /// The sites a route passes, both ends included.
    pub fn route_sites(&self, route: u32) -> Vec<usize> {
        let links = self.route_links(route);
        let mut sites: Vec<usize> = links.iter().take(1).map(|&l| self.links[l as usize].from).collect();
        sites.extend(links.iter().map(|&l| self.links[l as usize].to));
        sites
    }
}

/// Dijkstra from `source` by (latency, hops, predecessor index): each site's (link, site)
/// it is reached through. Directed links `l` with `cut[l]` true are left out.
fn shortest_paths(
    links: &[DirectedLink],
    adjacency: &[Vec<(u32, usize)>],
    source: usize,
    cut: &[bool],
) -> Vec<Option<(u32, usize)>> {
    let n = adjacency.len();
    let mut best: Vec<(u64, u32)> = vec![(u64::MAX, u32::MAX); n];
    let mut via: Vec<Option<(u32, usize)>> = vec![None; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    best[source] = (0, 0);
    heap.push(Reverse((0u64, 0u32, source)));
    while let Some(Reverse((latency, hops, site))) = heap.pop() {
        if done[site] {
            continue;
        }
        done[site] = true;
        for &(link, to) in &adjacency[site] {
            if cut.get(link as usize).copied().unwrap_or(false) {
                continue;
            }
            let key = (latency.saturating_add(links[link as usize].latency), hops + 1);
            let better = key < best[to] || (key == best[to] && via[to].is_some_and(|(_, p)| site < p));
            if !done[to] && better {
                best[to] = key;
                via[to] = Some((link, site));
                heap.push(Reverse((key.0, key.1, to)));
            }
        }
    }
    via
}

/// The directed links from `source` to `target` along `via` (`None`: unreachable).
fn path_to(via: &[Option<(u32, usize)>], source: usize, target: usize) -> Option<Vec<u32>> {
    if target == source {
        return Some(Vec::new());
    }
    via[target]?;
    let mut path = Vec::new();
    let mut at = target;
    while let Some((link, from)) = via[at] {
        path.push(link);
        at = from;
        if at == source {
            break;
        }
    }
    path.reverse();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MILLISECOND;

    fn link(from: usize, to: usize, ms: u64) -> LinkSpec {
        LinkSpec {
            id: format!("{from}--{to}"),
            from,
            to,
            capacity_bps: 1e9,
            latency: Some(ms * MILLISECOND),
            background: 0.0,
            price_per_gb: 0.0,
        }
    }

    fn sites() -> Sites<'static> {
        Sites { regions: vec![("r", 0.0, 0.0)], hubs: vec![("a", 0.0, 1.0), ("b", 0.0, 2.0)] }
    }

    #[test]
    fn routes_take_the_lowest_latency_and_ties_take_fewer_hops() {
        // r=0, a=1, b=2. r-a 1 ms, a-b 1 ms, r-b 2 ms: r->b ties at 2 ms; the direct link wins.
        let spec = TopologySpec {
            links: vec![link(0, 1, 1), link(1, 2, 1), link(0, 2, 2)],
            max_flow_rate_bps: f64::INFINITY,
            hub_sources: true,
            ..TopologySpec::default()
        };
        let t = Topology::build(&spec, &sites(), 2.0, MILLISECOND).unwrap();
        assert_eq!(t.route_sites(t.route_to_hub(0, 1)), vec![0, 2]);
        assert_eq!(t.route(t.route_to_hub(0, 1)).latency, 3 * MILLISECOND);
        assert_eq!(t.route_sites(t.route_to_hub(0, 0)), vec![0, 1]);
        assert_eq!(t.route_sites(t.route_to_region(1, 0)), vec![2, 0]);
        assert_eq!(t.route_sites(t.route_to_hub(t.hub_site(0), 1)), vec![1, 2]);
        assert!(t.route_links(t.route_to_hub(t.hub_site(1), 1)).is_empty());
        assert_eq!(t.route(t.route_to_hub(t.hub_site(1), 1)).latency, 0);
    }

    #[test]
    fn a_pinned_route_wins_both_ways() {
        let spec = TopologySpec {
            links: vec![link(0, 1, 1), link(1, 2, 1), link(0, 2, 2)],
            pinned: vec![PinnedRoute { sites: vec![0, 1, 2] }],
            max_flow_rate_bps: f64::INFINITY,
            ..TopologySpec::default()
        };
        let t = Topology::build(&spec, &sites(), 2.0, 0).unwrap();
        assert_eq!(t.route_sites(t.route_to_hub(0, 1)), vec![0, 1, 2]);
        assert_eq!(t.route_sites(t.route_to_region(1, 0)), vec![2, 1, 0]);
    }

    #[test]
    fn missing_routes_and_links_are_named() {
        let spec =
            TopologySpec { links: vec![link(0, 1, 1)], max_flow_rate_bps: f64::INFINITY, ..TopologySpec::default() };
        let e = Topology::build(&spec, &sites(), 2.0, 0).unwrap_err();
        assert_eq!(e, TopologyError::NoRoute { from: "r".into(), to: "b".into() });
        let spec = TopologySpec {
            links: vec![link(0, 1, 1), link(0, 2, 1)],
            pinned: vec![PinnedRoute { sites: vec![0, 1, 2] }],
            max_flow_rate_bps: f64::INFINITY,
            ..TopologySpec::default()
        };
        let e = Topology::build(&spec, &sites(), 2.0, 0).unwrap_err();
        assert!(matches!(e, TopologyError::MissingLink { .. }), "{e:?}");
    }
}
