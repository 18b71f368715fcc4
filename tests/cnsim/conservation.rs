//! Conservation: every job ends exactly once, finished, rejected or lost, or is still in
//! flight; capacity is never exceeded. Jobs are followed one by one through the engine's
//! lifecycle events by an observer of the test's own ([`Tracker`]), not through the recorder.

use cnsim::scheduler::registry::POLICIES;
use cnsim::time::HOUR;

use crate::helpers::{parse, root, run, shipped};
use crate::tracker::{Tracker, assert_conserved, run_tracked};

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
        let mut tracker = Tracker::default();
        let (recorder, in_flight) = run_tracked(&scenario, None, &mut tracker);
        assert_conserved(&tracker, &recorder, in_flight, name);
        let (output, report) = run(&scenario);
        assert_eq!(report.jobs.submitted, recorder.total().submitted, "{name}: the tracked run is the same run");
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

/// small.toml with every kind of fault: a scheduled outage of the western hub (10 h to 16 h),
/// random full and partial outages of the eastern hubs, jobs that fail by themselves, retries
/// with checkpoints, and a class whose jobs are lost at their first failure.
pub fn small_with_faults() -> String {
    let source = std::fs::read_to_string(root().join("scenarios/small.toml")).expect("shipped");
    let source = source
        .replace(
            "name = \"training\"",
            "name = \"training\"\nfailure = { mtbf = \"5h\", checkpoint = \"20min\", max_attempts = 4, backoff = \"5min\" }",
        )
        .replace("name = \"analytics\"", "name = \"analytics\"\nfailure = { probability = 0.1, on_failure = \"lose\" }");
    source
        + r#"
        [[faults.outages]]
        hub = "west"
        start = "10h"
        duration = "6h"
        [[faults.outages]]
        hub = "east-a"
        pool = "intelligent"
        mtbf = "8h"
        mttr = "1h"
        lost = 0.5
        [[faults.outages]]
        hub = "east-b"
        mtbf = "12h"
        mttr = "2h"
        "#
}

#[test]
fn every_job_ends_once_under_faults_and_retries_for_every_policy() {
    let scenario = parse(&small_with_faults());
    for policy in POLICIES.iter().map(|p| p.name) {
        // The western hub (index 2) is down from 10 h to 16 h: no placement may go there.
        let mut tracker = Tracker::checking_placements(move |t, hub| {
            assert!(!(hub == 2 && (10 * HOUR..16 * HOUR).contains(&t)), "{policy} placed a job at the down hub at {t}")
        });
        let (recorder, in_flight) = run_tracked(&scenario, Some(policy), &mut tracker);
        assert_conserved(&tracker, &recorder, in_flight, policy);
        let faults = recorder.faults.as_ref().expect("a faulted run records faults");
        assert!(faults.killed_by_outage > 0 && faults.failed_by_hazard > 0, "{policy}: {faults:?}");
        assert!(faults.retried > 0 && faults.lost > 0 && faults.handed_back > 0, "{policy}: {faults:?}");
        // Some job was retried and then finished; some were killed more than once.
        assert!(tracker.jobs.iter().any(|j| j.times(cnsim::engine::Lifecycle::Retried).len() >= 2), "{policy}");
        assert!(
            tracker.jobs.iter().any(|j| !j.times(cnsim::engine::Lifecycle::Retried).is_empty()
                && j.phase == crate::tracker::Phase::Finished),
            "{policy}"
        );
    }
}

#[test]
fn the_tracker_catches_a_job_that_ends_twice() {
    use cnsim::engine::{Lifecycle, Observer};
    let result = std::panic::catch_unwind(|| {
        let mut tracker = Tracker::default();
        tracker.on(0, 5, Lifecycle::Submitted);
        tracker.on(1, 5, Lifecycle::Rejected);
        tracker.on(2, 5, Lifecycle::Rejected);
    });
    assert!(result.is_err(), "a second end of one job must be refused");
}
