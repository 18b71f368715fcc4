//! What-if studies built on many runs: sweeps over a grid of overrides (`cnsim sweep`) and
//! capacity searches by bisection (`cnsim capacity`). See `docs/what-if.md`.

pub mod capacity;
pub mod measures;
pub mod sweep;
