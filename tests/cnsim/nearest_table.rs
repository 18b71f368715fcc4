//! The engine answers `nearest` from its per-(class, origin) table; that shortcut must give
//! exactly the decisions of the policy asked through a view, also when outages take pools down.

use cnsim::rng::SimRng;
use cnsim::scheduler::nearest::Nearest;
use cnsim::scheduler::{BuiltPolicy, Decision, JobRequest, Scheduler, SchedulerSpec, View};

use crate::helpers::{run, shipped, without_wall_clock};

/// `nearest` without the shortcut: every decision goes through the view.
struct ThroughTheView(Nearest);

impl Scheduler for ThroughTheView {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        self.0.decide(job, view, rng)
    }
}

/// The report of `scenario` under `nearest`, through the table or through the view.
fn report(name: &str, through_the_view: bool) -> serde_json::Value {
    let mut scenario = shipped(name);
    scenario.scheduler = SchedulerSpec::named("nearest");
    if through_the_view {
        assert!(!ThroughTheView(Nearest).picks_nearest() && Nearest.picks_nearest());
        scenario.policy = BuiltPolicy::new(&scenario.scheduler, &scenario.hubs, Box::new(ThroughTheView(Nearest)));
    }
    let (_, report) = run(&scenario);
    without_wall_clock(&serde_json::to_string(&report).expect("serialisable"))
}

#[test]
fn the_nearest_table_decides_as_the_policy_does_under_outages_and_round_trip_limits() {
    // outage.toml takes pools down and shrinks them, and has a class with a 10 ms round-trip
    // limit; small.toml is the plain case.
    for name in ["outage.toml", "small.toml"] {
        let (table, view) = (report(name, false), report(name, true));
        assert!(table["jobs"]["completed"].as_u64().unwrap_or(1) > 0);
        assert_eq!(table, view, "{name}: the table and the policy disagree");
    }
}
