//! The failures found by fuzzing and by hand (issue 11), one test each: every one failed
//! before its fix (a panic, an abort, a silent wrong answer, a replaced file or a wrong exit
//! code) and must now give a clear error with the right exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::helpers::{cnsim, root, scratch, stderr, stdout, write};

/// The shipped small scenario's text.
fn small() -> String {
    std::fs::read_to_string(root().join("scenarios/small.toml")).expect("small.toml")
}

/// Asserts a clean failure: the exit code, one line on stderr holding every fragment, no panic.
fn fails_with(output: &std::process::Output, code: i32, fragments: &[&str]) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    for fragment in fragments {
        assert!(err.contains(fragment), "expected {fragment:?} in: {err}");
    }
    err
}

/// `cnsim validate` and `cnsim run` on `content` both refuse it with exit 2.
fn refused(case: &str, content: &str, fragments: &[&str]) {
    let dir = scratch(case);
    let path = write(&dir, "bad.toml", content);
    for command in ["validate", "run"] {
        let output = cnsim(&[command, path.to_str().unwrap()]);
        fails_with(&output, 2, fragments);
        assert!(output.stdout.is_empty(), "{case}: {command} printed: {}", stdout(&output));
    }
}

#[test]
fn region_weights_adding_up_to_infinity_are_refused() {
    refused(
        "inf-regions",
        &small().replace("weight = 0.5", "weight = 1e308"),
        &["bad.toml:", "regions[0].weight", "bad value 1e308", "at most 1e12"],
    );
}

#[test]
fn class_origins_adding_up_to_infinity_are_refused() {
    let text = small().replace("data = \"200GB\"", "data = \"200GB\"\norigins = { north = 1e308, south = 1e308 }");
    refused("inf-origins", &text, &["classes[2].origins.north", "at most 1e12"]);
}

#[test]
fn an_overloaded_run_stops_at_the_cap_on_jobs_in_flight() {
    let dir = scratch("overload");
    let out = dir.join("report.json");
    let args = ["run", "scenarios/small.toml", "--load-scale", "50", "--duration", "900d", "--max-in-flight", "500"];
    let output = cnsim(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    fails_with(&output, 1, &["overloaded", "500 jobs were in flight", "--max-in-flight 500", "900 d"]);
    assert!(!out.exists(), "a report was written for a failed run");
    let bad = cnsim(&["run", "scenarios/small.toml", "--max-in-flight", "0"]);
    fails_with(&bad, 2, &["--max-in-flight", "between 1 and"]);
}

#[test]
fn stdout_write_errors_exit_1_with_a_message() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return;
    }
    for args in [&["hubs"][..], &["schedulers"], &["validate", "scenarios/small.toml"], &["network"]] {
        let output = Command::new(env!("CARGO_BIN_EXE_cnsim"))
            .args(args)
            .current_dir(root())
            .stdout(std::fs::OpenOptions::new().write(true).open(full).expect("/dev/full"))
            .output()
            .expect("cnsim runs");
        fails_with(&output, 1, &["cannot write to standard output", "No space left on device"]);
    }
}

#[test]
fn a_closed_pipe_stays_quiet() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cnsim"))
        .args(["run", "scenarios/small.toml", "--format", "json"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cnsim runs");
    drop(child.stdout.take()); // the reader goes away before the report is written
    let output = child.wait_with_output().expect("cnsim ends");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "a closed pipe is not an error: {}", stderr(&output));
}

#[test]
fn absurd_rates_are_refused_up_front() {
    for rate in ["1e308/s", "1e10/s", "2e6/s"] {
        let text = small().replace("rate = \"40/h\"", &format!("rate = \"{rate}\""));
        refused("absurd-rate", &text, &["classes[0].rate", rate, "at most 1e6 arrivals a second"]);
    }
    // Diurnal and weekend factors raise the peak above the mean rate.
    let text = small().replace("rate = \"40/h\"", "rate = \"7e5/s\"");
    refused("peak-rate", &text, &["classes[0].rate", "peaks at 1.05e6/s"]);
    // A run whose jobs would not fit the event queue, in the file or through --duration.
    let text =
        small().replace("rate = \"40/h\"", "rate = \"6e5/s\"").replace("duration = \"1d\"", "duration = \"300d\"");
    refused("too-many-jobs", &text, &["duration", "jobs in the run, more than one run can hold"]);
    let dir = scratch("too-many-jobs-cli");
    let path = write(
        &dir,
        "fast.toml",
        &small()
            .replace("rate = \"40/h\"", "rate = \"6e5/s\"")
            .replace("duration = \"1d\"", "duration = \"1h\"")
            .replace("warmup = \"2h\"", "warmup = \"10min\""),
    );
    let output = cnsim(&["run", path.to_str().unwrap(), "--duration", "300d"]);
    fails_with(&output, 2, &["--duration", "more than one run can hold"]);
}

/// `small.toml` with `n` copies of its last hub, region or class (new ids and names).
fn with_many(kind: &str, n: usize) -> String {
    let text = small();
    let mut out = text.clone();
    for i in 0..n {
        out.push_str(&match kind {
            "hubs" => format!("\n[[hubs]]\nid = \"x{i}\"\nlat = 30.0\nlon = 100.0\nintelligent = 1\n"),
            "regions" => format!("\n[[regions]]\nid = \"x{i}\"\nlat = 30.0\nlon = 100.0\n"),
            _ => format!(
                "\n[[classes]]\nname = \"x{i}\"\npool = \"general\"\nrate = \"1/h\"\nunits = 1\nruntime = \"1h\"\n"
            ),
        });
    }
    out
}

#[test]
fn hubs_regions_and_classes_beyond_the_limits_are_refused() {
    refused("many-hubs", &with_many("hubs", 4094), &["field `hubs`", "4097 hubs: at most 4096"]);
    refused("many-regions", &with_many("regions", 4095), &["field `regions`", "4097 regions: at most 4096"]);
    refused("many-classes", &with_many("classes", 4094), &["field `classes`", "4097 classes: at most 4096"]);
}

#[test]
fn bench_refuses_more_hubs_than_the_limit() {
    let output = cnsim(&["bench", "--hubs", "4097", "--jobs", "1", "--runs", "1"]);
    fails_with(&output, 2, &["--hubs 4097", "between 1 and 4096"]);
}

#[test]
fn compare_reports_a_failed_run_as_a_failure_not_an_interruption() {
    let output = cnsim(&[
        "compare",
        "scenarios/small.toml",
        "--schedulers",
        "nearest,random",
        "--replications",
        "2",
        "--load-scale",
        "50",
        "--duration",
        "900d",
        "--max-in-flight",
        "300",
    ]);
    let err = fails_with(&output, 1, &["failed", "overloaded", "--max-in-flight 300"]);
    assert!(!err.to_lowercase().contains("interrupted"), "{err}");
    assert!(!stdout(&output).contains("INTERRUPTED"), "{}", stdout(&output));
}

#[test]
fn compare_setup_errors_exit_2() {
    let cases: [(&[&str], &str); 5] = [
        (&["--schedulers", ""], "give at least one scheduler"),
        (&["--schedulers", " , "], "give at least one scheduler"),
        (&["--schedulers", "nearest", "--replications", "0"], "--replications"),
        (&["--schedulers", "nearest", "--baseline", "random"], "--baseline"),
        (&["--schedulers", "no-such-policy"], "unknown scheduler"),
    ];
    for (extra, fragment) in cases {
        let output = cnsim(&[&["compare", "scenarios/small.toml", "--duration", "1h"][..], extra].concat());
        fails_with(&output, 2, &[fragment]);
    }
}

#[test]
fn out_and_timeseries_naming_the_same_file_is_a_usage_error() {
    let dir = scratch("same-path");
    let x = dir.join("x");
    let output =
        cnsim(&["run", "scenarios/small.toml", "--out", x.to_str().unwrap(), "--timeseries", x.to_str().unwrap()]);
    fails_with(&output, 2, &["two outputs name the same file"]);
    assert!(!x.exists(), "x was left behind");
    // The same file under two names (a symbolic link) is caught too.
    std::fs::write(&x, "old").unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&x, &link).unwrap();
    let output =
        cnsim(&["run", "scenarios/small.toml", "--out", x.to_str().unwrap(), "--hdr-log", link.to_str().unwrap()]);
    fails_with(&output, 2, &["two outputs name the same file"]);
    assert_eq!(std::fs::read_to_string(&x).unwrap(), "old");
}

#[test]
fn a_failed_output_leaves_every_other_file_untouched() {
    let dir = scratch("all-or-nothing");
    let series = write(&dir, "ts.csv", "old series");
    let log = write(&dir, "hist.hlog", "old log");
    let output = cnsim(&[
        "run",
        "scenarios/small.toml",
        "--out",
        dir.to_str().unwrap(), // a directory: cannot be written
        "--timeseries",
        series.to_str().unwrap(),
        "--hdr-log",
        log.to_str().unwrap(),
    ]);
    fails_with(&output, 1, &["is a directory"]);
    assert_eq!(std::fs::read_to_string(&series).unwrap(), "old series");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "old log");
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "temporary files left behind: {names:?}");
}

/// `cnsim run small.toml --format json --out <path>`.
fn run_to(path: &Path) -> std::process::Output {
    cnsim(&["run", "scenarios/small.toml", "--duration", "1h", "--format", "json", "--out", path.to_str().unwrap()])
}

#[test]
fn symbolic_and_hard_links_are_written_through() {
    let dir = scratch("links");
    let real = write(&dir, "real.json", "old");
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = run_to(&link);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert!(std::fs::read_to_string(&real).unwrap().contains("\"scenario\""), "the target was not written");
    let other = dir.join("other-name.json");
    std::fs::hard_link(&real, &other).unwrap();
    std::fs::write(&real, "old").unwrap();
    let output = run_to(&real);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&other).unwrap().contains("\"scenario\""), "the hard link was broken");
}

#[test]
fn a_fifo_is_written_through_not_replaced() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe");
    if !Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    let reader_path = fifo.clone();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(std::fs::read_to_string(reader_path));
    });
    let output = run_to(&fifo);
    assert!(output.status.success(), "{}", stderr(&output));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    let read = receive.recv_timeout(std::time::Duration::from_secs(30)).expect("the reader got the report");
    assert!(read.unwrap().contains("\"scenario\""));
}

/// A device like `/dev/full` in a scratch directory when this user may make one, else the
/// system's own (which an unprivileged run cannot replace either way).
fn full_device(dir: &Path) -> PathBuf {
    let node = dir.join("full");
    let made = Command::new("mknod").arg(&node).args(["c", "1", "7"]).stderr(Stdio::null()).status();
    if made.is_ok_and(|s| s.success()) { node } else { PathBuf::from("/dev/full") }
}

#[test]
fn devices_are_written_through_not_replaced() {
    let dir = scratch("devices");
    let full = full_device(&dir);
    if !full.exists() {
        return;
    }
    let output = run_to(&full);
    fails_with(&output, 1, &["cannot write", "No space left on device"]);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&full).unwrap().file_type().is_char_device(), "the device was replaced");
    // /dev/stdout is the report's own standard output, written through.
    let output = run_to(Path::new("/dev/stdout"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"scenario\""), "{}", stdout(&output));
}

#[test]
fn serde_wording_never_reaches_the_user() {
    let base = small();
    let cases = [
        base.replace("seed = 7", "seed = 18446744073709551616"),
        base.replace("seed = 7", "seed = -1"),
        base.replace("seed = 7", "seed = 99999999999999999999"),
        format!("classes = [1]\n{}", base.split("[[classes]]").next().unwrap()),
        format!("classes = [[]]\n{}", base.split("[[classes]]").next().unwrap()),
        format!("world = 1\n{base}"),
        base.replace("runtime = { dist = \"exponential\", mean = \"1h\" }", "runtime = \"1h\"\npriority = 1.5"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let dir = scratch(&format!("wording-{i}"));
        let path = write(&dir, "bad.toml", text);
        let output = cnsim(&["validate", path.to_str().unwrap()]);
        let err = fails_with(&output, 2, &["bad.toml:"]);
        for leak in ["u64", "i64", "i128", "f64", "struct Raw", "invalid length", "invalid type", "as i128"] {
            assert!(!err.contains(leak), "case {i} leaks {leak:?}: {err}");
        }
    }
}

#[test]
fn long_values_are_shortened() {
    let long = "x".repeat(100_000);
    let text = small().replace("pool = \"general\"", &format!("pool = \"{long}\""));
    let dir = scratch("long-value");
    let path = write(&dir, "bad.toml", &text);
    let output = cnsim(&["validate", path.to_str().unwrap()]);
    let err = fails_with(&output, 2, &["classes[2].pool", "…", "expected \"intelligent\" or \"general\""]);
    assert!(err.len() < 300, "{} characters: {err}", err.len());
    let output = cnsim(&["run", "scenarios/small.toml", "--scheduler", &long]);
    let err = fails_with(&output, 2, &["unknown scheduler", "…"]);
    assert!(err.len() < 600, "{} characters", err.len());
}

#[test]
fn a_repeated_scheduler_parameter_is_an_error() {
    let output = cnsim(&["run", "scenarios/small.toml", "--scheduler", "power-of-d:d=2,d=3"]);
    fails_with(&output, 2, &["`d` is given twice"]);
    let output = cnsim(&["compare", "scenarios/small.toml", "--schedulers", "nearest,power-of-d:d=2,d=3"]);
    fails_with(&output, 2, &["`d` is given twice"]);
}
