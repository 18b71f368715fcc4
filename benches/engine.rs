//! Criterion benches: the event queue, one scheduler decision, and a whole run of the
//! reference model (8 hubs x 64 units, rho = 0.9, all metrics on).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use cnsim::bench::reference_scenario;
use cnsim::engine::{EventKind, EventQueue, HubState, PoolState};
use cnsim::model::PoolKind;
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
            let mut queue = EventQueue::with_capacity(size);
            for i in 0..size {
                queue.push(rng.random_range(0..1_000_000_000), EventKind::Finish(i as u32));
            }
            b.iter(|| {
                let (t, kind) = queue.pop().expect("non-empty");
                queue.push(t + rng.random_range(1..2_000_000_000), kind);
                black_box(t)
            });
        });
    }
    group.finish();
}

/// One decision of each policy on the default eight-hub world with some load.
fn scheduler_decision(c: &mut Criterion) {
    let world = Scenario::default_scenario().world();
    let state: Vec<HubState> = world
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut pools = [PoolState::new(h.capacity[0]), PoolState::new(h.capacity[1])];
            pools[0].busy = h.capacity[0] / (2 + i as u32);
            pools[0].queued_units = 100 * i as u64;
            HubState { pools }
        })
        .collect();
    let job = JobRequest {
        class: 0,
        origin: 1,
        pool: PoolKind::Intelligent,
        units: 8,
        data_bytes: 10_000_000_000,
        max_round_trip: None,
        runtime_estimate: 3_600_000_000_000,
        submit: 0,
    };
    let mut group = c.benchmark_group("scheduler_decision_8_hubs");
    for info in scheduler::POLICIES {
        group.bench_function(info.name, |b| {
            let spec = cnsim::scheduler::SchedulerSpec::named(info.name);
            let mut policy = cnsim::scheduler::build(&spec, &world.hubs).expect("defaults are valid");
            let mut rng = stream(1, Stream::Scheduler);
            let view =
                View { now: 0, hubs: &world.hubs, state: &state, network: &world.network, energy: &world.energy };
            b.iter(|| black_box(policy.decide(black_box(&job), &view, &mut rng)));
        });
    }
    group.finish();
}

/// A whole run of the reference model, all metrics on.
fn whole_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("reference_model_run");
    group.sample_size(10);
    let jobs = 200_000;
    group.throughput(Throughput::Elements(jobs));
    group.bench_function("8x64_rho0.9_200k_jobs", |b| {
        let scenario = reference_scenario(8, jobs, 1);
        b.iter(|| black_box(simulate(&scenario).expect("known scheduler").recorder.events));
    });
    group.finish();
}

criterion_group!(benches, event_queue, scheduler_decision, whole_run);
criterion_main!(benches);
