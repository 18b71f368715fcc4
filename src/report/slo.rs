//! SLO attainment of a class, with teeth: rejected jobs and in-flight jobs already past an
//! objective count as misses; in-flight jobs not yet past one are undecided and left out.

use serde::Serialize;

use crate::metrics::{Counters, UnfinishedRecord};
use crate::time::nanos_to_seconds;
use crate::workload::Slo;

/// A class's SLO and how it went.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SloReport {
    /// JCT objective, seconds (`slo.jct` or `deadline`).
    pub jct_seconds: Option<f64>,
    /// Queue-wait objective, seconds (`slo.wait`).
    pub wait_seconds: Option<f64>,
    /// Finished jobs that met every objective.
    pub met: u64,
    /// Finished jobs that missed one.
    pub missed_finished: u64,
    /// Rejected jobs (each a miss).
    pub missed_rejected: u64,
    /// Jobs in flight at the end already past an objective (each a miss).
    pub missed_in_flight: u64,
    /// Jobs in flight at the end not yet past any objective (left out).
    pub undecided: u64,
    /// met / (met + every miss); null when no job was decided.
    pub attainment: Option<f64>,
}

impl SloReport {
    /// The report of a class with objectives `slo` (None without any).
    pub fn of(slo: &Slo, counters: &Counters, unfinished: &UnfinishedRecord) -> Option<SloReport> {
        if !slo.is_set() {
            return None;
        }
        let missed_finished = counters.finished - counters.slo_met;
        let missed_rejected = counters.rejected();
        let missed_in_flight = unfinished.slo_missed;
        let decided = counters.slo_met + missed_finished + missed_rejected + missed_in_flight;
        Some(SloReport {
            jct_seconds: slo.jct.map(nanos_to_seconds),
            wait_seconds: slo.wait.map(nanos_to_seconds),
            met: counters.slo_met,
            missed_finished,
            missed_rejected,
            missed_in_flight,
            undecided: counters.in_flight() - missed_in_flight,
            attainment: (decided > 0).then(|| counters.slo_met as f64 / decided as f64),
        })
    }
}
