//! The future-event set, ordered by (time, insertion sequence): a ladder queue (see
//! [`crate::engine::ladder`]) plus one slot per arrival source.
//!
//! Equal times pop in insertion order, so a run is a pure function of (scenario, seed).
//! `push`, `pop` and `peek_time` are O(1) amortised; `len` is O(sources).
//!
//! An entry is 16 bytes: the time, and one word holding the insertion sequence (high 34 bits),
//! the event kind (4 bits) and its index (26 bits). Ordering compares the two words as one
//! `u128`, which is both the (time, sequence) order and a single comparison.

use crate::engine::ladder::LadderQueue;
use crate::time::SimTime;

/// What happens at an event. Indices point into the engine's sources or job table.
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
    /// Job `0`'s output has reached its origin: the job completes.
    Returned(u32),
    /// Outage process `0` begins or ends (see `engine::faults`).
    Fault(u32),
    /// Job `0`'s run fails by itself.
    Failed(u32),
    /// Job `0`'s run is suspended (see `engine::suspend`).
    Suspend(u32),
    /// Link cut process `0` begins or ends (see `engine::cuts`).
    Cut(u32),
}

const INDEX_BITS: u32 = 26;
const KIND_BITS: u32 = 4;
const SEQ_SHIFT: u32 = INDEX_BITS + KIND_BITS;
/// Largest index an event can carry (jobs in flight, sources): about 67 million.
pub const MAX_INDEX: u32 = (1 << INDEX_BITS) - 1;
/// Largest number of events one run can schedule: about 17.2 billion.
pub const MAX_EVENTS: u64 = (1 << (64 - SEQ_SHIFT)) - 1;

impl EventKind {
    #[inline]
    fn pack(self, seq: u64) -> u64 {
        let (kind, index) = match self {
            EventKind::Arrival(i) => (0u64, i),
            EventKind::Transferred(i) => (1, i),
            EventKind::Finish(i) => (2, i),
            EventKind::Retry(i) => (3, i),
            EventKind::Returned(i) => (4, i),
            EventKind::Fault(i) => (5, i),
            EventKind::Failed(i) => (6, i),
            EventKind::Suspend(i) => (7, i),
            EventKind::Cut(i) => (8, i),
        };
        assert!(index <= MAX_INDEX, "event index {index} exceeds {MAX_INDEX}");
        (seq << SEQ_SHIFT) | (kind << INDEX_BITS) | u64::from(index)
    }

    #[inline]
    fn unpack(word: u64) -> EventKind {
        let index = (word & u64::from(MAX_INDEX)) as u32;
        match (word >> INDEX_BITS) & ((1 << KIND_BITS) - 1) {
            0 => EventKind::Arrival(index),
            1 => EventKind::Transferred(index),
            2 => EventKind::Finish(index),
            3 => EventKind::Retry(index),
            4 => EventKind::Returned(index),
            5 => EventKind::Fault(index),
            6 => EventKind::Failed(index),
            7 => EventKind::Suspend(index),
            _ => EventKind::Cut(index),
        }
    }
}

/// Pending events, earliest first, ties in insertion order.
///
/// Arrivals are kept out of the ladder: each source has at most one pending arrival, held in a
/// small slot array, and `pop` takes the earlier of the slot minimum and the ladder's. Half of
/// all events are arrivals, so this halves the ladder traffic without changing the order.
#[derive(Debug)]
pub struct EventQueue {
    ladder: LadderQueue,
    /// Pending arrival key per source (`EMPTY` when none).
    arrivals: Vec<u128>,
    /// The smallest key in `arrivals` and its source (`EMPTY` when none).
    earliest_arrival: (u128, usize),
    next_seq: u64,
}

const EMPTY: u128 = u128::MAX;

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue::new()
    }
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue { ladder: LadderQueue::new(), arrivals: Vec::new(), earliest_arrival: (EMPTY, 0), next_seq: 0 }
    }

    /// Schedules `kind` at `time`. O(1) amortised.
    #[inline]
    pub fn push(&mut self, time: SimTime, kind: EventKind) {
        let seq = self.next_seq;
        assert!(seq <= MAX_EVENTS, "more than {MAX_EVENTS} events scheduled in one run");
        self.next_seq += 1;
        let key = (u128::from(time) << 64) | u128::from(kind.pack(seq));
        if let EventKind::Arrival(source) = kind {
            let source = source as usize;
            if source >= self.arrivals.len() {
                self.arrivals.resize(source + 1, EMPTY);
            }
            if self.arrivals[source] == EMPTY {
                self.arrivals[source] = key;
                if key < self.earliest_arrival.0 {
                    self.earliest_arrival = (key, source);
                }
                return;
            }
        }
        self.ladder.push(key);
    }

    /// Removes and returns the earliest event. O(sources) (O(1) amortised otherwise).
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, EventKind)> {
        let ladder_top = self.ladder.peek().unwrap_or(EMPTY);
        let key =
            if self.earliest_arrival.0 < ladder_top { self.take_earliest_arrival() } else { self.ladder.pop()? };
        Some(((key >> 64) as SimTime, EventKind::unpack(key as u64)))
    }

    /// Removes the earliest pending arrival's key and finds the next earliest.
    #[inline]
    fn take_earliest_arrival(&mut self) -> u128 {
        let (key, source) = self.earliest_arrival;
        self.arrivals[source] = EMPTY;
        self.earliest_arrival = self.arrivals.iter().enumerate().map(|(i, &k)| (k, i)).min().unwrap_or((EMPTY, 0));
        key
    }

    /// Removes and returns the earliest event if it is earlier than `until` (one look at the
    /// queue's head instead of [`EventQueue::peek_time`] then [`EventQueue::pop`]).
    #[inline]
    pub fn pop_before(&mut self, until: SimTime) -> Option<(SimTime, EventKind)> {
        // A key is earlier than `until` exactly when it is below `until` with a zero low word.
        let bound = u128::from(until) << 64;
        let ladder_top = self.ladder.peek().unwrap_or(EMPTY);
        let earliest = self.earliest_arrival.0.min(ladder_top);
        if earliest >= bound {
            return None;
        }
        let key =
            if self.earliest_arrival.0 < ladder_top { self.take_earliest_arrival() } else { self.ladder.pop()? };
        Some(((key >> 64) as SimTime, EventKind::unpack(key as u64)))
    }

    /// The job index of the earliest non-arrival event, if it is at hand without reordering
    /// anything (a hint for prefetching; it may not be the next event to pop).
    #[inline]
    pub fn next_job(&self) -> Option<u32> {
        self.ladder.peek_near().map(|key| match EventKind::unpack(key as u64) {
            EventKind::Arrival(i)
            | EventKind::Transferred(i)
            | EventKind::Finish(i)
            | EventKind::Retry(i)
            | EventKind::Returned(i)
            | EventKind::Fault(i)
            | EventKind::Failed(i)
            | EventKind::Suspend(i) => i,
            EventKind::Cut(i) => i,
        })
    }

    /// The time of the earliest event. O(1) amortised.
    #[inline]
    pub fn peek_time(&mut self) -> Option<SimTime> {
        let key = self.ladder.peek().unwrap_or(EMPTY).min(self.earliest_arrival.0);
        (key != EMPTY).then_some((key >> 64) as SimTime)
    }

    /// Number of pending events. O(sources).
    pub fn len(&self) -> usize {
        self.ladder.len() + self.arrivals.iter().filter(|&&k| k != EMPTY).count()
    }

    /// Whether no event is pending. O(sources).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        // A second pending arrival of one source is still ordered correctly.
        q.push(5, EventKind::Arrival(0));
        assert_eq!(q.len(), 6);
        assert_eq!(q.peek_time(), Some(1));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (1, EventKind::Retry(4)),
                (3, EventKind::Arrival(0)),
                (5, EventKind::Finish(1)),
                (5, EventKind::Finish(2)),
                (5, EventKind::Arrival(9)),
                (5, EventKind::Arrival(0)),
            ]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn pop_before_stops_at_the_bound_and_keeps_the_order() {
        let mut q = EventQueue::default();
        q.push(5, EventKind::Finish(1));
        q.push(3, EventKind::Arrival(0));
        q.push(7, EventKind::Arrival(2));
        q.push(u64::MAX, EventKind::Retry(3));
        assert_eq!(q.pop_before(3), None);
        assert_eq!(q.pop_before(4), Some((3, EventKind::Arrival(0))));
        assert_eq!(q.pop_before(5), None);
        assert_eq!(q.pop_before(6), Some((5, EventKind::Finish(1))));
        assert_eq!(q.pop_before(u64::MAX), Some((7, EventKind::Arrival(2))));
        // An event at the largest time is never before any bound.
        assert_eq!(q.pop_before(u64::MAX), None);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn kinds_and_indices_survive_packing() {
        let mut q = EventQueue::default();
        for kind in [
            EventKind::Arrival(MAX_INDEX),
            EventKind::Transferred(0),
            EventKind::Finish(12345),
            EventKind::Retry(7),
            EventKind::Returned(3),
            EventKind::Fault(2),
            EventKind::Failed(MAX_INDEX),
            EventKind::Suspend(9),
        ] {
            q.push(u64::MAX, kind);
            assert_eq!(q.pop(), Some((u64::MAX, kind)));
        }
    }
}
