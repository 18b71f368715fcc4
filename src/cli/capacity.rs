//! `cnsim capacity`: the command line of `whatif::capacity`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::sweep::{progress_bar, read_source};
use crate::cli::whatif::WhatIf;
use crate::cli::{BatchArgs, CliError, Format, write_all_or_nothing};
use crate::scheduler::SchedulerSpec;
use crate::whatif::capacity::{self, CapacityConfig, CapacityError, CapacityResult};
use crate::whatif::sweep::sig;

/// Arguments of `cnsim capacity`.
#[derive(Debug, clap::Args)]
pub struct CapacityArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// The target, e.g. 'p99 wait <= 10min', 'mean jct interactive <= 1h', 'finished_share.all >= 0.99'.
    #[arg(long)]
    target: String,
    /// What to vary: load_scale (find the largest load) or a path such as
    /// hubs.ningxia.intelligent (find the smallest capacity).
    #[arg(long, default_value = "load_scale")]
    vary: String,
    /// The range searched, LOW,HIGH (default: 0.1,4 for load_scale; capacity/8 to capacity x 4 for a hub pool).
    #[arg(long, value_name = "LOW,HIGH")]
    range: Option<String>,
    /// Stop when the bracket is at most this wide (default: a hundredth of the range).
    #[arg(long)]
    tolerance: Option<f64>,
    /// Scheduler: a name, or name:key=value,... (default: the scenario's).
    #[arg(long)]
    scheduler: Option<String>,
    /// Seeds per probe (the same seeds at every probe).
    #[arg(long, default_value_t = 5)]
    replications: usize,
    /// Duration and parallelism.
    #[command(flatten)]
    batch: BatchArgs,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the JSON result to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// What-if overrides applied before the varied value.
    #[command(flatten)]
    what_if: WhatIf,
}

/// Runs `cnsim capacity`.
pub fn capacity(args: CapacityArgs) -> Result<(), CliError> {
    let source = read_source(&args.scenario)?;
    let range = match &args.range {
        None => None,
        Some(text) => {
            let parts: Vec<Option<f64>> = text.split(',').map(|p| p.trim().parse::<f64>().ok()).collect();
            match parts.as_slice() {
                [Some(lo), Some(hi)] => Some((*lo, *hi)),
                _ => return Err(CliError::Input(format!("--range {text:?}: expected LOW,HIGH, e.g. 0.5,2"))),
            }
        }
    };
    let policy = args
        .scheduler
        .as_deref()
        .map(|t| SchedulerSpec::parse_cli(t).map_err(|e| CliError::Input(format!("--scheduler {t:?}: {e}"))))
        .transpose()?;
    crate::cli::output::check_outputs(&args.json.iter().map(Path::new).collect::<Vec<_>>())?;
    let config = CapacityConfig {
        source,
        file: args.scenario.display().to_string(),
        base: args.what_if.overrides()?,
        policy,
        target: args.target.clone(),
        vary: args.vary.clone(),
        range,
        tolerance: args.tolerance,
        replications: args.replications,
        duration: args.batch.duration()?,
        max_in_flight: args.batch.max_in_flight()?,
        parallelism: args.batch.parallelism(),
    };
    let bar = progress_bar(0, "probes");
    if let Some(b) = &bar {
        b.set_style(indicatif::ProgressStyle::with_template("{spinner} probes {pos} ({elapsed})").expect("static"));
    }
    let shown = bar.clone();
    let progress = move |n: usize| {
        if let Some(b) = &shown {
            b.set_position(n as u64);
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let result = capacity::search(&config, cancel, &progress).map_err(|e| match e {
        CapacityError::Input(m) => CliError::Input(m),
        CapacityError::Run(m) => CliError::Run(m),
        CapacityError::Batch(e) => CliError::Batch(e),
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let json = format!("{}\n", serde_json::to_string_pretty(&result).expect("serialisable"));
    if let Some(path) = &args.json {
        write_all_or_nothing(&[(Path::new(path), json.clone().into_bytes())])?;
    }
    match args.format {
        Format::Json => out!("{json}"),
        Format::Text => out!("{}", render(&result)),
    }
    if result.status == "interrupted" {
        return Err(CliError::Interrupted(format!(
            "interrupted after {} probes: reported the probes that finished",
            result.probes.len()
        )));
    }
    Ok(())
}

fn value(v: f64) -> String {
    if v.is_finite() && v == v.round() && v.abs() < 1e15 { format!("{}", v as i64) } else { sig(v) }
}

/// The text report: the question, every probe, the answer and its interval.
pub fn render(r: &CapacityResult) -> String {
    let mut out = format!(
        "capacity search: {} with {}, target '{}' ({} {} {}), varying {} over [{}, {}]\n",
        r.scenario,
        r.scheduler,
        r.target.text,
        r.target.key,
        match r.target.op {
            capacity::Op::Le => "<=",
            capacity::Op::Lt => "<",
            capacity::Op::Ge => ">=",
            capacity::Op::Gt => ">",
        },
        r.target.threshold,
        r.vary,
        value(r.range.0),
        value(r.range.1)
    );
    out.push_str(&format!(
        "{} replications a probe (seeds {}..{}, the same at every probe)\n\n",
        r.seeds.len(),
        r.seeds.first().copied().unwrap_or_default(),
        r.seeds.last().copied().unwrap_or_default()
    ));
    out.push_str(&format!(
        "{:<13} {:>12} {:>12} {:>12}  verdict\n",
        "probe",
        r.vary.rsplit('.').next().unwrap_or(""),
        "mean",
        "± 95 % CI"
    ));
    for p in &r.probes {
        let verdict = match (p.meets, p.meets_confidently, p.meets_plausibly) {
            (true, true, _) => "meets (whole CI)",
            (true, false, _) => "meets (mean only)",
            (false, _, true) => "fails (mean only)",
            (false, _, false) => "fails (whole CI)",
        };
        out.push_str(&format!(
            "{:<13} {:>12} {:>12} {:>12}  {verdict}\n",
            p.stage,
            value(p.value),
            value(p.mean),
            value(p.ci95)
        ));
    }
    out.push('\n');
    let what = if r.direction == "smallest" { "smallest" } else { "largest" };
    match r.status {
        "found" | "interrupted" if r.answer.is_some() => {
            let ci = |v: Option<f64>, beyond: &str| v.map_or(beyond.to_string(), value);
            let (below, above) = (format!("below {}", value(r.range.0)), format!("above {}", value(r.range.1)));
            out.push_str(&format!(
                "answer: the {what} {} that meets the target is {} (next probe {} fails); 95 % CI {} .. {}\n",
                r.vary,
                value(r.answer.unwrap_or(f64::NAN)),
                value(r.first_failing.unwrap_or(f64::NAN)),
                ci(r.ci.0, &below),
                ci(r.ci.1, &above)
            ));
        }
        "meets-everywhere" => out.push_str("answer: both ends of the range meet the target; widen --range\n"),
        "fails-everywhere" => out.push_str("answer: neither end of the range meets the target; widen --range\n"),
        _ => out.push_str("answer: none (interrupted before the range was probed)\n"),
    }
    out.push_str(&format!("meets: {}\n", r.definition));
    out
}
