//! A class's service-level objective: a bound on job completion time, on queue wait, or both.
//!
//! A job meets the objective when every bound it sets holds. Attainment counts rejected jobs
//! and in-flight jobs already past a bound at the end of the run as misses; in-flight jobs not
//! yet past any bound are undecided and left out (see docs/overload-and-slos.md).

use crate::time::SimDuration;

/// Objectives of one class (both absent: the class has no SLO).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slo {
    /// Largest JCT (finish - submit) that meets the objective (`slo.jct`, or `deadline`).
    pub jct: Option<SimDuration>,
    /// Largest queue wait (start - arrival at the hub) that meets the objective (`slo.wait`).
    pub wait: Option<SimDuration>,
}

impl Slo {
    /// Whether the class has any objective.
    #[inline]
    pub fn is_set(&self) -> bool {
        self.jct.is_some() || self.wait.is_some()
    }

    /// Whether a finished job with this `jct` and `wait` met every objective.
    #[inline]
    pub fn met(&self, jct: SimDuration, wait: SimDuration) -> bool {
        self.jct.is_none_or(|j| jct <= j) && self.wait.is_none_or(|w| wait <= w)
    }

    /// Whether an unfinished job, `age` after its submission and having waited at least
    /// `waited` in a queue, has already missed an objective.
    #[inline]
    pub fn already_missed(&self, age: SimDuration, waited: SimDuration) -> bool {
        self.jct.is_some_and(|j| age > j) || self.wait.is_some_and(|w| waited > w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_meets_every_bound_or_misses() {
        let slo = Slo { jct: Some(100), wait: Some(10) };
        assert!(slo.met(100, 10));
        assert!(!slo.met(101, 0));
        assert!(!slo.met(50, 11));
        assert!(slo.already_missed(101, 0));
        assert!(slo.already_missed(50, 11));
        assert!(!slo.already_missed(100, 10));
        assert!(!Slo::default().is_set());
        assert!(!Slo::default().already_missed(u64::MAX, u64::MAX));
    }
}
