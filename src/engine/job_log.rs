//! The per-job record handed to a sink as each job ends (`cnsim run --jobs`). Off by default:
//! the engine then pays one branch per submission and per job end.

use crate::model::{Footprint, Job};
use crate::time::SimTime;

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    /// It ran to the end.
    Finished,
    /// It was never placed.
    Rejected,
    /// It was still in the system when the run ended.
    InFlight,
    /// A fault killed it and its class's failure rule gave it up (see docs/faults.md).
    Lost,
}

impl JobState {
    /// The state's name in the output.
    pub fn name(self) -> &'static str {
        match self {
            JobState::Finished => "finished",
            JobState::Rejected => "rejected",
            JobState::InFlight => "in-flight",
            JobState::Lost => "lost",
        }
    }
}

/// One job's whole story.
#[derive(Clone, Debug)]
pub struct JobRecord<'a> {
    /// Submission number (0 for the run's first job).
    pub seq: u64,
    /// The trace's own id, for a trace job that has one.
    pub trace_id: Option<&'a str>,
    /// The job (`hub`, `transfer`, `hub_arrival`, `start` as far as it got).
    pub job: &'a Job,
    /// How it ended.
    pub state: JobState,
    /// When its input started moving and when it arrived (`None` before placement).
    pub transfer: Option<(SimTime, Option<SimTime>)>,
    /// When it finished.
    pub finish: Option<SimTime>,
    /// Its energy, cost and carbon (zero unless finished).
    pub footprint: Footprint,
}

/// Receives each job's record as the job ends.
pub trait JobSink {
    /// One job has ended.
    fn record(&mut self, record: &JobRecord<'_>);
}

/// What the engine keeps per job in flight for the log: its submission number and trace id.
#[derive(Clone, Debug, Default)]
pub struct JobTag {
    /// Submission number.
    pub seq: u64,
    /// The trace's own id.
    pub id: Option<Box<str>>,
}
