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
    }
}

/// Renders the table as text.
pub fn render_text(t: &HubTable) -> String {
    let mut out = String::new();
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
    out.push('\n');
    let _ = writeln!(out, "one-way latency between hubs, ms (great circle x 5 us/km x route factor + fixed delay)");
    let short: Vec<String> = t.hubs.iter().map(|h| h.id.chars().take(7).collect()).collect();
    let _ = write!(out, "{:<18}", "");
    for s in &short {
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
    out
}
