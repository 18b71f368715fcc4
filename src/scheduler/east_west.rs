//! `east-west`: the programme's own rule, "east data, west computing".
//!
//! Jobs with a tight round-trip limit (at most `tight_round_trip`) or little data (under
//! `small_data`) run at the nearest eligible hub. Latency-tolerant jobs go to the western hub
//! with the earliest estimated finish, unless every eligible western hub's estimated wait
//! exceeds `max_west_wait`; then they fall back to the eligible hub (east or west) with the
//! earliest estimated finish. Western hubs are those marked `side = "west"`, or the ids listed
//! in `west` (comma- or plus-separated). Needs: latencies, sides, wait estimates.
//! Weakness: the small-data rule keeps many short jobs in the congested east, and the
//! wait bound is a blunt switch.

use crate::model::{Hub, Side};
use crate::rng::SimRng;
use crate::scheduler::earliest_finish::earliest_finish_among;
use crate::scheduler::registry::PolicyInfo;
use crate::scheduler::spec::{ParamInfo, Params};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::SimDuration;

/// This policy's entry in the registry: name, summary, parameters and constructor.
pub const POLICY: PolicyInfo = PolicyInfo {
    name: "east-west",
    summary: "latency-bound or small jobs nearest; the rest to the western hub finishing first, east if the west is backed up",
    params: PARAMS,
    make,
};

/// Parameters.
pub const PARAMS: &[ParamInfo] = &[
    ParamInfo { name: "west", default: "", help: "western hub ids (default: hubs with side = \"west\")" },
    ParamInfo { name: "tight_round_trip", default: "20ms", help: "round-trip limits at or below this keep a job near" },
    ParamInfo { name: "small_data", default: "1GB", help: "jobs moving less data than this stay near" },
    ParamInfo {
        name: "max_west_wait",
        default: "1h",
        help: "fall back east when every western wait estimate exceeds this",
    },
];

/// Builds the policy.
pub fn make(params: &Params<'_>, hubs: &[Hub]) -> Result<Box<dyn Scheduler>, String> {
    let listed: Vec<String> = params.list("west").iter().flat_map(|s| s.split('+').map(String::from)).collect();
    let west = if listed.is_empty() {
        hubs.iter().map(|h| h.side == Some(Side::West)).collect::<Vec<bool>>()
    } else {
        for id in &listed {
            if !hubs.iter().any(|h| &h.id == id) {
                let known: Vec<&str> = hubs.iter().map(|h| h.id.as_str()).collect();
                return Err(format!(
                    "scheduler east-west parameter `west`: unknown hub id {id:?}; known hubs: {}",
                    crate::scenario::error::shorten_list(&known)
                ));
            }
        }
        hubs.iter().map(|h| listed.contains(&h.id)).collect()
    };
    if !west.iter().any(|&w| w) {
        return Err(
            "scheduler east-west needs at least one western hub: mark hubs side = \"west\" or list them in `west`"
                .into(),
        );
    }
    Ok(Box::new(EastWest {
        west,
        tight_round_trip: params.duration("tight_round_trip")?,
        small_data: params.bytes("small_data")?,
        max_west_wait: params.duration("max_west_wait")?,
    }))
}

/// Near for latency-bound or small jobs; west for the rest unless the west is backed up.
#[derive(Clone, Debug)]
pub struct EastWest {
    west: Vec<bool>,
    tight_round_trip: SimDuration,
    small_data: f64,
    max_west_wait: SimDuration,
}

impl Scheduler for EastWest {
    fn decide(&mut self, job: &JobRequest, view: &View<'_>, _rng: &mut SimRng) -> Decision {
        let latency_bound = job.max_round_trip.is_some_and(|limit| limit <= self.tight_round_trip);
        let pick = if latency_bound || (job.data_bytes as f64) < self.small_data {
            view.eligible_by_latency(job).next()
        } else {
            let west_open =
                view.eligible_hubs(job).filter(|&h| self.west[h] && view.wait_estimate(job, h) <= self.max_west_wait);
            earliest_finish_among(job, view, west_open)
                .or_else(|| earliest_finish_among(job, view, view.eligible_hubs(job)))
        };
        pick.map_or(Decision::Reject, |h| Decision::Run(h as u16))
    }
}
