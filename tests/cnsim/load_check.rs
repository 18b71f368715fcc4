//! The load check: offered load against capacity, classes that can never be placed, and
//! `validate --strict`.

use cnsim::load_check::LoadCheck;

use crate::helpers::{cnsim, mmc_source, parse, run, scratch, stderr, stdout, write};

#[test]
fn offered_load_of_an_mmc_queue_is_lambda_over_c() {
    let check = LoadCheck::of(&parse(&mmc_source(8, 7.0)).world());
    let pool = &check.pools[0];
    assert_eq!(pool.capacity, 8);
    assert!((pool.load.unwrap() - 0.875).abs() < 0.01, "{pool:?}");
    assert!(check.warnings.is_empty(), "{:?}", check.warnings);
}

#[test]
fn why_validate_warns_when_offered_load_exceeds_capacity() {
    // 107 % of capacity used to pass `validate` with a plain "ok".
    let dir = scratch("overload");
    let file = write(&dir, "over.toml", &mmc_source(8, 8.56));
    let file = file.to_str().unwrap();
    let output = cnsim(&["validate", file]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("warning: the intelligent pool is offered 107% of its capacity"), "{err}");
    assert!(stdout(&output).starts_with("ok with 1 warning(s)"), "{}", stdout(&output));
    let strict = cnsim(&["validate", "--strict", file]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("refused under --strict"), "{}", stderr(&strict));
    // The report carries it too, and `run` repeats it on stderr.
    let ran = cnsim(&["run", file, "--duration", "10min", "--format", "json"]);
    assert_eq!(ran.status.code(), Some(0));
    assert!(stderr(&ran).contains("107% of its capacity"), "{}", stderr(&ran));
    let json: serde_json::Value = serde_json::from_str(&stdout(&ran)).unwrap();
    assert_eq!(json["load_check"]["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn why_validate_names_a_class_that_can_never_be_placed() {
    // A class asking for more units than any pool used to be rejected in full, silently.
    let source = mmc_source(8, 1.0).replace("units = 1\n", "units = 16\n");
    let dir = scratch("never-placed");
    let file = write(&dir, "big.toml", &source);
    let file = file.to_str().unwrap();
    let output = cnsim(&["validate", file]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains(
            "class \"unit\" can never be placed: jobs asking for more than 8 units (the largest intelligent pool within reach)"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(cnsim(&["validate", "--strict", file]).status.code(), Some(2));
    // An unreachable round-trip limit is named too.
    let far = mmc_source(8, 1.0)
        .replace("units = 1\n", "units = 1\nmax_round_trip = \"1us\"\n")
        .replace("fixed_delay = \"0s\"", "fixed_delay = \"1ms\"");
    let check = LoadCheck::of(&parse(&far).world());
    assert!(
        check.warnings.iter().any(|w| w.contains("no hub with intelligent capacity within the round-trip limit")),
        "{:?}",
        check.warnings
    );
    let (_, report) = run(&parse(&far));
    assert_eq!(report.load_check.classes[0].never_placed_share, 1.0);
}
