//! The report's faults section: availability of the pools outages hit, and what failures
//! cost (runs killed, retries, losses, work lost, goodput). Keys in docs/metrics.md.

use std::fmt::Write;

use serde::Serialize;

use crate::metrics::Recorder;
use crate::model::{PoolKind, World};
use crate::time::HOUR;

/// Availability of one hub pool that some outage hits.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AvailabilityReport {
    /// Hub id.
    pub hub: String,
    /// Pool name.
    pub pool: &'static str,
    /// Measured: usable units / nominal units, time-averaged over the measured window.
    pub availability: Option<f64>,
    /// 1 - lost x MTTR / (MTBF + MTTR) when one random process (and nothing else) hits the pool.
    pub expected: Option<f64>,
    /// Outages that began in the window.
    pub outages: u64,
    /// Hours of the window with some capacity missing.
    pub degraded_hours: f64,
}

/// What the cuts of one link did over the measured window.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LinkCutReport {
    /// Link id.
    pub link: String,
    /// Cuts that began in the window.
    pub cuts: u64,
    /// Hours of the window the link was cut.
    pub cut_hours: f64,
    /// Flows moved to a detour when the link was cut.
    pub flows_rerouted: u64,
    /// Flows stopped with no detour (their jobs failed).
    pub flows_failed: u64,
}

/// What faults did over the measured window (jobs submitted after the warm-up).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FaultReport {
    /// Runs killed, by outages or by themselves.
    pub runs_failed: u64,
    /// Of those, killed by an outage of their pool.
    pub killed_by_outage: u64,
    /// Of those, failed by themselves (the class's hazard).
    pub failed_by_hazard: u64,
    /// Killed runs whose job was offered to the scheduler again.
    pub retried: u64,
    /// Jobs lost for good.
    pub lost: u64,
    /// Jobs handed back to the scheduler by a failed pool before they started.
    pub handed_back: u64,
    /// Units x hours held by runs that ended (finished or killed).
    pub busy_unit_hours: f64,
    /// Of that, work that did not count (since the last checkpoint; all of a lost job's).
    pub work_lost_unit_hours: f64,
    /// Useful unit-hours / busy unit-hours (`None` before any run ended).
    pub goodput: Option<f64>,
    /// Per hub pool hit by some outage, in hub order.
    pub availability: Vec<AvailabilityReport>,
    /// Per link some cut names, in declared order (absent without cuts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub link_cuts: Vec<LinkCutReport>,
    /// Transfers that found no route under the cuts (their jobs failed; absent without cuts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfers_without_route: Option<u64>,
}

impl FaultReport {
    /// The section, for runs with faults.
    pub fn of(world: &World, recorder: &Recorder, window: u64) -> Option<FaultReport> {
        let record = recorder.faults.as_ref()?;
        let hours = |unit_nanos: u128| unit_nanos as f64 / HOUR as f64;
        let mut availability = Vec::new();
        for (h, hub) in world.hubs.iter().enumerate() {
            for pool in PoolKind::ALL {
                let hit = world.faults.outages.iter().any(|o| o.hub as usize == h && o.pools[pool.index()]);
                let measured = &record.pools[h][pool.index()];
                if hit && measured.nominal > 0 {
                    availability.push(AvailabilityReport {
                        hub: hub.id.clone(),
                        pool: pool.name(),
                        availability: measured.availability(window),
                        expected: world.faults.expected_availability(h, pool),
                        outages: measured.outages,
                        degraded_hours: hours(measured.degraded_nanos),
                    });
                }
            }
        }
        Some(FaultReport {
            runs_failed: record.failed(),
            killed_by_outage: record.killed_by_outage,
            failed_by_hazard: record.failed_by_hazard,
            retried: record.retried,
            lost: record.lost,
            handed_back: record.handed_back,
            busy_unit_hours: hours(record.busy_unit_nanos),
            work_lost_unit_hours: hours(record.lost_unit_nanos),
            goodput: record.goodput(),
            availability,
            link_cuts: link_cuts(world, record),
            transfers_without_route: (!world.faults.cuts.is_empty()).then_some(record.unroutable),
        })
    }

    /// The text report's "Faults" section.
    pub fn render_text(&self, out: &mut String) {
        let _ = writeln!(out, "Faults (jobs submitted after the warm-up)");
        let _ = writeln!(
            out,
            "  runs failed {} ({} by outages, {} by themselves); retried {}; lost {}; handed back {}",
            self.runs_failed, self.killed_by_outage, self.failed_by_hazard, self.retried, self.lost, self.handed_back
        );
        let _ = writeln!(
            out,
            "  work lost {:.1} of {:.1} busy unit-hours; goodput {}",
            self.work_lost_unit_hours,
            self.busy_unit_hours,
            super::text::percent(self.goodput)
        );
        if !self.availability.is_empty() {
            let mut table =
                super::text::Table::new(&["hub", "pool", "availability", "expected", "outages", "degraded h"]);
            for a in &self.availability {
                table.row(vec![
                    a.hub.clone(),
                    a.pool.to_string(),
                    format_share(a.availability),
                    format_share(a.expected),
                    a.outages.to_string(),
                    format!("{:.1}", a.degraded_hours),
                ]);
            }
            table.render(out);
        }
        if !self.link_cuts.is_empty() {
            let mut table = super::text::Table::new(&["link", "cuts", "cut h", "rerouted", "failed"]);
            for c in &self.link_cuts {
                table.row(vec![
                    c.link.clone(),
                    c.cuts.to_string(),
                    format!("{:.1}", c.cut_hours),
                    c.flows_rerouted.to_string(),
                    c.flows_failed.to_string(),
                ]);
            }
            table.render(out);
            let _ = writeln!(out, "  transfers without a route {}", self.transfers_without_route.unwrap_or(0));
        }
        out.push('\n');
    }
}

/// The cut links' records with their ids.
fn link_cuts(world: &World, record: &crate::metrics::FaultRecord) -> Vec<LinkCutReport> {
    let Some(topology) = world.network.topology() else { return Vec::new() };
    (record.cuts.iter())
        .map(|c| LinkCutReport {
            link: topology.link_ids[c.link as usize].clone(),
            cuts: c.cuts,
            cut_hours: c.cut_nanos as f64 / HOUR as f64,
            flows_rerouted: c.rerouted,
            flows_failed: c.failed,
        })
        .collect()
}

/// A share to three decimals, or "-".
fn format_share(share: Option<f64>) -> String {
    share.map_or("-".into(), |s| format!("{s:.4}"))
}
