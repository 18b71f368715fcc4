//! The policy a scenario's validation built, kept for the scenario's first run, so that a run
//! builds its policy once: validation proves the spec builds, and the run uses that very build.

use std::fmt;
use std::sync::Mutex;

use crate::model::Hub;
use crate::scheduler::{Scheduler, SchedulerSpec};

/// What validation built: the spec and hubs it was built for, and the policy.
type Built = (SchedulerSpec, Vec<Hub>, Box<dyn Scheduler>);

/// A policy built during validation, taken (once) by the first run whose spec and hubs match.
/// A clone starts empty: a copied scenario may be changed before it runs, so it builds anew.
#[derive(Default)]
pub struct BuiltPolicy(Mutex<Option<Built>>);

impl BuiltPolicy {
    /// Keeps `policy`, built for `spec` and `hubs`.
    pub fn new(spec: &SchedulerSpec, hubs: &[Hub], policy: Box<dyn Scheduler>) -> BuiltPolicy {
        BuiltPolicy(Mutex::new(Some((spec.clone(), hubs.to_vec(), policy))))
    }

    /// The kept policy if it was built for `spec` and `hubs` and no run took it yet; it is
    /// taken, so a second run of the same scenario builds a fresh one.
    pub fn take(&self, spec: &SchedulerSpec, hubs: &[Hub]) -> Option<Box<dyn Scheduler>> {
        let mut slot = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match slot.take() {
            Some((built_for, built_hubs, policy)) if built_for == *spec && built_hubs == hubs => Some(policy),
            _ => None,
        }
    }

    /// Whether a policy is kept.
    pub fn is_kept(&self) -> bool {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_some()
    }
}

impl Clone for BuiltPolicy {
    fn clone(&self) -> BuiltPolicy {
        BuiltPolicy::default()
    }
}

impl fmt::Debug for BuiltPolicy {
    /// Says nothing of the slot, so that equal scenarios print alike whether or not they ran.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BuiltPolicy")
    }
}
