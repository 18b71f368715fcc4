//! `cnsim capacity`: bisection with replications against Erlang C on M/M/c, direction
//! (largest load, smallest capacity), and bad targets.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use cnsim::whatif::capacity::{CapacityConfig, Target, search};

use crate::helpers::{cnsim, erlang_c, mmc_source, stderr, stdout};

/// The largest arrival rate of an M/M/c queue (mu = 1) whose mean wait is at most `w`:
/// Wq = C(c, lambda) / (c - lambda) rises monotonically in lambda, so bisect.
fn largest_rate(c: u32, w: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, f64::from(c) - 1e-9);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if erlang_c(c, mid) / (f64::from(c) - mid) <= w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn erlang_c_inversion_matches_the_reference_table() {
    // Wq(c = 8, lambda = 7) = 0.635316 exactly, so the largest rate with Wq <= 0.635316 is 7.
    assert!((largest_rate(8, 0.635316) - 7.0).abs() < 1e-4);
    assert!((largest_rate(8, 0.178491) - 6.0).abs() < 1e-4);
}

#[test]
fn capacity_search_on_mmc_brackets_the_erlang_c_answer() {
    // M/M/8 with mu = 1; the class rate is 1/s, so load_scale is lambda. Target: mean wait <= 0.5 s.
    let exact = largest_rate(8, 0.5);
    assert!((exact - 6.834).abs() < 1e-3, "{exact}");
    let source = mmc_source(8, 1.0).replace("duration = \"1h\"", "duration = \"12000s\"").replace("6min", "600s");
    let config = CapacityConfig {
        source,
        file: "mm8.toml".into(),
        base: Vec::new(),
        policy: None,
        target: "mean wait <= 0.5s".into(),
        vary: "load_scale".into(),
        range: Some((5.0, 7.5)),
        tolerance: Some(0.02),
        replications: 5,
        duration: None,
        max_in_flight: cnsim::scenario::limits::DEFAULT_MAX_IN_FLIGHT,
        parallelism: 2,
    };
    let result = search(&config, Arc::new(AtomicBool::new(false)), &|_| {}).unwrap();
    assert_eq!(result.status, "found");
    assert_eq!(result.direction, "largest");
    let answer = result.answer.unwrap();
    let failing = result.first_failing.unwrap();
    let (low, high) = (result.ci.0.unwrap(), result.ci.1.unwrap());
    eprintln!(
        "Erlang C {exact:.4}; search {answer:.4} (fails at {failing:.4}), 95 % CI {low:.4} .. {high:.4}, {} probes",
        result.probes.len()
    );
    assert!(answer < failing && failing - answer <= 0.02 + 1e-12);
    assert!(low <= exact && exact <= high, "CI {low} .. {high} misses {exact}");
    assert!((answer - exact).abs() / exact < 0.02, "answer {answer} vs {exact}");
    assert!(high - low < 0.3, "CI too wide to test anything: {low} .. {high}");
    // Every probe used the same seeds and is reported with its verdict.
    assert_eq!(result.seeds, vec![1, 2, 3, 4, 5]);
    assert!(result.probes.iter().all(|p| p.values.len() == 5));
    assert!(result.probes.iter().all(|p| p.meets == (p.mean <= 0.5)));
    assert_eq!(result.probes[0].value, 5.0);
    assert_eq!(result.probes[1].value, 7.5);
}

#[test]
fn capacity_search_finds_the_smallest_capacity_through_the_binary() {
    let output = cnsim(&[
        "capacity",
        "scenarios/small.toml",
        "--scheduler",
        "least-loaded",
        "--target",
        "mean wait <= 30min",
        "--vary",
        "hubs.west.intelligent",
        "--range",
        "64,1024",
        "--replications",
        "3",
        "--duration",
        "12h",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["direction"], "smallest", "{json}");
    assert_eq!(json["status"], "found");
    let answer = json["answer"].as_f64().unwrap();
    assert_eq!(answer, answer.round(), "capacities are whole units");
    let failing = json["first_failing"].as_f64().unwrap();
    assert!(failing < answer && answer - failing <= json["tolerance"].as_f64().unwrap(), "{json}");
    for probe in json["probes"].as_array().unwrap() {
        let meets = probe["meets"].as_bool().unwrap();
        assert_eq!(meets, probe["mean"].as_f64().unwrap() <= 1800.0);
    }
}

#[test]
fn targets_parse_and_bad_ones_exit_2() {
    let classes = vec!["interactive".to_string()];
    let t = Target::parse("p99 wait <= 10min", &classes).unwrap();
    assert_eq!((t.key.as_str(), t.threshold), ("wait_p99.all", 600.0));
    let t = Target::parse("mean jct interactive<1h", &classes).unwrap();
    assert_eq!((t.key.as_str(), t.threshold), ("jct_mean.interactive", 3600.0));
    let t = Target::parse("finished_share.all >= 0.99", &classes).unwrap();
    assert_eq!((t.key.as_str(), t.threshold), ("finished_share.all", 0.99));
    for (target, wanted) in [
        ("p99 wait", "no comparison"),
        ("p98 wait <= 1s", "\"p98\""),
        ("p99 wait nobody <= 1s", "\"nobody\""),
        ("p99 wait <= soon", "\"soon\""),
    ] {
        let output = cnsim(&["capacity", "scenarios/small.toml", "--target", target]);
        assert_eq!(output.status.code(), Some(2), "{target}: {}", stderr(&output));
        assert!(stderr(&output).contains(wanted) && stderr(&output).contains(target), "{}", stderr(&output));
    }
    let output =
        cnsim(&["capacity", "scenarios/small.toml", "--target", "p99 wait <= 1h", "--vary", "network.route_factor"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--range"), "{}", stderr(&output));
}

#[test]
fn capacity_searches_are_deterministic_whatever_the_parallelism() {
    let args = |jobs: &'static str| {
        vec![
            "capacity",
            "scenarios/small.toml",
            "--target",
            "p90 wait <= 1h",
            "--range",
            "0.5,3",
            "--tolerance",
            "0.1",
            "--replications",
            "2",
            "--duration",
            "6h",
            "--set",
            "scheduler=nearest",
            "--format",
            "json",
            "--jobs",
            jobs,
        ]
    };
    let one = cnsim(&args("1"));
    let two = cnsim(&args("2"));
    assert!(one.status.success(), "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&two));
    let json: serde_json::Value = serde_json::from_str(&stdout(&one)).unwrap();
    assert_eq!(json["scheduler"], "nearest", "--set applies before the search");
}

#[test]
fn ctrl_c_stops_a_capacity_search_and_reports_its_probes() {
    use std::process::{Command, Stdio};
    // The low end finishes at once; the high end (a long run) is interrupted.
    let child = Command::new(env!("CARGO_BIN_EXE_cnsim"))
        .args(["capacity", "scenarios/small.toml", "--target", "mean wait <= 1h", "--range", "0.01,20"])
        .args(["--set", "duration=400d", "--set", "sample_interval=1h", "--replications", "2", "--format", "json"])
        .current_dir(crate::helpers::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["status"], "interrupted");
    assert!(json["answer"].is_null());
}
