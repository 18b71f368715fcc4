//! A job in flight: what it asks for and the times of its lifecycle.

use crate::model::PoolKind;
#[cfg(doc)]
use crate::model::World;
use crate::time::{SimDuration, SimTime};

/// A job that has been submitted and has not yet finished. Lives in the engine's slab.
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
    use super::*;

    #[test]
    fn a_job_and_its_slab_entry_fill_one_cache_line() {
        assert_eq!(std::mem::size_of::<Job>(), 64);
        let job = Job {
            class: 0,
            origin: 0,
            hub: 0,
            pool: PoolKind::Intelligent,
            measured: true,
            units: 1,
            submit: 0,
            runtime: 1,
            data_bytes: 0,
            transfer: 0,
            hub_arrival: 0,
            start: 0,
        };
        let mut slab = slab::Slab::with_capacity(2);
        let (a, b) = (slab.insert(job.clone()), slab.insert(job));
        let stride = std::ptr::from_ref(&slab[b]) as usize - std::ptr::from_ref(&slab[a]) as usize;
        assert_eq!(stride, 64, "the slab stores jobs 64 bytes apart");
        assert_eq!(std::ptr::from_ref(&slab[a]) as usize % 64, 0, "and on cache-line boundaries");
    }
}
