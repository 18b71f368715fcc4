//! Statistics for comparing policies: Student-t confidence intervals of replication means and
//! of paired differences (common random numbers make the pairs positively correlated, so the
//! paired interval is much tighter than the difference of two intervals).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (2.776 for 4, 2.262 for 9).
pub fn t_975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).expect("df >= 1").inverse_cdf(0.975)
}

/// A mean with its 95 % confidence half-width.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Sample mean (null when there are no values).
    pub mean: f64,
    /// Half-width of the 95 % confidence interval, t(n-1, 0.975) s / sqrt(n) (null for n < 2).
    pub ci95: f64,
    /// Number of values.
    pub n: usize,
}

impl Interval {
    /// Whether the interval excludes zero (a significant difference at the 5 % level).
    pub fn excludes_zero(&self) -> bool {
        self.n >= 2 && self.ci95.is_finite() && self.mean.abs() > self.ci95
    }
}

/// Mean and 95 % confidence half-width of independent replications; NaN values are skipped.
pub fn mean_ci(values: &[f64]) -> Interval {
    let values: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = values.len();
    if n == 0 {
        return Interval { mean: f64::NAN, ci95: f64::NAN, n };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Interval { mean, ci95: f64::NAN, n };
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Interval { mean, ci95: t_975(n - 1) * (variance / n as f64).sqrt(), n }
}

/// The interval of the paired differences `a[i] - b[i]` (pairs with a NaN are skipped).
pub fn paired_difference(a: &[f64], b: &[f64]) -> Interval {
    let differences: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    mean_ci(&differences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        assert!((t_975(4) - 2.776).abs() < 5e-4);
        assert!((t_975(9) - 2.262).abs() < 5e-4);
        assert!((t_975(1) - 12.706).abs() < 5e-3);
    }

    #[test]
    fn intervals_by_hand() {
        // Mean 3, s = sqrt(2.5) = 1.5811, half-width 2.776 x 1.5811 / sqrt(5) = 1.9633.
        let i = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!((i.mean - 3.0).abs() < 1e-12);
        assert!((i.ci95 - 1.9633).abs() < 1e-3, "{i:?}");
        assert!(i.excludes_zero());
        // Paired: differences 1, 1, 2, 0, 1 -> mean 1, s = 0.7071, half-width 0.8780.
        let d = paired_difference(&[3.0, 4.0, 6.0, 5.0, 9.0], &[2.0, 3.0, 4.0, 5.0, 8.0]);
        assert!((d.mean - 1.0).abs() < 1e-12);
        assert!((d.ci95 - 0.8780).abs() < 1e-3, "{d:?}");
        assert!(d.excludes_zero());
        let flat = paired_difference(&[1.0, 2.0], &[2.0, 1.0]);
        assert!(!flat.excludes_zero());
        assert_eq!(mean_ci(&[f64::NAN, 2.0]).n, 1);
    }
}
