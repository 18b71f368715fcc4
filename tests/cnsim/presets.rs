//! The default world: preset totals and the network model against published figures.

use cnsim::model::PoolKind;
use cnsim::scenario::Scenario;

#[test]
fn preset_reproduces_the_national_totals_exactly() {
    let world = Scenario::default_scenario().world();
    assert_eq!(world.hubs.len(), 8);
    let total: u64 = world.hubs.iter().map(|h| h.total_capacity()).sum();
    let intelligent: u64 = world.hubs.iter().map(|h| u64::from(h.capacity(PoolKind::Intelligent))).sum();
    assert_eq!(total, 215_500, "215.5 EFLOPS in PFLOPS");
    assert_eq!(intelligent * 1000, 808 * total, "exactly 80.8 % intelligent");
    let west: Vec<&str> =
        world.hubs.iter().filter(|h| h.side == Some(cnsim::model::Side::West)).map(|h| h.id.as_str()).collect();
    assert_eq!(west, ["inner-mongolia", "guizhou", "gansu", "ningxia"]);
    assert_eq!(world.regions.len(), 6);
    let weights: f64 = world.regions.iter().map(|r| r.weight).sum();
    assert!((weights - 1.0).abs() < 1e-12);
}

#[test]
fn latency_model_reproduces_the_guian_figures_and_the_20ms_circle() {
    let world = Scenario::default_scenario().world();
    let index = |id: &str| world.hubs.iter().position(|h| h.id == id).unwrap();
    let ms = |a: &str, b: &str| world.network.hub_latency(index(a), index(b)) as f64 / 1e6;
    // hubs.md: the model gives 5.8 / 7.9 / 13.4 / 18.2 ms from Gui'an (published 6/10/15/20).
    for (hub, expected) in
        [("chengdu-chongqing", 5.8), ("greater-bay", 7.9), ("yangtze-delta", 13.4), ("jing-jin-ji", 18.2)]
    {
        assert!((ms("guizhou", hub) - expected).abs() < 0.06, "{hub}: {}", ms("guizhou", hub));
    }
    for a in &world.hubs {
        for b in &world.hubs {
            assert!(ms(&a.id, &b.id) <= 20.0, "{} - {} outside the 20 ms circle", a.id, b.id);
            assert_eq!(ms(&a.id, &b.id), ms(&b.id, &a.id));
        }
    }
}

#[test]
fn default_scenario_hits_its_utilisation_targets() {
    // The rates in scenarios/default.toml aim at ~65 % intelligent and ~50 % general under
    // least-loaded over the measured week; a shorter run must land in the right region.
    let scenario = Scenario::default_scenario();
    assert_eq!(scenario.scheduler.to_string(), "least-loaded");
    let (_, report) = crate::helpers::run(&scenario);
    let ai = report.national_utilisation(PoolKind::Intelligent).unwrap();
    let general = report.national_utilisation(PoolKind::General).unwrap();
    assert!((ai - 0.65).abs() < 0.04, "intelligent {ai}");
    assert!((general - 0.50).abs() < 0.03, "general {general}");
}

#[test]
fn the_built_in_default_is_scenarios_default_toml() {
    let file = std::fs::read_to_string(crate::helpers::root().join("scenarios/default.toml")).unwrap();
    assert_eq!(file, cnsim::seeds::DEFAULT_SCENARIO);
}
