//! Indexed policies decide exactly as a scan over every hub would.
//!
//! least-loaded, earliest-finish, cheapest-energy and lowest-carbon keep trees over hub state
//! and update them only for the hubs the engine reports as changed. These tests drive a
//! 300-hub world through thousands of random state changes (including ties in load, latency
//! and price, round-trip limits and jobs too big for some hubs) and compare every decision
//! with a plain scan written here from each policy's definition. The last test does the same
//! through the engine, event by event.

use crate::helpers::{load_pool, view_at_zero};
use cnsim::bench::reference_scenario;
use cnsim::engine::{Engine, HubState, PoolState, Queued};
use cnsim::metrics::Metric;
use cnsim::model::{EnergyModel, Hub, NetworkConfig, PoolKind, Region, World};
use cnsim::rng::{SimRng, Stream, stream};
use cnsim::scheduler::{self, Decision, JobRequest, Scheduler, View};
use cnsim::time::{MILLISECOND, SECOND, SimDuration};
use rand::RngExt;

/// 300 hubs on a coarse grid (so latencies tie), with capacities, PUE and prices drawn from
/// small sets (so loads and prices tie too), and three regions.
fn random_world(rng: &mut SimRng) -> World {
    let hubs = (0..300)
        .map(|i| Hub {
            id: format!("h{i}"),
            name: format!("h{i}"),
            cluster: String::new(),
            side: None,
            lat: 20.0 + f64::from(rng.random_range(0..8u32)),
            lon: 90.0 + f64::from(rng.random_range(0..12u32)),
            capacity: [[1, 2, 4, 8, 16][rng.random_range(0..5)], [0, 4][rng.random_range(0..2)]],
            pue: [1.1, 1.2, 1.3][rng.random_range(0..3)],
            price: [0.3, 0.4, 0.5][rng.random_range(0..3)],
            renewable: [0.0, 0.25, 0.5][rng.random_range(0..3)],
        })
        .collect();
    let regions = (0..3)
        .map(|r| Region { id: format!("r{r}"), lat: 22.0 + 2.0 * f64::from(r), lon: 95.0, weight: 1.0 })
        .collect();
    World::build(hubs, regions, &NetworkConfig::default(), Vec::new(), EnergyModel::default()).expect("no topology")
}

fn eligible(view: &View<'_>, job: &JobRequest) -> Vec<usize> {
    view.eligible_hubs(job).collect()
}

/// The policies' definitions, as scans.
fn scan(policy: &str, job: &JobRequest, view: &View<'_>) -> Option<usize> {
    let hubs = eligible(view, job);
    let latency = |h: usize| view.latency(job, h);
    match policy {
        "least-loaded" => hubs
            .iter()
            .map(|&h| (view.load(h, job.pool), latency(h), h))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
            .map(|t| t.2),
        "earliest-finish" => hubs.iter().map(|&h| (view.finish_estimate(job, h), latency(h), h)).min().map(|t| t.2),
        "cheapest-energy" | "lowest-carbon" => {
            let max_wait = 10 * SECOND;
            let cost = |h: usize| {
                let f = view.footprint(job, h);
                if policy == "cheapest-energy" { f.cost_cny } else { f.carbon_kg }
            };
            hubs.iter()
                .filter(|&&h| view.wait_estimate(job, h) <= max_wait)
                .map(|&h| (cost(h), latency(h), h))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
                .map(|t| t.2)
                .or_else(|| hubs.iter().map(|&h| (view.wait_estimate(job, h), latency(h), h)).min().map(|t| t.2))
        }
        other => panic!("no scan for {other}"),
    }
}

/// Running jobs of one pool, so they can be released later.
type Running = Vec<(u32, u32, u64)>;

/// Changes the state of one random pool of `hub` at `now`.
fn mutate(rng: &mut SimRng, pool: &mut PoolState, running: &mut Running, now: u64, next_job: &mut u32) {
    *next_job += 1;
    let units = [1, 1, 2, 4][rng.random_range(0..4)];
    match rng.random_range(0..4) {
        0 | 1 if units <= pool.free() && pool.queue().is_empty() => {
            let end = now + rng.random_range(1..20 * SECOND);
            pool.occupy(now, *next_job, units, end);
            running.push((*next_job, units, end));
        }
        0 | 1 if pool.capacity() > 0 => {
            pool.enqueue(now, Queued { job: *next_job, units, runtime: rng.random_range(1..20 * SECOND) });
        }
        2 if !running.is_empty() => {
            let (job, units, end) = running.swap_remove(rng.random_range(0..running.len()));
            pool.release(now, job, units, end);
            while let Some(q) = pool.pop_startable(now) {
                running.push((q.job, q.units, now + q.runtime));
                pool.occupy(now, q.job, q.units, now + q.runtime);
            }
        }
        _ => {}
    }
}

#[test]
fn indexed_policies_match_a_scan_through_thousands_of_state_changes() {
    let mut rng = stream(42, Stream::Scheduler);
    let world = random_world(&mut rng);
    let policies = ["least-loaded", "earliest-finish", "cheapest-energy", "lowest-carbon"];
    let mut built: Vec<Box<dyn Scheduler>> = policies
        .iter()
        .map(|p| {
            let spec = if p.contains('-') && (p.starts_with("cheapest") || p.starts_with("lowest")) {
                format!("{p}:max_wait=10s")
            } else {
                p.to_string()
            };
            scheduler::build(&spec.as_str().into(), &world.hubs).unwrap()
        })
        .collect();
    assert!(built.iter().all(|p| p.tracks_changes()));
    let mut states: Vec<HubState> = world.hubs.iter().map(|h| HubState::new(h.capacity.map(PoolState::new))).collect();
    let mut running: Vec<[Running; 2]> = vec![Default::default(); world.hubs.len()];
    let (mut now, mut next_job) = (0u64, 0u32);
    let mut policy_rng = stream(1, Stream::Scheduler);
    let mut decided = 0;
    for step in 0..3_000 {
        now += rng.random_range(0..200 * MILLISECOND);
        let mut changed: Vec<u16> = Vec::new();
        // Bursts of changes now and then, so that loads drift far apart and back.
        let changes = if step % 100 == 0 { 200 } else { rng.random_range(0..5) };
        for _ in 0..changes {
            let hub = rng.random_range(0..world.hubs.len());
            let pool = rng.random_range(0..2);
            mutate(&mut rng, states[hub].pool_mut(pool), &mut running[hub][pool], now, &mut next_job);
            if !changed.contains(&(hub as u16)) {
                changed.push(hub as u16);
            }
        }
        let view = View::new(now, &world.hubs, &states, &world.network, &world.energy).with_changed(Some(&changed));
        let limits: [Option<SimDuration>; 4] = [None, None, Some(8 * MILLISECOND), Some(30 * MILLISECOND)];
        let job = JobRequest {
            class: 0,
            origin: rng.random_range(0..3),
            pool: if rng.random_range(0..4) == 0 { PoolKind::General } else { PoolKind::Intelligent },
            units: [1, 1, 2, 3, 8, 16][rng.random_range(0..6)],
            data_bytes: [0, 1_000_000_000, 1_000_000_000_000][rng.random_range(0..3)],
            max_round_trip: limits[rng.random_range(0..4)],
            runtime_estimate: rng.random_range(1..10 * SECOND),
            slack: None,
            interruptible: None,
            submit: now,
            input: cnsim::workload::InputAt::Origin,
            output_bytes: 0,
        };
        for (name, policy) in policies.iter().zip(&mut built) {
            let expected = scan(name, &job, &view);
            let got = match policy.decide(&job, &view, &mut policy_rng) {
                Decision::Run(h) => Some(h as usize),
                Decision::Reject => None,
                Decision::Defer(_) => panic!("{name} deferred"),
            };
            assert_eq!(got, expected, "{name} at step {step}: {job:?}");
            decided += usize::from(expected.is_some());
        }
    }
    assert!(decided > 8_000, "most jobs had an eligible hub: {decided}");
}

/// A policy that scans, wrapping the definitions above, to run through the engine.
struct Scan(&'static str);

impl Scheduler for Scan {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        scan(self.0, job, view).map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }
}

#[test]
fn indexed_policies_run_the_same_simulation_as_a_scan() {
    // 100 identical hubs with one region each: every load and latency ties somewhere.
    let scenario = reference_scenario(100, 30_000, 3);
    let world = scenario.world();
    for (name, spec) in [
        ("least-loaded", "least-loaded"),
        ("earliest-finish", "earliest-finish"),
        ("cheapest-energy", "cheapest-energy:max_wait=10s"),
    ] {
        let indexed = scheduler::build(&spec.into(), &world.hubs).unwrap();
        let a = Engine::new(&world, scenario.run.clone(), indexed).run();
        let b = Engine::new(&world, scenario.run.clone(), Box::new(Scan(name))).run();
        let placed = |r: &cnsim::metrics::Recorder| r.hub_records.iter().map(|h| h.placed).collect::<Vec<u64>>();
        assert_eq!(placed(&a), placed(&b), "{name}: jobs per hub");
        for metric in [Metric::Wait, Metric::Jct] {
            let (x, y) = (a.all_latency.get(metric), b.all_latency.get(metric));
            assert_eq!((x.len(), x.mean(), x.max()), (y.len(), y.mean(), y.max()), "{name}: {metric:?}");
        }
        assert!(a.total().finished > 20_000, "{name}: {}", a.total().finished);
    }
}

#[test]
fn random_power_of_d_and_capacity_weighted_skip_the_scan_with_the_same_draws() {
    // When every hub is eligible, both pick without listing the hubs; the draws and the picks
    // must be those of the listing rule, written out here.
    let mut rng = stream(8, Stream::Scheduler);
    let world = random_world(&mut rng);
    let states: Vec<HubState> = world
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut pools = h.capacity.map(PoolState::new);
            load_pool(&mut pools[0], (i as u32 * 7) % (h.capacity[0] + 1), 0);
            HubState::new(pools)
        })
        .collect();
    let view = view_at_zero(&world, &states, false);
    let job = JobRequest {
        class: 0,
        origin: 1,
        pool: PoolKind::Intelligent,
        units: 1,
        data_bytes: 0,
        max_round_trip: None,
        runtime_estimate: SECOND,
        slack: None,
        interruptible: None,
        submit: 0,
        input: cnsim::workload::InputAt::Origin,
        output_bytes: 0,
    };
    let n = world.hubs.len();
    let capacities: Vec<u64> = world.hubs.iter().map(|h| u64::from(h.capacity[0])).collect();
    for (spec, d) in [("random", 0), ("power-of-d:d=2", 2), ("power-of-d:d=5", 5), ("capacity-weighted", usize::MAX)] {
        let mut policy = scheduler::build(&spec.into(), &world.hubs).unwrap();
        let (mut fast, mut listed) = (stream(11, Stream::Scheduler), stream(11, Stream::Scheduler));
        for _ in 0..2_000 {
            let got = policy.decide(&job, &view, &mut fast);
            let expected = if d == 0 {
                listed.random_range(0..n)
            } else if d == usize::MAX {
                let mut pick = listed.random_range(0..capacities.iter().sum::<u64>());
                capacities
                    .iter()
                    .position(|&c| {
                        let here = pick < c;
                        pick = pick.saturating_sub(c);
                        here
                    })
                    .unwrap()
            } else {
                let mut all: Vec<usize> = (0..n).collect();
                for i in 0..d {
                    let j = listed.random_range(i..n);
                    all.swap(i, j);
                }
                *all[..d].iter().min_by(|&&a, &&b| view.load(a, job.pool).total_cmp(&view.load(b, job.pool))).unwrap()
            };
            assert_eq!(got, Decision::Run(expected as u16), "{spec}");
        }
    }
}
