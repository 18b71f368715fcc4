//! Bad input: a clear error naming file, line, field and what is allowed; exit code 2; no
//! partial output.

use crate::helpers::{cnsim, scratch, stderr, write};

const GOOD: &str = r#"name = "ok"
duration = "1d"
warmup = "1h"
scheduler = "least-loaded"

[[hubs]]
id = "h1"
lat = 30.0
lon = 110.0
intelligent = 64
general = 8

[[regions]]
id = "r1"
lat = 30.0
lon = 110.0

[[classes]]
name = "unit"
pool = "intelligent"
rate = "10/h"
units = 1
runtime = { dist = "exponential", mean = "1h" }
data = "1GB"
"#;

/// Runs `cnsim run` on `content` with an output file; checks exit code 2, no output file,
/// and that stderr holds every expected fragment.
fn rejects(case: &str, content: &str, expected: &[&str]) {
    rejects_with_files(case, content, &[], expected);
}

/// [`rejects`] with `files` (name, content) written beside the scenario.
pub fn rejects_with_files(case: &str, content: &str, files: &[(&str, &str)], expected: &[&str]) {
    let dir = scratch(case);
    for (name, text) in files {
        write(&dir, name, text);
    }
    let path = write(&dir, "bad.toml", content);
    let out = dir.join("report.json");
    let output = cnsim(&["run", path.to_str().unwrap(), "--format", "json", "--out", out.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{case}: exit code; stderr: {err}");
    assert!(!out.exists(), "{case}: a report was written");
    assert!(output.stdout.is_empty(), "{case}: printed a report");
    assert!(err.contains("bad.toml"), "{case}: error does not name the file: {err}");
    for fragment in expected {
        assert!(err.contains(fragment), "{case}: expected {fragment:?} in: {err}");
    }
    assert!(!err.contains("panicked"), "{case}: panic: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{case}: the error is printed once, on one line: {err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_good_file_runs() {
    let dir = scratch("good");
    let path = write(&dir, "good.toml", GOOD);
    let output = cnsim(&["run", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn toml_syntax_error() {
    rejects(
        "syntax",
        &GOOD.replace("lat = 30.0\nlon = 110.0\nintelligent", "lat = = 30.0\nlon = 110.0\nintelligent"),
        &["bad.toml:8:7:"],
    );
}

#[test]
fn unknown_key() {
    rejects(
        "unknown-key",
        &GOOD.replace("general = 8", "general = 8\ncolour = \"red\""),
        &["bad.toml:12:", "colour", "expected one of"],
    );
}

#[test]
fn wrong_type() {
    rejects(
        "wrong-type",
        &GOOD.replace("intelligent = 64", "intelligent = \"lots\""),
        &["bad.toml:10:", "hubs[0].intelligent"],
    );
}

#[test]
fn zero_capacity() {
    rejects(
        "zero",
        &GOOD.replace("intelligent = 64", "intelligent = 0").replace("general = 8", "general = 0"),
        &["bad.toml:10:", "zero capacity"],
    );
}

#[test]
fn negative_capacity() {
    rejects(
        "negative",
        &GOOD.replace("general = 8", "general = -8"),
        &["bad.toml:11:", "hubs[0].general", "-8", ">= 0"],
    );
}

#[test]
fn unknown_scheduler_lists_the_known_ones() {
    rejects(
        "scheduler",
        &GOOD.replace("\"least-loaded\"", "\"fastest\""),
        &["bad.toml:4:", "scheduler", "\"fastest\"", "nearest, random, round-robin, least-loaded"],
    );
}

#[test]
fn unknown_hub_id_in_a_preset_override() {
    let content = r#"
[world]
preset = "east-data-west-2025q1"
[[world.hub]]
id = "atlantis"
intelligent = 10
[[classes]]
name = "x"
pool = "intelligent"
rate = "1/h"
units = 1
runtime = "1h"
"#;
    rejects("hub-id", content, &["bad.toml:5:", "world.hub[0].id", "atlantis", "gansu"]);
}

#[test]
fn unknown_region_id_in_origins() {
    rejects(
        "region-id",
        &GOOD.replace("data = \"1GB\"", "data = \"1GB\"\norigins = { mars = 1.0 }"),
        &["bad.toml:25:", "classes[0].origins.mars", "known regions: r1"],
    );
}

#[test]
fn bad_distribution_parameters() {
    rejects(
        "sigma",
        &GOOD.replace(
            "{ dist = \"exponential\", mean = \"1h\" }",
            "{ dist = \"lognormal\", median = \"1h\", sigma = -2 }",
        ),
        &["bad.toml:23:", "classes[0].runtime", "sigma"],
    );
    rejects(
        "dist-name",
        &GOOD.replace("\"exponential\"", "\"gaussian\""),
        &["bad.toml:23:", "classes[0].runtime.dist", "unknown distribution", "lognormal"],
    );
    rejects(
        "dist-key",
        &GOOD.replace("mean = \"1h\"", "mean = \"1h\", shape = 2"),
        &["bad.toml:23:", "classes[0].runtime.shape", "allowed: dist, mean, min, max"],
    );
    rejects(
        "unit",
        &GOOD.replace("mean = \"1h\"", "mean = \"1 fortnight\""),
        &["classes[0].runtime.mean", "unknown duration unit"],
    );
}

#[test]
fn warmup_not_shorter_than_duration() {
    rejects(
        "warmup",
        &GOOD.replace("warmup = \"1h\"", "warmup = \"2d\""),
        &["bad.toml:3:", "warmup", "shorter than the duration"],
    );
}

#[test]
fn no_workload() {
    let content = GOOD.split("[[classes]]").next().unwrap();
    rejects("no-workload", content, &["classes", "no workload"]);
}

#[test]
fn bad_rate_and_pool() {
    rejects(
        "rate",
        &GOOD.replace("\"10/h\"", "\"often\""),
        &["bad.toml:21:", "classes[0].rate", "\"often\"", "2000/h"],
    );
    rejects(
        "pool",
        &GOOD.replace("pool = \"intelligent\"", "pool = \"quantum\""),
        &["bad.toml:20:", "classes[0].pool", "\"intelligent\" or \"general\""],
    );
}

#[test]
fn missing_scenario_file() {
    let output = cnsim(&["run", "no/such/scenario.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("no/such/scenario.toml") && err.contains("cannot read"), "{err}");
}

#[test]
fn bad_command_line_values() {
    for args in [
        &["run", "scenarios/small.toml", "--scheduler", "nope"][..],
        &["run", "scenarios/small.toml", "--duration", "7 parsecs"][..],
        &["run", "scenarios/small.toml", "--warmup", "2d"][..],
        &["run", "--format", "xml"][..],
        &["validate", "no-such-file.toml"][..],
    ] {
        let output = cnsim(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"));
    }
}

#[test]
fn unwritable_output_is_a_run_failure_and_leaves_nothing() {
    let dir = scratch("unwritable");
    let timeseries = dir.join("series.csv");
    let out = dir.join("missing-dir/report.txt");
    let output = cnsim(&[
        "run",
        "scenarios/small.toml",
        "--timeseries",
        timeseries.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!timeseries.exists(), "the time series was written although the report failed");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn bad_queue_energy_and_scheduler_settings() {
    rejects(
        "discipline",
        &format!("{GOOD}[queue]\ndiscipline = \"lifo\"\n"),
        &["bad.toml:26:", "queue.discipline", "\"fifo\" or \"easy-backfill\""],
    );
    rejects(
        "factor",
        &format!("{GOOD}[queue]\nruntime_estimate_factor = -1\n"),
        &["queue.runtime_estimate_factor", "between"],
    );
    rejects(
        "energy",
        &format!("{GOOD}[energy]\ngeneral_kw_per_unit = -5\n"),
        &["energy.general_kw_per_unit", "between"],
    );
    rejects(
        "param",
        &GOOD.replace("scheduler = \"least-loaded\"", "scheduler = { name = \"east-west\", west = \"atlantis\" }"),
        &["bad.toml:4:", "unknown hub id \"atlantis\""],
    );
}
