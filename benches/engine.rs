//! Criterion benches: the event queue, one scheduler decision, and a whole run of the
//! reference model (8 hubs x 64 units, rho = 0.9, all metrics on).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use cnsim::bench::reference_scenario;
use cnsim::engine::{EventKind, EventQueue, HubState, PoolState, Queued};
use cnsim::model::{PoolKind, World};
use cnsim::rng::{Stream, stream};
use cnsim::scenario::Scenario;
use cnsim::scheduler::{self, JobRequest, View};
use cnsim::simulation::simulate;
use rand::RngExt;

/// The hold model: a queue of `size` pending events; each step pops the earliest and pushes
/// one at a random later time, as a simulation in steady state does.
fn event_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue_hold");
    for size in [64usize, 4_096, 262_144] {
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            let mut rng = stream(1, Stream::Scheduler);
            let mut queue = EventQueue::new();
            for i in 0..size {
                queue.push(rng.random_range(0..1_000_000_000), EventKind::Finish(i as u32));
            }
            b.iter(|| {
                let (t, kind) = queue.pop().expect("non-empty");
                queue.push(t + rng.random_range(1..2_000_000_000), kind);
                black_box(t)
            });
        });
        // The same model on std's binary heap of (time, sequence) keys, for the ratio.
        group.bench_with_input(BenchmarkId::new("binary_heap", size), &size, |b, &size| {
            use std::cmp::Reverse;
            use std::collections::BinaryHeap;
            let mut rng = stream(1, Stream::Scheduler);
            let mut heap = BinaryHeap::with_capacity(size);
            let mut seq = 0u64;
            for _ in 0..size {
                seq += 1;
                heap.push(Reverse((rng.random_range(0..1_000_000_000u64), seq)));
            }
            b.iter(|| {
                let Reverse((t, _)) = heap.pop().expect("non-empty");
                seq += 1;
                heap.push(Reverse((t + rng.random_range(1..2_000_000_000), seq)));
                black_box(t)
            });
        });
    }
    group.finish();
}

/// Hub states whose intelligent pool has `load(hub, capacity) = (busy, queued units)`.
fn loaded_states(world: &World, load: impl Fn(usize, u32) -> (u32, u64)) -> Vec<HubState> {
    world
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut pools = [PoolState::new(h.capacity[0]), PoolState::new(h.capacity[1])];
            let (busy, queued) = load(i, h.capacity[0]);
            if busy > 0 {
                pools[0].occupy(0, u32::MAX, busy, 0);
            }
            if queued > 0 {
                pools[0].enqueue(0, Queued { job: u32::MAX - 1, units: queued as u32, runtime: 0 });
            }
            HubState::new(pools)
        })
        .collect()
}

/// One decision of each policy on the default eight-hub world with some load.
fn scheduler_decision(c: &mut Criterion) {
    let world = Scenario::default_scenario().world();
    let state = loaded_states(&world, |i, capacity| (capacity / (2 + i as u32), 100 * i as u64));
    let job = JobRequest {
        class: 0,
        origin: 1,
        pool: PoolKind::Intelligent,
        units: 8,
        data_bytes: 10_000_000_000,
        max_round_trip: None,
        runtime_estimate: 3_600_000_000_000,
        slack: None,
        interruptible: None,
        submit: 0,
        input: cnsim::workload::InputAt::Origin,
        output_bytes: 0,
    };
    decisions(c, "scheduler_decision_8_hubs", &world.hubs, &state, &world, &job);
}

/// One decision of every policy on a fixed state, as one criterion group.
fn decisions(
    c: &mut Criterion,
    name: &str,
    hubs: &[cnsim::model::Hub],
    state: &[HubState],
    world: &World,
    job: &JobRequest,
) {
    let mut group = c.benchmark_group(name);
    for info in scheduler::POLICIES {
        group.bench_function(info.name, |b| {
            let spec = cnsim::scheduler::SchedulerSpec::named(info.name);
            let mut policy = cnsim::scheduler::build(&spec, hubs).expect("defaults are valid");
            let mut rng = stream(1, Stream::Scheduler);
            // As in a run: one hub changed since the previous decision, so indexed policies pay
            // for one update each time (their first call builds the index).
            let mut turn = 0;
            b.iter(|| {
                turn = (turn + 1) % hubs.len();
                let changed = [turn as u16];
                let view = View::new(0, hubs, state, &world.network, &world.energy).with_changed(Some(&changed));
                black_box(policy.decide(black_box(job), &view, &mut rng))
            });
        });
    }
    group.finish();
}

/// A whole run of the reference model, all metrics on, beside the bare baseline loop.
fn whole_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("reference_model_run");
    group.sample_size(10);
    let jobs = 200_000;
    group.throughput(Throughput::Elements(jobs));
    let scenario = reference_scenario(8, jobs, 1);
    group.bench_function("cnsim_8x64_rho0.9_200k_jobs", |b| {
        b.iter(|| black_box(simulate(&scenario).expect("known scheduler").recorder.events));
    });
    group.bench_function("baseline_binary_heap_8x64_rho0.9_200k_jobs", |b| {
        b.iter(|| black_box(cnsim::bare_loop::run(8, jobs, 1)));
    });
    group.finish();
    // The ratio, measured in alternation so machine drift hits both alike.
    let mut ratios: Vec<f64> = (0..7)
        .map(|_| {
            let t = std::time::Instant::now();
            black_box(simulate(&scenario).expect("known scheduler").recorder.events);
            let cnsim = t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            black_box(cnsim::bare_loop::run(8, jobs, 1));
            cnsim / t.elapsed().as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "reference_model_run: cnsim (all metrics) / bare BinaryHeap loop (no metrics), median of 7 paired runs: {:.2}",
        ratios[3]
    );
}

/// One decision of each policy on worlds of 64, 256 and 1,024 hubs (the reference model's grid
/// of hubs), to show how decision cost grows with the number of hubs.
fn scheduler_decision_many(c: &mut Criterion) {
    for n in [64, 256, 1024] {
        decisions_on_grid(c, n);
    }
}

fn decisions_on_grid(c: &mut Criterion, n: usize) {
    let scenario = reference_scenario(n, 1_000, 1);
    let world = scenario.world();
    let state = loaded_states(&world, |i, _| ((i % 64) as u32, (i % 7) as u64));
    let job = JobRequest {
        class: 0,
        origin: (17 % n) as u16,
        pool: PoolKind::Intelligent,
        units: 1,
        data_bytes: 1_000_000_000,
        max_round_trip: None,
        runtime_estimate: 1_000_000_000,
        slack: None,
        interruptible: None,
        submit: 0,
        input: cnsim::workload::InputAt::Origin,
        output_bytes: 0,
    };
    // Alternate sides so `east-west` has a western half.
    let hubs: Vec<cnsim::model::Hub> = world
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut h = h.clone();
            h.side = Some(if i % 2 == 0 { cnsim::model::Side::East } else { cnsim::model::Side::West });
            h
        })
        .collect();
    decisions(c, &format!("scheduler_decision_{n}_hubs"), &hubs, &state, &world, &job);
}

/// Recording one finished job (class and hub histograms, counters, energy, fairness sums).
fn recorder(c: &mut Criterion) {
    use cnsim::metrics::Recorder;
    use cnsim::model::{Footprint, Job};
    let states: Vec<HubState> = (0..8).map(|_| HubState::new([PoolState::new(64), PoolState::new(0)])).collect();
    let mut recorder = Recorder::new(vec![None; 5], 6, &states, 0, 7 * 86_400_000_000_000, 600_000_000_000);
    let mut rng = stream(3, Stream::Workload(0));
    let mut group = c.benchmark_group("recorder");
    group.throughput(Throughput::Elements(1));
    group.bench_function("finished_job", |b| {
        b.iter(|| {
            let run = rng.random_range(1_000_000_000..10_000_000_000_000u64);
            let wait = rng.random_range(0..1_000_000_000_000u64);
            let job = Job {
                class: (run % 5) as u16,
                origin: (run % 6) as u16,
                hub: (run % 8) as u16,
                pool: PoolKind::Intelligent,
                measured: true,
                started: true,
                units: 8,
                submit: 0,
                runtime: run,
                data_bytes: 0,
                transfer: 80_000_000,
                hub_arrival: 80_000_000,
                start: 80_000_000 + wait,
            };
            recorder.finished(black_box(&job), job.start + run, Footprint::default());
        });
    });
    group.finish();
}

/// Flow model: one transfer started and finished among `n` long-running flows, on the
/// national backbone (the default world's routes) and on a 1,024-hub topology (8 core nodes in
/// a full mesh, regions and hubs attached round-robin).
fn flows(c: &mut Criterion) {
    use cnsim::engine::{FlowKind, FlowNetwork};
    use cnsim::model::topology::{LinkSpec, Sites, Topology, TopologySpec};
    let national = Scenario::default_scenario().world();
    let national = national.network.topology().expect("the preset has a backbone").clone();
    let big = {
        let regions: Vec<(String, f64, f64)> = (0..6).map(|i| (format!("r{i}"), 30.0, 100.0 + i as f64)).collect();
        let hubs: Vec<(String, f64, f64)> =
            (0..1024).map(|i| (format!("h{i}"), 35.0, 100.0 + i as f64 / 100.0)).collect();
        let (r, h) = (regions.len(), hubs.len());
        let core = r + h;
        let link = |from: usize, to: usize, capacity_bps: f64| LinkSpec {
            id: format!("{from}--{to}"),
            from,
            to,
            capacity_bps,
            latency: Some(1_000_000),
            background: 0.0,
            price_per_gb: 0.0,
        };
        let mut links = Vec::new();
        for a in 0..8 {
            for b in a + 1..8 {
                links.push(link(core + a, core + b, 40e12));
            }
        }
        links.extend((0..r).map(|i| link(i, core + i % 8, 40e12)));
        links.extend((0..h).map(|i| link(r + i, core + i % 8, 1e12)));
        let nodes = (0..8)
            .map(|i| cnsim::model::topology::Node { id: format!("c{i}"), lat: 32.0, lon: 100.0 + i as f64 })
            .collect();
        let spec = TopologySpec { nodes, links, max_flow_rate_bps: f64::INFINITY, ..TopologySpec::default() };
        let sites = Sites {
            regions: regions.iter().map(|(n, a, b)| (n.as_str(), *a, *b)).collect(),
            hubs: hubs.iter().map(|(n, a, b)| (n.as_str(), *a, *b)).collect(),
        };
        Topology::build(&spec, &sites, 2.0, 0).expect("connected")
    };
    let mut group = c.benchmark_group("flow_start_finish");
    for (name, topology, hubs) in [("national", &national, 8usize), ("1024_hubs", &big, 1024)] {
        for n in [10usize, 1_000, 10_000] {
            group.throughput(Throughput::Elements(1));
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
                let mut rng = stream(3, Stream::Scheduler);
                let mut net = FlowNetwork::new(topology, 0);
                let route = |rng: &mut cnsim::rng::SimRng| {
                    topology.route_to_hub(rng.random_range(0..6), rng.random_range(0..hubs))
                };
                for i in 0..n {
                    let r = route(&mut rng);
                    if !topology.route_links(r).is_empty() {
                        net.start(0, r, 1e18, i as u32, FlowKind::Input);
                    }
                }
                let mut now = 1;
                b.iter(|| {
                    let r = loop {
                        let r = route(&mut rng);
                        if !topology.route_links(r).is_empty() {
                            break r;
                        }
                    };
                    net.start(now, r, 1.0, 0, FlowKind::Input);
                    let done = net.next_completion().expect("a flow");
                    now = done + 1;
                    black_box(net.complete(done))
                });
            });
        }
    }
    group.finish();
    let mut group = c.benchmark_group("flow_star");
    group.sample_size(10);
    group.throughput(Throughput::Elements(200_000));
    group.bench_function("6_regions_8_hubs_rho0.79_200k_transfers", |b| {
        b.iter(|| black_box(cnsim::bench::star_transfers(200_000, 1)))
    });
    group.finish();
}

criterion_group!(benches, event_queue, scheduler_decision, scheduler_decision_many, recorder, whole_run, flows);
criterion_main!(benches);
