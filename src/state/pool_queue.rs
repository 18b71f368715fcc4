//! A pool's queue: ordered by class priority, then arrival (non-preemptive).
//!
//! One FIFO deque per priority level, level 0 the highest. With a single level (every class at
//! the same priority, the default) every operation is the plain deque's, plus one length
//! check: the FIFO cost is kept. With L levels, finding the head costs O(L).

use std::collections::VecDeque;

use crate::state::Queued;

/// Jobs waiting in one pool, highest priority first, then first come first served.
#[derive(Clone, Debug, Default)]
pub struct PoolQueue {
    /// Level 0 (the highest priority, and the only level when all classes share one), inline
    /// so the single-level case costs a plain deque.
    first: VecDeque<Queued>,
    /// Levels 1, 2, ... (index 0 here is level 1).
    lower: Vec<VecDeque<Queued>>,
    len: usize,
}

impl PoolQueue {
    /// Jobs waiting.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no job waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends a job at priority `level` (0 is served first).
    #[inline]
    pub fn push(&mut self, level: usize, entry: Queued) {
        if level == 0 {
            self.first.push_back(entry);
        } else {
            self.push_lower(level, entry);
        }
        self.len += 1;
    }

    fn push_lower(&mut self, level: usize, entry: Queued) {
        if level > self.lower.len() {
            self.lower.resize_with(level, VecDeque::new);
        }
        self.lower[level - 1].push_back(entry);
    }

    /// The job served next: the earliest of the highest non-empty level.
    #[inline]
    pub fn front(&self) -> Option<&Queued> {
        match self.first.front() {
            Some(job) => Some(job),
            None if self.len == 0 => None,
            None => self.lower.iter().find_map(VecDeque::front),
        }
    }

    /// Removes the job served next.
    #[inline]
    pub fn pop_front(&mut self) -> Option<Queued> {
        let job = match self.first.pop_front() {
            Some(job) => Some(job),
            None if self.len == 0 => None,
            None => self.lower.iter_mut().find_map(VecDeque::pop_front),
        };
        if job.is_some() {
            self.len -= 1;
        }
        job
    }

    /// Every waiting job in service order.
    pub fn iter(&self) -> impl Iterator<Item = &Queued> {
        self.first.iter().chain(self.lower.iter().flatten())
    }

    /// Removes the job at `position` in service order.
    pub fn remove(&mut self, mut position: usize) -> Option<Queued> {
        for level in std::iter::once(&mut self.first).chain(self.lower.iter_mut()) {
            if position < level.len() {
                self.len -= 1;
                return level.remove(position);
            }
            position -= level.len();
        }
        None
    }
}

/// Priority levels of classes with priorities `priorities` (higher is served first): each
/// class's level (0 for the highest priority present) and the number of levels.
pub fn levels(priorities: &[i32]) -> (Vec<u8>, usize) {
    let mut distinct: Vec<i32> = priorities.to_vec();
    distinct.sort_unstable_by(|a, b| b.cmp(a));
    distinct.dedup();
    let level = priorities.iter().map(|p| distinct.iter().position(|d| d == p).unwrap_or(0) as u8).collect();
    (level, distinct.len().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: u32) -> Queued {
        Queued { job: id, units: 1, runtime: 1 }
    }

    #[test]
    fn priority_then_arrival() {
        let mut q = PoolQueue::default();
        q.push(1, job(1));
        q.push(0, job(2));
        q.push(1, job(3));
        q.push(0, job(4));
        assert_eq!(q.iter().map(|j| j.job).collect::<Vec<_>>(), vec![2, 4, 1, 3]);
        assert_eq!(q.front().map(|j| j.job), Some(2));
        assert_eq!(q.remove(2).map(|j| j.job), Some(1));
        assert_eq!(q.pop_front().map(|j| j.job), Some(2));
        assert_eq!(q.pop_front().map(|j| j.job), Some(4));
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop_front().map(|j| j.job), Some(3));
        assert!(q.is_empty() && q.pop_front().is_none() && q.front().is_none());
    }

    #[test]
    fn levels_rank_priorities_highest_first() {
        assert_eq!(levels(&[0, 5, 0, -1]), (vec![1, 0, 1, 2], 3));
        assert_eq!(levels(&[0, 0]), (vec![0, 0], 1));
        assert_eq!(levels(&[]), (vec![], 1));
    }
}
