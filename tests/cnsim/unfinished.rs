//! Unfinished work is never hidden: counts in every latency table and in compare, the
//! censoring warning with lower bounds, the stability verdict, censored marks in compare.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use cnsim::compare::{CompareConfig, render};
use cnsim::report::text;

use crate::helpers::{mmc_source, run, timed};

/// M/M/8 at 125 % of capacity: the queue grows for the whole run.
fn overloaded(seed: u64) -> cnsim::scenario::Scenario {
    timed(&mmc_source(8, 10.0), "2000s", "200s", seed)
}

/// M/M/8 at 75 %: steady.
fn stable(seed: u64) -> cnsim::scenario::Scenario {
    timed(&mmc_source(8, 6.0), "2000s", "200s", seed)
}

#[test]
fn why_compare_shows_in_flight_counts_and_marks_censored_latencies() {
    // compare used to average JCT over finished jobs only, with no finished or in-flight counts.
    let config = CompareConfig {
        scenario: overloaded(3),
        policies: vec!["nearest".into(), "least-loaded".into()],
        replications: 2,
        baseline: 0,
        parallelism: 2,
    };
    let report = cnsim::compare::run(&config, Arc::new(AtomicBool::new(false)), |_, _| {}).unwrap();
    let row = |key: &str| report.metrics.iter().find(|m| m.info.key == key).unwrap_or_else(|| panic!("{key}"));
    let in_flight = row("in_flight.all").policies[0].value.mean;
    assert!(in_flight > 1000.0, "in flight {in_flight}");
    let share = row("finished_share.all").policies[0].value.mean;
    assert!(share < 0.9, "finished share {share}");
    assert_eq!(row("jct_mean.all").policies[0].censored_runs, 2, "every seed's JCT is censored");
    assert_eq!(row("jct_mean.unit").policies[1].censored_runs, 2);
    assert_eq!(row("utilisation.intelligent").policies[0].censored_runs, 0, "utilisation is exact");
    assert_eq!(row("pools_growing").policies[0].value.mean, 1.0, "the one pool's backlog grows");
    let rendered = render::render(&report);
    assert!(rendered.contains("in flight at end all"), "{rendered}");
    assert!(rendered.contains("finished share all"), "{rendered}");
    assert!(rendered.contains("† censored"), "{rendered}");
    assert!(rendered.contains("WARNING: the intelligent pool is offered 125% of its capacity"), "{rendered}");
    // Stable runs are not marked.
    let calm = CompareConfig { scenario: stable(3), replications: 2, ..config };
    let calm = cnsim::compare::run(&calm, Arc::new(AtomicBool::new(false)), |_, _| {}).unwrap();
    assert!(calm.metrics.iter().all(|m| m.policies.iter().all(|c| c.censored_runs == 0)));
    let steady = calm.metrics.iter().find(|m| m.info.key == "pools_growing").unwrap();
    assert_eq!(steady.policies[0].value.mean, 0.0);
    assert!(!render::render(&calm).contains('†'));
}

#[test]
fn why_a_censored_run_warns_and_shows_what_unfinished_jobs_waited() {
    // A run with most jobs unfinished used to print finished-only latencies with no warning.
    let (_, report) = run(&overloaded(1));
    assert!(report.censoring.censored);
    assert_eq!(report.censoring.censored_classes, vec!["unit".to_string()]);
    let class = &report.classes[0];
    assert!(class.censored);
    let u = &class.unfinished;
    assert_eq!(u.not_at_hub + u.queued + u.running, class.jobs.in_flight);
    assert_eq!(u.running, 8, "every unit busy at the end");
    assert_eq!(u.age.count, class.jobs.in_flight);
    // Lower bounds: the oldest queued job had waited hundreds of seconds; no job waited longer
    // than it had existed.
    assert!(u.waited.max > 100.0 && u.waited.max <= u.age.max, "{:?} {:?}", u.waited, u.age);
    let rendered = text::render(&report);
    assert!(rendered.contains("WARNING:") && rendered.contains("biased toward short jobs"), "{rendered}");
    assert!(rendered.contains("unit (censored)"), "{rendered}");
    let (_, calm) = run(&stable(1));
    assert!(!calm.censoring.censored && calm.censoring.in_flight_share < 0.01);
    assert!(!text::render(&calm).contains("WARNING"));
}

#[test]
fn why_latency_tables_show_finished_rejected_and_in_flight_counts() {
    let (_, report) = run(&overloaded(2));
    let rendered = text::render(&report);
    let header = rendered.lines().find(|l| l.contains("metric") && l.contains("p99.9")).expect("latency table");
    for column in ["finished", "rejected", "in flight", "finished %"] {
        assert!(header.contains(column), "{header}");
    }
    // The hub table, with its mean wait and JCT, counts its jobs too.
    let hubs = rendered.lines().find(|l| l.contains("mean wait") && l.contains("mean JCT")).expect("hub table");
    for column in ["placed", "finished", "in flight"] {
        assert!(hubs.contains(column), "{hubs}");
    }
    assert_eq!(report.hubs[0].in_flight, report.jobs.in_flight);
    let c = &report.classes[0];
    assert_eq!(c.finished_share, Some(c.jobs.finished as f64 / c.jobs.submitted as f64));
}

#[test]
fn why_the_stability_verdict_flags_a_growing_backlog() {
    let (_, report) = run(&overloaded(1));
    let pool = &report.hubs[0].utilisation["intelligent"];
    assert_eq!(pool.stability.verdict, "growing", "{:?}", pool.stability);
    assert!(pool.stability.backlog_last_quarter > 2.0 * pool.stability.backlog_first_quarter);
    assert!(text::render(&report).contains("NOT steady"));
    for seed in 1..=5 {
        let (_, calm) = run(&stable(seed));
        let s = &calm.hubs[0].utilisation["intelligent"].stability;
        assert_eq!(s.verdict, "steady", "seed {seed}: {s:?}");
    }
    // Also at 95 %: heavy but stable, not flagged.
    for seed in 1..=3 {
        let (_, busy) = run(&timed(&mmc_source(8, 7.6), "4000s", "400s", seed));
        let s = &busy.hubs[0].utilisation["intelligent"].stability;
        assert_eq!(s.verdict, "steady", "seed {seed}: {s:?}");
    }
}
