//! Link cuts against hand-worked truth: a flow cut halfway finishes over the detour at the
//! detour's rate; a cut with no detour fails the job, which retries after its backoff; new
//! transfers during a cut take the detour and the original route after it; bad cut input is
//! named. Debug builds check the flow network's per-link byte conservation after every event.

use cnsim::engine::Lifecycle;
use cnsim::time::{HOUR, MILLISECOND, SECOND};

use crate::helpers::parse;
use crate::tracker::{Phase, Trace, Tracker, assert_conserved, run_tracked};

/// Region `a`, hub `b`, node `c`: the direct link `ab` (8 Gbps = 1 byte/ns, 10 ms) and, with
/// `detour`, `ac` + `cb` (4 Gbps = 0.5 byte/ns, 7 + 8 = 15 ms). One class of 4 TB inputs at 1
/// per 100 h over 3 days; seed 22 gives exactly one job, submitted between 14 h and 15 h.
fn triangle(detour: bool, failure: &str, cuts: &str) -> String {
    let detour_links = if detour {
        r#"
        [[network.links]]
        id = "ac"
        from = "a"
        to = "c"
        capacity = "4Gbps"
        latency = "7ms"
        [[network.links]]
        id = "cb"
        from = "c"
        to = "b"
        capacity = "4Gbps"
        latency = "8ms"
        "#
    } else {
        ""
    };
    format!(
        r#"
        duration = "3d"
        warmup = "1h"
        seed = 22
        scheduler = "nearest"
        [[hubs]]
        id = "b"
        lat = 30.0
        lon = 110.0
        intelligent = 2
        [[regions]]
        id = "a"
        lat = 31.0
        lon = 111.0
        [network]
        model = "flow"
        fixed_delay = "0s"
        [[network.nodes]]
        id = "c"
        lat = 30.5
        lon = 110.5
        [[network.links]]
        id = "ab"
        from = "a"
        to = "b"
        capacity = "8Gbps"
        latency = "10ms"
        {detour_links}
        [[classes]]
        name = "big"
        pool = "intelligent"
        rate = "1/100h"
        units = 1
        runtime = "1h"
        data = "4TB"
        {failure}
        {cuts}
        "#
    )
}

/// The only job's trace and the run's fault record (`None` without faults).
fn the_job(source: &str) -> (Trace, Option<cnsim::metrics::FaultRecord>) {
    let scenario = parse(source);
    let mut tracker = Tracker::default();
    let (recorder, in_flight) = run_tracked(&scenario, None, &mut tracker);
    assert_conserved(&tracker, &recorder, in_flight, "one job");
    assert_eq!(tracker.jobs.len(), 1, "seed 22 submits exactly one job");
    let job = tracker.jobs[0].clone();
    assert!((14 * HOUR..15 * HOUR).contains(&job.events[0].0), "submitted at {}", job.events[0].0);
    (job, recorder.faults)
}

fn cut_of(link: &str, start: u64, duration: &str) -> String {
    format!("[[faults.cuts]]\nlink = \"{link}\"\nstart = \"{}ns\"\nduration = \"{duration}\"", start)
}

/// 4 TB over the direct 1 byte/ns link: 4,000 s.
const DIRECT: u64 = 4_000 * SECOND;

#[test]
fn a_flow_cut_halfway_finishes_over_the_detour_at_its_rate() {
    // Without cuts: placed on arrival at t0, the last byte leaves at t0 + 4,000 s and arrives
    // 10 ms later, when the run starts.
    let (job, faults) = the_job(&triangle(true, "", ""));
    assert!(faults.is_none());
    let t0 = job.events[0].0;
    assert_eq!(job.times(Lifecycle::Started), vec![t0 + DIRECT + 10 * MILLISECOND]);
    // Cut `ab` halfway (t0 + 2,000 s, for 2 h): 2 TB have crossed; the other 2 TB take
    // a-c-b at 0.5 byte/ns (4,000 s) and arrive 15 ms after their last byte leaves.
    let cut = t0 + DIRECT / 2;
    let (job, faults) = the_job(&triangle(true, "", &cut_of("ab", cut, "2h")));
    assert_eq!(job.times(Lifecycle::Started), vec![cut + 4_000 * SECOND + 15 * MILLISECOND]);
    assert_eq!(job.phase, Phase::Finished);
    assert!(job.times(Lifecycle::Failed).is_empty());
    let faults = faults.expect("faults recorded");
    assert_eq!(faults.cuts.len(), 1);
    let ab = faults.cuts[0];
    assert_eq!((ab.link, ab.cuts, ab.rerouted, ab.failed), (0, 1, 1, 0));
    assert_eq!(ab.cut_nanos, u128::from(2 * HOUR));
    assert_eq!((faults.retried, faults.lost, faults.unroutable), (0, 0, 0));
}

#[test]
fn a_cut_without_a_detour_fails_the_job_and_it_retries_after_its_backoff() {
    let (job, _) = the_job(&triangle(false, "", ""));
    let t0 = job.events[0].0;
    assert_eq!(job.times(Lifecycle::Started), vec![t0 + DIRECT + 10 * MILLISECOND]);
    // `ab` is cut at t0 + 2,000 s for 1 h: no way around, so the job fails there and then;
    // the retry comes 2 h later (after the repair) and moves all 4 TB again directly.
    let cut = t0 + DIRECT / 2;
    let source = triangle(false, "failure = { backoff = \"2h\" }", &cut_of("ab", cut, "1h"));
    let (job, faults) = the_job(&source);
    assert_eq!(job.times(Lifecycle::Failed), vec![cut]);
    assert_eq!(job.times(Lifecycle::Retried), vec![cut]);
    assert_eq!(job.hubs(), vec![0, 0]);
    assert_eq!(job.times(Lifecycle::Started), vec![cut + 2 * HOUR + DIRECT + 10 * MILLISECOND]);
    assert_eq!(job.phase, Phase::Finished);
    let faults = faults.expect("faults recorded");
    assert_eq!((faults.cuts[0].rerouted, faults.cuts[0].failed), (0, 1));
    assert_eq!((faults.retried, faults.lost, faults.unroutable), (1, 0, 0));
    // A class that does not retry loses the job.
    let source = triangle(false, "failure = { on_failure = \"lose\" }", &cut_of("ab", cut, "1h"));
    let (job, faults) = the_job(&source);
    assert_eq!(job.times(Lifecycle::Lost), vec![cut]);
    assert_eq!(faults.expect("faults").lost, 1);
}

#[test]
fn new_transfers_take_the_detour_during_a_cut_and_fail_without_one() {
    // `ab` cut from 1 h to 20 h covers the arrival: the whole 4 TB go a-c-b at 0.5 byte/ns.
    let (job, faults) = the_job(&triangle(true, "", &cut_of("ab", HOUR, "19h")));
    let t0 = job.events[0].0;
    assert_eq!(job.times(Lifecycle::Started), vec![t0 + 8_000 * SECOND + 15 * MILLISECOND]);
    assert_eq!(faults.expect("faults").cuts[0].rerouted, 0, "no flow was on the link when it was cut");
    // Without the detour the placement's transfer fails at once; the retry after 10 h finds
    // the link repaired (at 20 h) and moves the data directly.
    let source = triangle(false, "failure = { backoff = \"10h\" }", &cut_of("ab", HOUR, "19h"));
    let (job, faults) = the_job(&source);
    assert_eq!(job.times(Lifecycle::Failed), vec![t0]);
    assert_eq!(job.times(Lifecycle::Started), vec![t0 + 10 * HOUR + DIRECT + 10 * MILLISECOND]);
    let faults = faults.expect("faults");
    assert_eq!((faults.unroutable, faults.retried), (1, 1));
}

#[test]
fn random_cuts_are_deterministic_and_reported() {
    let source = triangle(true, "", "[[faults.cuts]]\nlink = \"ab\"\nmtbf = \"3h\"\nmttr = \"1h\"");
    let scenario = parse(&source.replace("1/100h", "1/h"));
    let (_, a) = crate::helpers::run(&scenario);
    let (_, b) = crate::helpers::run(&scenario);
    let render = |r| serde_json::to_string(&crate::helpers::without_wall_clock(&cnsim::report::json::render(r)));
    assert_eq!(render(&a).unwrap(), render(&b).unwrap());
    let faults = a.faults.as_ref().expect("faults section");
    assert_eq!(faults.link_cuts.len(), 1);
    let ab = &faults.link_cuts[0];
    assert_eq!(ab.link, "ab");
    // About a quarter of the 71 h window down.
    assert!(ab.cuts > 5 && ab.cut_hours > 5.0 && ab.cut_hours < 40.0, "{ab:?}");
    assert_eq!(faults.transfers_without_route, Some(0));
    assert!(ab.flows_rerouted > 0 && ab.flows_failed == 0, "the detour is always there: {ab:?}");
    let text = cnsim::report::text::render(&a);
    assert!(text.contains("rerouted") && text.contains("transfers without a route 0"), "{text}");
}

#[test]
fn bad_cuts_are_named() {
    let cases = [
        (cut_of("zz", 0, "1h"), vec!["faults.cuts[0].link", "unknown link id \"zz\"", "ab"]),
        (cut_of("ab", 0, "0s"), vec!["faults.cuts[0].duration", "must be positive"]),
        (
            "[[faults.cuts]]\nlink = \"ab\"\nstart = \"1h\"".to_string(),
            vec!["faults.cuts[0]", "`start` and `duration`"],
        ),
    ];
    for (i, (cut, expected)) in cases.iter().enumerate() {
        let source = triangle(true, "", cut);
        let err = cnsim::scenario::Scenario::parse(&source, "bad.toml").unwrap_err().to_string();
        for fragment in expected {
            assert!(err.contains(fragment), "case {i}: {err:?} lacks {fragment:?}");
        }
        assert!(err.starts_with("bad.toml"), "{err}");
    }
    // Cuts need the flow model.
    let delay = triangle(false, "", &cut_of("ab", 0, "1h")).replace("model = \"flow\"", "model = \"delay\"");
    let err = cnsim::scenario::Scenario::parse(&delay, "bad.toml").unwrap_err().to_string();
    assert!(err.contains("faults.cuts[0].link") && err.contains("flow network model"), "{err}");
}

#[test]
fn the_command_line_refuses_a_cut_of_an_unknown_link() {
    let source = triangle(true, "", &cut_of("zz", 0, "1h"));
    let line = source.lines().position(|l| l.contains("link = \"zz\"")).expect("the cut's link line") + 1;
    let at = format!("bad.toml:{line}");
    crate::bad_input::rejects_with_files(
        "cut-unknown-link",
        &source,
        &[],
        &[&at, "faults.cuts[0].link", "unknown link id \"zz\"", "known links: ab, ac, cb"],
    );
}

#[test]
fn overlapping_random_cuts_keep_every_job_and_byte_accounted() {
    // Cuts of `ab` and `ac` overlap now and then, leaving no way at all: flows are rerouted,
    // fail and retry. Debug builds check each link's bytes after every event; the tracker
    // checks that every job ends exactly once.
    let cuts = "[[faults.cuts]]\nlink = \"ab\"\nmtbf = \"3h\"\nmttr = \"1h\"\n\
                [[faults.cuts]]\nlink = \"ac\"\nmtbf = \"5h\"\nmttr = \"1h\"";
    let scenario = parse(&triangle(true, "", cuts).replace("1/100h", "1/h"));
    let mut tracker = Tracker::default();
    let (recorder, in_flight) = run_tracked(&scenario, None, &mut tracker);
    assert_conserved(&tracker, &recorder, in_flight, "overlapping cuts");
    let faults = recorder.faults.expect("faults");
    let (ab, ac) = (faults.cuts[0], faults.cuts[1]);
    assert_eq!((ab.link, ac.link), (0, 1));
    assert!(ab.rerouted > 0 && ab.failed > 0 && faults.unroutable > 0, "{faults:?}");
}
