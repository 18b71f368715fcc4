//! `[network]` -> [`NetworkConfig`]: the model, latency parameters, delay-model pair overrides,
//! and the flow model's nodes, links and pinned routes, in two layers (the preset's, then the
//! scenario's). A scenario link between the same two sites as a preset link replaces it.

use std::collections::BTreeSet;

use crate::model::network::{LinkOverride, NetworkModel};
use crate::model::topology::{LinkSpec, Node, PinnedRoute, Sites, Topology, TopologyError};
use crate::model::{Hub, NetworkConfig, Region};
use crate::quantity::parse_bandwidth;
use crate::scenario::error::{FieldError, FieldResult};
use crate::scenario::raw::{RawLink, RawNetwork};
use crate::time::{SimDuration, parse_duration};

fn duration(text: &str, path: &str) -> FieldResult<SimDuration> {
    parse_duration(text).map_err(|e| FieldError::new(path, format!("bad value {text:?}: {e}")))
}

fn bandwidth(text: &str, path: &str) -> FieldResult<f64> {
    let bps = parse_bandwidth(text).map_err(|e| FieldError::new(path, format!("bad value {text:?}: {e}")))?;
    if !bps.is_finite() {
        return Err(FieldError::new(path, format!("bad value {text:?}: must be finite")));
    }
    Ok(bps)
}

fn share(value: f64, path: &str, what: &str) -> FieldResult<f64> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(value)
    } else {
        Err(FieldError::new(path, format!("bad value {value}: {what} must be at least 0 and below 1")))
    }
}

/// The sites links may join: regions, hubs, then backbone nodes, with their ids.
struct SiteNames<'a> {
    regions: Vec<&'a str>,
    hubs: Vec<&'a str>,
    nodes: Vec<String>,
}

impl SiteNames<'_> {
    /// Resolves `id` (optionally `region:`, `hub:` or `node:` prefixed) to a site index.
    fn resolve(&self, id: &str, path: &str) -> FieldResult<usize> {
        let (kind, name) = match id.split_once(':') {
            Some((kind @ ("region" | "hub" | "node"), name)) => (Some(kind), name),
            _ => (None, id),
        };
        let (r, h) = (self.regions.len(), self.hubs.len());
        let mut found = Vec::new();
        if kind.is_none_or(|k| k == "region") {
            found.extend(self.regions.iter().position(|&x| x == name).map(|i| ("region", i)));
        }
        if kind.is_none_or(|k| k == "hub") {
            found.extend(self.hubs.iter().position(|&x| x == name).map(|i| ("hub", r + i)));
        }
        if kind.is_none_or(|k| k == "node") {
            found.extend(self.nodes.iter().position(|x| x == name).map(|i| ("node", r + h + i)));
        }
        match found.as_slice() {
            [(_, site)] => Ok(*site),
            [] => Err(FieldError::new(path, format!("unknown site {id:?}; known sites: {}", self.known()))),
            _ => Err(FieldError::new(
                path,
                format!(
                    "{id:?} names both a {} and a {}: write {}",
                    found[0].0,
                    found[1].0,
                    found.iter().map(|(k, _)| format!("\"{k}:{name}\"")).collect::<Vec<_>>().join(" or ")
                ),
            )),
        }
    }

    fn known(&self) -> String {
        let all: Vec<&str> =
            self.regions.iter().chain(&self.hubs).copied().chain(self.nodes.iter().map(String::as_str)).collect();
        crate::scenario::error::shorten_list(&all)
    }

    fn name(&self, site: usize) -> &str {
        let (r, h) = (self.regions.len(), self.hubs.len());
        if site < r {
            self.regions[site]
        } else if site < r + h {
            self.hubs[site - r]
        } else {
            &self.nodes[site - r - h]
        }
    }
}

/// The validated network configuration. `hub_sources`: some class keeps its input at a hub.
pub(super) fn network(
    base: Option<&RawNetwork>,
    raw: Option<&RawNetwork>,
    hubs: &[Hub],
    regions: &[Region],
    hub_sources: bool,
) -> FieldResult<NetworkConfig> {
    let mut config = NetworkConfig::default();
    let mut model = None;
    let mut background = 0.0;
    let mut names = SiteNames {
        regions: regions.iter().map(|r| r.id.as_str()).collect(),
        hubs: hubs.iter().map(|h| h.id.as_str()).collect(),
        nodes: Vec::new(),
    };
    // (layer, link) pairs: scenario links replace preset links between the same sites.
    let mut links: Vec<(usize, LinkSpec)> = Vec::new();
    for (layer_index, (layer, prefix)) in [(base, "<preset>.network"), (raw, "network")].into_iter().enumerate() {
        let Some(layer) = layer else { continue };
        if let Some(m) = layer_settings(layer, prefix, &mut config, &mut background)? {
            model = Some(m);
        }
        layer_pairs(layer, prefix, &mut config, hubs, regions)?;
        layer_nodes(layer, prefix, &mut config, &mut names)?;
        layer_links(layer, prefix, layer_index, &names, &mut links)?;
        layer_routes(layer, prefix, &mut config, &names)?;
    }
    config.topology.links = unique_links(links, background)?;
    config.topology.hub_sources = hub_sources || hubs.len() <= 256;
    config.model =
        model.unwrap_or(if config.topology.links.is_empty() { NetworkModel::Delay } else { NetworkModel::Flow });
    if config.model == NetworkModel::Flow {
        if config.topology.links.is_empty() {
            return Err(FieldError::new(
                "network.model",
                "the flow model needs links: add [[network.links]] tables, or use model = \"delay\"",
            ));
        }
        check_routes(&config, hubs, regions)?;
    }
    Ok(config)
}

/// A layer's scalar settings (route factor, fixed delay, bandwidths, background); returns its model if set.
fn layer_settings(
    layer: &RawNetwork,
    prefix: &str,
    config: &mut NetworkConfig,
    background: &mut f64,
) -> FieldResult<Option<NetworkModel>> {
    let mut model = None;
    if let Some(m) = &layer.model {
        model = Some(NetworkModel::parse(m).ok_or_else(|| {
            FieldError::new(format!("{prefix}.model"), format!("bad value {m:?}: expected \"flow\" or \"delay\""))
        })?);
    }
    if let Some(f) = layer.route_factor {
        if !(f.is_finite() && (0.0..=100.0).contains(&f)) {
            return Err(FieldError::new(
                format!("{prefix}.route_factor"),
                format!("bad value {f}: the route factor must be between 0 and 100"),
            ));
        }
        config.route_factor = f;
    }
    if let Some(d) = &layer.fixed_delay {
        config.fixed_delay = duration(d, &format!("{prefix}.fixed_delay"))?;
    }
    if let Some(b) = &layer.bandwidth {
        config.bandwidth_bps = bandwidth(b, &format!("{prefix}.bandwidth"))?;
    }
    if let Some(b) = layer.background {
        *background = share(b, &format!("{prefix}.background"), "the background share of a link")?;
    }
    if let Some(m) = &layer.max_flow_rate {
        config.topology.max_flow_rate_bps = bandwidth(m, &format!("{prefix}.max_flow_rate"))?;
    }
    Ok(model)
}

/// A layer's per-pair latency and bandwidth overrides.
fn layer_pairs(
    layer: &RawNetwork,
    prefix: &str,
    config: &mut NetworkConfig,
    hubs: &[Hub],
    regions: &[Region],
) -> FieldResult<()> {
    for (i, pair) in layer.pairs.iter().enumerate() {
        let path = format!("{prefix}.pairs[{i}]");
        config.links.push(pair_override(pair.from.as_str(), pair.to.as_str(), &path, hubs, regions, |p| {
            let latency = pair.latency.as_deref().map(|l| duration(l, &format!("{p}.latency"))).transpose()?;
            let bandwidth_bps =
                pair.bandwidth.as_deref().map(|b| bandwidth(b, &format!("{p}.bandwidth"))).transpose()?;
            Ok((latency, bandwidth_bps))
        })?);
    }
    Ok(())
}

/// A layer's extra nodes (sites that are neither region nor hub), each with a fresh id.
fn layer_nodes(
    layer: &RawNetwork,
    prefix: &str,
    config: &mut NetworkConfig,
    names: &mut SiteNames<'_>,
) -> FieldResult<()> {
    for (i, node) in layer.nodes.iter().enumerate() {
        let path = format!("{prefix}.nodes[{i}]");
        let taken = names.regions.contains(&node.id.as_str())
            || names.hubs.contains(&node.id.as_str())
            || names.nodes.contains(&node.id);
        if node.id.is_empty() || node.id.contains(':') || taken {
            return Err(FieldError::new(
                format!("{path}.id"),
                format!(
                    "bad id {:?}: node ids must be non-empty, without ':', and unlike any region, hub or node",
                    node.id
                ),
            ));
        }
        for (value, low, high, field) in [(node.lat, -90.0, 90.0, "lat"), (node.lon, -180.0, 180.0, "lon")] {
            if !(value.is_finite() && (low..=high).contains(&value)) {
                return Err(FieldError::new(
                    format!("{path}.{field}"),
                    format!("bad value {value}: must be between {low} and {high}"),
                ));
            }
        }
        names.nodes.push(node.id.clone());
        config.topology.nodes.push(Node { id: node.id.clone(), lat: node.lat, lon: node.lon });
    }
    Ok(())
}

/// A layer's links: one per pair of sites in a layer; a later layer's replaces an earlier one's.
fn layer_links(
    layer: &RawNetwork,
    prefix: &str,
    layer_index: usize,
    names: &SiteNames<'_>,
    links: &mut Vec<(usize, LinkSpec)>,
) -> FieldResult<()> {
    let mut in_layer = BTreeSet::new();
    for (i, raw_link) in layer.links.iter().enumerate() {
        let path = format!("{prefix}.links[{i}]");
        let link = link(raw_link, &path, names)?;
        let ends = (link.from.min(link.to), link.from.max(link.to));
        if !in_layer.insert(ends) {
            return Err(FieldError::new(
                &path,
                format!(
                    "duplicate link between {:?} and {:?}: give each pair of sites one link (capacity is per direction)",
                    names.name(link.from),
                    names.name(link.to)
                ),
            ));
        }
        match links.iter_mut().find(|(_, l)| (l.from.min(l.to), l.from.max(l.to)) == ends) {
            Some(existing) => *existing = (layer_index, link),
            None => links.push((layer_index, link)),
        }
    }
    Ok(())
}

/// A layer's pinned routes.
fn layer_routes(
    layer: &RawNetwork,
    prefix: &str,
    config: &mut NetworkConfig,
    names: &SiteNames<'_>,
) -> FieldResult<()> {
    for (i, route) in layer.routes.iter().enumerate() {
        let path = format!("{prefix}.routes[{i}]");
        let mut sites = vec![names.resolve(&route.from, &format!("{path}.from"))?];
        for (j, via) in route.via.iter().enumerate() {
            sites.push(names.resolve(via, &format!("{path}.via[{j}]"))?);
        }
        sites.push(names.resolve(&route.to, &format!("{path}.to"))?);
        if sites.windows(2).any(|w| w[0] == w[1]) || sites.first() == sites.last() {
            return Err(FieldError::new(&path, "a pinned route must join two different sites without repeating one"));
        }
        config.topology.pinned.push(PinnedRoute { sites });
    }
    Ok(())
}

/// The links of all layers, with the network's background share where a link sets none; ids unique.
fn unique_links(mut links: Vec<(usize, LinkSpec)>, background: f64) -> FieldResult<Vec<LinkSpec>> {
    let mut ids = BTreeSet::new();
    for (_, link) in &mut links {
        if link.background.is_nan() {
            link.background = background;
        }
        if !ids.insert(link.id.clone()) {
            return Err(FieldError::new(
                "network.links",
                format!("duplicate link id {:?}; ids must be unique", link.id),
            ));
        }
    }
    Ok(links.into_iter().map(|(_, l)| l).collect())
}

fn link(raw: &RawLink, path: &str, names: &SiteNames<'_>) -> FieldResult<LinkSpec> {
    if raw.bandwidth.is_some() {
        return Err(FieldError::new(
            format!("{path}.bandwidth"),
            "links have a `capacity` (per direction); per-pair latency/bandwidth overrides of the delay model are [[network.pairs]]",
        ));
    }
    let from = names.resolve(&raw.from, &format!("{path}.from"))?;
    let to = names.resolve(&raw.to, &format!("{path}.to"))?;
    if from == to {
        return Err(FieldError::new(
            format!("{path}.to"),
            format!("a link joins two different sites; both ends are {:?}", raw.to),
        ));
    }
    let capacity = raw.capacity.as_deref().ok_or_else(|| {
        FieldError::new(format!("{path}.capacity"), "a link needs a capacity per direction, e.g. capacity = \"4Tbps\"")
    })?;
    let capacity_bps = bandwidth(capacity, &format!("{path}.capacity"))?;
    let latency = raw.latency.as_deref().map(|l| duration(l, &format!("{path}.latency"))).transpose()?;
    let background = match raw.background {
        Some(b) => share(b, &format!("{path}.background"), "the background share of a link")?,
        None => f64::NAN,
    };
    let price_per_gb = raw.price_per_gb.unwrap_or(0.0);
    if !(price_per_gb.is_finite() && (0.0..=1e6).contains(&price_per_gb)) {
        return Err(FieldError::new(
            format!("{path}.price_per_gb"),
            format!("bad value {price_per_gb}: a price per GB must be between 0 and 1000000 CNY"),
        ));
    }
    let id = raw.id.clone().unwrap_or_else(|| format!("{}--{}", names.name(from), names.name(to)));
    Ok(LinkSpec { id, from, to, capacity_bps, latency, background, price_per_gb })
}

/// Builds the topology once to check that every needed route exists and every pinned route
/// follows links.
fn check_routes(config: &NetworkConfig, hubs: &[Hub], regions: &[Region]) -> FieldResult<()> {
    let sites = Sites {
        regions: regions.iter().map(|r| (r.id.as_str(), r.lat, r.lon)).collect(),
        hubs: hubs.iter().map(|h| (h.id.as_str(), h.lat, h.lon)).collect(),
    };
    match Topology::build(&config.topology, &sites, config.route_factor, config.fixed_delay) {
        Ok(_) => Ok(()),
        Err(e @ TopologyError::NoRoute { .. }) => Err(FieldError::new("network.links", e.to_string())),
        Err(e @ TopologyError::MissingLink { route, .. }) => {
            Err(FieldError::new(format!("network.routes[{route}]"), e.to_string()))
        }
    }
}

type PairValues = (Option<SimDuration>, Option<f64>);

fn pair_override(
    from: &str,
    to: &str,
    path: &str,
    hubs: &[Hub],
    regions: &[Region],
    values: impl FnOnce(&str) -> FieldResult<PairValues>,
) -> FieldResult<LinkOverride> {
    if !(regions.iter().any(|r| r.id == from) || hubs.iter().any(|h| h.id == from)) {
        let known: Vec<&str> =
            regions.iter().map(|r| r.id.as_str()).chain(hubs.iter().map(|h| h.id.as_str())).collect();
        return Err(FieldError::new(
            format!("{path}.from"),
            format!("unknown region or hub id {from:?}; known: {}", crate::scenario::error::shorten_list(&known)),
        ));
    }
    if !hubs.iter().any(|h| h.id == to) {
        let known: Vec<&str> = hubs.iter().map(|h| h.id.as_str()).collect();
        return Err(FieldError::new(
            format!("{path}.to"),
            format!("unknown hub id {to:?}; known hubs: {}", crate::scenario::error::shorten_list(&known)),
        ));
    }
    let (latency, bandwidth_bps) = values(path)?;
    Ok(LinkOverride { from: from.to_string(), to: to.to_string(), latency, bandwidth_bps })
}
