//! Text rendering of a comparison: mean +- 95 % CI per policy, then paired differences.

use std::fmt::Write;

use crate::compare::ComparisonReport;
use crate::compare::metrics::Unit;
use crate::compare::stats::Interval;
use crate::report::text::Table;
use crate::time::three_significant;

/// Picks one scale for a row of seconds so every cell reads in the same unit.
fn time_scale(row_means: impl Iterator<Item = f64>) -> (f64, &'static str) {
    let largest = row_means.filter(|v| v.is_finite()).fold(0.0f64, |a, v| a.max(v.abs()));
    if largest < 1.0 {
        (1e-3, "ms")
    } else if largest < 120.0 {
        (1.0, "s")
    } else if largest < 7200.0 {
        (60.0, "min")
    } else if largest < 2.0 * 86400.0 {
        (3600.0, "h")
    } else {
        (86400.0, "d")
    }
}

fn scaled(unit: Unit, scale: f64) -> impl Fn(f64) -> String {
    move |v: f64| {
        if !v.is_finite() {
            return "-".into();
        }
        match unit {
            Unit::Share => format!("{:.2}%", v * 100.0),
            Unit::Count => format!("{v:.1}"),
            _ => three_significant(v / scale),
        }
    }
}

fn cell(i: &Interval, fmt: &dyn Fn(f64) -> String, signed: bool) -> String {
    let mean = fmt(i.mean);
    let mean = if signed && i.mean > 0.0 { format!("+{mean}") } else { mean };
    if i.ci95.is_finite() { format!("{mean} ± {}", fmt(i.ci95)) } else { mean }
}

/// Renders the report as two aligned tables.
pub fn render(report: &ComparisonReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "cnsim compare: scenario {:?}, {} policies x {} seeds ({}){}",
        report.scenario,
        report.policies.len(),
        report.seeds.len(),
        report.seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
        if report.interrupted { "; INTERRUPTED: only seeds finished by every policy are used" } else { "" }
    );
    let _ = writeln!(out, "mean ± 95 % CI (Student t over seeds); every policy saw identical jobs per seed");
    for w in &report.load_check.warnings {
        let _ = writeln!(out, "WARNING: {w}");
    }
    out.push('\n');
    let mut header = vec!["metric".to_string()];
    header.extend(report.policies.iter().cloned());
    let mut values = Table::new(&header);
    let mut diff_header = vec![format!("difference vs {}", report.baseline)];
    diff_header.extend(report.policies.iter().filter(|p| **p != report.baseline).cloned());
    let mut differences = Table::new(&diff_header);
    for row in &report.metrics {
        let (scale, suffix) = if row.info.unit == Unit::Seconds {
            time_scale(row.policies.iter().map(|c| c.value.mean))
        } else {
            (1.0, "")
        };
        let fmt = scaled(row.info.unit, scale);
        let label = if suffix.is_empty() { row.info.label.clone() } else { format!("{} ({suffix})", row.info.label) };
        let mut cells = vec![label.clone()];
        cells.extend(row.policies.iter().map(|c| format!("{}{}", cell(&c.value, &fmt, false), mark(c.censored_runs))));
        values.row(cells);
        // Differences of shares are in percentage points, not percent.
        let diff_label = if row.info.unit == Unit::Share { format!("{} (pp)", row.info.label) } else { label };
        let diff_fmt = scaled_difference(row.info.unit, scale);
        let mut diffs = vec![diff_label];
        for c in &row.policies {
            if let Some(d) = &c.difference {
                let relative = c.difference_percent.map_or(String::new(), |p| {
                    if p.ci95.is_finite() {
                        format!(" ({:+.1}% ± {:.1}%)", p.mean, p.ci95)
                    } else {
                        format!(" ({:+.1}%)", p.mean)
                    }
                });
                diffs.push(format!(
                    "{}{relative}{}{}",
                    cell(d, &diff_fmt, true),
                    mark(c.censored_runs),
                    if c.significant { " *" } else { "  " }
                ));
            }
        }
        differences.row(diffs);
    }
    values.render(&mut out);
    let censored = report.metrics.iter().any(|r| r.policies.iter().any(|c| c.censored_runs > 0));
    if censored {
        let _ = writeln!(
            out,
            "  † censored: in at least one seed more than the threshold of jobs were still in flight at the end; the \
             figure covers finished jobs only and is biased toward short jobs (see finished share and in flight)"
        );
    }
    if report.policies.len() > 1 {
        out.push('\n');
        differences.render(&mut out);
        let _ = writeln!(
            out,
            "  * the 95 % CI of the paired difference excludes zero; (x%): the difference relative to the baseline's mean"
        );
        if censored {
            let _ = writeln!(out, "  † censored in at least one seed of that policy (see above)");
        }
        crate::compare::headline::render(&mut out, report);
    }
    out
}

/// The censoring mark of a cell.
fn mark(censored_runs: usize) -> &'static str {
    if censored_runs > 0 { " †" } else { "" }
}

/// Like [`scaled`], with differences of shares in percentage points (the row's label says so).
fn scaled_difference(unit: Unit, scale: f64) -> impl Fn(f64) -> String {
    let plain = scaled(unit, scale);
    move |v: f64| {
        if unit == Unit::Share && v.is_finite() { format!("{:.2}", v * 100.0) } else { plain(v) }
    }
}
