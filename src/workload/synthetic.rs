//! A synthetic job source: one per class, generating its next arrival only when one fires.

use rand::RngExt;

use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime, seconds_to_nanos};
use crate::workload::distribution::unit_exponential;
use crate::workload::{JobClass, OriginSampler};

/// The attributes of one job, drawn from its class's stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobDraw {
    /// Origin region index.
    pub origin: u16,
    /// Units requested.
    pub units: u32,
    /// True runtime.
    pub runtime: SimDuration,
    /// Bytes to move.
    pub data_bytes: u64,
    /// Bytes of output to send back to the origin (0 for classes without output).
    pub output_bytes: u64,
}

/// Draws a job's units from `units`: rounded to nearest, at least 1.
#[inline]
pub fn draw_units(units: &crate::workload::Distribution, rng: &mut SimRng) -> u32 {
    units_of(units.sample(rng))
}

/// Units for a drawn value: rounded to nearest (by adding one half and truncating: round() is
/// a libm call), at least 1.
#[inline(always)]
fn units_of(value: f64) -> u32 {
    (value + 0.5).clamp(1.0, u32::MAX as f64) as u32
}

/// Bytes for a drawn value: rounded to nearest, at least 0.
#[inline(always)]
fn bytes_of(value: f64) -> u64 {
    (value.max(0.0) + 0.5) as u64
}

/// Generates the jobs of one class from the class's own random stream.
///
/// Arrivals of a non-homogeneous class use thinning (Lewis and Shedler): candidates come at the
/// peak rate and are kept with probability rate(t) / peak. Inter-arrival times and attributes
/// come from one stream that no scheduling decision touches (common random numbers).
#[derive(Clone, Debug)]
pub struct Source {
    rng: SimRng,
    origins: OriginSampler,
    peak_rate_per_ns: f64,
    /// Units of every job, when the class's units are a constant (a constant draws nothing).
    constant_units: Option<u32>,
    /// Input bytes of every job, when the class's data size is a constant.
    constant_bytes: Option<u64>,
}

impl Source {
    /// A source for `class` drawing from `rng`. The class must be validated (positive weights).
    pub fn new(class: &JobClass, rng: SimRng) -> Source {
        let origins = OriginSampler::new(&class.origin_weights).expect("validated origin weights");
        Source {
            rng,
            origins,
            peak_rate_per_ns: class.arrival.peak_rate_per_second() / 1e9,
            constant_units: class.units.constant_value().map(units_of),
            constant_bytes: class.data.constant_value().map(bytes_of),
        }
    }

    /// The next arrival strictly after the previous one at `after` (may lie past the run's end).
    #[inline(always)]
    pub fn next_arrival(&mut self, class: &JobClass, after: SimTime) -> SimTime {
        match &class.arrival.diurnal {
            None => self.candidate_after(after),
            Some(_) => self.next_thinned(class, after),
        }
    }

    /// The next candidate arrival at the peak rate after `after` (one exponential draw).
    #[inline(always)]
    fn candidate_after(&mut self, after: SimTime) -> SimTime {
        let gap = unit_exponential(&mut self.rng);
        // Non-negative: adding one half and truncating rounds to nearest (cheaper than round()).
        after.saturating_add((gap / self.peak_rate_per_ns + 0.5) as u64)
    }

    /// The next arrival of a class with a diurnal curve: candidates thinned to rate(t) / peak.
    #[inline(never)]
    fn next_thinned(&mut self, class: &JobClass, after: SimTime) -> SimTime {
        let mut t = after;
        loop {
            t = self.candidate_after(t);
            let keep = class.arrival.rate_at(t) / class.arrival.peak_rate_per_second();
            if self.rng.random::<f64>() < keep || t == u64::MAX {
                return t;
            }
        }
    }

    /// Draws the attributes of the job arriving now.
    #[inline]
    pub fn draw(&mut self, class: &JobClass) -> JobDraw {
        let origin = if class.origin_weights.len() == 1 { 0 } else { self.origins.sample(&mut self.rng) as u16 };
        let units = match self.constant_units {
            Some(units) => units,
            None => draw_units(&class.units, &mut self.rng),
        };
        let runtime = seconds_to_nanos(class.runtime.sample(&mut self.rng)).max(1);
        let data_bytes = match self.constant_bytes {
            Some(bytes) => bytes,
            None => bytes_of(class.data.sample(&mut self.rng)),
        };
        // Drawn last, and only for classes with output, so other classes' draws are unchanged.
        let output_bytes = class.output.as_ref().map_or(0, |d| bytes_of(d.sample(&mut self.rng)));
        JobDraw { origin, units, runtime, data_bytes, output_bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use crate::workload::Distribution;

    /// Draws as `Source::draw` did before constants were resolved at construction: every
    /// attribute sampled from its distribution, in the same order, from the same stream.
    fn draw_by_sampling(class: &JobClass, origins: &OriginSampler, rng: &mut SimRng) -> JobDraw {
        let origin = if class.origin_weights.len() == 1 { 0 } else { origins.sample(rng) as u16 };
        let units = (class.units.sample(rng) + 0.5).clamp(1.0, u32::MAX as f64) as u32;
        let runtime = seconds_to_nanos(class.runtime.sample(rng)).max(1);
        let data_bytes = (class.data.sample(rng).max(0.0) + 0.5) as u64;
        let output_bytes = class.output.as_ref().map_or(0, |d| (d.sample(rng).max(0.0) + 0.5) as u64);
        JobDraw { origin, units, runtime, data_bytes, output_bytes }
    }

    #[test]
    fn constant_units_and_data_draw_what_sampling_draws() {
        let mut class = crate::bench::reference_scenario(3, 1000, 1).classes.remove(0);
        let constants = [(3.4, None, 7e6), (3.6, Some(2.0), -5.0), (0.2, None, 1e12 + 0.5)];
        for (units, max_units, data) in constants {
            class.units = Distribution::constant(units).unwrap().clamped(None, max_units).unwrap();
            class.data = Distribution::constant(data).unwrap();
            class.output = Some(Distribution::exponential(1e6).unwrap());
            let mut source = Source::new(&class, stream(4, Stream::Workload(0)));
            let mut rng = stream(4, Stream::Workload(0));
            let origins = OriginSampler::new(&class.origin_weights).unwrap();
            for _ in 0..1_000 {
                assert_eq!(source.draw(&class), draw_by_sampling(&class, &origins, &mut rng));
            }
        }
    }
}
