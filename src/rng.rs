//! Random-number streams: one master seed, independent streams derived by purpose.
//!
//! Jobs are drawn from per-class workload streams that no scheduling decision touches, so
//! every policy run on the same seed sees identical jobs (common random numbers).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere in the simulator: named and portable (xoshiro256++).
pub type SimRng = Xoshiro256PlusPlus;

/// What a random stream is used for; each purpose gets its own independent stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Arrivals and attributes of the jobs of one workload class (by index).
    Workload(u32),
    /// Randomised scheduling policies.
    Scheduler,
    /// The load check's sampled means of one class (by index); never used by a run.
    LoadCheck(u32),
    /// The up and down times of one random outage process (by index in the scenario).
    Outage(u32),
    /// The failures of running jobs of one class (by index).
    JobFailure(u32),
    /// A trace copy's origin draws (by trace index x 1024 + copy).
    TraceOrigin(u32),
    /// A trace copy's data-size draws.
    TraceData(u32),
    /// A trace copy's thinning draws (load scaling).
    TraceThinning(u32),
    /// A trace copy's output-size draws (for classes with `output`).
    TraceOutput(u32),
    /// Errors of the signal forecasts policies see.
    Forecast,
    /// The up and down times of one random link cut process (by index in the scenario).
    LinkCut(u32),
}

impl Stream {
    fn tag(self) -> u64 {
        match self {
            Stream::Workload(class) => 0x1000_0000 + u64::from(class),
            Stream::Scheduler => 0x2000_0000,
            Stream::LoadCheck(class) => 0x3000_0000 + u64::from(class),
            Stream::Outage(process) => 0x4000_0000 + u64::from(process),
            Stream::JobFailure(class) => 0x5000_0000 + u64::from(class),
            Stream::TraceOrigin(copy) => 0x4_0000_0000 + u64::from(copy),
            Stream::TraceData(copy) => 0x5_0000_0000 + u64::from(copy),
            Stream::TraceThinning(copy) => 0x6_0000_0000 + u64::from(copy),
            Stream::Forecast => 0x7_0000_0000,
            Stream::TraceOutput(copy) => 0x9_0000_0000 + u64::from(copy),
            Stream::LinkCut(process) => 0x8_0000_0000 + u64::from(process),
        }
    }
}

/// SplitMix64 finaliser: decorrelates nearby seeds and tags.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for `purpose` under master seed `seed`.
pub fn stream(seed: u64, purpose: Stream) -> SimRng {
    SimRng::seed_from_u64(mix(mix(seed) ^ mix(purpose.tag())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(1, Stream::Workload(0)).random();
        let b: u64 = stream(1, Stream::Workload(0)).random();
        let c: u64 = stream(1, Stream::Workload(1)).random();
        let d: u64 = stream(2, Stream::Workload(0)).random();
        let e: u64 = stream(1, Stream::Scheduler).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_ne!(a, e);
    }
}
