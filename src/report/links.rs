//! The flow model's part of the report: per-link traffic and utilisation, and per-class
//! transfer slowdowns. Absent (and so absent from JSON) under the delay model.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::engine::LinkRecord;
use crate::metrics::Recorder;
use crate::model::World;
use crate::quantity::format_bytes;
use crate::report::Bucket;
use crate::time::three_significant;

/// Utilisation of one direction of a link, background traffic included.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LinkUtilisation {
    /// Exact time-weighted mean over the measured window.
    pub mean: f64,
    /// Median of the equal-interval samples.
    pub p50: Option<f64>,
    /// 95th percentile of the samples.
    pub p95: Option<f64>,
    /// The part of `mean` the simulated jobs' flows add (mean minus background).
    pub jobs_mean: f64,
    /// Samples per 10 % band: `le` is the band's upper bound (0.1 .. 1.0).
    pub histogram: Vec<Bucket>,
}

/// One direction of a link.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LinkReport {
    /// The link's id (both directions share it).
    pub id: String,
    /// Site the data leaves.
    pub from: String,
    /// Site the data reaches.
    pub to: String,
    /// Capacity of this direction, bits per second.
    pub capacity_bps: f64,
    /// Share of the capacity used by background traffic.
    pub background: f64,
    /// Bytes the jobs' flows carried over the measured window.
    pub bytes: f64,
    /// Utilisation over the measured window.
    pub utilisation: LinkUtilisation,
    /// Most flows at once in the measured window.
    pub peak_flows: u64,
}

/// Transfer slowdowns of one class: actual transfer time / the time alone on its route.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SlowdownStats {
    /// Measured transfers.
    pub count: u64,
    /// Mean slowdown (1: never slowed by other flows).
    pub mean: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// The largest.
    pub max: Option<f64>,
}

/// Per-link reports in link order (each link's forward direction, then its reverse).
pub fn links(world: &World, recorder: &Recorder) -> Option<Vec<LinkReport>> {
    let topology = world.network.topology()?;
    let records = recorder.links.as_ref()?;
    Some(
        topology
            .links
            .iter()
            .zip(records)
            .map(|(link, record)| LinkReport {
                id: topology.link_ids[link.link].clone(),
                from: topology.site_names[link.from].clone(),
                to: topology.site_names[link.to].clone(),
                capacity_bps: link.capacity_bps,
                background: link.background,
                bytes: record.carried_bytes,
                utilisation: utilisation(record, link.background),
                peak_flows: record.peak_flows,
            })
            .collect(),
    )
}

fn utilisation(record: &LinkRecord, background: f64) -> LinkUtilisation {
    let samples = super::SampleSummary::of(&record.samples[record.measured_from..]);
    LinkUtilisation {
        mean: record.mean_utilisation,
        p50: samples.p50,
        p95: samples.p95,
        jobs_mean: (record.mean_utilisation - background).max(0.0),
        histogram: samples.histogram,
    }
}

/// Per class (and `all`): transfer slowdowns, under the flow model.
pub fn slowdowns(world: &World, recorder: &Recorder) -> Option<BTreeMap<String, SlowdownStats>> {
    world.network.topology()?;
    let stats = |count: u64, sum: f64, max: f64, histogram: &crate::metrics::LogHistogram| {
        let hdr = histogram.to_hdr();
        SlowdownStats {
            count,
            mean: (count > 0).then(|| sum / count as f64),
            p99: (count > 0).then(|| hdr.value_at_quantile(0.99) as f64 / 1000.0),
            max: (count > 0).then_some(max),
        }
    };
    let mut out = BTreeMap::new();
    let mut all = crate::metrics::recorder::SlowdownRecord::default();
    for (class, record) in world.classes.iter().zip(&recorder.transfer_slowdowns) {
        out.insert(class.name.clone(), stats(record.count, record.sum, record.max, &record.histogram));
        all.count += record.count;
        all.sum += record.sum;
        all.max = all.max.max(record.max);
        all.histogram.add(&record.histogram);
    }
    out.insert("all".into(), stats(all.count, all.sum, all.max, &all.histogram));
    Some(out)
}

/// The text report's "Links" section.
pub fn render_text(out: &mut String, links: &[LinkReport], slowdowns: Option<&BTreeMap<String, SlowdownStats>>) {
    let _ = writeln!(
        out,
        "Links (flow model; per direction; utilisation includes background traffic, exact mean and p50/p95 of samples)"
    );
    let mut table = super::text::Table::new(&[
        "link",
        "from",
        "to",
        "capacity",
        "background",
        "jobs' bytes",
        "mean",
        "jobs add",
        "p50",
        "p95",
        "peak flows",
    ]);
    let mut shown: Vec<&LinkReport> = links.iter().collect();
    // Busiest first; idle directions are summarised.
    shown.sort_by(|a, b| b.utilisation.jobs_mean.total_cmp(&a.utilisation.jobs_mean).then_with(|| a.id.cmp(&b.id)));
    let busy = shown.iter().filter(|l| l.bytes > 0.0).count();
    for link in shown.iter().take(busy.clamp(1, 16)) {
        table.row(vec![
            link.id.clone(),
            link.from.clone(),
            link.to.clone(),
            format_bandwidth(link.capacity_bps),
            super::text::percent(Some(link.background)),
            format_bytes(link.bytes),
            super::text::percent(Some(link.utilisation.mean)),
            super::text::percent(Some(link.utilisation.jobs_mean)),
            super::text::percent(link.utilisation.p50),
            super::text::percent(link.utilisation.p95),
            link.peak_flows.to_string(),
        ]);
    }
    if links.len() > busy.clamp(1, 16) {
        table.row(vec![format!(
            "... {} more directions ({} carried nothing)",
            links.len() - busy.clamp(1, 16),
            links.len() - busy
        )]);
    }
    table.render(out);
    let labels: Vec<String> = (1..=10).map(|i| format!("≤{}%", i * 10)).collect();
    let rows: Vec<(String, Vec<f64>)> = shown
        .iter()
        .take(busy.clamp(1, 16))
        .filter_map(|link| {
            let total: u64 = link.utilisation.histogram.iter().map(|b| b.count).sum();
            (total > 0).then(|| {
                let shares = link.utilisation.histogram.iter().map(|b| b.count as f64 / total as f64).collect();
                (format!("{} {}>{}", link.id, link.from, link.to), shares)
            })
        })
        .collect();
    out.push('\n');
    super::text::chart(out, "Link utilisation histogram: % of samples per band (background included)", &labels, &rows);
    if let Some(slowdowns) = slowdowns {
        let parts: Vec<String> = slowdowns
            .iter()
            .filter(|(_, s)| s.count > 0)
            .map(|(name, s)| {
                format!(
                    "{name} {} (p99 {})",
                    s.mean.map_or("-".into(), three_significant),
                    s.p99.map_or("-".into(), three_significant)
                )
            })
            .collect();
        let _ = writeln!(out, "  transfer slowdown (actual / alone on the route), mean: {}", parts.join(", "));
    }
    out.push('\n');
}

/// Bits per second with a unit, three significant digits ("40 Tbps").
pub fn format_bandwidth(bps: f64) -> String {
    let (value, unit) = [(1e12, "Tbps"), (1e9, "Gbps"), (1e6, "Mbps"), (1e3, "kbps")]
        .into_iter()
        .find(|&(scale, _)| bps >= scale)
        .map_or((bps, "bps"), |(scale, unit)| (bps / scale, unit));
    format!("{} {unit}", three_significant(value))
}
