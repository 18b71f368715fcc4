//! Interruptible jobs at run time: the runs a policy planned for each (see
//! [`Scheduler::take_slots`](crate::scheduler::Scheduler::take_slots)), where each is in them,
//! and what it has run so far.
//!
//! A job with more than one run is suspended at the end of each run but the last: its units
//! are freed (a suspended job holds none), the work it did is kept, as by a checkpoint that
//! saves everything (its remaining runtime shrinks by the time it ran, in exact ns), and it
//! stays at its hub. At the start of its next run it resumes: the class's checkpoint overhead
//! is added to its remaining runtime and it joins its pool's queue again (it may wait there).
//! A run that starts after its planned end (it waited in the queue) moves on to the next; the
//! last run lasts until the work is done. When the job finishes, its start is its first run's
//! (since its last placement) and its runtime the time it ran in all of them, overheads
//! included.

use crate::engine::{Engine, EventKind, Lifecycle, MeterChange, Observer};
use crate::model::{Job, World};
use crate::time::{SimDuration, SimTime};

/// What is kept about the job at a key.
#[derive(Clone, Debug, Default)]
struct Plan {
    /// The planned runs, earliest first (empty: one piece).
    runs: Vec<(SimTime, SimTime)>,
    /// The run in progress or next.
    current: usize,
    /// Whether it is suspended now (its pending `Retry` event resumes it).
    suspended: bool,
    /// When its first run started.
    first_start: Option<SimTime>,
    /// Time run in the runs that ended in a suspension.
    ran: SimDuration,
}

/// The engine's interruptible jobs (present only when some class is interruptible).
#[derive(Debug, Default)]
pub struct Suspensions {
    jobs: Vec<Plan>,
}

impl Suspensions {
    /// The runtime for `world`; `None` when no class is interruptible.
    pub fn new(world: &World) -> Option<Box<Self>> {
        world.classes.iter().any(|c| c.interruptible.is_some()).then(Box::default)
    }

    /// A new job entered at `key`.
    pub fn submitted(&mut self, key: usize) {
        if self.jobs.len() <= key {
            self.jobs.resize(key + 1, Plan::default());
        }
        self.jobs[key] = Plan::default();
    }

    /// The job at `key` was placed with these runs (`None`: one piece). A job placed again
    /// (after a failure, or handed back) counts its start from its next run.
    pub fn placed(&mut self, key: usize, runs: Option<Vec<(SimTime, SimTime)>>) {
        let plan = &mut self.jobs[key];
        plan.runs = runs.unwrap_or_default();
        plan.current = 0;
        plan.first_start = None;
    }

    /// The job at `key` starts a run at `now` with `runtime` left: when to suspend it, if
    /// before it finishes.
    pub fn started(&mut self, key: usize, now: SimTime, runtime: SimDuration) -> Option<SimTime> {
        let plan = &mut self.jobs[key];
        plan.first_start.get_or_insert(now);
        while plan.current + 1 < plan.runs.len() && plan.runs[plan.current].1 <= now {
            plan.current += 1;
        }
        let end = plan.runs.get(plan.current).filter(|_| plan.current + 1 < plan.runs.len())?.1;
        (now.saturating_add(runtime) > end).then_some(end)
    }

    /// The job at `key` is suspended after running `ran`: returns when it resumes.
    pub fn suspended(&mut self, key: usize, ran: SimDuration) -> SimTime {
        let plan = &mut self.jobs[key];
        plan.ran += ran;
        plan.current += 1;
        plan.suspended = true;
        plan.runs[plan.current].0
    }

    /// Whether the `Retry` event of the job at `key` resumes it (rather than asks the
    /// scheduler); clears the mark.
    pub fn take_resume(&mut self, key: usize) -> bool {
        std::mem::take(&mut self.jobs[key].suspended)
    }

    /// The job at `key` finished its last run: its start becomes its first run's and its
    /// runtime the time it ran in all its runs.
    pub fn finished(&self, key: usize, job: &mut Job) {
        let plan = &self.jobs[key];
        if let Some(first) = plan.first_start {
            job.start = first;
        }
        job.runtime += plan.ran;
    }
}

impl<O: Observer> Engine<'_, O> {
    /// The run of interruptible job `key` reaches its planned end: its units are freed, its
    /// work so far kept, and it resumes at the start of its next run.
    #[cold]
    #[inline(never)]
    pub(super) fn on_suspend(&mut self, key: usize) {
        if let Some(faults) = &mut self.faults {
            if faults.take_stale(self.now, key) {
                return;
            }
            faults.run_ended(key, &self.jobs[key], self.now);
        }
        let (hub, pool) = self.free_units(key, MeterChange::Suspend);
        let job = &mut self.jobs[key];
        let ran = self.now - job.start;
        job.runtime -= ran;
        let (class, measured) = (job.class, job.measured);
        let resume = self.suspensions.as_mut().expect("suspensions only of interruptible jobs").suspended(key, ran);
        self.queue.push(resume, EventKind::Retry(key as u32));
        self.recorder.suspended(class, measured);
        self.observer.on(self.now, key, Lifecycle::Suspended);
        self.start_queued(hub, pool);
    }

    /// Suspended job `key` resumes: its checkpoint overhead is added to the work left and it
    /// joins its pool's queue at its hub again.
    #[cold]
    #[inline(never)]
    pub(super) fn resume(&mut self, key: usize) {
        let job = &mut self.jobs[key];
        job.runtime += self.world.classes[job.class as usize].interruptible.unwrap_or(0);
        self.observer.on(self.now, key, Lifecycle::Resumed);
        self.join_pool(key);
    }
}
