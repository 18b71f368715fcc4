//! Job sources: workload classes, their distributions, and lazily generated arrivals.

pub mod class;
pub mod distribution;
pub mod origin;
pub mod slo;
pub mod synthetic;
pub mod trace;

pub use class::{Arrival, Diurnal, InputAt, JobClass};
pub use distribution::{Distribution, Shape};
pub use origin::OriginSampler;
pub use slo::Slo;
pub use synthetic::{JobDraw, Source, draw_units};
