//! What temporal shifting costs each class: the delay a policy added before placing a job
//! (placement - submission), and the jobs that started later than their slack allowed.
//! Kept only in runs with time-varying signals or a class with `slack`.

use crate::metrics::latency::{new_histogram, recorded};
use crate::metrics::{LogHistogram, Metric};
use crate::model::Job;
use crate::time::SimDuration;

/// One class's shifting figures (measured jobs).
#[derive(Clone, Debug)]
pub struct ShiftRecord {
    /// The class's slack, if it declares one.
    pub slack: Option<SimDuration>,
    /// Placement - submission of every placed job, in recorded units.
    pub delay: LogHistogram,
    /// Placed jobs that were deferred at all.
    pub deferred: u64,
    /// Finished jobs whose start came more than the slack after their submission, not
    /// counting the time their data took to move (a job deferred to its latest start still
    /// has to move its data).
    pub slack_missed: u64,
    /// Suspensions of its interruptible jobs' runs (measured jobs).
    pub suspended: u64,
}

impl ShiftRecord {
    /// A record for a class with `slack`.
    pub fn new(slack: Option<SimDuration>) -> Self {
        ShiftRecord { slack, delay: new_histogram(Metric::Wait), deferred: 0, slack_missed: 0, suspended: 0 }
    }

    /// A measured job was placed (its `hub_arrival` is the placement time).
    #[inline]
    pub fn placed(&mut self, job: &Job) {
        let delay = job.hub_arrival - job.submit;
        self.deferred += u64::from(delay > 0);
        self.delay.record(recorded(delay));
    }

    /// A measured job finished.
    #[inline]
    pub fn finished(&mut self, job: &Job) {
        if self.slack.is_some_and(|s| job.start - job.submit - job.transfer > s) {
            self.slack_missed += 1;
        }
    }
}
