//! Queueing theory: the simulator against exact values (Erlang C, Little's law).

use cnsim::metrics::Metric;
use cnsim::model::PoolKind;
use cnsim::time::MINUTE;

use crate::helpers::{assert_in_ci, erlang_c, mmc, run, shipped};

#[test]
fn erlang_c_formula_matches_the_reference_table() {
    assert!((erlang_c(8, 6.0) - 0.356981).abs() < 1e-6);
    assert!((erlang_c(8, 7.0) - 0.635316).abs() < 1e-6);
    assert!((erlang_c(64, 57.6) - 0.310663).abs() < 1e-6);
}

#[test]
fn reference_model_mean_wait_matches_erlang_c() {
    // 8 hubs x M/M/64 at rho = 0.9: Wq = 0.048541 s. 10 simulated minutes, 5 seeds.
    let exact = erlang_c(64, 57.6) / (64.0 - 57.6);
    assert!((exact - 0.048541).abs() < 1e-6);
    let waits: Vec<f64> = (1..=5)
        .map(|seed| {
            let mut scenario = shipped("mmc.toml").with_duration(11 * MINUTE).expect("positive");
            scenario.run.warmup = MINUTE;
            scenario.run.seed = seed;
            let (output, _) = run(&scenario);
            output.recorder.all_latency.get(Metric::Wait).mean() / 1e6
        })
        .collect();
    assert_in_ci("reference model Wq", &waits, exact, 0.15);
}

#[test]
fn mmc_8_servers_at_lambda_7_matches_erlang_c() {
    // C = 0.635316, Wq = 0.635316 s, P(Wq > t) = C exp(-(c mu - lambda) t): p95 = 2.542, p99 = 4.152.
    let exact = 0.635316;
    let mut waits = Vec::new();
    let mut p95 = Vec::new();
    let mut p99 = Vec::new();
    for seed in 1..=5 {
        let (_, report) = run(&mmc(8, 7.0, "20000s", "1000s", seed));
        let wait = &report.latency["all"]["wait"];
        waits.push(wait.mean);
        p95.push(wait.p95);
        p99.push(wait.p99);
    }
    assert_in_ci("M/M/8 Wq", &waits, exact, 0.1);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!((mean(&p95) - 2.542).abs() / 2.542 < 0.05, "wait p95 {p95:?} vs 2.542");
    assert!((mean(&p99) - 4.152).abs() / 4.152 < 0.05, "wait p99 {p99:?} vs 4.152");
}

#[test]
fn little_law_holds_on_an_mm1_run() {
    // M/M/1 at lambda = 0.8, mu = 1: Wq = 4, W = 5, Lq = 3.2, L = 4.
    let mut lq = Vec::new();
    let mut wq = Vec::new();
    for seed in 1..=5 {
        let scenario = mmc(1, 0.8, "200000s", "10000s", seed);
        let (output, report) = run(&scenario);
        let window = (scenario.run.duration - scenario.run.warmup) as f64 / 1e9;
        let lambda = report.jobs.submitted as f64 / window;
        let pool = output.recorder.utilisation.pool(0, PoolKind::Intelligent);
        let queued = pool.mean_queued_units.expect("non-empty window");
        let busy = pool.mean.expect("non-empty pool");
        let wait = report.latency["all"]["wait"].mean;
        let jct = report.latency["all"]["jct"].mean;
        // Little's law inside one run: time averages against lambda x mean times.
        assert!((queued - lambda * wait).abs() / queued < 0.03, "Lq {queued} vs lambda Wq {}", lambda * wait);
        assert!(((queued + busy) - lambda * jct).abs() / (queued + busy) < 0.03, "L vs lambda W");
        assert!((busy - 0.8).abs() < 0.02, "utilisation {busy}");
        lq.push(queued);
        wq.push(wait);
    }
    assert_in_ci("M/M/1 Lq", &lq, 3.2, 0.2);
    assert_in_ci("M/M/1 Wq", &wq, 4.0, 0.2);
}
