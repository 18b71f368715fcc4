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
    simulate_with_progress(scenario, |_, _| {})
}

/// Runs `scenario`, calling `progress(now, end)` about 200 times along the way.
pub fn simulate_with_progress(
    scenario: &Scenario,
    mut progress: impl FnMut(SimTime, SimTime),
) -> Result<RunOutput, scheduler::SchedulerError> {
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
            progress(until, end);
        }
        engine.finish()
    };
    let wall = WallClock { seconds: started.elapsed().as_secs_f64() };
    Ok(RunOutput { world, recorder, wall })
}
