//! Placement policies: a read-only view of the network in, a decision out.
//!
//! A scheduler never mutates the world; the engine applies its decision. Adding a policy is
//! one file implementing [`Scheduler`] and describing itself (`POLICY`: name, summary,
//! parameters, constructor), plus one line in [`registry::POLICIES`].

pub mod built;
pub mod capacity_weighted;
pub mod carbon_threshold;
pub mod cheapest_energy;
pub mod cost_bound;
pub mod earliest_finish;
pub mod east_west;
pub mod index;
pub mod least_loaded;
pub mod lowest_carbon;
pub mod lowest_slots;
pub mod lowest_window;
pub mod nearest;
pub mod network_aware;
pub mod power_of_d;
pub mod random;
pub mod registry;
pub mod round_robin;
pub mod shifting;
pub mod spatio_temporal;
pub mod spec;
pub mod view;

pub use built::BuiltPolicy;
pub use registry::{POLICIES, PolicyInfo, SchedulerError, build};
pub use spec::SchedulerSpec;
pub use view::{JobRequest, View};

use crate::rng::SimRng;
use crate::time::SimTime;

/// What the engine should do with a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Send the job (and its data) to this hub index.
    Run(u16),
    /// Ask again at this time (must lie in the future).
    Defer(SimTime),
    /// Refuse the job.
    Reject,
}

/// A placement policy.
pub trait Scheduler: Send {
    /// Decides where `job` runs. Called only when at least one hub is eligible for the job
    /// (its pool is large enough and the round trip from the job's origin is within limits).
    /// `rng` is the scheduler's own stream, independent of the workload streams.
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, rng: &mut SimRng) -> Decision;

    /// Whether the policy keeps indexes over hub state and so wants [`View::changed`] filled
    /// in. The engine tracks changed hubs only for policies that say so.
    fn tracks_changes(&self) -> bool {
        false
    }

    /// Whether the policy always places a job at the first eligible hub in its origin's
    /// latency order (ties by index), with no other effect and no use of its random stream.
    /// The engine then answers decisions from a table when it can and calls [`decide`]
    /// otherwise. A policy that wraps another must not pass this on.
    ///
    /// [`decide`]: Scheduler::decide
    fn picks_nearest(&self) -> bool {
        false
    }

    /// Whether the policy reads wait or finish estimates ([`View::wait_estimate`],
    /// [`View::finish_estimate`], an index on the drain time). The engine keeps the work
    /// aggregates behind them only for policies that do; say `false` only when it never does.
    fn reads_wait_estimates(&self) -> bool {
        true
    }

    /// After a `Run` decision for an interruptible job ([`JobRequest::interruptible`]): the
    /// intervals the policy wants it to run in, earliest first, the first starting now; the
    /// engine suspends the job at the end of each but the last and resumes it at the start of
    /// the next. `None` (the default): it runs in one piece.
    fn take_slots(&mut self) -> Option<Vec<(SimTime, SimTime)>> {
        None
    }
}
