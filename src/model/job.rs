//! A job in flight: what it asks for and the times of its lifecycle.

use crate::model::PoolKind;
#[cfg(doc)]
use crate::model::World;
use crate::time::{SimDuration, SimTime};

/// A job that has been submitted and has not yet finished. Lives in the engine's [`JobTable`](crate::engine::JobTable).
///
/// Exactly one cache line, aligned to one: a finishing job, read long after it started, costs
/// one miss. Its runtime estimate is not stored but derived (see [`World::runtime_estimate`]).
#[derive(Clone, Debug)]
#[repr(align(64))]
pub struct Job {
    /// Workload class index.
    pub class: u16,
    /// Demand region index the job (and its data) comes from.
    pub origin: u16,
    /// Hub index the job was placed at (valid once placed).
    pub hub: u16,
    /// The pool the job runs in.
    pub pool: PoolKind,
    /// Whether the job was submitted after the warm-up and so counts in statistics.
    pub measured: bool,
    /// Whether the job has started running (it may since have finished and be sending its
    /// output home).
    pub started: bool,
    /// Units of the pool held for the whole runtime.
    pub units: u32,
    /// Submission time.
    pub submit: SimTime,
    /// True runtime once started.
    pub runtime: SimDuration,
    /// Bytes to move from the origin to the hub before the job can queue.
    pub data_bytes: u64,
    /// Time spent moving data (latency + bytes / bandwidth).
    pub transfer: SimDuration,
    /// Arrival at the hub's queue.
    pub hub_arrival: SimTime,
    /// Start of execution.
    pub start: SimTime,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_job_fills_one_cache_line() {
        assert_eq!(std::mem::size_of::<super::Job>(), 64);
        assert_eq!(std::mem::align_of::<super::Job>(), 64);
    }
}
