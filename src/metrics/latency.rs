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

/// Whether a duration records as zero (under half a recorded unit): cheaper than recording.
#[inline]
pub fn records_as_zero(nanos: SimDuration) -> bool {
    nanos < NANOS_PER_RECORDED / 2
}

/// Bounded slowdown's smallest value, in thousandths: a slowdown of exactly 1.
pub const UNIT_SLOWDOWN_MILLIS: u64 = SLOWDOWN_SCALE as u64;

/// The five latency histograms of one group of jobs.
///
/// Most jobs of most runs move no data, wait for nothing and finish within their bounded
/// slowdown's floor: zero transfers and waits and unit slowdowns are counted in plain counters
/// (`common`, by metric) and added to their histograms' buckets whenever a histogram is read,
/// so every histogram read is the one that recording each value would have built.
#[derive(Clone, Debug)]
pub struct LatencySet {
    histograms: [LogHistogram; 5],
    /// Per metric: values equal to [`LatencySet::common_value`] not in `histograms`.
    common: [u64; 5],
}

impl Default for LatencySet {
    fn default() -> Self {
        LatencySet { histograms: Metric::ALL.map(new_histogram), common: [0; 5] }
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
        let [zero_transfers, zero_waits, _, _, unit_slowdowns] = &mut self.common;
        if records_as_zero(transfer) {
            *zero_transfers += 1;
        } else {
            t.record(recorded(transfer));
        }
        if records_as_zero(wait) {
            *zero_waits += 1;
        } else {
            w.record(recorded(wait));
        }
        r.record(recorded(run));
        j.record(recorded(jct));
        if slowdown_millis == UNIT_SLOWDOWN_MILLIS {
            *unit_slowdowns += 1;
        } else {
            s.record(slowdown_millis);
        }
    }

    /// The recorded value counted in `common` for `metric`: 0 for durations, 1 for slowdown.
    fn common_value(metric: Metric) -> u64 {
        if metric.is_duration() { 0 } else { UNIT_SLOWDOWN_MILLIS }
    }

    /// The histogram of one metric, as an HdrHistogram (built on each call: O(buckets)).
    pub fn get(&self, metric: Metric) -> Histogram<u64> {
        let mut histogram = self.histograms[metric as usize].to_hdr();
        let common = self.common[metric as usize];
        if common > 0 {
            histogram.record_n(Self::common_value(metric), common).expect("the common value is in range");
        }
        histogram
    }

    /// Adds every value of `other` (exact: the histograms share one configuration).
    pub fn add(&mut self, other: &LatencySet) {
        for (mine, theirs) in self.histograms.iter_mut().zip(&other.histograms) {
            mine.add(theirs);
        }
        for (mine, theirs) in self.common.iter_mut().zip(&other.common) {
            *mine += theirs;
        }
    }

    /// Number of jobs recorded.
    pub fn count(&self) -> u64 {
        self.histograms[0].len() + self.common[0]
    }
}

/// Bounded slowdown in thousandths: max(1, JCT / max(run, 10 s)) x 1000.
#[inline]
pub fn bounded_slowdown_millis(jct: SimDuration, run: SimDuration) -> u64 {
    let floor = run.max(SLOWDOWN_TAU);
    if jct <= floor {
        // Exact: u64 -> f64 is monotonic and a correctly rounded quotient of x <= y is <= 1,
        // so the float path below would give max(ratio, 1) = 1 as well.
        return UNIT_SLOWDOWN_MILLIS;
    }
    let ratio = jct as f64 / floor as f64;
    // Non-negative, so adding one half and truncating rounds to nearest (cheaper than round()).
    (ratio.max(1.0) * SLOWDOWN_SCALE + 0.5) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use rand::RngExt;

    /// The float formula alone, as it was before the integer shortcut.
    fn slowdown_by_floats(jct: SimDuration, run: SimDuration) -> u64 {
        let ratio = jct as f64 / run.max(SLOWDOWN_TAU) as f64;
        (ratio.max(1.0) * SLOWDOWN_SCALE + 0.5) as u64
    }

    #[test]
    fn the_unit_slowdown_shortcut_equals_the_float_formula() {
        let mut rng = stream(5, Stream::Workload(0));
        for _ in 0..200_000 {
            let run_magnitude = rng.random_range(1..60u32);
            let run = rng.random_range(1..=1u64 << run_magnitude);
            let jct_magnitude = rng.random_range(1..63u32);
            let jct = match rng.random_range(0..3) {
                0 => run.max(SLOWDOWN_TAU),
                1 => run.max(SLOWDOWN_TAU).saturating_add(rng.random_range(0..3)),
                _ => rng.random_range(0..=1u64 << jct_magnitude),
            };
            assert_eq!(bounded_slowdown_millis(jct, run), slowdown_by_floats(jct, run), "jct {jct} run {run}");
        }
    }

    #[test]
    fn counted_common_values_read_as_recorded_ones() {
        // An independent reader: every value recorded into plain HdrHistograms.
        let mut set = LatencySet::default();
        let mut reference: Vec<Histogram<u64>> = Metric::ALL
            .iter()
            .map(|m| {
                Histogram::new_with_bounds(1, if m.is_duration() { HIGHEST_MICROS } else { 1_000_000_000 }, 3).unwrap()
            })
            .collect();
        let mut rng = stream(6, Stream::Workload(1));
        for _ in 0..20_000 {
            let pick = |rng: &mut crate::rng::SimRng| match rng.random_range(0..3) {
                0 => rng.random_range(0..500),
                1 => rng.random_range(0..2_000),
                _ => rng.random_range(0..100 * SECOND),
            };
            let (transfer, wait, run) = (pick(&mut rng), pick(&mut rng), pick(&mut rng).max(1));
            let jct = transfer + wait + run;
            let slowdown = bounded_slowdown_millis(jct, run);
            set.record(transfer, wait, run, jct, slowdown);
            for (h, v) in
                reference.iter_mut().zip([recorded(transfer), recorded(wait), recorded(run), recorded(jct), slowdown])
            {
                h.record(v).unwrap();
            }
        }
        let mut doubled = set.clone();
        doubled.add(&set);
        assert_eq!(set.count(), 20_000);
        assert_eq!(doubled.count(), 40_000);
        for (metric, expected) in Metric::ALL.iter().zip(&reference) {
            assert_eq!(set.get(*metric), *expected, "{metric:?}");
            assert_eq!(doubled.get(*metric).len(), 2 * expected.len());
        }
    }

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
