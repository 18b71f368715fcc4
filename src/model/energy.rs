//! Energy, cost and carbon of running work at a hub.
//!
//! energy (kWh) = units x power per unit (kW) x hours x PUE;
//! cost (CNY) = energy x the hub's power price;
//! carbon (kg CO2) = energy x (1 - the hub's renewable share) x grid carbon intensity.

use serde::Serialize;

use crate::model::{Hub, PoolKind};
use crate::time::{HOUR, SimDuration};

/// Power drawn per unit of each pool, and the grid's carbon intensity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnergyModel {
    /// IT power per unit (1 PFLOPS) in kW, indexed by `PoolKind::index`.
    pub kw_per_unit: [f64; 2],
    /// kg CO2 per kWh of non-renewable power.
    pub grid_carbon_kg_per_kwh: f64,
}

impl Default for EnergyModel {
    /// Estimates (E): an AI accelerator of about 1 PFLOPS (dense BF16) draws about 1 kW with its
    /// share of the server; CPU servers give about 6.5 TFLOPS (FP64) for about 1 kW, so about
    /// 150 kW per PFLOPS. Grid: 0.85 kg CO2/kWh (coal).
    fn default() -> Self {
        EnergyModel { kw_per_unit: [1.0, 150.0], grid_carbon_kg_per_kwh: 0.85 }
    }
}

/// Energy, cost and carbon of some work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Footprint {
    /// Facility energy, kWh (IT energy x PUE).
    pub energy_kwh: f64,
    /// Energy cost, CNY.
    pub cost_cny: f64,
    /// Emissions, kg CO2.
    pub carbon_kg: f64,
    /// The part of `cost_cny` paid for carrying data over priced links (omitted when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub transfer_cost_cny: f64,
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

impl Footprint {
    /// Every figure multiplied by `factor`.
    pub fn scaled(self, factor: f64) -> Footprint {
        Footprint {
            energy_kwh: self.energy_kwh * factor,
            cost_cny: self.cost_cny * factor,
            carbon_kg: self.carbon_kg * factor,
            transfer_cost_cny: self.transfer_cost_cny * factor,
        }
    }

    /// Adds another footprint.
    pub fn add(&mut self, other: Footprint) {
        self.energy_kwh += other.energy_kwh;
        self.cost_cny += other.cost_cny;
        self.carbon_kg += other.carbon_kg;
        self.transfer_cost_cny += other.transfer_cost_cny;
    }

    /// Adds the cost of moving data, CNY (nothing changes for zero).
    #[inline]
    pub fn add_transfer_cost(&mut self, cny: f64) {
        if cny != 0.0 {
            self.cost_cny += cny;
            self.transfer_cost_cny += cny;
        }
    }
}

impl EnergyModel {
    /// The footprint of `units` of `pool` running for `runtime` at `hub`.
    #[inline]
    pub fn footprint(&self, hub: &Hub, pool: PoolKind, units: u32, runtime: SimDuration) -> Footprint {
        self.footprint_at(Tariff::of(hub), pool, units, runtime)
    }

    /// [`EnergyModel::footprint`] from a hub's [`Tariff`] alone.
    #[inline]
    pub fn footprint_at(&self, tariff: Tariff, pool: PoolKind, units: u32, runtime: SimDuration) -> Footprint {
        let hours = runtime as f64 / HOUR as f64;
        let energy_kwh = f64::from(units) * self.kw_per_unit[pool.index()] * hours * tariff.pue;
        Footprint {
            energy_kwh,
            cost_cny: energy_kwh * tariff.price,
            carbon_kg: energy_kwh * (1.0 - tariff.renewable) * self.grid_carbon_kg_per_kwh,
            transfer_cost_cny: 0.0,
        }
    }
}

impl EnergyModel {
    /// The footprint of `units` of `pool` running for `runtime` under time-varying signals:
    /// `integrals` are the exact integrals of the price and the effective carbon intensity
    /// over the run (value x hours).
    #[inline]
    pub fn footprint_over(
        &self,
        tariff: Tariff,
        pool: PoolKind,
        units: u32,
        runtime: SimDuration,
        integrals: [f64; 2],
    ) -> Footprint {
        let kw = f64::from(units) * self.kw_per_unit[pool.index()] * tariff.pue;
        Footprint {
            energy_kwh: kw * runtime as f64 / HOUR as f64,
            cost_cny: kw * integrals[0],
            carbon_kg: kw * integrals[1],
            transfer_cost_cny: 0.0,
        }
    }
}

/// What a hub's energy figures depend on: PUE, power price and renewable share. Kept apart
/// from [`Hub`] so the engine reads 24 bytes per finished job rather than a whole hub record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tariff {
    /// Power usage effectiveness.
    pub pue: f64,
    /// Power price, CNY per kWh.
    pub price: f64,
    /// Renewable share of the hub's power, 0 to 1.
    pub renewable: f64,
}

impl Tariff {
    /// The tariff of `hub`.
    #[inline]
    pub fn of(hub: &Hub) -> Tariff {
        Tariff { pue: hub.pue, price: hub.price, renewable: hub.renewable }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_job_by_hand() {
        let hub = Hub {
            id: "h".into(),
            name: "h".into(),
            cluster: String::new(),
            side: None,
            lat: 0.0,
            lon: 0.0,
            capacity: [100, 0],
            pue: 1.25,
            price: 0.6,
            renewable: 0.2,
        };
        // 8 units x 1 kW x 3 h x PUE 1.25 = 30 kWh; x 0.6 CNY = 18 CNY; x 0.8 x 0.85 = 20.4 kg.
        let f = EnergyModel::default().footprint(&hub, PoolKind::Intelligent, 8, 3 * HOUR);
        assert!((f.energy_kwh - 30.0).abs() < 1e-9);
        assert!((f.cost_cny - 18.0).abs() < 1e-9);
        assert!((f.carbon_kg - 20.4).abs() < 1e-9);
    }
}
