//! Integration tests of cnsim: one binary, a module per behaviour.

mod bad_input;
mod capacity;
mod cli;
mod compare_headroom;
mod conservation;
mod determinism;
mod energy_assumptions;
mod fuzz;
mod hardening;
mod helpers;
mod indexes;
mod load_check;
mod network;
mod network_reference;
mod overrides;
mod policies;
mod presets;
mod priorities;
mod queueing;
mod schedulers;
mod slo;
mod sweep;
mod unfinished;
mod workload;
mod world_view;
