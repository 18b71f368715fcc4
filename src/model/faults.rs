//! Faults as part of the model: hub (pool) outages, scheduled or random, and what a failure
//! does to the jobs of each class.
//!
//! An outage takes a share of a pool's capacity away for a while (1.0: the pool is down).
//! Scheduled outages are windows in simulated time; random ones alternate up and down times
//! drawn from exponential distributions with means MTBF and MTTR, from a stream of their own,
//! so the jobs of a seed stay identical under every policy. Overlapping outages of one pool
//! do not add up: the largest share lost applies.

use crate::model::PoolKind;
use crate::time::{HOUR, SimDuration, SimTime};

/// When an outage happens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OutageTiming {
    /// Once, from `start` for `duration`.
    Scheduled {
        /// Start, from the beginning of the run.
        start: SimTime,
        /// How long it lasts.
        duration: SimDuration,
    },
    /// Again and again: up for Exp(mean `mtbf`), then down for Exp(mean `mttr`), from time 0.
    Random {
        /// Mean time between failures (mean up time).
        mtbf: SimDuration,
        /// Mean time to repair (mean down time).
        mttr: SimDuration,
    },
}

/// One outage process of a hub's pools.
#[derive(Clone, Debug, PartialEq)]
pub struct Outage {
    /// Hub index.
    pub hub: u16,
    /// The pools it hits, by `PoolKind::index`.
    pub pools: [bool; 2],
    /// Share of capacity lost while it lasts, in (0, 1]; 1.0 means down.
    pub lost: f64,
    /// When.
    pub timing: OutageTiming,
}

impl Outage {
    /// The long-run share of capacity available under this process alone:
    /// 1 - lost x MTTR / (MTBF + MTTR) for a random one, `None` for a scheduled one.
    pub fn expected_availability(&self) -> Option<f64> {
        match self.timing {
            OutageTiming::Random { mtbf, mttr } => Some(1.0 - self.lost * mttr as f64 / (mtbf as f64 + mttr as f64)),
            OutageTiming::Scheduled { .. } => None,
        }
    }
}

/// One cut process of a backbone link (flow network model only): while it lasts, the link
/// carries nothing in either direction.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkCut {
    /// Index of the declared link (`[[network.links]]` order).
    pub link: u32,
    /// When.
    pub timing: OutageTiming,
}

/// The fault processes of a world (none by default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Outage processes, in scenario order (their index names their random stream).
    pub outages: Vec<Outage>,
    /// Link cut processes, in scenario order (their index names their random stream).
    pub cuts: Vec<LinkCut>,
}

impl Faults {
    /// The expected availability of `pool` at `hub`, when exactly one random process (and no
    /// scheduled one) hits it.
    pub fn expected_availability(&self, hub: usize, pool: PoolKind) -> Option<f64> {
        let mut hitting = self.outages.iter().filter(|o| o.hub as usize == hub && o.pools[pool.index()]);
        match (hitting.next(), hitting.next()) {
            (Some(only), None) => only.expected_availability(),
            _ => None,
        }
    }
}

/// How likely a running job is to fail by itself (independently of outages).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum JobHazard {
    /// Never.
    #[default]
    None,
    /// A constant hazard: the time to failure of a run is Exp(mean `mtbf`).
    Rate {
        /// Mean running time between failures.
        mtbf: SimDuration,
    },
    /// Each run fails with this probability, at a uniformly random point of its runtime.
    Probability(f64),
}

/// What happens to a job whose run was killed (by an outage or its own failure).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OnFailure {
    /// Offered to the scheduler again after a backoff, up to `max_attempts` runs in all; the
    /// n-th retry waits `backoff` x 2^(n-1). After the last attempt fails the job is lost.
    Retry {
        /// Runs allowed in all (the first included), at least 1.
        max_attempts: u32,
        /// Wait before the first retry; doubled for each further one.
        backoff: SimDuration,
    },
    /// The job is lost at once.
    Lose,
}

impl Default for OnFailure {
    fn default() -> Self {
        OnFailure::Retry { max_attempts: DEFAULT_MAX_ATTEMPTS, backoff: DEFAULT_BACKOFF }
    }
}

/// Runs allowed by default when a class says nothing.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Backoff before the first retry by default.
pub const DEFAULT_BACKOFF: SimDuration = 60 * 1_000_000_000;

/// A class's failure model and handling.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FailureRule {
    /// Its jobs' own failures.
    pub hazard: JobHazard,
    /// What a failure (own or an outage's) does.
    pub on_failure: OnFailure,
    /// Work is saved every `checkpoint` of running time, so a retry loses only what ran since
    /// the last one.
    pub checkpoint: Option<SimDuration>,
}

impl FailureRule {
    /// Of `elapsed` running time, the part saved by checkpoints.
    #[inline]
    pub fn saved(&self, elapsed: SimDuration) -> SimDuration {
        self.checkpoint.map_or(0, |c| elapsed / c * c)
    }

    /// The wait before retry number `retry` (1 for the first), or `None` when the job is lost.
    pub fn retry_delay(&self, retry: u32) -> Option<SimDuration> {
        match self.on_failure {
            OnFailure::Retry { max_attempts, backoff } if retry < max_attempts => {
                Some(backoff.saturating_mul(1u64 << (retry - 1).min(40)))
            }
            _ => None,
        }
    }
}

/// Hours in a duration (for reports of MTBF and MTTR).
pub fn hours(d: SimDuration) -> f64 {
    d as f64 / HOUR as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_save_whole_intervals_only() {
        let rule = FailureRule { checkpoint: Some(10), ..FailureRule::default() };
        assert_eq!(rule.saved(25), 20);
        assert_eq!(rule.saved(9), 0);
        assert_eq!(FailureRule::default().saved(25), 0);
    }

    #[test]
    fn backoff_doubles_until_the_attempts_run_out() {
        let rule = FailureRule { on_failure: OnFailure::Retry { max_attempts: 3, backoff: 5 }, ..Default::default() };
        assert_eq!(rule.retry_delay(1), Some(5));
        assert_eq!(rule.retry_delay(2), Some(10));
        assert_eq!(rule.retry_delay(3), None, "three runs in all: the third failure loses the job");
        let lose = FailureRule { on_failure: OnFailure::Lose, ..Default::default() };
        assert_eq!(lose.retry_delay(1), None);
    }

    #[test]
    fn expected_availability_is_mtbf_over_the_cycle() {
        let o = Outage { hub: 0, pools: [true, true], lost: 1.0, timing: OutageTiming::Random { mtbf: 90, mttr: 10 } };
        assert!((o.expected_availability().unwrap() - 0.9).abs() < 1e-12);
        let half = Outage { lost: 0.5, ..o.clone() };
        assert!((half.expected_availability().unwrap() - 0.95).abs() < 1e-12);
        let faults = Faults { outages: vec![o.clone(), half], cuts: Vec::new() };
        assert_eq!(faults.expected_availability(0, PoolKind::General), None, "two processes: no closed form here");
        assert_eq!(Faults { outages: vec![o], cuts: Vec::new() }.expected_availability(1, PoolKind::General), None);
    }
}
