//! The recorder: HDR histograms, utilisation and counters, fed by the engine.
//!
//! Definitions follow the team's validation reference: wait = start - arrival at the hub's
//! queue; transfer = latency + bytes / bandwidth; run = finish - start; JCT = finish - submit;
//! bounded slowdown = max(1, JCT / max(run, 10 s)). Jobs submitted before the warm-up ends
//! are left out of every statistic (but still counted as warm-up jobs).

pub mod faults;
pub mod latency;
pub mod log_histogram;
pub mod recorder;
pub mod shift;
pub mod utilisation;

pub use faults::{FaultRecord, LinkCutRecord, PoolAvailability};
pub use latency::{LatencySet, Metric, new_histogram};
pub use log_histogram::LogHistogram;
pub use recorder::{Counters, Recorder, RejectReason, Unfinished, UnfinishedRecord};
pub use shift::ShiftRecord;
pub use utilisation::Utilisation;
