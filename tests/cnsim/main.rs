//! Integration tests of cnsim: one binary, a module per behaviour.

mod bad_input;
mod capacity;
mod cli;
mod conservation;
mod determinism;
mod helpers;
mod indexes;
mod overrides;
mod policies;
mod presets;
mod queueing;
mod schedulers;
mod sweep;
mod workload;
