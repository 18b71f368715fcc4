//! Shared helpers: building scenarios, running them, and confidence intervals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cnsim::engine::{HubState, PoolState};
use cnsim::model::{EnergyModel, Hub, NetworkConfig, PoolKind, Region, Side, World};
use cnsim::report::RunReport;
use cnsim::rng::{Stream, stream};
use cnsim::scenario::Scenario;
use cnsim::scheduler::{self, Decision, JobRequest, View};
use cnsim::simulation::{RunOutput, simulate};
use cnsim::time::HOUR;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scenario parsed from TOML text.
pub fn parse(source: &str) -> Scenario {
    Scenario::parse(source, "test.toml").unwrap_or_else(|e| panic!("test scenario invalid: {e}"))
}

/// A shipped scenario file.
pub fn shipped(name: &str) -> Scenario {
    Scenario::load(&root().join("scenarios").join(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a scenario and builds its report.
pub fn run(scenario: &Scenario) -> (RunOutput, RunReport) {
    let output = simulate(scenario).expect("known scheduler");
    let report = output.report(scenario);
    (output, report)
}

/// A single-hub M/M/c queue: `c` units, Poisson arrivals at `lambda` per second, exponential
/// runtimes with mean 1 s, no data and no network delay.
pub fn mmc(c: u32, lambda: f64, duration: &str, warmup: &str, seed: u64) -> Scenario {
    parse(
        &mmc_source(c, lambda)
            .replace("duration = \"1h\"", &format!("duration = \"{duration}\""))
            .replace("warmup = \"6min\"", &format!("warmup = \"{warmup}\"\nseed = {seed}")),
    )
}

/// The TOML of `mmc` (1 h, 6 min warm-up); line 4 is the scheduler.
pub fn mmc_source(c: u32, lambda: f64) -> String {
    format!(
        r#"
        duration = "1h"
        warmup = "6min"
        scheduler = "nearest"
        [network]
        fixed_delay = "0s"
        [[hubs]]
        id = "h"
        lat = 30.0
        lon = 110.0
        intelligent = {c}
        [[regions]]
        id = "r"
        lat = 30.0
        lon = 110.0
        [[classes]]
        name = "unit"
        pool = "intelligent"
        rate = "{lambda}/s"
        units = 1
        runtime = {{ dist = "exponential", mean = "1s" }}
        "#
    )
}

/// Mean and 95 % confidence half-width (Student t) of independent replications.
pub fn mean_ci(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    assert!(n >= 2);
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = match n - 1 {
        4 => 2.776,
        9 => 2.262,
        _ => panic!("add the t quantile for n = {n}"),
    };
    (mean, t * (var / n as f64).sqrt())
}

/// Asserts that `exact` lies in the 95 % CI of `values`, and that the CI is tight enough
/// (half-width at most `max_relative` of the exact value) for the check to mean something.
pub fn assert_in_ci(what: &str, values: &[f64], exact: f64, max_relative: f64) {
    let (mean, half) = mean_ci(values);
    assert!((mean - exact).abs() <= half, "{what}: exact {exact} outside {mean:.6} +- {half:.6} ({values:?})");
    assert!(half <= max_relative * exact, "{what}: CI +- {half:.6} too wide around {mean:.6} to test anything");
}

/// The cnsim binary.
pub fn cnsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cnsim")).args(args).current_dir(root()).output().expect("cnsim runs")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cnsim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes a file into `dir` and returns its path.
pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write test file");
    path
}

/// The JSON report with the wall-clock fields removed.
pub fn without_wall_clock(json: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let perf = value["performance"].as_object_mut().expect("performance object");
    for key in ["wall_seconds", "events_per_second", "jobs_per_second", "peak_rss_bytes"] {
        perf.remove(key);
    }
    value
}

/// A hub for hand-built worlds.
pub struct HubSpec {
    pub lon: f64,
    pub capacity: u32,
    pub side: Side,
    pub pue: f64,
    pub price: f64,
    pub renewable: f64,
}

/// An eastern hub with middling PUE, price and renewable share.
pub fn hub(lon: f64, capacity: u32) -> HubSpec {
    HubSpec { lon, capacity, side: Side::East, pue: 1.2, price: 0.5, renewable: 0.5 }
}

/// Hubs on the equator at the given longitudes; one region at longitude 0.
pub fn world(specs: &[HubSpec]) -> World {
    let hubs = specs
        .iter()
        .enumerate()
        .map(|(i, s)| Hub {
            id: format!("h{i}"),
            name: format!("h{i}"),
            cluster: String::new(),
            side: Some(s.side),
            lat: 0.0,
            lon: s.lon,
            capacity: [s.capacity, 0],
            pue: s.pue,
            price: s.price,
            renewable: s.renewable,
        })
        .collect();
    let regions = vec![Region { id: "r".into(), lat: 0.0, lon: 0.0, weight: 1.0 }];
    World::build(hubs, regions, &NetworkConfig::default(), Vec::new(), EnergyModel::default()).expect("no topology")
}

/// A request from region 0 for the intelligent pool, with a one-hour runtime estimate.
pub fn request(units: u32, data_bytes: u64, max_round_trip: Option<u64>) -> JobRequest {
    JobRequest {
        class: 0,
        origin: 0,
        pool: PoolKind::Intelligent,
        units,
        data_bytes,
        max_round_trip,
        runtime_estimate: HOUR,
        slack: None,
        interruptible: None,
        submit: 0,
        input: cnsim::workload::InputAt::Origin,
        output_bytes: 0,
    }
}

/// `times` decisions of the policy `spec` (command-line form) for `job` on a fixed state.
pub fn decide(spec: &str, world: &World, state: &[HubState], job: &JobRequest, times: usize) -> Vec<Decision> {
    let mut policy = scheduler::build(&spec.into(), &world.hubs).unwrap();
    let mut rng = stream(5, Stream::Scheduler);
    let view = view_at_zero(world, state, false);
    (0..times).map(|_| policy.decide(job, &view, &mut rng)).collect()
}

/// The scheduler's view of `world` at time 0 with `state`, no flows and no signals.
pub fn view_at_zero<'a>(world: &'a World, state: &'a [HubState], degraded: bool) -> View<'a> {
    View::new(0, &world.hubs, state, &world.network, &world.energy).with_degraded(degraded)
}

/// One `HubState` per hub of `world`, its intelligent pool set up by `configure(hub, pool)`.
pub fn states(world: &World, configure: impl Fn(usize, &mut PoolState)) -> Vec<HubState> {
    world
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut pool = PoolState::new(h.capacity[0]);
            configure(i, &mut pool);
            HubState::new([pool, PoolState::new(0)])
        })
        .collect()
}

/// An idle pool of `capacity` units made `busy` and with `queued` units waiting, by the
/// engine's own operations at time 0 (jobs with zero runtime estimates, so no remaining work).
pub fn load_pool(pool: &mut PoolState, busy: u32, queued: u64) {
    if busy > 0 {
        pool.occupy(0, u32::MAX, busy, 0);
    }
    if queued > 0 {
        let units = u32::try_from(queued).expect("queued units fit a job");
        pool.enqueue(0, cnsim::engine::Queued { job: u32::MAX - 1, units, runtime: 0 });
    }
}

/// `mmc_source` with `extra` lines added to the class (after `units = 1`).
pub fn mmc_with(c: u32, lambda: f64, extra: &str) -> String {
    mmc_source(c, lambda).replace("units = 1\n", &format!("units = 1\n{extra}\n"))
}

/// Sets the duration, warm-up and seed of an `mmc_source`-based text.
pub fn timed(source: &str, duration: &str, warmup: &str, seed: u64) -> Scenario {
    parse(
        &source
            .replace("duration = \"1h\"", &format!("duration = \"{duration}\""))
            .replace("warmup = \"6min\"", &format!("warmup = \"{warmup}\"\nseed = {seed}")),
    )
}

/// Erlang C probability of waiting for c servers at offered load a.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    last / (sum + last)
}
