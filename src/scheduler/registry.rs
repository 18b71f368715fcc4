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
    nearest::POLICY,
    random::POLICY,
    round_robin::POLICY,
    least_loaded::POLICY,
    capacity_weighted::POLICY,
    power_of_d::POLICY,
    earliest_finish::POLICY,
    network_aware::POLICY,
    east_west::POLICY,
    cheapest_energy::POLICY,
    lowest_carbon::POLICY,
    carbon_threshold::POLICY,
    lowest_window::POLICY,
    spatio_temporal::POLICY,
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
