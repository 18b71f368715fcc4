//! A compute hub: its static description and its two resource pools.

use serde::Serialize;

/// The two resource pools of a hub. One unit is 1 PFLOPS of that pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolKind {
    /// AI accelerators.
    Intelligent = 0,
    /// General-purpose CPUs.
    General = 1,
}

impl PoolKind {
    /// Both pools, in report order.
    pub const ALL: [PoolKind; 2] = [PoolKind::Intelligent, PoolKind::General];

    /// Index into per-pool arrays.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The pool's name as written in scenarios and reports.
    pub fn name(self) -> &'static str {
        match self {
            PoolKind::Intelligent => "intelligent",
            PoolKind::General => "general",
        }
    }

    /// Parses a pool name.
    pub fn parse(text: &str) -> Option<PoolKind> {
        PoolKind::ALL.into_iter().find(|pool| pool.name() == text)
    }
}

/// Which side of the programme a hub is on: near users (east) or near cheap green power (west).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Eastern hubs, near demand.
    East,
    /// Western hubs, near cheap renewable power.
    West,
}

impl Side {
    /// Parses "east" or "west".
    pub fn parse(text: &str) -> Option<Side> {
        match text {
            "east" => Some(Side::East),
            "west" => Some(Side::West),
            _ => None,
        }
    }

    /// The side's name.
    pub fn name(self) -> &'static str {
        match self {
            Side::East => "east",
            Side::West => "west",
        }
    }
}

/// A hub's static description (what the seeds and scenarios say about it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hub {
    /// Short stable identifier, e.g. `"gansu"`.
    pub id: String,
    /// Human name, e.g. `"Gansu"`.
    pub name: String,
    /// Main data-centre cluster.
    pub cluster: String,
    /// East or west, when known.
    pub side: Option<Side>,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Capacity of each pool in units (PFLOPS), indexed by `PoolKind::index`.
    pub capacity: [u32; 2],
    /// Power usage effectiveness.
    pub pue: f64,
    /// Power price, CNY per kWh.
    pub price: f64,
    /// Share of the hub's power that is renewable, 0..=1.
    pub renewable: f64,
}

impl Hub {
    /// Capacity of one pool in units.
    #[inline]
    pub fn capacity(&self, pool: PoolKind) -> u32 {
        self.capacity[pool.index()]
    }

    /// Total capacity of both pools in units.
    pub fn total_capacity(&self) -> u64 {
        self.capacity.iter().map(|&c| u64::from(c)).sum()
    }
}
