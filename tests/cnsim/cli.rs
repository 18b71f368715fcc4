//! The commands of the README and of docs/*.md, end to end through the binary.

use std::collections::BTreeSet;

use hdrhistogram::serialization::Deserializer;
use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};

use crate::helpers::{cnsim, scratch, stderr, stdout};

#[test]
fn hubs_prints_the_table_totals_and_latency_matrix() {
    let output = cnsim(&["hubs"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("national total: 215.5 EFLOPS, 80.8% intelligent"), "{text}");
    assert!(text.contains("jing-jin-ji") && text.contains("ningxia") && text.contains("one-way latency"));
    let json: serde_json::Value = serde_json::from_str(&stdout(&cnsim(&["hubs", "--format", "json"]))).unwrap();
    assert_eq!(json["hubs"].as_array().unwrap().len(), 8);
    assert!((json["total_eflops"].as_f64().unwrap() - 215.5).abs() < 1e-9);
    assert!((json["intelligent_share"].as_f64().unwrap() - 0.808).abs() < 1e-9);
    assert_eq!(json["latency_ms"].as_array().unwrap().len(), 8);
}

#[test]
fn schedulers_lists_every_policy() {
    let text = stdout(&cnsim(&["schedulers"]));
    for name in ["nearest", "random", "round-robin", "least-loaded"] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing: {text}");
    }
}

#[test]
fn validate_summarises_a_good_scenario() {
    for file in ["scenarios/default.toml", "scenarios/mmc.toml", "scenarios/small.toml"] {
        let output = cnsim(&["validate", file]);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        assert!(stdout(&output).starts_with("ok: "));
    }
}

#[test]
fn run_text_report_shows_tables_and_histograms() {
    let output = cnsim(&["run", "scenarios/small.toml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for heading in [
        "Jobs submitted after the warm-up",
        "Latency of finished jobs",
        "JCT histogram",
        "Wait histogram",
        "Hubs (utilisation",
        "Utilisation histogram",
        "Data moved",
        "Jobs finished per hour",
    ] {
        assert!(text.contains(heading), "missing {heading:?}");
    }
    assert!(text.contains('█'), "bar charts drawn");
}

#[test]
fn run_json_has_the_documented_stable_keys() {
    let output =
        cnsim(&["run", "scenarios/small.toml", "--format", "json", "--scheduler", "round-robin", "--duration", "12h"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["scheduler"], "round-robin");
    assert_eq!(json["duration_seconds"], 43200.0);
    for key in ["submitted", "finished", "rejected", "in_flight"] {
        assert!(json["jobs"][key].is_u64(), "jobs.{key}");
    }
    for class in ["interactive", "training", "analytics", "all"] {
        for metric in ["transfer", "wait", "run", "jct", "bounded_slowdown"] {
            let stats = &json["latency"][class][metric];
            for key in ["mean", "p50", "p90", "p99", "p999", "max"] {
                assert!(stats[key].is_number(), "latency.{class}.{metric}.{key}");
            }
            let buckets = stats["buckets"].as_array().unwrap();
            let total: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
            assert_eq!(total, stats["count"].as_u64().unwrap(), "buckets of {class}.{metric} add up");
        }
    }
    for hub in json["hubs"].as_array().unwrap() {
        assert!(hub["id"].is_string());
        for key in ["mean", "p50", "p95"] {
            assert!(hub["utilisation"]["intelligent"][key].is_number());
        }
    }
    for key in ["events", "wall_seconds", "events_per_second", "jobs_per_second"] {
        assert!(json["performance"][key].is_number(), "performance.{key}");
    }
}

#[test]
fn timeseries_csv_and_hdr_log_are_written_and_readable() {
    let dir = scratch("outputs");
    let csv_path = dir.join("util.csv");
    let hdr_path = dir.join("latency.hlog");
    let report_path = dir.join("report.txt");
    let output = cnsim(&[
        "run",
        "scenarios/small.toml",
        "--timeseries",
        csv_path.to_str().unwrap(),
        "--hdr-log",
        hdr_path.to_str().unwrap(),
        "--out",
        report_path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "--out sends the report to the file");
    assert!(std::fs::read_to_string(&report_path).unwrap().contains("Latency of finished jobs"));

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["time_seconds", "hub", "pool", "utilisation"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // 24 h in 5-minute samples, 3 hubs x 2 pools.
    assert_eq!(rows.len(), 288 * 6);
    assert!(rows.iter().all(|r| (0.0..=1.0).contains(&r[3].parse::<f64>().unwrap())));

    // The HDR interval log reads back with the standard deserializer.
    let bytes = std::fs::read(&hdr_path).unwrap();
    let mut tags = BTreeSet::new();
    let mut deserializer = Deserializer::new();
    let mut total_jct_all = 0;
    for entry in IntervalLogIterator::new(&bytes) {
        if let Ok(LogEntry::Interval(interval)) = entry {
            let tag = interval.tag().unwrap().as_str().to_string();
            let decoded = base64_decode(interval.encoded_histogram());
            let h: hdrhistogram::Histogram<u64> = deserializer.deserialize(&mut decoded.as_slice()).unwrap();
            if tag == "jct.all" {
                total_jct_all = h.len();
            }
            tags.insert(tag);
        }
    }
    assert!(
        tags.contains("wait.interactive") && tags.contains("bounded_slowdown.all") && tags.contains("jct.hub.west"),
        "{tags:?}"
    );
    assert!(total_jct_all > 1000);
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

#[test]
fn no_arguments_runs_the_built_in_default() {
    // `cnsim` alone is `cnsim run` on the built-in default scenario (shortened here by the
    // same code path `--duration` uses, to keep the test quick).
    let output = cnsim(&["run", "--duration", "6h"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("scenario \"default\", scheduler least-loaded, seed 1"), "{text}");
}

#[test]
fn bench_reports_throughput_and_checks_its_model() {
    let output = cnsim(&["bench", "--jobs", "50000", "--runs", "1", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(json["median_jobs_per_second"].as_f64().unwrap() > 0.0);
    assert!(json["runs"][0]["jobs"].as_u64().unwrap() > 45_000);
}

#[test]
fn every_cnsim_command_in_the_readme_and_docs_works() {
    // Each `cnsim ...` line of the shell blocks of the README and of every docs/*.md page
    // runs in a scratch copy of the repository's scenarios and exits 0. A TOML block whose
    // preceding line ends "as `FILE`:" is written to FILE first, so the commands after it can
    // use it. `bench` is shortened (it is timed elsewhere).
    let root = crate::helpers::root();
    let mut pages = vec![root.join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    assert!(docs.len() >= 6, "expected the docs pages, found {docs:?}");
    pages.extend(docs);
    let dir = scratch("readme");
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    for folder in ["scenarios", "traces"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(folder).join(path.file_name().unwrap())).unwrap();
        }
    }
    let mut total = 0;
    for page in &pages {
        let name = page.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(page).unwrap();
        let mut in_shell = false;
        let mut toml_file: Option<(String, String)> = None;
        let mut previous = "";
        let mut ran = 0;
        for line in text.lines() {
            if line.starts_with("```") {
                if let Some((file, contents)) = toml_file.take() {
                    std::fs::write(dir.join(file), contents).unwrap();
                } else if line == "```toml" {
                    let file = previous.strip_suffix("`:").and_then(|p| p.rsplit_once("as `")).map(|(_, f)| f);
                    toml_file = file.map(|f| (f.to_string(), String::new()));
                }
                in_shell = line == "```sh";
                continue;
            }
            if let Some((_, contents)) = toml_file.as_mut() {
                contents.push_str(line);
                contents.push('\n');
                continue;
            }
            if !line.trim().is_empty() {
                previous = line;
            }
            let Some(command) = line.strip_prefix("cnsim ").filter(|_| in_shell) else { continue };
            let command = command.split('#').next().unwrap().trim();
            let mut args: Vec<&str> = command.split_whitespace().collect();
            if args[0] == "bench" {
                // Whatever size the page asks for, the test runs a short one.
                while let Some(at) = args.iter().position(|&a| a == "--jobs" || a == "--runs") {
                    args.drain(at..at + 2);
                }
                args.extend(["--jobs", "20000", "--runs", "1"]);
            }
            let output =
                std::process::Command::new(env!("CARGO_BIN_EXE_cnsim")).args(&args).current_dir(&dir).output().unwrap();
            assert!(output.status.success(), "{name} command `cnsim {command}` failed: {}", stderr(&output));
            ran += 1;
        }
        if name == "README.md" {
            assert!(ran >= 5, "found only {ran} commands in {name}");
        }
        total += ran;
    }
    assert!(total >= 15, "found only {total} commands in the README and docs");
    assert!(dir.join("report.txt").exists() && dir.join("util.csv").exists() && dir.join("latency.hlog").exists());
    assert!(dir.join("my-study.toml").exists());
}

#[test]
fn compare_reports_intervals_and_paired_differences_on_common_jobs() {
    let output = cnsim(&[
        "compare",
        "scenarios/small.toml",
        "--schedulers",
        "nearest,power-of-d:d=2,least-loaded",
        "--replications",
        "3",
        "--baseline",
        "nearest",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["policies"], serde_json::json!(["nearest", "power-of-d:d=2", "least-loaded"]));
    assert_eq!(json["baseline"], "nearest");
    assert_eq!(json["seeds"], serde_json::json!([7, 8, 9]));
    assert_eq!(json["interrupted"], false);
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 9);
    // Common random numbers: per seed, every policy saw the same workload.
    for seed in 7..=9 {
        let digests: BTreeSet<&str> =
            runs.iter().filter(|r| r["seed"] == seed).map(|r| r["workload_digest"].as_str().unwrap()).collect();
        assert_eq!(digests.len(), 1, "seed {seed}");
    }
    let metrics = json["metrics"].as_array().unwrap();
    let row = metrics.iter().find(|m| m["key"] == "jct_mean.all").expect("jct_mean.all");
    let cells = row["policies"].as_array().unwrap();
    assert!(cells[0]["difference"].is_null(), "no difference for the baseline");
    // The interval is the mean of the per-seed values, and the difference is paired.
    let values = |policy: &str| -> Vec<f64> {
        let index = metrics.iter().position(|m| m["key"] == "jct_mean.all").unwrap();
        runs.iter().filter(|r| r["policy"] == policy).map(|r| r["values"][index].as_f64().unwrap()).collect()
    };
    let (base, ll) = (values("nearest"), values("least-loaded"));
    let mean = ll.iter().sum::<f64>() / 3.0;
    assert!((cells[2]["value"]["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    let diff = ll.iter().zip(&base).map(|(a, b)| a - b).sum::<f64>() / 3.0;
    assert!((cells[2]["difference"]["mean"].as_f64().unwrap() - diff).abs() < 1e-9);
    assert_eq!(cells[2]["significant"], true, "least-loaded beats nearest on small.toml");
    for key in [
        "slo_attainment.training",
        "moved_remote_tb",
        "energy_cost_mcny",
        "carbon_t",
        "utilisation.intelligent",
        "rejected",
    ] {
        assert!(metrics.iter().any(|m| m["key"] == key), "{key}");
    }
    // The text form shows both tables.
    let text = stdout(&cnsim(&[
        "compare",
        "scenarios/small.toml",
        "--schedulers",
        "nearest,least-loaded",
        "--replications",
        "2",
    ]));
    assert!(text.contains("difference vs nearest") && text.contains("±"), "{text}");
    // Bad input exits 2.
    assert_eq!(cnsim(&["compare", "scenarios/small.toml", "--schedulers", "nearest,fastest"]).status.code(), Some(2));
    assert_eq!(
        cnsim(&["compare", "scenarios/small.toml", "--schedulers", "nearest", "--baseline", "random"]).status.code(),
        Some(2)
    );
}

#[test]
fn compare_stops_cleanly_on_ctrl_c_and_reports_what_finished() {
    // A comparison long enough to interrupt: SIGINT after a moment.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_cnsim"))
        .args([
            "compare",
            "scenarios/default.toml",
            "--schedulers",
            "nearest,least-loaded",
            "--replications",
            "50",
            "--format",
            "json",
        ])
        .current_dir(crate::helpers::root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["interrupted"], true);
    assert!(json["seeds"].as_array().unwrap().len() < 50);
    assert!(stderr(&output).contains("interrupted"));
}
