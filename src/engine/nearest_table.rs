//! The `nearest` policy's answer from a table, without building a view.
//!
//! A policy that always picks the nearest eligible hub (see [`Scheduler::picks_nearest`])
//! chooses, for a job of a class from an origin, the first hub in the origin's latency order
//! (ties by index) that is within the class's round-trip limit and whose pool, as far as
//! outages leave it, holds the job's units. Hubs before the first within the limit are never
//! eligible, so when that first hub's usable pool holds the job, it is the decision. The table
//! keeps that hub per (class, origin); the engine asks the policy itself in every other case
//! (a pool that is down or shrunk below the job, or a job larger than the pool).

#[cfg(doc)]
use crate::scheduler::Scheduler;

use crate::model::World;
use crate::state::HubState;

/// Per class x origin: the nearest hub within the class's round-trip limit.
#[derive(Clone, Debug)]
pub struct NearestTable {
    /// Row by class, column by origin region; `None` when no hub is within the limit.
    hubs: Vec<Option<u16>>,
    regions: usize,
}

impl NearestTable {
    /// The table for `world`'s classes and regions.
    pub fn new(world: &World) -> NearestTable {
        let (network, regions) = (&world.network, world.regions.len());
        let mut hubs = Vec::with_capacity(world.classes.len() * regions);
        for class in &world.classes {
            for r in 0..regions {
                let within =
                    |h: &&u16| class.max_round_trip.is_none_or(|limit| network.round_trip(r, **h as usize) <= limit);
                hubs.push(network.hubs_by_latency(r).iter().find(within).copied());
            }
        }
        NearestTable { hubs, regions }
    }

    /// The nearest eligible hub for a job of `class` from `origin` needing `units` of pool
    /// `pool` (`PoolKind::index`), when the table alone answers it: the nearest hub within
    /// the round-trip limit, if its pool's usable capacity in `state` holds the units.
    #[inline]
    pub fn hub_for(&self, class: usize, origin: usize, pool: usize, units: u32, state: &[HubState]) -> Option<u16> {
        let hub = self.hubs[class * self.regions + origin]?;
        (state[hub as usize].pool(pool).capacity() >= units).then_some(hub)
    }
}
