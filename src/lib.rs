//! cnsim: a fast, deterministic discrete-event simulator of a national computing-power
//! network (the eight hubs of China's "East Data, West Computing" programme).
//!
//! Data flows one way: scenario -> world -> engine <-> scheduler -> recorder -> report.

pub mod bare_loop;
pub mod batch;
pub mod bench;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod load_check;
pub mod metrics;
pub mod model;
pub mod quantity;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod scheduler;
pub mod seeds;
pub mod simulation;
pub mod state;
pub mod time;
pub mod whatif;
pub mod workload;
