//! Job sources: workload classes, their distributions, and lazily generated arrivals.

pub mod class;
pub mod distribution;
pub mod synthetic;

pub use class::{Arrival, Diurnal, JobClass};
pub use distribution::{Distribution, Shape};
pub use synthetic::{JobDraw, Source};
