//! What-if overrides: `--set PATH=VALUE` and `--load-scale F` equal hand-edited scenarios;
//! bad paths and values exit 2 naming the path, the value and what is allowed.

use cnsim::scenario::{Override, RunFlags, Scenario};

use crate::helpers::{cnsim, root, scratch, stderr, stdout, without_wall_clock, write};

fn source(name: &str) -> String {
    std::fs::read_to_string(root().join("scenarios").join(name)).expect("shipped scenario")
}

fn with(source: &str, sets: &[&str]) -> Scenario {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    Scenario::parse_with(source, "small.toml", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn parsed(source: &str) -> Scenario {
    Scenario::parse(source, "small.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Debug output of a scenario: every field, so equality means the same validated scenario.
fn same(a: &Scenario, b: &Scenario) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

#[test]
fn overrides_equal_hand_edited_scenarios() {
    let small = source("small.toml");
    let edited = small
        .replacen("intelligent = 128", "intelligent = 256", 1)
        .replacen("rate = \"40/h\"", "rate = \"60/h\"", 1)
        .replacen("seed = 7", "seed = 3", 1)
        .replacen("scheduler = \"least-loaded\"", "scheduler = { name = \"power-of-d\", d = 3 }", 1)
        + "\n[network]\nroute_factor = 1.8\n";
    let overridden = with(
        &small,
        &[
            "hubs.west.intelligent=x2",
            "classes.interactive.rate=x1.5",
            "seed=3",
            "scheduler=power-of-d",
            "scheduler.d=3",
            "network.route_factor=1.8",
        ],
    );
    assert!(same(&overridden, &parsed(&edited)), "{overridden:?}");
    // Entries by index, nested tables and inline TOML values.
    let by_index = with(&small, &["hubs.2.intelligent=256", "classes.0.rate=60/h"]);
    let edited = small.replacen("intelligent = 128", "intelligent = 256", 1).replacen("40/h", "60/h", 1);
    assert!(same(&by_index, &parsed(&edited)));
    let units = with(&small, &["classes.training.units={ dist = \"lognormal\", median = 4, sigma = 1.0, max = 32 }"]);
    let edited = small.replacen("median = 8, sigma = 1.0, max = 64", "median = 4, sigma = 1.0, max = 32", 1);
    assert!(same(&units, &parsed(&edited)));
}

#[test]
fn a_preset_hub_override_becomes_a_world_hub_table() {
    let default = source("default.toml");
    let edited =
        default.replacen("scale = 1.0\n", "scale = 1.0\n\n[[world.hub]]\nid = \"ningxia\"\nintelligent = 38162\n", 1);
    assert_ne!(edited, default);
    let overridden = with(&default, &["hubs.ningxia.intelligent=38162"]);
    assert!(same(&overridden, &parsed(&edited)));
    let ningxia = overridden.hubs.iter().find(|h| h.id == "ningxia").unwrap();
    assert_eq!(ningxia.capacity[0], 38162);
    // x2 multiplies the preset's capacity; a region of the preset can change too.
    let base = parsed(&default).hubs.iter().find(|h| h.id == "ningxia").unwrap().capacity[0];
    let doubled = with(&default, &["hubs.ningxia.intelligent=x2", "regions.beijing.weight=x3"]);
    assert_eq!(doubled.hubs.iter().find(|h| h.id == "ningxia").unwrap().capacity[0], base * 2);
    let beijing = |s: &Scenario| s.regions.iter().find(|r| r.id == "beijing").unwrap().weight;
    assert!((beijing(&doubled) - 3.0 * beijing(&parsed(&default))).abs() < 1e-12);
}

#[test]
fn inline_worlds_take_preset_hubs_and_regions_by_id() {
    let text = r#"
        duration = "1d"
        [[hubs]]
        preset = "ningxia"
        intelligent = 500
        [[hubs]]
        preset = "east-data-west-2025q1:gansu"
        [[hubs]]
        id = "mine"
        lat = 30.0
        lon = 110.0
        intelligent = 100
        [[regions]]
        preset = "beijing"
        [[classes]]
        name = "c"
        pool = "intelligent"
        rate = "10/h"
        units = 1
        runtime = "1h"
    "#;
    let inline = parsed(text);
    let preset = parsed(&source("default.toml"));
    let ningxia = preset.hubs.iter().find(|h| h.id == "ningxia").unwrap();
    assert_eq!(inline.hubs[0].id, "ningxia");
    assert_eq!(inline.hubs[0].capacity, [500, ningxia.capacity[1]]);
    assert_eq!((inline.hubs[0].lat, inline.hubs[0].lon, inline.hubs[0].pue), (ningxia.lat, ningxia.lon, ningxia.pue));
    assert_eq!(format!("{:?}", inline.hubs[1]), format!("{:?}", preset.hubs.iter().find(|h| h.id == "gansu").unwrap()));
    assert_eq!(inline.regions[0].id, "beijing");
    let bad = Scenario::parse(&text.replace("\"beijing\"", "\"paris\""), "w.toml").unwrap_err().to_string();
    assert!(bad.contains("regions[0].preset") && bad.contains("paris") && bad.contains("beijing"), "{bad}");
}

#[test]
fn load_scale_gives_the_same_report_as_hand_scaled_rates() {
    let dir = scratch("load-scale");
    let edited = source("small.toml")
        .replace("\"40/h\"", "\"60/h\"")
        .replace("\"5/h\"", "\"7.5/h\"")
        .replace("\"30/h\"", "\"45/h\"");
    let path = write(&dir, "small.toml", &edited);
    let by_hand = cnsim(&["run", path.to_str().unwrap(), "--format", "json"]);
    let scaled = cnsim(&["run", "scenarios/small.toml", "--load-scale", "1.5", "--format", "json"]);
    assert!(by_hand.status.success() && scaled.status.success(), "{}", stderr(&scaled));
    assert_eq!(without_wall_clock(&stdout(&by_hand)), without_wall_clock(&stdout(&scaled)));
    // The text report too, apart from its wall-clock line.
    let text =
        |args: &[&str]| stdout(&cnsim(args)).lines().filter(|l| !l.contains(" wall ")).collect::<Vec<_>>().join("\n");
    assert_eq!(text(&["run", path.to_str().unwrap()]), text(&["run", "scenarios/small.toml", "--load-scale", "1.5"]));
}

#[test]
fn bad_paths_and_values_exit_2_naming_the_path() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["--set", "hubs.mars.intelligent=3"], &["hubs.mars.intelligent=3", "unknown hub id \"mars\"", "ningxia"]),
        (&["--set", "hubs.ningxia.intelligent=abc"], &["hubs.ningxia.intelligent=abc", "\"abc\"", "a whole number"]),
        (&["--set", "hubs.ningxia.intelligent=-5"], &["hubs.ningxia.intelligent=-5", "-5", ">= 0"]),
        (&["--set", "classes.batch-inference.rate=fast"], &["classes[1].rate", "\"fast\"", "/h"]),
        (&["--set", "classes.batch-inference.rate=x-1"], &["rate=x-1", "\"-1\"", "number >= 0"]),
        (&["--set", "classes.nope.rate=x2"], &["classes.nope.rate=x2", "\"nope\"", "batch-inference"]),
        (&["--set", "network.route_factr=1.8"], &["network.route_factr=1.8", "route_factr", "route_factor"]),
        (&["--set", "network.route_factor=500"], &["network.route_factor=500", "500", "between 0 and 100"]),
        (&["--set", "seed.x=1"], &["seed.x=1", "not a table"]),
        (&["--set", "nonsense"], &["\"nonsense\"", "PATH=VALUE"]),
        (&["--load-scale", "-1"], &["--load-scale -1", "\"-1\"", "> 0"]),
        (&["--set", "scheduler=foo"], &["scheduler=foo", "\"foo\"", "least-loaded"]),
    ];
    for (command, _) in [("validate", ()), ("run", ()), ("compare", ())] {
        for (args, wanted) in cases {
            let mut full = vec![command, "scenarios/default.toml"];
            if command == "compare" {
                full.extend(["--schedulers", "nearest"]);
            }
            full.extend(args.iter());
            let output = cnsim(&full);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{full:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{full:?}: one line expected: {err}");
            for w in *wanted {
                assert!(err.contains(w), "{full:?}: {w:?} missing from {err}");
            }
        }
    }
}

#[test]
fn validate_reports_the_overrides_it_applied() {
    let output =
        cnsim(&["validate", "scenarios/small.toml", "--set", "hubs.west.intelligent=256", "--load-scale", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("with --set hubs.west.intelligent=256 --load-scale 2"), "{text}");
}

/// The part of a one-line error after the field it names.
fn after_field(err: &str, field: &str) -> String {
    let marker = format!("field `{field}`: ");
    err.split_once(&marker).unwrap_or_else(|| panic!("{marker:?} missing from {err}")).1.trim().to_string()
}

#[test]
fn a_flag_invalid_only_with_the_file_reads_like_the_file_error_naming_the_flag() {
    // Each flag is fine on its own; with small.toml (1 d, three hubs, no hub "mars") it is not.
    // The same value written into the file gives the same message, placed in the file.
    let dir = scratch("flag-with-file");
    let small = source("small.toml");
    let cases: &[(&[&str], &str, &str, &str)] = &[
        (&["--warmup", "2d"], "warmup", "warmup = \"2h\"", "warmup = \"2d\""),
        (
            &["--scheduler", "east-west:west=mars"],
            "scheduler",
            "scheduler = \"least-loaded\"",
            "scheduler = { name = \"east-west\", west = \"mars\" }",
        ),
        (&["--duration", "1h", "--warmup", "1h"], "warmup", "warmup = \"2h\"", "duration = \"1h\"\nwarmup = \"1h\""),
    ];
    for (i, (flags, field, from, to)) in cases.iter().enumerate() {
        let flagged = cnsim(&[&["run", "scenarios/small.toml"][..], flags].concat());
        let flag_err = stderr(&flagged);
        assert_eq!(flagged.status.code(), Some(2), "{flags:?}: {flag_err}");
        assert_eq!(flag_err.lines().count(), 1, "{flags:?}: {flag_err}");
        let named = format!("{} {:?}", flags[flags.len() - 2], flags[flags.len() - 1]);
        assert!(flag_err.contains(&format!("{named}: field `{field}`: ")), "{flags:?}: {flag_err}");
        let edited =
            small.replacen("duration = \"1d\"\n", "", usize::from(to.contains("duration"))).replacen(from, to, 1);
        let path = write(&dir, &format!("case{i}.toml"), &edited);
        let filed = cnsim(&["run", path.to_str().unwrap()]);
        let file_err = stderr(&filed);
        assert_eq!(filed.status.code(), Some(2), "{file_err}");
        assert!(file_err.contains(&format!("case{i}.toml:")), "{file_err}");
        assert_eq!(after_field(&flag_err, field), after_field(&file_err, field), "{flags:?}");
    }
}

#[test]
fn the_run_uses_the_policy_its_validation_built() {
    let flags = RunFlags { scheduler: Some("power-of-d:d=3".into()), ..RunFlags::default() };
    let scenario = Scenario::parse_with_flags(&source("small.toml"), "small.toml", &[], &flags).unwrap();
    assert_eq!(scenario.scheduler.to_string(), "power-of-d:d=3");
    // Validation built the flag's policy (not the file's) and kept it.
    assert!(scenario.policy.is_kept());
    assert!(!scenario.clone().policy.is_kept(), "a copy, which may change before it runs, builds anew");
    // The run takes it instead of building another; a second run builds a fresh one.
    let first = cnsim::simulation::simulate(&scenario).unwrap();
    assert!(!scenario.policy.is_kept());
    let second = cnsim::simulation::simulate(&scenario).unwrap();
    assert_eq!(
        without_wall_clock(&cnsim::report::json::render(&first.report(&scenario))),
        without_wall_clock(&cnsim::report::json::render(&second.report(&scenario)))
    );
}
