//! The future-event set: a binary min-heap ordered by (time, insertion sequence).
//!
//! Equal times pop in insertion order, so a run is a pure function of (scenario, seed).
//! `push` and `pop` are O(log n); `peek_time` and `len` are O(1).
//!
//! An entry is 16 bytes: the time, and one word holding the insertion sequence (high 36 bits),
//! the event kind (2 bits) and its index (26 bits). Ordering compares the two words as one
//! `u128`, which is both the (time, sequence) order and a single comparison.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// What happens at an event. Indices point into the engine's sources or job slab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The next job of source (class) `0` arrives.
    Arrival(u32),
    /// Job `0`'s data has reached its hub; the job joins the hub's queue.
    Transferred(u32),
    /// Job `0` finishes and frees its units.
    Finish(u32),
    /// Job `0`, deferred earlier, is offered to the scheduler again.
    Retry(u32),
}

const INDEX_BITS: u32 = 26;
const KIND_BITS: u32 = 2;
const SEQ_SHIFT: u32 = INDEX_BITS + KIND_BITS;
/// Largest index an event can carry (jobs in flight, sources): about 67 million.
pub const MAX_INDEX: u32 = (1 << INDEX_BITS) - 1;
/// Largest number of events one run can schedule: about 68.7 billion.
pub const MAX_EVENTS: u64 = (1 << (64 - SEQ_SHIFT)) - 1;

impl EventKind {
    #[inline]
    fn pack(self, seq: u64) -> u64 {
        let (kind, index) = match self {
            EventKind::Arrival(i) => (0u64, i),
            EventKind::Transferred(i) => (1, i),
            EventKind::Finish(i) => (2, i),
            EventKind::Retry(i) => (3, i),
        };
        assert!(index <= MAX_INDEX, "event index {index} exceeds {MAX_INDEX}");
        (seq << SEQ_SHIFT) | (kind << INDEX_BITS) | u64::from(index)
    }

    #[inline]
    fn unpack(word: u64) -> EventKind {
        let index = (word & u64::from(MAX_INDEX)) as u32;
        match (word >> INDEX_BITS) & 0b11 {
            0 => EventKind::Arrival(index),
            1 => EventKind::Transferred(index),
            2 => EventKind::Finish(index),
            _ => EventKind::Retry(index),
        }
    }
}

/// Pending events, earliest first, ties in insertion order.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<u128>>,
    next_seq: u64,
}

impl EventQueue {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue { heap: BinaryHeap::with_capacity(capacity), next_seq: 0 }
    }

    /// Schedules `kind` at `time`. O(log n).
    #[inline]
    pub fn push(&mut self, time: SimTime, kind: EventKind) {
        let seq = self.next_seq;
        assert!(seq <= MAX_EVENTS, "more than {MAX_EVENTS} events scheduled in one run");
        self.next_seq += 1;
        self.heap.push(Reverse((u128::from(time) << 64) | u128::from(kind.pack(seq))));
    }

    /// Removes and returns the earliest event. O(log n).
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, EventKind)> {
        self.heap.pop().map(|Reverse(key)| ((key >> 64) as SimTime, EventKind::unpack(key as u64)))
    }

    /// The time of the earliest event. O(1).
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(key)| (key >> 64) as SimTime)
    }

    /// Number of pending events. O(1).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending. O(1).
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(5, EventKind::Finish(1));
        q.push(3, EventKind::Arrival(0));
        q.push(5, EventKind::Finish(2));
        q.push(5, EventKind::Arrival(9));
        q.push(1, EventKind::Retry(4));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (1, EventKind::Retry(4)),
                (3, EventKind::Arrival(0)),
                (5, EventKind::Finish(1)),
                (5, EventKind::Finish(2)),
                (5, EventKind::Arrival(9)),
            ]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn kinds_and_indices_survive_packing() {
        let mut q = EventQueue::default();
        for kind in
            [EventKind::Arrival(MAX_INDEX), EventKind::Transferred(0), EventKind::Finish(12345), EventKind::Retry(7)]
        {
            q.push(u64::MAX, kind);
            assert_eq!(q.pop(), Some((u64::MAX, kind)));
        }
    }
}
