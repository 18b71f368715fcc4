//! Faults at run time: outage processes on their own streams, pool capacities under outages,
//! each job's attempts, and the engine's handling of killed runs and failed pools.
//!
//! An outage that leaves a pool fewer units than its running jobs hold kills runs, the most
//! recently started first (they lose the least work), until the rest fit. Queued jobs that no
//! longer fit, and jobs arriving at a pool that cannot take them, are handed back to the
//! scheduler at once. A killed run's job is retried after a backoff or lost, by its class's
//! rule; with checkpoints, a retry runs only the work left after the last checkpoint. A killed
//! run's pending finish (or failure) event stays in the queue and is skipped when it fires.

use std::collections::BTreeMap;

use rand::RngExt;
use rand_distr::{Distribution as _, Exp1};

use crate::engine::cuts::CutRuntime;
use crate::engine::lifecycle::{Lifecycle, Observer};
use crate::engine::{Engine, EventKind, EventQueue, JobState, JobTable, MeterChange};
use crate::metrics::{FaultRecord, PoolAvailability};
use crate::model::{FailureRule, Job, JobHazard, OutageTiming, World};
use crate::rng::{SimRng, Stream, stream};
use crate::time::{SimDuration, SimTime};

/// One outage process and whether it is in progress.
#[derive(Debug)]
struct Process {
    hub: usize,
    pools: [bool; 2],
    lost: f64,
    timing: OutageTiming,
    rng: SimRng,
    active: bool,
}

/// What the fault runtime keeps about the job at a key.
#[derive(Clone, Copy, Debug, Default)]
struct Attempts {
    /// Runs killed so far.
    failures: u32,
    /// Whether a run holds units now.
    holding: bool,
    /// When the current run's pending finish or failure event fires.
    end: SimTime,
    /// Running time saved by checkpoints over all killed runs.
    saved: SimDuration,
}

/// The engine's fault state (present only when the world has outages or failing classes).
#[derive(Debug)]
pub struct FaultRuntime {
    processes: Vec<Process>,
    nominal: Vec<[u32; 2]>,
    /// Per pool, the processes in progress.
    active: Vec<[Vec<u32>; 2]>,
    /// Pools below their nominal capacity now.
    degraded: usize,
    last_change: Vec<[SimTime; 2]>,
    warmup: SimTime,
    jobs: Vec<Attempts>,
    /// Pending events of killed runs, (time, key) -> how many: skipped when they fire.
    stale: BTreeMap<(SimTime, u32), u32>,
    /// Per class with a hazard, its failure stream.
    hazards: Vec<Option<SimRng>>,
    pub(super) record: FaultRecord,
    /// Link cuts (`None` when the world has none).
    pub(super) cuts: Option<Box<CutRuntime>>,
}

/// An exponential draw with mean `mean` ns, rounded to whole nanoseconds.
fn exponential(rng: &mut SimRng, mean: SimDuration) -> SimDuration {
    // The same call as the workload's arrivals (one instance of the sampler for both).
    let e: f64 = Exp1.sample(rng);
    (e * mean as f64).round() as SimDuration
}

/// When a process of `timing` first changes (starts).
pub(super) fn first_change(timing: OutageTiming, rng: &mut SimRng) -> SimTime {
    match timing {
        OutageTiming::Scheduled { start, .. } => start,
        OutageTiming::Random { mtbf, .. } => exponential(rng, mtbf),
    }
}

/// When a process of `timing` that became `active` (or ended) at `now` changes next.
pub(super) fn next_change(timing: OutageTiming, active: bool, now: SimTime, rng: &mut SimRng) -> Option<SimTime> {
    match (timing, active) {
        (OutageTiming::Scheduled { duration, .. }, true) => Some(now.saturating_add(duration)),
        (OutageTiming::Scheduled { .. }, false) => None,
        (OutageTiming::Random { mttr, .. }, true) => Some(now.saturating_add(exponential(rng, mttr))),
        (OutageTiming::Random { mtbf, .. }, false) => Some(now.saturating_add(exponential(rng, mtbf))),
    }
}

impl FaultRuntime {
    /// The runtime for `world`, with each outage's first event queued; `None` when nothing in
    /// the world can fail.
    pub fn new(world: &World, seed: u64, warmup: SimTime, end: SimTime, queue: &mut EventQueue) -> Option<Box<Self>> {
        let hazards: Vec<Option<SimRng>> = (world.classes.iter().enumerate())
            .map(|(i, c)| (c.failure.hazard != JobHazard::None).then(|| stream(seed, Stream::JobFailure(i as u32))))
            .collect();
        if world.faults.outages.is_empty() && world.faults.cuts.is_empty() && hazards.iter().all(Option::is_none) {
            return None;
        }
        let mut processes: Vec<Process> = (world.faults.outages.iter().enumerate())
            .map(|(i, o)| Process {
                hub: o.hub as usize,
                pools: o.pools,
                lost: o.lost,
                timing: o.timing,
                rng: stream(seed, Stream::Outage(i as u32)),
                active: false,
            })
            .collect();
        for (i, p) in processes.iter_mut().enumerate() {
            let first = first_change(p.timing, &mut p.rng);
            if first < end {
                queue.push(first, EventKind::Fault(i as u32));
            }
        }
        let nominal: Vec<[u32; 2]> = world.hubs.iter().map(|h| h.capacity).collect();
        let pools = nominal.iter().map(|n| n.map(|c| PoolAvailability { nominal: c, ..PoolAvailability::default() }));
        Some(Box::new(FaultRuntime {
            processes,
            active: vec![[Vec::new(), Vec::new()]; nominal.len()],
            last_change: vec![[0; 2]; nominal.len()],
            record: FaultRecord { pools: pools.collect(), ..FaultRecord::default() },
            cuts: CutRuntime::new(world, seed, warmup, end, queue),
            nominal,
            degraded: 0,
            warmup,
            jobs: Vec::new(),
            stale: BTreeMap::new(),
            hazards,
        }))
    }

    /// Whether some pool is below its nominal capacity now.
    #[inline]
    pub fn degraded(&self) -> bool {
        self.degraded > 0
    }

    /// Starts or ends outage process `i` at `now`, queues its next change (before `end`), and
    /// returns the pools it hits as (hub, pool index).
    fn toggle(&mut self, i: usize, now: SimTime, end: SimTime, queue: &mut EventQueue) -> Vec<(usize, usize)> {
        let p = &mut self.processes[i];
        p.active = !p.active;
        let next = next_change(p.timing, p.active, now, &mut p.rng);
        if let Some(t) = next.filter(|&t| t < end) {
            queue.push(t, EventKind::Fault(i as u32));
        }
        let (hub, active) = (p.hub, p.active);
        let hit: Vec<usize> = (0..2).filter(|&pool| p.pools[pool]).collect();
        for &pool in &hit {
            let list = &mut self.active[hub][pool];
            if active {
                list.push(i as u32);
                if now >= self.warmup {
                    self.record.pools[hub][pool].outages += 1;
                }
            } else {
                list.retain(|&j| j as usize != i);
            }
        }
        hit.into_iter().map(|pool| (hub, pool)).collect()
    }

    /// The units of a pool usable under the outages in progress (the largest share lost wins).
    pub fn capacity(&self, hub: usize, pool: usize) -> u32 {
        let lost = self.active[hub][pool].iter().map(|&i| self.processes[i as usize].lost).fold(0.0, f64::max);
        let nominal = self.nominal[hub][pool];
        if lost >= 1.0 { 0 } else { ((f64::from(nominal) * (1.0 - lost)) + 1e-9).floor() as u32 }
    }

    /// Notes that a pool's usable units change from `old` to `new` at `now`.
    fn capacity_changed(&mut self, hub: usize, pool: usize, now: SimTime, old: u32, new: u32) {
        let nominal = self.nominal[hub][pool];
        self.record.pools[hub][pool].account(self.warmup, self.last_change[hub][pool], now, old);
        self.last_change[hub][pool] = now;
        match (old < nominal, new < nominal) {
            (false, true) => self.degraded += 1,
            (true, false) => self.degraded -= 1,
            _ => {}
        }
    }

    /// A new job entered at `key`.
    #[inline]
    pub fn submitted(&mut self, key: usize) {
        if self.jobs.len() <= key {
            self.jobs.resize(key + 1, Attempts::default());
        }
        self.jobs[key] = Attempts::default();
    }

    /// The job at `key` starts a run of `runtime` at `now`: when and how it ends (a finish,
    /// or its own failure drawn from its class's stream).
    #[inline]
    pub fn started(
        &mut self,
        key: usize,
        class: usize,
        rule: &FailureRule,
        now: SimTime,
        runtime: SimDuration,
    ) -> (SimTime, EventKind) {
        let fails_after = match (rule.hazard, self.hazards[class].as_mut()) {
            (JobHazard::Rate { mtbf }, Some(rng)) => Some(exponential(rng, mtbf)).filter(|&t| t < runtime),
            (JobHazard::Probability(p), Some(rng)) => {
                let (fails, at): (f64, f64) = (rng.random(), rng.random());
                (fails < p).then_some((at * runtime as f64) as SimDuration)
            }
            _ => None,
        };
        let (end, event) = match fails_after {
            Some(after) => (now + after, EventKind::Failed(key as u32)),
            None => (now + runtime, EventKind::Finish(key as u32)),
        };
        self.jobs[key].holding = true;
        self.jobs[key].end = end;
        (end, event)
    }

    /// Whether the event at (`now`, `key`) belongs to a killed run (and is to be skipped).
    #[inline]
    pub fn take_stale(&mut self, now: SimTime, key: usize) -> bool {
        if self.stale.is_empty() {
            return false;
        }
        let k = (now, key as u32);
        match self.stale.get_mut(&k) {
            None => false,
            Some(1) => self.stale.remove(&k).is_some(),
            Some(n) => {
                *n -= 1;
                true
            }
        }
    }

    /// The run of `job` (at `key`) ended normally at `now`.
    #[inline]
    pub fn run_ended(&mut self, key: usize, job: &Job, now: SimTime) {
        self.jobs[key].holding = false;
        if job.measured {
            self.record.busy_unit_nanos += u128::from(job.units) * u128::from(now - job.start);
        }
    }

    /// The run of `job` (at `key`) is killed at `now`; returns the wait before its retry, or
    /// `None` when it is lost. Shortens the job to the work left after its last checkpoint.
    fn killed(
        &mut self,
        key: usize,
        job: &mut Job,
        rule: &FailureRule,
        now: SimTime,
        by_outage: bool,
    ) -> Option<SimDuration> {
        let attempts = &mut self.jobs[key];
        attempts.holding = false;
        if by_outage {
            *self.stale.entry((attempts.end, key as u32)).or_insert(0) += 1;
        }
        let elapsed = now - job.start;
        let saved = rule.saved(elapsed);
        job.runtime -= saved;
        attempts.saved += saved;
        if job.measured {
            let units = u128::from(job.units);
            let r = &mut self.record;
            *(if by_outage { &mut r.killed_by_outage } else { &mut r.failed_by_hazard }) += 1;
            r.busy_unit_nanos += units * u128::from(elapsed);
            r.lost_unit_nanos += units * u128::from(elapsed - saved);
        }
        self.attempt_failed(key, job, rule)
    }

    /// Job `key`'s attempt failed (a killed run, or a transfer the cuts left without a route):
    /// returns the wait before its retry, or `None` when it is lost.
    pub(super) fn attempt_failed(&mut self, key: usize, job: &Job, rule: &FailureRule) -> Option<SimDuration> {
        let attempts = &mut self.jobs[key];
        attempts.failures += 1;
        let retry = rule.retry_delay(attempts.failures);
        if job.measured {
            let r = &mut self.record;
            match retry {
                Some(_) => r.retried += 1,
                None => {
                    r.lost += 1;
                    r.lost_unit_nanos += u128::from(job.units) * u128::from(attempts.saved);
                }
            }
        }
        retry
    }

    /// Keys of the jobs whose runs hold units of `pool` at `hub`, the most recently started
    /// first (ties: the higher key first). O(jobs in flight).
    fn running_at(&self, hub: usize, pool: usize, jobs: &JobTable) -> Vec<usize> {
        let mut running: Vec<(SimTime, usize)> = jobs
            .keys()
            .into_iter()
            .filter(|&k| self.jobs[k].holding && jobs[k].hub as usize == hub && jobs[k].pool.index() == pool)
            .map(|k| (jobs[k].start, k))
            .collect();
        running.sort_unstable_by(|a, b| b.cmp(a));
        running.into_iter().map(|(_, k)| k).collect()
    }

    /// The statistics, with the availability integrals closed at `end` given the pools'
    /// capacities then.
    pub fn into_record(mut self, end: SimTime, capacity: impl Fn(usize, usize) -> u32) -> FaultRecord {
        if let Some(cuts) = self.cuts.take() {
            self.record.cuts = cuts.into_records(end);
        }
        for hub in 0..self.nominal.len() {
            for pool in 0..2 {
                self.record.pools[hub][pool].account(
                    self.warmup,
                    self.last_change[hub][pool],
                    end,
                    capacity(hub, pool),
                );
            }
        }
        self.record
    }
}

impl<O: Observer> Engine<'_, O> {
    /// Outage process `process` begins or ends.
    #[cold]
    #[inline(never)]
    pub(super) fn on_fault(&mut self, process: usize) {
        let end = self.config.duration;
        let faults = self.faults.as_mut().expect("fault events only with faults");
        for (hub, pool) in faults.toggle(process, self.now, end, &mut self.queue) {
            self.apply_capacity(hub, pool);
        }
    }

    /// Brings a pool's capacity to what its outages leave: kills runs that no longer fit,
    /// hands back queued jobs that cannot start, and starts what can.
    #[cold]
    #[inline(never)]
    fn apply_capacity(&mut self, hub: usize, pool: usize) {
        let faults = self.faults.as_mut().expect("faults");
        let capacity = faults.capacity(hub, pool);
        let old = self.state[hub].pool(pool).capacity();
        if capacity == old {
            return;
        }
        faults.capacity_changed(hub, pool, self.now, old, capacity);
        self.degraded = faults.degraded();
        if self.state[hub].pool(pool).busy() > capacity {
            for key in faults.running_at(hub, pool, &self.jobs) {
                if self.state[hub].pool(pool).busy() <= capacity {
                    break;
                }
                self.kill(key, true);
            }
        }
        self.state[hub].pool_mut(pool).set_capacity(self.now, capacity);
        self.touch(hub);
        for queued in self.state[hub].pool_mut(pool).take_queued_above(self.now, capacity) {
            self.hand_back(queued.job as usize);
        }
        self.start_queued(hub, pool);
    }

    /// The job at `key` ran into a failed pool before starting: the scheduler decides again.
    #[cold]
    #[inline(never)]
    pub(super) fn hand_back(&mut self, key: usize) {
        let job = &mut self.jobs[key];
        job.hub = u16::MAX;
        if job.measured {
            self.faults.as_mut().expect("faults").record.handed_back += 1;
        }
        self.observer.on(self.now, key, Lifecycle::HandedBack);
        self.decide(key);
    }

    /// The run of job `key` fails by itself.
    #[cold]
    #[inline(never)]
    pub(super) fn on_failed(&mut self, key: usize) {
        if self.faults.as_mut().expect("failures only with faults").take_stale(self.now, key) {
            return;
        }
        let (hub, pool) = (self.jobs[key].hub as usize, self.jobs[key].pool.index());
        self.kill(key, false);
        self.start_queued(hub, pool);
    }

    /// Kills the run of job `key`, frees its units, and retries or loses the job.
    #[cold]
    #[inline(never)]
    fn kill(&mut self, key: usize, by_outage: bool) {
        let class = self.jobs[key].class as usize;
        self.free_units(key, MeterChange::End);
        self.observer.on(self.now, key, Lifecycle::Failed);
        let rule = &self.world.classes[class].failure;
        let faults = self.faults.as_mut().expect("faults");
        let retry = faults.killed(key, &mut self.jobs[key], rule, self.now, by_outage);
        self.retry_or_lose(key, retry);
    }

    /// A failed job is offered to the scheduler again after `retry`, or lost (`None`).
    pub(super) fn retry_or_lose(&mut self, key: usize, retry: Option<SimDuration>) {
        match retry {
            Some(delay) => {
                let job = &mut self.jobs[key];
                job.started = false;
                job.hub = u16::MAX;
                self.queue.push(self.now.saturating_add(delay), EventKind::Retry(key as u32));
                self.observer.on(self.now, key, Lifecycle::Retried);
            }
            None => {
                let job = self.jobs.remove(key);
                self.recorder.lost(job.class, job.measured);
                self.observer.on(self.now, key, Lifecycle::Lost);
                if self.job_log.is_some() {
                    self.log_ended(key, &job, JobState::Lost, None, 0);
                }
            }
        }
    }
}
