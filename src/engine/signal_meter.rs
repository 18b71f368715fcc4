//! Exact integrals of the time-varying signals over jobs' runs and over each pool's busy
//! units, kept with one cursor per hub and signal (the clock only moves forward, so every
//! look-up is O(1) amortised).
//!
//! A job's integral is the running integral at its finish minus the one at its start. A pool's
//! integral of busy units x signal is settled at each change of its busy units: the units busy
//! until now x the signal's integral since the previous change.

use crate::engine::HubState;
use crate::model::{Cursor, Signals};
use crate::time::SimTime;

/// One pool's running sums: busy units x signal integral since the warm-up, per signal.
#[derive(Clone, Copy, Debug, Default)]
struct PoolSums {
    /// The running integrals of [price, carbon] at the last change.
    last: [f64; 2],
    /// Busy units x integral, [price, carbon], over the measured window so far.
    busy: [f64; 2],
}

/// The signal integrals of a run in progress.
#[derive(Clone, Debug)]
pub struct SignalMeter {
    /// Per hub: a cursor in [price, carbon].
    cursors: Vec<[Cursor; 2]>,
    /// Per job key: the running integrals at its run's start, then (after it finishes) its
    /// runs' together.
    marks: Vec<[f64; 2]>,
    /// Per job key: the integrals over its runs that ended in a suspension (interruptible jobs).
    carried: Vec<[f64; 2]>,
    /// Per hub and pool.
    pools: Vec<[PoolSums; 2]>,
}

impl SignalMeter {
    /// A meter for `hubs` hubs.
    pub fn new(hubs: usize) -> Self {
        SignalMeter {
            cursors: vec![[Cursor::default(); 2]; hubs],
            marks: Vec::new(),
            carried: Vec::new(),
            pools: vec![[PoolSums::default(); 2]; hubs],
        }
    }

    /// The running integrals of `hub`'s [price, carbon] at `now` (non-decreasing).
    #[inline]
    fn cumulative(&mut self, signals: &Signals, hub: usize, now: SimTime) -> [f64; 2] {
        let s = &signals.hubs[hub];
        let c = &mut self.cursors[hub];
        [c[0].cumulative(&s.price, now), c[1].cumulative(&s.carbon, now)]
    }

    /// Settles a pool whose `busy` units held until `now`; returns the running integrals.
    #[inline]
    fn settle(&mut self, signals: &Signals, hub: usize, pool: usize, busy: u32, now: SimTime) -> [f64; 2] {
        let at = self.cumulative(signals, hub, now);
        let sums = &mut self.pools[hub][pool];
        for ((sum, last), now) in sums.busy.iter_mut().zip(&sums.last).zip(at) {
            *sum += f64::from(busy) * (now - last);
        }
        sums.last = at;
        at
    }

    /// Job `key` starts at `hub`'s `pool` at `now`, which had `busy` units until now.
    #[inline]
    pub fn started(&mut self, signals: &Signals, key: usize, hub: usize, pool: usize, busy: u32, now: SimTime) {
        let at = self.settle(signals, hub, pool, busy, now);
        if self.marks.len() <= key {
            self.marks.resize(key + 1, [0.0; 2]);
        }
        self.marks[key] = at;
    }

    /// Job `key` finishes at `hub`'s `pool` at `now`, which had `busy` units until now.
    #[inline]
    pub fn finished(&mut self, signals: &Signals, key: usize, hub: usize, pool: usize, busy: u32, now: SimTime) {
        let at = self.settle(signals, hub, pool, busy, now);
        let mark = &mut self.marks[key];
        *mark = [at[0] - mark[0], at[1] - mark[1]];
        if let Some(carried) = self.carried.get_mut(key) {
            let carried = std::mem::take(carried);
            *mark = [mark[0] + carried[0], mark[1] + carried[1]];
        }
    }

    /// Job `key`'s run at `hub`'s `pool`, which had `busy` units until now, is suspended at
    /// `now`: its integral is carried to the job's next run.
    pub fn suspended(&mut self, signals: &Signals, key: usize, hub: usize, pool: usize, busy: u32, now: SimTime) {
        let at = self.settle(signals, hub, pool, busy, now);
        if self.carried.len() <= key {
            self.carried.resize(key + 1, [0.0; 2]);
        }
        let (mark, carried) = (self.marks[key], &mut self.carried[key]);
        *carried = [carried[0] + at[0] - mark[0], carried[1] + at[1] - mark[1]];
    }

    /// A new job enters at `key`: nothing is carried from the key's previous job.
    pub fn forget(&mut self, key: usize) {
        if let Some(carried) = self.carried.get_mut(key) {
            *carried = [0.0; 2];
        }
    }

    /// The [price, carbon] integrals over the run of finished job `key` (value x hours).
    #[inline]
    pub fn job_integrals(&self, key: usize) -> [f64; 2] {
        self.marks[key]
    }

    /// Starts the measured window at `now`: settles every pool and forgets its sums.
    pub fn mark_warmup(&mut self, signals: &Signals, states: &[HubState], now: SimTime) {
        self.settle_all(signals, states, now);
        for hub in &mut self.pools {
            for pool in hub {
                pool.busy = [0.0; 2];
            }
        }
    }

    /// Settles every pool at `now`, e.g. at the end of the run.
    pub fn settle_all(&mut self, signals: &Signals, states: &[HubState], now: SimTime) {
        for (hub, state) in states.iter().enumerate() {
            for (pool, p) in state.pools().iter().enumerate() {
                self.settle(signals, hub, pool, p.busy(), now);
            }
        }
    }

    /// Per hub and pool: busy units x [price, carbon] integrals over the measured window
    /// (unit x value x hours).
    pub fn window(&self) -> Vec<[[f64; 2]; 2]> {
        self.pools.iter().map(|h| [h[0].busy, h[1].busy]).collect()
    }
}
