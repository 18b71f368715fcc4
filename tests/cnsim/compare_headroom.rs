//! `compare` answers the headroom question: per-hub utilisation (mean and p95), p99 wait per
//! class, differences also in percent, one unit per row.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use cnsim::compare::{CompareConfig, render};
use cnsim::time::HOUR;

use crate::helpers::shipped;

#[test]
fn why_compare_shows_per_hub_utilisation_and_p99_wait_per_class() {
    // compare used to show only national utilisation, hiding a site pinned at 95-100 %.
    let scenario = shipped("small.toml").with_duration(12 * HOUR).unwrap();
    let config = CompareConfig {
        scenario,
        policies: vec!["nearest".into(), "least-loaded".into()],
        replications: 2,
        baseline: 0,
        parallelism: 2,
    };
    let report = cnsim::compare::run(&config, Arc::new(AtomicBool::new(false)), |_, _| {}).unwrap();
    let row = |key: &str| report.metrics.iter().find(|m| m.info.key == key).unwrap_or_else(|| panic!("no {key}"));
    for hub in ["east-a", "east-b", "west"] {
        for stat in ["mean", "p95"] {
            let r = row(&format!("utilisation_{stat}.{hub}.intelligent"));
            assert!(r.policies.iter().all(|c| (0.0..=1.0).contains(&c.value.mean)), "{r:?}");
        }
    }
    // nearest leaves the western hub idle; least-loaded uses it.
    let west = row("utilisation_mean.west.intelligent");
    assert_eq!(west.policies[0].value.mean, 0.0);
    assert!(west.policies[1].value.mean > 0.1);
    for class in ["interactive", "training", "analytics", "all"] {
        let r = row(&format!("wait_p99.{class}"));
        assert!(r.policies.iter().all(|c| c.value.mean.is_finite() && c.value.mean >= 0.0), "{r:?}");
        assert_eq!(r.info.unit, cnsim::compare::metrics::Unit::Seconds);
    }
    // Differences also in percent of the baseline's mean.
    let jct = row("jct_mean.all");
    let (base, cell) = (&jct.policies[0], &jct.policies[1]);
    let d = cell.difference.unwrap();
    let pct = cell.difference_percent.unwrap();
    assert!((pct.mean - d.mean / base.value.mean * 100.0).abs() < 1e-9);
    let text = render::render(&report);
    assert!(text.contains("utilisation west intelligent p95"), "{text}");
    assert!(text.contains("p99 wait interactive ("), "{text}");
    let diff_line = text.lines().find(|l| l.contains("mean JCT all (") && l.contains("%")).expect("percent diff");
    assert!(diff_line.contains("% ±") || diff_line.contains("%)"), "{diff_line}");
    // Shares differ in percentage points, said once in the row's label.
    assert!(text.lines().any(|l| l.contains("utilisation west intelligent mean (pp)")), "{text}");
}
