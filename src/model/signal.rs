//! A time-varying signal (power price, grid carbon intensity, renewable share) as a piecewise
//! function of simulated time: step (constant between knots) or linear (straight between
//! knots), holding its last value past the last knot.
//!
//! Integrals are exact: a running integral is kept at every knot, so the integral from 0 to
//! `t` is that sum plus one segment's share. A [`Cursor`] walks the knots forward with the
//! clock, so a look-up at a non-decreasing time is O(1) amortised; looking back costs one
//! binary search.

use crate::time::{HOUR, SimDuration, SimTime};

/// How values between two knots are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interpolation {
    /// The earlier knot's value holds until the next knot.
    Step,
    /// Straight line between the two knots.
    Linear,
}

/// A piecewise-constant or piecewise-linear function of time, starting at time 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// Knot times, strictly increasing; the first is 0.
    times: Vec<SimTime>,
    /// The value at each knot.
    values: Vec<f64>,
    /// The integral from 0 to each knot, in value x hours.
    cumulative: Vec<f64>,
    interpolation: Interpolation,
}

fn hours(nanos: SimDuration) -> f64 {
    nanos as f64 / HOUR as f64
}

impl Signal {
    /// A signal that never changes.
    pub fn constant(value: f64) -> Signal {
        Signal::from_knots(vec![0], vec![value], Interpolation::Step)
    }

    /// A signal through `times` (strictly increasing, the first 0) and `values`.
    pub fn from_knots(times: Vec<SimTime>, values: Vec<f64>, interpolation: Interpolation) -> Signal {
        assert!(!times.is_empty() && times[0] == 0 && times.len() == values.len(), "knots start at 0");
        assert!(times.windows(2).all(|w| w[0] < w[1]), "knot times increase");
        let mut cumulative = Vec::with_capacity(times.len());
        cumulative.push(0.0);
        for i in 1..times.len() {
            let dt = hours(times[i] - times[i - 1]);
            let area = match interpolation {
                Interpolation::Step => values[i - 1] * dt,
                Interpolation::Linear => 0.5 * (values[i - 1] + values[i]) * dt,
            };
            cumulative.push(cumulative[i - 1] + area);
        }
        Signal { times, values, cumulative, interpolation }
    }

    /// `pattern` (offsets from 0 within `period`, increasing, the first 0) repeated from time 0
    /// until at least `horizon`; the last value holds past it. With linear interpolation the
    /// pattern's last knot runs straight to the next repetition's first.
    pub fn periodic(
        pattern: &[(SimDuration, f64)],
        period: SimDuration,
        interpolation: Interpolation,
        horizon: SimTime,
    ) -> Signal {
        assert!(period > 0 && pattern.first().is_some_and(|p| p.0 == 0), "a pattern starts at offset 0");
        let mut times = Vec::new();
        let mut values = Vec::new();
        let mut start = 0;
        loop {
            for &(offset, value) in pattern {
                times.push(start + offset);
                values.push(value);
            }
            if start >= horizon {
                break;
            }
            start += period;
        }
        Signal::from_knots(times, values, interpolation)
    }

    /// Whether the signal never changes.
    pub fn is_constant(&self) -> bool {
        self.values.iter().all(|&v| v == self.values[0])
    }

    /// How values between knots are read.
    pub fn interpolation(&self) -> Interpolation {
        self.interpolation
    }

    /// The knot times.
    pub fn times(&self) -> &[SimTime] {
        &self.times
    }

    /// The value at each knot.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The index of the last knot at or before `t`. O(log knots).
    fn segment(&self, t: SimTime) -> usize {
        self.times.partition_point(|&k| k <= t) - 1
    }

    /// The value at `t` on segment `i` (the last knot at or before `t`).
    #[inline]
    fn value_on(&self, i: usize, t: SimTime) -> f64 {
        match (self.interpolation, self.times.get(i + 1)) {
            (Interpolation::Linear, Some(&next)) => {
                let share = (t - self.times[i]) as f64 / (next - self.times[i]) as f64;
                self.values[i] + share * (self.values[i + 1] - self.values[i])
            }
            _ => self.values[i],
        }
    }

    /// The integral from 0 to `t` on segment `i`, value x hours.
    #[inline]
    fn cumulative_on(&self, i: usize, t: SimTime) -> f64 {
        let dt = hours(t - self.times[i]);
        let area = match self.interpolation {
            Interpolation::Step => self.values[i] * dt,
            Interpolation::Linear => 0.5 * (self.values[i] + self.value_on(i, t)) * dt,
        };
        self.cumulative[i] + area
    }

    /// The value at `t`. O(log knots).
    pub fn value_at(&self, t: SimTime) -> f64 {
        self.value_on(self.segment(t), t)
    }

    /// The integral from 0 to `t`, value x hours. O(log knots).
    pub fn cumulative_at(&self, t: SimTime) -> f64 {
        self.cumulative_on(self.segment(t), t)
    }

    /// The exact integral over `[from, to]`, value x hours. O(log knots).
    pub fn integral(&self, from: SimTime, to: SimTime) -> f64 {
        self.cumulative_at(to) - self.cumulative_at(from)
    }

    /// The mean over `[from, to]` (the value at `from` when the interval is empty).
    pub fn mean(&self, from: SimTime, to: SimTime) -> f64 {
        if to <= from { self.value_at(from) } else { self.integral(from, to) / hours(to - from) }
    }

    /// Knot times strictly inside `(from, to)`, in order.
    pub fn knots_between(&self, from: SimTime, to: SimTime) -> &[SimTime] {
        let first = self.times.partition_point(|&k| k <= from);
        let last = self.times.partition_point(|&k| k < to);
        &self.times[first..last.max(first)]
    }
}

/// A position in a [`Signal`]'s knots that follows a non-decreasing clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    index: usize,
}

impl Cursor {
    /// The integral of `signal` from 0 to `t`: O(1) amortised when `t` does not decrease
    /// between calls, one binary search when it does.
    #[inline]
    pub fn cumulative(&mut self, signal: &Signal, t: SimTime) -> f64 {
        if t < signal.times[self.index] {
            self.index = signal.segment(t);
        }
        while signal.times.get(self.index + 1).is_some_and(|&next| next <= t) {
            self.index += 1;
        }
        signal.cumulative_on(self.index, t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_integral_by_hand() {
        // 1 until 2 h, 3 until 5 h, then 2: over [1 h, 6 h] = 1 + 9 + 2 = 12.
        let s = Signal::from_knots(vec![0, 2 * HOUR, 5 * HOUR], vec![1.0, 3.0, 2.0], Interpolation::Step);
        assert!((s.integral(HOUR, 6 * HOUR) - 12.0).abs() < 1e-12);
        assert_eq!(s.value_at(2 * HOUR), 3.0);
        let mut cursor = Cursor::default();
        for t in [0, HOUR, 3 * HOUR, 6 * HOUR, HOUR] {
            assert!((cursor.cumulative(&s, t) - s.cumulative_at(t)).abs() < 1e-12);
        }
    }

    #[test]
    fn linear_integral_by_hand() {
        // 0 at 0 rising to 4 at 4 h: the integral over [1 h, 3 h] is the trapezoid (1 + 3) / 2 x 2 = 4.
        let s = Signal::from_knots(vec![0, 4 * HOUR], vec![0.0, 4.0], Interpolation::Linear);
        assert!((s.integral(HOUR, 3 * HOUR) - 4.0).abs() < 1e-12);
        assert!((s.value_at(HOUR) - 1.0).abs() < 1e-12);
        // Past the end the last value holds: [4 h, 6 h] = 8.
        assert!((s.integral(4 * HOUR, 6 * HOUR) - 8.0).abs() < 1e-12);
    }

    #[test]
    fn periodic_repeats() {
        let s = Signal::periodic(&[(0, 1.0), (12 * HOUR, 3.0)], 24 * HOUR, Interpolation::Step, 48 * HOUR);
        assert_eq!(s.value_at(36 * HOUR + 1), 3.0);
        assert_eq!(s.value_at(24 * HOUR + 1), 1.0);
        assert!((s.integral(0, 48 * HOUR) - 96.0).abs() < 1e-9);
        assert_eq!(s.knots_between(11 * HOUR, 25 * HOUR), &[12 * HOUR, 24 * HOUR]);
    }
}
