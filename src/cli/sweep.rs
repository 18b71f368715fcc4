//! `cnsim sweep`: the command line of `whatif::sweep`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::whatif::WhatIf;
use crate::cli::{BatchArgs, CliError, policy_list, write_all_or_nothing};
use crate::scenario::ScenarioError;
use crate::whatif::sweep::{self, Axis, SweepConfig, SweepError};

/// Arguments of `cnsim sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// A grid axis PATH=V1,V2,... (repeatable; the product of all axes is run). PATH is
    /// `load_scale` or any --set path, e.g. hubs.ningxia.intelligent=19081,28621,38162.
    #[arg(long, value_name = "PATH=V1,V2,...")]
    grid: Vec<String>,
    /// Policies, comma-separated; each a name or name:key=value (default: the scenario's).
    #[arg(long)]
    schedulers: Vec<String>,
    /// Seeds per point and policy (scenario seed, seed + 1, ...).
    #[arg(long, default_value_t = 5)]
    replications: usize,
    /// Duration and parallelism.
    #[command(flatten)]
    batch: BatchArgs,
    /// Write PREFIX.csv and PREFIX.json.
    #[arg(long, value_name = "PREFIX")]
    out: Option<PathBuf>,
    /// Write the tidy CSV (one row per run and figure) to this file.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Write the JSON (runs, summary with confidence intervals) to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// What-if overrides applied to every grid point.
    #[command(flatten)]
    what_if: WhatIf,
}

/// Reads a scenario's text for commands that re-parse it with overrides.
pub(crate) fn read_source(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: path.to_path_buf(), source }.into())
}

/// A progress bar of runs on stderr when it is a terminal.
pub(crate) fn progress_bar(total: u64, what: &str) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {what} {{pos}}/{{len}} {{bar:40}} eta {{eta}}"
            ))
            .expect("static template"),
        );
        b
    })
}

/// Runs `cnsim sweep`.
pub fn sweep(args: SweepArgs) -> Result<(), CliError> {
    let source = read_source(&args.scenario)?;
    let axes = args.grid.iter().map(|g| Axis::parse(g)).collect::<Result<Vec<_>, _>>().map_err(CliError::Input)?;
    let policies = if args.schedulers.is_empty() { Vec::new() } else { policy_list(&args.schedulers)? };
    let duration = args.batch.duration()?;
    let mut outputs: Vec<(PathBuf, bool)> = Vec::new();
    if let Some(prefix) = &args.out {
        let with = |ext: &str| {
            let mut name = prefix.as_os_str().to_os_string();
            name.push(ext);
            PathBuf::from(name)
        };
        outputs.push((with(".csv"), false));
        outputs.push((with(".json"), true));
    }
    if let Some(path) = &args.csv {
        outputs.push((path.clone(), false));
    }
    if let Some(path) = &args.json {
        outputs.push((path.clone(), true));
    }
    crate::cli::output::check_outputs(&outputs.iter().map(|(p, _)| p.as_path()).collect::<Vec<_>>())?;
    let config = SweepConfig {
        source,
        file: args.scenario.display().to_string(),
        base: args.what_if.overrides()?,
        axes,
        policies,
        replications: args.replications,
        duration,
        max_in_flight: args.batch.max_in_flight()?,
        parallelism: args.batch.parallelism(),
    };
    let total = sweep::check(&config).map_err(CliError::Input)?;
    let bar = progress_bar(total as u64, "runs");
    let progress = bar.clone();
    let cancel = Arc::new(AtomicBool::new(false));
    let result = sweep::run(&config, cancel, move |done, _| {
        if let Some(b) = &progress {
            b.set_position(done as u64);
        }
    })
    .map_err(|e| match e {
        SweepError::Input(m) => CliError::Input(m),
        SweepError::Run(m) => CliError::Run(m),
        SweepError::Batch(e) => CliError::Batch(e),
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let csv = sweep::csv(&result).map_err(|e| CliError::Run(format!("cannot render the CSV: {e}")))?;
    let json = format!("{}\n", serde_json::to_string_pretty(&result).expect("serialisable"));
    let files: Vec<(&Path, Vec<u8>)> = outputs
        .iter()
        .map(|(path, is_json)| (path.as_path(), if *is_json { json.clone().into_bytes() } else { csv.clone() }))
        .collect();
    write_all_or_nothing(&files)?;
    out!("{}", sweep::render_summary(&result));
    if outputs.is_empty() {
        crate::cli::output::stderr("note: no --out, --csv or --json given: only the summary above was written\n");
    }
    if !result.complete {
        return Err(CliError::Interrupted(format!(
            "interrupted: wrote the {} of {} runs that finished (JSON \"complete\": false)",
            result.runs_finished, result.runs_planned
        )));
    }
    Ok(())
}
