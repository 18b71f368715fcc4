//! Priorities: pool queues ordered by class priority, then arrival (non-preemptive), checked
//! against Cobham's formula for the non-preemptive priority M/G/1 queue.

use cnsim::scenario::Scenario;

use crate::helpers::{assert_in_ci, mean_ci, parse, run};

/// One hub with one unit; `classes` as (name, priority, rate per second, runtime TOML).
fn single_server(classes: &[(&str, i32, f64, &str)], duration: &str, warmup: &str, seed: u64) -> Scenario {
    let mut source = format!(
        "duration = \"{duration}\"\nwarmup = \"{warmup}\"\nseed = {seed}\nscheduler = \"nearest\"\n\
         [network]\nfixed_delay = \"0s\"\n[[hubs]]\nid = \"h\"\nlat = 30.0\nlon = 110.0\nintelligent = 1\n\
         [[regions]]\nid = \"r\"\nlat = 30.0\nlon = 110.0\n"
    );
    for (name, priority, rate, runtime) in classes {
        source.push_str(&format!(
            "[[classes]]\nname = \"{name}\"\npool = \"intelligent\"\nrate = \"{rate}/s\"\nunits = 1\n\
             runtime = {runtime}\npriority = {priority}\n"
        ));
    }
    parse(&source)
}

/// Cobham: W_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)), classes in priority order (highest
/// first) as (rate, E[S], E[S^2]).
fn cobham(classes: &[(f64, f64, f64)]) -> Vec<f64> {
    let w0: f64 = classes.iter().map(|(l, _, s2)| l * s2 / 2.0).sum();
    let mut sigma = 0.0;
    classes
        .iter()
        .map(|(l, s, _)| {
            let before = sigma;
            sigma += l * s;
            w0 / ((1.0 - before) * (1.0 - sigma))
        })
        .collect()
}

/// Mean wait per class over `seeds` runs, each class's values in a vector.
fn waits(classes: &[(&str, i32, f64, &str)], duration: &str, seeds: u64) -> Vec<Vec<f64>> {
    let mut per_class = vec![Vec::new(); classes.len()];
    for seed in 1..=seeds {
        let (_, report) = run(&single_server(classes, duration, "2000s", seed));
        for (i, (name, ..)) in classes.iter().enumerate() {
            per_class[i].push(report.latency[*name]["wait"].mean);
        }
    }
    per_class
}

const EXP1: &str = "{ dist = \"exponential\", mean = \"1s\" }";

#[test]
fn cobham_formula_matches_the_worked_example() {
    let w = cobham(&[(0.4, 1.0, 2.0), (0.4, 1.0, 2.0)]);
    assert!((w[0] - 4.0 / 3.0).abs() < 1e-12 && (w[1] - 20.0 / 3.0).abs() < 1e-12, "{w:?}");
    // Conservation: the load-weighted mean is the FCFS M/M/1 wait, 4.
    assert!(((w[0] + w[1]) / 2.0 - 4.0).abs() < 1e-12);
}

#[test]
fn two_priority_classes_match_cobham() {
    // lambda = 0.4 each, exponential service of mean 1: W1 = 1.333, W2 = 6.667.
    let classes = [("high", 1, 0.4, EXP1), ("low", 0, 0.4, EXP1)];
    let exact = cobham(&[(0.4, 1.0, 2.0), (0.4, 1.0, 2.0)]);
    let w = waits(&classes, "300000s", 10);
    for (i, name) in ["high", "low"].iter().enumerate() {
        let (mean, half) = mean_ci(&w[i]);
        eprintln!("two classes: {name}: simulated {mean:.4} +- {half:.4}, exact {:.4}", exact[i]);
        assert_in_ci(name, &w[i], exact[i], 0.08);
    }
}

#[test]
fn three_priority_classes_match_cobham_with_general_service() {
    // lambda = 0.25, 0.25, 0.2; the lowest class has constant 1 s service (E[S^2] = 1):
    // W0 = 0.6, sigma = 0.25, 0.5, 0.7: W = 0.8, 1.6, 4.0.
    let classes = [
        ("gold", 10, 0.25, EXP1),
        ("silver", 5, 0.25, EXP1),
        ("bronze", -3, 0.2, "{ dist = \"constant\", value = \"1s\" }"),
    ];
    let exact = cobham(&[(0.25, 1.0, 2.0), (0.25, 1.0, 2.0), (0.2, 1.0, 1.0)]);
    assert!((exact[0] - 0.8).abs() < 1e-12 && (exact[1] - 1.6).abs() < 1e-12 && (exact[2] - 4.0).abs() < 1e-12);
    let w = waits(&classes, "200000s", 10);
    for (i, (name, ..)) in classes.iter().enumerate() {
        let (mean, half) = mean_ci(&w[i]);
        eprintln!("three classes: {name}: simulated {mean:.4} +- {half:.4}, exact {:.4}", exact[i]);
        assert_in_ci(name, &w[i], exact[i], 0.08);
    }
}

#[test]
fn why_a_high_priority_class_overtakes_a_queue_of_big_jobs() {
    // Interactive jobs used to share one strict FIFO queue with long training jobs.
    let with = |interactive_priority: i32| {
        let classes = [
            ("training", 0, 0.08, "{ dist = \"exponential\", mean = \"10s\" }"),
            ("interactive", interactive_priority, 0.1, "{ dist = \"exponential\", mean = \"0.1s\" }"),
        ];
        let (_, report) = run(&single_server(&classes, "20000s", "2000s", 1));
        report.latency["interactive"]["wait"].mean
    };
    let (fifo, prioritised) = (with(0), with(1));
    // FIFO: the interactive job waits like everyone (about 4.5 s at rho = 0.81); with priority it
    // waits only for the job in service (W0 / (1 - 0.01), about 0.8 s).
    assert!(prioritised < fifo / 3.0, "fifo {fifo} s, prioritised {prioritised} s");
}
