//! `cnsim hubs`: the hub table with national totals, and the hub-to-hub latency matrix.

use std::fmt::Write;

use serde::Serialize;

use crate::model::{PoolKind, World};
use crate::time::nanos_to_seconds;

/// One hub row.
#[derive(Debug, Serialize)]
pub struct HubRow {
    /// Hub id.
    pub id: String,
    /// Hub name.
    pub name: String,
    /// Main cluster.
    pub cluster: String,
    /// East or west.
    pub side: Option<&'static str>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Intelligent capacity, PFLOPS.
    pub intelligent_pflops: u32,
    /// General capacity, PFLOPS.
    pub general_pflops: u32,
    /// Total, EFLOPS.
    pub total_eflops: f64,
    /// Intelligent share of the hub's total.
    pub intelligent_share: f64,
    /// PUE.
    pub pue: f64,
    /// CNY per kWh.
    pub price: f64,
    /// Renewable share.
    pub renewable: f64,
}

/// One demand region.
#[derive(Debug, Serialize)]
pub struct RegionRow {
    /// Region id.
    pub id: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Demand weight.
    pub weight: f64,
}

/// The whole `cnsim hubs` answer.
#[derive(Debug, Serialize)]
pub struct HubTable {
    /// Hubs in order.
    pub hubs: Vec<HubRow>,
    /// National total, EFLOPS.
    pub total_eflops: f64,
    /// National intelligent share.
    pub intelligent_share: f64,
    /// One-way latency between hubs in ms, `latency_ms[i][j]`.
    pub latency_ms: Vec<Vec<f64>>,
    /// Demand regions, in order.
    pub regions: Vec<RegionRow>,
    /// Round trip from each region to each hub in ms, `region_round_trip_ms[region][hub]`.
    pub region_round_trip_ms: Vec<Vec<f64>>,
    /// The energy model: IT power per unit of each pool and the grid's carbon intensity.
    pub energy: crate::model::EnergyModel,
    /// Per class (scenarios only): which hubs it can reach and why not the others.
    pub classes: Vec<crate::report::reach::ClassReach>,
}

/// Builds the table from a world.
pub fn table(world: &World) -> HubTable {
    let hubs: Vec<HubRow> = world
        .hubs
        .iter()
        .map(|h| {
            let total = h.total_capacity() as f64;
            HubRow {
                id: h.id.clone(),
                name: h.name.clone(),
                cluster: h.cluster.clone(),
                side: h.side.map(|s| s.name()),
                lat: h.lat,
                lon: h.lon,
                intelligent_pflops: h.capacity(PoolKind::Intelligent),
                general_pflops: h.capacity(PoolKind::General),
                total_eflops: total / 1000.0,
                intelligent_share: f64::from(h.capacity(PoolKind::Intelligent)) / total,
                pue: h.pue,
                price: h.price,
                renewable: h.renewable,
            }
        })
        .collect();
    let total = world.total_capacity() as f64;
    let intelligent: f64 = world.hubs.iter().map(|h| f64::from(h.capacity(PoolKind::Intelligent))).sum();
    let n = world.hubs.len();
    HubTable {
        hubs,
        total_eflops: total / 1000.0,
        intelligent_share: intelligent / total,
        latency_ms: (0..n)
            .map(|a| (0..n).map(|b| nanos_to_seconds(world.network.hub_latency(a, b)) * 1e3).collect())
            .collect(),
        regions: world
            .regions
            .iter()
            .map(|r| RegionRow { id: r.id.clone(), lat: r.lat, lon: r.lon, weight: r.weight })
            .collect(),
        region_round_trip_ms: (0..world.regions.len())
            .map(|r| (0..n).map(|h| nanos_to_seconds(world.network.round_trip(r, h)) * 1e3).collect())
            .collect(),
        energy: world.energy.clone(),
        classes: crate::report::reach::of(world),
    }
}

/// Renders the table as text.
pub fn render_text(t: &HubTable) -> String {
    let mut out = String::new();
    render_hub_rows(&mut out, t);
    let short: Vec<String> = t.hubs.iter().map(|h| h.id.chars().take(7).collect()).collect();
    render_hub_latency(&mut out, t, &short);
    render_regions(&mut out, t, &short);
    render_reach(&mut out, t);
    out
}

/// One row per hub, the national total and the energy model.
fn render_hub_rows(out: &mut String, t: &HubTable) {
    let _ = writeln!(
        out,
        "{:<18} {:<5} {:>12} {:>10} {:>8} {:>6} {:>5} {:>6} {:>6}  cluster",
        "hub", "side", "intelligent", "general", "EFLOPS", "AI %", "PUE", "CNY", "green"
    );
    for h in &t.hubs {
        let _ = writeln!(
            out,
            "{:<18} {:<5} {:>12} {:>10} {:>8.1} {:>5.1}% {:>5.2} {:>6.2} {:>5.0}%  {}",
            h.id,
            h.side.unwrap_or("-"),
            h.intelligent_pflops,
            h.general_pflops,
            h.total_eflops,
            h.intelligent_share * 100.0,
            h.pue,
            h.price,
            h.renewable * 100.0,
            h.cluster
        );
    }
    let _ = writeln!(
        out,
        "national total: {:.1} EFLOPS, {:.1}% intelligent (capacities in PFLOPS = units)",
        t.total_eflops,
        t.intelligent_share * 100.0
    );
    let _ = writeln!(
        out,
        "energy: facility kWh = units x kW per unit x hours x PUE; cost = kWh x price (CNY/kWh); carbon = kWh x (1 - green) x grid"
    );
    let _ = writeln!(out, "  {}", crate::report::text::energy_assumptions(&t.energy));
    out.push('\n');
}

/// The one-way latency matrix between hubs.
fn render_hub_latency(out: &mut String, t: &HubTable, short: &[String]) {
    let _ = writeln!(out, "one-way latency between hubs, ms (great circle x 5 us/km x route factor + fixed delay)");
    let _ = write!(out, "{:<18}", "");
    for s in short {
        let _ = write!(out, " {s:>7}");
    }
    out.push('\n');
    for (h, row) in t.hubs.iter().zip(&t.latency_ms) {
        let _ = write!(out, "{:<18}", h.id);
        for v in row {
            let _ = write!(out, " {v:>7.1}");
        }
        out.push('\n');
    }
}

/// The demand regions with their round trip to each hub.
fn render_regions(out: &mut String, t: &HubTable, short: &[String]) {
    if !t.regions.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "demand regions and round trip to each hub, ms");
        let _ = write!(out, "{:<18} {:>7} {:>8} {:>6}", "region", "lat", "lon", "weight");
        for s in short {
            let _ = write!(out, " {s:>7}");
        }
        out.push('\n');
        for (r, row) in t.regions.iter().zip(&t.region_round_trip_ms) {
            let _ = write!(out, "{:<18} {:>7.2} {:>8.2} {:>6.3}", r.id, r.lat, r.lon, r.weight);
            for v in row {
                let _ = write!(out, " {v:>7.1}");
            }
            out.push('\n');
        }
    }
}

/// For each class, which hubs it can reach and from where.
fn render_reach(out: &mut String, t: &HubTable) {
    for class in &t.classes {
        out.push('\n');
        let limit =
            class.max_round_trip_ms.map_or("no round-trip limit".to_string(), |l| format!("round trip <= {l} ms"));
        let _ = writeln!(
            out,
            "class {:?} ({} pool, {limit}, up to {} units a job):",
            class.class, class.pool, class.max_units
        );
        for hub in &class.hubs {
            let from = if hub.reachable_from.is_empty() {
                "unreachable".to_string()
            } else {
                format!("reachable from {}", hub.reachable_from.join(", "))
            };
            let not_from: Vec<String> = hub.not_from.iter().map(|(r, ms)| format!("{r} ({ms:.1} ms)")).collect();
            let not_from = if not_from.is_empty() {
                String::new()
            } else {
                format!("; not from {}: round trip over the limit", not_from.join(", "))
            };
            let reason = hub.reason.as_deref().map_or(String::new(), |r| format!(": {r}"));
            let _ = writeln!(out, "  {:<18} {from}{not_from}{reason}", hub.hub);
        }
    }
}
