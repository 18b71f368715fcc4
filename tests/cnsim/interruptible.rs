//! Interruptible jobs under `lowest-window`: a hand-worked suspension and resumption (times,
//! cost and carbon), the chosen slots against every subset of the forecast's intervals, the
//! lifecycle conserved with suspensions, and bad input refused.

use cnsim::model::{Forecast, ForecastModel, HubSignals, Interpolation, Signal, SignalKind, Signals};
use cnsim::rng::SimRng;
use cnsim::scenario::Scenario;
use cnsim::scheduler::lowest_slots::lowest_slots;
use cnsim::time::{HOUR, MINUTE};
use rand::{RngExt, SeedableRng};

use crate::helpers::{cnsim, parse, run, scratch, stderr, write};
use crate::tracker::{Phase, Tracker, assert_conserved, run_tracked};
use cnsim::engine::{Engine, Lifecycle};
use cnsim::metrics::Recorder;
use cnsim::scheduler;
use cnsim::workload::trace::open_all;

/// One hub (PUE 1.25, no renewables: 8 units draw 10 kW), one 8-unit job of 3 h submitted at
/// 00:00 with 12 h of slack. Carbon: 0.6 except the valleys 02:00-04:00 (0.2) and 08:00-10:00
/// (0.3), and 0.5 from 12:00 to 15:00. Price: 0.3 until 08:00, 0.6 until 18:00, then 1.2.
const ONE_JOB: &str = r#"
duration = "1d"
warmup = "0s"
scheduler = "lowest-window"
[network]
fixed_delay = "0s"
[[hubs]]
id = "h"
lat = 30.0
lon = 110.0
intelligent = 100
pue = 1.25
price = 0.6
renewable = 0.0
[[regions]]
id = "r"
lat = 30.0
lon = 110.0
[[classes]]
name = "batch"
pool = "intelligent"
slack = "12h"
interruptible = true
OVERHEAD
[[traces]]
path = "one.csv"
format = "csv"
columns = { submit = "submit", runtime = "runtime", units = "gpus" }
class = "batch"
units_per_gpu = 8
[signals.price.hubs.h]
bands = [
    { name = "valley", hours = "00:00-08:00", value = 0.3 },
    { name = "flat", hours = "08:00-18:00", ratio = 1 },
    { name = "peak", hours = "18:00-24:00", value = 1.2 },
]
[signals.carbon.hubs]
h = [0.6, 0.6, 0.2, 0.2, 0.6, 0.6, 0.6, 0.6, 0.3, 0.3, 0.6, 0.6,
     0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
"#;

/// The one job's scenario with `overhead` (a TOML line or nothing), loaded from a scratch dir.
fn one_job(name: &str, overhead: &str) -> Scenario {
    let dir = scratch(name);
    write(&dir, "one.csv", "submit,runtime,gpus\n0,10800,1\n");
    let path = write(&dir, "scenario.toml", &ONE_JOB.replace("OVERHEAD", overhead));
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `scenario` with its traces, a tracker watching.
fn run_with_traces(scenario: &Scenario) -> (Tracker, Recorder, usize) {
    let world = scenario.world();
    let policy = scheduler::build(&scenario.scheduler, &scenario.hubs).expect("known policy");
    let sources = open_all(&scenario.traces, scenario.run.seed, false).expect("trace opens");
    let mut tracker = Tracker::default();
    let mut engine = Engine::with_observer(&world, scenario.run.clone(), policy, &mut tracker);
    engine.add_traces(sources);
    engine.run_until(scenario.run.duration);
    let in_flight = engine.in_flight();
    let recorder = engine.finish();
    (tracker, recorder, in_flight)
}

/// Runs the one job and checks its lifecycle against the hand figures: deferred at 00:00,
/// started at 02:00, suspended at 04:00, resumed and started at 08:00, its run ended at
/// `finish` (minutes); and its footprint.
fn check_one_job(scenario: &Scenario, finish: u64, cost: f64, carbon: f64, kwh: f64) {
    let times: [(Lifecycle, &[u64]); 5] = [
        (Lifecycle::Deferred, &[0]),
        (Lifecycle::Started, &[120, 480]),
        (Lifecycle::Suspended, &[240]),
        (Lifecycle::Resumed, &[480]),
        (Lifecycle::RunEnded, &[finish]),
    ];
    let (tracker, recorder, in_flight) = run_with_traces(scenario);
    assert_conserved(&tracker, &recorder, in_flight, "one job");
    let job = &tracker.jobs[0];
    assert_eq!(job.phase, Phase::Finished);
    for (event, want) in times {
        let want: Vec<u64> = want.iter().map(|&minutes| minutes * MINUTE).collect();
        assert_eq!(job.times(event), want, "{event:?} in {:?}", job.events);
    }
    let f = recorder.class_counters[0].footprint;
    assert!((f.cost_cny - cost).abs() < 1e-9, "cost {} vs {cost}", f.cost_cny);
    assert!((f.carbon_kg - carbon).abs() < 1e-9, "carbon {} vs {carbon}", f.carbon_kg);
    assert!((f.energy_kwh - kwh).abs() < 1e-9, "energy {} vs {kwh}", f.energy_kwh);
    let shift = &recorder.shift.as_ref().expect("shifting figures")[0];
    assert_eq!(shift.suspended, 1);
    assert_eq!(shift.slack_missed, 0);
}

#[test]
fn a_three_hour_job_runs_two_hours_and_one_in_the_two_valleys_by_hand() {
    // Deferred to 02:00; runs the 0.2 valley 02:00-04:00 (2 h), suspended; resumes at 08:00 in
    // the 0.3 valley for the hour left; finishes at 09:00. 10 kW x (2 h x 0.3 + 1 h x 0.6) CNY
    // = 12 CNY; 10 kW x (2 h x 0.2 + 1 h x 0.3) kg = 7 kg; 30 kWh.
    check_one_job(&one_job("interruptible-plain", ""), 540, 12.0, 7.0, 30.0);
}

#[test]
fn a_checkpoint_overhead_lengthens_the_resumed_run_by_hand() {
    // The resume adds 30 min: 3.5 h of running are needed; the greedy takes 02:00-04:00, then
    // 08:00-09:30. 10 x (2 x 0.3 + 1.5 x 0.6) = 15 CNY; 10 x (2 x 0.2 + 1.5 x 0.3) = 8.5 kg;
    // 35 kWh.
    let scenario = one_job("interruptible-overhead", "checkpoint_overhead = \"30min\"");
    check_one_job(&scenario, 570, 15.0, 8.5, 35.0);
}

/// A step signal with knots every 2 to 5 hours and small whole values (ties are common).
fn random_steps(rng: &mut SimRng) -> (Vec<u64>, Vec<f64>) {
    let mut times = vec![0u64];
    let mut values = vec![f64::from(rng.random_range(0..6u32))];
    while *times.last().unwrap() < 3 * 24 * HOUR {
        times.push(times.last().unwrap() + rng.random_range(120..300u64) * MINUTE);
        values.push(f64::from(rng.random_range(0..6u32)));
    }
    (times, values)
}

/// The least integral of any `work` ns within [now, horizon], by every subset of the
/// signal's intervals there: all of a subset but its dearest interval used in full, and that
/// one for the rest of the work (a subset whose other intervals already cover the work, or
/// whose dearest interval is too short for the rest, is not of that form and is skipped).
fn least_over_subsets(times: &[u64], values: &[f64], now: u64, horizon: u64, work: u64) -> f64 {
    let mut bounds = vec![now];
    bounds.extend(times.iter().copied().filter(|&t| t > now && t < horizon));
    bounds.push(horizon);
    let value = |t: u64| values[times.iter().rposition(|&k| k <= t).unwrap()];
    let intervals: Vec<(f64, f64)> =
        bounds.windows(2).map(|w| ((w[1] - w[0]) as f64 / HOUR as f64, value(w[0]))).collect();
    let work = work as f64 / HOUR as f64;
    let mut best = f64::INFINITY;
    for mask in 1u32..(1 << intervals.len()) {
        let subset: Vec<(f64, f64)> =
            intervals.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, &x)| x).collect();
        let dearest = subset.iter().enumerate().max_by(|a, b| a.1.1.total_cmp(&b.1.1)).unwrap().0;
        let others: f64 = subset.iter().enumerate().filter(|&(i, _)| i != dearest).map(|(_, x)| x.0).sum();
        let rest = work - others;
        if rest <= 0.0 || rest > subset[dearest].0 + 1e-12 {
            continue;
        }
        let full: f64 = subset.iter().enumerate().filter(|&(i, _)| i != dearest).map(|(_, x)| x.0 * x.1).sum();
        best = best.min(full + rest * subset[dearest].1);
    }
    best
}

#[test]
fn the_chosen_slots_have_the_least_integral_of_every_subset_of_intervals() {
    let mut rng = SimRng::seed_from_u64(41);
    for case in 0..150 {
        let (times, values) = random_steps(&mut rng);
        let signal = Signal::from_knots(times.clone(), values.clone(), Interpolation::Step);
        let signals = Signals {
            hubs: vec![HubSignals { price: Signal::constant(1.0), carbon: signal.clone() }],
            forecast: ForecastModel::Perfect,
        };
        let now = rng.random_range(0..24 * 60u64) * MINUTE;
        let work = rng.random_range(1..8 * 60u64) * MINUTE;
        let horizon = now + work + rng.random_range(0..16 * 60u64) * MINUTE;
        let forecast = Forecast { signals: &signals, key: 0, issued: now };
        let runs = lowest_slots(&forecast, 0, SignalKind::Carbon, now, horizon, work, 0);
        let what = format!("case {case}: now {now}, work {work}, horizon {horizon}, runs {runs:?}");
        assert!(runs.windows(2).all(|w| w[0].1 < w[1].0), "{what}: runs overlap or touch");
        assert!(runs.iter().all(|&(a, b)| now <= a && a < b && b <= horizon), "{what}: outside the slack");
        assert_eq!(runs.iter().map(|&(a, b)| b - a).sum::<u64>(), work, "{what}: not the work");
        let integral: f64 = runs.iter().map(|&(a, b)| signal.integral(a, b)).sum();
        let least = if horizon - now == work {
            signal.integral(now, horizon)
        } else {
            least_over_subsets(&times, &values, now, horizon, work)
        };
        assert!((integral - least).abs() <= 1e-9 * least.max(1.0), "{what}: {integral} > least {least}");
    }
}

/// Many interruptible jobs under two 2 h valleys a day, with an outage killing some runs.
const MANY: &str = r#"
duration = "4d"
warmup = "12h"
seed = 5
scheduler = "lowest-window"
[[hubs]]
id = "h"
lat = 31.0
lon = 121.0
intelligent = 40
[[regions]]
id = "r"
lat = 31.0
lon = 121.0
[[classes]]
name = "flex"
pool = "intelligent"
rate = "6/h"
units = 4
runtime = { dist = "exponential", mean = "2h", max = "10h" }
slack = "12h"
interruptible = true
checkpoint_overhead = "10min"
[[classes]]
name = "rigid"
pool = "intelligent"
rate = "3/h"
units = 2
runtime = { dist = "exponential", mean = "1h" }
[[faults.outages]]
hub = "h"
mtbf = "20h"
mttr = "1h"
lost = 0.5
[signals.carbon.hubs]
h = [0.60, 0.60, 0.30, 0.30, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60,
     0.35, 0.35, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60]
"#;

#[test]
fn jobs_are_conserved_with_suspensions_and_outages() {
    let scenario = parse(MANY);
    let mut tracker = Tracker::default();
    let (recorder, in_flight) = run_tracked(&scenario, None, &mut tracker);
    assert_conserved(&tracker, &recorder, in_flight, "interruptible");
    let suspended = tracker.jobs.iter().filter(|j| !j.times(Lifecycle::Suspended).is_empty()).count();
    assert!(suspended > 10, "only {suspended} jobs suspended");
    let shift = recorder.shift.as_ref().expect("shifting figures");
    assert!(shift[0].suspended > 0 && shift[1].suspended == 0);
    // Every suspension is followed by a resumption of the same job (or the run's end).
    for job in &tracker.jobs {
        let (s, r) = (job.times(Lifecycle::Suspended), job.times(Lifecycle::Resumed));
        assert!(r.len() == s.len() || (r.len() + 1 == s.len() && job.phase == Phase::Suspended), "{:?}", job.events);
    }
}

#[test]
fn the_report_counts_suspensions_per_class() {
    let (_, report) = run(&one_job("interruptible-report", ""));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["classes"][0]["shift"]["suspensions"], 1);
    assert_eq!(json["shift"]["suspensions"], 1);
    let text = cnsim::report::text::render(&report);
    assert!(text.contains("suspended"), "{text}");
}

#[test]
fn bad_interruptible_fields_are_refused() {
    let dir = scratch("interruptible-bad");
    write(&dir, "one.csv", "submit,runtime,gpus\n0,10800,1\n");
    let cases = [
        ("interruptible = \"yes\"", "interruptible"),
        ("checkpoint_overhead = \"soon\"", "checkpoint_overhead"),
        ("interruptible = true\ncheckpoint_overhead = \"-5min\"", "checkpoint_overhead"),
    ];
    for (i, (lines, field)) in cases.iter().enumerate() {
        let source = ONE_JOB.replace("interruptible = true\nOVERHEAD", lines);
        let path = write(&dir, &format!("bad{i}.toml"), &source);
        let out = cnsim(&["run", path.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{lines}: {err}");
        assert!(err.contains(&format!("bad{i}.toml")) && err.contains(field), "{lines}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{lines}: {err}");
    }
    // An overhead without `interruptible = true` says what is needed.
    let source = ONE_JOB.replace("interruptible = true\nOVERHEAD", "checkpoint_overhead = \"5min\"");
    let path = write(&dir, "bad-needs.toml", &source);
    let err = stderr(&cnsim(&["run", path.to_str().unwrap()]));
    assert!(err.contains("needs `interruptible = true`") && err.contains("bad-needs.toml:23:"), "{err}");
}
