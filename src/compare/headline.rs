//! The headline of a comparison with temporal shifting: per policy, the carbon saved against
//! the baseline (paired, with its 95 % CI) and the delay shifting added for it.

use std::fmt::Write;

use crate::compare::{ComparisonReport, MetricRow};
use crate::time::{format_seconds, three_significant};

fn row<'a>(report: &'a ComparisonReport, key: &str) -> Option<&'a MetricRow> {
    report.metrics.iter().find(|r| r.info.key == key)
}

/// "carbon saved, at this delay" lines, when the runs report shifting.
pub fn render(out: &mut String, report: &ComparisonReport) {
    let (Some(carbon), Some(mean), Some(p99)) =
        (row(report, "carbon_jobs_t.all"), row(report, "shift_delay_mean.all"), row(report, "shift_delay_p99.all"))
    else {
        return;
    };
    let _ = writeln!(
        out,
        "\nheadline: carbon of finished jobs saved against {}, at the delay shifting added",
        report.baseline
    );
    for ((c, m), p) in carbon.policies.iter().zip(&mean.policies).zip(&p99.policies) {
        let (Some(d), Some(share)) = (&c.difference, &c.difference_percent) else { continue };
        let _ = writeln!(
            out,
            "  {}: {} ± {} t CO2 saved ({:.1}% ± {:.1}%), mean delay {}, p99 delay {}",
            c.policy,
            three_significant(-d.mean),
            three_significant(d.ci95),
            -share.mean,
            share.ci95,
            format_seconds(m.value.mean),
            format_seconds(p.value.mean),
        );
    }
}
