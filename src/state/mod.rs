//! The hubs' dynamic state: per pool, capacity left by outages, busy units, the queue (FIFO or
//! EASY backfilling, by class priority) and the running aggregates a scheduler's view reads.
//!
//! A leaf: it knows hubs' pools and time, nothing of the engine, the schedulers or the metrics.
//! The engine changes it through its methods; schedulers, indexes and metrics read it through
//! its methods (usually by way of the scheduler's `View`).

pub mod hub;
pub mod pool_queue;

pub use hub::{HubState, PoolState, Queued};
pub use pool_queue::PoolQueue;
