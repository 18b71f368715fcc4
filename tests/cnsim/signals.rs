//! Time-varying signals, exact accounting under them, and the temporal shifting policies,
//! each against an independent truth: hand-worked integrals, a brute-force search, flat and
//! spare-capacity worlds; and every bad signal input refused with a clear error.

use std::sync::{Arc, Mutex};

use cnsim::engine::Engine;
use cnsim::model::{Forecast, ForecastModel, HubSignals, Interpolation, PoolKind, Signal, SignalKind, Signals};
use cnsim::report::RunReport;
use cnsim::rng::SimRng;
use cnsim::scheduler::shifting::lowest_window;
use cnsim::scheduler::{self, Decision, JobRequest, Scheduler, View};
use cnsim::time::{DAY, HOUR, MINUTE};
use rand::RngExt;

use crate::helpers::{hub, parse, request, run, states, world};

/// One hub with TOU prices (valley 0.3 until 08:00, flat 0.6 until 18:00, peak 1.2) and an
/// hourly carbon profile 0.5 + 0.02 x hour; PUE 1.25, renewable 0.2; 8-unit jobs of 3 h.
const TOU: &str = r#"
duration = "2d"
warmup = "0s"
seed = 3
scheduler = "nearest"
[network]
fixed_delay = "0s"
[[hubs]]
id = "h"
lat = 30.0
lon = 110.0
intelligent = 100000
pue = 1.25
price = 0.6
renewable = 0.2
[[regions]]
id = "r"
lat = 30.0
lon = 110.0
[[classes]]
name = "batch"
pool = "intelligent"
rate = "2/h"
units = 8
runtime = "3h"
[signals.price.hubs.h]
bands = [
    { name = "valley", hours = "00:00-08:00", value = 0.3 },
    { name = "flat", hours = "08:00-18:00", ratio = 1 },
    { name = "peak", hours = "18:00-24:00", value = 1.2 },
]
[signals.carbon.hubs]
h = [0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.62, 0.64, 0.66, 0.68, 0.70, 0.72,
     0.74, 0.76, 0.78, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90, 0.92, 0.94, 0.96]
"#;

/// Hours of [a, b] inside [c, d].
fn overlap(a: f64, b: f64, c: f64, d: f64) -> f64 {
    (b.min(d) - a.max(c)).max(0.0)
}

/// (cost CNY, carbon kg) of one 8-unit, 3-hour job starting at `start` hours, by hand.
fn by_hand(start: f64) -> (f64, f64) {
    let kw = 8.0 * 1.0 * 1.25;
    let bands = [(0.0, 8.0, 0.3), (8.0, 18.0, 0.6), (18.0, 24.0, 1.2)];
    let (end, mut cost, mut carbon) = (start + 3.0, 0.0, 0.0);
    for day in 0..4 {
        let base = f64::from(day) * 24.0;
        for (from, to, price) in bands {
            cost += kw * price * overlap(start, end, base + from, base + to);
        }
        for h in 0..24 {
            let hour = base + f64::from(h);
            carbon += kw * (0.5 + 0.02 * f64::from(h)) * (1.0 - 0.2) * overlap(start, end, hour, hour + 1.0);
        }
    }
    (cost, carbon)
}

#[test]
fn a_job_from_0700_to_1030_under_guangdong_bands_by_hand() {
    // Guangdong ratios on a flat 0.6: valley 0.228 until 08:00, flat 0.6, peak 1.02 from 10:00.
    let bands = [(0, 0.228), (8 * HOUR, 0.6), (10 * HOUR, 1.02), (12 * HOUR, 0.6)];
    let price = Signal::periodic(&bands, DAY, Interpolation::Step, DAY);
    let energy = cnsim::model::EnergyModel::default();
    let tariff = cnsim::model::Tariff { pue: 1.25, price: 0.6, renewable: 0.0 };
    let integral = price.integral(7 * HOUR, 10 * HOUR + 30 * MINUTE);
    let f = energy.footprint_over(tariff, PoolKind::Intelligent, 8, 3 * HOUR + 30 * MINUTE, [integral, 0.0]);
    // 10 kW x (1 h x 0.228 + 2 h x 0.6 + 0.5 h x 1.02) = 10 x 1.938 = 19.38 CNY; 35 kWh.
    assert!((f.cost_cny - 19.38).abs() < 1e-9, "{}", f.cost_cny);
    assert!((f.energy_kwh - 35.0).abs() < 1e-9);
}

/// Places every job at hub 0 and notes when it decided (= submission: no deferral).
struct Spy(Arc<Mutex<Vec<u64>>>);

impl Scheduler for Spy {
    fn decide(&mut self, _job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        self.0.lock().unwrap().push(view.now());
        Decision::Run(0)
    }
}

#[test]
fn every_job_under_tou_and_profile_costs_what_the_hand_sum_says() {
    let scenario = parse(TOU);
    let world = scenario.world();
    let submits = Arc::new(Mutex::new(Vec::new()));
    let recorder = Engine::new(&world, scenario.run.clone(), Box::new(Spy(submits.clone()))).run();
    let (mut cost, mut carbon, mut finished) = (0.0, 0.0, 0);
    for &submit in submits.lock().unwrap().iter() {
        // No latency, no data, spare units: each job runs [submit, submit + 3 h].
        if submit + 3 * HOUR <= scenario.run.duration {
            let (c, k) = by_hand(submit as f64 / HOUR as f64);
            cost += c;
            carbon += k;
            finished += 1;
        }
    }
    let class = &recorder.class_counters[0];
    assert!(finished > 50);
    assert_eq!(class.finished, finished);
    assert!((class.footprint.cost_cny - cost).abs() < 1e-9 * cost, "{} vs {cost}", class.footprint.cost_cny);
    assert!((class.footprint.carbon_kg - carbon).abs() < 1e-9 * carbon, "{} vs {carbon}", class.footprint.carbon_kg);
}

/// A step signal on whole minutes with small whole values (ties are common).
fn random_signal(rng: &mut SimRng) -> (Vec<u64>, Vec<f64>) {
    let mut times = vec![0u64];
    let mut values = vec![f64::from(rng.random_range(0..5u32))];
    while *times.last().unwrap() < 3 * DAY {
        times.push(times.last().unwrap() + rng.random_range(1..240u64) * MINUTE);
        values.push(f64::from(rng.random_range(0..5u32)));
    }
    (times, values)
}

/// The earliest whole-minute start in [now, latest] whose window has the least exact sum.
fn brute_force(times: &[u64], values: &[f64], now: u64, latest: u64, runtime: u64) -> u64 {
    let at = |t: u64| values[times.iter().rposition(|&k| k <= t).unwrap()];
    let per_minute: Vec<f64> = (0..(latest + runtime) / MINUTE + 1).map(|m| at(m * MINUTE)).collect();
    let window = |s: u64| -> f64 { per_minute[(s / MINUTE) as usize..((s + runtime) / MINUTE) as usize].iter().sum() };
    let mut best = (f64::INFINITY, now);
    let mut s = now;
    while s <= latest {
        let w = window(s);
        if w < best.0 {
            best = (w, s);
        }
        s += MINUTE;
    }
    best.1
}

#[test]
fn lowest_window_equals_a_brute_force_search_under_a_perfect_forecast() {
    use rand::{RngExt, SeedableRng};
    let mut rng = SimRng::seed_from_u64(12);
    let world = world(&[hub(0.0, 64)]);
    let state = states(&world, |_, _| {});
    for case in 0..200 {
        let (times, values) = random_signal(&mut rng);
        let signal = Signal::from_knots(times.clone(), values.clone(), Interpolation::Step);
        let signals = Signals {
            hubs: vec![HubSignals { price: Signal::constant(1.0), carbon: signal }],
            forecast: ForecastModel::Perfect,
        };
        let now = rng.random_range(0..24 * 60u64) * MINUTE;
        let slack = rng.random_range(0..24 * 60u64) * MINUTE;
        let runtime = rng.random_range(1..12 * 60u64) * MINUTE;
        let forecast = Forecast { signals: &signals, key: 0, issued: now };
        let expected = brute_force(&times, &values, now, now + slack, runtime);
        let (start, _) = lowest_window(&forecast, 0, SignalKind::Carbon, now, now + slack, runtime);
        assert_eq!(start, expected, "case {case}: now {now}, slack {slack}, runtime {runtime}");
        // The policy defers to that start (or runs now when it is now).
        let job = JobRequest { runtime_estimate: runtime, slack: Some(slack), submit: now, ..request(1, 0, None) };
        let mut policy = scheduler::build(&"lowest-window".into(), &world.hubs).unwrap();
        let view = View::new(now, &world.hubs, &state, &world.network, &world.energy).with_signals(Some(forecast));
        let decision = policy.decide(&job, &view, &mut rng);
        let want = if expected == now { Decision::Run(0) } else { Decision::Defer(expected) };
        assert_eq!(decision, want, "case {case}");
    }
}

/// Two hubs with room to spare, one flexible class; `signals` is the `[signals]` body and
/// `scheduler` the command-line form (`name:key=value`).
fn shifting_world(signals: &str, scheduler: &str, slack: &str, seed: u64) -> String {
    let (name, params) = scheduler.split_once(':').unwrap_or((scheduler, ""));
    let params: String = params
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map(|(k, v)| format!(", {k} = \"{v}\"")).unwrap())
        .collect();
    let scheduler = format!("{{ name = \"{name}\"{params} }}");
    format!(
        r#"
duration = "10d"
warmup = "1d"
seed = {seed}
scheduler = {scheduler}
[[hubs]]
id = "east"
lat = 31.0
lon = 121.0
intelligent = 20000
[[hubs]]
id = "west"
lat = 38.5
lon = 106.3
intelligent = 20000
pue = 1.1
[[regions]]
id = "r"
lat = 31.0
lon = 121.0
[[classes]]
name = "flex"
pool = "intelligent"
rate = "20/h"
units = 4
runtime = {{ dist = "exponential", mean = "2h", max = "12h" }}
slack = "{slack}"
[signals]
{signals}
"#
    )
}

const DAILY_CARBON: &str = r#"[signals.carbon.hubs]
east = [0.60, 0.60, 0.59, 0.59, 0.58, 0.58, 0.57, 0.56, 0.55, 0.52, 0.50, 0.48,
        0.47, 0.47, 0.48, 0.50, 0.53, 0.58, 0.64, 0.66, 0.66, 0.64, 0.62, 0.61]
west = [0.70, 0.70, 0.69, 0.68, 0.67, 0.66, 0.64, 0.60, 0.52, 0.45, 0.40, 0.36,
        0.34, 0.34, 0.36, 0.41, 0.50, 0.62, 0.80, 0.85, 0.85, 0.82, 0.77, 0.73]"#;

fn flex_intensity(report: &RunReport) -> f64 {
    let f = &report.classes[0].footprint;
    f.carbon_kg / f.energy_kwh
}

#[test]
fn under_a_flat_signal_shifting_saves_nothing_and_delays_nothing() {
    for seed in [1, 2] {
        let (_, baseline) = run(&parse(&shifting_world("", "least-loaded", "12h", seed)));
        for policy in
            ["lowest-window", "carbon-threshold", "lowest-window:signal=price", "carbon-threshold:signal=price"]
        {
            let (_, report) = run(&parse(&shifting_world("", policy, "12h", seed)));
            let shift = report.shift.as_ref().expect("shifting figures");
            assert_eq!(shift.deferred, 0, "{policy}");
            assert_eq!(shift.delay.max, 0.0, "{policy}");
            assert_eq!(report.classes[0].footprint, baseline.classes[0].footprint, "{policy}");
            assert_eq!(report.latency, baseline.latency, "{policy}");
        }
    }
}

#[test]
fn with_spare_capacity_savings_never_fall_as_slack_grows() {
    for seed in [1, 2, 3] {
        let mut previous = f64::INFINITY;
        let mut intensities = Vec::new();
        for slack in ["0s", "2h", "6h", "12h", "24h"] {
            let (_, report) = run(&parse(&shifting_world(DAILY_CARBON, "lowest-window", slack, seed)));
            assert!(report.hubs.iter().all(|h| h.wait.max == 0.0), "seed {seed}: a job queued; not spare capacity");
            let intensity = flex_intensity(&report);
            assert!(intensity <= previous * (1.0 + 1e-12), "seed {seed}: slack {slack} saves less: {intensities:?}");
            previous = intensity;
            intensities.push(intensity);
        }
        assert!(intensities[4] < 0.9 * intensities[0], "seed {seed}: a day of slack saves little: {intensities:?}");
    }
}

#[test]
fn spatio_temporal_finds_the_cleaner_hub_and_hour() {
    let (_, spatial) = run(&parse(&shifting_world(DAILY_CARBON, "spatio-temporal", "0s", 1)));
    let (_, both) = run(&parse(&shifting_world(DAILY_CARBON, "spatio-temporal", "12h", 1)));
    let (_, temporal) = run(&parse(&shifting_world(DAILY_CARBON, "lowest-window", "12h", 1)));
    assert_eq!(spatial.shift.as_ref().unwrap().deferred, 0);
    assert!(flex_intensity(&both) < flex_intensity(&spatial));
    assert!(flex_intensity(&both) < flex_intensity(&temporal));
}

#[test]
fn constant_signals_reproduce_the_constant_accounting() {
    let plain = shifting_world("", "least-loaded", "0s", 4).replace("[signals]\n", "");
    let (_, without) = run(&parse(&plain));
    let (_, with) = run(&parse(&shifting_world("", "least-loaded", "0s", 4)));
    assert_eq!(without.latency, with.latency);
    assert_eq!(without.workload_digest, with.workload_digest);
    for (a, b) in [(without.footprint, with.footprint), (without.classes[0].footprint, with.classes[0].footprint)] {
        assert_eq!(a.energy_kwh, b.energy_kwh);
        assert!((a.cost_cny - b.cost_cny).abs() <= 1e-9 * a.cost_cny, "{a:?} {b:?}");
        assert!((a.carbon_kg - b.carbon_kg).abs() <= 1e-9 * a.carbon_kg, "{a:?} {b:?}");
    }
    assert!(without.shift.is_some(), "a class with slack keeps shifting figures");
}

#[test]
fn noisy_forecasts_keep_the_jobs_and_the_run_deterministic() {
    let noisy = format!("forecast_error = 0.3\n{DAILY_CARBON}");
    let (_, a) = run(&parse(&shifting_world(&noisy, "lowest-window", "12h", 5)));
    let (_, b) = run(&parse(&shifting_world(&noisy, "lowest-window", "12h", 5)));
    let (_, perfect) = run(&parse(&shifting_world(DAILY_CARBON, "lowest-window", "12h", 5)));
    let (_, agnostic) = run(&parse(&shifting_world(&noisy, "least-loaded", "12h", 5)));
    assert_eq!(a.latency, b.latency);
    assert_eq!(a.classes[0].footprint, b.classes[0].footprint);
    assert_eq!(a.workload_digest, agnostic.workload_digest);
    // The noisy forecast still saves, though less than the perfect one.
    assert!(flex_intensity(&a) < flex_intensity(&agnostic));
    assert!(flex_intensity(&perfect) <= flex_intensity(&a));
}

/// Runs `cnsim run` on `scenario` (with `files` beside it): exit 2, nothing written, one line
/// naming the scenario file and each expected fragment.
fn rejects(case: &str, scenario: &str, files: &[(&str, &str)], expected: &[&str]) {
    crate::bad_input::rejects_with_files(&format!("signals-{case}"), scenario, files, expected);
}

fn with_csv(options: &str) -> String {
    shifting_world(&format!("[signals.carbon]\ncsv = \"grid.csv\"\n{options}"), "least-loaded", "0s", 1)
}

#[test]
fn bad_series_are_refused_with_file_line_field_and_value() {
    let hold = "past_end = \"hold\"";
    rejects(
        "unsorted",
        &with_csv(hold),
        &[("grid.csv", "t,east\n0,0.5\n7200,0.4\n3600,0.3\n")],
        &["field `signals.carbon.csv`", "grid.csv:4:", "\"3600\"", "times must increase strictly"],
    );
    rejects(
        "duplicate",
        &with_csv(hold),
        &[("grid.csv", "t,east\n0,0.5\n3600,0.4\n3600,0.3\n")],
        &["grid.csv:4:", "a duplicate time"],
    );
    rejects(
        "unknown-hub",
        &with_csv(hold),
        &[("grid.csv", "t,east,mars\n0,0.5,0.4\n")],
        &["grid.csv:1:", "column \"mars\"", "unknown hub id", "known hubs: east, west"],
    );
    rejects(
        "negative-intensity",
        &with_csv(hold),
        &[("grid.csv", "t,east\n0,0.5\n3600,-0.2\n")],
        &["grid.csv:3:", "column \"east\"", "bad value \"-0.2\"", "between 0 and 10"],
    );
    rejects(
        "ends-early",
        &with_csv("past_end = \"error\""),
        &[("grid.csv", "t,east\n0,0.5\n2d,0.4\n")],
        &["field `signals.carbon.csv`", "ends at 2.00 d before the run's end (10.0 d)", "\"hold\" or \"repeat\""],
    );
    rejects(
        "bad-timestamp",
        &with_csv("time = \"timestamp\"\nstart = \"2024-07-01 00:00\"\npast_end = \"hold\""),
        &[("grid.csv", "time,east\n2024-07-01 00:00,0.5\n2024-07-01 25:00,0.4\n")],
        &["grid.csv:3:", "bad time \"2024-07-01 25:00\""],
    );
}

fn with_price(entry: &str) -> String {
    shifting_world(&format!("[signals.price.hubs]\neast = {entry}"), "least-loaded", "0s", 1)
}

#[test]
fn bad_tariffs_and_values_are_refused() {
    rejects(
        "negative-price",
        &with_price("-0.1"),
        &[],
        &["field `signals.price.hubs.east`", "bad value -0.1", "a price in CNY/kWh must be between 0 and 100"],
    );
    let bands = |a: &str, b: &str| {
        format!(
            "{{ bands = [{{ name = \"flat\", hours = \"{a}\", ratio = 1 }}, {{ name = \"peak\", hours = \"{b}\", ratio = 1.5 }}] }}"
        )
    };
    rejects(
        "overlap",
        &with_price(&bands("00:00-12:00", "11:00-24:00")),
        &[],
        &["field `signals.price.hubs.east.bands[1].hours`", "bands 0 and 1 overlap at 11:00"],
    );
    rejects(
        "gap",
        &with_price(&bands("00:00-11:00", "12:00-24:00")),
        &[],
        &["field `signals.price.hubs.east.bands`", "no band covers 11:00-12:00"],
    );
    let negative = "{ bands = [{ name = \"flat\", hours = \"00:00-24:00\", ratio = -0.5 }] }";
    rejects(
        "negative-ratio",
        &with_price(negative),
        &[],
        &["field `signals.price.hubs.east.bands[0].ratio`", "bad value -0.5", "must be >= 0"],
    );
    rejects(
        "unknown-hub",
        &shifting_world("[signals.carbon.hubs]\nmars = 0.5", "least-loaded", "0s", 1),
        &[],
        &["field `signals.carbon.hubs.mars`", "unknown hub id \"mars\""],
    );
    rejects("profile-length", &with_price("[0.5, 0.6]"), &[], &["24 (daily) or 168 (weekly)", "got 2"]);
    rejects(
        "forecast-error",
        &shifting_world("forecast_error = -1", "least-loaded", "0s", 1),
        &[],
        &["field `signals.forecast_error`", "bad value -1"],
    );
    rejects(
        "interpolation",
        &with_csv("interpolate = \"cubic\""),
        &[],
        &["field `signals.carbon.interpolate`", "expected \"step\" or \"linear\""],
    );
    rejects(
        "signal-preset",
        &shifting_world("preset = \"mars-2022\"", "least-loaded", "0s", 1),
        &[],
        &["unknown signal preset \"mars-2022\"", "china-2022"],
    );
}

#[test]
fn the_china_2022_preset_loads_and_is_opt_in() {
    let source = std::fs::read_to_string(crate::helpers::root().join("scenarios/default.toml")).unwrap();
    assert!(parse(&source).signals.is_none(), "the default world has no time-varying signals");
    let scenario = crate::helpers::shipped("carbon-shift.toml");
    let signals = scenario.signals.as_ref().expect("carbon-shift opts in");
    let gansu = scenario.hubs.iter().position(|h| h.id == "gansu").unwrap();
    let bay = scenario.hubs.iter().position(|h| h.id == "greater-bay").unwrap();
    // Gansu's daily mean is its 2022 factor x (1 - its renewable share); prices stay flat.
    let mean = signals.hubs[gansu].carbon.integral(0, DAY) / 24.0;
    assert!((mean - 0.4772 * (1.0 - scenario.hubs[gansu].renewable)).abs() < 1e-3, "{mean}");
    assert!(signals.hubs[gansu].price.is_constant());
    // Greater Bay: Guangdong's peak is 1.7 x flat at 11:00, the valley 0.38 x at 03:00.
    let price = &signals.hubs[bay].price;
    let flat = scenario.hubs[bay].price;
    assert!((price.value_at(11 * HOUR) - 1.7 * flat).abs() < 1e-12);
    assert!((price.value_at(3 * HOUR) - 0.38 * flat).abs() < 1e-12);
}

/// The `TOU` world with a day's warm-up, hourly samples and `scheduler`, flexible by 12 h.
fn tou_with(scheduler: &str) -> String {
    TOU.replace("warmup = \"0s\"", "warmup = \"1h\"\nsample_interval = \"1h\"")
        .replace("scheduler = \"nearest\"", &format!("scheduler = {scheduler}"))
        .replace("runtime = \"3h\"", "runtime = \"3h\"\nslack = \"12h\"")
}

#[test]
fn the_price_variants_and_thresholds_do_what_they_say() {
    let cost_per_kwh = |r: &RunReport| r.classes[0].footprint.cost_cny / r.classes[0].footprint.energy_kwh;
    let (_, agnostic) = run(&parse(&tou_with("\"least-loaded\"")));
    let (_, cheap) = run(&parse(&tou_with("{ name = \"lowest-window\", signal = \"price\" }")));
    // Every 3-hour job fits in the valley or the flat hours within 12 h: cheaper per kWh.
    assert!(cost_per_kwh(&cheap) < 0.8 * cost_per_kwh(&agnostic));
    // Above the carbon profile's maximum (0.96 x 0.8) no job waits; below its minimum every
    // job waits its whole slack.
    let (_, never) = run(&parse(&tou_with("{ name = \"carbon-threshold\", threshold = 0.8 }")));
    assert_eq!(never.shift.as_ref().unwrap().deferred, 0);
    let (_, always) = run(&parse(&tou_with("{ name = \"carbon-threshold\", threshold = 0.1 }")));
    let shift = always.shift.as_ref().unwrap();
    assert_eq!(shift.deferred, shift.delay.count);
    assert!((shift.delay.p50 - 12.0 * 3600.0).abs() < 0.01 * 12.0 * 3600.0, "{:?}", shift.delay);
}

#[test]
fn the_time_series_cost_per_hour_adds_up_to_the_window_cost() {
    let dir = crate::helpers::scratch("signals-timeseries");
    let path = crate::helpers::write(&dir, "tou.toml", &tou_with("\"nearest\""));
    let (series, report) = (dir.join("series.csv"), dir.join("report.json"));
    let output = crate::helpers::cnsim(&[
        "run",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        "--timeseries",
        series.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", crate::helpers::stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let mut reader = csv::Reader::from_path(&series).unwrap();
    assert_eq!(reader.headers().unwrap().get(4), Some("cost_cny_per_hour"));
    // Hourly samples on the hour: the price is constant within each, so the sum is exact (to
    // the samples' f32 precision) over the measured window (samples ending after 1 h + 1 h).
    let mut total = 0.0;
    for row in reader.records() {
        let row = row.unwrap();
        if row[0].parse::<f64>().unwrap() >= 7200.0 {
            total += row[4].parse::<f64>().unwrap();
        }
    }
    let window = report["hubs"][0]["footprint"]["cost_cny"].as_f64().unwrap();
    assert!((total - window).abs() < 1e-4 * window, "{total} vs {window}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn compare_headlines_the_carbon_saved_at_the_delay() {
    let output = crate::helpers::cnsim(&[
        "compare",
        "scenarios/carbon-shift.toml",
        "--schedulers",
        "least-loaded,lowest-window",
        "--replications",
        "2",
        "--duration",
        "2d",
    ]);
    let text = crate::helpers::stdout(&output);
    assert!(output.status.success(), "{}", crate::helpers::stderr(&output));
    assert!(text.contains("headline: carbon saved against least-loaded"), "{text}");
    let line = text.lines().find(|l| l.trim_start().starts_with("lowest-window:")).expect("a headline row");
    assert!(line.contains("less carbon per kWh") && line.contains("mean delay"), "{line}");
}
