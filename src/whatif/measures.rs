//! The figures a sweep records and a capacity search can target, each with a stable key.
//!
//! Keys: `{wait,jct}_{mean,p50,p90,p99}.{class|all}` (seconds),
//! `jobs_{submitted,finished,rejected,in_flight}.{class|all}` (counts),
//! `finished_share.{class|all}`, `slo_attainment.{class}` (classes with an SLO),
//! `utilisation.{intelligent,general}`, `energy_cost_mcny`, `carbon_t`.

use serde::Serialize;

use crate::model::PoolKind;
use crate::report::{JobCounts, RunReport};

/// A recorded figure's key and unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeasureInfo {
    /// Stable key, e.g. `wait_p99.all`.
    pub key: String,
    /// `s`, `count`, `share`, `mcny` (million CNY) or `t` (tonnes CO2).
    pub unit: &'static str,
}

const LATENCIES: [&str; 2] = ["wait", "jct"];
const STATS: [&str; 4] = ["mean", "p50", "p90", "p99"];

/// The keys and values of one run's figures, in a fixed order.
pub fn measure(report: &RunReport) -> Vec<(MeasureInfo, f64)> {
    let mut out = Vec::new();
    let mut push = |key: String, unit: &'static str, value: f64| out.push((MeasureInfo { key, unit }, value));
    let groups: Vec<(&str, JobCounts)> =
        report.classes.iter().map(|c| (c.name.as_str(), c.jobs)).chain(std::iter::once(("all", report.jobs))).collect();
    for (group, jobs) in &groups {
        for metric in LATENCIES {
            let stats = report.latency.get(*group).and_then(|m| m.get(metric));
            for stat in STATS {
                let value = stats.map_or(f64::NAN, |s| match stat {
                    "mean" => s.mean,
                    "p50" => s.p50,
                    "p90" => s.p90,
                    _ => s.p99,
                });
                push(format!("{metric}_{stat}.{group}"), "s", value);
            }
        }
        push(format!("jobs_submitted.{group}"), "count", jobs.submitted as f64);
        push(format!("jobs_finished.{group}"), "count", jobs.finished as f64);
        push(format!("jobs_rejected.{group}"), "count", jobs.rejected as f64);
        push(format!("jobs_in_flight.{group}"), "count", jobs.in_flight as f64);
        let share = if jobs.submitted == 0 { f64::NAN } else { jobs.finished as f64 / jobs.submitted as f64 };
        push(format!("finished_share.{group}"), "share", share);
    }
    for class in &report.classes {
        if let Some(a) = class.slo_attainment {
            push(format!("slo_attainment.{}", class.name), "share", a);
        }
    }
    for pool in PoolKind::ALL {
        push(format!("utilisation.{}", pool.name()), "share", report.national_utilisation(pool).unwrap_or(f64::NAN));
    }
    push("energy_cost_mcny".into(), "mcny", report.footprint.cost_cny / 1e6);
    push("carbon_t".into(), "t", report.footprint.carbon_kg / 1e3);
    out
}

/// Writes a value for CSV and text: the shortest exact form, empty for NaN.
pub fn format_value(v: f64) -> String {
    if v.is_nan() { String::new() } else { format!("{v}") }
}
