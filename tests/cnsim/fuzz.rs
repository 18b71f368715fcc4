//! Property-based fuzzing of scenarios (proptest): valid scenarios built over every section
//! (with faults, signals and traces from `fuzz_sections`), then mutated with hostile values
//! (inf, NaN, huge and negative numbers, empty and very long strings, wrong types, huge counts,
//! cut or garbled text).
//!
//! Invariants: nothing panics; a scenario that validates runs briefly (its duration cut to
//! about 2,000 jobs, at most 2,000 in flight) under the lifecycle tracker, which follows every
//! job independently of the recorder: each ends once as finished, rejected or lost, or is in
//! flight, and the counts agree with the recorder's (the engine's own per-event checks of
//! capacity and conservation are on under debug assertions); a bad trace row stops the run with
//! one line naming the trace; a scenario that does not validate gives one short line that names
//! the file and the line. In-process for speed, plus a few cases through the binary.
//!
//! The fixed budget (`FIXED_CASES`, a fixed seed) runs in `cargo test`; the long run is
//! `cargo test --test cnsim fuzz_long -- --ignored` (see docs/development.md).

use std::panic::{AssertUnwindSafe, catch_unwind};

use cnsim::engine::Engine;
use cnsim::metrics::Recorder;
use cnsim::report::{RunReport, WallClock};
use cnsim::scenario::Scenario;
use cnsim::simulation::RunError;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use toml::{Table, Value};

use crate::fuzz_sections;
use crate::helpers::{cnsim, scratch, stderr, write};
use crate::tracker::{Tracker, assert_conserved};

/// Cases of the in-process fuzz run in `cargo test`.
const FIXED_CASES: u32 = 1000;
/// Cases through the binary in `cargo test`.
const BINARY_CASES: u32 = 12;
/// Default cases of the long, ignored run (`CNSIM_FUZZ_CASES` overrides it).
const LONG_CASES: u32 = 20_000;
/// Jobs a valid scenario is cut to, and its cap on jobs in flight.
const JOBS_PER_RUN: f64 = 2_000.0;

pub fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

/// Values that break assumptions, for any field.
fn hostile() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::sample::select(vec![i64::MIN, -1_000_000, -1, 0, 1, 2, 65_535, 65_536, 4_294_967_296, i64::MAX])
            .prop_map(Value::Integer),
        prop::sample::select(vec![
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e308,
            -1e308,
            -0.0,
            5e-324,
            1e-300,
            0.5,
            -2.5,
            1e12,
            1e13,
        ])
        .prop_map(Value::Float),
        prop::sample::select(vec![
            "",
            "0",
            "-1",
            "inf",
            "nan",
            "1e400",
            "x",
            "7d",
            "0s",
            "1ns",
            "1e20w",
            "99999999999999999999d",
            "1e308/s",
            "1e-308/s",
            "0/h",
            "-1/h",
            "1/0s",
            "1e10/s",
            "1GB",
            "-5GB",
            "1e30EB",
            "0.5ms",
            "nearest",
            "flow",
            "delay",
            "general",
            "intelligent",
            "east",
            "west",
            "origin",
            "hub:",
            "region:",
            "fifo",
            "easy-backfill",
            "power-of-d:d=2,d=3",
            "\u{0}",
            "é✓",
        ])
        .prop_map(s),
        (1usize..20_000).prop_map(|n| s(&"x".repeat(n))),
        Just(Value::Boolean(true)),
        Just(Value::Array(Vec::new())),
        Just(Value::Array(vec![Value::Integer(1), s("a")])),
        Just(Value::Table(Table::new())),
    ]
    .boxed()
}

/// Durations, sizes and rates, mostly well formed.
fn duration() -> BoxedStrategy<Value> {
    prop_oneof![
        (1u32..600, prop::sample::select(vec!["s", "min", "h", "d", "ms"])).prop_map(|(n, u)| s(&format!("{n}{u}"))),
        hostile(),
    ]
    .boxed()
}

fn distribution(unit: &'static str) -> BoxedStrategy<Value> {
    let q = move |x: f64| if unit.is_empty() { Value::Float(x) } else { s(&format!("{x}{unit}")) };
    prop_oneof![
        (1.0f64..16.0).prop_map(move |x| q(x.round())),
        (1.0f64..100.0).prop_map(move |m| dist(&[("dist", s("exponential")), ("mean", q(m))])),
        (1.0f64..50.0, 0.1f64..2.0).prop_map(move |(m, sg)| dist(&[
            ("dist", s("lognormal")),
            ("median", q(m)),
            ("sigma", Value::Float(sg))
        ])),
        (1.0f64..4.0, 1.1f64..3.0, 8.0f64..64.0).prop_map(move |(sc, sh, mx)| dist(&[
            ("dist", s("pareto")),
            ("scale", q(sc)),
            ("shape", Value::Float(sh)),
            ("max", q(mx.round()))
        ])),
        (1.0f64..4.0, 4.0f64..8.0).prop_map(move |(lo, hi)| dist(&[
            ("dist", s("uniform")),
            ("low", q(lo)),
            ("high", q(hi))
        ])),
        prop::collection::vec(1.0f64..8.0, 1..5).prop_map(move |v| dist(&[
            ("dist", s("empirical")),
            ("values", Value::Array(v.into_iter().map(|x| q(x.round())).collect()))
        ])),
        hostile(),
    ]
    .boxed()
}

fn dist(pairs: &[(&str, Value)]) -> Value {
    Value::Table(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

pub fn table(pairs: Vec<(&str, Value)>) -> Value {
    Value::Table(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn hub(i: usize) -> BoxedStrategy<Value> {
    (-60.0f64..60.0, 70.0f64..130.0, 0i64..200, 0i64..100, 1.0f64..2.0, 0.0f64..1.0, 0.0f64..1.0, any::<bool>())
        .prop_map(move |(lat, lon, ai, gen_units, pue, price, green, east)| {
            let (ai, gen_units) = if ai + gen_units == 0 { (1, 0) } else { (ai, gen_units) };
            table(vec![
                ("id", s(&format!("h{i}"))),
                ("side", s(if east { "east" } else { "west" })),
                ("lat", Value::Float(lat)),
                ("lon", Value::Float(lon)),
                ("intelligent", Value::Integer(ai)),
                ("general", Value::Integer(gen_units)),
                ("pue", Value::Float(pue)),
                ("price", Value::Float(price)),
                ("renewable", Value::Float(green)),
            ])
        })
        .boxed()
}

fn region(i: usize) -> BoxedStrategy<Value> {
    (-60.0f64..60.0, 70.0f64..130.0, 0.1f64..10.0)
        .prop_map(move |(lat, lon, w)| {
            table(vec![
                ("id", s(&format!("r{i}"))),
                ("lat", Value::Float(lat)),
                ("lon", Value::Float(lon)),
                ("weight", Value::Float(w)),
            ])
        })
        .boxed()
}

fn class(i: usize, regions: usize) -> BoxedStrategy<Value> {
    let core = (
        any::<bool>(),
        1u32..500,
        prop::option::of((0.0f64..1.0, 0u32..24, 0.0f64..3.0)),
        distribution(""),
        distribution("min"),
        prop::option::of(distribution("GB")),
        prop::option::of(1u32..50),
        prop::option::of((1u32..48, 1u32..60)),
        prop::option::of(-5i64..5),
        prop::option::of(prop::collection::vec(0.0f64..3.0, regions)),
        prop::option::of(distribution("MB")),
    );
    (core, fuzz_sections::class_extras())
        .prop_map(move |((ai, rate, diurnal, units, runtime, data, rtt, slo, priority, origins, output), extras)| {
            let mut pairs = vec![
                ("name", s(&format!("c{i}"))),
                ("pool", s(if ai { "intelligent" } else { "general" })),
                ("rate", s(&format!("{rate}/h"))),
                ("units", units),
                ("runtime", runtime),
            ];
            if let Some((amplitude, peak, weekend)) = diurnal {
                pairs.push((
                    "diurnal",
                    table(vec![
                        ("amplitude", Value::Float(amplitude)),
                        ("peak", s(&format!("{peak}h"))),
                        ("weekend", Value::Float(weekend)),
                    ]),
                ));
            }
            if let Some(d) = data {
                pairs.push(("data", d));
            }
            if let Some(ms) = rtt {
                pairs.push(("max_round_trip", s(&format!("{ms}ms"))));
            }
            if let Some((jct, wait)) = slo {
                pairs.push(("slo", table(vec![("jct", s(&format!("{jct}h"))), ("wait", s(&format!("{wait}min")))])));
            }
            if let Some(p) = priority {
                pairs.push(("priority", Value::Integer(p)));
            }
            if let Some(weights) = origins.filter(|w| w.iter().sum::<f64>() > 0.0) {
                let map = weights.iter().enumerate().map(|(r, w)| (format!("r{r}"), Value::Float(*w))).collect();
                pairs.push(("origins", Value::Table(map)));
            }
            if let Some(o) = output {
                pairs.push(("output", o));
            }
            // A deadline is the JCT objective too: given once, with or without an `slo`.
            pairs.extend(extras.into_iter().filter(|(key, _)| !(*key == "deadline" && slo.is_some())));
            table(pairs)
        })
        .boxed()
}

/// The optional sections of a generated scenario: a flow network, faults, signals, traces.
#[derive(Clone, Debug)]
struct Sections {
    network: Option<Value>,
    faults: Option<Value>,
    signals: Option<Value>,
    traces: Vec<Value>,
}

fn sections(hubs: usize, regions: usize) -> BoxedStrategy<Sections> {
    prop_oneof![3 => Just(false), 1 => Just(true)]
        .prop_flat_map(move |flow| {
            (fuzz_sections::faults(hubs, flow), fuzz_sections::signals(), fuzz_sections::traces()).prop_map(
                move |(faults, signals, traces)| Sections {
                    network: flow.then(|| fuzz_sections::flow_network(hubs, regions)),
                    faults,
                    signals,
                    traces,
                },
            )
        })
        .boxed()
}

/// A scenario that is valid as generated (before mutations), over every section.
fn base() -> BoxedStrategy<Table> {
    (1usize..4, 1usize..4, 1usize..4)
        .prop_flat_map(|(hubs, regions, classes)| {
            (
                (0..hubs).map(hub).collect::<Vec<_>>(),
                (0..regions).map(region).collect::<Vec<_>>(),
                (0..classes).map(|i| class(i, regions)).collect::<Vec<_>>(),
                prop::sample::select(cnsim::scheduler::registry::known_names()),
                (1u32..48, any::<u64>(), any::<bool>(), prop::option::of(0.5f64..4.0), any::<bool>()),
                sections(hubs, regions),
            )
        })
        .prop_map(|(hubs, regions, classes, scheduler, (hours, seed, backfill, estimate, energy), sections)| {
            let mut doc = Table::new();
            doc.insert("name".into(), s("fuzz"));
            doc.insert("seed".into(), Value::Integer((seed >> 1) as i64));
            doc.insert("duration".into(), s(&format!("{hours}h")));
            doc.insert("scheduler".into(), s(scheduler));
            let mut queue = vec![("discipline", s(if backfill { "easy-backfill" } else { "fifo" }))];
            if let Some(e) = estimate {
                queue.push(("runtime_estimate_factor", Value::Float(e)));
            }
            doc.insert("queue".into(), table(queue));
            if energy {
                doc.insert(
                    "energy".into(),
                    table(vec![
                        ("intelligent_kw_per_unit", Value::Float(3.0)),
                        ("grid_carbon_kg_per_kwh", Value::Float(0.6)),
                    ]),
                );
            }
            doc.insert("network".into(), table(vec![("route_factor", Value::Float(1.5)), ("fixed_delay", s("1ms"))]));
            doc.insert("hubs".into(), Value::Array(hubs));
            doc.insert("regions".into(), Value::Array(regions));
            doc.insert("classes".into(), Value::Array(classes));
            let Sections { network, faults, signals, traces } = sections;
            for (key, value) in [("network", network), ("faults", faults), ("signals", signals)] {
                if let Some(v) = value {
                    doc.insert(key.into(), v);
                }
            }
            if !traces.is_empty() {
                doc.insert("traces".into(), Value::Array(traces));
            }
            doc
        })
        .boxed()
}

/// Every field a mutation may hit, as (section, key); `[]` sections are arrays of tables.
const FIELDS: &[(&str, &str)] = &[
    ("", "name"),
    ("", "description"),
    ("", "seed"),
    ("", "duration"),
    ("", "warmup"),
    ("", "sample_interval"),
    ("", "censoring_threshold"),
    ("", "scheduler"),
    ("", "unknown_key"),
    ("queue", "discipline"),
    ("queue", "runtime_estimate_factor"),
    ("energy", "intelligent_kw_per_unit"),
    ("energy", "general_kw_per_unit"),
    ("energy", "grid_carbon_kg_per_kwh"),
    ("world", "preset"),
    ("world", "scale"),
    ("network", "model"),
    ("network", "route_factor"),
    ("network", "fixed_delay"),
    ("network", "bandwidth"),
    ("network", "background"),
    ("network", "max_flow_rate"),
    ("network", "pairs"),
    ("network", "links"),
    ("hubs[]", "id"),
    ("hubs[]", "name"),
    ("hubs[]", "side"),
    ("hubs[]", "lat"),
    ("hubs[]", "lon"),
    ("hubs[]", "intelligent"),
    ("hubs[]", "general"),
    ("hubs[]", "pue"),
    ("hubs[]", "price"),
    ("hubs[]", "renewable"),
    ("regions[]", "id"),
    ("regions[]", "lat"),
    ("regions[]", "lon"),
    ("regions[]", "weight"),
    ("classes[]", "name"),
    ("classes[]", "pool"),
    ("classes[]", "rate"),
    ("classes[]", "diurnal"),
    ("classes[]", "units"),
    ("classes[]", "runtime"),
    ("classes[]", "data"),
    ("classes[]", "max_round_trip"),
    ("classes[]", "deadline"),
    ("classes[]", "slo"),
    ("classes[]", "priority"),
    ("classes[]", "origins"),
    ("classes[]", "input_at"),
    ("classes[]", "output"),
    ("classes[]", "failure"),
    ("classes[]", "slack"),
    ("classes[]", "interruptible"),
    ("classes[]", "checkpoint_overhead"),
    ("classes[].failure", "mtbf"),
    ("classes[].failure", "probability"),
    ("classes[].failure", "on_failure"),
    ("classes[].failure", "max_attempts"),
    ("classes[].failure", "backoff"),
    ("classes[].failure", "checkpoint"),
    ("faults", "outages"),
    ("faults", "cuts"),
    ("faults.outages[]", "hub"),
    ("faults.outages[]", "pool"),
    ("faults.outages[]", "start"),
    ("faults.outages[]", "duration"),
    ("faults.outages[]", "mtbf"),
    ("faults.outages[]", "mttr"),
    ("faults.outages[]", "lost"),
    ("faults.cuts[]", "link"),
    ("faults.cuts[]", "start"),
    ("faults.cuts[]", "duration"),
    ("faults.cuts[]", "mtbf"),
    ("faults.cuts[]", "mttr"),
    ("signals", "preset"),
    ("signals", "forecast_error"),
    ("signals.price.hubs", "h0"),
    ("signals.price.hubs", "nowhere"),
    ("signals.carbon", "csv"),
    ("signals.carbon", "time"),
    ("signals.carbon", "start"),
    ("signals.carbon", "interpolate"),
    ("signals.carbon", "past_end"),
    ("signals.renewable.hubs", "h0"),
    ("traces[]", "path"),
    ("traces[]", "format"),
    ("traces[]", "class"),
    ("traces[]", "units_per_gpu"),
    ("traces[]", "origin"),
    ("traces[]", "data"),
    ("traces[]", "start"),
    ("traces[]", "end"),
    ("traces[]", "speed"),
    ("traces[]", "scale"),
    ("traces[]", "shift"),
    ("traces[]", "statuses"),
    ("traces[]", "on_bad_row"),
    ("traces[]", "reorder_window"),
    ("traces[]", "columns"),
    ("traces[]", "time_unit"),
];

/// One change to a generated scenario.
#[derive(Clone, Debug)]
enum Mutation {
    /// Set (or add) field `FIELDS[field]` of element `index` to `value`.
    Set { field: usize, index: usize, value: Value },
    /// Remove that field.
    Remove { field: usize, index: usize },
    /// Repeat the last hub, region or class `copies` times with fresh ids (huge counts).
    Repeat { section: usize, copies: usize },
    /// Cut the text at a share of its length, or insert `garbage` there.
    Text { at: f64, garbage: Option<String> },
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        6 => (0..FIELDS.len(), 0usize..4, prop_oneof![duration(), distribution("GB"), hostile()])
            .prop_map(|(field, index, value)| Mutation::Set { field, index, value }),
        2 => (0..FIELDS.len(), 0usize..4).prop_map(|(field, index)| Mutation::Remove { field, index }),
        1 => (0usize..3, prop::sample::select(vec![2usize, 100, 4_100]))
            .prop_map(|(section, copies)| Mutation::Repeat { section, copies }),
        1 => (0.0f64..1.0, prop::option::of(prop::sample::select(vec!["=", "[", "\"", "]]\n[[", "\n=\n", "{", "\u{feff}"])))
            .prop_map(|(at, garbage)| Mutation::Text { at, garbage: garbage.map(String::from) }),
    ]
    .boxed()
}

/// The table that field `FIELDS[field]` of element `index` lives in: the section's path is
/// walked part by part, tables created as needed, `name[]` parts taking element `index` of an
/// array that exists.
fn target(doc: &mut Table, field: usize, index: usize) -> Option<&mut Table> {
    let (section, _) = FIELDS[field];
    let mut table = doc;
    for part in section.split('.').filter(|p| !p.is_empty()) {
        table = match part.strip_suffix("[]") {
            Some(array) => {
                let items = table.get_mut(array)?.as_array_mut()?;
                let n = items.len().max(1);
                items.get_mut(index % n)?.as_table_mut()?
            }
            None => table.entry(part.to_string()).or_insert_with(|| Value::Table(Table::new())).as_table_mut()?,
        };
    }
    Some(table)
}

fn apply(doc: &mut Table, m: &Mutation) {
    match m {
        Mutation::Set { field, index, value } => {
            if let Some(t) = target(doc, *field, *index) {
                t.insert(FIELDS[*field].1.to_string(), value.clone());
            }
        }
        Mutation::Remove { field, index } => {
            if let Some(t) = target(doc, *field, *index) {
                t.remove(FIELDS[*field].1);
            }
        }
        Mutation::Repeat { section, copies } => {
            let (name, key) = [("hubs", "id"), ("regions", "id"), ("classes", "name")][*section];
            if let Some(items) = doc.get_mut(name).and_then(Value::as_array_mut)
                && let Some(last) = items.last().cloned()
            {
                for i in 0..*copies {
                    let mut copy = last.clone();
                    if let Some(t) = copy.as_table_mut() {
                        t.insert(key.into(), s(&format!("copy{i}")));
                    }
                    items.push(copy);
                }
            }
        }
        Mutation::Text { .. } => {}
    }
}

/// The scenario text of a generated case: the document, mutated, then text mutations.
fn render(doc: &Table, mutations: &[Mutation]) -> Option<String> {
    let mut doc = doc.clone();
    for m in mutations {
        apply(&mut doc, m);
    }
    let mut text = toml::to_string(&doc).ok()?;
    for m in mutations {
        if let Mutation::Text { at, garbage } = m {
            let mut cut = (text.len() as f64 * at) as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            match garbage {
                None => text.truncate(cut),
                Some(g) => text.insert_str(cut, g),
            }
        }
    }
    Some(text)
}

fn case() -> BoxedStrategy<String> {
    let mutations = prop_oneof![2 => Just(0usize..1), 3 => Just(1usize..2), 1 => Just(2usize..4)];
    (base(), mutations.prop_flat_map(|n| prop::collection::vec(mutation(), n)))
        .prop_filter_map("renders as TOML", |(doc, mutations)| render(&doc, &mutations))
        .boxed()
}

/// What one case did.
#[derive(Default, Debug)]
struct Tally {
    invalid: u32,
    ran: u32,
    overloaded: u32,
    bad_trace_rows: u32,
    jobs: u64,
    lost: u64,
}

/// Checks one scenario text in-process; `file` is its path, beside the fixtures.
fn check(text: &str, file: &str, tally: &mut Tally) -> Result<(), TestCaseError> {
    let parsed =
        catch_unwind(|| Scenario::parse(text, file)).map_err(|_| TestCaseError::fail("validation panicked"))?;
    let scenario = match parsed {
        Err(e) => {
            tally.invalid += 1;
            return check_message(&e.to_string(), file);
        }
        Ok(scenario) => scenario,
    };
    let rate: f64 = scenario.classes.iter().map(|c| c.arrival.weekly_mean_rate_per_second()).sum();
    let short = ((JOBS_PER_RUN / rate.max(1e-12)) * 1e9).min(scenario.run.duration as f64).max(1.0) as u64;
    let Ok(mut scenario) = scenario.clone().with_duration(short) else {
        return Err(TestCaseError::fail(format!("a valid scenario refused a shorter duration ({short} ns)")));
    };
    scenario.run.max_in_flight = JOBS_PER_RUN as usize;
    let run = catch_unwind(AssertUnwindSafe(|| run_tracked(&scenario)))
        .map_err(|e| TestCaseError::fail(format!("run panicked: {}", panic_text(&e))))?;
    match run {
        Err(RunError::Overloaded { .. }) => tally.overloaded += 1,
        // A bad trace row is found when the run reaches it: one line naming the trace's file and line.
        Err(RunError::Trace(e)) => {
            tally.bad_trace_rows += 1;
            let message = e.to_string();
            prop_assert!(!message.contains('\n'), "not one line: {message}");
            prop_assert!(message.contains("trace."), "no trace file in {message:.300}");
        }
        Err(e) => return Err(TestCaseError::fail(format!("a validated scenario failed to run: {e}"))),
        Ok((world, recorder)) => {
            tally.ran += 1;
            tally.jobs += recorder.total().submitted;
            tally.lost += recorder.total().lost;
            let report = RunReport::build(&scenario, &world, &recorder, WallClock::default());
            prop_assert!(serde_json::to_string(&report).is_ok());
        }
    }
    Ok(())
}

/// An invalid scenario's message: one short line naming the file and the line.
fn check_message(message: &str, file: &str) -> Result<(), TestCaseError> {
    if std::env::var_os("CNSIM_FUZZ_VERBOSE").is_some() {
        eprintln!("invalid: {message:.200}");
    }
    prop_assert!(!message.contains('\n'), "not one line: {message}");
    prop_assert!(message.len() <= 600 + file.len(), "{} characters: {message:.300}", message.len());
    let place =
        message.strip_prefix(file).and_then(|rest| rest.strip_prefix(':')).and_then(|rest| rest.split(':').next());
    prop_assert!(place.is_some_and(|line| line.parse::<usize>().is_ok()), "no file:line in {message:.300}");
    Ok(())
}

fn panic_text(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
}

/// Runs a valid scenario with the tracker following every job, as `simulate` runs it (traces,
/// the cap on jobs in flight), and checks that every job ends once or is in flight, by the
/// tracker's own account (a failure panics, caught by the caller).
fn run_tracked(scenario: &Scenario) -> Result<(cnsim::model::World, Recorder), RunError> {
    let world = scenario.world();
    let policy = cnsim::scheduler::build(&scenario.scheduler, &scenario.hubs)?;
    let sources = cnsim::workload::trace::open_all(&scenario.traces, scenario.run.seed, false)?;
    let mut tracker = Tracker::default();
    let (recorder, in_flight) = {
        let mut engine = Engine::with_observer(&world, scenario.run.clone(), policy, &mut tracker);
        engine.add_traces(sources);
        let end = engine.end();
        engine.run_until(end);
        if let Some(e) = engine.trace_error() {
            return Err(e.clone().into());
        }
        if let Some(at) = engine.overloaded_at() {
            return Err(RunError::Overloaded { cap: scenario.run.max_in_flight, at, duration: end });
        }
        let in_flight = engine.in_flight();
        (engine.finish(), in_flight)
    };
    assert_conserved(&tracker, &recorder, in_flight, "fuzz");
    Ok((world, recorder))
}

fn runner(cases: u32, seed: Option<u64>) -> TestRunner {
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 200, ..Config::default() };
    match seed {
        None => TestRunner::new(config),
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
        }
    }
}

fn fuzz(cases: u32, seed: Option<u64>) -> Tally {
    let tally = std::cell::RefCell::new(Tally::default());
    let verbose = std::env::var_os("CNSIM_FUZZ_VERBOSE").is_some();
    let dir = scratch(&format!("fuzz-{}", seed.map_or("random".to_string(), |s| s.to_string())));
    fuzz_sections::fixtures(&dir);
    let file = dir.join("fuzz.toml").display().to_string();
    let result = runner(cases, seed).run(&case(), |text| {
        let started = std::time::Instant::now();
        if verbose {
            let _ = std::fs::write(std::env::temp_dir().join("cnsim-fuzz-last.toml"), &text);
        }
        let outcome = check(&text, &file, &mut tally.borrow_mut());
        if verbose {
            let took = started.elapsed().as_secs_f64();
            eprintln!("{took:.3}s {} bytes {:?}", text.len(), tally.borrow());
            if took > 1.0 {
                eprintln!("slow case:\n{:.3000}", text);
            }
        }
        outcome
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let tally = tally.into_inner();
    eprintln!("fuzz: {cases} cases: {tally:?}");
    tally
}

#[test]
fn fuzzed_scenarios_never_panic_conserve_jobs_and_name_the_place() {
    let tally = fuzz(FIXED_CASES, Some(11));
    // The generator must reach both sides, or the invariants test nothing.
    assert!(tally.ran >= FIXED_CASES / 10, "{tally:?}");
    assert!(tally.invalid >= FIXED_CASES / 4, "{tally:?}");
}

#[test]
fn fuzzed_scenarios_through_the_binary_exit_0_or_2_with_one_line() {
    let dir = scratch("fuzz-binary");
    fuzz_sections::fixtures(&dir);
    let mut runner = runner(BINARY_CASES, Some(12));
    let result = runner.run(&case(), |text| {
        let path = write(&dir, "fuzz.toml", &text);
        let valid = Scenario::parse(&text, path.to_str().unwrap()).is_ok();
        let output = cnsim(&["validate", path.to_str().unwrap()]);
        let err = stderr(&output);
        prop_assert!(!err.contains("panicked"), "{err}");
        if valid {
            prop_assert_eq!(output.status.code(), Some(0), "{}", err);
        } else {
            prop_assert_eq!(output.status.code(), Some(2), "{}", err);
            prop_assert_eq!(err.trim().lines().count(), 1, "{}", err);
            prop_assert!(err.contains("fuzz.toml:"), "{}", err);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The long run: `CNSIM_FUZZ_CASES` cases (default 20,000) from a fresh random seed, or from
/// `CNSIM_FUZZ_SEED` to replay one.
#[test]
#[ignore = "long: run with --ignored (see docs/development.md)"]
fn fuzz_long() {
    let cases = std::env::var("CNSIM_FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(LONG_CASES);
    let seed = std::env::var("CNSIM_FUZZ_SEED").ok().and_then(|c| c.parse().ok());
    fuzz(cases, seed);
}
