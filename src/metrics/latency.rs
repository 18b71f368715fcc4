//! Latency histograms of one group of jobs (a class, a hub, or all jobs).

use hdrhistogram::Histogram;

use crate::metrics::LogHistogram;

use crate::time::{SECOND, SimDuration};

/// Significant digits kept by every histogram.
pub const SIGNIFICANT_DIGITS: u8 = 3;
/// Durations are recorded in microseconds (a zero wait stays exactly zero).
pub const NANOS_PER_RECORDED: u64 = 1_000;
/// Largest recordable duration: 400 days, in microseconds (larger values are clamped).
pub const HIGHEST_MICROS: u64 = 400 * 86_400 * SECOND / NANOS_PER_RECORDED;
/// Bounded slowdown is recorded in thousandths.
pub const SLOWDOWN_SCALE: f64 = 1000.0;
/// Feitelson's threshold for bounded slowdown.
pub const SLOWDOWN_TAU: SimDuration = 10 * SECOND;

/// The latency metrics recorded per job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    /// Time moving the job's data to its hub.
    Transfer,
    /// Time in the hub's queue.
    Wait,
    /// Execution time.
    Run,
    /// Job completion time: finish - submit.
    Jct,
    /// max(1, JCT / max(run, 10 s)); dimensionless.
    BoundedSlowdown,
}

impl Metric {
    /// Every metric, in report order.
    pub const ALL: [Metric; 5] = [Metric::Transfer, Metric::Wait, Metric::Run, Metric::Jct, Metric::BoundedSlowdown];

    /// The metric's key in reports.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Transfer => "transfer",
            Metric::Wait => "wait",
            Metric::Run => "run",
            Metric::Jct => "jct",
            Metric::BoundedSlowdown => "bounded_slowdown",
        }
    }

    /// Whether values are durations (nanoseconds) rather than dimensionless ratios.
    pub fn is_duration(self) -> bool {
        self != Metric::BoundedSlowdown
    }

    /// Converts a recorded histogram value to the reported value (seconds, or a ratio).
    pub fn to_report(self, recorded: f64) -> f64 {
        if self.is_duration() { recorded / 1e6 } else { recorded / SLOWDOWN_SCALE }
    }
}

/// A recording histogram for durations in microseconds, or for slowdowns in thousandths.
pub fn new_histogram(metric: Metric) -> LogHistogram {
    new_histogram_with_digits(metric, SIGNIFICANT_DIGITS)
}

/// Like [`new_histogram`] with `digits` significant digits (1 to 5).
pub fn new_histogram_with_digits(metric: Metric, digits: u8) -> LogHistogram {
    let high = if metric.is_duration() { HIGHEST_MICROS } else { 1_000_000_000 };
    LogHistogram::new(high, digits)
}

/// Significant digits of the per-hub histograms: 3 up to 64 hubs; 2 (1 % resolution, an
/// eighth of the memory) for larger worlds, so a 1,024-hub world needs about 40 MB for them
/// instead of 600 MB. Per-class and overall histograms always keep 3.
pub fn hub_histogram_digits(hubs: usize) -> u8 {
    if hubs <= 64 { SIGNIFICANT_DIGITS } else { 2 }
}

/// A duration in nanoseconds as recorded: whole microseconds, rounded to nearest.
#[inline]
pub fn recorded(nanos: SimDuration) -> u64 {
    (nanos + NANOS_PER_RECORDED / 2) / NANOS_PER_RECORDED
}

/// The five latency histograms of one group of jobs.
#[derive(Clone, Debug)]
pub struct LatencySet {
    histograms: [LogHistogram; 5],
}

impl Default for LatencySet {
    fn default() -> Self {
        LatencySet { histograms: Metric::ALL.map(new_histogram) }
    }
}

impl LatencySet {
    /// Records one finished job.
    #[inline]
    /// `slowdown_millis` is [`bounded_slowdown_millis`]`(jct, run)`, computed once by the caller.
    pub fn record(
        &mut self,
        transfer: SimDuration,
        wait: SimDuration,
        run: SimDuration,
        jct: SimDuration,
        slowdown_millis: u64,
    ) {
        let [t, w, r, j, s] = &mut self.histograms;
        t.record(recorded(transfer));
        w.record(recorded(wait));
        r.record(recorded(run));
        j.record(recorded(jct));
        s.record(slowdown_millis);
    }

    /// The histogram of one metric, as an HdrHistogram (built on each call: O(buckets)).
    pub fn get(&self, metric: Metric) -> Histogram<u64> {
        self.histograms[metric as usize].to_hdr()
    }

    /// Adds every value of `other` (exact: the histograms share one configuration).
    pub fn add(&mut self, other: &LatencySet) {
        for (mine, theirs) in self.histograms.iter_mut().zip(&other.histograms) {
            mine.add(theirs);
        }
    }

    /// Number of jobs recorded.
    pub fn count(&self) -> u64 {
        self.histograms[0].len()
    }
}

/// Bounded slowdown in thousandths: max(1, JCT / max(run, 10 s)) x 1000.
#[inline]
pub fn bounded_slowdown_millis(jct: SimDuration, run: SimDuration) -> u64 {
    let ratio = jct as f64 / run.max(SLOWDOWN_TAU) as f64;
    // Non-negative, so adding one half and truncating rounds to nearest (cheaper than round()).
    (ratio.max(1.0) * SLOWDOWN_SCALE + 0.5) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_slowdown_uses_a_ten_second_floor() {
        // A 1 s job that took 5 s in total: 5 / max(1, 10) = 0.5, bounded to 1.
        assert_eq!(bounded_slowdown_millis(5 * SECOND, SECOND), 1000);
        // A 100 s job that took 300 s: slowdown 3.
        assert_eq!(bounded_slowdown_millis(300 * SECOND, 100 * SECOND), 3000);
        // A 2 s job that took 40 s: 40 / 10 = 4.
        assert_eq!(bounded_slowdown_millis(40 * SECOND, 2 * SECOND), 4000);
    }
}
