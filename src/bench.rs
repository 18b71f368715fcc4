//! `cnsim bench`: the reference model of the validation notes, timed.
//!
//! N hubs of 64 units, each fed by its own Poisson stream at 57.6 jobs/s (rho = 0.9), every
//! job 1 unit for an exponential runtime with mean 1 s, FIFO, no data, no network delay, all
//! metrics on. Each region sits at its hub and `nearest` routes to it, so each hub is an
//! M/M/64 queue with Wq = 0.048541 s.

use serde::Serialize;

use crate::engine::RunConfig;
use crate::model::{EnergyModel, Hub, NetworkConfig, PoolKind, QueueDiscipline, Region};
use crate::scenario::Scenario;
use crate::scheduler::SchedulerSpec;
use crate::simulation::{RunError, simulate};
use crate::time::SECOND;
use crate::workload::{Arrival, Distribution, JobClass};

/// Units per hub in the reference model.
pub const UNITS_PER_HUB: u32 = 64;
/// Arrival rate per hub, jobs per second.
pub const RATE_PER_HUB: f64 = 57.6;
/// Exact mean wait of the reference model (Erlang C, c = 64, a = 57.6).
pub const REFERENCE_WQ: f64 = 0.048541;

/// The reference model with `hubs` hubs, sized to submit about `jobs` jobs.
pub fn reference_scenario(hubs: usize, jobs: u64, seed: u64) -> Scenario {
    let side = (hubs as f64).sqrt().ceil() as usize;
    let place = |i: usize| (20.0 + (i / side) as f64 * 0.25, 90.0 + (i % side) as f64 * 0.25);
    let hub_list: Vec<Hub> = (0..hubs)
        .map(|i| {
            let (lat, lon) = place(i);
            Hub {
                id: format!("h{}", i + 1),
                name: format!("hub {}", i + 1),
                cluster: String::new(),
                side: None,
                lat,
                lon,
                capacity: [UNITS_PER_HUB, 0],
                pue: 1.2,
                price: 0.5,
                renewable: 0.0,
            }
        })
        .collect();
    let regions: Vec<Region> = (0..hubs)
        .map(|i| {
            let (lat, lon) = place(i);
            Region { id: format!("r{}", i + 1), lat, lon, weight: 1.0 }
        })
        .collect();
    let total_rate = RATE_PER_HUB * hubs as f64;
    let duration = ((jobs as f64 / total_rate) * SECOND as f64).ceil() as u64;
    let class = JobClass {
        name: "unit".into(),
        pool: PoolKind::Intelligent,
        arrival: Arrival { rate_per_second: total_rate, diurnal: None },
        units: Distribution::constant(1.0).expect("valid"),
        runtime: Distribution::exponential(1.0).expect("valid"),
        data: Distribution::constant(0.0).expect("valid"),
        max_round_trip: None,
        deadline: None,
        slo: crate::workload::Slo::default(),
        priority: 0,
        slack: None,
        interruptible: None,
        origin_weights: vec![1.0; hubs],
        input_at: crate::workload::InputAt::Origin,
        output: None,
        failure: crate::model::FailureRule::default(),
    };
    Scenario {
        name: format!("reference-{hubs}x64"),
        description: Some("the reference model of the validation notes".into()),
        censoring_threshold: crate::scenario::DEFAULT_CENSORING_THRESHOLD,
        run: RunConfig {
            seed,
            duration,
            warmup: duration / 10,
            sample_interval: (duration / 1000).max(1),
            max_in_flight: crate::scenario::limits::DEFAULT_MAX_IN_FLIGHT,
        },
        scheduler: SchedulerSpec::named("nearest"),
        policy: crate::scheduler::BuiltPolicy::default(),
        discipline: QueueDiscipline::Fifo,
        runtime_estimate_factor: 1.0,
        preset: None,
        hubs: hub_list,
        regions,
        network: NetworkConfig { fixed_delay: 0, ..NetworkConfig::default() },
        classes: vec![class],
        energy: EnergyModel::default(),
        faults: crate::model::Faults::default(),
        traces: Vec::new(),
        signals: None,
    }
}

/// The reference model under the flow network model: each region's jobs move 100 MB over
/// the region's own 80 Gbps line to its hub (57.6 jobs/s x 0.8 Gbit = 46 Gbps, 58 % of the
/// line), so every job is also a flow that shares its line with the others in flight. Every
/// hub also joins one core node (1 Tbps), so every region has a route to every hub.
pub fn with_flow_network(mut scenario: Scenario) -> Scenario {
    use crate::model::NetworkModel;
    use crate::model::topology::{LinkSpec, Node};
    let (regions, hubs) = (scenario.regions.len(), scenario.hubs.len());
    let core = regions + hubs;
    let link = |id: String, from: usize, to: usize, capacity_bps: f64| LinkSpec {
        id,
        from,
        to,
        capacity_bps,
        latency: None,
        background: 0.0,
        price_per_gb: 0.0,
    };
    scenario.network.model = NetworkModel::Flow;
    scenario.network.topology.nodes = vec![Node { id: "core".into(), lat: 20.0, lon: 90.0 }];
    scenario.network.topology.links = (0..hubs)
        .map(|h| link(format!("line{}", h + 1), h, regions + h, 80e9))
        .chain((0..hubs).map(|h| link(format!("core{}", h + 1), regions + h, core, 1e12)))
        .collect();
    for class in &mut scenario.classes {
        class.data = Distribution::constant(100e6).expect("finite");
    }
    scenario.name.push_str("-flow");
    scenario
}

/// One timed run.
#[derive(Clone, Debug, Serialize)]
pub struct BenchRun {
    /// Jobs submitted.
    pub jobs: u64,
    /// Events processed.
    pub events: u64,
    /// Wall seconds of the event loop.
    pub wall_seconds: f64,
    /// Mean wait measured (seconds), to show the run was the real model.
    pub mean_wait: f64,
}

/// The figures `cnsim bench` prints.
#[derive(Clone, Debug, Serialize)]
pub struct BenchSummary {
    /// Hubs in the model.
    pub hubs: usize,
    /// The placement policy (`nearest` unless asked otherwise).
    pub scheduler: String,
    /// Jobs asked for per run.
    pub jobs_requested: u64,
    /// Every run, in order.
    pub runs: Vec<BenchRun>,
    /// Median jobs per wall second.
    pub median_jobs_per_second: f64,
    /// Median events per wall second.
    pub median_events_per_second: f64,
    /// Median nanoseconds per event.
    pub median_ns_per_event: f64,
    /// Peak resident memory of the process.
    pub peak_rss_bytes: Option<u64>,
    /// Exact Wq of the model under `nearest` (each hub its own M/M/64 queue), for comparison
    /// with `runs[].mean_wait`; load-aware policies wait less.
    pub exact_mean_wait: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Runs the reference model `runs` times (seeds 1..=runs) under `scheduler`.
/// With `flow`, the model of [`with_flow_network`].
pub fn run(
    hubs: usize,
    jobs: u64,
    runs: usize,
    scheduler: &SchedulerSpec,
    flow: bool,
) -> Result<BenchSummary, RunError> {
    let mut results = Vec::with_capacity(runs);
    for seed in 1..=runs as u64 {
        let mut scenario = reference_scenario(hubs, jobs, seed);
        if flow {
            scenario = with_flow_network(scenario);
        }
        scenario.scheduler = scheduler.clone();
        let output = simulate(&scenario)?;
        let total = output.recorder.total();
        let submitted = total.submitted + output.recorder.warmup_counters.submitted;
        let wait = crate::metrics::Metric::Wait
            .to_report(output.recorder.all_latency.get(crate::metrics::Metric::Wait).mean());
        results.push(BenchRun {
            jobs: submitted,
            events: output.recorder.events,
            wall_seconds: output.wall.seconds,
            mean_wait: wait,
        });
    }
    Ok(BenchSummary {
        hubs,
        scheduler: scheduler.to_string(),
        jobs_requested: jobs,
        median_jobs_per_second: median(results.iter().map(|r| r.jobs as f64 / r.wall_seconds).collect()),
        median_events_per_second: median(results.iter().map(|r| r.events as f64 / r.wall_seconds).collect()),
        median_ns_per_event: median(results.iter().map(|r| r.wall_seconds * 1e9 / r.events as f64).collect()),
        peak_rss_bytes: crate::report::peak_rss_bytes(),
        exact_mean_wait: REFERENCE_WQ,
        runs: results,
    })
}

/// What [`star_transfers`] measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StarRun {
    /// Transfers that finished (all of them).
    pub finished: u64,
    /// Rate re-allocations.
    pub reallocations: u64,
    /// Mean of (sojourn / time alone on the route) over all transfers.
    pub mean_slowdown: f64,
}

/// The star of the flow-model throughput target: 6 regions and 8 hubs, an access link per
/// region (8 Gbps) and an ingress link per hub (6 Gbps), so that transfers between uniformly
/// random region-hub pairs load every link alike; Poisson arrivals with lognormal sizes
/// (mean 10 MB, sigma 1) at 79 % load on every link. Runs `transfers` transfers to completion.
pub fn star_transfers(transfers: u64, seed: u64) -> StarRun {
    use crate::engine::{FlowKind, FlowNetwork};
    use rand::RngExt;
    use rand_distr::{Distribution as _, Exp1, LogNormal};
    let (regions, hubs) = (6u32, 8u32);
    let mut capacity = vec![8e9; regions as usize];
    capacity.extend(std::iter::repeat_n(6e9, hubs as usize));
    let routes: Vec<Vec<u32>> = (0..regions).flat_map(|r| (0..hubs).map(move |h| vec![r, regions + h])).collect();
    let mut net = FlowNetwork::with_routes(&capacity, &routes, f64::INFINITY);
    let mean_bytes: f64 = 10e6;
    let sigma: f64 = 1.0;
    let sizes = LogNormal::new(mean_bytes.ln() - sigma * sigma / 2.0, sigma).expect("valid lognormal");
    // An access link carries 1/6 of the transfers: rate / 6 x mean x 8 bits / 8 Gbps = 0.79;
    // an ingress link 1/8: rate / 8 x mean x 8 / 6 Gbps, the same.
    let rate_per_ns = 0.79 * 6.0 * 8e9 / (8.0 * mean_bytes) / 1e9;
    let mut rng = crate::rng::stream(seed, crate::rng::Stream::Workload(0));
    let (mut started, mut finished) = (0u64, 0u64);
    let mut clock = 0.0f64;
    let mut next_arrival = 0u64;
    // Per transfer in flight: (start, time alone), by job index modulo a ring of slots.
    let mut alone = vec![(0u64, 0.0f64); 1 << 16];
    let mut slowdown_sum = 0.0;
    while finished < transfers {
        match net.next_completion() {
            Some(done) if done <= next_arrival || started >= transfers => {
                let d = net.complete(done);
                let (start, time_alone) = alone[d.job as usize & 0xffff];
                slowdown_sum += (done - start) as f64 / time_alone;
                finished += 1;
            }
            _ => {
                let route = rng.random_range(0..routes.len() as u32);
                let bytes: f64 = sizes.sample(&mut rng).max(1.0);
                // Alone, a transfer runs at the smaller of its two links: the 6 Gbps ingress.
                alone[started as usize & 0xffff] = (next_arrival, bytes * 8.0 / 6e9 * 1e9);
                net.start(next_arrival, route, bytes, started as u32, FlowKind::Input);
                started += 1;
                let gap: f64 = Exp1.sample(&mut rng);
                clock += gap / rate_per_ns;
                next_arrival = if started < transfers { clock as u64 } else { u64::MAX };
            }
        }
    }
    StarRun { finished, reallocations: net.reallocations, mean_slowdown: slowdown_sum / finished as f64 }
}
