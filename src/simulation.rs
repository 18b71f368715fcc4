//! One run, end to end: scenario -> world -> engine (with its scheduler) -> recorder.

use std::time::Instant;

use crate::engine::{Engine, JobSink};
use crate::load_check::{LoadCheck, TraceBasis, TraceWork};
use crate::metrics::Recorder;
use crate::model::World;
use crate::report::{RunReport, WallClock};
use crate::scenario::Scenario;
use crate::scheduler;
use crate::time::{SimTime, format_duration};
use crate::workload::trace::{self, TraceError, TraceStats};

/// What a finished run leaves behind.
pub struct RunOutput {
    /// The world the run used.
    pub world: World,
    /// Every statistic of the run.
    pub recorder: Recorder,
    /// Wall time of the event loop.
    pub wall: WallClock,
    /// What the trace sources read (`None` without traces).
    pub traces: Option<TraceStats>,
}

impl RunOutput {
    /// The report of this run.
    pub fn report(&self, scenario: &Scenario) -> RunReport {
        let mut report = RunReport::build(scenario, &self.world, &self.recorder, self.wall);
        report.traces = self.traces.as_ref().map(crate::report::TraceReport::of);
        if let Some(stats) = &self.traces {
            let work = TraceWork { stats, window: scenario.run.duration, basis: TraceBasis::Submitted };
            report.load_check = LoadCheck::with_traces(&self.world, Some(&work));
        }
        report
    }
}

/// Why a run could not give a report.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The scenario's scheduler could not be built.
    #[error(transparent)]
    Scheduler(#[from] scheduler::SchedulerError),
    /// A trace cannot be read (bad input: nothing is written).
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// Jobs piled up to the cap on jobs in flight: the offered load exceeds what the hubs serve.
    #[error(
        "overloaded: {cap} jobs were in flight at {} of a {} run, the cap on jobs in flight \
         (--max-in-flight {cap}); the offered load exceeds what the hubs can serve (see `cnsim validate`): \
         shorten the run, lower the rates, add capacity, or raise the cap",
        format_duration(*at),
        format_duration(*duration)
    )]
    Overloaded {
        /// The cap.
        cap: usize,
        /// When it was reached.
        at: SimTime,
        /// The run's length.
        duration: SimTime,
    },
}

/// Runs `scenario` to the end.
pub fn simulate(scenario: &Scenario) -> Result<RunOutput, RunError> {
    Ok(simulate_with_progress(scenario, |_, _| true)?.expect("a run that is never stopped finishes"))
}

/// Runs `scenario`, calling `progress(now, end)` about 200 times along the way; the run stops
/// (and `None` is returned) as soon as `progress` returns false.
pub fn simulate_with_progress(
    scenario: &Scenario,
    progress: impl FnMut(SimTime, SimTime) -> bool,
) -> Result<Option<RunOutput>, RunError> {
    simulate_with(scenario, None, progress)
}

/// As [`simulate_with_progress`], sending each job's record to `jobs` as the job ends.
pub fn simulate_with(
    scenario: &Scenario,
    jobs: Option<Box<dyn JobSink>>,
    mut progress: impl FnMut(SimTime, SimTime) -> bool,
) -> Result<Option<RunOutput>, RunError> {
    let world = scenario.world();
    let policy = match scenario.policy.take(&scenario.scheduler, &scenario.hubs) {
        Some(policy) => policy,
        None => scheduler::build(&scenario.scheduler, &scenario.hubs)?,
    };
    let sources = trace::open_all(&scenario.traces, scenario.run.seed, jobs.is_some())?
        .into_iter()
        .map(|source| source.until(scenario.run.duration))
        .collect();
    let started = Instant::now();
    let (recorder, traces) = {
        let mut engine = Engine::new(&world, scenario.run.clone(), policy);
        engine.add_traces(sources);
        if let Some(sink) = jobs {
            engine.log_jobs(sink);
        }
        let end = engine.end();
        let step = (end / 200).max(1);
        let mut until = 0;
        while until < end {
            until = until.saturating_add(step).min(end);
            engine.run_until(until);
            if let Some(e) = engine.trace_error() {
                return Err(e.clone().into());
            }
            if let Some(at) = engine.overloaded_at() {
                return Err(RunError::Overloaded { cap: scenario.run.max_in_flight, at, duration: end });
            }
            if !progress(until, end) {
                return Ok(None);
            }
        }
        let traces = engine.trace_stats();
        (engine.finish(), traces)
    };
    let wall = WallClock { seconds: started.elapsed().as_secs_f64() };
    Ok(Some(RunOutput { world, recorder, wall, traces }))
}
