//! Placement that minimises a per-job cost among hubs whose estimated wait is within a bound:
//! the shared rule of `cheapest-energy` and `lowest-carbon`.

use crate::model::Footprint;
use crate::scheduler::{JobRequest, View};
use crate::time::SimDuration;

/// The eligible hub with the lowest `cost` among those whose estimated wait is at most
/// `max_wait`; when none is within the bound, the one with the shortest estimated wait.
/// Ties go to the lower latency, then the lower index. O(hubs).
pub fn cheapest_within_wait(
    job: &JobRequest,
    view: &View<'_>,
    max_wait: SimDuration,
    cost: impl Fn(&Footprint) -> f64,
) -> Option<usize> {
    let within = view
        .eligible_hubs(job)
        .filter(|&h| view.wait_estimate(job, h) <= max_wait)
        .map(|h| (cost(&view.footprint(job, h)), view.latency(job, h), h))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    within.map(|(_, _, h)| h).or_else(|| {
        view.eligible_hubs(job).map(|h| (view.wait_estimate(job, h), view.latency(job, h), h)).min().map(|(_, _, h)| h)
    })
}
