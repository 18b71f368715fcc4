//! `least-loaded`: the eligible hub whose pool is least loaded relative to its size.
//!
//! Load = (busy units + queued units) / capacity of the job's pool, kept up to date by the
//! engine so a decision costs O(hubs). Ties go to the lower latency, then the lower index.
//! Weakness: ignores latency and data movement, so it happily ships terabytes across the
//! country to save a few percent of load.

use crate::rng::SimRng;
use crate::scheduler::{Decision, JobRequest, Scheduler, View};

/// Lowest (busy + queued) / capacity of the job's pool.
#[derive(Clone, Copy, Debug, Default)]
pub struct LeastLoaded;

impl Scheduler for LeastLoaded {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        view.eligible_hubs(job)
            .map(|h| (view.load(h, job.pool), view.latency(job, h), h))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
            .map_or(Decision::Reject, |(_, _, h)| Decision::Run(h as u16))
    }
}
