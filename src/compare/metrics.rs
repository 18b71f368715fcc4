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

/// The metrics of one run, in the order of [`metric_infos`]; `has_slo[c]` says whether class
/// `c` has a deadline or a round-trip limit.
pub fn extract(report: &RunReport, has_slo: &[bool]) -> Vec<f64> {
    let mut values = Vec::new();
    let classes = report.classes.iter().map(|c| c.name.as_str()).chain(std::iter::once("all"));
    for class in classes {
        let jct = &report.latency[class]["jct"];
        values.push(jct.mean);
        values.push(jct.p99);
    }
    values.push(report.latency["all"]["wait"].mean);
    for pool in PoolKind::ALL {
        values.push(report.national_utilisation(pool).unwrap_or(f64::NAN));
    }
    for (class, _) in report.classes.iter().zip(has_slo).filter(|(_, has)| **has) {
        values.push(class.slo_attainment.unwrap_or(f64::NAN));
    }
    values.push(report.jobs.rejected as f64);
    values.push(report.network.bytes_remote / 1e12);
    values.push(report.footprint.cost_cny / 1e6);
    values.push(report.footprint.carbon_kg / 1e3);
    values.push(report.footprint_per_job.cost_cny);
    values.push(report.footprint_per_job.carbon_kg);
    values.push(report.fairness.jain_mean_slowdown.unwrap_or(f64::NAN));
    values.push((report.network.bytes_total + report.network.bytes_returned.unwrap_or(0.0)) / 1e12);
    let slowdown = report.network.transfer_slowdown.as_ref().and_then(|s| s.get("all")).and_then(|s| s.mean);
    values.push(slowdown.unwrap_or(f64::NAN));
    values
}

/// Names and units of the values `extract` returns, for a scenario whose classes are
/// `classes` (name, has an SLO).
pub fn metric_infos(classes: &[(String, bool)]) -> Vec<MetricInfo> {
    let info = |key: String, label: String, unit| MetricInfo { key, label, unit };
    let mut infos = Vec::new();
    let names = classes.iter().map(|(n, _)| n.as_str()).chain(std::iter::once("all"));
    for class in names {
        infos.push(info(format!("jct_mean.{class}"), format!("mean JCT {class}"), Unit::Seconds));
        infos.push(info(format!("jct_p99.{class}"), format!("p99 JCT {class}"), Unit::Seconds));
    }
    infos.push(info("wait_mean.all".into(), "mean wait all".into(), Unit::Seconds));
    for pool in PoolKind::ALL {
        infos.push(info(format!("utilisation.{}", pool.name()), format!("utilisation {}", pool.name()), Unit::Share));
    }
    for (class, has_slo) in classes {
        if *has_slo {
            infos.push(info(format!("slo_attainment.{class}"), format!("SLO attainment {class}"), Unit::Share));
        }
    }
    infos.push(info("rejected".into(), "rejected jobs".into(), Unit::Count));
    infos.push(info("moved_remote_tb".into(), "data moved out of region (TB)".into(), Unit::Terabytes));
    infos.push(info("energy_cost_mcny".into(), "cost in window, energy + transfer (M CNY)".into(), Unit::MillionCny));
    infos.push(info("carbon_t".into(), "carbon in window (t CO2)".into(), Unit::Tonnes));
    infos.push(info("energy_cost_per_job_cny".into(), "cost per job, energy + transfer (CNY)".into(), Unit::Cny));
    infos.push(info("carbon_per_job_kg".into(), "carbon per job (kg CO2)".into(), Unit::Kilograms));
    infos.push(info("jain_slowdown".into(), "Jain index of regions' slowdown".into(), Unit::Index));
    infos.push(info("moved_total_tb".into(), "data moved, input + output (TB)".into(), Unit::Terabytes));
    infos.push(info("transfer_slowdown".into(), "mean transfer slowdown (flow model)".into(), Unit::Index));
    infos
}
