//! Determinism: same scenario and seed give a byte-identical report; golden output pinned.

use crate::helpers::{cnsim, root, stdout, without_wall_clock};

#[test]
fn same_seed_gives_identical_json_and_another_seed_differs() {
    let a = stdout(&cnsim(&["run", "scenarios/small.toml", "--format", "json"]));
    let b = stdout(&cnsim(&["run", "scenarios/small.toml", "--format", "json"]));
    let c = stdout(&cnsim(&["run", "scenarios/small.toml", "--format", "json", "--seed", "8"]));
    let (a, b, c) = (without_wall_clock(&a), without_wall_clock(&b), without_wall_clock(&c));
    // Byte-identical once the wall-clock fields are removed.
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_ne!(a, c);
    assert_eq!(c["seed"], 8);
}

#[test]
fn golden_report_for_a_fixed_seed() {
    // Regenerate with CNSIM_BLESS=1 cargo test golden (and say why in the commit).
    let actual = stdout(&cnsim(&["run", "scenarios/small.toml", "--format", "json"]));
    let actual = serde_json::to_string_pretty(&without_wall_clock(&actual)).unwrap() + "\n";
    let path = root().join("tests/golden/small.json");
    if std::env::var_os("CNSIM_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("tests/golden/small.json (CNSIM_BLESS=1 writes it)");
    assert!(actual == expected, "report of scenarios/small.toml seed 7 changed; diff against {}", path.display());
}
