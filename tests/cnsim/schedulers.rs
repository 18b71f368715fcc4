//! One test per scheduler showing what makes it different, on small hand-built worlds.

use cnsim::engine::HubState;
use cnsim::model::World;
use cnsim::scheduler::Decision;
use cnsim::time::MILLISECOND;

use crate::helpers::{HubSpec, decide, hub, parse, request, run, world};

/// Hubs on a line east of the region at 0, 500 and 1,500 km, capacities given.
fn line_world(capacities: &[u32]) -> World {
    let specs: Vec<HubSpec> = capacities.iter().zip([0.0, 4.5, 13.5]).map(|(&c, lon)| hub(lon, c)).collect();
    world(&specs)
}

/// Pool states with `busy` units and `queued` units set directly.
fn states(world: &World, busy: &[u32], queued: &[u64]) -> Vec<HubState> {
    crate::helpers::states(world, |i, pool| crate::helpers::load_pool(pool, busy[i], queued[i]))
}

#[test]
fn nearest_ignores_load_but_respects_size() {
    let world = line_world(&[10, 100, 100]);
    // The nearest hub is full with a long queue; nearest still picks it.
    let state = states(&world, &[10, 0, 0], &[50, 0, 0]);
    assert_eq!(decide("nearest", &world, &state, &request(1, 0, None), 1), vec![Decision::Run(0)]);
    // A job larger than the nearest hub goes to the next nearest that can hold it.
    assert_eq!(decide("nearest", &world, &state, &request(20, 0, None), 1), vec![Decision::Run(1)]);
}

#[test]
fn least_loaded_balances_relative_load_and_breaks_ties_by_latency() {
    let world = line_world(&[10, 100, 100]);
    // Loads: 5/10 = 0.5, (30 + 10)/100 = 0.4, 45/100 = 0.45.
    let state = states(&world, &[5, 30, 45], &[0, 10, 0]);
    assert_eq!(decide("least-loaded", &world, &state, &request(1, 0, None), 1), vec![Decision::Run(1)]);
    // Equal loads: the nearer hub wins.
    let state = states(&world, &[0, 20, 20], &[0, 0, 0]);
    let world_big = line_world(&[100, 100, 100]);
    let state_big = states(&world_big, &[20, 20, 20], &[0, 0, 0]);
    assert_eq!(decide("least-loaded", &world_big, &state_big, &request(1, 0, None), 1), vec![Decision::Run(0)]);
    assert_eq!(decide("least-loaded", &world, &state, &request(1, 0, None), 1), vec![Decision::Run(0)]);
}

#[test]
fn round_robin_cycles_through_eligible_hubs_only() {
    let world = line_world(&[100, 100, 100]);
    let state = states(&world, &[0, 0, 0], &[0, 0, 0]);
    let picks = decide("round-robin", &world, &state, &request(1, 0, None), 6);
    let expected: Vec<Decision> = [0, 1, 2, 0, 1, 2].iter().map(|&h| Decision::Run(h)).collect();
    assert_eq!(picks, expected);
    // With a 20 ms round-trip limit the farthest hub (1,500 km: 15.5 ms one way) is skipped;
    // the middle one (500 km: 5.5 ms one way, 11 ms round trip) stays.
    let limited = decide("round-robin", &world, &state, &request(1, 0, Some(20 * MILLISECOND)), 4);
    assert_eq!(limited, vec![Decision::Run(0), Decision::Run(1), Decision::Run(0), Decision::Run(1)]);
}

#[test]
fn random_spreads_uniformly_over_eligible_hubs_from_its_own_stream() {
    let world = line_world(&[100, 100, 5]);
    let state = states(&world, &[0, 0, 0], &[0, 0, 0]);
    let picks = decide("random", &world, &state, &request(8, 0, None), 3000);
    let mut counts = [0usize; 3];
    for d in &picks {
        let Decision::Run(h) = d else { panic!("random rejected an eligible job") };
        counts[*h as usize] += 1;
    }
    assert_eq!(counts[2], 0, "hub 2 is too small for 8 units");
    assert!((counts[0] as f64 / 3000.0 - 0.5).abs() < 0.04, "{counts:?}");
    // Not a fixed pattern: it does not alternate like round-robin.
    assert!(picks.windows(2).any(|w| w[0] == w[1]));
}

/// Two hubs, all demand next to the small one: where the policies differ end to end.
const SKEWED: &str = r#"
    seed = 3
    duration = "2d"
    warmup = "6h"
    [[hubs]]
    id = "local"
    lat = 31.2
    lon = 121.5
    intelligent = 16
    [[hubs]]
    id = "remote"
    lat = 37.5
    lon = 105.2
    intelligent = 64
    [[regions]]
    id = "users"
    lat = 31.2
    lon = 121.5
    [[classes]]
    name = "jobs"
    pool = "intelligent"
    rate = "40/h"
    units = 1
    runtime = { dist = "exponential", mean = "1h" }
    data = "10GB"
"#;

#[test]
fn end_to_end_nearest_overloads_the_local_hub_and_least_loaded_does_not() {
    let mut nearest = parse(SKEWED);
    nearest.scheduler = "nearest".into();
    let (_, near) = run(&nearest);
    let mut balanced = parse(SKEWED);
    balanced.scheduler = "least-loaded".into();
    let (_, ll) = run(&balanced);
    // Same jobs (common random numbers: workload streams are untouched by decisions).
    assert_eq!(near.jobs.submitted, ll.jobs.submitted);
    assert_eq!(near.hubs[1].placed, 0, "nearest never uses the remote hub");
    assert!(ll.hubs[1].placed > ll.hubs[0].placed, "least-loaded sends most work to the larger hub");
    // 40 jobs/h x 1 h on 16 units is overload (rho = 2.5): waits grow without bound under nearest.
    assert!(near.latency["all"]["wait"].mean > 10.0 * 3600.0);
    assert!(ll.latency["all"]["wait"].mean < 600.0);
    // Least-loaded pays in transfer latency instead.
    assert!(ll.latency["all"]["transfer"].mean > near.latency["all"]["transfer"].mean);
}
