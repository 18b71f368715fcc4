//! What faults did: runs killed, retries, losses, work lost, and each pool's availability.

use crate::time::SimTime;

/// Availability of one hub pool over the measured window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PoolAvailability {
    /// Units in the pool without any outage.
    pub nominal: u32,
    /// Integral of the units usable over the measured window, unit-nanoseconds.
    pub available_unit_nanos: u128,
    /// Time of the window during which some capacity was missing, nanoseconds.
    pub degraded_nanos: u128,
    /// Outages that began in the window.
    pub outages: u64,
}

impl PoolAvailability {
    /// Adds the interval [from, to) spent with `units` usable, clipped to the window
    /// starting at `warmup`.
    #[inline]
    pub fn account(&mut self, warmup: SimTime, from: SimTime, to: SimTime, units: u32) {
        let (from, to) = (from.max(warmup), to.max(warmup));
        if to > from {
            let span = u128::from(to - from);
            self.available_unit_nanos += u128::from(units) * span;
            if units < self.nominal {
                self.degraded_nanos += span;
            }
        }
    }

    /// Usable units / nominal units, time-averaged over a window of `window` ns (`None` for an
    /// empty pool or window).
    pub fn availability(&self, window: u64) -> Option<f64> {
        (self.nominal > 0 && window > 0)
            .then(|| self.available_unit_nanos as f64 / (f64::from(self.nominal) * window as f64))
    }
}

/// Fault statistics of a run: jobs are the measured ones (submitted after the warm-up).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultRecord {
    /// Runs killed by an outage of their pool.
    pub killed_by_outage: u64,
    /// Runs that failed by themselves (the class's hazard).
    pub failed_by_hazard: u64,
    /// Killed runs offered to the scheduler again.
    pub retried: u64,
    /// Jobs lost for good (no attempt left, or a class that does not retry).
    pub lost: u64,
    /// Jobs handed back to the scheduler from a failed pool's queue or on arrival at it.
    pub handed_back: u64,
    /// Units x time held by runs that ended (finished or killed), unit-nanoseconds.
    pub busy_unit_nanos: u128,
    /// Of that, work that did not count: killed runs since their last checkpoint, and all the
    /// work of jobs lost in the end.
    pub lost_unit_nanos: u128,
    /// Per hub, per pool (by `PoolKind::index`).
    pub pools: Vec<[PoolAvailability; 2]>,
    /// Per link some cut names, in declared link order (empty without cuts).
    pub cuts: Vec<LinkCutRecord>,
    /// Transfers that could not start because cuts left no route (their jobs failed).
    pub unroutable: u64,
}

/// What the cuts of one link did over the measured window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinkCutRecord {
    /// Declared link index.
    pub link: u32,
    /// Cuts that began in the window.
    pub cuts: u64,
    /// Time of the window the link was cut, nanoseconds.
    pub cut_nanos: u128,
    /// Flows moved to a detour when the link was cut.
    pub rerouted: u64,
    /// Flows stopped with no detour (their jobs failed).
    pub failed: u64,
}

impl FaultRecord {
    /// Useful unit-time over busy unit-time of ended runs (`None` before any run ended).
    pub fn goodput(&self) -> Option<f64> {
        (self.busy_unit_nanos > 0)
            .then(|| (self.busy_unit_nanos - self.lost_unit_nanos) as f64 / self.busy_unit_nanos as f64)
    }

    /// Runs killed, by outages or by themselves.
    pub fn failed(&self) -> u64 {
        self.killed_by_outage + self.failed_by_hazard
    }
}
