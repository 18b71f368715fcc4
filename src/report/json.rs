//! JSON rendering of a run report (stable keys, documented in docs/metrics.md).

use crate::report::RunReport;

/// The report as pretty-printed JSON with a trailing newline.
pub fn render(report: &RunReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("reports serialise");
    text.push('\n');
    text
}
