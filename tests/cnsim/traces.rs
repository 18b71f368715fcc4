//! Trace replay: fixtures written here in every format, each mapped field checked by hand; a
//! replay checked job by job against an independent reading of the trace; drop reasons, bad
//! rows, order, load scaling, determinism, and traces mixed with synthetic classes.

use std::path::Path;

use cnsim::scenario::Scenario;
use cnsim::workload::trace::{TraceJob, TraceSource};

use crate::helpers::{cnsim, run, scratch, stderr, stdout, write};

const SECOND: u64 = 1_000_000_000;

/// A small world: one region, one big hub, so every job starts at once.
pub(crate) fn world(extra_classes: &str) -> String {
    format!(
        r#"
name = "trace-test"
seed = 3
duration = "30d"
warmup = "0s"
[[hubs]]
id = "hub"
lat = 30.0
lon = 110.0
intelligent = 100000
general = 10
[[regions]]
id = "north"
lat = 40.0
lon = 116.0
weight = 1.0
[[regions]]
id = "south"
lat = 23.0
lon = 113.0
weight = 3.0
[network]
fixed_delay = "0s"
[[classes]]
name = "a"
pool = "intelligent"
[[classes]]
name = "b"
pool = "intelligent"
{extra_classes}
"#
    )
}

/// Loads `scenario` (written into `dir`) and reads every job of its first trace.
fn jobs_of(dir: &Path, scenario: &str) -> (Scenario, Vec<TraceJob>) {
    let path = write(dir, "scenario.toml", scenario);
    let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut source = TraceSource::open(&scenario.traces[0], 0, 0, scenario.run.seed).unwrap().with_ids();
    let mut jobs = Vec::new();
    while let Some(job) = source.next_job() {
        jobs.push(job);
    }
    assert!(source.error().is_none(), "{:?}", source.error());
    (scenario, jobs)
}

/// Writes `file` holding `contents` into a fresh directory named for `test`, replays it with the
/// `[[traces]]` table `mapping` beside the test world, and gives each job's fields.
fn replay_fields(test: &str, file: &str, contents: &str, mapping: &str) -> Vec<Fields> {
    let dir = scratch(test);
    write(&dir, file, contents);
    fields(&jobs_of(&dir, &(world("") + mapping)).1)
}

/// (submit ns, class, origin, units, runtime ns, data bytes, id) of a job.
type Fields = (u64, u16, u16, u32, u64, u64, Option<String>);

/// The fields of each job.
fn fields(jobs: &[TraceJob]) -> Vec<Fields> {
    jobs.iter()
        .map(|j| {
            let d = j.draw;
            (j.submit, j.class, d.origin, d.units, d.runtime, d.data_bytes, j.id.as_deref().map(String::from))
        })
        .collect()
}

#[test]
fn alibaba_gpu_2023_fields_by_hand() {
    let jobs = replay_fields(
        "trace-alibaba",
        "pods.csv",
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n\
         p0,1000,1024,1,1000,,LS,Running,0,100,10\n\
         p1,1000,1024,0,0,,BE,Succeeded,5,50,5\n\
         p2,1000,1024,1,250,V100M16,BE,Failed,20,80,30\n\
         p3,1000,1024,8,1000,,LS,Pending,25,,\n\
         p4,1000,1024,8,1000,,Guaranteed,Succeeded,40,1040,41\n",
        r#"
[[traces]]
path = "pods.csv"
format = "alibaba-gpu-2023"
class = [{ class = "b", column = "qos", values = ["BE"] }, { class = "a" }]
units_per_gpu = 2.0
origin = "south"
data = "3GB"
"#,
    );
    // p0: 1 GPU x 2 = 2 units, runtime 100 - 10; p1 no GPU; p2: 0.25 GPU x 2 = 0.5 -> 1 unit
    // (at least 1), 80 - 30 = 50 s, BE -> b; p3 never scheduled; p4: 8 x 2 = 16 units, 999 s.
    let gb3 = 3_000_000_000;
    assert_eq!(
        jobs,
        vec![
            (0, 0, 1, 2, 90 * SECOND, gb3, Some("p0".into())),
            (20 * SECOND, 1, 1, 1, 50 * SECOND, gb3, Some("p2".into())),
            (40 * SECOND, 0, 1, 16, 999 * SECOND, gb3, Some("p4".into())),
        ]
    );
}

#[test]
fn azure_llm_runtime_from_tokens_by_hand() {
    let jobs = replay_fields(
        "trace-azure",
        "az.csv",
        "TIMESTAMP,ContextTokens,GeneratedTokens\n\
         2023-11-16 18:15:46.5000000,1000,10\n\
         2023-11-16 18:15:48.0000000,0,200\n\
         2023-11-16 18:16:46.5000000,4000,0\n",
        r#"
[[traces]]
path = "az.csv"
format = "azure-llm"
class = "a"
units_per_gpu = 2
prefill_tokens_per_second_per_unit = 500
decode_tokens_per_second_per_unit = 5
origin = { weights = { north = 1.0 } }
data = { column = "ContextTokens", unit = "kB" }
speed = 2.0
"#,
    );
    // Runtime = ctx / (500 x 2) + gen / (5 x 2); submits 0, 1.5 s, 60 s halved by speed 2.
    assert_eq!(
        jobs,
        vec![
            (0, 0, 0, 2, 2 * SECOND, 1_000_000, None),
            (750_000_000, 0, 0, 2, 20 * SECOND, 0, None),
            (30 * SECOND, 0, 0, 2, 4 * SECOND, 4_000_000, None),
        ]
    );
}

#[test]
fn swf_fields_by_hand() {
    let jobs = replay_fields(
        "trace-swf",
        "log.swf",
        "; Version: 2.2\n;  Computer: test\n\
         1 0 5 100 4 -1 -1 4 200 -1 1 1 1 -1 1 -1 -1 -1\n\
         \n\
         2 10 0 -1 8 -1 -1 8 200 -1 0 1 1 -1 1 -1 -1 -1\n\
         3 20 0 30 -1 -1 -1 16 200 -1 5 2 1 -1 1 -1 -1 -1\n\
         4 30 0 60 2 -1 -1 2 200 -1 1 2 1 -1 1 -1 -1 -1\n",
        r#"
[[traces]]
path = "log.swf"
format = "swf"
class = [{ class = "b", units = [10, 100] }, { class = "a", runtime = ["0s", "90s"] }]
origin = "north"
statuses = ["1", "5"]
"#,
    );
    // Job 1: 4 procs, 100 s, status 1 -> class a? runtime 100 > 90 and units 4 < 10: no class.
    // Job 2: run time -1 (no end). Job 3: procs -1 -> requested 16 -> b, 30 s, status 5.
    // Job 4: 2 procs, 60 s -> a.
    assert_eq!(
        jobs,
        vec![
            (20 * SECOND, 1, 0, 16, 30 * SECOND, 0, Some("3".into())),
            (30 * SECOND, 0, 0, 2, 60 * SECOND, 0, Some("4".into())),
        ]
    );
}

#[test]
fn helios_and_csv_fields_by_hand() {
    let jobs = replay_fields(
        "trace-helios",
        "cluster_log.csv",
        "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n\
         j1,u,vc1,8,64,1,COMPLETED,2020-04-01 00:00:00,2020-04-01 00:00:10,2020-04-01 01:00:10,3600,10\n\
         j2,u,vc1,0,4,1,COMPLETED,2020-04-01 00:00:05,2020-04-01 00:00:06,2020-04-01 00:01:06,60,1\n\
         j3,u,vc1,2,8,1,CANCELLED,2020-04-01 00:01:00,2020-04-01 00:01:00,2020-04-01 00:03:00,,0\n\
         j4,u,vc1,1,8,1,FAILED,2020-04-01 00:02:00,2020-04-01 00:02:30,2020-04-01 00:02:40,10,30\n",
        r#"
[[traces]]
path = "cluster_log.csv"
format = "helios"
class = "a"
statuses = ["COMPLETED", "CANCELLED"]
origin = "north"
"#,
    );
    // j2 has no GPU; j4 is FAILED (status filter); j3's runtime is end - start = 120 s.
    assert_eq!(
        jobs,
        vec![
            (0, 0, 0, 8, 3600 * SECOND, 0, Some("j1".into())),
            (60 * SECOND, 0, 0, 2, 120 * SECOND, 0, Some("j3".into()))
        ]
    );

    let jobs = replay_fields(
        "trace-generic",
        "generic.csv",
        "t_ms,dur_ms,gpus,region,key\n0,1500,3,south,x\n2500,500,1,north,y\n4000,,2,north,z\n",
        r#"
[[traces]]
path = "generic.csv"
format = "csv"
time_unit = "ms"
columns = { submit = "t_ms", runtime = "dur_ms", units = "gpus", id = "key" }
class = "b"
origin = { column = "region" }
start = "1s"
"#,
    );
    // Row 1 is before the window (start 1 s): replay time = trace time - 1 s; row 3 has no runtime.
    assert_eq!(jobs, vec![(1_500_000_000, 1, 0, 1, 500_000_000, 0, Some("y".into()))]);
}

/// A PAI job table (submit order) and its task table (any order), written here.
const PAI_JOBS: &str = "j1,i1,alice,Terminated,100,700\n\
                        j2,i2,bob,Terminated,150,900\n\
                        j3,i3,alice,Running,200,\n\
                        j4,i4,carol,Failed,300,400\n\
                        j5,i5,bob,Waiting,350,\n\
                        j6,i6,bob,Terminated,400,800\n";
const PAI_TASKS: &str = "j4,worker,4,Failed,310,360,600,29.3,25,P100\n\
                         j1,ps,1,Terminated,120,400,600,10,,CPU\n\
                         j1,worker,2,Terminated,110,500,600,29.3,50,V100\n\
                         j2,ps,1,Terminated,160,250,200,10,0,CPU\n\
                         j3,worker,1,Running,210,,600,29.3,100,T4\n\
                         j6,worker,1,Terminated,420,520,600,29.3,100,T4\n\
                         j6,evaluator,3,Terminated,430,700,600,29.3,100,T4\n";

#[test]
fn alibaba_pai_2020_joins_the_job_and_task_tables_by_hand() {
    let dir = scratch("trace-pai");
    write(&dir, "pai_job_table.csv", PAI_JOBS);
    write(&dir, "tasks.csv", PAI_TASKS);
    let mapping = r#"
[[traces]]
path = "pai_job_table.csv"
tasks = "tasks.csv"
format = "alibaba-pai-2020"
class = [{ class = "a", column = "user", values = ["alice"] }, { class = "b" }]
units_per_gpu = 8
origin = "north"
"#;
    let jobs = fields(&jobs_of(&dir, &(world("") + mapping)).1);
    // j1: tasks 1 x 0 % + 2 x 50 % = 1 GPU = 8 units, from 110 to 500 s, submitted at 100 s (alice
    // -> a). j2: no GPU. j3: a task without end. j4: 4 x 25 % = 1 GPU, 310-360 s. j5: no task.
    // j6: 1 x 100 % + 3 x 100 % = 4 GPUs = 32 units, 420-700 s.
    assert_eq!(
        jobs,
        vec![
            (100 * SECOND, 0, 0, 8, 390 * SECOND, 0, Some("j1".into())),
            (300 * SECOND, 1, 0, 8, 50 * SECOND, 0, Some("j4".into())),
            (400 * SECOND, 1, 0, 32, 280 * SECOND, 0, Some("j6".into())),
        ]
    );
    // The default task table is `pai_task_table.csv` beside the job table; a status filter
    // reads the job's status.
    write(&dir, "pai_task_table.csv", PAI_TASKS);
    let beside = mapping.replace("tasks = \"tasks.csv\"\n", "") + "statuses = [\"Terminated\"]\n";
    let jobs = fields(&jobs_of(&dir, &(world("") + &beside)).1);
    assert_eq!(jobs.iter().map(|j| j.6.clone().unwrap()).collect::<Vec<_>>(), vec!["j1", "j6"]);
}

#[test]
fn alibaba_pai_2020_agrees_with_an_independent_join() {
    // A generated pair of tables: each job 1-3 tasks, listed in reverse order in the task table.
    let dir = scratch("trace-pai-join");
    let (mut jobs_text, mut tasks) = (String::new(), Vec::new());
    let mut state: u64 = 7;
    let mut next = |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    for j in 0..300u64 {
        let submit = j * 10;
        jobs_text.push_str(&format!("job{j},i{j},u{},Terminated,{submit},\n", j % 4));
        for t in 0..1 + next(3) {
            let start = submit + next(50);
            let gpu = [0, 25, 50, 100, 800][next(5) as usize];
            tasks.push(format!(
                "job{j},t{t},{},Terminated,{start},{},1,1,{gpu},V100\n",
                1 + next(4),
                start + 1 + next(900)
            ));
        }
    }
    tasks.reverse();
    write(&dir, "pai_job_table.csv", &jobs_text);
    write(&dir, "pai_task_table.csv", &tasks.concat());
    let mapping = "[[traces]]\npath = \"pai_job_table.csv\"\nformat = \"alibaba-pai-2020\"\nclass = \"a\"\n\
                   units_per_gpu = 4\norigin = \"north\"\n";
    let replayed = fields(&jobs_of(&dir, &(world("") + mapping)).1);
    // The independent join: fold the task lines by job name with plain string splitting.
    let mut folded: std::collections::BTreeMap<String, (f64, u64, u64)> = Default::default();
    for line in tasks.concat().lines() {
        let f: Vec<&str> = line.split(',').collect();
        let entry = folded.entry(f[0].to_string()).or_insert((0.0, u64::MAX, 0));
        entry.0 += f[2].parse::<f64>().unwrap() * f[8].parse::<f64>().unwrap() / 100.0;
        entry.1 = entry.1.min(f[4].parse().unwrap());
        entry.2 = entry.2.max(f[5].parse().unwrap());
    }
    let expected: Vec<Fields> = jobs_text
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let (gpus, start, end) = folded[f[0]];
            let units = ((gpus * 4.0 + 0.5) as u32).max(1);
            let submit: u64 = f[4].parse().unwrap();
            (gpus > 0.0).then(|| (submit * SECOND, 0, 0, units, (end - start) * SECOND, 0, Some(f[0].to_string())))
        })
        .collect();
    assert!(expected.len() > 100, "{}", expected.len());
    assert_eq!(replayed, expected);
}

#[test]
fn philly_json_fields_by_hand() {
    // Pretty-printed like the published log; a brace inside a string must not confuse the reader.
    let jobs = replay_fields(
        "trace-philly",
        "cluster_job_log",
        r#"[
  {"status": "Pass", "vc": "vc1", "jobid": "app_1", "user": "u{1}",
   "submitted_time": "2017-10-03 02:56:05",
   "attempts": [{"start_time": "2017-10-03 02:56:10", "end_time": "2017-10-03 02:57:00",
                 "detail": [{"ip": "m1", "gpus": ["gpu0", "gpu1"]}]}]},
  {"status": "Killed", "vc": "vc2", "jobid": "app_2", "user": "u2",
   "submitted_time": "2017-10-03 02:56:06", "attempts": []},
  {"status": "Failed", "vc": "vc2", "jobid": "app_3", "user": "u3",
   "submitted_time": "2017-10-03 02:57:05",
   "attempts": [{"start_time": "2017-10-03 02:57:10", "end_time": "2017-10-03 02:58:10", "detail": [{"ip": "m1", "gpus": ["gpu0"]}]},
                {"start_time": "2017-10-03 03:00:00", "end_time": "2017-10-03 03:10:00",
                 "detail": [{"ip": "m2", "gpus": ["gpu0", "gpu1", "gpu2", "gpu3"]}, {"ip": "m3", "gpus": ["gpu0", "gpu1", "gpu2", "gpu3"]}]}]},
  {"status": "Running", "vc": "vc1", "jobid": "app_4", "user": "u4",
   "submitted_time": "2017-10-03 02:58:00",
   "attempts": [{"start_time": "2017-10-03 02:58:30", "end_time": null, "detail": [{"ip": "m1", "gpus": ["gpu0"]}]}]}
]"#,
        r#"
[[traces]]
path = "cluster_job_log"
format = "philly"
class = [{ class = "b", column = "vc", values = ["vc2"] }, { class = "a" }]
origin = "south"
"#,
    );
    // app_1: 2 GPUs, 50 s, at 0; app_2 never started; app_3: last attempt, 8 GPUs, 600 s, at
    // 60 s, vc2 -> b; app_4 has no end.
    assert_eq!(
        jobs,
        vec![
            (0, 0, 1, 2, 50 * SECOND, 0, Some("app_1".into())),
            (60 * SECOND, 1, 1, 8, 600 * SECOND, 0, Some("app_3".into())),
        ]
    );
}

/// A generic CSV of `n` jobs (ids, submit s, runtime s, GPUs) from a simple LCG.
pub(crate) fn generated(n: usize) -> (String, Vec<(String, f64, f64, u32)>) {
    let mut state: u64 = 12345;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut text = String::from("job,submit,runtime,gpus\n");
    let mut rows = Vec::new();
    let mut t = 0.0;
    for i in 0..n {
        t += (next() * 100.0).floor();
        let runtime = 1.0 + (next() * 5000.0).floor();
        let gpus = 1 + (next() * 8.0) as u32;
        text.push_str(&format!("job-{i},{t},{runtime},{gpus}\n"));
        rows.push((format!("job-{i}"), t, runtime, gpus));
    }
    (text, rows)
}

const GENERIC: &str = r#"
[[traces]]
path = "jobs.csv"
format = "csv"
columns = { submit = "submit", runtime = "runtime", units = "gpus", id = "job" }
class = "a"
data = { dist = "exponential", mean = "1GB" }
"#;

#[test]
fn a_gzip_trace_replays_as_its_plain_twin() {
    // The same rows written plain and gzipped in two members (as `cat a.gz b.gz` makes): the
    // reports are identical but for the file's name and the wall-clock figures.
    use std::io::Write;
    let dir = scratch("trace-gzip");
    let (text, _) = generated(2000);
    write(&dir, "jobs.csv", &text);
    let (head, tail) = text.split_at(text.len() / 2);
    let mut gz = Vec::new();
    for part in [head, tail] {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(part.as_bytes()).unwrap();
        gz.extend(encoder.finish().unwrap());
    }
    std::fs::write(dir.join("jobs.csv.gz"), gz).unwrap();
    let report = |trace: &str| {
        let source = world("") + &GENERIC.replace("\"jobs.csv\"", &format!("\"{trace}\""));
        let scenario = write(&dir, &format!("{trace}.toml"), &source);
        let result = cnsim(&["run", scenario.to_str().unwrap(), "--format", "json"]);
        assert!(result.status.success(), "{}", stderr(&result));
        let mut report: serde_json::Value = serde_json::from_str(&stdout(&result)).unwrap();
        report.as_object_mut().unwrap().remove("performance");
        report.to_string().replace("jobs.csv.gz", "jobs.csv")
    };
    let plain = report("jobs.csv");
    assert!(plain.contains("\"kept\":2000"), "{plain}");
    assert_eq!(report("jobs.csv.gz"), plain);
}

#[test]
fn a_replay_runs_exactly_the_traces_jobs() {
    let dir = scratch("trace-replay");
    let (text, rows) = generated(3000);
    write(&dir, "jobs.csv", &text);
    let scenario = write(&dir, "scenario.toml", &(world("") + GENERIC));
    let out = dir.join("out.csv");
    let result = cnsim(&["run", scenario.to_str().unwrap(), "--jobs", out.to_str().unwrap(), "--format", "json"]);
    assert!(result.status.success(), "{}", stderr(&result));
    // An independent reading of both files: split on commas.
    let written = std::fs::read_to_string(&out).unwrap();
    let mut lines = written.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut seen: Vec<(String, f64, f64, u32, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let start: f64 = f[col("start_s")].parse().unwrap();
            let finish: f64 = f[col("finish_s")].parse().unwrap();
            (
                f[col("id")].to_string(),
                f[col("submit_s")].parse().unwrap(),
                finish - start,
                f[col("units")].parse().unwrap(),
                f[col("state")].to_string(),
            )
        })
        .collect();
    seen.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut expected = rows.clone();
    expected.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    assert_eq!(seen.len(), expected.len());
    for (s, e) in seen.iter().zip(&expected) {
        assert_eq!((s.0.as_str(), s.1, s.3, s.4.as_str()), (e.0.as_str(), e.1, e.3, "finished"));
        assert!((s.2 - e.2).abs() < 1e-6, "{}: runtime {} against {}", s.0, s.2, e.2);
    }
    let report: serde_json::Value = serde_json::from_str(&stdout(&result)).unwrap();
    assert_eq!(report["traces"]["kept"], 3000, "{}", report["traces"]);
}

#[test]
fn replays_are_deterministic_and_mix_with_synthetic_classes() {
    let dir = scratch("trace-mixed");
    write(&dir, "jobs.csv", &generated(500).0);
    let synthetic = r#"
[[classes]]
name = "synthetic"
pool = "intelligent"
rate = "20/h"
units = 2
runtime = "1h"
"#;
    // The same classes, the trace's window past all its rows: no trace job.
    let alone = Scenario::load(&write(&dir, "alone.toml", &(world(synthetic) + GENERIC + "start = \"1000d\"\n")));
    let alone = alone.unwrap_or_else(|e| panic!("{e}"));
    let mixed_path = write(&dir, "mixed.toml", &(world(synthetic) + GENERIC));
    let mixed = Scenario::load(&mixed_path).unwrap();
    let (_, alone_report) = run(&alone);
    let (first, report) = run(&mixed);
    let (_, again) = run(&mixed);
    let json = |r: &cnsim::report::RunReport| crate::helpers::without_wall_clock(&cnsim::report::json::render(r));
    assert_eq!(json(&report), json(&again), "same scenario and seed, same report");
    // The synthetic class draws the same jobs with or without the trace beside it.
    let submitted = |r: &serde_json::Value, class: &str| {
        r["classes"].as_array().unwrap().iter().find(|c| c["name"] == class).unwrap()["counters"]["submitted"].clone()
    };
    let (alone_json, mixed_json) = (json(&alone_report), json(&report));
    assert_eq!(submitted(&alone_json, "synthetic"), submitted(&mixed_json, "synthetic"));
    assert_eq!(first.traces.as_ref().unwrap().kept, 500);
}

#[test]
fn inspect_counts_drops_by_reason_and_scaling() {
    let dir = scratch("trace-inspect");
    let mut text = String::from(
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n",
    );
    // 100 rows: every 10th has no GPU, every 7th (with a GPU) never started, phases alternate.
    let mut expect = [0u64; 4]; // kept, no_gpu, never_started, status
    for i in 0..100u64 {
        let gpu = if i % 10 == 0 { 0 } else { 1 };
        let scheduled = if i % 7 == 0 { String::new() } else { (i * 60).to_string() };
        let phase = if i % 2 == 0 { "Running" } else { "Failed" };
        text.push_str(&format!("p{i},1,1,{gpu},1000,,LS,{phase},{},{},{scheduled}\n", i * 60, i * 60 + 600));
        let slot = if gpu == 0 {
            1
        } else if i % 7 == 0 {
            2
        } else if phase == "Failed" {
            3
        } else {
            0
        };
        expect[slot] += 1;
    }
    write(&dir, "pods.csv", &text);
    let scenario = write(
        &dir,
        "s.toml",
        &(world("")
            + "[[traces]]\npath = \"pods.csv\"\nformat = \"alibaba-gpu-2023\"\nclass = \"a\"\nstatuses = [\"Running\"]\n"),
    );
    let inspect = |scenario: &Path| {
        let out = cnsim(&[
            "trace",
            "inspect",
            dir.join("pods.csv").to_str().unwrap(),
            "--format",
            "alibaba-gpu-2023",
            "--scenario",
            scenario.to_str().unwrap(),
            "--output",
            "json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    let summary = inspect(&scenario);
    assert_eq!(summary["rows"], 100);
    assert_eq!(summary["kept"], expect[0]);
    assert_eq!(summary["dropped"]["no_gpu"], expect[1]);
    assert_eq!(summary["dropped"]["never_started"], expect[2]);
    assert_eq!(summary["dropped"]["status"], expect[3]);
    // Scale 2.5: two whole copies and a half-thinned third.
    let text = std::fs::read_to_string(&scenario).unwrap() + "scale = 2.5\n";
    let scaled = inspect(&write(&dir, "s2.toml", &text));
    let thinned = scaled["dropped"]["thinned"].as_u64().unwrap();
    assert_eq!(scaled["rows"], 300);
    assert_eq!(scaled["kept"].as_u64().unwrap() + thinned, 3 * expect[0]);
    assert!(thinned > 0 && thinned < expect[0], "the third copy keeps about half: thinned {thinned}");
}

#[test]
fn bad_rows_name_file_line_column_and_value() {
    let dir = scratch("trace-bad");
    write(&dir, "jobs.csv", "job,submit,runtime,gpus\nj1,0,10,1\nj2,5,ten,1\nj3,7,10,1\nj4,3,10,1\n");
    let scenario = write(&dir, "s.toml", &(world("") + GENERIC));
    let out_file = dir.join("report.txt");
    let result = cnsim(&["run", scenario.to_str().unwrap(), "--out", out_file.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    let message = stderr(&result);
    assert!(message.contains("jobs.csv:3: column `runtime`: bad value \"ten\": expected"), "{message}");
    assert!(!out_file.exists(), "nothing written on a bad row");
    // Skipped: counted, and then the out-of-order row 5 is an error naming its line.
    let skip = write(&dir, "skip.toml", &(world("") + GENERIC + "on_bad_row = \"skip\"\n"));
    let result = cnsim(&["run", skip.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(stderr(&result).contains("jobs.csv:5: submit time 3s is earlier than 7s"), "{}", stderr(&result));
    // A reorder window of 5 s takes row 5 back in order.
    let window =
        write(&dir, "window.toml", &(world("") + GENERIC + "on_bad_row = \"skip\"\nreorder_window = \"5s\"\n"));
    let result = cnsim(&["run", window.to_str().unwrap(), "--format", "json"]);
    assert!(result.status.success(), "{}", stderr(&result));
    let report: serde_json::Value = serde_json::from_str(&stdout(&result)).unwrap();
    assert_eq!(report["traces"]["kept"], 3);
    assert_eq!(report["traces"]["dropped"]["bad_row"], 1);
    assert!(report["traces"]["bad_rows"][0].as_str().unwrap().contains("jobs.csv:3"));
    // A quote left open runs to the end of the file: an error naming the file and its line.
    write(&dir, "jobs.csv", "job,submit,runtime,gpus\nj1,0,10,1\n\"j2,5,10,1\nj3,7,10,1\n");
    let result = cnsim(&["run", scenario.to_str().unwrap(), "--out", out_file.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert!(stderr(&result).contains("line 3: a quoted field is not closed"), "{}", stderr(&result));
    assert!(stderr(&result).contains("jobs.csv"), "{}", stderr(&result));
    assert!(!out_file.exists(), "nothing written on an open quote");
    write(&dir, "jobs.csv", "job,submit,runtime,gpus\nj1,0,10,1\nj2,5,ten,1\nj3,7,10,1\nj4,3,10,1\n");
    // A missing column is an error at load time, naming the field and the file's columns.
    let missing = write(&dir, "missing.toml", &(world("") + &GENERIC.replace("\"gpus\"", "\"gpu\"")));
    let result = cnsim(&["validate", missing.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("traces[0].path") && stderr(&result).contains("no column `gpu`"),
        "{}",
        stderr(&result)
    );
}

/// Keeps what the job log is sent: (state, submit, transfer, start, finish, runtime, units).
struct Collect(std::rc::Rc<std::cell::RefCell<Vec<Logged>>>);
type Logged = (&'static str, u64, Option<(u64, Option<u64>)>, Option<u64>, Option<u64>, u64);

impl cnsim::engine::JobSink for Collect {
    fn record(&mut self, r: &cnsim::engine::JobRecord<'_>) {
        let job = r.job;
        let start = job.started.then_some(job.start);
        self.0.borrow_mut().push((r.state.name(), job.submit, r.transfer, start, r.finish, job.runtime));
    }
}

#[test]
fn the_job_log_accounts_for_every_synthetic_job() {
    // A synthetic class, some of whose jobs ask for more than any hub has (rejected), on a
    // short run that leaves some in flight.
    let source = r#"
seed = 5
duration = "6h"
warmup = "0s"
[[hubs]]
id = "h"
lat = 30.0
lon = 110.0
intelligent = 16
[[regions]]
id = "r"
lat = 31.0
lon = 111.0
[[classes]]
name = "s"
pool = "intelligent"
rate = "40/h"
units = { dist = "uniform", low = 1, high = 24 }
runtime = { dist = "exponential", mean = "20min" }
data = "10GB"
"#;
    let scenario = Scenario::parse(source, "log.toml").unwrap();
    let logged = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let output = cnsim::simulation::simulate_with(&scenario, Some(Box::new(Collect(logged.clone()))), |_, _| true)
        .unwrap()
        .unwrap();
    let total = output.recorder.total();
    let rows = logged.borrow();
    let count = |state: &str| rows.iter().filter(|r| r.0 == state).count() as u64;
    assert_eq!(rows.len() as u64, total.submitted);
    assert_eq!(count("finished"), total.finished);
    assert_eq!(count("rejected"), total.rejected());
    assert_eq!(count("in-flight"), total.in_flight());
    assert!(count("rejected") > 0 && count("in-flight") > 0 && count("finished") > 0);
    for &(state, submit, transfer, start, finish, runtime) in rows.iter() {
        match state {
            "finished" => {
                let (from, to) = transfer.unwrap();
                let to = to.unwrap();
                assert!(submit <= from && from < to && to <= start.unwrap(), "times in order");
                assert_eq!(finish.unwrap() - start.unwrap(), runtime);
            }
            "rejected" => assert!(transfer.is_none() && start.is_none() && finish.is_none()),
            _ => assert!(finish.is_none()),
        }
    }
}
