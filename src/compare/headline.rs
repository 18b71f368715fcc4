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
    let rows = ["carbon_per_kwh.all", "carbon_jobs_t.all", "shift_delay_mean.all", "shift_delay_p99.all"]
        .map(|k| row(report, k));
    let [Some(intensity), Some(carbon), Some(mean), Some(p99)] = rows else { return };
    let _ = writeln!(
        out,
        "\nheadline: carbon saved against {} (per kWh of finished jobs, and in total), at the delay shifting added",
        report.baseline
    );
    for (((i, c), m), p) in intensity.policies.iter().zip(&carbon.policies).zip(&mean.policies).zip(&p99.policies) {
        let (Some(share), Some(total)) = (&i.difference_percent, &c.difference) else { continue };
        let _ = writeln!(
            out,
            "  {}: {:.1}% ± {:.1}% less carbon per kWh ({} ± {} t CO2 saved), mean delay {}, p99 delay {}",
            i.policy,
            -share.mean,
            share.ci95,
            three_significant(-total.mean),
            three_significant(total.ci95),
            format_seconds(m.value.mean),
            format_seconds(p.value.mean),
        );
    }
}
