//! The time-varying signals of every hub (power price and effective carbon intensity) and the
//! forecasts of them that policies see.
//!
//! Renewables are counted once: a hub's `renewable` share is the power it buys as dedicated
//! green power (contracted, zero-carbon); the grid intensity applies to the rest. The
//! effective intensity is `(1 - renewable(t)) x grid(t)`, and the grid factor is the
//! province's average of its whole mix (whose own renewables it already contains).
//!
//! Forecasts: perfect (the true signal), or noisy: the value a forecast issued at `s` gives
//! for the hour starting at `h` is the true value x (1 + e), e ~ Normal(0, (error x
//! sqrt(lead / 24 h))^2) with lead = h + 30 min - s (at least 0), clipped so the factor is
//! not negative. Errors of different hours, hubs, signals and issue hours are independent; they are a
//! pure function of a key drawn from the forecast's own random stream, so every policy sees
//! the same forecast and no workload draw changes.

use crate::model::signal::{Interpolation, Signal};
use crate::rng::mix;
use crate::time::{HOUR, SimTime};

/// Which signal a policy minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    /// Power price, CNY/kWh.
    Price,
    /// Effective carbon intensity, kg CO2/kWh (grid x (1 - renewable share)).
    Carbon,
}

impl SignalKind {
    /// Parses `"price"` or `"carbon"`.
    pub fn parse(text: &str) -> Option<SignalKind> {
        match text {
            "price" => Some(SignalKind::Price),
            "carbon" => Some(SignalKind::Carbon),
            _ => None,
        }
    }

    /// The index in per-hub pairs ([price, carbon]).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The signals of one hub.
#[derive(Clone, Debug, PartialEq)]
pub struct HubSignals {
    /// Power price, CNY/kWh.
    pub price: Signal,
    /// Effective carbon intensity, kg CO2 per kWh the hub draws: grid x (1 - renewable).
    pub carbon: Signal,
}

impl HubSignals {
    /// The signal of `kind`.
    #[inline]
    pub fn get(&self, kind: SignalKind) -> &Signal {
        match kind {
            SignalKind::Price => &self.price,
            SignalKind::Carbon => &self.carbon,
        }
    }
}

/// How policies see the future of the signals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ForecastModel {
    /// The true signal.
    Perfect,
    /// Multiplicative hourly errors; `error` is the standard deviation a day ahead.
    Noisy {
        /// Relative standard deviation of a forecast 24 h ahead.
        error: f64,
    },
}

/// Every hub's signals, in hub order, and the forecast model.
#[derive(Clone, Debug, PartialEq)]
pub struct Signals {
    /// Per hub.
    pub hubs: Vec<HubSignals>,
    /// What policies see.
    pub forecast: ForecastModel,
}

/// The effective carbon intensity `grid(t) x (1 - renewable(t))`, exactly: the knots of both
/// when both vary (then both must be steps, whose product is a step), else the varying one's.
pub fn effective_carbon(grid: &Signal, renewable: &Signal) -> Result<Signal, &'static str> {
    if renewable.is_constant() {
        let keep = 1.0 - renewable.values()[0];
        let values = grid.values().iter().map(|g| g * keep).collect();
        return Ok(Signal::from_knots(grid.times().to_vec(), values, grid.interpolation()));
    }
    if grid.is_constant() {
        let g = grid.values()[0];
        let values = renewable.values().iter().map(|r| g * (1.0 - r)).collect();
        return Ok(Signal::from_knots(renewable.times().to_vec(), values, renewable.interpolation()));
    }
    if grid.interpolation() != Interpolation::Step || renewable.interpolation() != Interpolation::Step {
        return Err(
            "a time-varying renewable share and a time-varying grid intensity combine exactly only as steps: use interpolate = \"step\" for both",
        );
    }
    let mut times: Vec<SimTime> = grid.times().iter().chain(renewable.times()).copied().collect();
    times.sort_unstable();
    times.dedup();
    let values = times.iter().map(|&t| grid.value_at(t) * (1.0 - renewable.value_at(t))).collect();
    Ok(Signal::from_knots(times, values, Interpolation::Step))
}

/// A forecast issued at one time: what a policy sees of the signals.
#[derive(Clone, Copy, Debug)]
pub struct Forecast<'a> {
    /// The true signals.
    pub signals: &'a Signals,
    /// Key of the error draws (from the forecast's random stream).
    pub key: u64,
    /// When the forecast is issued (the decision time).
    pub issued: SimTime,
}

impl Forecast<'_> {
    /// The factor (1 + e) on the true value for the hour starting at `hour` x 1 h.
    fn factor(&self, hub: usize, kind: SignalKind, hour: u64) -> f64 {
        let ForecastModel::Noisy { error } = self.signals.forecast else { return 1.0 };
        let lead = ((hour * HOUR + HOUR / 2).saturating_sub(self.issued)) as f64 / (24 * HOUR) as f64;
        let sd = error * lead.sqrt();
        let word = (hub as u64) << 44 ^ (kind.index() as u64) << 40 ^ (self.issued / HOUR) << 20 ^ hour;
        let a = mix(self.key ^ mix(word));
        let b = mix(a);
        // Box-Muller from two uniforms in (0, 1].
        let u1 = ((a >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let u2 = (b >> 11) as f64 / (1u64 << 53) as f64;
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        (1.0 + sd * z).max(0.0)
    }

    /// The forecast value at `t`.
    pub fn value_at(&self, hub: usize, kind: SignalKind, t: SimTime) -> f64 {
        self.signals.hubs[hub].get(kind).value_at(t) * self.factor(hub, kind, t / HOUR)
    }

    /// The forecast integral over `[from, to]`, value x hours (exact for the true signal).
    pub fn integral(&self, hub: usize, kind: SignalKind, from: SimTime, to: SimTime) -> f64 {
        let signal = self.signals.hubs[hub].get(kind);
        if self.signals.forecast == ForecastModel::Perfect {
            return signal.integral(from, to);
        }
        let mut total = 0.0;
        let mut t = from;
        while t < to {
            let hour = t / HOUR;
            let end = ((hour + 1) * HOUR).min(to);
            total += signal.integral(t, end) * self.factor(hub, kind, hour);
            t = end;
        }
        total
    }

    /// Times in `(from, to)` where the forecast may change slope or step: the signal's knots,
    /// and whole hours under a noisy forecast. In order, without repeats.
    pub fn breakpoints(&self, hub: usize, kind: SignalKind, from: SimTime, to: SimTime) -> Vec<SimTime> {
        let mut points = self.signals.hubs[hub].get(kind).knots_between(from, to).to_vec();
        if self.signals.forecast != ForecastModel::Perfect {
            let mut hour = (from / HOUR + 1) * HOUR;
            while hour < to {
                points.push(hour);
                hour += HOUR;
            }
            points.sort_unstable();
            points.dedup();
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(forecast: ForecastModel) -> Signals {
        let hub = HubSignals { price: Signal::constant(1.0), carbon: Signal::constant(0.5) };
        Signals { hubs: vec![hub], forecast }
    }

    #[test]
    fn perfect_forecast_is_the_signal() {
        let signals = flat(ForecastModel::Perfect);
        let f = Forecast { signals: &signals, key: 7, issued: 0 };
        assert!((f.integral(0, SignalKind::Carbon, 0, 10 * HOUR) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn noisy_error_grows_with_lead() {
        let signals = flat(ForecastModel::Noisy { error: 0.2 });
        let spread = |lead_hours: u64| {
            let n = 4000;
            let (mut sum, mut sum2) = (0.0, 0.0);
            for key in 0..n {
                let f = Forecast { signals: &signals, key, issued: 0 };
                let v = f.value_at(0, SignalKind::Price, lead_hours * HOUR);
                sum += v;
                sum2 += v * v;
            }
            let mean = sum / n as f64;
            (sum2 / n as f64 - mean * mean).sqrt()
        };
        // sd = 0.2 x sqrt((h + 0.5) / 24): 0.029 at 0 h, 0.200 at 23.5 h.
        let near = spread(0);
        let far = spread(24);
        assert!((near - 0.2 * (0.5f64 / 24.0).sqrt()).abs() < 0.005, "{near}");
        assert!((far - 0.2 * (24.5f64 / 24.0).sqrt()).abs() < 0.02, "{far}");
    }
}
