//! A lifecycle observer that follows every job by an id of its own, independently of the
//! recorder, and checks each step of its life is one the model allows.

use std::collections::BTreeMap;

use cnsim::engine::{Engine, Lifecycle, Observer};
use cnsim::metrics::Recorder;
use cnsim::scenario::Scenario;
use cnsim::scheduler::{self, SchedulerSpec};
use cnsim::time::SimTime;

/// Where a job is in its life, as the tracker sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for a decision (new, deferred, retried or handed back).
    Deciding,
    /// Placed; its input is moving or it waits in a queue.
    Placed,
    /// Running.
    Running,
    /// Suspended (an interruptible job between its runs): holds no units.
    Suspended,
    /// Its run ended; its output may be on the way home.
    RunEnded,
    /// Its run was killed; retried or lost next.
    Failed,
    /// Ended as finished.
    Finished,
    /// Ended as rejected.
    Rejected,
    /// Ended as lost.
    Lost,
}

/// One job's history.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Every event with its time.
    pub events: Vec<(SimTime, Lifecycle)>,
    /// Where it is now.
    pub phase: Phase,
}

impl Trace {
    /// Times of the events of `kind` (placements compared by variant only).
    pub fn times(&self, kind: Lifecycle) -> Vec<SimTime> {
        let same = |e: &Lifecycle| std::mem::discriminant(e) == std::mem::discriminant(&kind);
        self.events.iter().filter(|(_, e)| same(e)).map(|&(t, _)| t).collect()
    }

    /// Hubs it was placed at, in order.
    pub fn hubs(&self) -> Vec<u16> {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                Lifecycle::Placed { hub } => Some(*hub),
                _ => None,
            })
            .collect()
    }
}

/// Follows every job; panics on a step the lifecycle does not allow.
#[derive(Default)]
pub struct Tracker {
    /// Job id (in submission order) at each engine key in use.
    live: BTreeMap<usize, usize>,
    /// Every job's history, by id.
    pub jobs: Vec<Trace>,
    /// Called on every placement with (time, hub): a test's independent rule of where jobs may go.
    pub on_place: Option<Box<dyn Fn(SimTime, u16)>>,
}

impl Tracker {
    /// A tracker that calls `check(time, hub)` on every placement.
    pub fn checking_placements(check: impl Fn(SimTime, u16) + 'static) -> Self {
        Tracker { on_place: Some(Box::new(check)), ..Tracker::default() }
    }

    /// Jobs that ended in `phase`, or are in it at the end.
    pub fn count(&self, phase: Phase) -> u64 {
        self.jobs.iter().filter(|j| j.phase == phase).count() as u64
    }

    /// Jobs not ended.
    pub fn in_flight(&self) -> u64 {
        self.live.len() as u64
    }

    /// The next phase of a job in `from` after `event`, or `None` when the step is not allowed.
    fn step(from: Phase, event: Lifecycle) -> Option<Phase> {
        use Lifecycle as E;
        use Phase as P;
        match (from, event) {
            (P::Deciding, E::Placed { .. }) => Some(P::Placed),
            (P::Deciding, E::Deferred) => Some(P::Deciding),
            (P::Deciding, E::Rejected) => Some(P::Rejected),
            (P::Placed, E::Started) => Some(P::Running),
            (P::Placed, E::HandedBack) => Some(P::Deciding),
            // A transfer the link cuts leave without a route (input or output).
            (P::Placed | P::RunEnded, E::Failed) => Some(P::Failed),
            (P::Running, E::RunEnded) => Some(P::RunEnded),
            (P::Running, E::Failed) => Some(P::Failed),
            (P::Running, E::Suspended) => Some(P::Suspended),
            (P::Suspended, E::Resumed) => Some(P::Placed),
            (P::RunEnded, E::Finished) => Some(P::Finished),
            (P::Failed, E::Retried) => Some(P::Deciding),
            (P::Failed, E::Lost) => Some(P::Lost),
            _ => None,
        }
    }
}

impl Observer for Tracker {
    fn on(&mut self, now: SimTime, key: usize, event: Lifecycle) {
        if event == Lifecycle::Submitted {
            let id = self.jobs.len();
            assert!(self.live.insert(key, id).is_none(), "key {key} submitted again while its job {id} lives");
            self.jobs.push(Trace { events: vec![(now, event)], phase: Phase::Deciding });
            return;
        }
        let id = *self.live.get(&key).unwrap_or_else(|| panic!("{event:?} at {now} for key {key}, which holds no job"));
        if let (Lifecycle::Placed { hub }, Some(check)) = (event, &self.on_place) {
            check(now, hub);
        }
        let job = &mut self.jobs[id];
        let last = job.events.last().map_or(0, |&(t, _)| t);
        assert!(now >= last, "job {id}: {event:?} at {now} before its previous event at {last}");
        job.phase = Tracker::step(job.phase, event)
            .unwrap_or_else(|| panic!("job {id}: {event:?} at {now} not allowed after {:?}", job.events));
        job.events.push((now, event));
        if matches!(job.phase, Phase::Finished | Phase::Rejected | Phase::Lost) {
            self.live.remove(&key);
        }
    }
}

/// Runs `scenario` (under `policy`, or its own) with `tracker` watching; returns the recorder
/// and the engine's count of jobs in flight at the end.
pub fn run_tracked(scenario: &Scenario, policy: Option<&str>, tracker: &mut Tracker) -> (Recorder, usize) {
    let world = scenario.world();
    let spec = policy.map_or_else(|| scenario.scheduler.clone(), SchedulerSpec::named);
    let policy = scheduler::build(&spec, &scenario.hubs).expect("known policy");
    let mut engine = Engine::with_observer(&world, scenario.run.clone(), policy, tracker);
    engine.run_until(scenario.run.duration);
    let in_flight = engine.in_flight();
    (engine.finish(), in_flight)
}

/// Checks that the tracker's independent account agrees with the recorder's: every job ended
/// exactly once as finished, rejected or lost, or is in flight, and the counts match.
pub fn assert_conserved(tracker: &Tracker, recorder: &Recorder, in_flight: usize, what: &str) {
    let total = recorder.total();
    let warm = recorder.warmup_counters;
    assert_eq!(tracker.jobs.len() as u64, total.submitted + warm.submitted, "{what}: submitted");
    assert_eq!(tracker.count(Phase::Finished), total.finished + warm.finished, "{what}: finished");
    assert_eq!(tracker.count(Phase::Rejected), total.rejected() + warm.rejected(), "{what}: rejected");
    assert_eq!(tracker.count(Phase::Lost), total.lost + warm.lost, "{what}: lost");
    assert_eq!(tracker.in_flight(), in_flight as u64, "{what}: in flight");
    let ended = tracker.count(Phase::Finished) + tracker.count(Phase::Rejected) + tracker.count(Phase::Lost);
    assert_eq!(ended + tracker.in_flight(), tracker.jobs.len() as u64, "{what}: every job ends once or is in flight");
    for (id, job) in tracker.jobs.iter().enumerate() {
        let ends = job
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Lifecycle::Finished | Lifecycle::Rejected | Lifecycle::Lost))
            .count();
        assert!(ends <= 1, "{what}: job {id} ended {ends} times: {:?}", job.events);
    }
}
