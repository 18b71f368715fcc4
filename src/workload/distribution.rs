//! Distributions of job attributes (units, runtime, data size), with optional clamps.
//!
//! Values are plain `f64` in the attribute's base unit: units, seconds, or bytes.

use rand::RngExt;
use rand_distr::{Distribution as _, Exp, Exp1, LogNormal, Pareto};

use crate::rng::SimRng;

/// The shape of a distribution, validated at construction.
#[derive(Clone, Debug)]
pub enum Shape {
    /// Always the same value.
    Constant(f64),
    /// Exponential with the given mean, drawn as `Exp1 x scale` where `scale` is the one
    /// `rand_distr::Exp` computes (1 / (1 / mean)), so draws equal `Exp`'s bit for bit.
    Exponential { scale: f64, mean: f64 },
    /// Lognormal given by its median and the sigma of the underlying normal.
    LogNormal(LogNormal<f64>, f64, f64),
    /// Pareto with scale (minimum) and shape (tail index alpha).
    Pareto(Pareto<f64>, f64, f64),
    /// Uniform on [low, high).
    Uniform(f64, f64),
    /// Uniform choice among listed values.
    Empirical(Vec<f64>),
}

/// A distribution with optional lower and upper clamps.
#[derive(Clone, Debug)]
pub struct Distribution {
    shape: Shape,
    min: f64,
    max: f64,
}

impl Distribution {
    /// Always `value`.
    pub fn constant(value: f64) -> Result<Self, String> {
        check_finite("value", value)?;
        Ok(Self::from_shape(Shape::Constant(value)))
    }

    /// Exponential with the given `mean` (> 0).
    pub fn exponential(mean: f64) -> Result<Self, String> {
        check_positive("mean", mean)?;
        let lambda = 1.0 / mean;
        Exp::new(lambda).map_err(|e| e.to_string())?;
        Ok(Self::from_shape(Shape::Exponential { scale: 1.0 / lambda, mean }))
    }

    /// Lognormal with the given `median` (> 0) and `sigma` (>= 0).
    pub fn lognormal(median: f64, sigma: f64) -> Result<Self, String> {
        check_positive("median", median)?;
        if !(sigma.is_finite() && sigma >= 0.0) {
            return Err(format!("sigma must be finite and >= 0, got {sigma}"));
        }
        let dist = LogNormal::new(median.ln(), sigma).map_err(|e| e.to_string())?;
        Ok(Self::from_shape(Shape::LogNormal(dist, median, sigma)))
    }

    /// Pareto with `scale` (> 0, the minimum) and `shape` alpha (> 0).
    pub fn pareto(scale: f64, shape: f64) -> Result<Self, String> {
        check_positive("scale", scale)?;
        check_positive("shape", shape)?;
        let dist = Pareto::new(scale, shape).map_err(|e| e.to_string())?;
        Ok(Self::from_shape(Shape::Pareto(dist, scale, shape)))
    }

    /// Uniform on [`low`, `high`).
    pub fn uniform(low: f64, high: f64) -> Result<Self, String> {
        check_finite("low", low)?;
        check_finite("high", high)?;
        if low > high {
            return Err(format!("low ({low}) must not exceed high ({high})"));
        }
        Ok(Self::from_shape(Shape::Uniform(low, high)))
    }

    /// Uniform choice among `values` (at least one).
    pub fn empirical(values: Vec<f64>) -> Result<Self, String> {
        if values.is_empty() {
            return Err("values must list at least one value".into());
        }
        for &v in &values {
            check_finite("every value", v)?;
        }
        Ok(Self::from_shape(Shape::Empirical(values)))
    }

    fn from_shape(shape: Shape) -> Self {
        Distribution { shape, min: f64::NEG_INFINITY, max: f64::INFINITY }
    }

    /// Clamps every draw to [`min`, `max`].
    pub fn clamped(mut self, min: Option<f64>, max: Option<f64>) -> Result<Self, String> {
        if let Some(min) = min {
            check_finite("min", min)?;
            self.min = min;
        }
        if let Some(max) = max {
            check_finite("max", max)?;
            self.max = max;
        }
        if self.min > self.max {
            return Err(format!("min ({}) must not exceed max ({})", self.min, self.max));
        }
        Ok(self)
    }

    /// Draws one value.
    #[inline(always)]
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        // Constants (most units and data sizes) draw nothing: answered without a call.
        // Exponentials (most runtimes) inline their ziggurat step.
        match &self.shape {
            Shape::Constant(v) => v.clamp(self.min, self.max),
            Shape::Exponential { scale, .. } => (unit_exponential(rng) * scale).clamp(self.min, self.max),
            _ => self.sample_shape(rng),
        }
    }

    /// The value every draw takes, for a constant (clamped as a draw is); `None` otherwise.
    pub fn constant_value(&self) -> Option<f64> {
        match self.shape {
            Shape::Constant(v) => Some(v.clamp(self.min, self.max)),
            _ => None,
        }
    }

    /// Draws one value of a shape other than a constant's.
    #[inline(never)]
    fn sample_shape(&self, rng: &mut SimRng) -> f64 {
        let raw = match &self.shape {
            Shape::Constant(v) => *v,
            Shape::Exponential { scale, .. } => unit_exponential(rng) * scale,
            Shape::LogNormal(d, _, _) => d.sample(rng),
            Shape::Pareto(d, _, _) => d.sample(rng),
            Shape::Uniform(low, high) => {
                if low == high {
                    *low
                } else {
                    rng.random_range(*low..*high)
                }
            }
            Shape::Empirical(values) => values[rng.random_range(0..values.len())],
        };
        raw.clamp(self.min, self.max)
    }

    /// The mean of the unclamped distribution (infinite for Pareto with shape <= 1).
    pub fn unclamped_mean(&self) -> f64 {
        match &self.shape {
            Shape::Constant(v) => *v,
            Shape::Exponential { mean, .. } => *mean,
            Shape::LogNormal(_, median, sigma) => median * (sigma * sigma / 2.0).exp(),
            Shape::Pareto(_, scale, shape) => {
                if *shape <= 1.0 {
                    f64::INFINITY
                } else {
                    shape * scale / (shape - 1.0)
                }
            }
            Shape::Uniform(low, high) => (low + high) / 2.0,
            Shape::Empirical(values) => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The largest value a draw can take.
    pub fn upper_bound(&self) -> f64 {
        self.shape_upper().min(self.max)
    }

    /// The smallest value a draw can take.
    pub fn lower_bound(&self) -> f64 {
        self.shape_lower().max(self.min)
    }

    /// The exact mean of a draw, when the clamps never bind (`None` when they may).
    pub fn exact_mean(&self) -> Option<f64> {
        (self.min <= self.shape_lower() && self.max >= self.shape_upper()).then(|| self.unclamped_mean())
    }

    fn shape_upper(&self) -> f64 {
        match &self.shape {
            Shape::Constant(v) => *v,
            Shape::Uniform(_, high) => *high,
            Shape::Empirical(values) => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            _ => f64::INFINITY,
        }
    }

    fn shape_lower(&self) -> f64 {
        match &self.shape {
            Shape::Constant(v) => *v,
            Shape::Exponential { .. } | Shape::LogNormal(..) => 0.0,
            Shape::Pareto(_, scale, _) => *scale,
            Shape::Uniform(low, _) => *low,
            Shape::Empirical(values) => values.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}

/// One draw of `rand_distr::Exp1` (inlined ziggurat step).
#[inline(always)]
pub fn unit_exponential(rng: &mut SimRng) -> f64 {
    Exp1.sample(rng)
}

fn check_finite(name: &str, value: f64) -> Result<(), String> {
    if value.is_finite() { Ok(()) } else { Err(format!("{name} must be a finite number, got {value}")) }
}

fn check_positive(name: &str, value: f64) -> Result<(), String> {
    if value.is_finite() && value > 0.0 { Ok(()) } else { Err(format!("{name} must be > 0, got {value}")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};

    fn mean_of(d: &Distribution, n: usize) -> f64 {
        let mut rng = stream(7, Stream::Workload(0));
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_the_analytical_means() {
        let cases = [
            Distribution::exponential(2.0).unwrap(),
            Distribution::lognormal(1.0, 0.5).unwrap(),
            Distribution::pareto(1.0, 3.0).unwrap(),
            Distribution::uniform(2.0, 4.0).unwrap(),
            Distribution::empirical(vec![1.0, 2.0, 6.0]).unwrap(),
        ];
        for d in cases {
            let (expected, got) = (d.unclamped_mean(), mean_of(&d, 200_000));
            assert!((got - expected).abs() / expected < 0.02, "{d:?}: {got} vs {expected}");
        }
    }

    #[test]
    fn exponential_draws_equal_rand_distr_exp_bit_for_bit() {
        for mean in [1.0, 0.3, 7.0, 1e-9, 123_456.789] {
            let ours = Distribution::exponential(mean).unwrap();
            let reference = Exp::new(1.0 / mean).unwrap();
            let (mut a, mut b) = (stream(3, Stream::Workload(0)), stream(3, Stream::Workload(0)));
            for _ in 0..20_000 {
                assert_eq!(ours.sample(&mut a).to_bits(), reference.sample(&mut b).to_bits(), "mean {mean}");
            }
        }
    }

    #[test]
    fn clamps_bound_every_draw() {
        let d = Distribution::lognormal(8.0, 2.0).unwrap().clamped(Some(1.0), Some(256.0)).unwrap();
        let mut rng = stream(1, Stream::Workload(0));
        for _ in 0..10_000 {
            let v = d.sample(&mut rng);
            assert!((1.0..=256.0).contains(&v));
        }
        assert_eq!(d.upper_bound(), 256.0);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Distribution::exponential(0.0).is_err());
        assert!(Distribution::lognormal(-1.0, 1.0).is_err());
        assert!(Distribution::lognormal(1.0, -1.0).is_err());
        assert!(Distribution::pareto(1.0, 0.0).is_err());
        assert!(Distribution::uniform(3.0, 2.0).is_err());
        assert!(Distribution::empirical(vec![]).is_err());
        assert!(Distribution::constant(1.0).unwrap().clamped(Some(3.0), Some(2.0)).is_err());
    }
}
