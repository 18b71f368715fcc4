//! The cost of temporal shifting, per class and over all classes: how many jobs were
//! deferred, the delay added before placement, and slack misses; with the class's carbon and
//! cost (runs with time-varying signals or a class with `slack` only).

use std::fmt::Write;

use serde::Serialize;

use crate::metrics::{LogHistogram, Metric, ShiftRecord, new_histogram};
use crate::report::{RunReport, Stats};
use crate::time::{nanos_to_seconds, three_significant};

/// Shifting figures of a class or of all classes.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ShiftReport {
    /// The class's slack, seconds (null for all classes, or a class without one).
    pub slack_seconds: Option<f64>,
    /// Placed jobs that were deferred at all.
    pub deferred: u64,
    /// Delay added before placement (placement - submission), seconds, over placed jobs.
    pub delay: Stats,
    /// Finished jobs that started more than their slack after submission.
    pub slack_missed: u64,
    /// Suspensions of interruptible jobs' runs.
    pub suspensions: u64,
}

impl ShiftReport {
    fn from_parts(
        slack: Option<u64>,
        deferred: u64,
        delay: &LogHistogram,
        slack_missed: u64,
        suspensions: u64,
    ) -> ShiftReport {
        ShiftReport {
            suspensions,
            slack_seconds: slack.map(nanos_to_seconds),
            deferred,
            delay: Stats::from_histogram(&delay.to_hdr(), |v| Metric::Wait.to_report(v), 1.0),
            slack_missed,
        }
    }

    /// A report with no figures (NaN), for runs that kept none.
    pub fn missing() -> ShiftReport {
        let nan = Stats::from_histogram(&new_histogram(Metric::Wait).to_hdr(), |v| v, 1.0);
        ShiftReport { slack_seconds: None, deferred: 0, delay: nan, slack_missed: 0, suspensions: 0 }
    }

    /// The report of one class.
    pub fn of(record: &ShiftRecord) -> ShiftReport {
        ShiftReport::from_parts(record.slack, record.deferred, &record.delay, record.slack_missed, record.suspended)
    }

    /// The report over all classes.
    pub fn total(records: &[ShiftRecord]) -> ShiftReport {
        let mut delay = new_histogram(Metric::Wait);
        for r in records {
            delay.add(&r.delay);
        }
        let deferred = records.iter().map(|r| r.deferred).sum();
        let missed = records.iter().map(|r| r.slack_missed).sum();
        ShiftReport::from_parts(None, deferred, &delay, missed, records.iter().map(|r| r.suspended).sum())
    }
}

/// The text section: per class and in total, carbon, cost and what shifting cost in delay.
pub fn render(out: &mut String, report: &RunReport) {
    let Some(total) = &report.shift else { return };
    let _ = writeln!(out, "Temporal shifting (delay = placement - submission; carbon and cost of finished jobs)");
    let mut table = crate::report::text::Table::new(&[
        "class",
        "slack",
        "deferred",
        "delay mean",
        "delay p99",
        "slack missed",
        "suspended",
        "carbon t CO2",
        "cost k CNY",
    ]);
    let row = |name: &str, s: &ShiftReport, f: &crate::model::Footprint| {
        vec![
            name.to_string(),
            s.slack_seconds.map_or("-".into(), crate::time::format_seconds),
            s.deferred.to_string(),
            if s.delay.count > 0 { crate::time::format_seconds(s.delay.mean) } else { "-".into() },
            if s.delay.count > 0 { crate::time::format_seconds(s.delay.p99) } else { "-".into() },
            s.slack_missed.to_string(),
            s.suspensions.to_string(),
            three_significant(f.carbon_kg / 1e3),
            three_significant(f.cost_cny / 1e3),
        ]
    };
    let mut jobs = crate::model::Footprint::default();
    for class in &report.classes {
        if let Some(s) = &class.shift {
            table.row(row(&class.name, s, &class.footprint));
            jobs.add(class.footprint);
        }
    }
    table.row(row("all", total, &jobs));
    table.render(out);
    out.push('\n');
}
