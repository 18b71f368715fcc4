//! `cnsim trace inspect FILE --format F [--scenario S]`: check a trace and its mapping before a
//! long run.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::{CliError, Format};
use crate::quantity::format_bytes;
use crate::report::text::{BARS, Table};
use crate::scenario::Scenario;
use crate::time::format_seconds;
use crate::workload::trace::inspect::{Inspection, Percentiles, inspect};
use crate::workload::trace::{TraceSource, TraceSpec};

/// `cnsim trace ...`.
#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Read a trace through its mapping and summarise it: rows, kept, dropped by reason, span,
    /// arrivals per hour, and percentiles of units, runtime and data.
    Inspect {
        /// The trace file.
        file: PathBuf,
        /// Its format: csv, azure-llm, alibaba-gpu-2023, swf or helios.
        #[arg(long)]
        format: String,
        /// A scenario whose first [[traces]] entry of this format gives the mapping.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        output: Format,
    },
}

/// Runs a `trace` command.
pub fn trace(command: TraceCommand) -> Result<(), CliError> {
    let TraceCommand::Inspect { file, format, scenario, output } = command;
    let (spec, classes, seed) = match &scenario {
        None => {
            let spec = crate::scenario::traces::standalone(&file, &format).map_err(CliError::Input)?;
            (spec, vec!["trace".to_string()], 1)
        }
        Some(path) => {
            let scenario = Scenario::load(path)?;
            let Some(spec) = scenario.traces.iter().find(|t| t.format.name() == format) else {
                return Err(CliError::Input(format!("{}: no [[traces]] entry has format {format:?}", path.display())));
            };
            let spec = TraceSpec { path: file.clone(), file: file.display().to_string(), ..spec.clone() };
            (spec, scenario.classes.iter().map(|c| c.name.clone()).collect(), scenario.run.seed)
        }
    };
    let sources = (0..spec.copies())
        .map(|copy| TraceSource::open(&spec, 0, copy, seed))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::Input(e.to_string()))?;
    let summary = inspect(sources, &classes).map_err(|e| CliError::Input(e.to_string()))?;
    match output {
        Format::Json => println!("{}", serde_json::to_string_pretty(&summary).expect("serialisable")),
        Format::Text => print!("{}", render(&spec, &summary)),
    }
    Ok(())
}

fn sparkline(values: &[u64]) -> String {
    let peak = values.iter().copied().max().unwrap_or(0).max(1);
    values.iter().map(|&v| BARS[if v == 0 { 0 } else { 1 + (v * 7 / peak) as usize }]).collect()
}

fn percentile_row(name: &str, p: &Percentiles, show: impl Fn(f64) -> String) -> Vec<String> {
    let mut row = vec![name.to_string()];
    row.extend([p.mean, p.min, p.p50, p.p90, p.p99, p.max].into_iter().map(show));
    row
}

/// The summary as text.
pub fn render(spec: &TraceSpec, s: &Inspection) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "trace {} ({})", spec.file, spec.format.name());
    let share = |n: u64| if s.rows == 0 { 0.0 } else { 100.0 * n as f64 / s.rows as f64 };
    let _ = writeln!(out, "  rows {}, kept {} ({:.1} %)", s.rows, s.kept, share(s.kept));
    for (reason, count) in s.dropped.iter().filter(|(_, c)| **c > 0) {
        let _ = writeln!(out, "  dropped {reason}: {count} ({:.1} %)", share(*count));
    }
    for bad in &s.bad_rows {
        let _ = writeln!(out, "  skipped: {bad}");
    }
    let span = s.last_submit_s - s.first_submit_s;
    let _ = writeln!(
        out,
        "  submits from {} to {} (span {})",
        format_seconds(s.first_submit_s),
        format_seconds(s.last_submit_s),
        format_seconds(span)
    );
    for (class, count) in &s.classes {
        let _ = writeln!(out, "  class {class}: {count} jobs");
    }
    let peak = s.arrivals_per_hour.iter().max().copied().unwrap_or(0);
    let _ = writeln!(out, "\nArrivals per hour (peak {peak}/h)");
    for chunk in s.arrivals_per_hour.chunks(96) {
        let _ = writeln!(out, "  {}", sparkline(chunk));
    }
    let _ = writeln!(out, "\nPer job");
    let mut table = Table::new(&["", "mean", "min", "p50", "p90", "p99", "max"]);
    table.row(percentile_row("units", &s.units, |v| format!("{v:.3}")));
    table.row(percentile_row("runtime", &s.runtime_s, format_seconds));
    table.row(percentile_row("data", &s.data_bytes, format_bytes));
    table.render(&mut out);
    out
}
