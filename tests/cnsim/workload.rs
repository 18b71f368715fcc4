//! Workload generation: rates, diurnal shape, origins and common random numbers.

use cnsim::rng::{Stream, stream};
use cnsim::time::{DAY, HOUR};
use cnsim::workload::Source;

use crate::helpers::{parse, run};

const DIURNAL: &str = r#"
    duration = "28d"
    warmup = "1d"
    [[hubs]]
    id = "h"
    lat = 30.0
    lon = 110.0
    intelligent = 100000
    [[regions]]
    id = "a"
    lat = 30.0
    lon = 110.0
    weight = 3
    [[regions]]
    id = "b"
    lat = 31.0
    lon = 111.0
    weight = 1
    [[classes]]
    name = "c"
    pool = "intelligent"
    rate = "100/h"
    diurnal = { amplitude = 0.5, peak = "20h", weekend = 0.5 }
    units = 1
    runtime = "1min"
"#;

#[test]
fn diurnal_arrivals_peak_at_the_peak_hour_and_dip_at_weekends() {
    let scenario = parse(DIURNAL);
    let class = &scenario.classes[0];
    let mut source = Source::new(class, stream(1, Stream::Workload(0)));
    let mut by_hour = [0u64; 24];
    let mut weekday = 0u64;
    let mut weekend = 0u64;
    let mut origins = [0u64; 2];
    let mut t = 0;
    loop {
        t = source.next_arrival(class, t);
        if t >= 28 * DAY {
            break;
        }
        origins[source.draw(class).origin as usize] += 1;
        by_hour[((t % DAY) / HOUR) as usize] += 1;
        if (t / DAY) % 7 >= 5 { weekend += 1 } else { weekday += 1 }
    }
    let peak = (0..24).max_by_key(|&h| by_hour[h]).unwrap();
    assert!((19..=20).contains(&peak), "peak hour {peak}: {by_hour:?}");
    let trough = (0..24).min_by_key(|&h| by_hour[h]).unwrap();
    assert!((7..=8).contains(&trough), "trough hour {trough}");
    // Peak/trough hour ratio ~ (1 + a)/(1 - a) = 3 (within sampling and hour-averaging).
    let ratio = by_hour[peak] as f64 / by_hour[trough] as f64;
    assert!((2.5..3.5).contains(&ratio), "{ratio}");
    // Weekend days run at half the weekday rate.
    let per_day = (weekday as f64 / 20.0, weekend as f64 / 8.0);
    assert!((per_day.1 / per_day.0 - 0.5).abs() < 0.05, "{per_day:?}");
    // Mean over weekdays: 100/h x 24 h.
    assert!((per_day.0 / 2400.0 - 1.0).abs() < 0.03, "{per_day:?}");
    // Origins follow the regions' weights 3 : 1.
    let share = origins[0] as f64 / (origins[0] + origins[1]) as f64;
    assert!((share - 0.75).abs() < 0.01, "{share}");
}

#[test]
fn jobs_of_a_seed_do_not_depend_on_the_scheduler() {
    let mut submitted = Vec::new();
    for name in ["nearest", "random", "round-robin", "least-loaded"] {
        let mut scenario = crate::helpers::shipped("small.toml");
        scenario.scheduler = name.into();
        let (output, report) = run(&scenario);
        let per_class: Vec<u64> = report.classes.iter().map(|c| c.jobs.submitted).collect();
        let run_sum: u64 =
            (0..3).map(|c| output.recorder.class_latency[c].get(cnsim::metrics::Metric::Run).len()).sum();
        submitted.push((per_class, report.warmup_jobs.submitted, run_sum > 0));
    }
    assert!(submitted.windows(2).all(|w| w[0] == w[1]), "{submitted:?}");
}
