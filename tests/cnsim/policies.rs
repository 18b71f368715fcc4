//! The comparison policies: what makes each different, on small hand-checked worlds; policy
//! parameters; common random numbers; the queueing order of routing policies.

use cnsim::engine::HubState;
use cnsim::metrics::Metric;
use cnsim::model::{EnergyModel, NetworkConfig, Side, World};
use cnsim::scheduler::{self, Decision, JobRequest, SchedulerSpec};
use cnsim::time::{HOUR, MILLISECOND, SECOND};

use crate::helpers::{HubSpec, decide, hub, parse, request, run, shipped, world};

/// Pool states with `busy` units running (estimated to end in an hour) and `queued_work_hours`
/// of work queued (one single-unit job).
fn states(world: &World, busy: &[u32], queued_work_hours: &[u64]) -> Vec<HubState> {
    crate::helpers::states(world, |i, pool| {
        if busy[i] > 0 {
            pool.occupy(0, i as u32, busy[i], HOUR);
        }
        if queued_work_hours[i] > 0 {
            pool.enqueue(0, cnsim::engine::Queued { job: 99, units: 1, runtime: queued_work_hours[i] * HOUR });
        }
    })
}

fn decisions(spec: &str, world: &World, state: &[HubState], job: &JobRequest, times: usize) -> Vec<usize> {
    decide(spec, world, state, job, times)
        .into_iter()
        .map(|d| match d {
            Decision::Run(h) => h as usize,
            other => panic!("{spec} did not place: {other:?}"),
        })
        .collect()
}

fn shares(picks: &[usize], hubs: usize) -> Vec<f64> {
    let mut counts = vec![0usize; hubs];
    for &p in picks {
        counts[p] += 1;
    }
    counts.iter().map(|&c| c as f64 / picks.len() as f64).collect()
}

#[test]
fn capacity_weighted_sends_work_in_proportion_to_capacity() {
    let w = world(&[hub(1.0, 10), hub(2.0, 30), hub(3.0, 60)]);
    let s = states(&w, &[0, 0, 0], &[0, 0, 0]);
    let got = shares(&decisions("capacity-weighted", &w, &s, &request(1, 0, None), 20_000), 3);
    for (g, expected) in got.iter().zip([0.1, 0.3, 0.6]) {
        assert!((g - expected).abs() < 0.015, "{got:?}");
    }
}

#[test]
fn power_of_two_never_picks_the_most_loaded_of_three() {
    let w = world(&[hub(1.0, 10), hub(2.0, 10), hub(3.0, 10)]);
    // Loads 0.1, 0.5, 0.9: any pair has a less loaded member than hub 2.
    let s = states(&w, &[1, 5, 9], &[0, 0, 0]);
    let got = shares(&decisions("power-of-d:d=2", &w, &s, &request(1, 0, None), 30_000), 3);
    assert!((got[0] - 2.0 / 3.0).abs() < 0.015 && (got[1] - 1.0 / 3.0).abs() < 0.015 && got[2] == 0.0, "{got:?}");
    // d = 1 is random routing; d = 3 is least-loaded.
    let random = shares(&decisions("power-of-d:d=1", &w, &s, &request(1, 0, None), 30_000), 3);
    assert!(random.iter().all(|g| (g - 1.0 / 3.0).abs() < 0.015), "{random:?}");
    assert!(decisions("power-of-d:d=3", &w, &s, &request(1, 0, None), 100).iter().all(|&h| h == 0));
}

#[test]
fn earliest_finish_trades_queue_wait_against_data_transfer() {
    // Hub 0 next to the users is full with 16 unit-hours queued (wait ~ 2 h on 10 units, incl.
    // the running hour); hub 1, 1,000 km away, is idle.
    let w = world(&[hub(0.0, 10), hub(9.0, 10)]);
    let s = states(&w, &[10, 0], &[16, 0]);
    assert_eq!(
        decisions("earliest-finish", &w, &s, &request(1, 0, None), 1),
        vec![1],
        "small data: go where it starts now"
    );
    // 10 TB at 1 Tbps is 80 s either way: still worth it. A petabyte (2.2 h) is not.
    assert_eq!(decisions("earliest-finish", &w, &s, &request(1, 10_000_000_000_000, None), 1), vec![1]);
    // Hub 0's wait is 2.6 h; moving 1.5 PB takes 3.3 h either way, so the wait decides.
    let mut near_data = world(&[hub(0.0, 10), hub(9.0, 10)]);
    near_data = World::build(
        near_data.hubs.clone(),
        near_data.regions.clone(),
        &NetworkConfig {
            links: vec![cnsim::model::network::LinkOverride {
                from: "r".into(),
                to: "h0".into(),
                latency: None,
                bandwidth_bps: Some(1e15),
            }],
            ..NetworkConfig::default()
        },
        Vec::new(),
        EnergyModel::default(),
    )
    .expect("no topology");
    let s = states(&near_data, &[10, 0], &[16, 0]);
    assert_eq!(
        decisions("earliest-finish", &near_data, &s, &request(1, 1_500_000_000_000_000, None), 1),
        vec![0],
        "with a fat local link, waiting near the data beats shipping 1.5 PB"
    );
}

fn east_west_world() -> World {
    let mut west = hub(9.0, 100);
    west.side = Side::West;
    let mut far_west = hub(13.0, 100);
    far_west.side = Side::West;
    world(&[hub(0.5, 100), west, far_west])
}

#[test]
fn east_west_keeps_latency_bound_and_small_jobs_near_and_sends_the_rest_west() {
    let w = east_west_world();
    let s = states(&w, &[0, 0, 0], &[0, 0, 0]);
    let tight = request(1, 100_000_000_000, Some(10 * MILLISECOND));
    assert_eq!(decisions("east-west", &w, &s, &tight, 1), vec![0], "10 ms round trip: nearest");
    assert_eq!(decisions("east-west", &w, &s, &request(1, 100_000_000, None), 1), vec![0], "100 MB: nearest");
    // Tolerant and data-heavy: the western hub with the earliest finish (the nearer one, idle).
    assert_eq!(decisions("east-west", &w, &s, &request(1, 100_000_000_000, None), 1), vec![1]);
    // The nearer western hub is backed up: the other western hub.
    let s = states(&w, &[100, 0, 0], &[0, 300, 0]);
    assert_eq!(decisions("east-west", &w, &s, &request(1, 100_000_000_000, None), 1), vec![2]);
    // Both western hubs wait longer than max_west_wait = 1 h: fall back to the east.
    let s = states(&w, &[0, 100, 100], &[0, 300, 300]);
    assert_eq!(decisions("east-west", &w, &s, &request(1, 100_000_000_000, None), 1), vec![0]);
    // The bound is a parameter; listing hubs overrides their sides.
    assert_eq!(decisions("east-west:max_west_wait=100h", &w, &s, &request(1, 100_000_000_000, None), 1), vec![1]);
    assert_eq!(
        decisions("east-west:west=h2", &w, &states(&w, &[0, 0, 0], &[0, 0, 0]), &request(1, 100_000_000_000, None), 1),
        vec![2]
    );
}

#[test]
fn cheapest_energy_and_lowest_carbon_pick_different_hubs_within_the_wait_bound() {
    let specs = [
        HubSpec { lon: 0.5, capacity: 100, side: Side::East, pue: 1.25, price: 0.70, renewable: 0.30 },
        HubSpec { lon: 5.0, capacity: 100, side: Side::West, pue: 1.20, price: 0.32, renewable: 0.40 },
        HubSpec { lon: 9.0, capacity: 100, side: Side::West, pue: 1.20, price: 0.40, renewable: 0.90 },
    ];
    let w = world(&specs);
    let idle = states(&w, &[0, 0, 0], &[0, 0, 0]);
    let j = request(8, 0, None);
    assert_eq!(decisions("cheapest-energy", &w, &idle, &j, 1), vec![1], "0.32 x 1.20 is the cheapest");
    assert_eq!(decisions("lowest-carbon", &w, &idle, &j, 1), vec![2], "90 % renewable is the cleanest");
    // The cheapest hub has a long queue (wait ~ 3 h > 1 h bound): the next cheapest.
    let busy = states(&w, &[0, 100, 0], &[0, 200, 0]);
    assert_eq!(decisions("cheapest-energy", &w, &busy, &j, 1), vec![2]);
    // With a looser bound it waits for the cheap hub.
    assert_eq!(decisions("cheapest-energy:max_wait=10h", &w, &busy, &j, 1), vec![1]);
}

#[test]
fn scheduler_parameters_are_checked() {
    let hubs = east_west_world().hubs;
    let err = |text: &str| scheduler::build(&SchedulerSpec::parse_cli(text).unwrap(), &hubs).err().unwrap().to_string();
    assert!(err("power-of-d:k=2").contains("unknown parameter `k` for scheduler power-of-d; known: d"));
    assert!(err("power-of-d:d=0").contains("whole number >= 1"));
    assert!(err("nearest:d=2").contains("it takes none"));
    assert!(err("east-west:west=atlantis").contains("unknown hub id \"atlantis\""));
    assert!(err("cheapest-energy:max_wait=soon").contains("max_wait"));
    // In a scenario, as a table.
    let scenario = parse(
        &crate::helpers::mmc_source(2, 1.0)
            .replace("scheduler = \"nearest\"", "scheduler = { name = \"power-of-d\", d = 2 }"),
    );
    assert_eq!(scenario.scheduler.to_string(), "power-of-d:d=2");
    let bad = crate::helpers::mmc_source(2, 1.0)
        .replace("scheduler = \"nearest\"", "scheduler = { name = \"power-of-d\", dd = 2 }");
    let e = cnsim::scenario::Scenario::parse(&bad, "x.toml").err().unwrap().to_string();
    assert!(e.contains("x.toml:4:") && e.contains("unknown parameter `dd`") && e.contains("known: d"), "{e}");
}

#[test]
fn every_policy_sees_the_same_jobs_for_a_seed() {
    let mut digests = Vec::new();
    for info in scheduler::POLICIES {
        let mut scenario = shipped("small.toml");
        scenario.scheduler = info.name.into();
        let (_, report) = run(&scenario);
        digests.push((info.name, report.workload_digest, report.jobs.submitted));
    }
    assert!(digests.windows(2).all(|w| (w[0].1.clone(), w[0].2) == (w[1].1.clone(), w[1].2)), "{digests:?}");
    let mut other_seed = shipped("small.toml");
    other_seed.run.seed += 1;
    assert_ne!(run(&other_seed).1.workload_digest, digests[0].1);
}

#[test]
fn routing_policies_order_as_queueing_theory_says() {
    // 8 single-unit hubs, Poisson arrivals at rho = 0.875, exponential runtimes (mean 1 s):
    // random routing makes 8 independent M/M/1 queues (W = 8.0); power-of-two and
    // join-the-shortest-queue (least-loaded) sit between that and one pooled M/M/8 (W = 1.635).
    let mut hubs = String::new();
    for i in 0..8 {
        hubs.push_str(&format!("[[hubs]]\nid = \"h{i}\"\nlat = 30.0\nlon = {}\nintelligent = 1\n", 100 + i));
    }
    let source = format!(
        r#"
        seed = 11
        duration = "60000s"
        warmup = "2000s"
        [network]
        route_factor = 0.0
        fixed_delay = "0s"
        {hubs}
        [[regions]]
        id = "r"
        lat = 30.0
        lon = 104.0
        [[classes]]
        name = "unit"
        pool = "intelligent"
        rate = "7/s"
        units = 1
        runtime = {{ dist = "exponential", mean = "1s" }}
        "#
    );
    let mean_jct = |policy: &str| {
        let mut scenario = parse(&source);
        scenario.scheduler = policy.into();
        let (output, _) = run(&scenario);
        Metric::Jct.to_report(output.recorder.all_latency.get(Metric::Jct).mean())
    };
    let random = mean_jct("random");
    let power_of_two = mean_jct("power-of-d:d=2");
    let least_loaded = mean_jct("least-loaded");
    assert!((random - 8.0).abs() / 8.0 < 0.15, "random {random}");
    assert!(
        random > power_of_two && power_of_two > least_loaded && least_loaded > 1.635,
        "{random} > {power_of_two} > {least_loaded} > 1.635"
    );
    assert!(power_of_two < 0.6 * random && least_loaded < 0.9 * power_of_two);
}

#[test]
fn easy_backfilling_cuts_waits_on_a_mixed_workload() {
    let source = |discipline: &str| {
        format!(
            r#"
            seed = 3
            duration = "20d"
            warmup = "1d"
            scheduler = "nearest"
            [queue]
            discipline = "{discipline}"
            runtime_estimate_factor = 1.5
            [[hubs]]
            id = "h"
            lat = 30.0
            lon = 110.0
            intelligent = 64
            [[regions]]
            id = "r"
            lat = 30.0
            lon = 110.0
            [[classes]]
            name = "big"
            pool = "intelligent"
            rate = "1/h"
            units = {{ dist = "uniform", low = 32, high = 64 }}
            runtime = {{ dist = "exponential", mean = "4h" }}
            [[classes]]
            name = "small"
            pool = "intelligent"
            rate = "10/h"
            units = {{ dist = "empirical", values = [1, 2, 4] }}
            runtime = {{ dist = "exponential", mean = "1h" }}
            "#
        )
    };
    let (_, fifo) = run(&parse(&source("fifo")));
    let (_, easy) = run(&parse(&source("easy-backfill")));
    assert_eq!(fifo.workload_digest, easy.workload_digest);
    let wait = |r: &cnsim::report::RunReport, class: &str| r.latency[class]["wait"].mean;
    assert!(
        wait(&easy, "small") < 0.5 * wait(&fifo, "small"),
        "small jobs backfill: {} vs {}",
        wait(&easy, "small"),
        wait(&fifo, "small")
    );
    assert!(wait(&easy, "all") < wait(&fifo, "all"));
}

#[test]
fn energy_of_a_single_job_by_hand() {
    // One 8-unit, 3-hour job at a hub with PUE 1.25, 0.6 CNY/kWh, 20 % renewable; 1 kW per unit.
    let scenario = parse(
        r#"
        duration = "10h"
        warmup = "0s"
        [[hubs]]
        id = "h"
        lat = 30.0
        lon = 110.0
        intelligent = 8
        pue = 1.25
        price = 0.6
        renewable = 0.2
        [[regions]]
        id = "r"
        lat = 30.0
        lon = 110.0
        [[classes]]
        name = "one"
        pool = "intelligent"
        rate = "1/10h"
        units = 8
        runtime = "3h"
        [energy]
        intelligent_kw_per_unit = 1.0
        grid_carbon_kg_per_kwh = 0.85
        "#,
    );
    let (_, report) = run(&scenario);
    let class = &report.classes[0];
    assert!(class.jobs.finished >= 1);
    // 8 x 1 kW x 3 h x 1.25 = 30 kWh; x 0.6 = 18 CNY; x 0.8 x 0.85 = 20.4 kg.
    let per_job = class.footprint_per_job;
    assert!((per_job.energy_kwh - 30.0).abs() < 1e-6 && (per_job.cost_cny - 18.0).abs() < 1e-6, "{per_job:?}");
    assert!((per_job.carbon_kg - 20.4).abs() < 1e-6);
    // Hub energy over the window equals the busy unit-hours at the same rates.
    let busy_unit_hours = report.hubs[0].utilisation["intelligent"].mean.unwrap() * 8.0 * 10.0;
    assert!((report.hubs[0].footprint.energy_kwh - busy_unit_hours * 1.25).abs() < 1e-6);
    let _ = SECOND;
}

#[test]
fn slo_attainment_counts_missed_deadlines_and_rejections() {
    let scenario = parse(
        r#"
        duration = "2d"
        warmup = "2h"
        [[hubs]]
        id = "h"
        lat = 30.0
        lon = 110.0
        intelligent = 4
        [[regions]]
        id = "near"
        lat = 30.0
        lon = 110.0
        [[regions]]
        id = "far"
        lat = 45.0
        lon = 125.0
        [[classes]]
        name = "impossible"
        pool = "intelligent"
        rate = "2/h"
        units = 1
        runtime = "1h"
        deadline = "30min"
        origins = { near = 1.0 }
        [[classes]]
        name = "half-rejected"
        pool = "intelligent"
        rate = "2/h"
        units = 1
        runtime = "10min"
        max_round_trip = "5ms"
        "#,
    );
    let (_, report) = run(&scenario);
    assert_eq!(report.classes[0].slo_attainment, Some(0.0), "a 1 h job cannot finish in 30 min");
    let c = &report.classes[1];
    let expected = c.jobs.finished as f64 / (c.jobs.finished + c.jobs.rejected) as f64;
    assert!(c.jobs.rejected > 0 && (c.slo_attainment.unwrap() - expected).abs() < 1e-12);
    assert!((c.slo_attainment.unwrap() - 0.5).abs() < 0.1, "{:?}", c.slo_attainment);
}
