//! `alibaba-gpu-2023`: Alibaba `cluster-trace-gpu-v2023` pod lists (`openb_pod_list_*.csv`).
//!
//! | job field | from |
//! |---|---|
//! | submit | `creation_time` (seconds from the trace start) |
//! | runtime | `deletion_time - scheduled_time` |
//! | GPUs | `num_gpu`; when it is 1, `gpu_milli / 1000` (a shared GPU) |
//! | status | `pod_phase` (Running, Succeeded, Failed, Pending) |
//! | id | `name` |
//!
//! Dropped: `num_gpu = 0` (no_gpu), no `scheduled_time` (never_started), no `deletion_time`
//! (no_end).

use crate::workload::trace::record::Record;

use crate::workload::trace::fields::Clock;
use crate::workload::trace::format::{
    BadField, DropReason, Outcome, Parsed, column, number, optional_number, optional_time,
};

/// The format bound to a file's columns.
#[derive(Clone, Debug)]
pub struct Binding {
    clock: Clock,
    /// Column of `name`.
    pub name: usize,
    num_gpu: usize,
    gpu_milli: usize,
    /// Column of `pod_phase`.
    pub pod_phase: usize,
    creation: usize,
    deletion: usize,
    scheduled: usize,
}

impl Binding {
    /// Finds the columns in `header`.
    pub fn new(header: &[String]) -> Result<Binding, String> {
        Ok(Binding {
            clock: Clock::new(1.0),
            name: column(header, "name")?,
            num_gpu: column(header, "num_gpu")?,
            gpu_milli: column(header, "gpu_milli")?,
            pod_phase: column(header, "pod_phase")?,
            creation: column(header, "creation_time")?,
            deletion: column(header, "deletion_time")?,
            scheduled: column(header, "scheduled_time")?,
        })
    }

    /// Reads one row.
    #[inline]
    pub fn parse(&mut self, record: &Record) -> Result<Outcome, BadField> {
        let submit = optional_time(record, self.creation, &mut self.clock)?
            .ok_or(BadField { column: self.creation, expected: "seconds from the trace start" })?;
        let num_gpu = number(record, self.num_gpu, "a whole number of GPUs >= 0")?;
        if num_gpu < 0.0 {
            return Err(BadField { column: self.num_gpu, expected: "a whole number of GPUs >= 0" });
        }
        if num_gpu == 0.0 {
            return Ok(Outcome::Drop(DropReason::NoGpu, Some(submit)));
        }
        let gpus = if num_gpu == 1.0 {
            let milli = optional_number(record, self.gpu_milli, "thousandths of a GPU, 1 to 1000")?.unwrap_or(1000.0);
            if !(milli > 0.0 && milli <= 1000.0) {
                return Err(BadField { column: self.gpu_milli, expected: "thousandths of a GPU, 1 to 1000" });
            }
            milli / 1000.0
        } else {
            num_gpu
        };
        let Some(scheduled) = optional_time(record, self.scheduled, &mut self.clock)? else {
            return Ok(Outcome::Drop(DropReason::NeverStarted, Some(submit)));
        };
        let Some(deletion) = optional_time(record, self.deletion, &mut self.clock)? else {
            return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit)));
        };
        if deletion < scheduled {
            return Err(BadField { column: self.deletion, expected: "a time no earlier than scheduled_time" });
        }
        Ok(Outcome::Keep(Parsed { submit, runtime: deletion - scheduled, gpus }))
    }
}
