//! The stability verdict of a pool: did its backlog settle, or grow across the measured window?
//!
//! From the equal-interval samples of mean queued units after the warm-up: the mean of the
//! first quarter of them against the mean of the last quarter. The backlog is *growing* when
//! the last quarter's mean exceeds twice the first's plus 25 % of the pool's capacity; then the pool did not reach a steady state and its waits
//! measure the run's length as much as the system. Otherwise it is *steady*. With fewer than
//! eight measured samples the verdict is *unknown*.

use serde::Serialize;

/// Rise, as a share of capacity, above which a backlog counts as growing.
pub const GROWTH_SHARE_OF_CAPACITY: f64 = 0.25;
/// Ratio of the last quarter's backlog to the first's above which a backlog can count as growing.
pub const GROWTH_RATIO: f64 = 2.0;

/// A pool's backlog trend and verdict.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stability {
    /// Mean queued units over the first quarter of the measured samples.
    pub backlog_first_quarter: f64,
    /// Mean queued units over the last quarter of the measured samples.
    pub backlog_last_quarter: f64,
    /// `steady`, `growing` or `unknown`.
    pub verdict: &'static str,
}

impl Stability {
    /// The verdict for a pool of `capacity` units from its measured queued-unit samples.
    pub fn of(capacity: u32, samples: &[f32]) -> Stability {
        let quarter = samples.len() / 4;
        let mean =
            |s: &[f32]| if s.is_empty() { 0.0 } else { s.iter().map(|&v| f64::from(v)).sum::<f64>() / s.len() as f64 };
        let first = mean(&samples[..quarter]);
        let last = mean(&samples[samples.len() - quarter..]);
        let verdict = if samples.len() < 8 {
            "unknown"
        } else if last > GROWTH_RATIO * first + GROWTH_SHARE_OF_CAPACITY * f64::from(capacity) {
            "growing"
        } else {
            "steady"
        };
        Stability { backlog_first_quarter: first, backlog_last_quarter: last, verdict }
    }

    /// Whether the backlog grew.
    pub fn is_growing(&self) -> bool {
        self.verdict == "growing"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rising_backlog_is_growing_a_flat_one_steady() {
        let rising: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let s = Stability::of(100, &rising);
        assert_eq!((s.verdict, s.backlog_first_quarter, s.backlog_last_quarter), ("growing", 12.0, 87.0));
        let flat: Vec<f32> = (0..100).map(|i| 10.0 + (i % 3) as f32).collect();
        assert_eq!(Stability::of(100, &flat).verdict, "steady");
        // A small rise relative to capacity is noise, not growth.
        assert_eq!(Stability::of(1000, &rising).verdict, "steady");
        assert_eq!(Stability::of(10, &[1.0, 2.0]).verdict, "unknown");
    }
}
