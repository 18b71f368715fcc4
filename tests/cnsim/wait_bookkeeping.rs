//! The engine keeps the work aggregates behind wait estimates only for policies that read
//! them: a policy that reads them gets them, and no report depends on them otherwise.

use std::sync::{Arc, Mutex};

use cnsim::rng::SimRng;
use cnsim::scheduler::nearest::Nearest;
use cnsim::scheduler::{BuiltPolicy, Decision, JobRequest, Scheduler, SchedulerSpec, View};

use crate::helpers::{run, shipped, without_wall_clock};

/// `nearest` that also reads every hub's wait estimate at each decision (it keeps the sum of
/// the estimates and how many were positive).
struct Estimating(Nearest, Arc<Mutex<(u128, usize)>>);

impl Scheduler for Estimating {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision {
        let mut seen = self.1.lock().expect("not poisoned");
        for hub in view.eligible_hubs(job) {
            let estimate = view.wait_estimate(job, hub);
            seen.0 += u128::from(estimate);
            seen.1 += usize::from(estimate > 0);
        }
        self.0.decide(job, view, rng)
    }
}

#[test]
fn a_policy_that_reads_wait_estimates_gets_them_and_reports_do_not_depend_on_them() {
    let mut scenario = shipped("small.toml");
    scenario.scheduler = SchedulerSpec::named("nearest");
    assert!(!Nearest.reads_wait_estimates());
    let plain = without_wall_clock(&serde_json::to_string(&run(&scenario).1).expect("serialisable"));
    let seen = Arc::new(Mutex::new((0, 0)));
    let estimating = Estimating(Nearest, Arc::clone(&seen));
    assert!(estimating.reads_wait_estimates(), "the default is to keep them");
    scenario.policy = BuiltPolicy::new(&scenario.scheduler, &scenario.hubs, Box::new(estimating));
    // In a debug build, reading an estimate from a pool without the aggregates panics.
    let reading = without_wall_clock(&serde_json::to_string(&run(&scenario).1).expect("serialisable"));
    assert_eq!(plain, reading, "the same decisions, the same report, aggregates kept or not");
    let (sum, positive) = *seen.lock().expect("not poisoned");
    assert!(sum > 0 && positive > 0, "small.toml queues jobs, so some estimates are positive");
}
