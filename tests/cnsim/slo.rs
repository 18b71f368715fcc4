//! SLOs with teeth: objectives on JCT or wait, attainment counting rejected and overdue
//! in-flight jobs as misses.

use crate::helpers::{assert_in_ci, cnsim, mmc_with, run, scratch, stderr, timed, write};

#[test]
fn why_slo_attainment_counts_in_flight_jobs_past_the_objective() {
    // "SLO met 100 %" for jobs that waited days: the round-trip limit alone used to make an SLO,
    // and in-flight jobs were not counted.
    let source = mmc_with(8, 10.0, "max_round_trip = \"10ms\"\nslo = { wait = \"10s\" }");
    let (_, report) = run(&timed(&source, "2000s", "200s", 1));
    let class = &report.classes[0];
    let slo = class.slo.as_ref().expect("the class sets an objective");
    assert_eq!(slo.wait_seconds, Some(10.0));
    assert!(slo.missed_in_flight > 1000, "{slo:?}");
    assert_eq!(slo.missed_in_flight + slo.undecided, class.jobs.in_flight);
    let decided = slo.met + slo.missed_finished + slo.missed_rejected + slo.missed_in_flight;
    assert_eq!(slo.attainment, Some(slo.met as f64 / decided as f64));
    assert!(slo.attainment.unwrap() < 0.1, "{slo:?}");
    // The old figure, kept in JSON for compatibility, still says 100 %.
    assert_eq!(class.slo_attainment, Some(1.0));
    let text = cnsim::report::text::render(&report);
    let row = text.lines().find(|l| l.trim_start().starts_with("unit ") && l.contains("intelligent")).unwrap();
    assert!(!row.contains("100.0%"), "{row}");
}

#[test]
fn jct_objective_attainment_matches_the_mm1_sojourn_distribution() {
    // M/M/1 at lambda = 0.8, mu = 1: sojourn is exponential with rate 0.2, so
    // P(JCT <= 5 s) = 1 - e^-1 = 0.632121.
    let exact = 1.0 - (-1.0f64).exp();
    let source = mmc_with(1, 0.8, "slo = { jct = \"5s\" }");
    let shares: Vec<f64> = (1..=5)
        .map(|seed| {
            let (_, report) = run(&timed(&source, "40000s", "2000s", seed));
            report.classes[0].slo.as_ref().unwrap().attainment.unwrap()
        })
        .collect();
    let (mean, half) = crate::helpers::mean_ci(&shares);
    eprintln!("P(JCT <= 5 s): simulated {mean:.4} +- {half:.4}, exact {exact:.4}");
    assert_in_ci("P(JCT <= 5 s)", &shares, exact, 0.03);
}

#[test]
fn rejected_jobs_are_misses_and_deadline_stands_for_slo_jct() {
    // Jobs asking for 16 units of an 8-unit pool are all rejected: attainment 0.
    let source = mmc_with(8, 1.0, "deadline = \"1h\"").replace("units = 1\n", "units = 16\n");
    let (_, report) = run(&timed(&source, "1000s", "100s", 1));
    let slo = report.classes[0].slo.as_ref().unwrap();
    assert_eq!((slo.jct_seconds, slo.met, slo.attainment), (Some(3600.0), 0, Some(0.0)));
    assert_eq!(slo.missed_rejected, report.classes[0].jobs.rejected);
    // No objective: no attainment.
    let (_, plain) = run(&timed(&mmc_with(8, 1.0, ""), "1000s", "100s", 1));
    assert!(plain.classes[0].slo.is_none());
}

#[test]
fn bad_slo_settings_name_the_field() {
    let dir = scratch("bad-slo");
    for (name, extra, fragment) in [
        ("typo", "slo = { jtc = \"1h\" }", "unknown field `jtc`"),
        ("empty", "slo = {}", "classes[0].slo"),
        ("duration", "slo = { wait = \"soon\" }", "classes[0].slo.wait"),
        ("clash", "deadline = \"1h\"\nslo = { jct = \"2h\" }", "differs from `deadline`"),
        ("priority", "priority = 5000", "classes[0].priority"),
    ] {
        let path = write(&dir, &format!("{name}.toml"), &mmc_with(8, 1.0, extra));
        let output = cnsim(&["validate", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(stderr(&output).contains(fragment), "{name}: {}", stderr(&output));
        assert!(stderr(&output).contains(&format!("{name}.toml:")), "{name}: names file and line");
    }
}
