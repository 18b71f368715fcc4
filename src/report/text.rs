//! The human report: aligned tables in human units, with compact bar charts of the
//! histograms (JCT and wait per class over log-spaced buckets, utilisation per hub).

use std::fmt::Write;

use crate::model::PoolKind;
use crate::quantity::format_bytes;
use crate::report::{RunReport, Stats};
use crate::time::{format_seconds, three_significant};

/// Log-spaced bucket edges for the latency charts, in seconds, with labels.
const LATENCY_EDGES: &[(f64, &str)] = &[
    (1e-3, "1ms"),
    (1e-2, "10ms"),
    (0.1, "100ms"),
    (1.0, "1s"),
    (10.0, "10s"),
    (60.0, "1min"),
    (600.0, "10min"),
    (3600.0, "1h"),
    (6.0 * 3600.0, "6h"),
    (86400.0, "1d"),
    (7.0 * 86400.0, "7d"),
];

const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A table of left-aligned first column and right-aligned other columns.
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with this header row.
    pub(crate) fn new<S: AsRef<str>>(header: &[S]) -> Self {
        Table { rows: vec![header.iter().map(|s| s.as_ref().to_string()).collect()] }
    }

    /// Appends a row.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Appends the aligned table to `out`, indented by two spaces.
    pub(crate) fn render(&self, out: &mut String) {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| self.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        for row in &self.rows {
            let mut line = String::from("  ");
            for (c, cell) in row.iter().enumerate() {
                let pad = widths[c] - cell.chars().count();
                if c == 0 {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                } else {
                    line.push_str("  ");
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(share: Option<f64>) -> String {
    share.map_or("-".into(), |s| format!("{:.1}%", s * 100.0))
}

fn seconds(value: f64) -> String {
    if value.is_nan() { "-".into() } else { format_seconds(value) }
}

fn ratio(value: f64) -> String {
    if value.is_nan() { "-".into() } else { three_significant(value) }
}

/// Shares of `stats` in each of the latency chart's buckets.
fn latency_shares(stats: &Stats) -> Vec<f64> {
    let mut counts = vec![0u64; LATENCY_EDGES.len() + 1];
    for bucket in &stats.buckets {
        let i =
            LATENCY_EDGES.iter().position(|&(edge, _)| bucket.le <= edge * (1.0 + 1e-9)).unwrap_or(LATENCY_EDGES.len());
        counts[i] += bucket.count;
    }
    let total = stats.count.max(1) as f64;
    counts.into_iter().map(|c| c as f64 / total).collect()
}

/// One cell of a chart: a bar glyph scaled to the row's largest share, then the share.
fn cell(share: f64, row_max: f64) -> String {
    if share <= 0.0 {
        return "·".into();
    }
    let level = ((share / row_max.max(1e-12)) * 8.0).ceil().clamp(1.0, 8.0) as usize;
    let pct = share * 100.0;
    let number = if pct >= 0.95 { format!("{pct:.0}") } else { "<1".to_string() };
    format!("{}{number}", BARS[level])
}

fn chart(out: &mut String, title: &str, labels: &[String], rows: &[(String, Vec<f64>)]) {
    let _ = writeln!(out, "{title}");
    let mut header: Vec<&str> = vec![""];
    header.extend(labels.iter().map(String::as_str));
    let mut table = Table::new(&header);
    for (name, shares) in rows {
        let max = shares.iter().copied().fold(0.0, f64::max);
        let mut cells = vec![name.clone()];
        cells.extend(shares.iter().map(|&s| cell(s, max)));
        table.row(cells);
    }
    table.render(out);
}

fn latency_labels() -> Vec<String> {
    let mut labels = vec![format!("<{}", LATENCY_EDGES[0].1)];
    labels.extend(LATENCY_EDGES.iter().map(|(_, l)| format!("≤{l}")).skip(1));
    labels.push(format!(">{}", LATENCY_EDGES[LATENCY_EDGES.len() - 1].1));
    labels
}

/// Renders the whole text report.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let p = &report.performance;
    let _ =
        writeln!(out, "cnsim: scenario {:?}, scheduler {}, seed {}", report.scenario, report.scheduler, report.seed);
    let _ = writeln!(
        out,
        "simulated {} (first {} warm-up, left out of statistics); {} events in {:.2} s wall ({}/s events, {}/s jobs)",
        format_seconds(report.duration_seconds),
        format_seconds(report.warmup_seconds),
        thousands(p.events),
        p.wall_seconds,
        si(p.events_per_second),
        si(p.jobs_per_second),
    );
    out.push('\n');
    render_load_check(&mut out, &report.load_check);

    let _ = writeln!(out, "Jobs submitted after the warm-up");
    let mut table =
        Table::new(&["class", "pool", "submitted", "finished", "rejected", "in flight", "deadline met", "SLO met"]);
    for class in &report.classes {
        let j = &class.jobs;
        table.row(vec![
            class.name.clone(),
            class.pool.name().into(),
            thousands(j.submitted),
            thousands(j.finished),
            thousands(j.rejected),
            thousands(j.in_flight),
            percent(class.deadline_met),
            percent(class.slo_attainment),
        ]);
    }
    let j = &report.jobs;
    table.row(vec![
        "all".into(),
        "".into(),
        thousands(j.submitted),
        thousands(j.finished),
        thousands(j.rejected),
        thousands(j.in_flight),
        "".into(),
    ]);
    table.render(&mut out);
    out.push('\n');

    let _ = writeln!(out, "Latency of finished jobs (JCT = transfer + wait + run; bounded slowdown with tau = 10 s)");
    let mut table = Table::new(&["class", "metric", "mean", "p50", "p90", "p99", "p99.9", "max"]);
    for (name, metrics) in ordered_latency(report) {
        for (i, (metric, stats)) in metrics.iter().enumerate() {
            let fmt = if *metric == "bounded_slowdown" { ratio } else { seconds };
            table.row(vec![
                if i == 0 { name.clone() } else { String::new() },
                (*metric).to_string(),
                fmt(stats.mean),
                fmt(stats.p50),
                fmt(stats.p90),
                fmt(stats.p99),
                fmt(stats.p999),
                fmt(stats.max),
            ]);
        }
    }
    table.render(&mut out);
    out.push('\n');

    for (metric, title) in [
        ("jct", "JCT histogram: % of finished jobs per bucket"),
        ("wait", "Wait histogram: % of finished jobs per bucket"),
    ] {
        let rows: Vec<(String, Vec<f64>)> = ordered_latency(report)
            .into_iter()
            .map(|(name, metrics)| {
                let stats =
                    metrics.iter().find(|(m, _)| *m == metric).map(|(_, s)| *s).expect("every metric is reported");
                (name, latency_shares(stats))
            })
            .collect();
        chart(&mut out, title, &latency_labels(), &rows);
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "Hubs (utilisation: exact time-weighted mean; p50/p95 of {} samples)",
        format_seconds(report.sample_interval_seconds)
    );
    let mut table = Table::new(&[
        "hub",
        "AI units",
        "AI mean",
        "AI p50",
        "AI p95",
        "gen units",
        "gen mean",
        "gen p95",
        "jobs",
        "mean wait",
        "mean JCT",
    ]);
    for hub in &report.hubs {
        let ai = &hub.utilisation[PoolKind::Intelligent.name()];
        let gen_pool = &hub.utilisation[PoolKind::General.name()];
        table.row(vec![
            hub.id.clone(),
            thousands(u64::from(ai.capacity)),
            percent(ai.mean),
            percent(ai.p50),
            percent(ai.p95),
            thousands(u64::from(gen_pool.capacity)),
            percent(gen_pool.mean),
            percent(gen_pool.p95),
            thousands(hub.placed),
            seconds(hub.wait.mean),
            seconds(hub.jct.mean),
        ]);
    }
    table.row(vec![
        "national".into(),
        String::new(),
        percent(report.national_utilisation(PoolKind::Intelligent)),
        String::new(),
        String::new(),
        String::new(),
        percent(report.national_utilisation(PoolKind::General)),
    ]);
    table.render(&mut out);
    out.push('\n');

    let labels: Vec<String> = (1..=10).map(|i| format!("≤{}%", i * 10)).collect();
    let mut rows = Vec::new();
    for hub in &report.hubs {
        for pool in PoolKind::ALL {
            let p = &hub.utilisation[pool.name()];
            let total: u64 = p.histogram.iter().map(|b| b.count).sum();
            if total > 0 {
                let shares = p.histogram.iter().map(|b| b.count as f64 / total as f64).collect();
                rows.push((format!("{} {}", hub.id, if pool == PoolKind::Intelligent { "AI" } else { "gen" }), shares));
            }
        }
    }
    chart(&mut out, "Utilisation histogram: % of samples per band", &labels, &rows);
    out.push('\n');

    let _ = writeln!(
        out,
        "Energy over the measured window (busy unit-hours x kW per unit x PUE; cost at hub prices; carbon of non-renewable power)"
    );
    let mut table = Table::new(&["hub", "energy MWh", "cost k CNY", "carbon t CO2"]);
    let footprint_row = |name: &str, f: &crate::model::Footprint| {
        vec![
            name.to_string(),
            three_significant(f.energy_kwh / 1e3),
            three_significant(f.cost_cny / 1e3),
            three_significant(f.carbon_kg / 1e3),
        ]
    };
    for hub in &report.hubs {
        table.row(footprint_row(&hub.id, &hub.footprint));
    }
    table.row(footprint_row("total", &report.footprint));
    table.render(&mut out);
    let j = &report.footprint_per_job;
    let _ = writeln!(
        out,
        "  per finished job: {} kWh, {} CNY, {} kg CO2",
        three_significant(j.energy_kwh),
        three_significant(j.cost_cny),
        three_significant(j.carbon_kg)
    );
    out.push('\n');

    let regions: Vec<String> = report
        .fairness
        .regions
        .iter()
        .map(|r| format!("{} {}", r.id, r.mean_bounded_slowdown.map_or("-".into(), three_significant)))
        .collect();
    let _ = writeln!(
        out,
        "Fairness across demand regions: Jain index of mean bounded slowdown {} ({})",
        report.fairness.jain_mean_slowdown.map_or("-".into(), |j| format!("{j:.4}")),
        regions.join(", ")
    );
    out.push('\n');

    let _ = writeln!(
        out,
        "Data moved from demand regions to hubs: {} in total, {} to a hub other than the origin's nearest",
        format_bytes(report.network.bytes_total),
        format_bytes(report.network.bytes_remote)
    );
    let mut flows: Vec<_> = report.network.flows.iter().collect();
    flows.sort_by(|a, b| b.bytes.total_cmp(&a.bytes).then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to))));
    let mut table = Table::new(&["from", "to", "bytes", "share"]);
    for flow in flows.iter().take(10) {
        table.row(vec![
            flow.from.clone(),
            flow.to.clone(),
            format_bytes(flow.bytes),
            percent(Some(flow.bytes / report.network.bytes_total.max(1.0))),
        ]);
    }
    if flows.len() > 10 {
        table.row(vec![format!("... {} more flows", flows.len() - 10)]);
    }
    table.render(&mut out);
    out.push('\n');

    let per_hour = &report.finished_per_hour;
    let max = per_hour.iter().copied().max().unwrap_or(0).max(1) as f64;
    let spark: String = per_hour.iter().map(|&n| BARS[((n as f64 / max) * 8.0).round() as usize]).collect();
    let _ = writeln!(out, "Jobs finished per hour (max {}):", thousands(max as u64));
    for chunk in spark.chars().collect::<Vec<_>>().chunks(72) {
        let _ = writeln!(out, "  {}", chunk.iter().collect::<String>());
    }
    out
}

/// Classes in scenario order, then `all`, each with its metrics in report order.
fn ordered_latency(report: &RunReport) -> Vec<(String, Vec<(&'static str, &Stats)>)> {
    let names = report.classes.iter().map(|c| c.name.clone()).chain(std::iter::once("all".to_string()));
    names
        .filter_map(|name| {
            let metrics = report.latency.get(&name)?;
            let ordered =
                crate::metrics::Metric::ALL.iter().filter_map(|m| metrics.get(m.key()).map(|s| (m.key(), s))).collect();
            Some((name, ordered))
        })
        .collect()
}

fn si(value: f64) -> String {
    if value >= 1e6 {
        format!("{} M", three_significant(value / 1e6))
    } else if value >= 1e3 {
        format!("{} k", three_significant(value / 1e3))
    } else {
        three_significant(value)
    }
}

/// The offered-load table and its warnings (shared by the run report and `cnsim validate`).
pub fn render_load_check(out: &mut String, check: &crate::load_check::LoadCheck) {
    let _ = writeln!(out, "Offered load (weekly mean rate x E[units x runtime]) against capacity");
    let mut table = Table::new(&[
        "class / pool",
        "pool",
        "offered units",
        "capacity",
        "load",
        "reachable cap.",
        "load on reachable",
        "never placed",
    ]);
    for c in &check.classes {
        table.row(vec![
            c.name.clone(),
            c.pool.name().into(),
            three_significant(c.offered_units),
            String::new(),
            percent(c.load_national),
            thousands(c.reachable_capacity),
            percent(c.load_reachable),
            if c.never_placed_share > 0.0 { format!("{:.2}%", c.never_placed_share * 100.0) } else { "-".into() },
        ]);
    }
    for p in check.pools.iter().filter(|p| p.offered_units > 0.0 || p.capacity > 0) {
        table.row(vec![
            format!("{} pool", p.pool.name()),
            p.pool.name().into(),
            three_significant(p.offered_units),
            thousands(p.capacity),
            percent(p.load),
        ]);
    }
    table.render(out);
    for w in &check.warnings {
        let _ = writeln!(out, "  WARNING: {w}");
    }
    out.push('\n');
}
