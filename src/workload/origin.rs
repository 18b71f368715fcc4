//! Drawing a job's origin region: `rand`'s `WeightedIndex` draw, found in O(1).
//!
//! `WeightedIndex` draws one uniform value in [0, total weight) and binary-searches the running
//! sums of the weights, O(log regions) with a chain of dependent loads; with a thousand regions
//! that search was a visible share of a run. This sampler makes the very same draw from the
//! same stream and returns the very same index (so every run is unchanged to the byte), but
//! starts the search from a guide table (Chen's method): the running sums split into as many
//! equal slices of [0, total) as there are regions, each remembering the first index that
//! can answer a draw in it, so a short forward scan ends the search. A test checks every
//! answer against `WeightedIndex` itself.

use rand::distr::Distribution;
use rand::distr::Uniform;

use crate::rng::SimRng;

/// Weighted choice of an index, equal draw for draw to `rand::distr::weighted::WeightedIndex`.
#[derive(Clone, Debug)]
pub struct OriginSampler {
    /// Running sums of the weights before each index after the first (as `WeightedIndex`).
    cumulative: Vec<f64>,
    draw: Uniform<f64>,
    /// Per slice of [0, total), the first index whose running sum exceeds the slice's start.
    guide: Vec<u32>,
    /// Slices per unit of weight.
    scale: f64,
}

impl OriginSampler {
    /// A sampler over `weights` (non-negative, positive sum: validated scenarios guarantee it).
    /// `None` if they are not.
    pub fn new(weights: &[f64]) -> Option<Self> {
        let (&first, rest) = weights.split_first()?;
        if weights.iter().any(|w| w.is_nan() || *w < 0.0) {
            return None;
        }
        // The same sums, in the same order, as `WeightedIndex::new`.
        let mut total = first;
        let mut cumulative = Vec::with_capacity(rest.len());
        for &w in rest {
            cumulative.push(total);
            total += w;
        }
        if total.is_nan() || total <= 0.0 || total.is_infinite() {
            return None;
        }
        let draw = Uniform::new(0.0, total).ok()?;
        let slices = weights.len();
        let slice = total / slices as f64;
        let guide = (0..slices).map(|s| cumulative.partition_point(|&c| c <= s as f64 * slice) as u32).collect();
        Some(OriginSampler { cumulative, draw, guide, scale: slices as f64 / total })
    }

    /// Draws an index.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> usize {
        let chosen = self.draw.sample(rng);
        // One slice back from the draw's own, so that rounding in the slice arithmetic can
        // never start the scan past the answer.
        let slice = ((chosen * self.scale) as usize).min(self.guide.len() - 1).saturating_sub(1);
        let mut index = self.guide[slice] as usize;
        while index < self.cumulative.len() && self.cumulative[index] <= chosen {
            index += 1;
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use rand::distr::weighted::WeightedIndex;

    #[test]
    fn every_draw_matches_weighted_index() {
        let cases: Vec<Vec<f64>> = vec![
            vec![1.0],
            vec![1.0; 1024],
            vec![0.1, 0.3, 0.6],
            vec![5.0, 0.0, 0.0, 1e-9, 3.0, 0.0, 7.5],
            (1..=300).map(|i| f64::from(i % 17) * 0.37 + f64::from(i % 3 == 0)).collect(),
            vec![1e12, 1.0, 1e-3, 2e12],
        ];
        for weights in cases {
            let ours = OriginSampler::new(&weights).expect("valid weights");
            let reference = WeightedIndex::new(weights.iter().copied()).unwrap();
            let (mut a, mut b) = (stream(7, Stream::Workload(0)), stream(7, Stream::Workload(0)));
            for _ in 0..100_000 {
                assert_eq!(ours.sample(&mut a), reference.sample(&mut b), "weights {weights:?}");
            }
        }
    }

    #[test]
    fn rejects_what_weighted_index_rejects() {
        assert!(OriginSampler::new(&[]).is_none());
        assert!(OriginSampler::new(&[0.0, 0.0]).is_none());
        assert!(OriginSampler::new(&[1.0, -1.0]).is_none());
        assert!(OriginSampler::new(&[1.0, f64::NAN]).is_none());
    }
}
