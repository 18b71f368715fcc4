//! `helios`: SenseTime Helios `cluster_log.csv` (`job_id, user, vc, gpu_num, cpu_num,
//! node_num, state, submit_time, start_time, end_time, duration, queue`).
//!
//! | job field | from |
//! |---|---|
//! | submit | `submit_time` (seconds, or a timestamp: then after the first row's) |
//! | runtime | `duration`; `end_time - start_time` when it is empty |
//! | GPUs | `gpu_num` |
//! | status | `state` (COMPLETED, CANCELLED, FAILED, TIMEOUT, NODE_FAIL, ...) |
//! | id | `job_id` |
//!
//! Dropped: `gpu_num = 0` (no_gpu), no `start_time` (never_started), no runtime (no_end).

use crate::workload::trace::record::Record;

use crate::workload::trace::fields::Clock;
use crate::workload::trace::format::{
    BadField, DropReason, Outcome, Parsed, column, number, optional_number, optional_time,
};

/// The format bound to a file's columns.
#[derive(Clone, Debug)]
pub struct Binding {
    clock: Clock,
    /// Column of `job_id`.
    pub job_id: usize,
    gpu_num: usize,
    /// Column of `state`.
    pub state: usize,
    submit: usize,
    start: usize,
    end: usize,
    duration: usize,
}

impl Binding {
    /// Finds the columns in `header`.
    pub fn new(header: &[String]) -> Result<Binding, String> {
        Ok(Binding {
            clock: Clock::new(1.0),
            job_id: column(header, "job_id")?,
            gpu_num: column(header, "gpu_num")?,
            state: column(header, "state")?,
            submit: column(header, "submit_time")?,
            start: column(header, "start_time")?,
            end: column(header, "end_time")?,
            duration: column(header, "duration")?,
        })
    }

    /// Reads one row.
    #[inline]
    pub fn parse(&mut self, record: &Record) -> Result<Outcome, BadField> {
        let submit = optional_time(record, self.submit, &mut self.clock)?
            .ok_or(BadField { column: self.submit, expected: self.clock.expected() })?;
        let gpus = number(record, self.gpu_num, "a whole number of GPUs >= 0")?;
        if gpus < 0.0 {
            return Err(BadField { column: self.gpu_num, expected: "a whole number of GPUs >= 0" });
        }
        if gpus == 0.0 {
            return Ok(Outcome::Drop(DropReason::NoGpu, Some(submit)));
        }
        let Some(start) = optional_time(record, self.start, &mut self.clock)? else {
            return Ok(Outcome::Drop(DropReason::NeverStarted, Some(submit)));
        };
        let runtime = match optional_number(record, self.duration, "seconds >= 0")? {
            Some(d) if d >= 0.0 => d,
            Some(_) => return Err(BadField { column: self.duration, expected: "seconds >= 0" }),
            None => match optional_time(record, self.end, &mut self.clock)? {
                Some(end) if end >= start => end - start,
                Some(_) => return Err(BadField { column: self.end, expected: "a time no earlier than start_time" }),
                None => return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit))),
            },
        };
        Ok(Outcome::Keep(Parsed { submit, runtime, gpus }))
    }
}
