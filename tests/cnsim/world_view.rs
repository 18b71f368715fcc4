//! `cnsim hubs SCENARIO`: a user sees their own world: hubs, regions with coordinates, the
//! latency matrices, and per class which hubs it can reach and why not the others.

use crate::helpers::{cnsim, stderr, stdout};

#[test]
fn why_hubs_shows_the_scenarios_own_world_and_each_class_reach() {
    // `cnsim hubs` used to print only the preset.
    let output = cnsim(&["hubs", "scenarios/small.toml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for fragment in [
        "east-a ",
        "west ",
        "demand regions and round trip to each hub, ms",
        "north                39.90   116.40",
        "class \"interactive\" (intelligent pool, round trip <= 10 ms",
        "west               unreachable: round trip from every origin above the limit of 10 ms (shortest 21.1 ms)",
        "east-a             reachable from north; not from south (22.4 ms)",
        "east-b             reachable from north, south: jobs above 48 units (the pool's size) never fit",
    ] {
        assert!(text.contains(fragment), "missing {fragment:?} in:\n{text}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&cnsim(&["hubs", "scenarios/small.toml", "--format", "json"]))).unwrap();
    assert_eq!(json["hubs"].as_array().unwrap().len(), 3);
    assert_eq!(json["regions"][1]["id"], "south");
    assert_eq!(json["region_round_trip_ms"].as_array().unwrap().len(), 2);
    let interactive = &json["classes"][0];
    assert_eq!(interactive["class"], "interactive");
    assert_eq!(interactive["hubs"][2]["reachable_from"].as_array().unwrap().len(), 0);
    // A bad scenario is refused like everywhere else.
    let bad = cnsim(&["hubs", "no/such.toml"]);
    assert_eq!(bad.status.code(), Some(2));
    // The preset view still works without a scenario.
    assert!(stdout(&cnsim(&["hubs"])).contains("national total"));
}
