//! `cnsim network`: a world's links with their capacities and the route of every region-hub
//! pair (flow model), or the latency and bandwidth matrix (delay model).

use std::fmt::Write;

use serde::Serialize;

use crate::model::World;
use crate::report::links::format_bandwidth;
use crate::report::text::Table;
use crate::time::nanos_to_seconds;

/// One direction-less link as declared.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LinkRow {
    /// Link id.
    pub id: String,
    /// One end.
    pub from: String,
    /// The other end.
    pub to: String,
    /// Capacity per direction, bits per second.
    pub capacity_bps: f64,
    /// Share used by background traffic.
    pub background: f64,
    /// One-way latency, ms.
    pub latency_ms: f64,
    /// CNY per GB carried.
    pub price_per_gb: f64,
}

/// The route between one region and one hub.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouteRow {
    /// Region id.
    pub region: String,
    /// Hub id.
    pub hub: String,
    /// Sites passed, both ends included.
    pub path: Vec<String>,
    /// One-way latency, ms (fixed delay included).
    pub latency_ms: f64,
    /// The rate one flow alone gets, bits per second.
    pub uncontended_bps: f64,
    /// CNY per GB end to end.
    pub price_per_gb: f64,
}

/// What `cnsim network` shows.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NetworkMap {
    /// "flow" or "delay".
    pub model: &'static str,
    /// Declared links (flow model).
    pub links: Vec<LinkRow>,
    /// Every region-hub route, region by region.
    pub routes: Vec<RouteRow>,
}

/// The map of `world`'s network.
pub fn map(world: &World) -> NetworkMap {
    let network = &world.network;
    let Some(topology) = network.topology() else {
        let routes = world
            .regions
            .iter()
            .enumerate()
            .flat_map(|(r, region)| {
                world.hubs.iter().enumerate().map(move |(h, hub)| RouteRow {
                    region: region.id.clone(),
                    hub: hub.id.clone(),
                    path: vec![region.id.clone(), hub.id.clone()],
                    latency_ms: nanos_to_seconds(network.latency(r, h)) * 1e3,
                    uncontended_bps: network.bandwidth_bps(r, h),
                    price_per_gb: 0.0,
                })
            })
            .collect();
        return NetworkMap { model: "delay", links: Vec::new(), routes };
    };
    let links = topology
        .links
        .iter()
        .step_by(2)
        .map(|l| LinkRow {
            id: topology.link_ids[l.link].clone(),
            from: topology.site_names[l.from].clone(),
            to: topology.site_names[l.to].clone(),
            capacity_bps: l.capacity_bps,
            background: l.background,
            latency_ms: nanos_to_seconds(l.latency) * 1e3,
            price_per_gb: l.price_per_gb,
        })
        .collect();
    let mut routes = Vec::new();
    for (r, region) in world.regions.iter().enumerate() {
        for (h, hub) in world.hubs.iter().enumerate() {
            let index = topology.route_to_hub(r, h);
            let route = topology.route(index);
            routes.push(RouteRow {
                region: region.id.clone(),
                hub: hub.id.clone(),
                path: topology.route_sites(index).into_iter().map(|s| topology.site_names[s].clone()).collect(),
                latency_ms: nanos_to_seconds(route.latency) * 1e3,
                uncontended_bps: route.uncontended_bps,
                price_per_gb: route.price_per_gb,
            });
        }
    }
    NetworkMap { model: "flow", links, routes }
}

/// The map as aligned tables.
pub fn render_text(map: &NetworkMap) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Network model: {}", map.model);
    if !map.links.is_empty() {
        let total: f64 = map.links.iter().map(|l| l.capacity_bps).sum();
        let _ = writeln!(out, "\nLinks ({}, {} per direction in total)", map.links.len(), format_bandwidth(total));
        let mut table = Table::new(&["link", "capacity", "background", "latency ms", "CNY/GB"]);
        for l in &map.links {
            table.row(vec![
                l.id.clone(),
                format_bandwidth(l.capacity_bps),
                format!("{:.0}%", l.background * 100.0),
                format!("{:.2}", l.latency_ms),
                format!("{:.2}", l.price_per_gb),
            ]);
        }
        table.render(&mut out);
    }
    let _ = writeln!(out, "\nRoutes from each region to each hub");
    let mut table = Table::new(&["region", "hub", "latency ms", "alone", "CNY/GB", "path"]);
    for r in &map.routes {
        table.row(vec![
            r.region.clone(),
            r.hub.clone(),
            format!("{:.2}", r.latency_ms),
            format_bandwidth(r.uncontended_bps),
            format!("{:.2}", r.price_per_gb),
            r.path.join(" > "),
        ]);
    }
    table.render(&mut out);
    out
}
