//! The lowest slots: where an interruptible job runs under `lowest-window`. Instead of one
//! window, the job runs in the cheapest intervals of its hub's forecast within its slack,
//! suspended between them.
//!
//! The forecast's breakpoints cut `[now, horizon]` into intervals, each with its mean value.
//! The cheapest are taken first (ties: the earlier) until their total length covers the work
//! plus one checkpoint overhead per resume (each run after the first); the last one taken is
//! cut to what is needed, on the side away from a chosen neighbour. Without an overhead this
//! is exact for step signals: any set of intervals of the same total length cannot have a
//! lower integral (a test checks it against every subset). With an overhead it is a greedy
//! heuristic: each interval that starts a new run is charged the overhead when taken.

use crate::model::{Forecast, SignalKind};
use crate::time::{SimDuration, SimTime};

/// The runs `(start, end)`, earliest first, in which a job of `work` ns with `overhead` ns
/// added per resume runs at `hub` within `[now, horizon]`, by the forecast of `kind`. One run
/// from `now` when the horizon leaves no choice.
pub fn lowest_slots(
    forecast: &Forecast<'_>,
    hub: usize,
    kind: SignalKind,
    now: SimTime,
    horizon: SimTime,
    work: SimDuration,
    overhead: SimDuration,
) -> Vec<(SimTime, SimTime)> {
    if horizon.saturating_sub(now) <= work {
        return vec![(now, now.saturating_add(work))];
    }
    let mut bounds = vec![now];
    bounds.extend(forecast.breakpoints(hub, kind, now, horizon));
    bounds.push(horizon);
    // The mean over each interval (per ns: only the order matters).
    let mean = |from: SimTime, to: SimTime| forecast.integral(hub, kind, from, to) / (to - from) as f64;
    let intervals: Vec<(SimTime, SimTime, f64)> = bounds.windows(2).map(|w| (w[0], w[1], mean(w[0], w[1]))).collect();
    cheapest_runs(&intervals, work, overhead).unwrap_or_else(|| vec![(now, now + work)])
}

/// The runs covering `work` plus `overhead` per resume in the cheapest of `intervals`
/// (consecutive `(start, end, mean value)`), or `None` when they cannot.
fn cheapest_runs(
    intervals: &[(SimTime, SimTime, f64)],
    work: SimDuration,
    overhead: SimDuration,
) -> Option<Vec<(SimTime, SimTime)>> {
    let n = intervals.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| intervals[a].2.total_cmp(&intervals[b].2).then(a.cmp(&b)));
    // The part of each interval used, if any.
    let mut used: Vec<Option<(SimTime, SimTime)>> = vec![None; n];
    let (mut total, mut runs): (SimDuration, u64) = (0, 0);
    for i in order {
        let left = i > 0 && used[i - 1].is_some();
        let right = i + 1 < n && used[i + 1].is_some();
        let (from, to, _) = intervals[i];
        used[i] = Some((from, to));
        runs = runs + 1 - u64::from(left) - u64::from(right);
        total += to - from;
        let needed = work + overhead * (runs - 1);
        if total < needed {
            continue;
        }
        let excess = total - needed;
        used[i] = Some(match (left, right) {
            (false, true) => (from + excess, to),
            (true, true) if overhead > 0 => (from, to),
            _ => (from, to - excess),
        });
        return Some(merge(used.into_iter().flatten()));
    }
    None
}

/// Time-ordered parts merged where one ends as the next starts.
fn merge(parts: impl Iterator<Item = (SimTime, SimTime)>) -> Vec<(SimTime, SimTime)> {
    let mut runs: Vec<(SimTime, SimTime)> = Vec::new();
    for (from, to) in parts.filter(|p| p.1 > p.0) {
        match runs.last_mut() {
            Some(last) if last.1 == from => last.1 = to,
            _ => runs.push((from, to)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{HOUR, MINUTE};

    #[test]
    fn the_last_interval_is_cut_away_from_its_chosen_neighbour() {
        // 1.0 for [0, 1 h), 0.5 for [1 h, 2 h), 2.0 for [2 h, 3 h); 90 min of work: the
        // cheap hour, then the half hour of the first next to it, as one run.
        let intervals = [(0, HOUR, 1.0), (HOUR, 2 * HOUR, 0.5), (2 * HOUR, 3 * HOUR, 2.0)];
        assert_eq!(cheapest_runs(&intervals, 90 * MINUTE, 0), Some(vec![(30 * MINUTE, 2 * HOUR)]));
    }

    #[test]
    fn a_separate_run_is_charged_its_overhead() {
        // 0.1 for [0, 1 h), 0.9 for [1 h, 2 h), 0.2 for [2 h, 4 h); 2 h of work with a 15 min
        // overhead: [0, 1 h) and then 1 h 15 min of [2 h, 4 h) from its start.
        let intervals = [(0, HOUR, 0.1), (HOUR, 2 * HOUR, 0.9), (2 * HOUR, 4 * HOUR, 0.2)];
        let runs = cheapest_runs(&intervals, 2 * HOUR, 15 * MINUTE);
        assert_eq!(runs, Some(vec![(0, HOUR), (2 * HOUR, 3 * HOUR + 15 * MINUTE)]));
        // Too little room for the work and its overheads.
        assert_eq!(cheapest_runs(&intervals[..1], 2 * HOUR, 0), None);
    }
}
