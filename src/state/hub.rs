//! A hub's dynamic state: per pool, busy units, the FIFO queue and running aggregates.
//!
//! Aggregates (busy, queued units and jobs, queued work, the busy-unit integral) are kept up
//! to date on every change, so a scheduler's view costs O(1) per hub.

use std::collections::BTreeSet;

use crate::state::pool_queue::PoolQueue;

use crate::model::QueueDiscipline;

use crate::time::{SimDuration, SimTime};

/// A queued job: its key in the job table, units and runtime estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    /// Key of the job in the engine's job table.
    pub job: u32,
    /// Units it needs.
    pub units: u32,
    /// Runtime estimate used for the queued-work aggregate.
    pub runtime: SimDuration,
}

/// One pool of a hub.
#[derive(Clone, Debug, Default)]
pub struct PoolState {
    /// Capacity in units.
    capacity: u32,
    /// Units allocated to running jobs.
    busy: u32,
    /// Jobs waiting: by class priority, then first come first served.
    queue: PoolQueue,
    /// Sum of units of queued jobs.
    queued_units: u64,
    /// Sum of units x runtime estimate of queued jobs, in unit-nanoseconds.
    queued_work: u128,
    /// Sum of units x estimated end time of running jobs, in unit-nanoseconds.
    running_end_work: u128,
    /// How the queue is served.
    discipline: QueueDiscipline,
    /// Whether `queued_work` and `running_end_work` are left at zero: the run's policy never
    /// reads wait estimates (see [`PoolState::without_wait_estimates`]).
    untracked_work: bool,
    /// Running jobs as (estimated end, job, units); kept only for EASY backfilling.
    running: BTreeSet<(SimTime, u32, u32)>,
    busy_integral: u128,
    queued_integral: u128,
    last_change: SimTime,
}

impl PoolState {
    /// An idle FIFO pool of `capacity` units.
    pub fn new(capacity: u32) -> Self {
        PoolState { capacity, ..PoolState::default() }
    }

    /// An idle pool of `capacity` units served by `discipline`.
    pub fn with_discipline(capacity: u32, discipline: QueueDiscipline) -> Self {
        PoolState { capacity, discipline, ..PoolState::default() }
    }

    /// The pool without the work aggregates behind [`PoolState::wait_estimate`],
    /// [`PoolState::running_work`] and [`PoolState::queued_work`], which must not be called
    /// on it: for runs whose policy never reads them, so no job pays for them.
    pub fn without_wait_estimates(self) -> Self {
        PoolState { untracked_work: true, ..self }
    }

    /// Capacity in units (what outages leave usable).
    #[inline]
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Units allocated to running jobs.
    #[inline]
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Jobs waiting: by class priority, then first come first served.
    #[inline]
    pub fn queue(&self) -> &PoolQueue {
        &self.queue
    }

    /// Sum of units of queued jobs.
    #[inline]
    pub fn queued_units(&self) -> u64 {
        self.queued_units
    }

    /// Sum of units x runtime estimate of queued jobs, in unit-nanoseconds.
    #[inline]
    pub fn queued_work(&self) -> u128 {
        debug_assert!(!self.untracked_work, "work aggregates are not kept");
        self.queued_work
    }

    /// How the queue is served.
    #[inline]
    pub fn discipline(&self) -> QueueDiscipline {
        self.discipline
    }

    /// Units not allocated.
    #[inline]
    pub fn free(&self) -> u32 {
        self.capacity - self.busy
    }

    /// (busy + queued units) / capacity; infinite for a zero-capacity pool.
    #[inline]
    pub fn load(&self) -> f64 {
        if self.capacity == 0 {
            f64::INFINITY
        } else {
            (u64::from(self.busy) + self.queued_units) as f64 / f64::from(self.capacity)
        }
    }

    /// Estimated remaining work of running jobs at `now`, in unit-nanoseconds (by estimates;
    /// jobs past their estimate count as finishing now).
    #[inline]
    pub fn running_work(&self, now: SimTime) -> u128 {
        debug_assert!(!self.untracked_work, "work aggregates are not kept");
        self.running_end_work.saturating_sub(u128::from(self.busy) * u128::from(now))
    }

    /// Estimated wait for a job of `units` joining the queue at `now`. O(1).
    ///
    /// Zero when the queue is empty and the units are free. Otherwise a fluid estimate: the work
    /// ahead of the job (remaining work of running jobs plus all queued work, by runtime
    /// estimates) spread over the whole pool. It ignores fragmentation (a large job may wait
    /// longer) and, under FIFO, exactly counts the work that must start before the job.
    #[inline]
    pub fn wait_estimate(&self, now: SimTime, units: u32) -> SimDuration {
        if self.capacity == 0 {
            return SimDuration::MAX;
        }
        if self.queue.is_empty() && units <= self.free() {
            return 0;
        }
        ((self.queued_work + self.running_work(now)) / u128::from(self.capacity)).min(u128::from(u64::MAX))
            as SimDuration
    }

    /// Integral of busy units over [0, t], in unit-nanoseconds (t no earlier than the last change).
    #[inline]
    pub fn busy_integral_at(&self, t: SimTime) -> u128 {
        self.busy_integral + u128::from(self.busy) * u128::from(t - self.last_change)
    }

    /// Integral of queued units over [0, t], in unit-nanoseconds (t no earlier than the last change).
    #[inline]
    pub fn queued_integral_at(&self, t: SimTime) -> u128 {
        self.queued_integral + u128::from(self.queued_units) * u128::from(t - self.last_change)
    }

    #[inline]
    fn advance(&mut self, now: SimTime) {
        self.busy_integral = self.busy_integral_at(now);
        self.queued_integral = self.queued_integral_at(now);
        self.last_change = now;
    }

    /// Allocates `units` at `now` to `job`, expected to end at `estimated_end`.
    #[inline]
    pub fn occupy(&mut self, now: SimTime, job: u32, units: u32, estimated_end: SimTime) {
        debug_assert!(units <= self.free(), "capacity exceeded: {} + {units} > {}", self.busy, self.capacity);
        self.advance(now);
        self.busy += units;
        if !self.untracked_work {
            self.running_end_work += u128::from(units) * u128::from(estimated_end);
        }
        if self.discipline == QueueDiscipline::EasyBackfill {
            self.running.insert((estimated_end, job, units));
        }
    }

    /// Frees the `units` of `job`, which was expected to end at `estimated_end`.
    #[inline(always)]
    pub fn release(&mut self, now: SimTime, job: u32, units: u32, estimated_end: SimTime) {
        debug_assert!(units <= self.busy);
        self.advance(now);
        self.busy -= units;
        if !self.untracked_work {
            self.running_end_work -= u128::from(units) * u128::from(estimated_end);
        }
        if self.discipline == QueueDiscipline::EasyBackfill {
            self.running.remove(&(estimated_end, job, units));
        }
    }

    /// Appends a job to the queue at `now` (at the single priority level).
    #[inline]
    pub fn enqueue(&mut self, now: SimTime, entry: Queued) {
        self.enqueue_at(now, entry, 0);
    }

    /// Appends a job to the queue at `now` at priority `level` (0 is served first).
    #[inline]
    pub fn enqueue_at(&mut self, now: SimTime, entry: Queued, level: usize) {
        self.advance(now);
        self.queued_units += u64::from(entry.units);
        if !self.untracked_work {
            self.queued_work += u128::from(entry.units) * u128::from(entry.runtime);
        }
        self.queue.push(level, entry);
    }

    /// The next queued job to start at `now` under the pool's discipline, removed from the
    /// queue; `None` when nothing may start. Call again after starting it (via `occupy`).
    #[inline]
    pub fn next_to_start(&mut self, now: SimTime) -> Option<Queued> {
        match self.discipline {
            QueueDiscipline::Fifo => self.pop_startable(now),
            QueueDiscipline::EasyBackfill => self.pop_startable(now).or_else(|| self.pop_backfill(now)),
        }
    }

    /// EASY backfilling when the head (the highest-priority, earliest job) does not fit: the head is promised the earliest time
    /// (`shadow`) at which, by runtime estimates, enough units will be free; a later job may
    /// start now if it fits in the free units and either ends (by its estimate) by the shadow
    /// time or uses no more than the units left over at the shadow time (`extra`). Candidates
    /// are scanned in service order (priority, then arrival). O(running + queue) per call.
    fn pop_backfill(&mut self, now: SimTime) -> Option<Queued> {
        let head = *self.queue.front()?;
        let free = self.free();
        let mut available = free;
        let mut reservation = None;
        for &(end, _, units) in &self.running {
            available += units;
            if available >= head.units {
                reservation = Some((end.max(now), available - head.units));
                break;
            }
        }
        let (shadow, extra) = reservation?;
        let position = self
            .queue
            .iter()
            .skip(1)
            .position(|q| q.units <= free && (now.saturating_add(q.runtime) <= shadow || q.units <= extra))?
            + 1;
        let job = self.queue.remove(position).expect("position is in the queue");
        self.advance(now);
        self.forget_queued(&job);
        Some(job)
    }

    /// Takes a job that left the queue out of the queued aggregates (after `advance`).
    #[inline(always)]
    fn forget_queued(&mut self, job: &Queued) {
        self.queued_units -= u64::from(job.units);
        if !self.untracked_work {
            self.queued_work -= u128::from(job.units) * u128::from(job.runtime);
        }
    }

    /// Sets the units usable at `now` (an outage takes some away); running jobs must already
    /// fit in them.
    pub fn set_capacity(&mut self, now: SimTime, capacity: u32) {
        debug_assert!(self.busy <= capacity, "busy {} > new capacity {capacity}", self.busy);
        self.advance(now);
        self.capacity = capacity;
    }

    /// Removes from the queue at `now`, in service order, the jobs that need more than
    /// `units`, which cannot start while the pool has only that many.
    pub fn take_queued_above(&mut self, now: SimTime, units: u32) -> Vec<Queued> {
        self.advance(now);
        let mut taken = Vec::new();
        loop {
            let Some(position) = self.queue.iter().position(|q| q.units > units) else { break };
            let job = self.queue.remove(position).expect("position is in the queue");
            self.forget_queued(&job);
            taken.push(job);
        }
        taken
    }

    /// Removes the head of the queue at `now` if it fits in the free units.
    #[inline(always)]
    pub fn pop_startable(&mut self, now: SimTime) -> Option<Queued> {
        let head = *self.queue.front()?;
        if head.units > self.free() {
            return None;
        }
        self.advance(now);
        self.queue.pop_front();
        self.forget_queued(&head);
        Some(head)
    }
}

/// Both pools of one hub.
#[derive(Clone, Debug, Default)]
pub struct HubState {
    /// Indexed by `PoolKind::index`.
    pools: [PoolState; 2],
}

impl HubState {
    /// A hub with these pools, by `PoolKind::index`.
    pub fn new(pools: [PoolState; 2]) -> HubState {
        HubState { pools }
    }

    /// Both pools, by `PoolKind::index`.
    #[inline]
    pub fn pools(&self) -> &[PoolState; 2] {
        &self.pools
    }

    /// The pool of index `pool` (`PoolKind::index`).
    #[inline]
    pub fn pool(&self, pool: usize) -> &PoolState {
        &self.pools[pool]
    }

    /// The pool of index `pool`, to change.
    #[inline]
    pub fn pool_mut(&mut self, pool: usize) -> &mut PoolState {
        &mut self.pools[pool]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_and_fifo_head_of_line() {
        let mut p = PoolState::new(4);
        p.occupy(10, 0, 3, 20);
        p.enqueue(10, Queued { job: 1, units: 2, runtime: 5 });
        p.enqueue(10, Queued { job: 2, units: 1, runtime: 5 });
        // The head needs 2 but only 1 is free: FIFO blocks the smaller job behind it.
        assert_eq!(p.pop_startable(12), None);
        assert_eq!(p.queued_units, 3);
        // At 12: queued work 15, running work 3 x (20 - 12) = 24, over 4 units.
        assert_eq!(p.wait_estimate(12, 1), (15 + 24) / 4);
        p.release(20, 0, 3, 20);
        assert_eq!(p.busy_integral_at(30), 30);
        assert_eq!(p.queued_integral_at(20), 3 * 10);
        assert_eq!(p.pop_startable(20).map(|q| q.job), Some(1));
        assert_eq!(p.load(), 1.0 / 4.0);
    }

    #[test]
    fn an_outage_hands_back_the_queued_jobs_that_no_longer_fit() {
        let mut p = PoolState::new(8);
        p.occupy(0, 0, 2, 10);
        p.enqueue(0, Queued { job: 1, units: 8, runtime: 5 });
        p.enqueue(0, Queued { job: 2, units: 2, runtime: 5 });
        p.enqueue(0, Queued { job: 3, units: 3, runtime: 5 });
        // Half the pool goes at t = 4: the 8- and 3-unit jobs cannot start on 4 units.
        let taken: Vec<u32> = p.take_queued_above(4, 2).iter().map(|q| q.job).collect();
        p.set_capacity(4, 4);
        assert_eq!(taken, vec![1, 3]);
        assert_eq!((p.queued_units, p.queued_work), (2, 10));
        assert_eq!(p.free(), 2);
        assert_eq!(p.pop_startable(4).map(|q| q.job), Some(2));
        // The busy integral is unaffected by the capacity change.
        assert_eq!(p.busy_integral_at(4), 8);
    }

    #[test]
    fn a_pool_without_wait_estimates_keeps_every_other_aggregate_alike() {
        // The same changes to a pool with and one without the work aggregates.
        let (mut kept, mut skipped) = (PoolState::new(4), PoolState::new(4).without_wait_estimates());
        for p in [&mut kept, &mut skipped] {
            p.occupy(0, 0, 3, 20);
            p.enqueue_at(2, Queued { job: 1, units: 2, runtime: 7 }, 1);
            p.enqueue_at(3, Queued { job: 2, units: 1, runtime: 5 }, 0);
            p.release(9, 0, 3, 20);
        }
        // Units 2 then 1 queued from 2 and 3; 3 busy until 9; nothing started since.
        assert_eq!((kept.busy_integral_at(10), kept.queued_integral_at(10)), (27, 2 * 8 + 7));
        // The kept pool's estimate is the hand-worked fluid one: queued work 2 x 7 + 1 x 5 over
        // 4 units, nothing running.
        assert_eq!(kept.wait_estimate(9, 1), (14 + 5) / 4);
        assert_eq!((skipped.queued_work, skipped.running_end_work), (0, 0));
        for t in [9, 10] {
            assert_eq!(kept.busy_integral_at(t), skipped.busy_integral_at(t));
            assert_eq!(kept.queued_integral_at(t), skipped.queued_integral_at(t));
        }
        for p in [&mut kept, &mut skipped] {
            assert_eq!(p.next_to_start(9).map(|q| q.job), Some(2), "priority 0 first");
            assert_eq!(p.next_to_start(9).map(|q| q.job), Some(1));
        }
        assert_eq!((kept.queued_units(), kept.queued_work(), kept.free()), (0, 0, 4));
        assert_eq!((skipped.queued_units(), skipped.free(), skipped.load()), (0, 4, kept.load()));
    }

    fn easy_pool() -> PoolState {
        // 4 units; job 0 holds 3 until t = 10 (estimated); the head (job 1) needs all 4.
        let mut p = PoolState::with_discipline(4, QueueDiscipline::EasyBackfill);
        p.occupy(0, 0, 3, 10);
        p.enqueue(0, Queued { job: 1, units: 4, runtime: 10 });
        p
    }

    #[test]
    fn easy_backfills_a_job_that_ends_before_the_reservation() {
        let mut p = easy_pool();
        p.enqueue(0, Queued { job: 2, units: 1, runtime: 5 });
        assert_eq!(p.next_to_start(0).map(|q| q.job), Some(2), "ends at 5 <= shadow 10: starts early");
        // FIFO would have held it behind the head.
        let mut fifo = PoolState::new(4);
        fifo.occupy(0, 0, 3, 10);
        fifo.enqueue(0, Queued { job: 1, units: 4, runtime: 10 });
        fifo.enqueue(0, Queued { job: 2, units: 1, runtime: 5 });
        assert_eq!(fifo.next_to_start(0), None);
    }

    #[test]
    fn easy_never_delays_the_head() {
        let mut p = easy_pool();
        // Would end at 20 > shadow 10, and no units are left over at the shadow (extra = 0).
        p.enqueue(0, Queued { job: 2, units: 1, runtime: 20 });
        assert_eq!(p.next_to_start(0), None);
        // With a 3-unit head the shadow leaves one unit over: the long 1-unit job may run.
        let mut q = PoolState::with_discipline(4, QueueDiscipline::EasyBackfill);
        q.occupy(0, 0, 3, 10);
        q.enqueue(0, Queued { job: 1, units: 3, runtime: 10 });
        q.enqueue(0, Queued { job: 2, units: 1, runtime: 20 });
        assert_eq!(q.next_to_start(0).map(|j| j.job), Some(2), "uses the extra unit");
        q.occupy(0, 2, 1, 20);
        // Nothing else fits now; when job 0 ends the head starts on time.
        q.release(10, 0, 3, 10);
        assert_eq!(q.next_to_start(10).map(|j| j.job), Some(1));
    }

    #[test]
    fn easy_reserves_for_the_highest_priority_job_and_backfills_in_priority_order() {
        // Job 0 holds 3 of 4 units until 10. A low-priority 4-unit job arrived first, then a
        // high-priority 4-unit job: the reservation (shadow 10, no extra) is the high one's.
        let mut p = PoolState::with_discipline(4, QueueDiscipline::EasyBackfill);
        p.occupy(0, 0, 3, 10);
        p.enqueue_at(0, Queued { job: 1, units: 4, runtime: 10 }, 1);
        p.enqueue_at(0, Queued { job: 2, units: 4, runtime: 10 }, 0);
        assert_eq!(p.queue.front().map(|q| q.job), Some(2));
        // Two short 1-unit candidates: the high-priority one, though it came later, goes first.
        p.enqueue_at(1, Queued { job: 3, units: 1, runtime: 5 }, 1);
        p.enqueue_at(1, Queued { job: 4, units: 1, runtime: 5 }, 0);
        assert_eq!(p.next_to_start(1).map(|q| q.job), Some(4));
        p.occupy(1, 4, 1, 6);
        assert_eq!(p.next_to_start(1), None, "no unit left");
        p.release(6, 4, 1, 6);
        // Job 3 would end at 11, after the head's reservation at 10: it may not start.
        assert_eq!(p.next_to_start(6), None);
        // At 10 job 0 ends: the high-priority head starts before the low-priority job that
        // arrived first.
        p.release(10, 0, 3, 10);
        assert_eq!(p.next_to_start(10).map(|q| q.job), Some(2));
    }
}
