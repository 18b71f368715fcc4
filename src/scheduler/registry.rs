//! The schedulers known by name.

use crate::scheduler::{Scheduler, least_loaded, nearest, random, round_robin};

/// A policy's name, one-line summary and constructor.
pub struct PolicyInfo {
    /// The name used in scenarios and on the command line.
    pub name: &'static str,
    /// What the policy does, in one line.
    pub summary: &'static str,
    /// Builds a fresh instance.
    pub make: fn() -> Box<dyn Scheduler>,
}

/// Every built-in policy, in the order `cnsim schedulers` lists them.
pub const POLICIES: &[PolicyInfo] = &[
    PolicyInfo {
        name: "nearest",
        summary: "lowest latency from the job's origin among eligible hubs (ties: lower index)",
        make: || Box::new(nearest::Nearest),
    },
    PolicyInfo {
        name: "random",
        summary: "uniformly random eligible hub, from the scheduler's own random stream",
        make: || Box::new(random::Random),
    },
    PolicyInfo {
        name: "round-robin",
        summary: "eligible hubs in turn, in hub order, one cursor shared by all jobs",
        make: || Box::new(round_robin::RoundRobin::default()),
    },
    PolicyInfo {
        name: "least-loaded",
        summary: "lowest (busy + queued units) / capacity of the job's pool (ties: lower latency)",
        make: || Box::new(least_loaded::LeastLoaded),
    },
];

/// An unknown scheduler name, with the names that are known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scheduler {name:?}; known schedulers: {}", known_names().join(", "))]
pub struct UnknownScheduler {
    /// The name asked for.
    pub name: String,
}

/// The names of every built-in policy.
pub fn known_names() -> Vec<&'static str> {
    POLICIES.iter().map(|p| p.name).collect()
}

/// Builds the policy called `name`.
pub fn build(name: &str) -> Result<Box<dyn Scheduler>, UnknownScheduler> {
    POLICIES
        .iter()
        .find(|p| p.name == name)
        .map(|p| (p.make)())
        .ok_or_else(|| UnknownScheduler { name: name.to_string() })
}
