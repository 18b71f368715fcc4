//! Trace jobs in the load check, in the class's output and input site, and a bad trace row
//! under `cnsim compare`: each against a hand-worked case.

use cnsim::load_check::{LoadCheck, TraceBasis, TraceWork, read_ahead};
use cnsim::scenario::Scenario;

use crate::helpers::{cnsim, scratch, stderr, stdout, write};
use crate::traces::world;

/// Five jobs (submit s, runtime s, GPUs), hand-worked below.
const JOBS: &str = "job,submit,runtime,gpus\nj0,0,100,2\nj1,100,50,4\nj2,300,10,1\nj3,900,1000,3\nj4,2500,7,1\n";

/// The window drops j0 (before 100 s); speed 2 puts j1..j4 at replay 0, 100, 400 and 1200 s;
/// 2 units a GPU; two copies, the second shifted by 500 s.
const MAPPING: &str = r#"
[[traces]]
path = "jobs.csv"
format = "csv"
columns = { submit = "submit", runtime = "runtime", units = "gpus", id = "job" }
class = "a"
units_per_gpu = 2
origin = "north"
start = "100s"
speed = 2.0
scale = 2.0
shift = "500s"
"#;

const SYNTHETIC: &str = r#"
[[classes]]
name = "synthetic"
pool = "intelligent"
rate = "36/h"
units = 2
runtime = "1h"
origins = { north = 1.0 }
"#;

/// The rows of a `--jobs` file, each a map from column name to value (split on commas).
fn job_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines.map(|l| header.iter().cloned().zip(l.split(',').map(String::from)).collect()).collect()
}

fn scenario_file(dir: &std::path::Path) -> std::path::PathBuf {
    write(dir, "jobs.csv", JOBS);
    let text = world(SYNTHETIC).replace("duration = \"30d\"", "duration = \"1000s\"") + MAPPING;
    write(dir, "scenario.toml", &text)
}

#[test]
fn the_load_check_counts_the_work_of_trace_jobs_by_hand() {
    let dir = scratch("trace-load");
    let file = scenario_file(&dir);
    // Within the 1000 s run: copy 0 submits j1 (8 units x 50 s), j2 (2 x 10 s), j3 (6 x 1000 s)
    // at 0, 100 and 400 s (j4 at 1200 s is past the end); copy 1 the same at 500, 600, 900 s.
    // Work 2 x (400 + 20 + 6000) = 12,840 unit-seconds over 1000 s: 12.84 busy units.
    let expected = 12_840.0 / 1000.0;
    let synthetic = 36.0 / 3600.0 * 2.0 * 3600.0; // rate x units x runtime = 72 units

    let scenario = Scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
    let stats = read_ahead(&scenario).unwrap().expect("the scenario has traces");
    assert_eq!(stats.replayed, 6);
    let work = TraceWork { stats: &stats, window: scenario.run.duration, basis: TraceBasis::ReadAhead };
    let check = LoadCheck::with_traces(&scenario.world(), Some(&work));
    let class = |name: &str| check.classes.iter().find(|c| c.name == name).unwrap();
    assert_eq!(class("a").trace_offered_units, Some(expected));
    assert_eq!(class("a").offered_units, expected);
    assert_eq!(class("b").offered_units, 0.0);
    assert_eq!(class("synthetic").trace_offered_units, Some(0.0));
    assert!((class("synthetic").offered_units - synthetic).abs() < 1e-9);
    assert!((check.pools[0].offered_units - (expected + synthetic)).abs() < 1e-9, "{:?}", check.pools[0]);

    // `validate` reads ahead and says so; the run derives the same figure from the jobs it submits.
    let validated = cnsim(&["validate", file.to_str().unwrap()]);
    assert!(validated.status.success(), "{}", stderr(&validated));
    let text = stdout(&validated);
    assert!(text.contains("plus 6 trace jobs from jobs.csv"), "{text}");
    assert!(text.contains("plus the 6 trace jobs read ahead"), "{text}");
    let ran = cnsim(&["run", file.to_str().unwrap(), "--format", "json"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    let report: serde_json::Value = serde_json::from_str(&stdout(&ran)).unwrap();
    let load = &report["load_check"];
    assert_eq!(load["traces"]["basis"], "submitted by this run");
    assert_eq!(load["traces"]["jobs"], 6);
    let a = load["classes"].as_array().unwrap().iter().find(|c| c["name"] == "a").unwrap();
    assert_eq!(a["trace_offered_units"].as_f64(), Some(expected));
    let text = cnsim(&["run", file.to_str().unwrap()]);
    assert!(stdout(&text).contains("plus the 6 trace jobs submitted by this run"), "{}", stdout(&text));
}

#[test]
fn thinned_trace_load_equals_the_work_of_the_jobs_the_run_submits() {
    // Scale 1.5: the second copy keeps each job with probability 1/2 (seeded). The load check's
    // figure must equal the work of the jobs in the per-job output (an independent path).
    let dir = scratch("trace-load-thinned");
    write(&dir, "jobs.csv", &crate::traces::generated(400).0);
    let mapping = r#"
[[traces]]
path = "jobs.csv"
format = "csv"
columns = { submit = "submit", runtime = "runtime", units = "gpus", id = "job" }
class = "b"
origin = "north"
scale = 1.5
shift = "2h"
"#;
    let text = world("").replace("duration = \"30d\"", "duration = \"10h\"") + mapping;
    let file = write(&dir, "scenario.toml", &text);
    let jobs = dir.join("jobs-out.csv");
    let ran = cnsim(&["run", file.to_str().unwrap(), "--format", "json", "--jobs", jobs.to_str().unwrap()]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    // Each job's runtime and GPUs come from the trace itself.
    let runtimes: std::collections::HashMap<String, (f64, f64)> = crate::traces::generated(400)
        .1
        .into_iter()
        .map(|(id, _, runtime, gpus)| (id, (runtime, f64::from(gpus))))
        .collect();
    let (mut work, mut count) = (0.0, 0u64);
    for row in job_rows(&jobs) {
        let (runtime, units) = runtimes[&row["id"]];
        assert_eq!(row["units"].parse::<f64>().unwrap(), units);
        work += runtime * units;
        count += 1;
    }
    let report: serde_json::Value = serde_json::from_str(&stdout(&ran)).unwrap();
    let load = &report["load_check"];
    assert_eq!(load["traces"]["jobs"], count);
    let b = load["classes"].as_array().unwrap().iter().find(|c| c["name"] == "b").unwrap();
    let offered = b["trace_offered_units"].as_f64().unwrap();
    assert!((offered - work / 36_000.0).abs() < 1e-9, "{offered} against {}", work / 36_000.0);
    assert!(report["traces"]["dropped"]["thinned"].as_u64().unwrap() > 0);
}

/// One region and one hub at the same place, joined by a 1 GB/s link: no propagation delay.
const FLOW_WORLD: &str = r#"
seed = 1
duration = "1h"
warmup = "0s"
[[hubs]]
id = "h"
lat = 30.0
lon = 110.0
intelligent = 100
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
[[classes]]
name = "home"
pool = "intelligent"
output = "2GB"
[[classes]]
name = "gravity"
pool = "intelligent"
input_at = "h"
output = "2GB"
[[traces]]
path = "jobs.csv"
format = "csv"
columns = { submit = "submit", runtime = "runtime", units = "gpus", id = "job" }
class = [{ class = "gravity", column = "job", values = ["g"] }, { class = "home" }]
origin = "r"
data = "1GB"
"#;

#[test]
fn trace_jobs_return_their_class_output_and_read_its_input_site() {
    let dir = scratch("trace-output");
    write(&dir, "jobs.csv", "job,submit,runtime,gpus\nh,0,100,1\ng,1000,100,1\n");
    let file = write(&dir, "scenario.toml", FLOW_WORLD);
    let jobs = dir.join("out.csv");
    let ran = cnsim(&["run", file.to_str().unwrap(), "--format", "json", "--jobs", jobs.to_str().unwrap()]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    // By hand, alone on a 1 GB/s link: job h moves its 1 GB input (1 s), runs 100 s and sends its
    // 2 GB output home (2 s): it ends at 103 s. Job g's input already sits at hub h (input_at):
    // it runs at once and returns 2 GB, ending at 1000 + 100 + 2 s.
    let mut ends: Vec<(String, f64, f64)> = job_rows(&jobs)
        .into_iter()
        .map(|row| (row["id"].clone(), row["start_s"].parse().unwrap(), row["finish_s"].parse().unwrap()))
        .collect();
    ends.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(ends, vec![("g".into(), 1000.0, 1102.0), ("h".into(), 1.0, 103.0)]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&ran)).unwrap();
    assert_eq!(report["network"]["bytes_returned"].as_f64(), Some(4e9));
    assert_eq!(report["network"]["bytes_total"].as_f64(), Some(1e9), "only job h's input moved");
}

#[test]
fn compare_on_a_bad_trace_row_exits_2_naming_file_line_column_and_value() {
    let dir = scratch("trace-compare-bad");
    write(&dir, "jobs.csv", "job,submit,runtime,gpus\nj1,0,10,1\nj2,5,ten,1\n");
    let mapping = "[[traces]]\npath = \"jobs.csv\"\nformat = \"csv\"\nclass = \"a\"\n\
                   columns = { submit = \"submit\", runtime = \"runtime\", units = \"gpus\" }\n";
    let file = write(&dir, "scenario.toml", &(world("") + mapping));
    let out = dir.join("compare.txt");
    let result = cnsim(&[
        "compare",
        file.to_str().unwrap(),
        "--schedulers",
        "nearest,least-loaded",
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let message = stderr(&result);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains("jobs.csv:3: column `runtime`: bad value \"ten\": expected"), "{message}");
    assert!(!out.exists(), "nothing written");
}
