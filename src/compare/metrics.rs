//! The figures `cnsim compare` extracts from each run's report.

use serde::Serialize;

use crate::model::PoolKind;
use crate::report::RunReport;

/// How a metric's values are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Seconds (printed in a unit that fits the row).
    Seconds,
    /// A share, 0..=1 (printed as a percentage).
    Share,
    /// A count.
    Count,
    /// Terabytes.
    Terabytes,
    /// Million CNY.
    MillionCny,
    /// Tonnes of CO2.
    Tonnes,
    /// CNY.
    Cny,
    /// Kilograms of CO2.
    Kilograms,
    /// A dimensionless index.
    Index,
}

/// One compared figure: stable key, label, unit, and whether lower is better.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricInfo {
    /// Stable key, e.g. `jct_mean.fine-tuning`.
    pub key: String,
    /// Human label.
    pub label: String,
    /// Unit.
    pub unit: Unit,
}

/// The shape of the compared scenario: what rows a comparison has.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Class names, each with whether it sets an SLO.
    pub classes: Vec<(String, bool)>,
    /// Hub ids, each with its pools that have capacity.
    pub hubs: Vec<(String, Vec<PoolKind>)>,
    /// Whether the scenario has faults (outages or failing classes): adds their figures.
    pub faults: bool,
    /// Whether runs report temporal shifting (time-varying signals or a class with slack).
    pub shifting: bool,
}

impl Layout {
    /// The layout of `scenario`.
    pub fn of(scenario: &crate::scenario::Scenario) -> Layout {
        Layout {
            classes: scenario.classes.iter().map(|c| (c.name.clone(), c.slo.is_set())).collect(),
            shifting: scenario.signals.is_some() || scenario.classes.iter().any(|c| c.slack.is_some()),
            hubs: scenario
                .hubs
                .iter()
                .map(|h| (h.id.clone(), PoolKind::ALL.into_iter().filter(|&p| h.capacity(p) > 0).collect()))
                .collect(),
            faults: !scenario.faults.outages.is_empty()
                || scenario.classes.iter().any(|c| c.failure.hazard != crate::model::JobHazard::None),
        }
    }
}

/// The metrics of one run, in the order of [`metric_infos`], each with whether the run's
/// unfinished work censors it (latencies of a class, or of all jobs, over the threshold).
pub fn extract(report: &RunReport, layout: &Layout) -> Vec<(f64, bool)> {
    let mut values = Vec::new();
    let groups: Vec<(&str, crate::report::JobCounts, bool)> = report
        .classes
        .iter()
        .map(|c| (c.name.as_str(), c.jobs, c.censored))
        .chain(std::iter::once(("all", report.jobs, report.censoring.censored)))
        .collect();
    for &(_, jobs, _) in &groups {
        values.push((if jobs.submitted > 0 { jobs.finished as f64 / jobs.submitted as f64 } else { f64::NAN }, false));
    }
    for &(_, jobs, _) in &groups {
        values.push((jobs.in_flight as f64, false));
    }
    values.push((report.jobs.rejected as f64, false));
    let growing = report
        .hubs
        .iter()
        .flat_map(|h| h.utilisation.values())
        .filter(|p| p.capacity > 0 && p.stability.is_growing())
        .count();
    values.push((growing as f64, false));
    for &(class, _, censored) in &groups {
        let jct = &report.latency[class]["jct"];
        values.push((jct.mean, censored));
        values.push((jct.p99, censored));
    }
    values.push((report.latency["all"]["wait"].mean, report.censoring.censored));
    for &(class, _, censored) in &groups {
        values.push((report.latency[class]["wait"].p99, censored));
    }
    for pool in PoolKind::ALL {
        values.push((report.national_utilisation(pool).unwrap_or(f64::NAN), false));
    }
    for ((_, pools), hub) in layout.hubs.iter().zip(&report.hubs) {
        for pool in pools {
            let p = &hub.utilisation[pool.name()];
            values.push((p.mean.unwrap_or(f64::NAN), false));
            values.push((p.p95.unwrap_or(f64::NAN), false));
        }
    }
    for (class, _) in report.classes.iter().zip(&layout.classes).filter(|(_, (_, has))| *has) {
        values.push((class.slo.as_ref().and_then(|s| s.attainment).unwrap_or(f64::NAN), false));
    }
    for v in [
        report.network.bytes_remote / 1e12,
        report.footprint.cost_cny / 1e6,
        report.footprint.carbon_kg / 1e3,
        report.footprint_per_job.cost_cny,
        report.footprint_per_job.carbon_kg,
        report.fairness.jain_mean_slowdown.unwrap_or(f64::NAN),
        (report.network.bytes_total + report.network.bytes_returned.unwrap_or(0.0)) / 1e12,
        report.network.transfer_slowdown.as_ref().and_then(|s| s.get("all")).and_then(|s| s.mean).unwrap_or(f64::NAN),
    ] {
        values.push((v, false));
    }
    if layout.faults {
        let f = report.faults.as_ref();
        values.push((f.map_or(f64::NAN, |f| f.lost as f64), false));
        values.push((f.map_or(f64::NAN, |f| f.runs_failed as f64), false));
        values.push((f.map_or(f64::NAN, |f| f.work_lost_unit_hours), false));
        values.push((f.and_then(|f| f.goodput).unwrap_or(f64::NAN), false));
    }
    if layout.shifting {
        shift_values(report, &mut values);
    }
    values
}

/// Per class and in total: carbon of finished jobs (and per kWh, which jobs deferred past the
/// run's end do not bias), their cost, the delay shifting added (mean, p99) and slack misses.
fn shift_values(report: &RunReport, values: &mut Vec<(f64, bool)>) {
    let mut all = crate::model::Footprint::default();
    let nan = crate::report::shift::ShiftReport::missing;
    for class in &report.classes {
        all.add(class.footprint);
        let shift = class.shift.as_ref().map_or_else(nan, Clone::clone);
        push_shift(values, &class.footprint, &shift, class.censored);
    }
    let total = report.shift.as_ref().map_or_else(nan, Clone::clone);
    push_shift(values, &all, &total, report.censoring.censored);
}

fn push_shift(
    values: &mut Vec<(f64, bool)>,
    f: &crate::model::Footprint,
    s: &crate::report::shift::ShiftReport,
    censored: bool,
) {
    values.extend([
        (f.carbon_kg / 1e3, censored),
        (f.carbon_kg / f.energy_kwh, censored),
        (f.cost_cny / 1e6, censored),
        (s.delay.mean, censored),
        (s.delay.p99, censored),
        (s.slack_missed as f64, censored),
    ]);
}

/// Names and units of the values `extract` returns for a scenario of this `layout`.
pub fn metric_infos(layout: &Layout) -> Vec<MetricInfo> {
    let info = |key: String, label: String, unit| MetricInfo { key, label, unit };
    let mut infos = Vec::new();
    let names: Vec<&str> = layout.classes.iter().map(|(n, _)| n.as_str()).chain(std::iter::once("all")).collect();
    for class in &names {
        infos.push(info(format!("finished_share.{class}"), format!("finished share {class}"), Unit::Share));
    }
    for class in &names {
        infos.push(info(format!("in_flight.{class}"), format!("in flight at end {class}"), Unit::Count));
    }
    infos.push(info("rejected".into(), "rejected jobs".into(), Unit::Count));
    infos.push(info("pools_growing".into(), "pools with a growing backlog".into(), Unit::Count));
    for class in &names {
        infos.push(info(format!("jct_mean.{class}"), format!("mean JCT {class}"), Unit::Seconds));
        infos.push(info(format!("jct_p99.{class}"), format!("p99 JCT {class}"), Unit::Seconds));
    }
    infos.push(info("wait_mean.all".into(), "mean wait all".into(), Unit::Seconds));
    for class in &names {
        infos.push(info(format!("wait_p99.{class}"), format!("p99 wait {class}"), Unit::Seconds));
    }
    for pool in PoolKind::ALL {
        infos.push(info(format!("utilisation.{}", pool.name()), format!("utilisation {}", pool.name()), Unit::Share));
    }
    for (hub, pools) in &layout.hubs {
        for pool in pools {
            let p = pool.name();
            infos.push(info(format!("utilisation_mean.{hub}.{p}"), format!("utilisation {hub} {p} mean"), Unit::Share));
            infos.push(info(format!("utilisation_p95.{hub}.{p}"), format!("utilisation {hub} {p} p95"), Unit::Share));
        }
    }
    for (class, has_slo) in &layout.classes {
        if *has_slo {
            infos.push(info(format!("slo_attainment.{class}"), format!("SLO attainment {class}"), Unit::Share));
        }
    }
    infos.push(info("moved_remote_tb".into(), "data moved out of region (TB)".into(), Unit::Terabytes));
    infos.push(info("energy_cost_mcny".into(), "cost in window, energy + transfer (M CNY)".into(), Unit::MillionCny));
    infos.push(info("carbon_t".into(), "carbon in window (t CO2)".into(), Unit::Tonnes));
    infos.push(info("energy_cost_per_job_cny".into(), "cost per job, energy + transfer (CNY)".into(), Unit::Cny));
    infos.push(info("carbon_per_job_kg".into(), "carbon per job (kg CO2)".into(), Unit::Kilograms));
    infos.push(info("jain_slowdown".into(), "Jain index of regions' slowdown".into(), Unit::Index));
    infos.push(info("moved_total_tb".into(), "data moved, input + output (TB)".into(), Unit::Terabytes));
    infos.push(info("transfer_slowdown".into(), "mean transfer slowdown (flow model)".into(), Unit::Index));
    if layout.faults {
        infos.push(info("lost".into(), "jobs lost to faults".into(), Unit::Count));
        infos.push(info("runs_failed".into(), "runs killed by faults".into(), Unit::Count));
        infos.push(info("work_lost_unit_h".into(), "work lost (unit-hours)".into(), Unit::Index));
        infos.push(info("goodput".into(), "goodput (useful / busy unit-hours)".into(), Unit::Share));
    }
    if layout.shifting {
        for class in &names {
            infos.push(info(format!("carbon_jobs_t.{class}"), format!("carbon of jobs {class} (t CO2)"), Unit::Tonnes));
            infos.push(info(
                format!("carbon_per_kwh.{class}"),
                format!("carbon per kWh of jobs {class} (kg)"),
                Unit::Kilograms,
            ));
            infos.push(info(
                format!("cost_jobs_mcny.{class}"),
                format!("energy cost of jobs {class} (M CNY)"),
                Unit::MillionCny,
            ));
            infos.push(info(
                format!("shift_delay_mean.{class}"),
                format!("shifting delay mean {class}"),
                Unit::Seconds,
            ));
            infos.push(info(format!("shift_delay_p99.{class}"), format!("shifting delay p99 {class}"), Unit::Seconds));
            infos.push(info(format!("slack_missed.{class}"), format!("slack missed {class}"), Unit::Count));
        }
    }
    infos
}
