//! A hub's dynamic state: per pool, busy units, the FIFO queue and running aggregates.
//!
//! Aggregates (busy, queued units and jobs, queued work, the busy-unit integral) are kept up
//! to date on every change, so a scheduler's view costs O(1) per hub.

use std::collections::VecDeque;

use crate::time::{SimDuration, SimTime};

/// A queued job: its slab key, units and runtime estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    /// Slab key of the job.
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
    pub capacity: u32,
    /// Units allocated to running jobs.
    pub busy: u32,
    /// Jobs waiting, first come first served.
    pub queue: VecDeque<Queued>,
    /// Sum of units of queued jobs.
    pub queued_units: u64,
    /// Sum of units x runtime estimate of queued jobs, in unit-nanoseconds.
    pub queued_work: u128,
    busy_integral: u128,
    queued_integral: u128,
    last_change: SimTime,
}

impl PoolState {
    /// An idle pool of `capacity` units.
    pub fn new(capacity: u32) -> Self {
        PoolState { capacity, ..PoolState::default() }
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

    /// Estimated wait for a job joining the queue now: queued work spread over the whole pool.
    /// A lower bound that ignores the remaining work of running jobs.
    pub fn wait_estimate(&self) -> SimDuration {
        if self.capacity == 0 {
            return SimDuration::MAX;
        }
        (self.queued_work / u128::from(self.capacity)).min(u128::from(u64::MAX)) as SimDuration
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

    /// Allocates `units` at `now`.
    #[inline]
    pub fn occupy(&mut self, now: SimTime, units: u32) {
        debug_assert!(units <= self.free(), "capacity exceeded: {} + {units} > {}", self.busy, self.capacity);
        self.advance(now);
        self.busy += units;
    }

    /// Frees `units` at `now`.
    #[inline]
    pub fn release(&mut self, now: SimTime, units: u32) {
        debug_assert!(units <= self.busy);
        self.advance(now);
        self.busy -= units;
    }

    /// Appends a job to the queue at `now`.
    #[inline]
    pub fn enqueue(&mut self, now: SimTime, entry: Queued) {
        self.advance(now);
        self.queued_units += u64::from(entry.units);
        self.queued_work += u128::from(entry.units) * u128::from(entry.runtime);
        self.queue.push_back(entry);
    }

    /// Removes the head of the queue at `now` if it fits in the free units.
    #[inline]
    pub fn pop_startable(&mut self, now: SimTime) -> Option<Queued> {
        let head = *self.queue.front()?;
        if head.units > self.free() {
            return None;
        }
        self.advance(now);
        self.queue.pop_front();
        self.queued_units -= u64::from(head.units);
        self.queued_work -= u128::from(head.units) * u128::from(head.runtime);
        Some(head)
    }
}

/// Both pools of one hub.
#[derive(Clone, Debug, Default)]
pub struct HubState {
    /// Indexed by `PoolKind::index`.
    pub pools: [PoolState; 2],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_and_fifo_head_of_line() {
        let mut p = PoolState::new(4);
        p.occupy(10, 3);
        p.enqueue(10, Queued { job: 1, units: 2, runtime: 5 });
        p.enqueue(10, Queued { job: 2, units: 1, runtime: 5 });
        // The head needs 2 but only 1 is free: FIFO blocks the smaller job behind it.
        assert_eq!(p.pop_startable(12), None);
        assert_eq!(p.queued_units, 3);
        assert_eq!(p.wait_estimate(), (2 * 5 + 5) / 4);
        p.release(20, 3);
        assert_eq!(p.busy_integral_at(30), 30);
        assert_eq!(p.queued_integral_at(20), 3 * 10);
        assert_eq!(p.pop_startable(20).map(|q| q.job), Some(1));
        assert_eq!(p.load(), 1.0 / 4.0);
    }
}
