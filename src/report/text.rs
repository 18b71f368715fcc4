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

pub(crate) const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

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

pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn percent(share: Option<f64>) -> String {
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

pub(super) fn chart(out: &mut String, title: &str, labels: &[String], rows: &[(String, Vec<f64>)]) {
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
    render_header(&mut out, report);
    if let Some(traces) = &report.traces {
        render_traces(&mut out, traces);
    }
    render_load_check(&mut out, &report.load_check);
    render_jobs(&mut out, report);
    render_censoring(&mut out, report);
    render_latency(&mut out, report);
    render_latency_charts(&mut out, report);
    render_hubs(&mut out, report);
    render_utilisation_chart(&mut out, report);
    render_stability(&mut out, report);
    render_energy(&mut out, report);
    crate::report::shift::render(&mut out, report);
    render_fairness(&mut out, report);
    render_data_moved(&mut out, report);
    if let Some(links) = &report.links {
        super::links::render_text(&mut out, links, report.network.transfer_slowdown.as_ref());
    }
    if let Some(faults) = &report.faults {
        faults.render_text(&mut out);
    }
    render_finished_per_hour(&mut out, report);
    out
}

/// The first lines: scenario, scheduler, seed, simulated time and the run's speed.
fn render_header(out: &mut String, report: &RunReport) {
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
}

/// The jobs table: per class and in all, submitted, finished, rejected and in flight.
fn render_jobs(out: &mut String, report: &RunReport) {
    let _ = writeln!(out, "Jobs submitted after the warm-up");
    let mut table = Table::new(&[
        "class",
        "pool",
        "submitted",
        "finished",
        "rejected",
        "in flight",
        "finished %",
        "deadline met",
        "SLO met",
    ]);
    for class in &report.classes {
        let j = &class.jobs;
        table.row(vec![
            class.name.clone(),
            class.pool.name().into(),
            thousands(j.submitted),
            thousands(j.finished),
            thousands(j.rejected),
            thousands(j.in_flight),
            percent(class.finished_share),
            percent(class.deadline_met),
            class.slo.as_ref().map_or("-".into(), |s| percent(s.attainment)),
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
        percent((j.submitted > 0).then(|| j.finished as f64 / j.submitted as f64)),
    ]);
    table.render(out);
    let _ = writeln!(
        out,
        "  SLO met: share of decided jobs meeting the class's slo (jct/wait); rejected jobs and jobs in flight \
         already past an objective count as misses; '-': the class sets no objective"
    );
    out.push('\n');
}

/// The latency table: per class and in all, the statistics of every latency metric.
fn render_latency(out: &mut String, report: &RunReport) {
    let _ = writeln!(out, "Latency of finished jobs (JCT = transfer + wait + run; bounded slowdown with tau = 10 s)");
    let mut table = Table::new(&[
        "class",
        "finished",
        "rejected",
        "in flight",
        "finished %",
        "metric",
        "mean",
        "p50",
        "p90",
        "p99",
        "p99.9",
        "max",
    ]);
    for (name, metrics) in ordered_latency(report) {
        let (jobs, censored) = match report.classes.iter().find(|c| c.name == name) {
            Some(c) => (c.jobs, c.censored),
            None => (report.jobs, report.censoring.censored),
        };
        let share = (jobs.submitted > 0).then(|| jobs.finished as f64 / jobs.submitted as f64);
        for (i, (metric, stats)) in metrics.iter().enumerate() {
            let fmt = if *metric == "bounded_slowdown" { ratio } else { seconds };
            let first = |text: String| if i == 0 { text } else { String::new() };
            table.row(vec![
                first(if censored { format!("{name} (censored)") } else { name.clone() }),
                first(thousands(jobs.finished)),
                first(thousands(jobs.rejected)),
                first(thousands(jobs.in_flight)),
                first(percent(share)),
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
    table.render(out);
    out.push('\n');
}

/// The JCT and wait histograms, one row per class.
fn render_latency_charts(out: &mut String, report: &RunReport) {
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
        chart(out, title, &latency_labels(), &rows);
        out.push('\n');
    }
}

/// The hubs table: capacity, utilisation, placements and mean latencies per hub.
fn render_hubs(out: &mut String, report: &RunReport) {
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
        "placed",
        "finished",
        "in flight",
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
            thousands(hub.wait.count),
            thousands(hub.in_flight),
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
    table.render(out);
    out.push('\n');
}

/// The utilisation histogram, one row per hub and pool with samples.
fn render_utilisation_chart(out: &mut String, report: &RunReport) {
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
    chart(out, "Utilisation histogram: % of samples per band", &labels, &rows);
    out.push('\n');
}

/// The energy table: energy, cost and carbon per hub and in total, and per finished job.
fn render_energy(out: &mut String, report: &RunReport) {
    if report.time_varying_signals {
        let _ = writeln!(
            out,
            "Energy over the measured window (busy unit-hours x kW per unit x PUE; cost and carbon integrated over the hubs' time-varying signals, docs/signals.md; CNY/kWh and renewable are the hubs' constants)"
        );
    } else {
        let _ = writeln!(
            out,
            "Energy over the measured window (busy unit-hours x kW per unit x PUE; cost at hub prices; carbon of non-renewable power)"
        );
        let _ = writeln!(out, "  {}", energy_assumptions(&report.energy_model));
    }
    let mut table = Table::new(&["hub", "energy MWh", "PUE", "CNY/kWh", "renewable", "cost k CNY", "carbon t CO2"]);
    let footprint_row = |name: &str, f: &crate::model::Footprint, tariff: Option<(f64, f64, f64)>| {
        let (pue, price, green) = tariff.map_or((String::new(), String::new(), String::new()), |(p, c, g)| {
            (format!("{p:.2}"), format!("{c:.2}"), format!("{:.0}%", g * 100.0))
        });
        vec![
            name.to_string(),
            three_significant(f.energy_kwh / 1e3),
            pue,
            price,
            green,
            three_significant(f.cost_cny / 1e3),
            three_significant(f.carbon_kg / 1e3),
        ]
    };
    for hub in &report.hubs {
        table.row(footprint_row(&hub.id, &hub.footprint, Some((hub.pue, hub.price, hub.renewable))));
    }
    table.row(footprint_row("total", &report.footprint, None));
    table.render(out);
    let j = &report.footprint_per_job;
    let _ = writeln!(
        out,
        "  per finished job: {} kWh, {} CNY, {} kg CO2",
        three_significant(j.energy_kwh),
        three_significant(j.cost_cny),
        three_significant(j.carbon_kg)
    );
    out.push('\n');
}

/// The fairness line: Jain index of mean bounded slowdown across demand regions.
fn render_fairness(out: &mut String, report: &RunReport) {
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
}

/// The data moved from regions to hubs, the ten largest flows first.
fn render_data_moved(out: &mut String, report: &RunReport) {
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
    table.render(out);
    out.push('\n');
}

/// The sparkline of jobs finished per hour.
fn render_finished_per_hour(out: &mut String, report: &RunReport) {
    let per_hour = &report.finished_per_hour;
    let max = per_hour.iter().copied().max().unwrap_or(0).max(1) as f64;
    let spark: String = per_hour.iter().map(|&n| BARS[((n as f64 / max) * 8.0).round() as usize]).collect();
    let _ = writeln!(out, "Jobs finished per hour (max {}):", thousands(max as u64));
    for chunk in spark.chars().collect::<Vec<_>>().chunks(72) {
        let _ = writeln!(out, "  {}", chunk.iter().collect::<String>());
    }
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

pub(super) fn si(value: f64) -> String {
    if value >= 1e6 {
        format!("{} M", three_significant(value / 1e6))
    } else if value >= 1e3 {
        format!("{} k", three_significant(value / 1e3))
    } else {
        three_significant(value)
    }
}

/// The offered-load table and its warnings (shared by the run report and `cnsim validate`).
/// Rows read from the traces, kept and dropped by reason, and the first rows skipped.
fn render_traces(out: &mut String, traces: &crate::report::TraceReport) {
    let dropped: Vec<String> = traces
        .dropped
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(reason, n)| format!("{reason} {}", thousands(*n)))
        .collect();
    let dropped = if dropped.is_empty() { "none".to_string() } else { dropped.join(", ") };
    let _ = writeln!(
        out,
        "Traces: {} rows read, {} jobs kept; dropped: {dropped}",
        thousands(traces.rows),
        thousands(traces.kept)
    );
    for bad in &traces.bad_rows {
        let _ = writeln!(out, "  skipped {bad}");
    }
    out.push('\n');
}

pub fn render_load_check(out: &mut String, check: &crate::load_check::LoadCheck) {
    let _ = writeln!(out, "Offered load (weekly mean rate x E[units] x E[runtime]) against capacity");
    if let Some(t) = &check.traces {
        let _ = writeln!(
            out,
            "  plus the {} trace jobs {} (units x runtime, submitted in the run's {}, averaged over it)",
            thousands(t.jobs),
            t.basis,
            crate::time::format_duration(crate::time::seconds_to_nanos(t.window_s))
        );
    }
    let traced = check.traces.is_some();
    let mut header = vec!["class / pool", "pool", "offered units"];
    header.extend(traced.then_some("of it trace"));
    header.extend(["capacity", "load", "reachable cap.", "load on reachable", "never placed"]);
    let mut table = Table::new(&header);
    for c in &check.classes {
        let mut row = vec![c.name.clone(), c.pool.name().into(), units_figure(c.offered_units)];
        row.extend(c.trace_offered_units.map(units_figure));
        row.extend([
            String::new(),
            percent(c.load_national),
            thousands(c.reachable_capacity),
            percent(c.load_reachable),
            if c.never_placed_share > 0.0 { format!("{:.2}%", c.never_placed_share * 100.0) } else { "-".into() },
        ]);
        table.row(row);
    }
    for p in check.pools.iter().filter(|p| p.offered_units > 0.0 || p.capacity > 0) {
        let mut row = vec![format!("{} pool", p.pool.name()), p.pool.name().into(), units_figure(p.offered_units)];
        row.extend(traced.then(String::new));
        row.extend([thousands(p.capacity), percent(p.load)]);
        table.row(row);
    }
    table.render(out);
    for w in &check.warnings {
        let _ = writeln!(out, "  WARNING: {w}");
    }
    out.push('\n');
}

/// The censoring warning and the unfinished jobs' lower bounds, when the run is censored.
fn render_censoring(out: &mut String, report: &RunReport) {
    let c = &report.censoring;
    if !c.censored && c.censored_classes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "WARNING: {} of the submitted jobs ({:.1}%; threshold {:.1}%) were still in flight at the end{}.",
        thousands(report.jobs.in_flight),
        c.in_flight_share * 100.0,
        c.threshold * 100.0,
        if c.censored_classes.is_empty() {
            String::new()
        } else {
            format!("; censored classes: {}", c.censored_classes.join(", "))
        }
    );
    let _ = writeln!(
        out,
        "  Latencies below cover finished jobs only and are biased toward short jobs. What the unfinished jobs \
         had already spent (lower bounds):"
    );
    let mut table = Table::new(&[
        "class",
        "in flight",
        "not at hub",
        "queued",
        "running",
        "age mean",
        "age p50",
        "age max",
        "waited mean",
        "waited p50",
        "waited max",
    ]);
    for class in report.classes.iter().filter(|c| c.jobs.in_flight > 0) {
        let u = &class.unfinished;
        table.row(vec![
            class.name.clone(),
            thousands(class.jobs.in_flight),
            thousands(u.not_at_hub),
            thousands(u.queued),
            thousands(u.running),
            seconds(u.age.mean),
            seconds(u.age.p50),
            seconds(u.age.max),
            seconds(u.waited.mean),
            seconds(u.waited.p50),
            seconds(u.waited.max),
        ]);
    }
    table.render(out);
    out.push('\n');
}

/// The stability verdict of every pool: one line when all are steady, else a table.
fn render_stability(out: &mut String, report: &RunReport) {
    let pools: Vec<(String, &crate::report::PoolReport)> = report
        .hubs
        .iter()
        .flat_map(|h| PoolKind::ALL.iter().map(move |&p| (format!("{} {}", h.id, p.name()), &h.utilisation[p.name()])))
        .filter(|(_, p)| p.capacity > 0)
        .collect();
    let growing: Vec<&(String, &crate::report::PoolReport)> =
        pools.iter().filter(|(_, p)| p.stability.is_growing()).collect();
    if growing.is_empty() {
        let _ = writeln!(
            out,
            "Stability: all {} pools steady (backlog of the last quarter of the measured window no larger than the first's)",
            pools.len()
        );
        out.push('\n');
        return;
    }
    let _ = writeln!(
        out,
        "Stability: WARNING: {} of {} pools NOT steady: their backlog grew across the measured window, so their waits \
         measure the run's length",
        growing.len(),
        pools.len()
    );
    let mut table = Table::new(&["pool", "capacity", "backlog first quarter", "backlog last quarter", "verdict"]);
    for (name, p) in growing {
        table.row(vec![
            name.clone(),
            thousands(u64::from(p.capacity)),
            three_significant(p.stability.backlog_first_quarter),
            three_significant(p.stability.backlog_last_quarter),
            p.stability.verdict.into(),
        ]);
    }
    table.render(out);
    out.push('\n');
}

/// The energy model's assumptions in one line: power per unit of each pool and the grid's
/// carbon intensity (PUE, price and renewable share are per hub).
pub fn energy_assumptions(model: &crate::model::EnergyModel) -> String {
    format!(
        "assumptions: IT power {} kW per intelligent unit (1 PFLOPS), {} kW per general unit; x each hub's PUE; \
         grid {} kg CO2/kWh for the non-renewable share; change them under [energy] (docs/overload-and-slos.md)",
        three_significant(model.kw_per_unit[0]),
        three_significant(model.kw_per_unit[1]),
        three_significant(model.grid_carbon_kg_per_kwh)
    )
}

/// Units: three significant digits below 1,000, whole units with separators above.
fn units_figure(value: f64) -> String {
    if value.abs() >= 1000.0 { thousands(value.round() as u64) } else { three_significant(value) }
}
