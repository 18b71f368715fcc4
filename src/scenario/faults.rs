//! `[faults]` and a class's `failure` table -> the fault model, checked field by field.

use crate::model::{
    FailureRule, Faults, Hub, JobHazard, LinkCut, NetworkConfig, NetworkModel, OnFailure, Outage, OutageTiming,
    PoolKind, faults,
};
use crate::scenario::error::{FieldError, FieldResult, shorten_list};
use crate::scenario::raw::{RawCut, RawFailure, RawFaults, RawOutage};
use crate::scenario::validate::{in_range, parse_field};
use crate::time::SimDuration;

/// Most runs a class may allow a job.
const MAX_ATTEMPTS: i64 = 1000;

/// The outages and link cuts of `[faults]` (none when absent).
pub(super) fn faults(raw: Option<&RawFaults>, hubs: &[Hub], network: &NetworkConfig) -> FieldResult<Faults> {
    let Some(raw) = raw else { return Ok(Faults::default()) };
    let outages = raw
        .outages
        .iter()
        .enumerate()
        .map(|(i, o)| outage(o, &format!("faults.outages[{i}]"), hubs))
        .collect::<FieldResult<_>>()?;
    let cuts = (raw.cuts.iter().enumerate())
        .map(|(i, c)| cut(c, &format!("faults.cuts[{i}]"), network))
        .collect::<FieldResult<_>>()?;
    Ok(Faults { outages, cuts })
}

fn cut(raw: &RawCut, path: &str, network: &NetworkConfig) -> FieldResult<LinkCut> {
    if network.model != NetworkModel::Flow {
        return Err(FieldError::new(
            format!("{path}.link"),
            format!(
                "cannot cut link {:?}: link cuts need the flow network model ([network] model = \"flow\")",
                raw.link
            ),
        ));
    }
    let links = &network.topology.links;
    let link = links.iter().position(|l| l.id == raw.link).ok_or_else(|| {
        let known: Vec<&str> = links.iter().map(|l| l.id.as_str()).collect();
        FieldError::new(
            format!("{path}.link"),
            format!("unknown link id {:?}; known links: {}", raw.link, shorten_list(&known)),
        )
    })?;
    let timing = timing([&raw.start, &raw.duration, &raw.mtbf, &raw.mttr], path, "cuts")?;
    Ok(LinkCut { link: link as u32, timing })
}

/// A scheduled window (`start`, `duration`) or a random process (`mtbf`, `mttr`).
fn timing(fields: [&Option<String>; 4], path: &str, what: &str) -> FieldResult<OutageTiming> {
    Ok(match fields {
        [Some(start), Some(duration), None, None] => OutageTiming::Scheduled {
            start: parse_field(start, &format!("{path}.start"))?,
            duration: positive(duration, format!("{path}.duration"))?,
        },
        [None, None, Some(mtbf), Some(mttr)] => OutageTiming::Random {
            mtbf: positive(mtbf, format!("{path}.mtbf"))?,
            mttr: positive(mttr, format!("{path}.mttr"))?,
        },
        _ => {
            return Err(FieldError::new(
                path,
                format!("give either `start` and `duration` (a scheduled window) or `mtbf` and `mttr` (random {what})"),
            ));
        }
    })
}

fn positive(text: &str, path: String) -> FieldResult<SimDuration> {
    let d = parse_field(text, &path)?;
    if d == 0 {
        return Err(FieldError::new(path, format!("bad value {text:?}: must be positive")));
    }
    Ok(d)
}

fn outage(raw: &RawOutage, path: &str, hubs: &[Hub]) -> FieldResult<Outage> {
    let hub = hubs.iter().position(|h| h.id == raw.hub).ok_or_else(|| {
        let known: Vec<&str> = hubs.iter().map(|h| h.id.as_str()).collect();
        FieldError::new(
            format!("{path}.hub"),
            format!("unknown hub id {:?}; known hubs: {}", raw.hub, shorten_list(&known)),
        )
    })?;
    let pools = match raw.pool.as_deref() {
        None => [true, true],
        Some(name) => {
            let pool = PoolKind::parse(name).ok_or_else(|| {
                FieldError::new(
                    format!("{path}.pool"),
                    format!("bad value {name:?}: expected \"intelligent\" or \"general\" (or no pool: both)"),
                )
            })?;
            let mut pools = [false, false];
            pools[pool.index()] = true;
            pools
        }
    };
    let lost = match raw.lost {
        None => 1.0,
        Some(v) if v.is_finite() && v > 0.0 && v <= 1.0 => v,
        Some(v) => {
            return Err(FieldError::new(
                format!("{path}.lost"),
                format!("bad value {v}: the share of capacity lost must be above 0 and at most 1 (1 = down)"),
            ));
        }
    };
    let timing = timing([&raw.start, &raw.duration, &raw.mtbf, &raw.mttr], path, "outages")?;
    Ok(Outage { hub: hub as u16, pools, lost, timing })
}

/// A class's `failure = { ... }` (the default handling when absent).
pub(super) fn failure(raw: Option<&RawFailure>, path: &str) -> FieldResult<FailureRule> {
    let Some(raw) = raw else { return Ok(FailureRule::default()) };
    let hazard = match (&raw.mtbf, raw.probability) {
        (None, None) => JobHazard::None,
        (Some(mtbf), None) => JobHazard::Rate { mtbf: positive(mtbf, format!("{path}.mtbf"))? },
        (None, Some(p)) => JobHazard::Probability(in_range(
            p,
            0.0,
            1.0,
            &format!("{path}.probability"),
            "the probability that a run fails",
        )?),
        (Some(_), Some(_)) => {
            return Err(FieldError::new(path, "give `mtbf` (a failure rate) or `probability`, not both"));
        }
    };
    let on_failure = match raw.on_failure.as_deref() {
        None | Some("retry") => {
            let max_attempts = match raw.max_attempts {
                None => faults::DEFAULT_MAX_ATTEMPTS,
                Some(n) if (1..=MAX_ATTEMPTS).contains(&n) => n as u32,
                Some(n) => {
                    return Err(FieldError::new(
                        format!("{path}.max_attempts"),
                        format!("bad value {n}: runs allowed in all, from 1 to {MAX_ATTEMPTS}"),
                    ));
                }
            };
            let backoff = match &raw.backoff {
                None => faults::DEFAULT_BACKOFF,
                Some(text) => parse_field(text, &format!("{path}.backoff"))?,
            };
            OnFailure::Retry { max_attempts, backoff }
        }
        Some("lose") => {
            if raw.max_attempts.is_some() || raw.backoff.is_some() {
                return Err(FieldError::new(path, "`max_attempts` and `backoff` apply only to on_failure = \"retry\""));
            }
            OnFailure::Lose
        }
        Some(other) => {
            return Err(FieldError::new(
                format!("{path}.on_failure"),
                format!("bad value {other:?}: expected \"retry\" or \"lose\""),
            ));
        }
    };
    let checkpoint = raw.checkpoint.as_deref().map(|t| positive(t, format!("{path}.checkpoint"))).transpose()?;
    Ok(FailureRule { hazard, on_failure, checkpoint })
}
