//! The flow network model against independent truth: hand-worked max-min cases, the textbook
//! reference solver and fluid simulation of `network_reference`, processor sharing, and the
//! engine end to end (transfers, data gravity, conservation, bad input).

use cnsim::engine::{FlowKind, FlowNetwork};
use cnsim::rng::{Stream, stream};
use cnsim::time::SECOND;
use rand::RngExt;
use rand_distr::{Distribution, Exp1, LogNormal};

use crate::helpers::{assert_in_ci, cnsim, parse, run, scratch, stderr, write};
use crate::network_reference::{RefFlow, fluid_finish_times, is_max_min_fair, max_min_rates};

/// 8e9 bits/s = 1 byte per nanosecond: sizes in bytes are then durations in ns.
const BYTE_PER_NS: f64 = 8e9;

/// Runs every flow of `flows` (start ns, route, bytes) to completion; returns finish times.
fn simulate(capacities: &[f64], routes: &[Vec<u32>], flows: &[(u64, u32, f64)]) -> Vec<u64> {
    let mut net = FlowNetwork::with_routes(capacities, routes, f64::INFINITY);
    let mut finish = vec![0; flows.len()];
    let mut next = 0;
    loop {
        let start = flows.get(next).map_or(u64::MAX, |f| f.0);
        match net.next_completion() {
            Some(done) if done <= start => {
                let d = net.complete(done);
                finish[d.job as usize] = done;
            }
            _ if next < flows.len() => {
                let (t, route, bytes) = flows[next];
                net.start(t, route, bytes, next as u32, FlowKind::Input);
                next += 1;
            }
            _ => break,
        }
        net.check_conservation(start.min(net.next_completion().unwrap_or(start))).unwrap();
    }
    finish
}

#[test]
fn equal_flows_on_one_link_share_it_and_finish_together() {
    for n in [1u32, 3, 10] {
        let flows: Vec<_> = (0..n).map(|_| (0, 0, 1e9)).collect();
        let finish = simulate(&[BYTE_PER_NS], &[vec![0]], &flows);
        // n x b / C: n x 1e9 bytes at 1 byte/ns.
        assert!(finish.iter().all(|&t| t == u64::from(n) * 1_000_000_000), "{n}: {finish:?}");
    }
}

#[test]
fn staggered_and_unequal_flows_match_the_hand_worked_times() {
    // One link of 1 byte/ns; flow 1 of 1e9 bytes at 0, flow 2 of 1e9 bytes at 0.5e9 ns:
    // flow 1 alone for 0.5 s, then both at half rate: flow 1 ends at 1.5 s, flow 2 at 2.0 s.
    let finish = simulate(&[BYTE_PER_NS], &[vec![0]], &[(0, 0, 1e9), (500_000_000, 0, 1e9)]);
    assert_eq!(finish, vec![1_500_000_000, 2_000_000_000]);
    // Sizes 1, 2 and 3 (x 1e9 bytes) together: 3 x 1 = 3 s for the first, then 2 share
    // the link until the second is done at 3 + 2 x 1 = 5 s, the last alone until 6 s.
    let finish = simulate(&[BYTE_PER_NS], &[vec![0]], &[(0, 0, 1e9), (0, 0, 2e9), (0, 0, 3e9)]);
    assert_eq!(finish, vec![3 * SECOND, 5 * SECOND, 6 * SECOND]);
}

#[test]
fn parking_lot_gives_every_flow_half_a_link() {
    for k in [2u32, 3, 5] {
        // Route 0 crosses every link; route 1 + i uses link i alone.
        let mut routes = vec![(0..k).collect::<Vec<u32>>()];
        routes.extend((0..k).map(|i| vec![i]));
        let capacities = vec![1e9; k as usize];
        let mut net = FlowNetwork::with_routes(&capacities, &routes, f64::INFINITY);
        let keys: Vec<u32> = (0..=k).map(|r| net.start(0, r, 1e12, r, FlowKind::Input)).collect();
        for &key in &keys {
            assert!((net.rate_bps(key) - 0.5e9).abs() < 1e-3, "k = {k}: {}", net.rate_bps(key));
        }
    }
}

#[test]
fn different_bottlenecks_give_the_hand_worked_rates() {
    // l1 = 1, l2 = 2 (x 1 Gbps); A over both, B over l1, C over l2: l1 is A's and B's
    // bottleneck (0.5 each), C takes what A leaves on l2 (1.5).
    let mut net = FlowNetwork::with_routes(&[1e9, 2e9], &[vec![0, 1], vec![0], vec![1]], f64::INFINITY);
    let a = net.start(0, 0, 1e12, 0, FlowKind::Input);
    let b = net.start(0, 1, 1e12, 1, FlowKind::Input);
    let c = net.start(0, 2, 1e12, 2, FlowKind::Input);
    let rates = [net.rate_bps(a), net.rate_bps(b), net.rate_bps(c)];
    for (got, want) in rates.iter().zip([0.5e9, 0.5e9, 1.5e9]) {
        assert!((got - want).abs() < 1e-3, "{rates:?}");
    }
    // Three links of C = 3: flows X (l1, l2), Y (l1), Z (l2, l3), W (l3) with l1 = 2, l3 = 1:
    // l3's fair share 1/2 freezes Z and W at 1/2 ... worked in network_reference; here the
    // per-flow cap: two flows on a link of 10, every flow capped at 2: both at 2.
    let mut net = FlowNetwork::with_routes(&[10e9], &[vec![0]], 2e9);
    let x = net.start(0, 0, 1e12, 0, FlowKind::Input);
    let y = net.start(0, 0, 1e12, 1, FlowKind::Input);
    assert!((net.rate_bps(x) - 2e9).abs() < 1e-3 && (net.rate_bps(y) - 2e9).abs() < 1e-3);
}

/// A random topology: `links` links, `routes` random routes of 1..=4 distinct links.
fn random_instance(seed: u64, links: usize, routes: usize) -> (Vec<f64>, Vec<Vec<u32>>) {
    let mut rng = stream(seed, Stream::Workload(0));
    let capacities = (0..links).map(|_| rng.random_range(1.0..10.0) * 1e9).collect();
    let routes = (0..routes)
        .map(|_| {
            let len = rng.random_range(1..=4.min(links));
            let mut route: Vec<u32> = Vec::new();
            while route.len() < len {
                let l = rng.random_range(0..links as u32);
                if !route.contains(&l) {
                    route.push(l);
                }
            }
            route
        })
        .collect();
    (capacities, routes)
}

#[test]
fn incremental_rates_equal_the_reference_solver_after_every_change() {
    // 200 random instances; flows start and end in random order, and after every change the
    // incremental allocation equals a from-scratch textbook water-filling of all active flows.
    for seed in 0..200 {
        let (capacities, routes) = random_instance(seed, 6, 8);
        let cap = if seed % 3 == 0 { 2.5e9 } else { f64::INFINITY };
        let mut net = FlowNetwork::with_routes(&capacities, &routes, cap);
        let mut rng = stream(seed, Stream::Scheduler);
        let mut active: Vec<(u32, usize)> = Vec::new();
        let mut now = 0;
        for step in 0..40u32 {
            now += 1_000;
            // Flows due by now end first, as the engine would have ended them.
            while let Some(done) = net.next_completion().filter(|&t| t <= now) {
                let d = net.complete(done);
                active.retain(|&(k, _)| k != d.key);
            }
            if active.is_empty() || rng.random::<f64>() < 0.6 {
                let r = rng.random_range(0..routes.len());
                active.push((net.start(now, r as u32, 1e15, step, FlowKind::Input), r));
            } else {
                // The earliest completion (equal sizes: the flow that has had the most rate).
                let done = net.next_completion().unwrap();
                assert!(done >= now, "seed {seed} step {step}: completion at {done} before now {now}");
                now = done;
                let d = net.complete(done);
                active.retain(|&(k, _)| k != d.key);
            }
            let reference_routes: Vec<Vec<usize>> =
                active.iter().map(|&(_, r)| routes[r].iter().map(|&l| l as usize).collect()).collect();
            let caps = vec![cap; active.len()];
            let expected = max_min_rates(&capacities, &reference_routes, &caps);
            let got: Vec<f64> = active.iter().map(|&(k, _)| net.rate_bps(k)).collect();
            for (g, e) in got.iter().zip(&expected) {
                assert!((g - e).abs() <= 1e-6 * e.max(1.0), "seed {seed} step {step}: {got:?} vs {expected:?}");
            }
            assert!(is_max_min_fair(&capacities, &reference_routes, &caps, &got, 1e-6), "seed {seed}");
            net.check_conservation(now)
                .unwrap_or_else(|e| panic!("seed {seed} step {step} now {now} active {}: {e}", active.len()));
        }
    }
}

#[test]
fn finish_times_match_the_reference_fluid_simulation() {
    // Random starts and sizes; every flow ends within 1 ns per rate change of the exact
    // fluid end (the reference recomputes every rate from scratch at every event, in f64
    // seconds).
    for seed in 0..50 {
        let (capacities, routes) = random_instance(1000 + seed, 5, 6);
        let mut rng = stream(seed, Stream::Scheduler);
        let mut flows: Vec<(u64, u32, f64)> = (0..30)
            .map(|_| {
                let start = rng.random_range(0..2_000_000_000u64);
                let route = rng.random_range(0..routes.len() as u32);
                (start, route, rng.random_range(1e6..5e9f64).round())
            })
            .collect();
        flows.sort_by_key(|f| f.0);
        let finish = simulate(&capacities, &routes, &flows);
        let reference: Vec<RefFlow> = flows
            .iter()
            .map(|&(start, r, bytes)| RefFlow {
                start: start as f64 / 1e9,
                route: routes[r as usize].iter().map(|&l| l as usize).collect(),
                size: bytes * 8.0,
                cap: f64::INFINITY,
            })
            .collect();
        let expected = fluid_finish_times(&capacities, &reference);
        // At most 2 x 30 rate changes per flow, 1 ns each.
        for (i, (&got, &want)) in finish.iter().zip(&expected).enumerate() {
            let want_ns = want * 1e9;
            assert!(
                got as f64 >= want_ns - 1e-3 * want_ns.max(1.0) * 1e-6 && (got as f64 - want_ns) <= 61.0,
                "seed {seed} flow {i}: finished at {got} ns, fluid end {want_ns:.1} ns"
            );
        }
    }
}

/// Mean sojourn of Poisson flow arrivals on one link (processor sharing), `jobs` flows after
/// a tenth of them as warm-up, sizes from `size` (bytes); and per size decile the mean of
/// sojourn / size.
fn processor_sharing(
    seed: u64,
    rho: f64,
    jobs: usize,
    size: &dyn Fn(&mut cnsim::rng::SimRng) -> f64,
) -> (f64, Vec<f64>) {
    let capacity_bps = 8e9; // 1 byte per ns
    let mean_size = 1e6; // bytes: 1 ms alone
    let rate_per_ns = rho / mean_size;
    let mut rng = stream(seed, Stream::Workload(0));
    let mut net = FlowNetwork::with_routes(&[capacity_bps], &[vec![0]], f64::INFINITY);
    let mut starts = Vec::with_capacity(jobs);
    let mut sizes = Vec::with_capacity(jobs);
    let mut sojourn = vec![0.0; jobs];
    let mut t = 0.0f64;
    let mut next = 0;
    let mut pending_arrival = {
        let gap: f64 = Exp1.sample(&mut rng);
        t += gap / rate_per_ns;
        t as u64
    };
    let mut finished = 0;
    while finished < jobs {
        match net.next_completion() {
            Some(done) if done <= pending_arrival || next >= jobs => {
                let d = net.complete(done);
                sojourn[d.job as usize] = (done - starts[d.job as usize]) as f64;
                finished += 1;
            }
            _ => {
                let bytes = size(&mut rng).max(1.0);
                starts.push(pending_arrival);
                sizes.push(bytes);
                net.start(pending_arrival, 0, bytes, next as u32, FlowKind::Input);
                next += 1;
                let gap: f64 = Exp1.sample(&mut rng);
                t += gap / rate_per_ns;
                pending_arrival = if next < jobs { t as u64 } else { u64::MAX };
            }
        }
    }
    let measured = jobs / 10..jobs;
    let mean = measured.clone().map(|i| sojourn[i]).sum::<f64>() / measured.len() as f64;
    let mut by_size: Vec<(f64, f64)> = measured.map(|i| (sizes[i], sojourn[i] / sizes[i])).collect();
    by_size.sort_by(|a, b| a.0.total_cmp(&b.0));
    let deciles =
        by_size.chunks(by_size.len() / 10).take(10).map(|c| c.iter().map(|p| p.1).sum::<f64>() / c.len() as f64);
    (mean, deciles.collect())
}

#[test]
fn one_shared_link_is_a_processor_sharing_queue_insensitive_to_sizes() {
    // E[T] = (E[B] / C) / (1 - rho) = 1 ms / 0.3 for rho = 0.7, for exponential and for
    // heavy-tailed lognormal sizes (sigma 1.5) of the same mean alike.
    let rho = 0.7;
    let exact = 1e6 / (1.0 - rho);
    let exponential = |rng: &mut cnsim::rng::SimRng| {
        let e: f64 = Exp1.sample(rng);
        e * 1e6
    };
    let sigma: f64 = 1.5;
    let lognormal = LogNormal::new((1e6f64).ln() - sigma * sigma / 2.0, sigma).unwrap();
    let heavy = |rng: &mut cnsim::rng::SimRng| lognormal.sample(rng);
    for (name, size) in [("exponential", &exponential as &dyn Fn(&mut _) -> f64), ("lognormal", &heavy)] {
        let runs: Vec<(f64, Vec<f64>)> = (1..=5).map(|seed| processor_sharing(seed, rho, 200_000, size)).collect();
        let means: Vec<f64> = runs.iter().map(|r| r.0).collect();
        assert_in_ci(&format!("PS mean sojourn, {name} sizes"), &means, exact, 0.08);
        // E[T | x] = x / (C (1 - rho)): sojourn per byte is the same for small and large flows.
        for decile in [1, 5, 9] {
            let per_byte: Vec<f64> = runs.iter().map(|r| r.1[decile]).collect();
            assert_in_ci(&format!("PS E[T|x]/x, {name} sizes, decile {decile}"), &per_byte, 1.0 / (1.0 - rho), 0.15);
        }
    }
}

const ONE_LINK: &str = r#"name = "one-link"
seed = 1
duration = "2h"
warmup = "12min"
scheduler = "nearest"

[[hubs]]
id = "h"
lat = 30.0
lon = 110.0
intelligent = 100000

[[regions]]
id = "r"
lat = 30.0
lon = 110.0

[network]
model = "flow"
fixed_delay = "0s"
[[network.links]]
from = "r"
to = "h"
capacity = "8Gbps"
latency = "0s"

[[classes]]
name = "copy"
pool = "intelligent"
rate = "2520/h"
units = 1
runtime = "1s"
data = { dist = "exponential", mean = "1GB" }
"#;

#[test]
fn engine_transfers_on_one_link_follow_processor_sharing() {
    // 2,520 transfers an hour of 1 GB mean over 1 GB/s: rho = 0.7, E[T] = 1 s / 0.3.
    let means: Vec<f64> = (1..=5)
        .map(|seed| {
            let scenario = parse(&ONE_LINK.replace("seed = 1", &format!("seed = {seed}")));
            let (_, report) = run(&scenario);
            report.latency["all"]["transfer"].mean
        })
        .collect();
    assert_in_ci("engine PS mean transfer", &means, 1.0 / 0.3, 0.15);
}

#[test]
fn delay_and_flow_models_agree_when_transfers_never_meet() {
    // One transfer at a time (10 an hour of 1 s each) on a link alone: the flow model gives
    // the delay model's latency + bytes / bandwidth to the nanosecond.
    let source = ONE_LINK
        .replace("rate = \"2520/h\"", "rate = \"10/h\"")
        .replace("data = { dist = \"exponential\", mean = \"1GB\" }", "data = \"1GB\"");
    let (_, flow) = run(&parse(&source));
    let delay = source
        .replace("model = \"flow\"", "model = \"delay\"\nbandwidth = \"8Gbps\"")
        .replace("[[network.links]]\nfrom = \"r\"\nto = \"h\"\ncapacity = \"8Gbps\"\nlatency = \"0s\"\n", "");
    let (_, delay) = run(&parse(&delay));
    assert!((flow.latency["all"]["transfer"].mean - 1.0).abs() < 1e-3, "{:?}", flow.latency["all"]["transfer"]);
    assert_eq!(flow.latency["all"], delay.latency["all"]);
    let links = flow.links.as_ref().expect("links under the flow model");
    assert_eq!(links.len(), 2);
    assert!(delay.links.is_none());
    // 10/h x 1 GB over 1 GB/s for the measured 108 min: about 0.28 % busy, all of it jobs'.
    assert!(links[0].utilisation.mean > 0.0 && links[0].utilisation.mean < 0.01, "{:?}", links[0].utilisation);
    assert_eq!(links[1].bytes, 0.0);
}

const GRAVITY: &str = r#"name = "gravity"
seed = 3
duration = "1d"
warmup = "2h"
scheduler = "network-aware"

[[hubs]]
id = "east"
lat = 31.0
lon = 121.0
intelligent = 64

[[hubs]]
id = "west"
lat = 37.5
lon = 105.2
intelligent = 64

[[regions]]
id = "shanghai"
lat = 31.2
lon = 121.5

[network]
model = "flow"
[[network.links]]
from = "shanghai"
to = "east"
capacity = "400Gbps"
[[network.links]]
id = "corridor"
from = "east"
to = "west"
capacity = "10Gbps"
price_per_gb = 0.5

[[classes]]
name = "analytics"
pool = "intelligent"
rate = "4/h"
units = 4
runtime = { dist = "exponential", mean = "1h" }
data = "2TB"
input_at = "west"
output = "10GB"
"#;

#[test]
fn jobs_whose_data_lives_at_a_hub_run_there_and_move_nothing() {
    // The input (2 TB) sits in the west; 10 Gbps would take 27 min to move it: network-aware
    // runs every job where the data is, moves no input, and only the output comes home.
    let (_, report) = run(&parse(GRAVITY));
    let west = report.hubs.iter().find(|h| h.id == "west").unwrap();
    assert_eq!(west.placed, report.hubs.iter().map(|h| h.placed).sum::<u64>());
    assert_eq!(report.network.bytes_total, 0.0);
    let finished = report.jobs.finished as f64;
    assert!(finished > 50.0);
    assert!(report.network.bytes_returned.unwrap() >= 10e9 * finished);
    // JCT includes the output's way back: at least 10 GB / 10 Gbps = 8 s beyond the run.
    let jct = report.latency["all"]["jct"].mean;
    let run_time = report.latency["all"]["run"].mean;
    assert!(jct >= run_time + 8.0, "jct {jct} run {run_time}");
    // Moving data is billed: 10 GB x 0.5 CNY per finished job.
    assert!((report.footprint_per_job.transfer_cost_cny - 5.0).abs() < 1e-6, "{:?}", report.footprint_per_job);
    // nearest (east, where the origin is) drags every input across the corridor.
    let (_, near) = run(&parse(&GRAVITY.replace("network-aware", "nearest")));
    assert!(near.network.bytes_total > 0.0);
    assert!(near.latency["all"]["transfer"].mean > 1600.0, "{}", near.latency["all"]["transfer"].mean);
}

#[test]
fn flow_runs_are_deterministic() {
    let scenario = crate::helpers::shipped("wan-bound.toml");
    let a = serde_json::to_string(&crate::helpers::without_wall_clock(&cnsim::report::json::render(&run(&scenario).1)));
    let b = serde_json::to_string(&crate::helpers::without_wall_clock(&cnsim::report::json::render(&run(&scenario).1)));
    assert_eq!(a.unwrap(), b.unwrap());
}

/// `cnsim validate` on `content` exits 2 with one line naming the file and each fragment.
fn rejects(case: &str, content: &str, expected: &[&str]) {
    let dir = scratch(case);
    let path = write(&dir, "bad.toml", content);
    let output = cnsim(&["validate", path.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{case}: exit code; stderr: {err}");
    assert!(err.contains("bad.toml"), "{case}: {err}");
    for fragment in expected {
        assert!(err.contains(fragment), "{case}: expected {fragment:?} in: {err}");
    }
    assert_eq!(err.trim().lines().count(), 1, "{case}: {err}");
    assert!(!err.contains("panicked"), "{case}: {err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_network_input_is_named() {
    let link = "[[network.links]]\nfrom = \"shanghai\"\nto = \"east\"\ncapacity = \"400Gbps\"\n";
    rejects(
        "unknown-site",
        &GRAVITY.replace("to = \"east\"\ncapacity = \"400Gbps\"", "to = \"moon\"\ncapacity = \"400Gbps\""),
        &["network.links[0].to", "unknown site \"moon\"", "known sites"],
    );
    rejects("zero-capacity", &GRAVITY.replace("\"400Gbps\"", "\"0Gbps\""), &["network.links[0].capacity", "positive"]);
    rejects("negative-capacity", &GRAVITY.replace("\"400Gbps\"", "\"-4Tbps\""), &["network.links[0].capacity"]);
    rejects(
        "duplicate-link",
        &GRAVITY.replace(link, &format!("{link}{link}")),
        &["network.links[1]", "duplicate link"],
    );
    rejects(
        "pinned-missing-link",
        &format!("{GRAVITY}\n[[network.routes]]\nfrom = \"shanghai\"\nto = \"west\"\n"),
        &["network.routes[0]", "no link joins them", "shanghai", "west"],
    );
    rejects(
        "no-route",
        &GRAVITY.replace("[[network.links]]\nid = \"corridor\"\nfrom = \"east\"\nto = \"west\"\ncapacity = \"10Gbps\"\nprice_per_gb = 0.5\n", ""),
        &["network.links", "no route from \"shanghai\" to \"west\""],
    );
    rejects(
        "input-at",
        &GRAVITY.replace("input_at = \"west\"", "input_at = \"mars\""),
        &["classes[0].input_at", "unknown site \"mars\""],
    );
    rejects(
        "background",
        &GRAVITY.replace("[network]\n", "[network]\nbackground = 1.0\n"),
        &["network.background", "below 1"],
    );
    rejects(
        "legacy-bandwidth",
        &GRAVITY.replace("capacity = \"400Gbps\"", "bandwidth = \"400Gbps\""),
        &["network.links[0].bandwidth", "[[network.pairs]]"],
    );
}
