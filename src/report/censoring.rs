//! Unfinished work made visible: the jobs still in flight at the end, what they had already
//! waited (lower bounds), and whether a run's latencies are censored.
//!
//! Latency statistics cover finished jobs only. When more than the censoring threshold
//! (default 1 %) of the submitted jobs are still in flight at the end, the longest jobs are
//! the ones missing, so the figures are biased toward short jobs: the report marks them as
//! censored and shows the unfinished jobs' ages and waits so far.

use serde::Serialize;

use crate::metrics::{Metric, UnfinishedRecord};
use crate::report::Stats;

/// The jobs of one class still in flight at the end.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnfinishedReport {
    /// Awaiting a decision or moving data.
    pub not_at_hub: u64,
    /// In a hub queue.
    pub queued: u64,
    /// Running.
    pub running: u64,
    /// end - submit: a lower bound of each one's JCT, seconds.
    pub age: Stats,
    /// Queue wait so far: a lower bound of each one's wait, seconds.
    pub waited: Stats,
}

impl UnfinishedReport {
    /// From the recorder's record.
    pub fn of(record: &UnfinishedRecord) -> UnfinishedReport {
        let seconds = |v: f64| Metric::Wait.to_report(v);
        UnfinishedReport {
            not_at_hub: record.not_at_hub,
            queued: record.queued,
            running: record.running,
            age: Stats::from_histogram(&record.age.to_hdr(), seconds, 1.0),
            waited: Stats::from_histogram(&record.waited.to_hdr(), seconds, 1.0),
        }
    }
}

/// Whether the run's latencies are censored by unfinished work.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CensoringReport {
    /// The threshold: share of submitted jobs in flight at the end.
    pub threshold: f64,
    /// Share of submitted (measured) jobs in flight at the end, over all classes.
    pub in_flight_share: f64,
    /// Whether `in_flight_share` exceeds the threshold: latencies are biased toward short jobs.
    pub censored: bool,
    /// Classes whose own in-flight share exceeds the threshold.
    pub censored_classes: Vec<String>,
}

/// The in-flight share of `submitted` jobs (0 when none were submitted).
pub fn in_flight_share(in_flight: u64, submitted: u64) -> f64 {
    if submitted == 0 { 0.0 } else { in_flight as f64 / submitted as f64 }
}
