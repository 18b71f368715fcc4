//! `swf`: the Standard Workload Format of the Parallel Workloads Archive: 18
//! whitespace-separated fields, -1 for missing, `;` comment lines.
//!
//! | job field | from |
//! |---|---|
//! | submit | field 2, `submit` (seconds) |
//! | runtime | field 4, `run_time` |
//! | GPUs (processors) | field 5, `procs` (allocated); field 8, `requested_procs`, when it is -1 |
//! | status | field 11, `status` (1 completed, 0 failed, 5 cancelled) |
//! | id | field 1, `job` |
//!
//! Dropped: no processors (no_gpu), `run_time` -1 (no_end).

use crate::workload::trace::record::Record;

use crate::workload::trace::format::{BadField, DropReason, Outcome, Parsed, number};

/// The 18 fields' names (the columns a mapping may name).
pub const COLUMNS: &[&str] = &[
    "job",
    "submit",
    "wait",
    "run_time",
    "procs",
    "cpu_time",
    "memory",
    "requested_procs",
    "requested_time",
    "requested_memory",
    "status",
    "user",
    "group",
    "executable",
    "queue",
    "partition",
    "preceding_job",
    "think_time",
];

/// Column index of `status`.
pub const STATUS: usize = 10;
const SUBMIT: usize = 1;
const RUN_TIME: usize = 3;
const PROCS: usize = 4;
const REQUESTED_PROCS: usize = 7;

/// The format (its columns are fixed).
#[derive(Clone, Debug)]
pub struct Binding;

impl Binding {
    /// The format's binding (the header is its own).
    pub fn new(_header: &[String]) -> Result<Binding, String> {
        Ok(Binding)
    }

    /// Reads one row.
    #[inline]
    pub fn parse(&mut self, record: &Record) -> Result<Outcome, BadField> {
        let submit = number(record, SUBMIT, "seconds >= 0")?;
        if submit < 0.0 {
            return Err(BadField { column: SUBMIT, expected: "seconds >= 0" });
        }
        let run_time = number(record, RUN_TIME, "seconds, or -1 when unknown")?;
        let mut procs = number(record, PROCS, "a number of processors, or -1 when unknown")?;
        if procs <= 0.0 {
            procs = number(record, REQUESTED_PROCS, "a number of processors, or -1 when unknown")?;
        }
        if procs <= 0.0 {
            return Ok(Outcome::Drop(DropReason::NoGpu, Some(submit)));
        }
        if run_time < 0.0 {
            return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit)));
        }
        Ok(Outcome::Keep(Parsed { submit, runtime: run_time, gpus: procs }))
    }
}
