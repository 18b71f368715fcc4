//! Faults against independent truth: hand-worked outage, retry, backoff and checkpoint
//! timings; availability = MTBF / (MTBF + MTTR); M/M/c with failing jobs; outage windows kept
//! exactly; common random numbers across policies.

use cnsim::engine::Lifecycle;
use cnsim::time::{HOUR, MINUTE};

use crate::helpers::{assert_in_ci, erlang_c, mmc_with, parse, run, timed};
use crate::tracker::{Phase, Trace, Tracker, assert_conserved, run_tracked};

/// Two one-unit hubs `a` and `b` at the region's own site (no delay, so `nearest` picks `a`
/// while it is up), one class of 10 h one-unit jobs at 1 per 100 h over 3 days. Seed 22 gives
/// exactly one job, submitted between 14 h and 15 h. `failure` and `faults` are TOML lines.
fn one_job(failure: &str, faults: &str) -> String {
    format!(
        r#"
        duration = "3d"
        warmup = "1h"
        seed = 22
        scheduler = "nearest"
        [network]
        fixed_delay = "0s"
        [[hubs]]
        id = "a"
        lat = 30.0
        lon = 110.0
        intelligent = 2
        [[hubs]]
        id = "b"
        lat = 30.0
        lon = 110.0
        intelligent = 1
        [[regions]]
        id = "r"
        lat = 30.0
        lon = 110.0
        [[classes]]
        name = "long"
        pool = "intelligent"
        rate = "1/100h"
        units = 1
        runtime = "10h"
        {failure}
        {faults}
        "#
    )
}

const OUTAGE_OF_A: &str = "[[faults.outages]]\nhub = \"a\"\nstart = \"20h\"\nduration = \"6h\"";

/// Runs a one-job scenario and returns its only job's trace and the run's fault record.
fn the_job(source: &str) -> (Trace, cnsim::metrics::FaultRecord) {
    let scenario = parse(source);
    let mut tracker = Tracker::default();
    let (recorder, in_flight) = run_tracked(&scenario, None, &mut tracker);
    assert_conserved(&tracker, &recorder, in_flight, "one job");
    assert_eq!(tracker.jobs.len(), 1, "seed 22 submits exactly one job");
    let job = tracker.jobs[0].clone();
    let t0 = job.events[0].0;
    assert!((14 * HOUR..15 * HOUR).contains(&t0), "seed 22 submits it between 14 h and 15 h, not at {t0}");
    (job, recorder.faults.expect("faults recorded"))
}

#[test]
fn a_killed_run_is_retried_elsewhere_after_its_backoff_and_resumes_from_its_checkpoint() {
    let (job, faults) = the_job(&one_job("failure = { checkpoint = \"3h\", backoff = \"10min\" }", OUTAGE_OF_A));
    let t0 = job.events[0].0;
    // By hand: it starts at a on arrival (t0); a goes down at 20 h, after 20 h - t0 (5 to 6 h)
    // of running, so one checkpoint (at 3 h) holds and 7 h are left. The retry comes 10 min
    // later; a is down, so nearest takes b, where the 7 h end at 27 h 10 min.
    assert_eq!(job.hubs(), vec![0, 1]);
    assert_eq!(job.times(Lifecycle::Started), vec![t0, 20 * HOUR + 10 * MINUTE]);
    assert_eq!(job.times(Lifecycle::Failed), vec![20 * HOUR]);
    assert_eq!(job.times(Lifecycle::Retried), vec![20 * HOUR]);
    assert_eq!(job.times(Lifecycle::Finished), vec![27 * HOUR + 10 * MINUTE]);
    assert_eq!(job.phase, Phase::Finished);
    assert_eq!((faults.killed_by_outage, faults.retried, faults.lost), (1, 1, 0));
    // Busy: (20 h - t0) at a + 7 h at b; lost: what ran after the 3 h checkpoint.
    assert_eq!(faults.busy_unit_nanos, u128::from(20 * HOUR - t0 + 7 * HOUR));
    assert_eq!(faults.lost_unit_nanos, u128::from(20 * HOUR - t0 - 3 * HOUR));
    let goodput = faults.goodput().unwrap();
    assert!((goodput - 10.0 * HOUR as f64 / (20 * HOUR - t0 + 7 * HOUR) as f64).abs() < 1e-12);
    // a's intelligent pool was down for exactly 6 h of the 71 h window.
    let a = faults.pools[0][0];
    assert_eq!(a.degraded_nanos, u128::from(6 * HOUR));
    assert_eq!(a.available_unit_nanos, 2 * u128::from(65 * HOUR));
    assert_eq!(a.availability(71 * HOUR), Some(65.0 / 71.0));
    assert_eq!(faults.pools[1][0].availability(71 * HOUR), Some(1.0), "b was never hit");
}

#[test]
fn without_checkpoints_a_retry_runs_the_whole_job_again() {
    let (job, faults) = the_job(&one_job("failure = { backoff = \"10min\" }", OUTAGE_OF_A));
    let t0 = job.events[0].0;
    assert_eq!(job.times(Lifecycle::Finished), vec![30 * HOUR + 10 * MINUTE]);
    assert_eq!(faults.lost_unit_nanos, u128::from(20 * HOUR - t0));
}

#[test]
fn a_class_that_does_not_retry_loses_the_job_and_all_its_work() {
    let (job, faults) = the_job(&one_job("failure = { on_failure = \"lose\", checkpoint = \"3h\" }", OUTAGE_OF_A));
    let t0 = job.events[0].0;
    assert_eq!(job.phase, Phase::Lost);
    assert_eq!(job.times(Lifecycle::Lost), vec![20 * HOUR]);
    assert_eq!((faults.killed_by_outage, faults.retried, faults.lost), (1, 0, 1));
    // The checkpointed 3 h never turned into a result: all of it is lost.
    assert_eq!(faults.lost_unit_nanos, u128::from(20 * HOUR - t0));
    assert_eq!(faults.goodput(), Some(0.0));
}

#[test]
fn a_partial_outage_keeps_the_runs_that_still_fit() {
    // Half of a's two units go: the one running job fits in the unit left and runs on.
    let partial = format!("{OUTAGE_OF_A}\nlost = 0.5");
    let (job, faults) = the_job(&one_job("", &partial));
    let t0 = job.events[0].0;
    assert_eq!(job.times(Lifecycle::Finished), vec![t0 + 10 * HOUR]);
    assert_eq!(faults.failed(), 0);
    // Availability: 1 - 0.5 x 6 h / 71 h, exactly.
    let a = faults.pools[0][0];
    assert_eq!(a.available_unit_nanos, u128::from(2 * 71 * HOUR - 6 * HOUR));
    assert_eq!(a.degraded_nanos, u128::from(6 * HOUR));
}

#[test]
fn own_failures_retry_with_doubling_backoff_until_the_attempts_run_out() {
    // Every run fails (probability 1) somewhere in its 10 h: three runs in all, 10 min then
    // 20 min apart, and the third failure loses the job.
    let (job, faults) = the_job(&one_job("failure = { probability = 1.0, max_attempts = 3, backoff = \"10min\" }", ""));
    let failed = job.times(Lifecycle::Failed);
    let started = job.times(Lifecycle::Started);
    assert_eq!((started.len(), failed.len()), (3, 3));
    assert_eq!(started[1] - failed[0], 10 * MINUTE);
    assert_eq!(started[2] - failed[1], 20 * MINUTE);
    for (s, f) in started.iter().zip(&failed) {
        assert!(f - s < 10 * HOUR, "a run fails within its runtime");
    }
    assert_eq!(job.times(Lifecycle::Lost), vec![failed[2]]);
    assert_eq!((faults.failed_by_hazard, faults.retried, faults.lost), (3, 2, 1));
}

#[test]
fn scheduled_outage_windows_are_kept_exactly() {
    // Many short jobs at a; a is down from 20 h to 26 h. Nothing may start at a inside the
    // window, and the capacity is back to the nanosecond at its end.
    let source = one_job("", OUTAGE_OF_A)
        .replace("rate = \"1/100h\"", "rate = \"20/h\"")
        .replace("runtime = \"10h\"", "runtime = { dist = \"exponential\", mean = \"30min\" }");
    let scenario = parse(&source);
    for policy in ["nearest", "least-loaded", "random", "earliest-finish"] {
        let mut tracker = Tracker::default();
        let (recorder, in_flight) = run_tracked(&scenario, Some(policy), &mut tracker);
        assert_conserved(&tracker, &recorder, in_flight, policy);
        for job in &tracker.jobs {
            let mut hub = None;
            for &(t, e) in &job.events {
                match e {
                    Lifecycle::Placed { hub: h } => hub = Some(h),
                    Lifecycle::Started if hub == Some(0) => {
                        assert!(!(20 * HOUR..26 * HOUR).contains(&t), "{policy}: a job started at a at {t}");
                    }
                    Lifecycle::Failed => assert_eq!((t, hub), (20 * HOUR, Some(0)), "{policy}: only a's outage kills"),
                    _ => {}
                }
            }
        }
        let a = recorder.faults.as_ref().unwrap().pools[0][0];
        assert_eq!(a.degraded_nanos, u128::from(6 * HOUR), "{policy}");
        // Jobs arriving during the window went to b; after it, nearest sends them to a again.
        if policy == "nearest" {
            let first_hub = |from, to| {
                tracker
                    .jobs
                    .iter()
                    .filter(move |j| (from..to).contains(&j.events[0].0))
                    .map(|j| j.hubs().first().copied())
            };
            assert!(first_hub(20 * HOUR, 26 * HOUR).all(|h| h == Some(1)));
            assert!(first_hub(26 * HOUR, 27 * HOUR).all(|h| h == Some(0)));
        }
    }
}

#[test]
fn measured_availability_matches_mtbf_over_mtbf_plus_mttr() {
    // A random outage process with MTBF 10 h and MTTR 2 h: availability 10 / 12. Ten runs of
    // 400 days (about 800 cycles each).
    let source = one_job("", "[[faults.outages]]\nhub = \"a\"\nmtbf = \"10h\"\nmttr = \"2h\"")
        .replace("duration = \"3d\"", "duration = \"400d\"")
        .replace("rate = \"1/100h\"", "rate = \"1/1000h\"");
    let mut measured = Vec::new();
    for seed in 1..=10 {
        let scenario = parse(&source.replace("seed = 22", &format!("seed = {seed}")));
        let (_, report) = run(&scenario);
        let faults = report.faults.expect("faults section");
        let a = &faults.availability[0];
        assert_eq!((a.hub.as_str(), a.pool), ("a", "intelligent"));
        assert!((a.expected.unwrap() - 10.0 / 12.0).abs() < 1e-12);
        measured.push(a.availability.unwrap());
    }
    assert_in_ci("availability", &measured, 10.0 / 12.0, 0.01);
}

#[test]
fn mmc_with_failing_jobs_is_mmc_at_the_faster_rate() {
    // M/M/8, lambda 7/s, mu 1/s, and each run fails at hazard theta = 1/3 per s and is lost:
    // a run lasts min(S, F) ~ Exp(mu + theta = 4/3), so the queue is M/M/8 at a = 5.25, and a
    // job is lost with probability theta / (mu + theta) = 1/4 (competing exponentials). FIFO
    // waits do not depend on the job's own run, so finished jobs' waits are everyone's.
    let rate = 4.0 / 3.0;
    let exact_wait = erlang_c(8, 7.0 / rate) / (8.0 * rate - 7.0);
    let source = mmc_with(8, 7.0, "failure = { mtbf = \"3s\", on_failure = \"lose\" }");
    let (mut waits, mut lost) = (Vec::new(), Vec::new());
    for seed in 1..=5 {
        let (_, report) = run(&timed(&source, "20000s", "1000s", seed));
        waits.push(report.latency["all"]["wait"].mean);
        let jobs = report.jobs;
        lost.push(jobs.lost as f64 / (jobs.lost + jobs.finished) as f64);
    }
    assert_in_ci("M/M/8 with failures Wq", &waits, exact_wait, 0.15);
    assert_in_ci("lost share", &lost, 0.25, 0.03);
}

#[test]
fn jobs_and_outages_are_the_same_under_every_policy() {
    let scenario = parse(&crate::conservation::small_with_faults());
    let mut digests = Vec::new();
    let mut outages = Vec::new();
    for policy in ["nearest", "least-loaded", "random"] {
        let mut tracker = Tracker::default();
        let (recorder, _) = run_tracked(&scenario, Some(policy), &mut tracker);
        digests.push(recorder.workload_digest);
        let f = recorder.faults.unwrap();
        outages.push(f.pools.iter().map(|p| (p[0].outages, p[0].degraded_nanos)).collect::<Vec<_>>());
    }
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "jobs differ across policies");
    assert!(outages.windows(2).all(|w| w[0] == w[1]), "outages differ across policies: {outages:?}");
}

#[test]
fn a_run_without_faults_reports_none() {
    let (output, report) = run(&parse(&one_job("", "")));
    assert!(output.recorder.faults.is_none() && report.faults.is_none());
}

#[test]
fn bad_fault_fields_name_the_place_and_what_is_allowed() {
    let cases: [(&str, &str, &[&str]); 8] = [
        (
            "hub",
            "[[faults.outages]]\nhub = \"z\"\nstart = \"1h\"\nduration = \"1h\"",
            &["faults.outages[0].hub", "\"z\"", "known hubs: a, b"],
        ),
        (
            "pool",
            "[[faults.outages]]\nhub = \"a\"\npool = \"gpu\"\nstart = \"1h\"\nduration = \"1h\"",
            &["faults.outages[0].pool", "\"intelligent\" or \"general\""],
        ),
        (
            "lost",
            "[[faults.outages]]\nhub = \"a\"\nstart = \"1h\"\nduration = \"1h\"\nlost = 1.5",
            &["faults.outages[0].lost", "1.5", "at most 1"],
        ),
        (
            "timing",
            "[[faults.outages]]\nhub = \"a\"\nstart = \"1h\"\nmtbf = \"1h\"",
            &["faults.outages[0]", "either `start` and `duration`", "`mtbf` and `mttr`"],
        ),
        (
            "mttr",
            "[[faults.outages]]\nhub = \"a\"\nmtbf = \"1h\"\nmttr = \"0s\"",
            &["faults.outages[0].mttr", "must be positive"],
        ),
        ("both", "", &["classes[0].failure", "`mtbf`", "not both"]),
        ("attempts", "", &["classes[0].failure.max_attempts", "0", "from 1 to 1000"]),
        ("on_failure", "", &["classes[0].failure.on_failure", "\"again\"", "\"retry\" or \"lose\""]),
    ];
    let failures = [
        ("both", "failure = { mtbf = \"1h\", probability = 0.5 }"),
        ("attempts", "failure = { max_attempts = 0 }"),
        ("on_failure", "failure = { on_failure = \"again\" }"),
    ];
    for (case, faults, expected) in cases {
        let failure = failures.iter().find(|(c, _)| *c == case).map_or("", |(_, f)| f);
        let error = cnsim::scenario::Scenario::parse(&one_job(failure, faults), "f.toml")
            .err()
            .unwrap_or_else(|| panic!("{case}: accepted"))
            .to_string();
        assert!(error.starts_with("f.toml:") && !error.contains('\n'), "{case}: {error}");
        for fragment in expected {
            assert!(error.contains(fragment), "{case}: {error:?} lacks {fragment:?}");
        }
    }
}

#[test]
fn the_outage_scenario_takes_a_western_hub_down_at_the_daily_peak_after_the_warm_up() {
    let scenario = crate::helpers::shipped("outage.toml");
    let [outage] = &scenario.faults.outages[..] else { panic!("one outage") };
    let hub = &scenario.hubs[outage.hub as usize];
    assert_eq!((hub.id.as_str(), hub.side), ("ningxia", Some(cnsim::model::Side::West)));
    let cnsim::model::OutageTiming::Scheduled { start, duration } = outage.timing else { panic!("scheduled") };
    assert_eq!((start, duration, outage.lost), (38 * HOUR, 6 * HOUR, 1.0));
    assert!(start >= scenario.run.warmup && start + duration <= scenario.run.duration);
    // 14:00 to 20:00, around the classes' diurnal peaks (14 h to 20 h).
    assert_eq!(start % (24 * HOUR), 14 * HOUR);
}

#[test]
fn no_policy_places_a_job_on_a_pool_that_is_down_even_with_warm_caches() {
    use cnsim::model::Side;
    use cnsim::rng::{Stream, stream};
    use cnsim::scheduler::{Decision, registry::POLICIES};

    use crate::helpers::{HubSpec, hub, request, states, view_at_zero, world};
    // Hub 0 is the best by every policy's measure: nearest, cheapest, greenest, western, idle.
    let best = HubSpec { lon: 1.0, capacity: 64, side: Side::West, pue: 1.1, price: 0.1, renewable: 0.95 };
    let world = world(&[best, hub(20.0, 64), hub(40.0, 64)]);
    let up = states(&world, |_, _| {});
    let down = states(&world, |h, pool| {
        if h == 0 {
            pool.set_capacity(0, 0);
        }
    });
    let view = |state, degraded| view_at_zero(&world, state, degraded);
    for info in POLICIES {
        for job in [request(1, 0, None), request(8, 1 << 40, None)] {
            let mut policy = cnsim::scheduler::build(&info.name.into(), &world.hubs).unwrap();
            let mut rng = stream(5, Stream::Scheduler);
            // Decisions with every hub up warm the policy's caches and indexes.
            for _ in 0..20 {
                policy.decide(&job, &view(&up, false), &mut rng);
            }
            let outage = view(&down, true);
            assert!(outage.is_down(0, cnsim::model::PoolKind::Intelligent));
            for _ in 0..200 {
                let decision = policy.decide(&job, &outage, &mut rng);
                assert_ne!(decision, Decision::Run(0), "{} placed a job on the down hub", info.name);
                assert!(matches!(decision, Decision::Run(_)), "{}: {decision:?} though two hubs are up", info.name);
            }
        }
    }
}
