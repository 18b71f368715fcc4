//! cnsim: a fast, deterministic discrete-event simulator of a national computing-power
//! network (the eight hubs of China's "East Data, West Computing" programme).
//!
//! Data flows one way: scenario -> world -> engine <-> scheduler -> recorder -> report.

pub mod engine;
pub mod metrics;
pub mod model;
pub mod quantity;
pub mod rng;
pub mod scheduler;
pub mod time;
pub mod workload;
