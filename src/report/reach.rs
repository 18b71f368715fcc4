//! Which hubs each class can reach, and why not the others: `cnsim hubs SCENARIO`.
//!
//! A hub can take a class's jobs from a region when it has capacity in the class's pool and
//! its round trip from the region is within the class's `max_round_trip`; a job fits only if
//! its units do not exceed the pool.

use serde::Serialize;

use crate::model::World;
use crate::time::nanos_to_seconds;

/// One hub as seen by one class.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HubReach {
    /// Hub id.
    pub hub: String,
    /// Origins of the class (weight > 0) that can send jobs here.
    pub reachable_from: Vec<String>,
    /// Origins of the class beyond the round-trip limit, each with its round trip in ms.
    pub not_from: Vec<(String, f64)>,
    /// Why no origin can, or why some jobs never fit (null when every job fits from some origin).
    pub reason: Option<String>,
}

/// One class's reach.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClassReach {
    /// Class name.
    pub class: String,
    /// Its pool.
    pub pool: &'static str,
    /// Its round-trip limit, ms (null: none).
    pub max_round_trip_ms: Option<f64>,
    /// The largest job it can ask for, units.
    pub max_units: f64,
    /// Every hub, in order.
    pub hubs: Vec<HubReach>,
}

/// The reach of every class of `world`.
pub fn of(world: &World) -> Vec<ClassReach> {
    world
        .classes
        .iter()
        .map(|class| {
            let origins: Vec<usize> = (0..world.regions.len()).filter(|&r| class.origin_weights[r] > 0.0).collect();
            let max_units = (class.units.upper_bound() + 0.5).floor().max(1.0);
            let hubs = world
                .hubs
                .iter()
                .enumerate()
                .map(|(h, hub)| {
                    let capacity = hub.capacity(class.pool);
                    let within: Vec<String> = origins
                        .iter()
                        .filter(|&&r| class.max_round_trip.is_none_or(|l| world.network.round_trip(r, h) <= l))
                        .map(|&r| world.regions[r].id.clone())
                        .collect();
                    let reason = if capacity == 0 {
                        Some(format!("no {} capacity", class.pool.name()))
                    } else if within.is_empty() {
                        let nearest = origins.iter().map(|&r| world.network.round_trip(r, h)).min().unwrap_or(0);
                        Some(format!(
                            "round trip from every origin above the limit of {} ms (shortest {:.1} ms)",
                            class.max_round_trip.map_or(0.0, |l| nanos_to_seconds(l) * 1e3),
                            nanos_to_seconds(nearest) * 1e3
                        ))
                    } else if max_units > f64::from(capacity) {
                        Some(format!("jobs above {capacity} units (the pool's size) never fit"))
                    } else {
                        None
                    };
                    let not_from = if capacity == 0 || within.is_empty() {
                        Vec::new()
                    } else {
                        origins
                            .iter()
                            .filter(|&&r| class.max_round_trip.is_some_and(|l| world.network.round_trip(r, h) > l))
                            .map(|&r| {
                                (world.regions[r].id.clone(), nanos_to_seconds(world.network.round_trip(r, h)) * 1e3)
                            })
                            .collect()
                    };
                    let reachable_from = if capacity == 0 { Vec::new() } else { within };
                    HubReach { hub: hub.id.clone(), reachable_from, not_from, reason }
                })
                .collect();
            ClassReach {
                class: class.name.clone(),
                pool: class.pool.name(),
                max_round_trip_ms: class.max_round_trip.map(|l| nanos_to_seconds(l) * 1e3),
                max_units,
                hubs,
            }
        })
        .collect()
}
