//! A job in flight: what it asks for and the times of its lifecycle.

use crate::model::PoolKind;
use crate::time::{SimDuration, SimTime};

/// A job that has been submitted and has not yet finished. Lives in the engine's slab.
#[derive(Clone, Debug)]
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
    /// The runtime the submitter declared (true runtime x the estimate factor).
    pub runtime_estimate: SimDuration,
    /// Bytes to move from the origin to the hub before the job can queue.
    pub data_bytes: u64,
    /// Time spent moving data (latency + bytes / bandwidth).
    pub transfer: SimDuration,
    /// Arrival at the hub's queue.
    pub hub_arrival: SimTime,
    /// Start of execution.
    pub start: SimTime,
}
