//! A recording front-end with HdrHistogram's exact bucket layout.
//!
//! Recording into `hdrhistogram::Histogram` costs about 60 instructions a value (generic counter
//! conversions, min/max and total updates, resize checks); seven values a job made it the
//! largest single cost of a run. This type keeps only the counts array, indexed with the same
//! arithmetic as HdrHistogram (lowest discernible value 1), so recording is a few instructions,
//! and converts into a real `Histogram` for every statistic and output. The conversion is
//! exact: every value lands in the same bucket it would have landed in, so percentiles, means,
//! buckets and serialised logs are those of HdrHistogram (tests below compare the two).

use hdrhistogram::Histogram;

/// Counts in HdrHistogram's buckets for values in [0, highest] at `digits` significant digits.
#[derive(Clone, Debug)]
pub struct LogHistogram {
    /// Empty until the first value is counted, so that idle histograms (and clones of an empty
    /// one) cost no memory; then `slots` long.
    counts: Vec<u64>,
    slots: usize,
    half_count_magnitude: u32,
    half_count: usize,
    sub_bucket_mask: u64,
    leading_zero_count_base: u32,
    highest: u64,
    highest_index: usize,
    digits: u8,
}

impl LogHistogram {
    /// An empty histogram tracking [0, `highest`] (larger values are clamped to `highest`).
    pub fn new(highest: u64, digits: u8) -> Self {
        let template = Histogram::<u64>::new_with_bounds(1, highest, digits).expect("valid histogram bounds");
        let largest = 2 * 10_u32.pow(u32::from(digits));
        let sub_bucket_count_magnitude = f64::from(largest).log2().ceil() as u32;
        let sub_bucket_count = 1u64 << sub_bucket_count_magnitude;
        let mut h = LogHistogram {
            counts: Vec::new(),
            slots: template.distinct_values(),
            half_count_magnitude: sub_bucket_count_magnitude - 1,
            half_count: (sub_bucket_count / 2) as usize,
            sub_bucket_mask: sub_bucket_count - 1,
            leading_zero_count_base: 64 - sub_bucket_count_magnitude,
            highest,
            highest_index: 0,
            digits,
        };
        h.highest_index = h.index_for(highest);
        h
    }

    #[inline]
    fn index_for(&self, value: u64) -> usize {
        let bucket = self.leading_zero_count_base - (value | self.sub_bucket_mask).leading_zeros();
        let sub_bucket = (value >> bucket) as usize;
        (((bucket + 1) as usize) << self.half_count_magnitude) + sub_bucket - self.half_count
    }

    /// The lowest value of the bucket at `index` (HdrHistogram's `value_for`).
    fn value_for(&self, index: usize) -> u64 {
        let mut bucket = (index >> self.half_count_magnitude) as i64 - 1;
        let mut sub_bucket = (index & (self.half_count - 1)) + self.half_count;
        if bucket < 0 {
            sub_bucket -= self.half_count;
            bucket = 0;
        }
        (sub_bucket as u64) << bucket
    }

    /// Counts one value; values beyond the tracked range count as `highest`, as HdrHistogram's
    /// saturating record does.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let index = self.index_for(value);
        self.allocate();
        match self.counts.get_mut(index) {
            Some(count) => *count += 1,
            None => self.counts[self.highest_index] += 1,
        }
    }

    /// The slot `value` counts in (see [`LogHistogram::count_slot`]): cheap to compute without
    /// touching the counts, so recording can be split from counting.
    #[inline]
    pub fn slot(&self, value: u64) -> u32 {
        let index = self.index_for(value);
        if index < self.slots { index as u32 } else { self.highest_index as u32 }
    }

    /// Counts one value in `slot`, as returned by [`LogHistogram::slot`] of a histogram of the
    /// same shape.
    #[inline]
    pub fn count_slot(&mut self, slot: u32) {
        self.allocate();
        self.counts[slot as usize] += 1;
    }

    #[inline]
    fn allocate(&mut self) {
        if self.counts.is_empty() {
            self.allocate_counts();
        }
    }

    #[cold]
    #[inline(never)]
    fn allocate_counts(&mut self) {
        self.counts = vec![0; self.slots];
    }

    /// Adds every count of `other`, which must have the same range and digits.
    pub fn add(&mut self, other: &LogHistogram) {
        assert_eq!((self.highest, self.digits), (other.highest, other.digits), "histograms differ in shape");
        if other.counts.is_empty() {
            return;
        }
        self.allocate();
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    /// Number of values recorded.
    pub fn len(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|&c| c == 0)
    }

    /// The same counts as an HdrHistogram.
    pub fn to_hdr(&self) -> Histogram<u64> {
        let mut h = Histogram::new_with_bounds(1, self.highest, self.digits).expect("valid histogram bounds");
        for (index, &count) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            h.record_n(self.value_for(index), count).expect("every bucket's lowest value is in range");
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use rand::RngExt;

    #[test]
    fn same_buckets_and_statistics_as_hdrhistogram() {
        for digits in [2u8, 3] {
            let highest = 34_560_000_000_000;
            let mut fast = LogHistogram::new(highest, digits);
            let mut reference = Histogram::<u64>::new_with_bounds(1, highest, digits).unwrap();
            let mut rng = stream(9, Stream::Workload(0));
            for i in 0..200_000u64 {
                // Values from 0 to beyond the range, spread over every magnitude.
                let magnitude = rng.random_range(0..50u32);
                let value = if i % 1000 == 0 { u64::MAX / 3 } else { rng.random_range(0..=(1u64 << magnitude)) };
                fast.record(value);
                reference.saturating_record(value);
            }
            let converted = fast.to_hdr();
            assert_eq!(converted.len(), reference.len());
            let buckets = |h: &Histogram<u64>| {
                h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect::<Vec<_>>()
            };
            assert_eq!(buckets(&converted), buckets(&reference));
            assert_eq!(converted.mean(), reference.mean());
            for q in [0.0, 0.5, 0.9, 0.99, 0.999, 1.0] {
                assert_eq!(converted.value_at_quantile(q), reference.value_at_quantile(q));
            }
            assert_eq!(converted.highest_equivalent(converted.max()), reference.highest_equivalent(reference.max()));
        }
    }

    #[test]
    fn adding_merges_counts() {
        let mut a = LogHistogram::new(1_000_000, 3);
        let mut b = LogHistogram::new(1_000_000, 3);
        a.record(5);
        b.record(5);
        b.record(123_456);
        a.add(&b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.to_hdr().count_at(5), 2);
    }
}
