//! `philly`: Microsoft Philly's `cluster_job_log`, a JSON list of jobs, read one job at a time
//! (the list is never held whole) and flattened into the columns below.
//!
//! | job field | from |
//! |---|---|
//! | submit | `submitted_time` (timestamps: seconds after the first job's) |
//! | runtime | the last attempt's `end_time - start_time` (the attempt that ended the job) |
//! | GPUs | the GPUs of the last attempt's `detail` (all machines) |
//! | status | `status` (Pass, Killed, Failed) |
//! | id | `jobid` |
//!
//! Dropped: no attempts (never_started), a last attempt with no end (no_end), no GPUs (no_gpu).

use std::io::BufRead;

use crate::workload::trace::record::Record;
use serde::Deserialize;

use crate::workload::trace::fields::Clock;
use crate::workload::trace::format::{BadField, DropReason, Outcome, Parsed, number, optional_time};

/// The flattened columns (the names a mapping may use).
pub const COLUMNS: &[&str] = &["jobid", "status", "vc", "user", "submitted_time", "start_time", "end_time", "gpus"];
/// Column of `jobid`.
pub const ID: usize = 0;
/// Column of `status`.
pub const STATUS: usize = 1;
const SUBMITTED: usize = 4;
const START: usize = 5;
const END: usize = 6;
const GPUS: usize = 7;

#[derive(Deserialize)]
struct Job {
    #[serde(default)]
    jobid: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    vc: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    submitted_time: Option<String>,
    #[serde(default)]
    attempts: Vec<Attempt>,
}

#[derive(Deserialize)]
struct Attempt {
    #[serde(default)]
    start_time: Option<String>,
    #[serde(default)]
    end_time: Option<String>,
    #[serde(default)]
    detail: Vec<Machine>,
}

#[derive(Deserialize)]
struct Machine {
    #[serde(default)]
    gpus: Vec<serde_json::Value>,
}

/// Reads the bytes of the next element of the top-level JSON list into `buffer` (empty at the
/// end), counting lines in `line`; returns the line the element starts on.
fn next_element(input: &mut impl BufRead, buffer: &mut Vec<u8>, line: &mut u64) -> std::io::Result<u64> {
    buffer.clear();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, *line);
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(start);
        }
        let mut used = 0;
        for &byte in available {
            used += 1;
            if byte == b'\n' {
                *line += 1;
            }
            if depth == 0 {
                if byte == b'{' {
                    depth = 1;
                    start = *line;
                    buffer.push(byte);
                }
                continue;
            }
            buffer.push(byte);
            match (in_string, escaped, byte) {
                (true, true, _) => escaped = false,
                (true, false, b'\\') => escaped = true,
                (true, false, b'"') => in_string = false,
                (false, _, b'"') => in_string = true,
                (false, _, b'{' | b'[') => depth += 1,
                (false, _, b'}' | b']') => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                input.consume(used);
                return Ok(start);
            }
        }
        input.consume(used);
    }
}

/// Reads the next job into `record` (flattened to [`COLUMNS`]); `false` at the end. `line` is
/// the running line count; the job's first line is returned in `at`.
pub fn next_record(
    input: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    line: &mut u64,
    at: &mut u64,
    record: &mut Record,
) -> std::io::Result<bool> {
    *at = next_element(input, buffer, line)? + 1;
    if buffer.is_empty() {
        return Ok(false);
    }
    let job: Job = serde_json::from_slice(buffer)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("line {at}: {e}")))?;
    let last = job.attempts.last();
    let gpus: usize = last.map_or(0, |a| a.detail.iter().map(|m| m.gpus.len()).sum());
    record.clear();
    for field in [&job.jobid, &job.status, &job.vc, &job.user, &job.submitted_time] {
        record.push_field(field.as_deref().unwrap_or("").as_bytes());
    }
    record.push_field(last.and_then(|a| a.start_time.as_deref()).unwrap_or("").as_bytes());
    record.push_field(last.and_then(|a| a.end_time.as_deref()).unwrap_or("").as_bytes());
    record.push_field(if last.is_some() { gpus.to_string() } else { String::new() }.as_bytes());
    Ok(true)
}

/// Reads one (flattened) job; `clock` reads its times.
#[inline]
pub fn parse(clock: &mut Clock, record: &Record) -> Result<Outcome, BadField> {
    let submit = optional_time(record, SUBMITTED, clock)?
        .ok_or(BadField { column: SUBMITTED, expected: "a timestamp YYYY-MM-DD HH:MM:SS" })?;
    let Some(start) = optional_time(record, START, clock)? else {
        return Ok(Outcome::Drop(DropReason::NeverStarted, Some(submit)));
    };
    let Some(end) = optional_time(record, END, clock)? else {
        return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit)));
    };
    if end < start {
        return Err(BadField { column: END, expected: "a time no earlier than start_time" });
    }
    let gpus = number(record, GPUS, "a number of GPUs")?;
    if gpus == 0.0 {
        return Ok(Outcome::Drop(DropReason::NoGpu, Some(submit)));
    }
    Ok(Outcome::Keep(Parsed { submit, runtime: end - start, gpus }))
}
