//! The schedulers known by name, with their parameters.

use crate::model::Hub;
use crate::scheduler::spec::{ParamInfo, Params, SchedulerSpec};
use crate::scheduler::{
    Scheduler, capacity_weighted, carbon_threshold, cheapest_energy, earliest_finish, east_west, least_loaded,
    lowest_carbon, lowest_window, nearest, network_aware, power_of_d, random, round_robin, spatio_temporal,
};

/// Builds a policy from its validated parameters and the world's hubs.
pub type MakePolicy = fn(&Params<'_>, &[Hub]) -> Result<Box<dyn Scheduler>, String>;

/// A policy's name, one-line summary, parameters and constructor.
pub struct PolicyInfo {
    /// The name used in scenarios and on the command line.
    pub name: &'static str,
    /// What the policy does, in one line.
    pub summary: &'static str,
    /// The parameters it takes.
    pub params: &'static [ParamInfo],
    /// Builds a fresh instance.
    pub make: MakePolicy,
}

/// Every built-in policy, in the order `cnsim schedulers` lists them.
pub const POLICIES: &[PolicyInfo] = &[
    PolicyInfo {
        name: "nearest",
        summary: "lowest latency from the job's origin among eligible hubs (ties: lower index)",
        params: &[],
        make: |_, _| Ok(Box::new(nearest::Nearest)),
    },
    PolicyInfo {
        name: "random",
        summary: "uniformly random eligible hub, from the scheduler's own random stream",
        params: &[],
        make: |_, _| Ok(Box::new(random::Random::default())),
    },
    PolicyInfo {
        name: "round-robin",
        summary: "eligible hubs in turn, in hub order, one cursor shared by all jobs",
        params: &[],
        make: |_, _| Ok(Box::new(round_robin::RoundRobin::default())),
    },
    PolicyInfo {
        name: "least-loaded",
        summary: "lowest (busy + queued units) / capacity of the job's pool (ties: lower latency)",
        params: &[],
        make: |_, _| Ok(Box::new(least_loaded::LeastLoaded::default())),
    },
    PolicyInfo {
        name: "capacity-weighted",
        summary: "random eligible hub, weighted by its capacity in the job's pool",
        params: &[],
        make: |_, _| Ok(Box::new(capacity_weighted::CapacityWeighted::default())),
    },
    PolicyInfo {
        name: "power-of-d",
        summary: "sample d eligible hubs at random, send to the least loaded of them",
        params: power_of_d::PARAMS,
        make: power_of_d::make,
    },
    PolicyInfo {
        name: "earliest-finish",
        summary: "minimise estimated transfer + queue wait + runtime over eligible hubs",
        params: &[],
        make: |_, _| Ok(Box::new(earliest_finish::EarliestFinish::default())),
    },
    PolicyInfo {
        name: "network-aware",
        summary: "minimise contended input transfer + queue wait + runtime + output return over eligible hubs",
        params: &[],
        make: |_, _| Ok(Box::new(network_aware::NetworkAware)),
    },
    PolicyInfo {
        name: "east-west",
        summary: "latency-bound or small jobs nearest; the rest to the western hub finishing first, east if the west is backed up",
        params: east_west::PARAMS,
        make: east_west::make,
    },
    PolicyInfo {
        name: "cheapest-energy",
        summary: "lowest energy cost (units x kW x runtime x PUE x price) among hubs within a wait bound",
        params: cheapest_energy::PARAMS,
        make: cheapest_energy::make,
    },
    PolicyInfo {
        name: "lowest-carbon",
        summary: "lowest emissions (energy x (1 - renewable) x grid intensity) among hubs within a wait bound",
        params: lowest_carbon::PARAMS,
        make: lowest_carbon::make,
    },
    PolicyInfo {
        name: "carbon-threshold",
        summary: "flexible jobs run when the forecast signal at the base policy's hub is at or below a threshold, else wait (within slack)",
        params: carbon_threshold::PARAMS,
        make: carbon_threshold::make,
    },
    PolicyInfo {
        name: "lowest-window",
        summary: "flexible jobs start at the lowest-mean window of their runtime within their slack (Let's Wait Awhile)",
        params: lowest_window::PARAMS,
        make: lowest_window::make,
    },
    PolicyInfo {
        name: "spatio-temporal",
        summary: "choose hub and start together: lowest forecast footprint within slack among hubs within a wait bound",
        params: spatio_temporal::PARAMS,
        make: spatio_temporal::make,
    },
];

/// Why a scheduler could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedulerError {
    /// No policy of that name.
    #[error("unknown scheduler {name:?}; known schedulers: {}", known_names().join(", "))]
    Unknown {
        /// The name asked for.
        name: String,
    },
    /// A parameter is unknown or has a bad value.
    #[error("{0}")]
    BadParameter(String),
}

/// The names of every built-in policy.
pub fn known_names() -> Vec<&'static str> {
    POLICIES.iter().map(|p| p.name).collect()
}

/// The registry entry of a policy.
pub fn info(name: &str) -> Result<&'static PolicyInfo, SchedulerError> {
    POLICIES.iter().find(|p| p.name == name).ok_or_else(|| SchedulerError::Unknown { name: name.to_string() })
}

/// Builds the policy `spec` names, for a world with `hubs`.
pub fn build(spec: &SchedulerSpec, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, SchedulerError> {
    let info = info(&spec.name)?;
    let params = Params::new(spec, info.params).map_err(SchedulerError::BadParameter)?;
    (info.make)(&params, hubs).map_err(SchedulerError::BadParameter)
}
