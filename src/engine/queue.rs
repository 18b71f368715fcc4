//! The future-event set: a binary min-heap ordered by (time, insertion sequence).
//!
//! Equal times pop in insertion order, so a run is a pure function of (scenario, seed).
//! `push` and `pop` are O(log n); `peek_time` and `len` are O(1).

use std::cmp::Ordering;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    time: SimTime,
    seq: u64,
    kind: EventKind,
}

impl Ord for Entry {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) first.
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl PartialOrd for Entry {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Pending events, earliest first, ties in insertion order.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
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
        self.next_seq += 1;
        self.heap.push(Entry { time, seq, kind });
    }

    /// Removes and returns the earliest event. O(log n).
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, EventKind)> {
        self.heap.pop().map(|e| (e.time, e.kind))
    }

    /// The time of the earliest event. O(1).
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.time)
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
}
