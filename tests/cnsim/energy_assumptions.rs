//! The energy model's assumptions appear where users meet the figures, and the docs match the
//! defaults.

use cnsim::model::EnergyModel;

use crate::helpers::{cnsim, root, run, shipped, stdout};

#[test]
fn energy_assumptions_are_printed_with_the_figures_and_documented_as_the_defaults() {
    let (_, report) = run(&shipped("small.toml"));
    assert_eq!(report.energy_model, EnergyModel::default());
    let text = cnsim::report::text::render(&report);
    let line = "assumptions: IT power 1.00 kW per intelligent unit (1 PFLOPS), 150 kW per general unit";
    assert!(text.contains(line), "{text}");
    assert!(stdout(&cnsim(&["hubs"])).contains(line));
    let docs = std::fs::read_to_string(root().join("docs/overload-and-slos.md")).unwrap();
    let d = EnergyModel::default();
    for row in [
        format!("| {} kW | `[energy] intelligent_kw_per_unit` |", d.kw_per_unit[0]),
        format!("| {} kW | `[energy] general_kw_per_unit` |", d.kw_per_unit[1]),
        format!("| {} kg CO2/kWh | `[energy] grid_carbon_kg_per_kwh` |", d.grid_carbon_kg_per_kwh),
    ] {
        assert!(docs.contains(&row), "docs/overload-and-slos.md lacks {row:?}");
    }
}
