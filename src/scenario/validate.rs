//! Raw scenario -> validated `Scenario`. Every check reports the field's path.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::RunConfig;
use crate::model::{EnergyModel, Hub, PoolKind, QueueDiscipline, Region, Side, World};
use crate::quantity::parse_rate;
use crate::scenario::Scenario;
use crate::scenario::distribution::{self, Quantity};
use crate::scenario::error::{FieldError, FieldResult, number, shorten_list};
use crate::scenario::limits;
use crate::scenario::network::network;
use crate::scenario::raw::{
    RawClass, RawDiurnal, RawEnergy, RawHub, RawNetwork, RawPreset, RawQueue, RawRegion, RawScenario, RawWorld,
};
use crate::scheduler::spec::{ParamValue, SchedulerSpec};
use crate::scheduler::{BuiltPolicy, registry};
use crate::seeds;
use crate::time::{DAY, SimDuration, WEEK, parse_duration};
use crate::workload::{Arrival, Distribution, Diurnal, InputAt, JobClass, Slo};

/// Default share of submitted jobs in flight at the end above which latencies are censored.
pub const DEFAULT_CENSORING_THRESHOLD: f64 = 0.01;

/// At most this many utilisation samples per pool.
const MAX_SAMPLES: u64 = 1_000_000;

pub(super) fn parse_field(text: &str, path: &str) -> FieldResult<SimDuration> {
    parse_duration(text).map_err(|e| FieldError::new(path, format!("bad value {text:?}: {e}")))
}

/// A class's `interruptible` and `checkpoint_overhead`: the overhead of each resume when
/// interruptible (0 by default), `None` when not; an overhead needs `interruptible = true`.
fn interruptible(raw: &RawClass, path: &str) -> FieldResult<Option<SimDuration>> {
    let key = format!("{path}.checkpoint_overhead");
    let overhead = raw.checkpoint_overhead.as_deref().map(|t| parse_field(t, &key)).transpose()?;
    match (raw.interruptible.unwrap_or(false), overhead) {
        (true, overhead) => Ok(Some(overhead.unwrap_or(0))),
        (false, None) => Ok(None),
        (false, Some(_)) => Err(FieldError::new(
            key,
            format!(
                "bad value {:?}: a checkpoint overhead needs `interruptible = true`",
                raw.checkpoint_overhead.as_deref().unwrap_or("")
            ),
        )),
    }
}

pub(super) fn in_range(value: f64, low: f64, high: f64, path: &str, what: &str) -> FieldResult<f64> {
    if value.is_finite() && value >= low && value <= high {
        Ok(value)
    } else {
        Err(FieldError::new(path, format!("bad value {}: {what} must be between {low} and {high}", number(value))))
    }
}

fn unique_ids<'a>(ids: impl Iterator<Item = &'a str>, path: &str) -> FieldResult<()> {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            return Err(FieldError::new(format!("{path}[{i}].id"), "an id must not be empty"));
        }
        if !seen.insert(id) {
            return Err(FieldError::new(format!("{path}[{i}].id"), format!("duplicate id {id:?}; ids must be unique")));
        }
    }
    Ok(())
}

pub(super) fn scenario(raw: RawScenario, stem: &str, file: &str) -> FieldResult<Scenario> {
    let (duration, warmup, sample_interval) = timing(&raw)?;
    let censoring_threshold = in_range(
        raw.censoring_threshold.unwrap_or(DEFAULT_CENSORING_THRESHOLD),
        0.0,
        1.0,
        "censoring_threshold",
        "the share of submitted jobs in flight at the end above which latencies are marked censored",
    )?;
    let scheduler = scheduler_spec(raw.scheduler.as_ref())?;
    let (discipline, runtime_estimate_factor) = queue(raw.queue.as_ref())?;

    let preset = match &raw.world {
        Some(world) => Some(load_preset(&world.preset)?),
        None => None,
    };
    let (hubs, network_base, grid_carbon) = scenario_hubs(&raw, preset.as_ref())?;
    let regions = scenario_regions(&raw, preset.as_ref())?;

    let policy = match registry::build(&scheduler, &hubs) {
        Ok(policy) => BuiltPolicy::new(&scheduler, &hubs, policy),
        Err(e) => return Err(FieldError::new("scheduler", e.to_string())),
    };
    let energy = energy(raw.energy.as_ref(), grid_carbon)?;

    let classes = scenario_classes(&raw, &regions, &hubs)?;
    let hub_sources = classes.iter().any(|c| matches!(c.input_at, InputAt::Hub(_)));
    let network = network(network_base, raw.network.as_ref(), &hubs, &regions, hub_sources)?;
    class_names(&classes)?;

    let dir = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new("."));
    let faults = super::faults::faults(raw.faults.as_ref(), &hubs, &network)?;
    let traces = crate::scenario::traces::traces(&raw.traces, dir, &classes, &regions)?;
    rates_or_traces(&raw, !traces.is_empty())?;

    let signals = super::signals::signals(raw.signals.as_ref(), &hubs, energy.grid_carbon_kg_per_kwh, duration, dir)?;
    let scenario = Scenario {
        traces,
        signals,
        name: raw.name.clone().unwrap_or_else(|| stem.to_string()),
        description: raw.description.clone(),
        censoring_threshold,
        run: RunConfig {
            seed: raw.seed.unwrap_or(1),
            duration,
            warmup,
            sample_interval,
            max_in_flight: limits::DEFAULT_MAX_IN_FLIGHT,
        },
        scheduler,
        policy,
        discipline,
        runtime_estimate_factor,
        preset: raw.world.as_ref().map(|w| w.preset.clone()),
        hubs,
        regions,
        network,
        classes,
        energy,
        faults,
    };
    limits::jobs_per_run(scenario.expected_jobs()).map_err(|e| FieldError::new("duration", e))?;
    Ok(scenario)
}

/// The hubs, from the `[world]` preset or the `[[hubs]]` tables (not both), with the preset's
/// network (if any) and grid carbon intensity; their count and ids are checked.
fn scenario_hubs<'p>(
    raw: &RawScenario,
    preset: Option<&'p RawPreset>,
) -> FieldResult<(Vec<Hub>, Option<&'p RawNetwork>, f64)> {
    let (hubs, network_base, grid_carbon) = match (&raw.world, preset) {
        (Some(world), Some(preset)) => {
            if !raw.hubs.is_empty() {
                return Err(FieldError::new("hubs", "give hubs either with [world] preset or as [[hubs]], not both"));
            }
            (preset_hubs(world, preset)?, Some(&preset.network), preset.grid_carbon_kg_per_kwh)
        }
        _ => {
            if raw.hubs.is_empty() {
                return Err(FieldError::new(
                    "hubs",
                    format!(
                        "no hubs: give [world] preset = \"{}\" or at least one [[hubs]] table",
                        seeds::DEFAULT_PRESET
                    ),
                ));
            }
            let hubs =
                raw.hubs.iter().enumerate().map(|(i, h)| hub(h, &format!("hubs[{i}]"))).collect::<FieldResult<_>>()?;
            (hubs, None, 0.85)
        }
    };
    limits::count("hubs", "hubs", hubs.len(), limits::MAX_HUBS)?;
    unique_ids(hubs.iter().map(|h| h.id.as_str()), "hubs")?;
    Ok((hubs, network_base, grid_carbon))
}

/// The demand regions, from the `[[regions]]` tables or else the preset; count and ids checked.
fn scenario_regions(raw: &RawScenario, preset: Option<&RawPreset>) -> FieldResult<Vec<Region>> {
    let regions: Vec<Region> = if !raw.regions.is_empty() {
        raw.regions.iter().enumerate().map(|(i, r)| region(r, &format!("regions[{i}]"))).collect::<FieldResult<_>>()?
    } else if let Some(preset) = preset {
        preset
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| region(r, &format!("<preset>.regions[{i}]")))
            .collect::<FieldResult<_>>()?
    } else {
        return Err(FieldError::new("regions", "no demand regions: give at least one [[regions]] table"));
    };
    limits::count("regions", "regions", regions.len(), limits::MAX_REGIONS)?;
    unique_ids(regions.iter().map(|r| r.id.as_str()), "regions")?;
    Ok(regions)
}

/// The `[[classes]]` tables (at least one, at most the limit), each validated.
fn scenario_classes(raw: &RawScenario, regions: &[Region], hubs: &[Hub]) -> FieldResult<Vec<JobClass>> {
    if raw.classes.is_empty() {
        return Err(FieldError::new("classes", "no workload: give at least one [[classes]] table"));
    }
    limits::count("classes", "classes", raw.classes.len(), limits::MAX_CLASSES)?;
    raw.classes.iter().enumerate().map(|(i, c)| class(c, &format!("classes[{i}]"), regions, hubs)).collect()
}

/// Class names must be unique, non-empty and not "all" (the name of the all-classes row).
fn class_names(classes: &[JobClass]) -> FieldResult<()> {
    let mut names = BTreeSet::new();
    for (i, c) in classes.iter().enumerate() {
        if c.name.is_empty() || c.name == "all" || !names.insert(c.name.as_str()) {
            return Err(FieldError::new(
                format!("classes[{i}].name"),
                format!("bad class name {:?}: names must be unique, non-empty and not \"all\"", c.name),
            ));
        }
    }
    Ok(())
}

/// Only classes of a scenario with `[[traces]]` may omit `rate`.
fn rates_or_traces(raw: &RawScenario, has_traces: bool) -> FieldResult<()> {
    if let Some(i) = raw.classes.iter().position(|c| c.rate.is_none())
        && !has_traces
    {
        return Err(FieldError::new(
            format!("classes[{i}].rate"),
            "missing `rate` (e.g. \"2000/h\"): only classes of a scenario with [[traces]] may omit it",
        ));
    }
    Ok(())
}

/// `duration`, `warmup` and `sample_interval`, with their defaults and checks.
pub(super) fn timing(raw: &RawScenario) -> FieldResult<(SimDuration, SimDuration, SimDuration)> {
    let duration = match &raw.duration {
        Some(text) => parse_field(text, "duration")?,
        None => WEEK,
    };
    if duration == 0 {
        return Err(FieldError::new("duration", "the duration must be positive, e.g. \"7d\""));
    }
    let warmup = match &raw.warmup {
        Some(text) => parse_field(text, "warmup")?,
        None => duration / 10,
    };
    if warmup >= duration {
        return Err(FieldError::new(
            "warmup",
            format!(
                "the warm-up ({}) must be shorter than the duration ({})",
                crate::time::format_duration(warmup),
                crate::time::format_duration(duration)
            ),
        ));
    }
    let sample_interval = match &raw.sample_interval {
        Some(text) => parse_field(text, "sample_interval")?,
        None => (duration / 1000).max(1),
    };
    if sample_interval == 0 || sample_interval > duration || duration / sample_interval > MAX_SAMPLES {
        return Err(FieldError::new(
            "sample_interval",
            format!("must be positive, no longer than the duration, and give at most {MAX_SAMPLES} samples"),
        ));
    }
    Ok((duration, warmup, sample_interval))
}

/// `[queue]`: the discipline and the runtime estimate factor.
fn queue(raw: Option<&RawQueue>) -> FieldResult<(QueueDiscipline, f64)> {
    match raw {
        None => Ok((QueueDiscipline::Fifo, 1.0)),
        Some(q) => {
            let discipline = match q.discipline.as_deref() {
                None => QueueDiscipline::Fifo,
                Some(name) => QueueDiscipline::parse(name).ok_or_else(|| {
                    FieldError::new(
                        "queue.discipline",
                        format!("bad value {name:?}: expected \"fifo\" or \"easy-backfill\""),
                    )
                })?,
            };
            let factor = in_range(
                q.runtime_estimate_factor.unwrap_or(1.0),
                0.01,
                1000.0,
                "queue.runtime_estimate_factor",
                "the runtime estimate factor",
            )?;
            Ok((discipline, factor))
        }
    }
}

/// The hubs of `[world]`: the preset's, scaled, with the per-hub overrides applied.
fn preset_hubs(world: &RawWorld, preset: &RawPreset) -> FieldResult<Vec<Hub>> {
    let mut hubs = preset
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| hub(h, &format!("<preset {}>.hubs[{i}]", preset.preset)))
        .collect::<FieldResult<Vec<Hub>>>()?;
    let scale = world.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0) {
        return Err(FieldError::new("world.scale", format!("bad value {scale}: the scale must be > 0")));
    }
    for (i, h) in hubs.iter_mut().enumerate() {
        h.capacity = h.capacity.map(|c| (f64::from(c) * scale).round().min(f64::from(u32::MAX)) as u32);
        if h.capacity == [0, 0] {
            return Err(FieldError::new(
                "world.scale",
                format!("scale {scale} leaves hub {:?} (index {i}) with no capacity; use a larger scale", h.id),
            ));
        }
    }
    for (i, o) in world.overrides.iter().enumerate() {
        let path = format!("world.hub[{i}]");
        let Some(h) = hubs.iter_mut().find(|h| h.id == o.id) else {
            let known: Vec<&str> = preset.hubs.iter().map(|h| h.id.as_str()).collect();
            return Err(FieldError::new(
                format!("{path}.id"),
                format!("unknown hub id {:?}; known hubs: {}", o.id, shorten_list(&known)),
            ));
        };
        if let Some(v) = o.intelligent {
            h.capacity[0] = capacity(v, &format!("{path}.intelligent"))?;
        }
        if let Some(v) = o.general {
            h.capacity[1] = capacity(v, &format!("{path}.general"))?;
        }
        if h.capacity == [0, 0] {
            return Err(FieldError::new(&path, format!("hub {:?} would have no capacity", h.id)));
        }
        if let Some(v) = o.pue {
            h.pue = in_range(v, 1.0, 5.0, &format!("{path}.pue"), "a PUE")?;
        }
        if let Some(v) = o.price {
            h.price = in_range(v, 0.0, 100.0, &format!("{path}.price"), "a price in CNY/kWh")?;
        }
        if let Some(v) = o.renewable {
            h.renewable = in_range(v, 0.0, 1.0, &format!("{path}.renewable"), "a renewable share")?;
        }
    }
    Ok(hubs)
}

/// `[energy]` over the defaults, with the grid intensity of the preset (or 0.85).
fn energy(raw: Option<&RawEnergy>, grid_carbon: f64) -> FieldResult<EnergyModel> {
    let mut energy = EnergyModel { grid_carbon_kg_per_kwh: grid_carbon, ..EnergyModel::default() };
    if let Some(e) = raw {
        if let Some(v) = e.intelligent_kw_per_unit {
            energy.kw_per_unit[0] = in_range(v, 0.0, 1e6, "energy.intelligent_kw_per_unit", "power per unit (kW)")?;
        }
        if let Some(v) = e.general_kw_per_unit {
            energy.kw_per_unit[1] = in_range(v, 0.0, 1e6, "energy.general_kw_per_unit", "power per unit (kW)")?;
        }
        if let Some(v) = e.grid_carbon_kg_per_kwh {
            energy.grid_carbon_kg_per_kwh =
                in_range(v, 0.0, 10.0, "energy.grid_carbon_kg_per_kwh", "the grid carbon intensity")?;
        }
    }
    Ok(energy)
}

/// `scheduler = "name"` or `scheduler = { name = "power-of-d", d = 2 }`.
fn scheduler_spec(raw: Option<&toml::Value>) -> FieldResult<SchedulerSpec> {
    let Some(value) = raw else { return Ok(SchedulerSpec::named("least-loaded")) };
    match value {
        toml::Value::String(name) => Ok(SchedulerSpec::named(name)),
        toml::Value::Table(table) => {
            let name = table.get("name").and_then(toml::Value::as_str).ok_or_else(|| {
                FieldError::new("scheduler", "a scheduler table needs `name`, e.g. { name = \"power-of-d\", d = 2 }")
            })?;
            let mut spec = SchedulerSpec::named(name);
            for (key, v) in table.iter().filter(|(k, _)| k.as_str() != "name") {
                let param = match v {
                    toml::Value::Integer(i) => ParamValue::Number(*i as f64),
                    toml::Value::Float(f) => ParamValue::Number(*f),
                    toml::Value::String(s) => ParamValue::Text(s.clone()),
                    toml::Value::Array(items) => ParamValue::Text(
                        items
                            .iter()
                            .map(|i| i.as_str().map(String::from).unwrap_or_else(|| i.to_string()))
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    other => {
                        return Err(FieldError::new(
                            format!("scheduler.{key}"),
                            format!("bad value {other}: expected a number or a string"),
                        ));
                    }
                };
                spec.params.insert(key.clone(), param);
            }
            Ok(spec)
        }
        other => {
            Err(FieldError::new("scheduler", format!("bad value {other}: expected a name or a table with `name`")))
        }
    }
}

/// The world of a built-in preset alone: its hubs, regions, network and energy model.
pub(super) fn preset_world(name: &str) -> FieldResult<World> {
    let preset = load_preset(name)?;
    let hubs = preset
        .hubs
        .iter()
        .enumerate()
        .map(|(i, h)| hub(h, &format!("<preset {name}>.hubs[{i}]")))
        .collect::<FieldResult<Vec<Hub>>>()?;
    let regions = preset
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| region(r, &format!("<preset {name}>.regions[{i}]")))
        .collect::<FieldResult<Vec<Region>>>()?;
    let network = network(Some(&preset.network), None, &hubs, &regions, false)?;
    let energy = EnergyModel { grid_carbon_kg_per_kwh: preset.grid_carbon_kg_per_kwh, ..EnergyModel::default() };
    World::build(hubs, regions, &network, Vec::new(), energy)
        .map_err(|e| FieldError::new("world.preset", format!("built-in preset {name:?} is invalid: {e}")))
}

/// Parses a built-in preset. Its errors point into the preset, which is part of the binary.
pub(super) fn load_preset(name: &str) -> FieldResult<RawPreset> {
    builtin("world.preset", "preset", name, seeds::preset_source(name), &seeds::preset_names())
}

/// Parses the built-in `kind` called `name` from its `source` (`None`: no such name among
/// `known`); errors name `field`.
pub(super) fn builtin<T: serde::de::DeserializeOwned>(
    field: &str,
    kind: &str,
    name: &str,
    source: Option<&str>,
    known: &[&str],
) -> FieldResult<T> {
    let source = source.ok_or_else(|| {
        FieldError::new(field, format!("unknown {kind} {name:?}; known {kind}s: {}", known.join(", ")))
    })?;
    toml::from_str(source).map_err(|e| FieldError::new(field, format!("built-in {kind} {name:?} is invalid: {e}")))
}

fn capacity(value: i64, path: &str) -> FieldResult<u32> {
    if value < 0 {
        return Err(FieldError::new(
            path,
            format!("bad value {value}: a capacity must be a whole number of units >= 0"),
        ));
    }
    u32::try_from(value).map_err(|_| FieldError::new(path, format!("bad value {value}: at most {} units", u32::MAX)))
}

fn hub(raw: &RawHub, path: &str) -> FieldResult<Hub> {
    let capacity = [
        capacity(raw.intelligent, &format!("{path}.intelligent"))?,
        capacity(raw.general, &format!("{path}.general"))?,
    ];
    if capacity == [0, 0] {
        return Err(FieldError::new(
            format!("{path}.intelligent"),
            format!("hub {:?} has zero capacity: give `intelligent` and/or `general` > 0 units", raw.id),
        ));
    }
    let side = raw
        .side
        .as_deref()
        .map(|s| {
            Side::parse(s).ok_or_else(|| {
                FieldError::new(format!("{path}.side"), format!("bad value {s:?}: expected \"east\" or \"west\""))
            })
        })
        .transpose()?;
    Ok(Hub {
        id: raw.id.clone(),
        name: raw.name.clone().unwrap_or_else(|| raw.id.clone()),
        cluster: raw.cluster.clone().unwrap_or_default(),
        side,
        lat: in_range(raw.lat, -90.0, 90.0, &format!("{path}.lat"), "a latitude")?,
        lon: in_range(raw.lon, -180.0, 180.0, &format!("{path}.lon"), "a longitude")?,
        capacity,
        pue: in_range(raw.pue.unwrap_or(1.2), 1.0, 5.0, &format!("{path}.pue"), "a PUE")?,
        price: in_range(raw.price.unwrap_or(0.5), 0.0, 100.0, &format!("{path}.price"), "a price in CNY/kWh")?,
        renewable: in_range(raw.renewable.unwrap_or(0.0), 0.0, 1.0, &format!("{path}.renewable"), "a renewable share")?,
    })
}

fn region(raw: &RawRegion, path: &str) -> FieldResult<Region> {
    let weight = limits::weight(&format!("{path}.weight"), raw.weight.unwrap_or(1.0), false)?;
    Ok(Region {
        id: raw.id.clone(),
        lat: in_range(raw.lat, -90.0, 90.0, &format!("{path}.lat"), "a latitude")?,
        lon: in_range(raw.lon, -180.0, 180.0, &format!("{path}.lon"), "a longitude")?,
        weight,
    })
}

/// `input_at = "origin"`, a hub id or a region id (`hub:` or `region:` when an id is both).
fn input_at(raw: Option<&str>, path: &str, regions: &[Region], hubs: &[Hub]) -> FieldResult<InputAt> {
    let Some(text) = raw else { return Ok(InputAt::Origin) };
    if text == "origin" {
        return Ok(InputAt::Origin);
    }
    let (kind, id) = match text.split_once(':') {
        Some((kind @ ("hub" | "region"), id)) => (Some(kind), id),
        _ => (None, text),
    };
    let hub = hubs.iter().position(|h| h.id == id).filter(|_| kind != Some("region"));
    let region = regions.iter().position(|r| r.id == id).filter(|_| kind != Some("hub"));
    match (hub, region) {
        (Some(h), None) => Ok(InputAt::Hub(h as u16)),
        (None, Some(r)) => Ok(InputAt::Region(r as u16)),
        (Some(_), Some(_)) => Err(FieldError::new(
            path,
            format!("{text:?} names both a hub and a region: write \"hub:{id}\" or \"region:{id}\""),
        )),
        (None, None) => {
            let known: Vec<&str> =
                hubs.iter().map(|h| h.id.as_str()).chain(regions.iter().map(|r| r.id.as_str())).collect();
            Err(FieldError::new(
                path,
                format!(
                    "unknown site {text:?}: expected \"origin\", a hub id or a region id ({})",
                    crate::scenario::error::shorten_list(&known)
                ),
            ))
        }
    }
}

fn class(raw: &RawClass, path: &str, regions: &[Region], hubs: &[Hub]) -> FieldResult<JobClass> {
    let pool = PoolKind::parse(&raw.pool).ok_or_else(|| {
        FieldError::new(
            format!("{path}.pool"),
            format!("bad value {:?}: expected \"intelligent\" or \"general\"", raw.pool),
        )
    })?;
    let rate_per_second = class_rate(raw, path)?;
    let rate_text = raw.rate.as_deref().unwrap_or("0/s");
    let diurnal = raw.diurnal.as_ref().map(|d| diurnal(d, path, rate_text, rate_per_second)).transpose()?;
    let (units, runtime) = class_size(raw, path)?;
    let data = match &raw.data {
        Some(v) => distribution::read(v, Quantity::Bytes, &format!("{path}.data"))?,
        None => Distribution::constant(0.0).expect("0 is finite"),
    };
    let max_round_trip =
        raw.max_round_trip.as_deref().map(|t| parse_field(t, &format!("{path}.max_round_trip"))).transpose()?;
    let deadline = raw.deadline.as_deref().map(|t| parse_field(t, &format!("{path}.deadline"))).transpose()?;
    let slo = class_slo(raw, path, deadline)?;
    let priority = class_priority(raw, path)?;
    let origin_weights = origin_weights(raw.origins.as_ref(), path, regions)?;
    Ok(JobClass {
        name: raw.name.clone(),
        pool,
        arrival: Arrival { rate_per_second, diurnal },
        units,
        runtime,
        data,
        max_round_trip,
        deadline,
        slack: raw.slack.as_deref().map(|t| parse_field(t, &format!("{path}.slack"))).transpose()?,
        interruptible: interruptible(raw, path)?,
        slo,
        priority,
        origin_weights,
        input_at: input_at(raw.input_at.as_deref(), &format!("{path}.input_at"), regions, hubs)?,
        output: raw
            .output
            .as_ref()
            .map(|v| distribution::read(v, Quantity::Bytes, &format!("{path}.output")))
            .transpose()?,
        failure: super::faults::failure(raw.failure.as_ref(), &format!("{path}.failure"))?,
    })
}

/// A class's `rate` per second; 0 for a class fed only by traces (no synthetic arrivals).
fn class_rate(raw: &RawClass, path: &str) -> FieldResult<f64> {
    match &raw.rate {
        None => Ok(0.0),
        Some(rate) => {
            let per_second = parse_rate(rate)
                .map_err(|e| FieldError::new(format!("{path}.rate"), format!("bad value {rate:?}: {e}")))?;
            limits::rate(&format!("{path}.rate"), rate, per_second)?;
            Ok(per_second)
        }
    }
}

/// A class's `units` and `runtime` distributions: both needed, except in a trace-only class
/// (no `rate`) that gives neither, which takes 1 unit for 1s (its jobs come from the traces).
fn class_size(raw: &RawClass, path: &str) -> FieldResult<(Distribution, Distribution)> {
    let one = toml::Value::Integer(1);
    let (units, runtime) = match (&raw.units, &raw.runtime, &raw.rate) {
        (Some(u), Some(r), _) => (u, r),
        (None, None, None) => (&one, &toml::Value::String("1s".into())),
        (None, _, _) => {
            return Err(FieldError::new(format!("{path}.units"), "missing `units` (e.g. 8 or a distribution)"));
        }
        (_, None, _) => {
            return Err(FieldError::new(
                format!("{path}.runtime"),
                "missing `runtime` (e.g. \"2h\" or a distribution)",
            ));
        }
    };
    let units = distribution::read(units, Quantity::Count, &format!("{path}.units"))?;
    if units.upper_bound() < 0.5 {
        return Err(FieldError::new(
            format!("{path}.units"),
            "jobs must ask for at least 1 unit: the largest possible draw is below 1",
        ));
    }
    let runtime = distribution::read(runtime, Quantity::Duration, &format!("{path}.runtime"))?;
    Ok((units, runtime))
}

/// A class's `slo` objectives; `deadline` stands for `slo.jct` (giving both, they must agree).
fn class_slo(raw: &RawClass, path: &str, deadline: Option<SimDuration>) -> FieldResult<Slo> {
    let mut slo = Slo::default();
    if let Some(s) = &raw.slo {
        slo.jct = s.jct.as_deref().map(|t| parse_field(t, &format!("{path}.slo.jct"))).transpose()?;
        slo.wait = s.wait.as_deref().map(|t| parse_field(t, &format!("{path}.slo.wait"))).transpose()?;
        if !slo.is_set() {
            return Err(FieldError::new(
                format!("{path}.slo"),
                "give `jct` and/or `wait`, e.g. slo = { jct = \"30min\" }",
            ));
        }
        if slo.jct.is_some() && deadline.is_some_and(|d| Some(d) != slo.jct) {
            return Err(FieldError::new(
                format!("{path}.slo.jct"),
                "differs from `deadline`: give the JCT objective once (deadline stands for slo.jct)",
            ));
        }
    }
    slo.jct = slo.jct.or(deadline);
    Ok(slo)
}

/// A class's `priority`: a whole number from -1000 to 1000, 0 by default.
fn class_priority(raw: &RawClass, path: &str) -> FieldResult<i32> {
    match raw.priority {
        None => Ok(0),
        Some(p) if (-1000..=1000).contains(&p) => Ok(p as i32),
        Some(p) => Err(FieldError::new(
            format!("{path}.priority"),
            format!("bad value {p}: a priority is a whole number from -1000 to 1000 (higher is served first)"),
        )),
    }
}

/// A class's `diurnal` profile; its peak rate (`rate` per second at the mean) is checked.
fn diurnal(d: &RawDiurnal, path: &str, rate: &str, rate_per_second: f64) -> FieldResult<Diurnal> {
    let amplitude = in_range(d.amplitude, 0.0, 1.0, &format!("{path}.diurnal.amplitude"), "the amplitude")?;
    let peak = match &d.peak {
        Some(p) => parse_field(p, &format!("{path}.diurnal.peak"))?,
        None => 14 * crate::time::HOUR,
    };
    if peak >= DAY {
        return Err(FieldError::new(format!("{path}.diurnal.peak"), "the peak is a time of day: below \"24h\""));
    }
    let weekend =
        in_range(d.weekend.unwrap_or(1.0), 0.0, 10.0, &format!("{path}.diurnal.weekend"), "the weekend factor")?;
    let diurnal = Diurnal { amplitude, peak, weekend };
    let peak_rate = Arrival { rate_per_second, diurnal: Some(diurnal.clone()) }.peak_rate_per_second();
    limits::rate(&format!("{path}.rate"), rate, peak_rate)?;
    Ok(diurnal)
}

/// A class's weight per region: its `origins`, or the regions' own weights.
fn origin_weights(raw: Option<&BTreeMap<String, f64>>, path: &str, regions: &[Region]) -> FieldResult<Vec<f64>> {
    Ok(match raw {
        None => regions.iter().map(|r| r.weight).collect(),
        Some(map) => {
            let mut weights = vec![0.0; regions.len()];
            for (id, &w) in map {
                let key = format!("{path}.origins.{id}");
                let Some(r) = regions.iter().position(|r| &r.id == id) else {
                    let known: Vec<&str> = regions.iter().map(|r| r.id.as_str()).collect();
                    return Err(FieldError::new(
                        key,
                        format!("unknown region id {id:?}; known regions: {}", shorten_list(&known)),
                    ));
                };
                weights[r] = limits::weight(&key, w, true)?;
            }
            if weights.iter().sum::<f64>() <= 0.0 {
                return Err(FieldError::new(format!("{path}.origins"), "at least one origin weight must be > 0"));
            }
            weights
        }
    })
}
