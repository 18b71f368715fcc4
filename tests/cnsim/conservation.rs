//! Conservation: every job ends finished, rejected or in flight; capacity is never exceeded.

use cnsim::time::HOUR;

use crate::helpers::{run, shipped};

/// Capacity and conservation are asserted after every event in debug builds, and the tests
/// run with debug assertions on, so every simulation in this suite exercises them. This shows
/// the check is live: over-allocating a pool is caught.
#[test]
#[should_panic(expected = "capacity exceeded")]
fn the_capacity_check_is_live_in_tests() {
    let mut pool = cnsim::engine::PoolState::new(2);
    pool.occupy(0, 0, 3, 10);
}

#[test]
fn jobs_are_conserved_in_every_shipped_scenario() {
    for (name, hours) in [("small.toml", None), ("default.toml", Some(30)), ("mmc.toml", Some(1))] {
        let mut scenario = shipped(name);
        if let Some(h) = hours {
            scenario = scenario.with_duration(h * HOUR).unwrap();
        }
        let (output, report) = run(&scenario);
        for counts in [report.jobs, report.warmup_jobs] {
            assert_eq!(counts.submitted, counts.finished + counts.rejected + counts.in_flight, "{name}: {counts:?}");
        }
        let per_class: u64 = report.classes.iter().map(|c| c.jobs.submitted).sum();
        assert_eq!(per_class, report.jobs.submitted);
        assert!(report.jobs.submitted > 0, "{name}: no jobs");
        // Utilisation can never exceed capacity.
        for hub in &report.hubs {
            for pool in hub.utilisation.values() {
                assert!(pool.mean.unwrap_or(0.0) <= 1.0 + 1e-12);
            }
        }
        // The per-hub placement counts add up to the measured jobs that were not rejected.
        let placed: u64 = report.hubs.iter().map(|h| h.placed).sum();
        assert_eq!(placed, report.jobs.submitted - report.jobs.rejected, "{name}");
        assert_eq!(output.recorder.events, report.performance.events);
    }
}

#[test]
fn jobs_too_large_for_any_reachable_hub_are_rejected_and_counted() {
    let scenario = crate::helpers::parse(
        r#"
        duration = "1d"
        warmup = "1h"
        [[hubs]]
        id = "near"
        lat = 30.0
        lon = 120.0
        intelligent = 4
        [[hubs]]
        id = "far"
        lat = 40.0
        lon = 100.0
        intelligent = 100
        [[regions]]
        id = "r"
        lat = 30.0
        lon = 120.0
        [[classes]]
        name = "big-interactive"
        pool = "intelligent"
        rate = "10/h"
        units = 8
        runtime = "1h"
        max_round_trip = "5ms"
        [[classes]]
        name = "big-batch"
        pool = "intelligent"
        rate = "10/h"
        units = 8
        runtime = "1h"
        "#,
    );
    let (_, report) = run(&scenario);
    let interactive = &report.classes[0].jobs;
    assert!(interactive.submitted > 100);
    assert_eq!(interactive.rejected, interactive.submitted, "only the far hub is big enough, and it is out of reach");
    assert_eq!(interactive.rejected_no_eligible_hub, interactive.submitted);
    let batch = &report.classes[1].jobs;
    assert_eq!(batch.rejected, 0, "batch jobs may go to the far hub");
}
