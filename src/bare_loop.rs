//! The reference model as the tightest honest hand-written loop: what cnsim's speed is
//! measured against.
//!
//! `hubs` hubs, each an M/M/64 queue at rho = 0.9 (Poisson arrivals at 57.6 jobs/s, one unit
//! each, exponential service with a mean of 1 s), strict FIFO, no metrics. The future-event set
//! is a `BinaryHeap` of 16-byte entries `Reverse<(time, key)>`, where the key is the insertion
//! sequence with the hub and the event kind packed into its low bits, so entries still order by
//! (time, sequence). One xoshiro256++ generator draws everything through `rand_distr::Exp`.
//! Arrivals stop after `jobs` and the loop drains the jobs in flight.

use rand::SeedableRng;
use rand_distr::{Distribution as _, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::bench::{RATE_PER_HUB, UNITS_PER_HUB};

/// Bits of the key below the sequence: the hub (15 bits) and the kind (1 bit: arrival).
const SEQUENCE_SHIFT: u32 = 16;
const ARRIVAL: u64 = 1 << 15;
const HUB_MASK: u64 = ARRIVAL - 1;

/// The most hubs the key holds.
pub const MAX_HUBS: usize = HUB_MASK as usize + 1;

/// What a run of the bare loop did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BareRun {
    /// Jobs submitted: `jobs`, plus up to one per other hub whose arrival was already due.
    pub submitted: u64,
    /// Jobs that finished (all that were submitted).
    pub finished: u64,
    /// The time of the last event, ns.
    pub end: u64,
}

/// Runs `jobs` jobs through `hubs` (1 ..= [`MAX_HUBS`]) M/M/64 queues at rho = 0.9.
pub fn run(hubs: usize, jobs: u64, seed: u64) -> BareRun {
    assert!((1..=MAX_HUBS).contains(&hubs), "1 to {MAX_HUBS} hubs");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let gap = Exp::new(RATE_PER_HUB / 1e9).expect("positive rate");
    let service = Exp::new(1.0 / 1e9).expect("positive rate");
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::with_capacity(hubs * 128);
    let mut sequence = 0u64;
    let mut key = |low: u64| {
        sequence += 1;
        (sequence << SEQUENCE_SHIFT) | low
    };
    let mut free = vec![UNITS_PER_HUB; hubs];
    let mut queues: Vec<VecDeque<u64>> = vec![VecDeque::new(); hubs];
    for h in 0..hubs as u64 {
        heap.push(Reverse((gap.sample(&mut rng) as u64, key(ARRIVAL | h))));
    }
    let (mut submitted, mut finished, mut end) = (0u64, 0u64, 0u64);
    while let Some(Reverse((now, k))) = heap.pop() {
        end = now;
        let h = (k & HUB_MASK) as usize;
        if k & ARRIVAL != 0 {
            submitted += 1;
            if submitted < jobs {
                heap.push(Reverse((now + gap.sample(&mut rng) as u64, key(ARRIVAL | h as u64))));
            }
            let runtime = service.sample(&mut rng) as u64;
            if free[h] > 0 {
                free[h] -= 1;
                heap.push(Reverse((now + runtime, key(h as u64))));
            } else {
                queues[h].push_back(runtime);
            }
        } else {
            finished += 1;
            match queues[h].pop_front() {
                Some(runtime) => heap.push(Reverse((now + runtime, key(h as u64)))),
                None => free[h] += 1,
            }
        }
    }
    BareRun { submitted, finished, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_finishes_and_the_clock_runs_at_the_arrival_rate() {
        // 200,000 Poisson arrivals at 8 x 57.6 /s take 434 s, give or take 0.3 % (one
        // standard deviation is 1 / sqrt(200,000) of it); draining adds a few seconds.
        let run = run(8, 200_000, 7);
        assert_eq!(run.finished, run.submitted);
        assert!((200_000..200_008).contains(&run.submitted), "{run:?}");
        let expected = 200_000.0 / (8.0 * RATE_PER_HUB);
        let seconds = run.end as f64 / 1e9;
        assert!(seconds > expected * 0.99 && seconds < expected * 1.01 + 20.0, "{seconds} s vs {expected} s");
    }

    #[test]
    fn keys_order_by_sequence_whatever_the_hub_and_kind() {
        let early = (5u64 << SEQUENCE_SHIFT) | ARRIVAL | HUB_MASK;
        let late = 6u64 << SEQUENCE_SHIFT;
        assert!(Reverse((1, early)) > Reverse((1, late)));
        assert_eq!(std::mem::size_of::<Reverse<(u64, u64)>>(), 16);
    }
}
