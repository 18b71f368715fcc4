//! Raw serde structures: the scenario file exactly as written (the only place TOML is known).
//! Unknown keys are rejected; values are checked and converted in `validate`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: Option<u64>,
    pub duration: Option<String>,
    pub warmup: Option<String>,
    pub sample_interval: Option<String>,
    pub censoring_threshold: Option<f64>,
    pub scheduler: Option<toml::Value>,
    pub queue: Option<RawQueue>,
    pub energy: Option<RawEnergy>,
    pub world: Option<RawWorld>,
    #[serde(default)]
    pub hubs: Vec<RawHub>,
    #[serde(default)]
    pub regions: Vec<RawRegion>,
    pub network: Option<RawNetwork>,
    #[serde(default)]
    pub classes: Vec<RawClass>,
    pub faults: Option<RawFaults>,
    #[serde(default)]
    pub traces: Vec<crate::scenario::traces::RawTrace>,
    pub signals: Option<RawSignals>,
}

/// `[signals]`: time-varying power prices, grid carbon intensity and renewable share (also
/// the format of the signal presets in `seeds/`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignals {
    pub preset: Option<String>,
    pub forecast_error: Option<f64>,
    pub price: Option<RawSignalSet>,
    pub carbon: Option<RawSignalSet>,
    pub renewable: Option<RawSignalSet>,
}

/// `[signals.price]` (or `carbon`, `renewable`): per-hub values and an optional CSV series.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignalSet {
    pub csv: Option<String>,
    pub time: Option<String>,
    pub start: Option<String>,
    pub interpolate: Option<String>,
    pub past_end: Option<String>,
    #[serde(default)]
    pub hubs: BTreeMap<String, toml::Value>,
}

/// `[faults]`: hub outages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaults {
    #[serde(default)]
    pub outages: Vec<RawOutage>,
    #[serde(default)]
    pub cuts: Vec<RawCut>,
}

/// `[[faults.cuts]]`: a declared link (by id) cut for a scheduled window (`start`,
/// `duration`) or by a random process (`mtbf`, `mttr`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCut {
    pub link: String,
    pub start: Option<String>,
    pub duration: Option<String>,
    pub mtbf: Option<String>,
    pub mttr: Option<String>,
}

/// `[[faults.outages]]`: a scheduled window (`start`, `duration`) or a random process
/// (`mtbf`, `mttr`) taking `lost` of a hub's pool(s) away.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutage {
    pub hub: String,
    pub pool: Option<String>,
    pub start: Option<String>,
    pub duration: Option<String>,
    pub mtbf: Option<String>,
    pub mttr: Option<String>,
    pub lost: Option<f64>,
}

/// `failure = { ... }`: a class's own failures and what a failure does.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFailure {
    pub mtbf: Option<String>,
    pub probability: Option<f64>,
    pub on_failure: Option<String>,
    pub max_attempts: Option<i64>,
    pub backoff: Option<String>,
    pub checkpoint: Option<String>,
}

/// `[queue]`: the in-hub queue discipline.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    pub discipline: Option<String>,
    pub runtime_estimate_factor: Option<f64>,
}

/// `[energy]`: power per unit and grid carbon intensity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnergy {
    pub intelligent_kw_per_unit: Option<f64>,
    pub general_kw_per_unit: Option<f64>,
    pub grid_carbon_kg_per_kwh: Option<f64>,
}

/// `[world]`: hubs from a built-in preset, scaled, with per-hub overrides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorld {
    pub preset: String,
    pub scale: Option<f64>,
    #[serde(default, rename = "hub")]
    pub overrides: Vec<RawHubOverride>,
}

/// `[[world.hub]]`: changes to one preset hub, by id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHubOverride {
    pub id: String,
    pub intelligent: Option<i64>,
    pub general: Option<i64>,
    pub pue: Option<f64>,
    pub price: Option<f64>,
    pub renewable: Option<f64>,
}

/// `[[hubs]]`: a hub given inline (also the format of the seed files).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHub {
    pub id: String,
    pub name: Option<String>,
    pub cluster: Option<String>,
    pub side: Option<String>,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub intelligent: i64,
    #[serde(default)]
    pub general: i64,
    pub pue: Option<f64>,
    pub price: Option<f64>,
    pub renewable: Option<f64>,
}

/// `[[regions]]`: a demand region.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    pub weight: Option<f64>,
}

/// `[network]`: the network model, its latency parameters, and the links of the flow model.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub model: Option<String>,
    pub route_factor: Option<f64>,
    pub fixed_delay: Option<String>,
    pub bandwidth: Option<String>,
    pub background: Option<f64>,
    pub max_flow_rate: Option<String>,
    #[serde(default)]
    pub pairs: Vec<RawPair>,
    #[serde(default)]
    pub nodes: Vec<RawNode>,
    #[serde(default)]
    pub links: Vec<RawLink>,
    #[serde(default)]
    pub routes: Vec<RawRoute>,
}

/// `[[network.pairs]]`: a per-pair override of the delay model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPair {
    pub from: String,
    pub to: String,
    pub latency: Option<String>,
    pub bandwidth: Option<String>,
}

/// `[[network.nodes]]`: a backbone node (exchange point) that links may join.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
}

/// `[[network.links]]`: a full-duplex link of the flow model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub id: Option<String>,
    pub from: String,
    pub to: String,
    pub capacity: Option<String>,
    pub latency: Option<String>,
    pub background: Option<f64>,
    pub price_per_gb: Option<f64>,
    /// Accepted only to say where per-pair overrides went (`[[network.pairs]]`).
    pub bandwidth: Option<String>,
}

/// `[[network.routes]]`: a pinned route.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub via: Vec<String>,
}

/// `[[classes]]`: a workload class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    pub name: String,
    pub pool: String,
    /// Omitted for a class fed only by traces.
    pub rate: Option<String>,
    pub diurnal: Option<RawDiurnal>,
    pub units: Option<toml::Value>,
    pub runtime: Option<toml::Value>,
    pub data: Option<toml::Value>,
    pub max_round_trip: Option<String>,
    pub deadline: Option<String>,
    pub slack: Option<String>,
    pub interruptible: Option<bool>,
    pub checkpoint_overhead: Option<String>,
    pub slo: Option<RawSlo>,
    pub priority: Option<i64>,
    pub origins: Option<BTreeMap<String, f64>>,
    pub input_at: Option<String>,
    pub output: Option<toml::Value>,
    pub failure: Option<RawFailure>,
}

/// `slo = { jct = "30min", wait = "5min" }`: a class's objectives.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    pub jct: Option<String>,
    pub wait: Option<String>,
}

/// `diurnal = { ... }`: daily modulation of a class's rate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiurnal {
    pub amplitude: f64,
    pub peak: Option<String>,
    pub weekend: Option<f64>,
}

/// A seed file: a preset world.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPreset {
    pub preset: String,
    pub grid_carbon_kg_per_kwh: f64,
    pub network: RawNetwork,
    pub hubs: Vec<RawHub>,
    pub regions: Vec<RawRegion>,
}
