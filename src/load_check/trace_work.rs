//! The trace jobs' share of the load check: the work (units x runtime) of the trace jobs a run
//! submits, per class, averaged over the run's length.
//!
//! The work is counted by the trace sources themselves ([`TraceStats::offered_unit_nanos`]) for
//! each job they pass on before the run's end, after the window, speed, thinning and copies. A
//! run counts the jobs it submits; `cnsim validate` and `cnsim compare` read the traces ahead,
//! as far as the run would, with the scenario's seed: both count the same jobs.

use serde::Serialize;

use crate::time::{SimTime, nanos_to_seconds};
use crate::workload::trace::TraceStats;

/// Where the counted trace jobs come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceBasis {
    /// Read ahead before any run (`validate`, `compare`).
    ReadAhead,
    /// The jobs this run submitted.
    Submitted,
}

impl TraceBasis {
    /// How the basis reads in reports.
    pub fn describe(self) -> &'static str {
        match self {
            TraceBasis::ReadAhead => "read ahead",
            TraceBasis::Submitted => "submitted by this run",
        }
    }
}

/// The trace jobs a load check counts.
#[derive(Clone, Copy, Debug)]
pub struct TraceWork<'a> {
    /// What the sources passed on, with each class's work.
    pub stats: &'a TraceStats,
    /// The run's length: jobs submitted before it count, and their work is averaged over it.
    pub window: SimTime,
    /// Where the jobs come from.
    pub basis: TraceBasis,
}

/// How the trace jobs were counted, for the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceLoadNote {
    /// "read ahead" or "submitted by this run".
    pub basis: &'static str,
    /// Trace jobs submitted within the run.
    pub jobs: u64,
    /// The run's length the work is averaged over, seconds.
    pub window_s: f64,
}

impl TraceWork<'_> {
    /// Busy units the trace jobs of class `class` offer on average over the window.
    pub fn offered_units(&self, class: usize) -> f64 {
        let work = self.stats.offered_unit_nanos.get(class).copied().unwrap_or(0);
        work as f64 / self.window.max(1) as f64
    }

    /// The note for the report.
    pub fn note(&self) -> TraceLoadNote {
        TraceLoadNote {
            basis: self.basis.describe(),
            jobs: self.stats.replayed,
            window_s: nanos_to_seconds(self.window),
        }
    }
}

/// The trace jobs of `scenario`'s run, read ahead with its seed (`None` without traces): one
/// streaming pass over each copy of each trace, up to the run's end.
pub fn read_ahead(
    scenario: &crate::scenario::Scenario,
) -> Result<Option<TraceStats>, crate::workload::trace::TraceError> {
    if scenario.traces.is_empty() {
        return Ok(None);
    }
    crate::workload::trace::read_ahead(&scenario.traces, scenario.run.seed, scenario.run.duration).map(Some)
}
