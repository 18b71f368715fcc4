//! One run, end to end: scenario -> world -> engine (with its scheduler) -> recorder.

use std::time::Instant;

use crate::engine::Engine;
use crate::metrics::Recorder;
use crate::model::World;
use crate::report::{RunReport, WallClock};
use crate::scenario::Scenario;
use crate::scheduler;
use crate::time::SimTime;

/// What a finished run leaves behind.
pub struct RunOutput {
    /// The world the run used.
    pub world: World,
    /// Every statistic of the run.
    pub recorder: Recorder,
    /// Wall time of the event loop.
    pub wall: WallClock,
}

impl RunOutput {
    /// The report of this run.
    pub fn report(&self, scenario: &Scenario) -> RunReport {
        RunReport::build(scenario, &self.world, &self.recorder, self.wall)
    }
}

/// Runs `scenario` to the end.
pub fn simulate(scenario: &Scenario) -> Result<RunOutput, scheduler::SchedulerError> {
    Ok(simulate_with_progress(scenario, |_, _| true)?.expect("a run that is never stopped finishes"))
}

/// Runs `scenario`, calling `progress(now, end)` about 200 times along the way; the run stops
/// (and `None` is returned) as soon as `progress` returns false.
pub fn simulate_with_progress(
    scenario: &Scenario,
    mut progress: impl FnMut(SimTime, SimTime) -> bool,
) -> Result<Option<RunOutput>, scheduler::SchedulerError> {
    let world = scenario.world();
    let policy = scheduler::build(&scenario.scheduler, &scenario.hubs)?;
    let started = Instant::now();
    let recorder = {
        let mut engine = Engine::new(&world, scenario.run.clone(), policy);
        let end = engine.end();
        let step = (end / 200).max(1);
        let mut until = 0;
        while until < end {
            until = until.saturating_add(step).min(end);
            engine.run_until(until);
            if !progress(until, end) {
                return Ok(None);
            }
        }
        engine.finish()
    };
    let wall = WallClock { seconds: started.elapsed().as_secs_f64() };
    Ok(Some(RunOutput { world, recorder, wall }))
}
