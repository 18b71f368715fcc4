//! `csv`: any CSV with a header, its columns named in the scenario (`columns = { ... }`).
//!
//! | job field | from |
//! |---|---|
//! | submit | column `submit` (numbers in `time_unit`, or timestamps: then after the first row's) |
//! | runtime | column `runtime` (in `time_unit`); else `end - start`, or `end - submit` without `start` |
//! | GPUs | column `units` (1 when not mapped) |
//! | status, id | columns `status`, `id` when mapped |
//!
//! Dropped: GPUs 0 (no_gpu), an empty `start` (never_started), an empty runtime or `end` (no_end).

use crate::workload::trace::record::Record;

use crate::workload::trace::fields::Clock;
use crate::workload::trace::format::{BadField, DropReason, Outcome, Parsed, column, optional_number, optional_time};

/// Which columns hold what (names as in the file's header): `columns = { ... }` of a trace.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnNames {
    /// Submit time.
    pub submit: String,
    /// Runtime (a duration in `time_unit`).
    pub runtime: Option<String>,
    /// Start time (with `end`).
    pub start: Option<String>,
    /// End time (when there is no `runtime`).
    pub end: Option<String>,
    /// GPUs (or any count that `units_per_gpu` turns into units).
    pub units: Option<String>,
    /// The job's own id.
    pub id: Option<String>,
    /// The job's status.
    pub status: Option<String>,
}

/// The column mapping of a `csv` trace and its time unit.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvColumns {
    /// The columns.
    pub names: ColumnNames,
    /// Seconds per numeric time unit.
    pub time_unit: f64,
}

/// The format bound to a file's columns.
#[derive(Clone, Debug)]
pub struct Binding {
    clock: Clock,
    unit: f64,
    submit: usize,
    runtime: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    units: Option<usize>,
    /// Column of the id.
    pub id: Option<usize>,
    /// Column of the status.
    pub status: Option<usize>,
}

impl Binding {
    /// Finds the mapped columns in `header`.
    pub fn new(mapping: &CsvColumns, header: &[String]) -> Result<Binding, String> {
        let optional = |name: &Option<String>| name.as_deref().map(|n| column(header, n)).transpose();
        let columns = &mapping.names;
        Ok(Binding {
            clock: Clock::new(mapping.time_unit),
            unit: mapping.time_unit,
            submit: column(header, &columns.submit)?,
            runtime: optional(&columns.runtime)?,
            start: optional(&columns.start)?,
            end: optional(&columns.end)?,
            units: optional(&columns.units)?,
            id: optional(&columns.id)?,
            status: optional(&columns.status)?,
        })
    }

    /// Reads one row.
    #[inline]
    pub fn parse(&mut self, record: &Record) -> Result<Outcome, BadField> {
        let submit = optional_time(record, self.submit, &mut self.clock)?
            .ok_or(BadField { column: self.submit, expected: self.clock.expected() })?;
        let gpus = match self.units {
            None => 1.0,
            Some(c) => match optional_number(record, c, "a number >= 0")? {
                Some(g) if g >= 0.0 => g,
                _ => return Err(BadField { column: c, expected: "a number >= 0" }),
            },
        };
        if gpus == 0.0 {
            return Ok(Outcome::Drop(DropReason::NoGpu, Some(submit)));
        }
        let runtime = match self.runtime {
            Some(c) => match optional_number(record, c, "a duration >= 0 in the time unit")? {
                Some(r) if r >= 0.0 => r * self.unit,
                Some(_) => return Err(BadField { column: c, expected: "a duration >= 0 in the time unit" }),
                None => return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit))),
            },
            None => {
                let start = match self.start {
                    None => submit,
                    Some(c) => match optional_time(record, c, &mut self.clock)? {
                        Some(s) => s,
                        None => return Ok(Outcome::Drop(DropReason::NeverStarted, Some(submit))),
                    },
                };
                let end = self.end.expect("validated: runtime or end");
                match optional_time(record, end, &mut self.clock)? {
                    Some(e) if e >= start => e - start,
                    Some(_) => return Err(BadField { column: end, expected: "a time no earlier than the start" }),
                    None => return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit))),
                }
            }
        };
        Ok(Outcome::Keep(Parsed { submit, runtime, gpus }))
    }
}
