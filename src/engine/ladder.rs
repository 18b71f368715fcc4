//! A two-rung ladder queue of `u128` keys whose top 64 bits are a time: O(1) amortised push
//! and pop, in exactly the order of a binary heap.
//!
//! Keys live in one of three places, by time:
//! - `near`, every key earlier than `horizon`, sorted in descending order and popped from
//!   the end;
//! - the rung: `buckets[cur..]`, equal-width time slices from `horizon` up to `rung_end`,
//!   each an unsorted vector;
//! - `top`, an unsorted vector of every key from `rung_end` on.
//!
//! A push appends to the vector its time falls in (or inserts into `near` in order). When
//! `near` runs dry, the next non-empty bucket is sorted and becomes `near` (a bucket holds about
//! [`PER_BUCKET`] keys, so sorting once beats sifting each pop through a heap); when the rung runs dry,
//! `top` is spread over a new rung sized to hold about [`PER_BUCKET`] keys a bucket. Every key
//! is thus written a few times into short vectors, sequentially, rather than sifted through
//! the levels of one large heap: with tens of thousands of pending events (many hubs) those
//! sifts miss the cache at every level. Equal times always share a place, and `near` is
//! ordered by the whole key, so keys come out in exactly ascending order (the tests compare
//! with `std`'s heap).
//!
//! After Tang, Goh and Thng, "Ladder queue: An O(1) priority queue structure for large-scale
//! discrete event simulation", ACM TOMACS 15(3), 2005, simplified to one rung.

/// Keys a rung bucket holds on average when the rung is built.
pub const PER_BUCKET: usize = 8;
/// Largest allocation (in keys) an emptied bucket keeps for reuse.
const KEEP_CAPACITY: usize = 16 * PER_BUCKET;
/// The most buckets one rung has.
const MAX_BUCKETS: usize = 1 << 16;

#[inline]
fn time(key: u128) -> u64 {
    (key >> 64) as u64
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct LadderQueue {
    /// Keys before `horizon`, in descending order: the smallest is last.
    near: Vec<u128>,
    /// Every key in `near` is earlier than this; every other key is at or after it.
    horizon: u64,
    buckets: Vec<Vec<u128>>,
    /// Bucket `i` covers `[rung_start + (i << shift), rung_start + ((i + 1) << shift))`: widths
    /// are powers of two, so finding a key's bucket is a shift, not a division.
    rung_start: u64,
    shift: u32,
    /// The next bucket to move into `near`; buckets before it are empty.
    cur: usize,
    /// Keys in the rung's buckets.
    in_rung: usize,
    /// End of the rung: keys from here on go to `top`.
    rung_end: u64,
    top: Vec<u128>,
    top_min: u64,
    top_max: u64,
}

impl LadderQueue {
    /// An empty queue.
    pub fn new() -> Self {
        LadderQueue { top_min: u64::MAX, ..LadderQueue::default() }
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.near.len() + self.in_rung + self.top.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a key. O(1) unless it lands in `near` (an insertion into a short sorted vector).
    #[inline]
    pub fn push(&mut self, key: u128) {
        let t = time(key);
        if t < self.horizon {
            let at = self.near.partition_point(|&k| k > key);
            self.near.insert(at, key);
        } else if t < self.rung_end {
            let bucket = ((t - self.rung_start) >> self.shift) as usize;
            self.buckets[bucket].push(key);
            self.in_rung += 1;
        } else {
            self.top_min = self.top_min.min(t);
            self.top_max = self.top_max.max(t);
            self.top.push(key);
        }
    }

    /// The smallest key, moving the next keys into `near` if it is empty.
    #[inline]
    pub fn peek(&mut self) -> Option<u128> {
        if self.near.is_empty() {
            self.refill();
        }
        self.near.last().copied()
    }

    /// The smallest key if `near` holds it (no refill), else `None`.
    #[inline]
    pub fn peek_near(&self) -> Option<u128> {
        self.near.last().copied()
    }

    /// Removes and returns the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<u128> {
        if self.near.is_empty() {
            self.refill();
        }
        self.near.pop()
    }

    /// Makes `near` hold the earliest keys, if there are any.
    #[cold]
    fn refill(&mut self) {
        if self.in_rung == 0 {
            if self.top.is_empty() {
                return;
            }
            self.build_rung();
        }
        while self.buckets[self.cur].is_empty() {
            self.cur += 1;
        }
        let mut bucket = std::mem::take(&mut self.buckets[self.cur]);
        self.in_rung -= bucket.len();
        // Keys are unique, so an unstable sort is deterministic.
        bucket.sort_unstable_by(|a, b| b.cmp(a));
        // The emptied `near`'s allocation becomes the bucket's, for the next rung, unless it is
        // large: buckets that once overflowed would otherwise keep their peak sizes for good.
        let spare = std::mem::replace(&mut self.near, bucket);
        if spare.capacity() <= KEEP_CAPACITY {
            self.buckets[self.cur] = spare;
        }
        self.cur += 1;
        let end = u128::from(self.rung_start) + ((self.cur as u128) << self.shift);
        self.horizon = u64::try_from(end).unwrap_or(u64::MAX).min(self.rung_end);
        if self.in_rung == 0 {
            // Nothing is left between this bucket and `top`.
            self.horizon = self.rung_end;
        }
    }

    /// Spreads `top` over a new rung.
    fn build_rung(&mut self) {
        let (lo, hi) = (self.top_min, self.top_max);
        let count = (self.top.len() / PER_BUCKET).clamp(1, MAX_BUCKETS);
        let span = u128::from(hi - lo) + 1;
        // The smallest power-of-two width that covers the span in `count` buckets or fewer.
        self.shift = span.div_ceil(count as u128).next_power_of_two().trailing_zeros().min(63);
        let width = 1u128 << self.shift;
        let count = usize::try_from(span.div_ceil(width)).expect("at most MAX_BUCKETS");
        if self.buckets.len() < count {
            self.buckets.resize_with(count, Vec::new);
        }
        self.rung_start = lo;
        self.rung_end = u64::try_from(u128::from(lo) + width * count as u128).unwrap_or(u64::MAX);
        self.horizon = lo;
        self.cur = 0;
        for key in self.top.drain(..) {
            let bucket = ((time(key) - lo) >> self.shift) as usize;
            self.buckets[bucket].push(key);
        }
        self.in_rung = self.buckets[..count].iter().map(Vec::len).sum();
        // Ends past the last time are cut to u64::MAX: later keys at that very time go to `top`,
        // behind the equal-time keys of the rung, whose sequence numbers are all smaller.
        self.top_min = u64::MAX;
        self.top_max = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use rand::RngExt;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    fn check_against_a_heap(seed: u64, spread: u64, steps: usize) {
        let mut rng = stream(seed, Stream::Scheduler);
        let (mut ladder, mut heap) = (LadderQueue::new(), BinaryHeap::new());
        let mut now = 0u64;
        let mut seq = 0u128;
        for _ in 0..steps {
            if rng.random_range(0..5) < 3 || heap.is_empty() {
                // Times from now on, many equal; the low bits keep keys unique.
                let t = now + rng.random_range(0..spread);
                seq += 1;
                let key = (u128::from(t) << 64) | seq;
                ladder.push(key);
                heap.push(Reverse(key));
            } else {
                let expected = heap.pop().map(|Reverse(k)| k);
                assert_eq!(ladder.peek(), expected);
                assert_eq!(ladder.pop(), expected);
                now = time(expected.expect("not empty"));
            }
            assert_eq!(ladder.len(), heap.len());
        }
        while let Some(Reverse(key)) = heap.pop() {
            assert_eq!(ladder.pop(), Some(key));
        }
        assert_eq!(ladder.pop(), None);
        assert!(ladder.is_empty());
    }

    #[test]
    fn pops_in_heap_order_for_narrow_wide_and_tied_times() {
        check_against_a_heap(1, 4, 50_000);
        check_against_a_heap(2, 1_000, 50_000);
        check_against_a_heap(3, 1 << 40, 50_000);
    }

    #[test]
    fn handles_the_largest_times() {
        let mut ladder = LadderQueue::new();
        let keys = [u128::MAX, (u128::from(u64::MAX) << 64) | 1, 5 << 64, 0];
        for key in keys {
            ladder.push(key);
        }
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        for key in sorted {
            assert_eq!(ladder.pop(), Some(key));
        }
        assert_eq!(ladder.pop(), None);
    }
}
