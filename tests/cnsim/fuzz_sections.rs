//! The fuzz generator's optional sections: faults (outages scheduled and random, link cuts,
//! job failures with retries and checkpoints), signals (prices, carbon, forecasts) and the
//! class fields they go with (slack, deadlines, interruptible jobs), and trace sources (small
//! fixture files, good and bad rows, in the `csv` and `swf` formats).

use std::path::Path;

use proptest::prelude::*;
use toml::Value;

use crate::fuzz::{s, table};
use crate::helpers::write;

/// A carbon series for hub `h0`, hourly, by offset from the run's start.
const CARBON_CSV: &str = "time,h0\n0,0.5\n3600,0.7\n7200,0.4\n";
/// A CSV trace: good rows, an unreadable submit time, units 0, an empty runtime, a row out of
/// order, and rows past the first day.
const TRACE_CSV: &str = "submit,runtime,gpus,state\n\
0,60,1,ok\n\
10,120,2,ok\n\
x,60,1,ok\n\
20,30,0,failed\n\
30,,1,ok\n\
25,600,4,ok\n\
3600,90,1,ok\n\
90000,60,1,ok\n";
/// An SWF trace (18 fields a row): a comment, good rows, a row with a garbled submit time, a
/// row with no processors, one that never ran.
const TRACE_SWF: &str = "; a small log\n\
1 0 5 60 2 -1 -1 2 3600 -1 1 1 1 1 1 -1 -1 -1\n\
2 15 5 600 -1 -1 -1 4 3600 -1 1 1 1 1 1 -1 -1 -1\n\
3 abc 5 60 1 -1 -1 1 3600 -1 1 1 1 1 1 -1 -1 -1\n\
4 40 5 60 0 -1 -1 -1 3600 -1 1 1 1 1 1 -1 -1 -1\n\
5 50 5 -1 1 -1 -1 1 3600 -1 0 1 1 1 1 -1 -1 -1\n\
6 7200 5 120 8 -1 -1 8 3600 -1 1 1 1 1 1 -1 -1 -1\n";

/// Writes the files the generated sections name, into the scenario's directory.
pub fn fixtures(dir: &Path) {
    write(dir, "carbon.csv", CARBON_CSV);
    write(dir, "trace.csv", TRACE_CSV);
    write(dir, "trace.swf", TRACE_SWF);
}

fn hours(range: std::ops::Range<u32>) -> BoxedStrategy<Value> {
    range.prop_map(|h| s(&format!("{h}h"))).boxed()
}

/// One `[[faults.outages]]` entry for a hub of `hubs`: a window or a random process.
fn outage(hubs: usize) -> BoxedStrategy<Value> {
    let pool = prop::option::of(prop::sample::select(vec!["intelligent", "general"]));
    let lost = prop::option::of(0.05f64..=1.0);
    let when = prop_oneof![
        (hours(0..30), hours(1..8)).prop_map(|(start, duration)| vec![("start", start), ("duration", duration)]),
        (hours(2..200), (1u32..300).prop_map(|m| s(&format!("{m}min"))))
            .prop_map(|(mtbf, mttr)| vec![("mtbf", mtbf), ("mttr", mttr)]),
    ];
    (0..hubs, pool, lost, when)
        .prop_map(|(hub, pool, lost, mut fields)| {
            fields.push(("hub", s(&format!("h{hub}"))));
            if let Some(p) = pool {
                fields.push(("pool", s(p)));
            }
            if let Some(l) = lost {
                fields.push(("lost", Value::Float(l)));
            }
            table(fields)
        })
        .boxed()
}

/// One `[[faults.cuts]]` entry on the link from region `r0` to hub `h0`.
fn cut() -> BoxedStrategy<Value> {
    prop_oneof![
        (hours(0..30), hours(1..8)).prop_map(|(start, duration)| vec![("start", start), ("duration", duration)]),
        (hours(2..100), hours(1..6)).prop_map(|(mtbf, mttr)| vec![("mtbf", mtbf), ("mttr", mttr)]),
    ]
    .prop_map(|mut fields| {
        fields.push(("link", s("r0--h0")));
        table(fields)
    })
    .boxed()
}

/// The `[faults]` section; cuts only under the flow model (`flow`).
pub fn faults(hubs: usize, flow: bool) -> BoxedStrategy<Option<Value>> {
    let cuts = if flow { prop::collection::vec(cut(), 0..3).boxed() } else { Just(Vec::new()).boxed() };
    prop::option::of((prop::collection::vec(outage(hubs), 0..4), cuts))
        .prop_map(|f| {
            f.map(|(outages, cuts)| table(vec![("outages", Value::Array(outages)), ("cuts", Value::Array(cuts))]))
        })
        .boxed()
}

/// A flow network over the generated sites: every region and hub linked to `h0`, and `r0`
/// also to the last hub (a detour when `r0--h0` is cut).
pub fn flow_network(hubs: usize, regions: usize) -> Value {
    let link = |from: String, to: &str| table(vec![("from", s(&from)), ("to", s(to)), ("capacity", s("10Gbps"))]);
    let mut links: Vec<Value> = (0..regions).map(|r| link(format!("r{r}"), "h0")).collect();
    links.extend((1..hubs).map(|h| link(format!("h{h}"), "h0")));
    if hubs > 1 {
        links.push(link("r0".into(), &format!("h{}", hubs - 1)));
    }
    table(vec![
        ("model", s("flow")),
        ("route_factor", Value::Float(1.5)),
        ("fixed_delay", s("1ms")),
        ("links", Value::Array(links)),
    ])
}

/// A class's `failure` rule: a hazard or a probability, retry or lose, attempts, backoff and
/// checkpoints.
fn failure() -> BoxedStrategy<Value> {
    (
        prop_oneof![
            (1u32..500).prop_map(|h| ("mtbf", s(&format!("{h}h")))),
            (0.0f64..=1.0).prop_map(|p| ("probability", Value::Float(p))),
        ],
        prop::option::of(prop::sample::select(vec!["retry", "lose"])),
        prop::option::of(1i64..6),
        prop::option::of((1u32..60).prop_map(|m| s(&format!("{m}min")))),
        prop::option::of((5u32..120).prop_map(|m| s(&format!("{m}min")))),
    )
        .prop_map(|(cause, on_failure, attempts, backoff, checkpoint)| {
            let mut fields = vec![cause];
            if let Some(o) = on_failure {
                fields.push(("on_failure", s(o)));
            }
            // Attempts and backoff apply to retries only (the mutations try them on "lose").
            if on_failure != Some("lose") {
                if let Some(a) = attempts {
                    fields.push(("max_attempts", Value::Integer(a)));
                }
                if let Some(b) = backoff {
                    fields.push(("backoff", b));
                }
            }
            if let Some(c) = checkpoint {
                fields.push(("checkpoint", c));
            }
            table(fields)
        })
        .boxed()
}

/// A class's optional fault and signal fields: failure, deadline, slack, interruptible.
pub fn class_extras() -> BoxedStrategy<Vec<(&'static str, Value)>> {
    (
        prop::option::of(failure()),
        prop::option::of(hours(1..48)),
        prop::option::of(hours(0..24)),
        prop::option::of(prop::option::of((0u32..30).prop_map(|m| s(&format!("{m}min"))))),
    )
        .prop_map(|(failure, deadline, slack, interruptible)| {
            let mut fields = Vec::new();
            if let Some(f) = failure {
                fields.push(("failure", f));
            }
            if let Some(d) = deadline {
                fields.push(("deadline", d));
            }
            if let Some(sl) = slack {
                fields.push(("slack", sl));
            }
            if let Some(overhead) = interruptible {
                fields.push(("interruptible", Value::Boolean(true)));
                if let Some(o) = overhead {
                    fields.push(("checkpoint_overhead", o));
                }
            }
            fields
        })
        .boxed()
}

/// A per-hub signal value: a constant, 24 hourly values, or (for prices) a time-of-use tariff.
fn hub_signal(tariff: bool) -> BoxedStrategy<Value> {
    let bands = table(vec![
        ("flat", Value::Float(0.5)),
        (
            "bands",
            Value::Array(vec![
                table(vec![("name", s("valley")), ("hours", s("00:00-08:00")), ("ratio", Value::Float(0.4))]),
                table(vec![("name", s("peak")), ("hours", s("08:00-24:00")), ("value", Value::Float(1.1))]),
            ]),
        ),
    ]);
    let mut options = vec![
        (0.0f64..2.0).prop_map(Value::Float).boxed(),
        prop::collection::vec(0.0f64..1.0, 24)
            .prop_map(|v| Value::Array(v.into_iter().map(Value::Float).collect()))
            .boxed(),
    ];
    if tariff {
        options.push(Just(bands).boxed());
    }
    prop::strategy::Union::new(options).boxed()
}

/// The carbon signal: per-hub values, or the fixture series with its reading options.
fn carbon() -> BoxedStrategy<Value> {
    prop_oneof![
        hub_signal(false).prop_map(|v| table(vec![("hubs", table(vec![("h0", v)]))])),
        (
            prop::sample::select(vec!["step", "linear"]),
            prop::sample::select(vec!["repeat", "hold", "repeat", "hold", "error"]),
        )
            .prop_map(|(interpolate, past_end)| table(vec![
                ("csv", s("carbon.csv")),
                ("interpolate", s(interpolate)),
                ("past_end", s(past_end)),
            ])),
    ]
    .boxed()
}

/// The `[signals]` section (hub `h0` always exists).
pub fn signals() -> BoxedStrategy<Option<Value>> {
    prop::option::of((
        prop::option::of(0.0f64..0.5),
        prop::option::of(hub_signal(true)),
        prop::option::of(carbon()),
        prop::option::of(0.0f64..1.0),
    ))
    .prop_map(|section| {
        section.map(|(forecast_error, price, carbon, renewable)| {
            let mut fields = Vec::new();
            if let Some(e) = forecast_error {
                fields.push(("forecast_error", Value::Float(e)));
            }
            if let Some(p) = price {
                fields.push(("price", table(vec![("hubs", table(vec![("h0", p)]))])));
            }
            if let Some(c) = carbon {
                fields.push(("carbon", c));
            }
            if let Some(r) = renewable {
                fields.push(("renewable", table(vec![("hubs", table(vec![("h0", Value::Float(r))]))])));
            }
            table(fields)
        })
    })
    .boxed()
}

/// One `[[traces]]` entry feeding class `c0`, from a fixture (csv or swf).
fn trace() -> BoxedStrategy<Value> {
    let columns =
        table(vec![("submit", s("submit")), ("runtime", s("runtime")), ("units", s("gpus")), ("status", s("state"))]);
    (
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["skip", "error"])),
        prop::option::of(0.5f64..4.0),
        prop::option::of(0.2f64..2.5),
        prop::option::of((0u32..20, 60u32..100_000)),
        prop::option::of((0u32..60).prop_map(|n| s(&format!("{n}s")))),
        any::<bool>(),
    )
        .prop_map(move |(csv, on_bad_row, speed, scale, window, reorder, rules)| {
            let class = if rules {
                Value::Array(vec![table(vec![
                    ("class", s("c0")),
                    ("column", s(if csv { "state" } else { "status" })),
                    ("values", Value::Array(vec![s(if csv { "ok" } else { "1" })])),
                ])])
            } else {
                s("c0")
            };
            let mut fields = vec![
                ("path", s(if csv { "trace.csv" } else { "trace.swf" })),
                ("format", s(if csv { "csv" } else { "swf" })),
                ("class", class),
            ];
            if csv {
                fields.push(("columns", columns.clone()));
                fields.push(("time_unit", s("s")));
            }
            if let Some(b) = on_bad_row {
                fields.push(("on_bad_row", s(b)));
            }
            if let Some(sp) = speed {
                fields.push(("speed", Value::Float(sp)));
            }
            if let Some(sc) = scale {
                fields.push(("scale", Value::Float(sc)));
            }
            if let Some((start, end)) = window {
                fields.push(("start", s(&format!("{start}s"))));
                fields.push(("end", s(&format!("{end}s"))));
            }
            if let Some(r) = reorder {
                fields.push(("reorder_window", r));
            }
            table(fields)
        })
        .boxed()
}

/// The `[[traces]]` entries: none most of the time, else one or two.
pub fn traces() -> BoxedStrategy<Vec<Value>> {
    prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(trace(), 1..3)].boxed()
}
