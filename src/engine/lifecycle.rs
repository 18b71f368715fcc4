//! Lifecycle events of jobs, for observers that follow each job independently of the
//! recorder (tests of conservation). The engine is generic over its observer, and the default
//! one, [`Silent`], does nothing, so an unobserved run pays nothing.

use crate::time::SimTime;

/// Something that happened to the job at a key of the engine's job table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// A new job entered the system at this key.
    Submitted,
    /// The scheduler placed it at a hub: its input starts moving there.
    Placed {
        /// Hub index.
        hub: u16,
    },
    /// The scheduler deferred it.
    Deferred,
    /// It started running (holding its units).
    Started,
    /// Its run ended normally (its output may still be on its way home).
    RunEnded,
    /// It is done: it leaves the system as finished.
    Finished,
    /// It was rejected: it leaves the system.
    Rejected,
    /// Its run was killed (an outage of its pool, or its own failure), or link cuts left its
    /// input or output transfer without a route.
    Failed,
    /// After a failure, it will be offered to the scheduler again.
    Retried,
    /// After a failure, it is lost: it leaves the system.
    Lost,
    /// It was handed back to the scheduler from a failed pool (queued there, or arriving).
    HandedBack,
    /// Its run was suspended (an interruptible job): it holds no units until it resumes.
    Suspended,
    /// It resumes after a suspension: it joins its hub's queue again.
    Resumed,
}

/// Receives every lifecycle event, in order.
pub trait Observer {
    /// `event` happened at `now` to the job at `key`.
    #[inline]
    fn on(&mut self, now: SimTime, key: usize, event: Lifecycle) {
        let _ = (now, key, event);
    }
}

/// The observer that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Observer for Silent {}

impl<T: Observer + ?Sized> Observer for &mut T {
    #[inline]
    fn on(&mut self, now: SimTime, key: usize, event: Lifecycle) {
        (**self).on(now, key, event);
    }
}
