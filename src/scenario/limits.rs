//! What one scenario may hold, checked before anything is built.
//!
//! Hub, region and class indexes are 16 bits, but memory is what binds first: the network keeps
//! a region x hub and a hub x hub table (8 to 26 bytes a pair), the flow model a route per
//! site and hub, and every class its own histograms and source. The limits below keep each of
//! those tables under about half a gigabyte and a scenario's setup under a few seconds.
//! Arrival rates are bounded so that the mean gap between two arrivals stays at least a
//! microsecond, a thousand times the clock's nanosecond tick (at a gap near one tick, rounding
//! to whole nanoseconds would silently change the rate), and a run's expected jobs so that its
//! events fit the event queue's sequence numbers.

use crate::engine::queue::{MAX_EVENTS, MAX_INDEX};
use crate::scenario::error::{FieldError, FieldResult, number};

/// Most hubs in one scenario (a hub x hub table of 4,096^2 pairs is 128 MiB).
pub const MAX_HUBS: usize = 4096;
/// Most demand regions in one scenario.
pub const MAX_REGIONS: usize = 4096;
/// Most workload classes in one scenario.
pub const MAX_CLASSES: usize = 4096;
/// Highest arrival rate of a class at its peak, per second (a mean gap of 1 us).
pub const MAX_RATE_PER_SECOND: f64 = 1e6;
/// Largest region or origin weight (weights are relative shares; their sum must stay finite).
pub const MAX_WEIGHT: f64 = 1e12;
/// Most jobs one run may be expected to submit: a job schedules up to five events, and a run
/// holds at most `MAX_EVENTS` of them.
pub const MAX_JOBS_PER_RUN: f64 = (MAX_EVENTS / 5) as f64;
/// Default cap on jobs in flight at once (`--max-in-flight`): about 1.2 GB of job state.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 10_000_000;
/// Largest cap on jobs in flight the event queue can index.
pub const MAX_IN_FLIGHT: usize = MAX_INDEX as usize;

/// Checks a count of hubs, regions or classes (`what` names them, `path` is the field).
pub fn count(path: &str, what: &str, count: usize, max: usize) -> FieldResult<()> {
    if count > max {
        return Err(FieldError::new(
            path,
            format!("{count} {what}: at most {max} are allowed (memory grows with their number)"),
        ));
    }
    Ok(())
}

/// Checks a region or origin weight: finite, > 0 (or >= 0 when `zero_ok`) and at most
/// [`MAX_WEIGHT`].
pub fn weight(path: &str, weight: f64, zero_ok: bool) -> FieldResult<f64> {
    let low_ok = if zero_ok { weight >= 0.0 } else { weight > 0.0 };
    if weight.is_finite() && low_ok && weight <= MAX_WEIGHT {
        return Ok(weight);
    }
    let low = if zero_ok { ">= 0" } else { "> 0" };
    Err(FieldError::new(
        path,
        format!("bad value {}: a weight must be {low} and at most {MAX_WEIGHT:e}", number(weight)),
    ))
}

/// Checks a class's peak arrival rate (per second).
pub fn rate(path: &str, text: &str, peak_per_second: f64) -> FieldResult<()> {
    if peak_per_second <= MAX_RATE_PER_SECOND {
        return Ok(());
    }
    Err(FieldError::new(
        path,
        format!(
            "bad value {text:?}: at most {MAX_RATE_PER_SECOND:e} arrivals a second at the peak (diurnal and \
             weekend factors included), a mean gap of 1 us or more; this class peaks at {peak_per_second:e}/s"
        ),
    ))
}

/// Checks the jobs a run is expected to submit (`expected`, over its whole duration).
pub fn jobs_per_run(expected: f64) -> Result<(), String> {
    if expected <= MAX_JOBS_PER_RUN {
        return Ok(());
    }
    Err(format!(
        "the classes would submit about {expected:.3e} jobs in the run, more than one run can hold \
         ({MAX_JOBS_PER_RUN:.3e}); shorten the duration or lower the rates"
    ))
}

/// Checks a cap on jobs in flight.
pub fn max_in_flight(cap: usize) -> Result<usize, String> {
    if (1..=MAX_IN_FLIGHT).contains(&cap) {
        return Ok(cap);
    }
    Err(format!("bad value {cap}: the cap on jobs in flight must be between 1 and {MAX_IN_FLIGHT}"))
}

// The limits fit the indexes: a hub index is a u16 with u16::MAX as "no hub"; class and region
// indexes are u16; the default cap leaves the event index room.
const _: () = {
    assert!(MAX_HUBS < u16::MAX as usize);
    assert!(MAX_REGIONS <= u16::MAX as usize);
    assert!(MAX_CLASSES <= u16::MAX as usize);
    assert!(DEFAULT_MAX_IN_FLIGHT < MAX_IN_FLIGHT);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_finite_and_bounded() {
        assert!(weight("w", 1e308, false).is_err());
        assert!(weight("w", f64::INFINITY, false).is_err());
        assert!(weight("w", f64::NAN, true).is_err());
        assert!(weight("w", 0.0, false).is_err());
        assert_eq!(weight("w", 0.0, true), Ok(0.0));
        assert_eq!(weight("w", MAX_WEIGHT, false), Ok(MAX_WEIGHT));
        // The sum of the largest weights of every region stays finite.
        assert!((MAX_WEIGHT * MAX_REGIONS as f64).is_finite());
    }
}
