//! `alibaba-pai-2020`: Alibaba `cluster-trace-gpu-v2020`'s `pai_task_table.csv` (header-less;
//! the names below are those of its `.header` file), one task a job.
//!
//! | job field | from |
//! |---|---|
//! | submit | `start_time` (seconds; the table has no submit time: the trace's own queueing is not replayed) |
//! | runtime | `end_time - start_time` |
//! | GPUs | `inst_num x plan_gpu / 100` (`plan_gpu` is in percent of a GPU per instance) |
//! | status | `status` (Terminated, Failed, Running, Waiting) |
//! | id | `job_name` |
//!
//! Dropped: `plan_gpu` empty or 0 (no_gpu), no `start_time` (never_started), no `end_time`
//! (no_end). The table is not sorted by start time as published: sort it first (e.g.
//! `sort -t, -k5,5g`), or set `reorder_window`.

use crate::workload::trace::record::Record;

use crate::workload::trace::fields::Clock;
use crate::workload::trace::format::{BadField, DropReason, Outcome, Parsed, number, optional_number, optional_time};

/// The task table's columns.
pub const COLUMNS: &[&str] = &[
    "job_name",
    "task_name",
    "inst_num",
    "status",
    "start_time",
    "end_time",
    "plan_cpu",
    "plan_mem",
    "plan_gpu",
    "gpu_type",
];

/// Column of `job_name`.
pub const JOB_NAME: usize = 0;
const INST_NUM: usize = 2;
/// Column of `status`.
pub const STATUS: usize = 3;
const START: usize = 4;
const END: usize = 5;
const PLAN_GPU: usize = 8;

/// Reads one row; `clock` reads its times (the format's columns are fixed).
#[inline]
pub fn parse(clock: &mut Clock, record: &Record) -> Result<Outcome, BadField> {
    let Some(start) = optional_time(record, START, clock)? else {
        return Ok(Outcome::Drop(DropReason::NeverStarted, None));
    };
    let instances = number(record, INST_NUM, "a whole number of instances >= 1")?;
    if instances < 1.0 {
        return Err(BadField { column: INST_NUM, expected: "a whole number of instances >= 1" });
    }
    let plan_gpu = optional_number(record, PLAN_GPU, "percent of a GPU >= 0")?.unwrap_or(0.0);
    if plan_gpu < 0.0 {
        return Err(BadField { column: PLAN_GPU, expected: "percent of a GPU >= 0" });
    }
    if plan_gpu == 0.0 {
        return Ok(Outcome::Drop(DropReason::NoGpu, Some(start)));
    }
    let Some(end) = optional_time(record, END, clock)? else {
        return Ok(Outcome::Drop(DropReason::NoEnd, Some(start)));
    };
    if end < start {
        return Err(BadField { column: END, expected: "a time no earlier than start_time" });
    }
    Ok(Outcome::Keep(Parsed { submit: start, runtime: end - start, gpus: instances * plan_gpu / 100.0 }))
}
