//! The jobs in flight, by key: one vector of 64-byte jobs on cache-line boundaries, with freed
//! keys reused last in, first out (as the `slab` crate does, so keys are the same), and a
//! prefetch hint for the job the next event will touch.
//!
//! The hint is why this is not a `slab::Slab`: a finishing job was last touched long ago, and
//! with many hubs reading it is a cache miss on every finish. Asking for its line one event
//! ahead overlaps that miss with the current event's work; a slab cannot give the address of
//! an entry without reading the entry.

use std::ops::{Index, IndexMut};

use crate::model::Job;

/// Jobs by key.
#[derive(Debug, Default)]
pub struct JobTable {
    jobs: Vec<Job>,
    /// Free keys, the most recently freed last.
    free: Vec<u32>,
    len: usize,
    /// Which keys hold a job, to catch use of a freed key in debug builds.
    #[cfg(debug_assertions)]
    live: Vec<bool>,
}

impl JobTable {
    /// An empty table with room for `capacity` jobs.
    pub fn with_capacity(capacity: usize) -> Self {
        JobTable { jobs: Vec::with_capacity(capacity), ..JobTable::default() }
    }

    /// Stores `job` and returns its key.
    #[inline]
    pub fn insert(&mut self, job: Job) -> usize {
        self.len += 1;
        let key = match self.free.pop() {
            Some(key) => {
                self.jobs[key as usize] = job;
                key as usize
            }
            None => {
                self.jobs.push(job);
                self.jobs.len() - 1
            }
        };
        #[cfg(debug_assertions)]
        {
            self.live.resize(self.jobs.len(), false);
            self.live[key] = true;
        }
        key
    }

    /// Removes the job at `key` and returns it.
    #[inline]
    pub fn remove(&mut self, key: usize) -> Job {
        #[cfg(debug_assertions)]
        {
            assert!(self.live[key], "job {key} is not in flight");
            self.live[key] = false;
        }
        self.len -= 1;
        self.free.push(key as u32);
        self.jobs[key].clone()
    }

    /// Jobs in flight.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The keys of the jobs in flight, in key order. O(keys ever used): for the end of a run.
    pub fn keys(&self) -> Vec<usize> {
        let mut free = vec![false; self.jobs.len()];
        for &key in &self.free {
            free[key as usize] = true;
        }
        (0..self.jobs.len()).filter(|&k| !free[k]).collect()
    }

    /// Whether no job is in flight.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Hints that the job at `key` will be read soon (nothing happens for an unknown key).
    #[inline]
    pub fn prefetch(&self, key: usize) {
        #[cfg(target_arch = "x86_64")]
        if key < self.jobs.len() {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let address = self.jobs.as_ptr().wrapping_add(key).cast::<i8>();
            // SAFETY: a prefetch is a hint: it never faults, changes no memory the program can
            // see and reads nothing into it; the address is inside the vector anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(address) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }
}

impl Index<usize> for JobTable {
    type Output = Job;

    #[inline]
    fn index(&self, key: usize) -> &Job {
        #[cfg(debug_assertions)]
        assert!(self.live[key], "job {key} is not in flight");
        &self.jobs[key]
    }
}

impl IndexMut<usize> for JobTable {
    #[inline]
    fn index_mut(&mut self, key: usize) -> &mut Job {
        #[cfg(debug_assertions)]
        assert!(self.live[key], "job {key} is not in flight");
        &mut self.jobs[key]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PoolKind;

    fn job(units: u32) -> Job {
        Job {
            class: 0,
            origin: 0,
            hub: 0,
            pool: PoolKind::Intelligent,
            measured: true,
            started: false,
            units,
            submit: 0,
            runtime: 1,
            data_bytes: 0,
            transfer: 0,
            hub_arrival: 0,
            start: 0,
        }
    }

    #[test]
    fn keys_are_reused_last_in_first_out_like_a_slab() {
        let mut table = JobTable::with_capacity(0);
        let mut slab: slab::Slab<Job> = slab::Slab::new();
        let mut keys = Vec::new();
        for step in 0..1_000u32 {
            if step % 3 == 2 {
                let key = keys.remove((step as usize * 7) % keys.len());
                assert_eq!(table.remove(key).units, slab.remove(key).units);
            } else {
                let (a, b) = (table.insert(job(step)), slab.insert(job(step)));
                assert_eq!(a, b);
                keys.push(a);
            }
            assert_eq!(table.len(), slab.len());
        }
        for &key in &keys {
            assert_eq!(table[key].units, slab[key].units);
        }
    }

    #[test]
    fn jobs_sit_on_cache_lines() {
        let mut table = JobTable::with_capacity(2);
        let (a, b) = (table.insert(job(1)), table.insert(job(2)));
        let (pa, pb) = (std::ptr::from_ref(&table[a]) as usize, std::ptr::from_ref(&table[b]) as usize);
        assert_eq!((pb - pa, pa % 64), (64, 0));
        table.prefetch(b);
        table.prefetch(1_000);
    }
}
