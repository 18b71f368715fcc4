//! The world's parts: hubs with their pools, demand regions, the network, and jobs.

pub mod energy;
pub mod faults;
pub mod hub;
pub mod job;
pub mod network;
pub mod region;
pub mod signal;
pub mod signals;
pub mod topology;
pub mod world;

pub use energy::{EnergyModel, Footprint, Tariff};
pub use faults::{FailureRule, Faults, JobHazard, LinkCut, OnFailure, Outage, OutageTiming};
pub use hub::{Hub, PoolKind, Side};
pub use job::Job;
pub use network::{Network, NetworkConfig, NetworkModel};
pub use region::Region;
pub use signal::{Cursor, Interpolation, Signal};
pub use signals::{Forecast, ForecastModel, HubSignals, SignalKind, Signals};
pub use world::{QueueDiscipline, World};
