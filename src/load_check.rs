//! The load check: the offered load of each class and pool against capacity, and the classes
//! (or parts of classes) that can never be placed, before anything runs.
//!
//! Offered load of a class = mean arrival rate x E[units] x E[runtime] (drawn independently),
//! in busy units: the units the class would keep busy on average if every job ran. The rate is
//! the class's mean over a week (diurnal and weekend factors included). E[runtime] is exact
//! when the runtime's clamps never bind; E[units] (rounded to whole units as the engine does),
//! a clamped runtime's mean, and the share of jobs that no reachable pool can hold come from
//! 50,000 draws from a stream of their own: the check is deterministic and changes nothing a
//! run draws.
//!
//! Trace jobs (`[[traces]]`) add their work: units x runtime of each trace job submitted
//! within the run, summed per class and averaged over the run's length (see [`TraceWork`]).
//!
//! A warning is raised when a pool's offered load is at or above its national capacity, when a
//! class's offered load is at or above the capacity of the hubs it can reach, and when some or
//! all of a class's jobs can never be placed (with the reason).

mod trace_work;

use serde::Serialize;

pub use trace_work::{TraceBasis, TraceLoadNote, TraceWork, read_ahead};

use crate::model::{PoolKind, World};
use crate::rng::{Stream, stream};
use crate::time::{nanos_to_seconds, seconds_to_nanos};
use crate::workload::draw_units;

/// Draws per class for the sampled means.
pub const DRAWS: usize = 50_000;

/// Offered load of one pool, nationally.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolLoad {
    /// The pool.
    pub pool: PoolKind,
    /// Units the classes of this pool keep busy on average if every job runs.
    pub offered_units: f64,
    /// Units of this pool over all hubs.
    pub capacity: u64,
    /// offered_units / capacity (null for a pool without capacity).
    pub load: Option<f64>,
}

/// Offered load of one class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassLoad {
    /// Class name.
    pub name: String,
    /// Its pool.
    pub pool: PoolKind,
    /// Mean arrivals per second (weekly mean).
    pub rate_per_second: f64,
    /// E[units x runtime] in unit-seconds.
    pub mean_work_unit_seconds: f64,
    /// Units it keeps busy on average if every job runs (its trace jobs' included).
    pub offered_units: f64,
    /// Of `offered_units`, the trace jobs' (only in scenarios with traces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_offered_units: Option<f64>,
    /// offered_units / the pool's national capacity.
    pub load_national: Option<f64>,
    /// Hubs with this pool that some origin of the class can reach within its round-trip limit.
    pub reachable_hubs: Vec<String>,
    /// Their capacity in this pool.
    pub reachable_capacity: u64,
    /// offered_units / reachable_capacity (null when no hub is reachable).
    pub load_reachable: Option<f64>,
    /// Share of the class's jobs that can never be placed (no reachable pool large enough).
    pub never_placed_share: f64,
    /// Why jobs can never be placed, when some cannot.
    pub never_placed_reason: Option<String>,
}

/// The whole check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadCheck {
    /// Per pool, nationally.
    pub pools: Vec<PoolLoad>,
    /// Per class, in scenario order.
    pub classes: Vec<ClassLoad>,
    /// Human-readable warnings (empty when everything fits).
    pub warnings: Vec<String>,
    /// How the trace jobs were counted (only in scenarios with traces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traces: Option<TraceLoadNote>,
}

impl LoadCheck {
    /// Checks the offered load of `world`'s classes against its hubs (synthetic arrivals only).
    pub fn of(world: &World) -> LoadCheck {
        LoadCheck::with_traces(world, None)
    }

    /// As [`Self::of`], adding the work of the trace jobs in `traces` to their classes and pools.
    pub fn with_traces(world: &World, traces: Option<&TraceWork>) -> LoadCheck {
        let mut classes = Vec::with_capacity(world.classes.len());
        let mut warnings = Vec::new();
        for i in 0..world.classes.len() {
            let trace_units = traces.map(|t| t.offered_units(i));
            let (load, class_warnings) = class_load(world, i, trace_units);
            classes.push(load);
            warnings.extend(class_warnings);
        }
        let pools = pool_loads(world, &classes);
        let mut all_warnings = pool_warnings(&pools);
        all_warnings.extend(warnings);
        LoadCheck { pools, classes, warnings: all_warnings, traces: traces.map(|t| t.note()) }
    }
}

/// Units of `pool` over all hubs.
fn national_capacity(world: &World, pool: PoolKind) -> u64 {
    world.hubs.iter().map(|h| u64::from(h.capacity(pool))).sum()
}

/// E[units] and E[runtime] (seconds) of class `class`'s jobs, and its unit draws.
fn sampled_means(world: &World, class: usize) -> (Vec<u32>, f64, f64) {
    let c = &world.classes[class];
    let mut rng = stream(0, Stream::LoadCheck(class as u32));
    let units: Vec<u32> = (0..DRAWS).map(|_| draw_units(&c.units, &mut rng)).collect();
    let mean_units = units.iter().map(|&u| f64::from(u)).sum::<f64>() / DRAWS as f64;
    let mean_runtime = c.runtime.exact_mean().map(|m| m.max(1e-9)).unwrap_or_else(|| {
        (0..DRAWS).map(|_| nanos_to_seconds(seconds_to_nanos(c.runtime.sample(&mut rng)).max(1))).sum::<f64>()
            / DRAWS as f64
    });
    (units, mean_units, mean_runtime)
}

/// The share of class `class`'s jobs (units drawn as `units`) that no pool within reach of
/// their origin can hold, and whether that is all of them.
fn never_placed(world: &World, class: usize, units: &[u32]) -> (f64, bool) {
    let c = &world.classes[class];
    let most = units.iter().copied().max().unwrap_or(0);
    // Draws above `largest` units (no pass when none is).
    let over = |largest: u32| if most <= largest { 0 } else { units.iter().filter(|&&u| u > largest).count() };
    let total_weight: f64 = c.origin_weights.iter().sum();
    let origins = || (0..world.regions.len()).filter(|&r| c.origin_weights[r] > 0.0);
    let share = origins()
        .map(|r| {
            c.origin_weights[r] / total_weight * over(world.largest_reachable_pool(class, r)) as f64 / DRAWS as f64
        })
        .sum();
    let all = origins().all(|r| over(world.largest_reachable_pool(class, r)) == DRAWS);
    (share, all)
}

/// Hubs with class `class`'s pool that one of `origins` reaches within its round-trip limit.
fn reachable_hubs(world: &World, class: usize, origins: &[usize]) -> Vec<usize> {
    let c = &world.classes[class];
    (0..world.hubs.len())
        .filter(|&h| world.hubs[h].capacity(c.pool) > 0)
        .filter(|&h| {
            origins.iter().any(|&r| c.max_round_trip.is_none_or(|limit| world.network.round_trip(r, h) <= limit))
        })
        .collect()
}

/// The offered load of class `class` (its synthetic arrivals, plus `trace_units` busy units
/// of trace jobs when the scenario has traces), and its warnings.
fn class_load(world: &World, class: usize, trace_units: Option<f64>) -> (ClassLoad, Vec<String>) {
    let c = &world.classes[class];
    let (units, mean_units, mean_runtime) = sampled_means(world, class);
    // Units and runtime are drawn independently: E[units x runtime] = E[units] E[runtime].
    let mean_work = mean_units * mean_runtime;
    let (never_placed_share, all_unplaceable) = never_placed(world, class, &units);
    let rate = c.arrival.weekly_mean_rate_per_second();
    let offered = rate * mean_work + trace_units.unwrap_or(0.0);
    let origins: Vec<usize> = (0..world.regions.len()).filter(|&r| c.origin_weights[r] > 0.0).collect();
    let reachable = reachable_hubs(world, class, &origins);
    let reachable_capacity: u64 = reachable.iter().map(|&h| u64::from(world.hubs[h].capacity(c.pool))).sum();
    let national = national_capacity(world, c.pool);
    let never_placed_reason = (never_placed_share > 0.0).then(|| never_placed_reason(world, class, &origins));
    let load_reachable = (reachable_capacity > 0).then(|| offered / reachable_capacity as f64);
    let mut warnings = Vec::new();
    if let Some(reason) = &never_placed_reason {
        if all_unplaceable {
            warnings.push(format!("class {:?} can never be placed: {reason}", c.name));
        } else {
            warnings.push(format!(
                "class {:?}: {:.2}% of its jobs can never be placed: {reason}",
                c.name,
                never_placed_share * 100.0
            ));
        }
    }
    if let Some(load) = load_reachable.filter(|&l| l >= 1.0 && reachable_capacity < national) {
        warnings.push(format!(
            "class {:?} offers {:.0}% of the {} capacity of the hubs it can reach ({} units at {}): \
             its queues grow without bound",
            c.name,
            load * 100.0,
            c.pool.name(),
            reachable_capacity,
            reachable.iter().map(|&h| world.hubs[h].id.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let load = ClassLoad {
        name: c.name.clone(),
        pool: c.pool,
        rate_per_second: rate,
        mean_work_unit_seconds: mean_work,
        offered_units: offered,
        trace_offered_units: trace_units,
        load_national: (national > 0).then(|| offered / national as f64),
        reachable_hubs: reachable.iter().map(|&h| world.hubs[h].id.clone()).collect(),
        reachable_capacity,
        load_reachable,
        never_placed_share,
        never_placed_reason,
    };
    (load, warnings)
}

/// Each pool's offered load: the sum of its classes'.
fn pool_loads(world: &World, classes: &[ClassLoad]) -> Vec<PoolLoad> {
    PoolKind::ALL
        .iter()
        .map(|&pool| {
            // `+ 0.0` turns the empty sum's -0.0 into 0.0.
            let offered: f64 = classes.iter().filter(|c| c.pool == pool).map(|c| c.offered_units).sum::<f64>() + 0.0;
            let capacity = national_capacity(world, pool);
            PoolLoad { pool, offered_units: offered, capacity, load: (capacity > 0).then(|| offered / capacity as f64) }
        })
        .collect()
}

/// Warnings for pools offered their capacity or more, or offered work without capacity.
fn pool_warnings(pools: &[PoolLoad]) -> Vec<String> {
    let mut warnings = Vec::new();
    for p in pools {
        match p.load {
            Some(load) if load >= 1.0 => warnings.push(format!(
                "the {} pool is offered {:.0}% of its capacity ({:.0} of {} units): queues grow without \
                 bound and waits measure only the run's length",
                p.pool.name(),
                load * 100.0,
                p.offered_units,
                p.capacity
            )),
            None if p.offered_units > 0.0 => {
                warnings.push(format!("the {} pool has no capacity at any hub", p.pool.name()))
            }
            _ => {}
        }
    }
    warnings
}

/// Why some jobs of class `class` cannot be placed: no hub within the round-trip limit of some
/// origins, or more units than the largest pool they can reach.
fn never_placed_reason(world: &World, class: usize, origins: &[usize]) -> String {
    let c = &world.classes[class];
    let cut_off: Vec<&str> = origins
        .iter()
        .filter(|&&r| world.largest_reachable_pool(class, r) == 0)
        .map(|&r| world.regions[r].id.as_str())
        .collect();
    let largest = origins.iter().map(|&r| world.largest_reachable_pool(class, r)).max().unwrap_or(0);
    let mut reasons = Vec::new();
    if !cut_off.is_empty() {
        let limit = c.max_round_trip.map_or("-".into(), crate::time::format_duration);
        reasons.push(format!(
            "no hub with {} capacity within the round-trip limit {limit} of region(s) {}",
            c.pool.name(),
            cut_off.join(", ")
        ));
    }
    if largest > 0 && c.units.upper_bound() + 0.5 > f64::from(largest) + 1.0 {
        reasons.push(format!(
            "jobs asking for more than {largest} units (the largest {} pool within reach)",
            c.pool.name()
        ));
    }
    if reasons.is_empty() {
        reasons.push(format!("no {} pool within reach is large enough", c.pool.name()));
    }
    reasons.join("; ")
}
