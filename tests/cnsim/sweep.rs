//! `cnsim sweep`: tidy CSV shape, JSON, determinism, common random numbers, bad grids and
//! Ctrl-C keeping the finished runs.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{cnsim, root, scratch, stderr, stdout};

fn sweep(dir: &std::path::Path, prefix: &str, extra: &[&str]) -> (String, serde_json::Value) {
    let out = dir.join(prefix);
    let mut args = vec![
        "sweep",
        "scenarios/small.toml",
        "--grid",
        "hubs.west.intelligent=64,128",
        "--grid",
        "load_scale=1,1.5",
        "--schedulers",
        "least-loaded,nearest",
        "--replications",
        "2",
        "--duration",
        "6h",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let output = cnsim(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("sweep of small: 16 of 16 runs"), "{}", stdout(&output));
    let csv = std::fs::read_to_string(dir.join(format!("{prefix}.csv"))).unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{prefix}.json"))).unwrap()).unwrap();
    (csv, json)
}

#[test]
fn sweep_writes_one_tidy_row_per_run_and_metric() {
    let dir = scratch("sweep-shape");
    let (csv, json) = sweep(&dir, "a", &[]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "point,hubs.west.intelligent,load_scale,scheduler,replication,seed,metric,unit,value");
    let measures = json["measures"].as_array().unwrap().len();
    assert!(measures > 30, "{measures}");
    // 4 points x 2 policies x 2 seeds = 16 runs, each with every figure.
    assert_eq!(lines.len() - 1, 16 * measures);
    assert_eq!(json["runs_planned"], 16);
    assert_eq!(json["runs_finished"], 16);
    assert_eq!(json["complete"], true);
    let cells: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    assert!(cells.iter().all(|c| c.len() == 9));
    let column = |i: usize| cells.iter().map(|c| c[i]).collect::<BTreeSet<_>>();
    assert_eq!(column(1), BTreeSet::from(["128", "64"]));
    assert_eq!(column(2), BTreeSet::from(["1", "1.5"]));
    assert_eq!(column(3), BTreeSet::from(["least-loaded", "nearest"]));
    assert_eq!(column(5), BTreeSet::from(["7", "8"]));
    assert!(column(6).contains("wait_p99.all") && column(6).contains("finished_share.interactive"));
    // Every (run, metric) pair once.
    let keys: BTreeSet<(&str, &str, &str, &str, &str, &str)> =
        cells.iter().map(|c| (c[0], c[1], c[2], c[3], c[5], c[6])).collect();
    assert_eq!(keys.len(), cells.len());
    // Common random numbers: at a point and seed every policy saw the same jobs; more load, other jobs.
    let runs = json["runs"].as_array().unwrap();
    let digest = |point: u64, scheduler: &str, seed: u64| {
        runs.iter()
            .find(|r| r["point"] == point && r["scheduler"] == scheduler && r["seed"] == seed)
            .unwrap()["workload_digest"]
            .clone()
    };
    assert_eq!(digest(0, "least-loaded", 7), digest(0, "nearest", 7));
    assert_eq!(digest(0, "nearest", 7), digest(2, "nearest", 7), "capacity does not change the jobs");
    assert_ne!(digest(0, "nearest", 7), digest(1, "nearest", 7), "load_scale 1.5 has more jobs");
    assert_ne!(digest(0, "nearest", 7), digest(0, "nearest", 8));
    // The summary has a mean and CI per point, policy and figure.
    assert_eq!(json["summary"].as_array().unwrap().len(), 4 * 2 * measures);
}

#[test]
fn sweeps_are_deterministic_whatever_the_parallelism() {
    let dir = scratch("sweep-determinism");
    let (csv1, json1) = sweep(&dir, "one", &["--jobs", "1"]);
    let (csv2, json2) = sweep(&dir, "two", &["--jobs", "2"]);
    assert_eq!(csv1, csv2);
    assert_eq!(json1, json2);
}

#[test]
fn bad_grids_exit_2_naming_the_point() {
    for (grid, wanted) in [
        ("hubs.mars.intelligent=1,2", "hubs.mars.intelligent"),
        ("hubs.west.intelligent=64,abc", "hubs.west.intelligent=abc"),
        ("load_scale=1,-2", "-2"),
        ("load_scale", "PATH=VALUE"),
    ] {
        let output = cnsim(&["sweep", "scenarios/small.toml", "--grid", grid, "--replications", "1"]);
        assert_eq!(output.status.code(), Some(2), "{grid}: {}", stderr(&output));
        assert!(stderr(&output).contains(wanted), "{grid}: {}", stderr(&output));
        assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
    }
}

#[test]
fn ctrl_c_keeps_the_finished_runs_and_marks_the_output_incomplete() {
    let dir = scratch("sweep-interrupt");
    let json = dir.join("s.json");
    let csv = dir.join("s.csv");
    // One short point that finishes at once, one long one that is interrupted.
    let child = Command::new(env!("CARGO_BIN_EXE_cnsim"))
        .args([
            "sweep",
            "scenarios/small.toml",
            "--grid",
            "duration=3h,20000d",
            "--set",
            "sample_interval=1h",
            "--replications",
            "1",
            "--jobs",
            "1",
        ])
        .args(["--json", json.to_str().unwrap(), "--csv", csv.to_str().unwrap()])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(stderr(&output).contains("interrupted"));
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(value["complete"], false);
    assert_eq!(value["runs_planned"], 2);
    assert_eq!(value["runs_finished"], 1);
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.lines().skip(1).all(|l| l.starts_with("0,3h,")), "only the finished run's rows");
}

#[test]
fn base_overrides_apply_to_every_point_and_are_checked() {
    let output = cnsim(&["sweep", "scenarios/small.toml", "--set", "hubs.mars.intelligent=1", "--replications", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("hubs.mars.intelligent=1"), "{}", stderr(&output));
    let dir = scratch("sweep-base");
    let json = dir.join("s.json");
    let output = cnsim(&[
        "sweep",
        "scenarios/small.toml",
        "--grid",
        "seed=1,2",
        "--set",
        "duration=3h",
        "--replications",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(value["overrides"], serde_json::json!(["--set duration=3h"]));
    let seeds: Vec<u64> = value["runs"].as_array().unwrap().iter().map(|r| r["seed"].as_u64().unwrap()).collect();
    assert_eq!(seeds, vec![1, 2]);
}

#[test]
fn sweep_outputs_are_written_all_or_nothing() {
    let dir = scratch("sweep-all-or-nothing");
    let json = dir.join("ok.json");
    let csv = dir.join("missing-dir").join("x.csv");
    let output = cnsim(&[
        "sweep",
        "scenarios/small.toml",
        "--duration",
        "3h",
        "--replications",
        "1",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("x.csv"), "{}", stderr(&output));
    assert!(!json.exists(), "nothing is written when one output fails");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no temporary files left");
}
