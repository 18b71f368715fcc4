//! A trace as a job source: rows read lazily, in submit order, mapped to jobs.
//!
//! The engine holds one pending job per source and asks for the next when it fires, so memory
//! is independent of the trace's length (plus at most a reorder window's rows).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::RngExt;

use crate::rng::{SimRng, Stream, stream};
use crate::time::{SimTime, seconds_to_nanos};
use crate::workload::trace::error::{BadRow, TraceError, shorten};
use crate::workload::trace::format::{BadField, Binding, DropReason, Outcome, Parsed, field, number};
use crate::workload::trace::mapping::{DataRule, MappedColumns, OnBadRow, OriginRule, TraceSpec};
use crate::workload::trace::reader::RecordReader;
use crate::workload::{JobDraw, OriginSampler};

/// Bad rows kept as examples for the report.
pub const SHOWN_BAD_ROWS: usize = 5;

/// One job from a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceJob {
    /// Replay submit time.
    pub submit: SimTime,
    /// Class index.
    pub class: u16,
    /// Origin, units, runtime and data.
    pub draw: JobDraw,
    /// The trace's own id (only when asked for).
    pub id: Option<Box<str>>,
    /// The row's trace time of submission, seconds.
    pub trace_submit: f64,
}

/// What a source has read so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceStats {
    /// Rows read.
    pub rows: u64,
    /// Jobs passed on.
    pub kept: u64,
    /// Rows dropped, by [`DropReason`] (in `DropReason::ALL` order).
    pub dropped: [u64; DropReason::ALL.len()],
    /// The first few unreadable rows.
    pub bad_rows: Vec<BadRow>,
    /// Jobs passed on before the source's end time (see [`TraceSource::until`]).
    pub replayed: u64,
    /// Work of those jobs by class index: units x runtime, in unit-nanoseconds (exact).
    pub offered_unit_nanos: Vec<u128>,
}

impl TraceStats {
    /// Rows dropped for `reason`.
    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped[reason as usize]
    }

    /// Adds another source's counts.
    pub fn add(&mut self, other: &TraceStats) {
        self.rows += other.rows;
        self.kept += other.kept;
        for (a, b) in self.dropped.iter_mut().zip(other.dropped) {
            *a += b;
        }
        self.replayed += other.replayed;
        if self.offered_unit_nanos.len() < other.offered_unit_nanos.len() {
            self.offered_unit_nanos.resize(other.offered_unit_nanos.len(), 0);
        }
        for (a, b) in self.offered_unit_nanos.iter_mut().zip(&other.offered_unit_nanos) {
            *a += b;
        }
        for bad in &other.bad_rows {
            if self.bad_rows.len() < SHOWN_BAD_ROWS {
                self.bad_rows.push(bad.clone());
            }
        }
    }
}

/// A job waiting in the reorder window, earliest first (ties by line).
type Held = Reverse<(SimTime, u64, HeldJob)>;

#[derive(Clone, Debug, PartialEq)]
struct HeldJob(TraceJob);
impl Eq for HeldJob {}
impl PartialOrd for HeldJob {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HeldJob {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

/// One copy of a trace, read lazily.
pub struct TraceSource {
    spec: TraceSpec,
    reader: RecordReader,
    binding: Binding,
    columns: MappedColumns,
    origins: Option<OriginSampler>,
    origin_rng: SimRng,
    data_rng: SimRng,
    thin_rng: SimRng,
    output_rng: SimRng,
    keep: f64,
    offset: f64,
    latest: f64,
    held: BinaryHeap<Held>,
    want_ids: bool,
    /// Whether to read on past the window's end (to count every row).
    read_all: bool,
    /// Jobs submitted at or after this replay time end the source.
    until: SimTime,
    exhausted: bool,
    stats: TraceStats,
    error: Option<TraceError>,
}

impl TraceSource {
    /// Opens copy `copy` of trace `index` of `spec` under master seed `seed`.
    pub fn open(spec: &TraceSpec, index: u32, copy: u32, seed: u64) -> Result<TraceSource, TraceError> {
        let reader = RecordReader::open(&spec.path, &spec.file, spec.format.layout())?;
        let header = |message: String| TraceError::Header { file: spec.file.clone(), message };
        let binding = Binding::new(&spec.format, reader.header()).map_err(header)?;
        let columns = MappedColumns::new(spec, reader.header()).map_err(header)?;
        let origins = match &spec.origin {
            OriginRule::Weights(w) => Some(OriginSampler::new(w).expect("validated origin weights")),
            _ => None,
        };
        let id = index * 1024 + copy;
        Ok(TraceSource {
            reader,
            binding,
            columns,
            origins,
            origin_rng: stream(seed, Stream::TraceOrigin(id)),
            data_rng: stream(seed, Stream::TraceData(id)),
            thin_rng: stream(seed, Stream::TraceThinning(id)),
            output_rng: stream(seed, Stream::TraceOutput(id)),
            keep: spec.keep_probability(copy),
            offset: f64::from(copy) * spec.shift,
            latest: f64::NEG_INFINITY,
            held: BinaryHeap::new(),
            want_ids: false,
            read_all: false,
            until: SimTime::MAX,
            exhausted: false,
            stats: TraceStats::default(),
            error: None,
            spec: spec.clone(),
        })
    }

    /// Keeps each job's id from the trace (for the per-job output).
    pub fn with_ids(mut self) -> Self {
        self.want_ids = true;
        self
    }

    /// Reads every row, also past the window's end (for `trace inspect`).
    pub fn reading_all(mut self) -> Self {
        self.read_all = true;
        self
    }

    /// Ends the source at its first job submitted at or after `end` (the run's end): that job
    /// is read (and counted as kept) but not passed on.
    pub fn until(mut self, end: SimTime) -> Self {
        self.until = end;
        self
    }

    /// What has been read so far.
    pub fn stats(&self) -> &TraceStats {
        &self.stats
    }

    /// The error that stopped the source, if any.
    pub fn error(&self) -> Option<&TraceError> {
        self.error.as_ref()
    }

    /// The next job in submit order, or `None` at the end (or on an error: see [`Self::error`]).
    /// Each job passed on adds its work to [`TraceStats::offered_unit_nanos`].
    pub fn next_job(&mut self) -> Option<TraceJob> {
        let job = self.next_in_order().filter(|job| job.submit < self.until)?;
        let class = usize::from(job.class);
        let work = &mut self.stats.offered_unit_nanos;
        if work.len() <= class {
            work.resize(class + 1, 0);
        }
        work[class] += u128::from(job.draw.units) * u128::from(job.draw.runtime);
        self.stats.replayed += 1;
        Some(job)
    }

    /// The next job in submit order, whenever it is submitted.
    fn next_in_order(&mut self) -> Option<TraceJob> {
        if self.spec.reorder_window <= 0.0 {
            return self.read_job();
        }
        let window = self.spec.reorder_window;
        loop {
            if let Some(Reverse((_, _, HeldJob(top)))) = self.held.peek()
                && (self.exhausted || top.trace_submit <= self.latest - window)
            {
                return self.held.pop().map(|Reverse((_, _, HeldJob(job)))| job);
            }
            if self.exhausted {
                return None;
            }
            match self.read_job() {
                Some(job) => {
                    let line = self.reader.line();
                    self.held.push(Reverse((job.submit, line, HeldJob(job))));
                }
                None => self.exhausted = true,
            }
        }
    }

    /// The next kept job in file order.
    fn read_job(&mut self) -> Option<TraceJob> {
        if self.error.is_some() {
            return None;
        }
        loop {
            match self.reader.advance() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            }
            self.stats.rows += 1;
            let outcome = match self.binding.parse(self.reader.record()) {
                Ok(outcome) => outcome,
                Err(bad) if self.skip(bad) => continue,
                Err(_) => return None,
            };
            let submit = match outcome {
                Outcome::Keep(p) => Some(p.submit),
                Outcome::Drop(_, submit) => submit,
            };
            if let Some(submit) = submit
                && !self.in_order(submit)
            {
                return None;
            }
            let parsed = match outcome {
                Outcome::Keep(parsed) => parsed,
                Outcome::Drop(reason, _) => {
                    self.stats.dropped[reason as usize] += 1;
                    continue;
                }
            };
            match self.map(parsed) {
                Ok(job) => {
                    self.stats.kept += 1;
                    return Some(job);
                }
                Err(Unmapped::Bad(bad)) if self.skip(bad) => {}
                Err(Unmapped::Bad(_)) => return None,
                Err(Unmapped::Drop(DropReason::AfterWindow)) if !self.read_all && self.spec.reorder_window <= 0.0 => {
                    self.stats.dropped[DropReason::AfterWindow as usize] += 1;
                    return None;
                }
                Err(Unmapped::Drop(reason)) => self.stats.dropped[reason as usize] += 1,
            }
        }
    }

    /// Handles an unreadable field of the current row: `true` when it is skipped and counted,
    /// `false` when it stops the source (the error is kept).
    fn skip(&mut self, bad: BadField) -> bool {
        let record = self.reader.record();
        let row = BadRow {
            file: self.spec.file.clone(),
            line: self.reader.line(),
            column: self.reader.header().get(bad.column).cloned().unwrap_or_default(),
            value: shorten(&String::from_utf8_lossy(record.get(bad.column).unwrap_or(b""))),
            expected: bad.expected.to_string(),
        };
        if self.spec.on_bad_row == OnBadRow::Error {
            self.error = Some(TraceError::BadRow(row));
            return false;
        }
        self.stats.dropped[DropReason::BadRow as usize] += 1;
        if self.stats.bad_rows.len() < SHOWN_BAD_ROWS {
            self.stats.bad_rows.push(row);
        }
        true
    }

    /// Checks the submit order (within the reorder window); records the error when broken.
    #[inline]
    fn in_order(&mut self, submit: f64) -> bool {
        if submit < self.latest - self.spec.reorder_window {
            self.error = Some(TraceError::OutOfOrder {
                file: self.spec.file.clone(),
                line: self.reader.line(),
                submit,
                previous: self.latest,
            });
            return false;
        }
        self.latest = self.latest.max(submit);
        true
    }

    /// Maps a row read to a job, or says why there is none.
    #[inline]
    fn map(&mut self, parsed: Parsed) -> Result<TraceJob, Unmapped> {
        let spec = &self.spec;
        let record = self.reader.record();
        if let (Some(kept), Some(column)) = (&spec.statuses, self.binding.status_column()) {
            let status = field(record, column).trim_ascii();
            if !kept.iter().any(|k| k.as_bytes() == status) {
                return Err(Unmapped::Drop(DropReason::Status));
            }
        }
        if parsed.submit < spec.start {
            return Err(Unmapped::Drop(DropReason::BeforeWindow));
        }
        if parsed.submit >= spec.end {
            return Err(Unmapped::Drop(DropReason::AfterWindow));
        }
        let units = spec.units(parsed.gpus);
        let class = self
            .columns
            .class_of(spec, record, f64::from(units), parsed.runtime)
            .ok_or(Unmapped::Drop(DropReason::NoClass))?;
        if self.keep < 1.0 && self.thin_rng.random::<f64>() >= self.keep {
            return Err(Unmapped::Drop(DropReason::Thinned));
        }
        let origin = match &spec.origin {
            OriginRule::Region(r) => *r,
            OriginRule::Weights(_) => self.origins.as_ref().expect("weights").sample(&mut self.origin_rng) as u16,
            OriginRule::Column { ids, .. } => {
                let column = self.columns.origin.expect("bound");
                let value = field(record, column).trim_ascii();
                let found = ids.iter().position(|id| id.as_bytes() == value);
                found.ok_or(Unmapped::Bad(BadField { column, expected: "a region id of the scenario" }))? as u16
            }
        };
        let data_bytes = match &spec.data {
            DataRule::Distribution(d) => (d.sample(&mut self.data_rng).max(0.0) + 0.5) as u64,
            DataRule::Column { bytes_per_value, .. } => {
                let column = self.columns.data.expect("bound");
                let value = number(record, column, "a number >= 0").map_err(Unmapped::Bad)?;
                if value < 0.0 {
                    return Err(Unmapped::Bad(BadField { column, expected: "a number >= 0" }));
                }
                (value * bytes_per_value + 0.5) as u64
            }
        };
        // Drawn as a synthetic job of the class draws it, from the trace's own stream.
        let output_bytes = spec.output_of(class).map_or(0, |d| (d.sample(&mut self.output_rng).max(0.0) + 0.5) as u64);
        let id = match (self.want_ids, self.binding.id_column()) {
            (true, Some(c)) => Some(String::from_utf8_lossy(field(record, c)).trim().into()),
            _ => None,
        };
        let replay = self.offset + (parsed.submit - spec.start) / spec.speed;
        let runtime = seconds_to_nanos(parsed.runtime).max(1);
        Ok(TraceJob {
            submit: seconds_to_nanos(replay),
            class,
            draw: JobDraw { origin, units, runtime, data_bytes, output_bytes },
            id,
            trace_submit: parsed.submit,
        })
    }
}

/// Why a row read gives no job.
enum Unmapped {
    /// Dropped, for this reason.
    Drop(DropReason),
    /// A mapped column cannot be read.
    Bad(BadField),
}
