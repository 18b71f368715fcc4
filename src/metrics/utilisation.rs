//! Pool utilisation: exact time-weighted means and equal-interval samples.
//!
//! The mean is exact: the integral of busy units over the measured window (from the engine's
//! incrementally kept integral) divided by capacity x window. Each sample is the exact mean
//! over one interval, so every sample weighs the same amount of time; the measured samples
//! (percentiles, histogram) are those whose interval lies wholly after the warm-up.

use crate::engine::HubState;
use crate::time::{SimDuration, SimTime};

/// Utilisation of one pool.
#[derive(Clone, Debug)]
pub struct PoolUtilisation {
    /// Capacity in units.
    pub capacity: u32,
    /// Mean utilisation over each sample interval, 0..=1, in time order.
    pub samples: Vec<f32>,
    /// Mean queued units over each sample interval, in time order (the backlog trend).
    pub queued_samples: Vec<f32>,
    /// Exact time-weighted mean over the measured window (`None` for a zero-capacity pool).
    pub mean: Option<f64>,
    /// Busy unit-nanoseconds over the measured window.
    pub busy_unit_nanos: u128,
    /// Time-average queued units over the measured window (`None` for an empty window).
    pub mean_queued_units: Option<f64>,
    last_integral: u128,
    last_queued_integral: u128,
    warm_integral: u128,
    warm_queued_integral: u128,
}

/// Utilisation of every pool of every hub.
#[derive(Clone, Debug)]
pub struct Utilisation {
    /// Length of one sample interval.
    pub interval: SimDuration,
    /// End time of each sample interval.
    pub sample_times: Vec<SimTime>,
    /// Index of the first sample whose interval starts at or after the warm-up.
    pub first_measured: Option<usize>,
    /// Indexed by hub x 2 + pool.
    pub pools: Vec<PoolUtilisation>,
    warmup: SimTime,
}

impl Utilisation {
    /// Tracks the pools of `states` with samples every `interval` of a run of `duration`,
    /// measuring from `warmup`.
    pub fn new(states: &[HubState], interval: SimDuration, warmup: SimTime, duration: SimDuration) -> Self {
        // Every sample's room is reserved up front: many hubs' sample vectors growing by
        // doubling would copy (and miss the cache on) every sample several times.
        let expected = usize::try_from(duration / interval.max(1)).unwrap_or(0).min(16_384);
        let pools = states
            .iter()
            .flat_map(|s| s.pools().iter())
            .map(|p| PoolUtilisation {
                capacity: p.capacity(),
                samples: Vec::with_capacity(expected),
                queued_samples: Vec::with_capacity(expected),
                mean: None,
                busy_unit_nanos: 0,
                mean_queued_units: None,
                last_integral: 0,
                last_queued_integral: 0,
                warm_integral: 0,
                warm_queued_integral: 0,
            })
            .collect();
        Utilisation { interval, sample_times: Vec::new(), first_measured: None, pools, warmup }
    }

    fn integrals(states: &[HubState], t: SimTime) -> impl Iterator<Item = u128> + '_ {
        states.iter().flat_map(|s| s.pools().iter()).map(move |p| p.busy_integral_at(t))
    }

    /// Closes the sample interval ending at `t`.
    pub fn sample(&mut self, t: SimTime, states: &[HubState]) {
        if self.first_measured.is_none() && t >= self.warmup + self.interval {
            self.first_measured = Some(self.sample_times.len());
        }
        let queued = states.iter().flat_map(|s| s.pools().iter()).map(|p| p.queued_integral_at(t));
        for ((pool, integral), queued) in self.pools.iter_mut().zip(Self::integrals(states, t)).zip(queued) {
            let busy = integral - pool.last_integral;
            pool.last_integral = integral;
            let waiting = queued - pool.last_queued_integral;
            pool.last_queued_integral = queued;
            let waiting = u64::try_from(waiting).map_or(waiting as f64, |w| w as f64);
            pool.queued_samples.push((waiting / self.interval as f64) as f32);
            if pool.capacity == 0 {
                pool.samples.push(0.0);
                continue;
            }
            // Busy unit-nanoseconds of one interval fit a u64 in practice, whose conversion to
            // f64 is far cheaper than a u128's.
            let busy = u64::try_from(busy).map_or(busy as f64, |b| b as f64);
            let value = busy / (f64::from(pool.capacity) * self.interval as f64);
            pool.samples.push(value as f32);
        }
        self.sample_times.push(t);
    }

    /// Remembers the integrals at the end of the warm-up.
    pub fn mark_warmup(&mut self, t: SimTime, states: &[HubState]) {
        let queued = states.iter().flat_map(|s| s.pools().iter()).map(|p| p.queued_integral_at(t));
        for ((pool, integral), queued) in self.pools.iter_mut().zip(Self::integrals(states, t)).zip(queued) {
            pool.warm_integral = integral;
            pool.warm_queued_integral = queued;
        }
    }

    /// Computes the exact means over [warm-up, `end`].
    pub fn finish(&mut self, end: SimTime, states: &[HubState]) {
        let window = end.saturating_sub(self.warmup);
        let queued = states.iter().flat_map(|s| s.pools().iter()).map(|p| p.queued_integral_at(end));
        for ((pool, integral), queued) in self.pools.iter_mut().zip(Self::integrals(states, end)).zip(queued) {
            pool.busy_unit_nanos = integral - pool.warm_integral;
            pool.mean_queued_units = (window > 0).then(|| (queued - pool.warm_queued_integral) as f64 / window as f64);
            pool.mean = (pool.capacity > 0 && window > 0)
                .then(|| pool.busy_unit_nanos as f64 / (f64::from(pool.capacity) * window as f64));
        }
    }

    /// The samples of a pool taken after the warm-up.
    pub fn measured_samples(&self, hub: usize, pool: crate::model::PoolKind) -> &[f32] {
        let samples = &self.pool(hub, pool).samples;
        self.first_measured.map_or(&[][..], |first| &samples[first.min(samples.len())..])
    }

    /// The queued-unit samples of a pool taken after the warm-up.
    pub fn measured_queued_samples(&self, hub: usize, pool: crate::model::PoolKind) -> &[f32] {
        let samples = &self.pool(hub, pool).queued_samples;
        self.first_measured.map_or(&[][..], |first| &samples[first.min(samples.len())..])
    }

    /// The utilisation of one hub's pool.
    pub fn pool(&self, hub: usize, pool: crate::model::PoolKind) -> &PoolUtilisation {
        &self.pools[hub * 2 + pool.index()]
    }
}
