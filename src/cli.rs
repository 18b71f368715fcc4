//! Command-line interface: argument parsing, commands, outputs and exit codes.
//!
//! Exit codes: 0 success, 2 bad input (scenario, arguments), 1 a failure of the run (such as
//! an output file that cannot be written). Outputs are rendered completely before any file is
//! written, and each file is written to a temporary name and renamed, so a failed run leaves
//! nothing half-written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::JobSink;
use crate::report;
use crate::scenario::limits;
use crate::scenario::{RunFlags, Scenario, ScenarioError};
use crate::scheduler::{SchedulerSpec, registry};
use crate::simulation::{RunError, RunOutput, simulate_with};
use crate::time::{DURATION_UNITS_HELP, parse_duration};
use crate::{bench, seeds};

/// `print!` to standard output through [`output::stdout`], returning its error.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(&format!($($arg)*))?
    };
}

/// `println!` to standard output through [`output::stdout`], returning its error.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(&format!("{}\n", format_args!($($arg)*)))?
    };
}

pub mod capacity;
mod jobs_file;
pub mod output;
pub mod sweep;
pub mod trace;
pub mod whatif;

pub(crate) use output::write_all_or_nothing;

use whatif::WhatIf;

/// A discrete-event simulator of a national computing-power network.
#[derive(Debug, Parser)]
#[command(name = "cnsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// Report formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned tables and bar charts.
    #[default]
    Text,
    /// Stable keys, documented in docs/metrics.md (run) and docs/comparing-policies.md (compare).
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the built-in default when none is given) and print its report.
    Run(RunArgs),
    /// Print a scenario's (or a preset's) hubs with totals, its regions with coordinates, the
    /// latency matrices, and for each class which hubs it can reach and why not the others.
    Hubs {
        /// Scenario file to show (default: the preset given by --preset).
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Preset to show.
        #[arg(long, default_value = seeds::DEFAULT_PRESET)]
        preset: String,
    },
    /// Print a world's links and the route of every region-hub pair (the built-in default
    /// scenario's when none is given).
    Network {
        /// The scenario file.
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the schedulers with one line each, and their parameters.
    Schedulers,
    /// Compare schedulers on the same seeds, with 95 % confidence intervals.
    Compare(CompareArgs),
    /// Check a scenario file and summarise it, without running it.
    Validate {
        /// The scenario file.
        scenario: PathBuf,
        /// Treat warnings (overload, classes that can never be placed) as errors: exit 2.
        #[arg(long)]
        strict: bool,
        /// What-if overrides.
        #[command(flatten)]
        what_if: WhatIf,
    },
    /// Read real cluster traces: `cnsim trace inspect FILE --format F`.
    Trace {
        #[command(subcommand)]
        command: trace::TraceCommand,
    },
    /// Run every combination of grid values, policies and seeds; write a tidy CSV and JSON.
    Sweep(sweep::SweepArgs),
    /// Find the largest load (or smallest capacity) that meets a target, by bisection.
    Capacity(capacity::CapacityArgs),
    /// Time the reference model (N hubs x 64 units, rho = 0.9) and print jobs/s, events/s and memory.
    Bench {
        /// Hubs in the model.
        #[arg(long, default_value_t = 8)]
        hubs: usize,
        /// Jobs per run.
        #[arg(long, default_value_t = 2_000_000)]
        jobs: u64,
        /// Runs (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Placement policy, `name` or `name:key=value,...`. With `nearest` (the default) every
        /// hub is its own M/M/64 queue with a known exact mean wait; other policies route jobs
        /// between hubs, which times their decisions at scale.
        #[arg(long, default_value = "nearest")]
        scheduler: String,
        /// Time the flow network model instead: `--jobs` transfers on a star of 6 regions and
        /// 8 hubs (an access link per region, an ingress link per hub) at 79 % load on every
        /// link, lognormal sizes; prints transfers/s and the mean sojourn against processor
        /// sharing's.
        #[arg(long)]
        star: bool,
        /// The reference model under the flow network model: every job also moves 100 MB over
        /// its region's own 80 Gbps line (58 % load).
        #[arg(long)]
        flow: bool,
        /// Time the bare baseline instead: the reference model as the tightest hand-written
        /// loop (a binary heap of 16-byte events, one generator, no metrics), what cnsim's
        /// speed is compared with.
        #[arg(long, conflicts_with_all = ["star", "flow", "scheduler"])]
        bare: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
struct CompareArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Policies to compare, comma-separated; each a name or name:key=value (repeatable).
    #[arg(long, required = true)]
    schedulers: Vec<String>,
    /// Seeds per policy (scenario seed, seed + 1, ...).
    #[arg(long, default_value_t = 5)]
    replications: usize,
    /// Policy the others are compared with (paired differences); default: the first.
    #[arg(long)]
    baseline: Option<String>,
    /// Duration and parallelism.
    #[command(flatten)]
    batch: BatchArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// What-if overrides.
    #[command(flatten)]
    what_if: WhatIf,
}

#[derive(Debug, Default, clap::Args)]
struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in default (scenarios/default.toml).
    scenario: Option<PathBuf>,
    /// Master seed, replacing the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Scheduler, replacing the scenario's: a name, or name:key=value,... (see `cnsim schedulers`).
    #[arg(long)]
    scheduler: Option<String>,
    /// Simulated duration such as "7d" or "30min", replacing the scenario's; the warm-up
    /// keeps its share of the run unless --warmup is given.
    #[arg(long)]
    duration: Option<String>,
    /// Warm-up such as "1d", replacing the scenario's.
    #[arg(long)]
    warmup: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the utilisation time series as CSV to this file.
    #[arg(long)]
    timeseries: Option<PathBuf>,
    /// Write every latency histogram to this file in HdrHistogram interval-log format.
    #[arg(long)]
    hdr_log: Option<PathBuf>,
    /// Write one CSV row per job to this file, as jobs end (schema in docs/traces.md).
    #[arg(long)]
    jobs: Option<PathBuf>,
    /// Most jobs in flight at once; an overloaded run that reaches it stops with an error.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_IN_FLIGHT)]
    max_in_flight: usize,
    /// What-if overrides.
    #[command(flatten)]
    what_if: WhatIf,
}

/// A command's failure, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(String),
    /// The run failed: exit code 1.
    #[error("{0}")]
    Run(String),
    /// Interrupted by Ctrl-C after reporting what finished: exit code 130.
    #[error("{0}")]
    Interrupted(String),
    /// Standard output was closed by its reader (`cnsim ... | head`): stop quietly, exit 0.
    #[error("standard output was closed")]
    ClosedPipe,
    /// The scenario could not be loaded: exit code 2.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The run failed (exit code 1), or its scheduler could not be built (exit code 2).
    #[error(transparent)]
    Simulation(#[from] RunError),
    /// A run of a batch (`compare`, `sweep`, `capacity`) failed: exit code 1.
    #[error(transparent)]
    Batch(#[from] crate::batch::BatchError),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Run(_) => 1,
            CliError::Interrupted(_) => 130,
            CliError::ClosedPipe => 0,
            CliError::Scenario(_) | CliError::Simulation(RunError::Scheduler(_) | RunError::Trace(_)) => 2,
            // A bad trace row is bad input, in a batch as in one run.
            CliError::Batch(crate::batch::BatchError::Run { source, .. }) if matches!(**source, RunError::Trace(_)) => {
                2
            }
            CliError::Simulation(_) | CliError::Batch(_) => 1,
        }
    }
}

/// Runs the command line.
pub fn main(cli: Cli) -> Result<(), CliError> {
    match cli.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Run(args) => run(args),
        Command::Hubs { scenario, format, preset } => hubs(scenario.as_deref(), &preset, format),
        Command::Network { scenario, format } => network(scenario.as_deref(), format),
        Command::Schedulers => {
            let width = registry::POLICIES.iter().map(|p| p.name.len()).max().unwrap_or(0);
            for p in registry::POLICIES {
                outln!("{:<width$}  {}", p.name, p.summary);
                for param in p.params {
                    let default = if param.default.is_empty() { "(none)" } else { param.default };
                    outln!("{:<width$}    {}={default}  {}", "", param.name, param.help);
                }
            }
            Ok(())
        }
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Trace { command } => trace::trace(command),
        Command::Capacity(args) => capacity::capacity(args),
        Command::Validate { scenario, strict, what_if } => validate(&scenario, strict, &what_if),
        Command::Bench { jobs, runs, star: true, .. } => star_command(jobs, runs),
        Command::Bench { hubs, jobs, runs, bare: true, .. } => bare_command(hubs, jobs, runs),
        Command::Bench { hubs, jobs, runs, scheduler, format, flow, .. } => {
            bench_command(hubs, jobs, runs, &scheduler, format, flow)
        }
    }
}

/// Options every batch of runs takes (`compare`, `sweep`, `capacity`).
#[derive(Debug, clap::Args)]
pub(crate) struct BatchArgs {
    /// Simulated duration such as "2d", replacing the scenario's (the warm-up keeps its share).
    #[arg(long)]
    duration: Option<String>,
    /// Simulations at once (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Most jobs in flight at once in a run; a run that reaches it fails the whole batch.
    #[arg(long, default_value_t = limits::DEFAULT_MAX_IN_FLIGHT)]
    max_in_flight: usize,
}

impl BatchArgs {
    /// `--duration`, parsed.
    pub(crate) fn duration(&self) -> Result<Option<u64>, CliError> {
        self.duration.as_deref().map(|d| cli_duration(d, "duration")).transpose()
    }

    /// `--max-in-flight`, checked.
    pub(crate) fn max_in_flight(&self) -> Result<usize, CliError> {
        limits::max_in_flight(self.max_in_flight).map_err(|e| CliError::Input(format!("--max-in-flight: {e}")))
    }

    /// Simulations at once: `--jobs`, at most the number of cores.
    pub(crate) fn parallelism(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.jobs.unwrap_or(cores).clamp(1, cores.max(1))
    }
}

fn cli_duration(text: &str, flag: &str) -> Result<u64, CliError> {
    parse_duration(text).map_err(|e| CliError::Input(format!("--{flag} {text:?}: {e}; expected {DURATION_UNITS_HELP}")))
}

/// Loads the scenario with the command line's overrides and flags, checked in one pass.
fn load_run_scenario(args: &RunArgs) -> Result<Scenario, CliError> {
    let flags = RunFlags {
        seed: args.seed,
        scheduler: args.scheduler.clone(),
        duration: args.duration.clone(),
        warmup: args.warmup.clone(),
    };
    let mut scenario = whatif::load_with_flags(args.scenario.as_deref(), &args.what_if, &flags)?;
    scenario.run.max_in_flight =
        limits::max_in_flight(args.max_in_flight).map_err(|e| CliError::Input(format!("--max-in-flight: {e}")))?;
    Ok(scenario)
}

fn run(args: RunArgs) -> Result<(), CliError> {
    let outputs: Vec<&Path> =
        [&args.out, &args.timeseries, &args.hdr_log, &args.jobs].into_iter().flatten().map(|p| p.as_path()).collect();
    output::check_outputs(&outputs)?;
    let scenario = load_run_scenario(&args)?;
    let jobs = args.jobs.as_deref().map(|path| jobs_file::JobsFile::create(path, &scenario)).transpose()?;
    let output = match run_with_progress(&scenario, jobs.as_ref().map(jobs_file::JobsFile::sink)) {
        Ok(output) => output,
        Err(e) => {
            if let Some(jobs) = jobs {
                jobs.discard();
            }
            return Err(e);
        }
    };
    let report = output.report(&scenario);
    warn(&report.load_check.warnings);
    let rendered = match args.format {
        Format::Text => report::text::render(&report),
        Format::Json => report::json::render(&report),
    };
    // Render everything first, then write: a failure leaves no partial file behind.
    let mut files: Vec<(&Path, Vec<u8>)> = Vec::new();
    if let Some(path) = &args.timeseries {
        let mut buffer = Vec::new();
        report::timeseries::write_csv(&mut buffer, &output.world, &output.recorder)
            .map_err(|e| CliError::Run(format!("cannot render the time series: {e}")))?;
        files.push((path, buffer));
    }
    if let Some(path) = &args.hdr_log {
        let mut buffer = Vec::new();
        let start = Duration::from_nanos(scenario.run.warmup);
        let length = Duration::from_nanos(scenario.run.duration - scenario.run.warmup);
        report::hdr_log::write(&mut buffer, &output.world, &output.recorder, start, length)
            .map_err(|e| CliError::Run(format!("cannot render the HDR log: {e}")))?;
        files.push((path, buffer));
    }
    if let Some(path) = &args.out {
        files.push((path, rendered.clone().into_bytes()));
    }
    if let Some(jobs) = jobs {
        jobs.check()?;
        if let Err(e) = output::write_all_or_nothing(&files) {
            jobs.discard();
            return Err(e);
        }
        jobs.keep()?;
    } else {
        output::write_all_or_nothing(&files)?;
    }
    if args.out.is_none() {
        out!("{rendered}");
    }
    Ok(())
}

/// Runs with a progress bar on stderr when it is a terminal and the run lasts over a second.
fn run_with_progress(scenario: &Scenario, jobs: Option<Box<dyn JobSink>>) -> Result<RunOutput, CliError> {
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let output = simulate_with(scenario, jobs, |now, end| {
        if !terminal {
            return true;
        }
        if bar.is_none() && started.elapsed() > Duration::from_secs(1) {
            let b = indicatif::ProgressBar::new(1000);
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} simulating {bar:40} {percent:>3}% eta {eta}")
                    .expect("static template"),
            );
            bar = Some(b);
        }
        if let Some(b) = &bar {
            b.set_position(now * 1000 / end.max(1));
        }
        true
    })
    .map_err(CliError::from);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(output?.expect("a run that is never stopped finishes"))
}

/// Splits `a,b:k=1,j=2,c` into policies, keeping parameters with their policy.
fn policy_list(args: &[String]) -> Result<Vec<SchedulerSpec>, CliError> {
    let mut texts: Vec<String> = Vec::new();
    for token in args.iter().flat_map(|a| a.split(',')).map(str::trim).filter(|t| !t.is_empty()) {
        match texts.last_mut() {
            Some(last) if token.contains('=') && !token.contains(':') => {
                last.push(',');
                last.push_str(token);
            }
            _ => texts.push(token.to_string()),
        }
    }
    texts
        .iter()
        .map(|t| SchedulerSpec::parse_cli(t).map_err(|e| CliError::Input(format!("--schedulers {t:?}: {e}"))))
        .collect()
}

fn compare(args: CompareArgs) -> Result<(), CliError> {
    output::check_outputs(&args.out.iter().map(|p| p.as_path()).collect::<Vec<_>>())?;
    let flags = RunFlags { duration: args.batch.duration.clone(), ..RunFlags::default() };
    let mut scenario = whatif::load_with_flags(Some(&args.scenario), &args.what_if, &flags)?;
    scenario.run.max_in_flight = args.batch.max_in_flight()?;
    let policies = policy_list(&args.schedulers)?;
    if policies.is_empty() {
        return Err(CliError::Input(format!(
            "--schedulers {:?}: give at least one scheduler, e.g. --schedulers nearest,least-loaded",
            args.schedulers.join(",")
        )));
    }
    let baseline = match &args.baseline {
        None => 0,
        Some(name) => {
            let wanted = SchedulerSpec::parse_cli(name).map_err(|e| CliError::Input(format!("--baseline: {e}")))?;
            policies
                .iter()
                .position(|p| *p == wanted || p.name == wanted.name && wanted.params.is_empty())
                .ok_or_else(|| CliError::Input(format!("--baseline {name:?} is not one of the compared schedulers")))?
        }
    };
    if args.replications == 0 {
        return Err(CliError::Input("--replications must be at least 1".into()));
    }
    let parallelism = args.batch.parallelism();
    let config =
        crate::compare::CompareConfig { scenario, policies, replications: args.replications, baseline, parallelism };
    let total = (config.policies.len() * config.replications) as u64;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} runs {pos}/{len} {bar:40} eta {eta}")
                .expect("static template"),
        );
        b
    });
    let progress = bar.clone();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let report = crate::compare::run(&config, cancel, move |done, _| {
        if let Some(b) = &progress {
            b.set_position(done as u64);
        }
    })
    .map_err(|e| match e {
        crate::compare::CompareError::Batch(e) => CliError::Batch(e),
        other => CliError::Input(other.to_string()),
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    warn(&report.load_check.warnings);
    let rendered = match args.format {
        Format::Text => crate::compare::render::render(&report),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&report).expect("serialisable")),
    };
    match &args.out {
        Some(path) => write_all_or_nothing(&[(path.as_path(), rendered.into_bytes())])?,
        None => out!("{rendered}"),
    }
    if report.interrupted {
        return Err(CliError::Interrupted(format!(
            "interrupted: reported the {} seed(s) that finished for every policy",
            report.seeds.len()
        )));
    }
    Ok(())
}

fn hubs(scenario: Option<&Path>, preset: &str, format: Format) -> Result<(), CliError> {
    let world = match scenario {
        Some(path) => Scenario::load(path)?.world(),
        None => Scenario::preset_world(preset).map_err(|e| CliError::Input(format!("--preset: {e}")))?,
    };
    let table = report::hubs::table(&world);
    match format {
        Format::Text => out!("{}", report::hubs::render_text(&table)),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&table).expect("serialisable")),
    }
    Ok(())
}

fn network(path: Option<&Path>, format: Format) -> Result<(), CliError> {
    let scenario = match path {
        Some(path) => Scenario::load(path)?,
        None => Scenario::default_scenario(),
    };
    let map = report::network_map::map(&scenario.world());
    match format {
        Format::Text => out!("{}", report::network_map::render_text(&map)),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&map).expect("serialisable")),
    }
    Ok(())
}

fn validate(path: &Path, strict: bool, what_if: &WhatIf) -> Result<(), CliError> {
    let scenario = whatif::load(Some(path), what_if)?;
    let world = scenario.world();
    let traces = crate::load_check::read_ahead(&scenario).map_err(|e| CliError::Input(e.to_string()))?;
    let basis = crate::load_check::TraceBasis::ReadAhead;
    let work =
        traces.as_ref().map(|stats| crate::load_check::TraceWork { stats, window: scenario.run.duration, basis });
    let check = crate::load_check::LoadCheck::with_traces(&world, work.as_ref());
    warn(&check.warnings);
    if strict && !check.warnings.is_empty() {
        return Err(CliError::Input(format!(
            "{}: {} load-check warning(s), refused under --strict",
            path.display(),
            check.warnings.len()
        )));
    }
    let expected = scenario.expected_jobs();
    let status = if check.warnings.is_empty() {
        "ok".to_string()
    } else {
        format!("ok with {} warning(s)", check.warnings.len())
    };
    outln!(
        "{status}: {} ({}): {} hubs ({:.1} EFLOPS), {} regions, {} classes, scheduler {}, {} ({} warm-up), about {:.0} jobs",
        path.display(),
        scenario.name,
        world.hubs.len(),
        world.total_capacity() as f64 / 1000.0,
        world.regions.len(),
        world.classes.len(),
        scenario.scheduler,
        crate::time::format_duration(scenario.run.duration),
        crate::time::format_duration(scenario.run.warmup),
        expected
    );
    if let Some(stats) = &traces {
        let files: Vec<&str> = scenario.traces.iter().map(|t| t.file.as_str()).collect();
        outln!("  plus {} trace jobs from {} (see `cnsim trace inspect`)", stats.replayed, files.join(", "));
    }
    let what_if = what_if.describe();
    if !what_if.is_empty() {
        outln!("  with {what_if}");
    }
    let mut table = String::new();
    report::text::render_load_check(&mut table, &check);
    out!("{table}");
    Ok(())
}

/// Prints each warning on standard error.
fn warn(warnings: &[String]) {
    for w in warnings {
        output::stderr(&format!("warning: {w}\n"));
    }
}

fn star_command(transfers: u64, runs: usize) -> Result<(), CliError> {
    if transfers == 0 || transfers > u64::from(u32::MAX) || runs == 0 {
        return Err(CliError::Input("--jobs must be between 1 and 4294967295 and --runs positive".into()));
    }
    outln!("flow model: star of 6 regions x 8 hubs, 79 % load on every link, {transfers} transfers a run, {runs} runs");
    let mut rates = Vec::with_capacity(runs);
    for run in 0..runs {
        let started = std::time::Instant::now();
        let star = bench::star_transfers(transfers, run as u64 + 1);
        let seconds = started.elapsed().as_secs_f64();
        rates.push(transfers as f64 / seconds);
        outln!(
            "  run {}: {:.3} s, {:.2} M transfers/s, {} re-allocations, mean sojourn / alone {:.3}",
            run + 1,
            seconds,
            transfers as f64 / seconds / 1e6,
            star.reallocations,
            star.mean_slowdown
        );
    }
    rates.sort_by(f64::total_cmp);
    outln!("median: {:.2} M transfers/s", rates[rates.len() / 2] / 1e6);
    Ok(())
}

fn bare_command(hubs: usize, jobs: u64, runs: usize) -> Result<(), CliError> {
    if hubs == 0 || hubs > crate::bare_loop::MAX_HUBS || jobs == 0 || runs == 0 {
        let most = crate::bare_loop::MAX_HUBS;
        return Err(CliError::Input(format!("--hubs must be between 1 and {most}, --jobs and --runs positive")));
    }
    println!(
        "bare loop: {hubs} hubs x {} units, rho = 0.9, {jobs} jobs a run, {runs} runs, no metrics",
        bench::UNITS_PER_HUB
    );
    let mut rates = Vec::with_capacity(runs);
    for run in 0..runs {
        let started = std::time::Instant::now();
        let bare = crate::bare_loop::run(hubs, jobs, run as u64 + 1);
        let seconds = started.elapsed().as_secs_f64();
        rates.push(bare.finished as f64 / seconds);
        println!("  run {}: {seconds:.3} s, {:.2} M jobs/s", run + 1, bare.finished as f64 / seconds / 1e6);
    }
    rates.sort_by(f64::total_cmp);
    println!("median: {:.2} M jobs/s", rates[rates.len() / 2] / 1e6);
    Ok(())
}

fn bench_command(
    hubs: usize,
    jobs: u64,
    runs: usize,
    scheduler: &str,
    format: Format,
    flow: bool,
) -> Result<(), CliError> {
    if hubs == 0 || hubs > limits::MAX_HUBS {
        return Err(CliError::Input(format!("--hubs {hubs}: must be between 1 and {}", limits::MAX_HUBS)));
    }
    if jobs == 0 || jobs as f64 > limits::MAX_JOBS_PER_RUN || runs == 0 {
        return Err(CliError::Input(format!(
            "--jobs must be between 1 and {} and --runs positive",
            limits::MAX_JOBS_PER_RUN
        )));
    }
    let spec =
        SchedulerSpec::parse_cli(scheduler).map_err(|e| CliError::Input(format!("--scheduler {scheduler:?}: {e}")))?;
    let summary = bench::run(hubs, jobs, runs, &spec, flow)?;
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&summary).expect("serialisable")),
        Format::Text => {
            outln!(
                "reference model{}: {} hubs x {} units, rho = 0.9, {} jobs a run, {} runs, scheduler {}",
                if flow { " with 100 MB flows on a line per hub" } else { "" },
                hubs,
                bench::UNITS_PER_HUB,
                jobs,
                runs,
                summary.scheduler
            );
            for (i, r) in summary.runs.iter().enumerate() {
                outln!(
                    "  run {}: {} jobs, {} events, {:.3} s, {:.2} M jobs/s, mean wait {:.6} s (exact {:.6})",
                    i + 1,
                    r.jobs,
                    r.events,
                    r.wall_seconds,
                    r.jobs as f64 / r.wall_seconds / 1e6,
                    r.mean_wait,
                    summary.exact_mean_wait
                );
            }
            outln!(
                "median: {:.2} M jobs/s, {:.2} M events/s, {:.1} ns/event",
                summary.median_jobs_per_second / 1e6,
                summary.median_events_per_second / 1e6,
                summary.median_ns_per_event
            );
            if let Some(rss) = summary.peak_rss_bytes {
                outln!("peak memory (RSS): {:.1} MiB", rss as f64 / 1048576.0);
            }
        }
    }
    Ok(())
}
