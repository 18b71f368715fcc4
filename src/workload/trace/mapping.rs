//! How a trace's rows become jobs, shared by every format: class rules, units, origin, data,
//! the time window, speed, load scaling and the status filter (`[[traces]]` in a scenario).

use std::path::PathBuf;

use crate::workload::trace::record::Record;

use crate::workload::Distribution;
use crate::workload::trace::format::{TraceFormat, column, field};

/// What to do with a row that cannot be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnBadRow {
    /// Stop with an error naming the row (the default).
    #[default]
    Error,
    /// Skip it and count it (reason `bad_row`).
    Skip,
}

/// A rule giving a class to the rows it matches; the first matching rule wins.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassRule {
    /// Class index in the scenario.
    pub class: u16,
    /// A column and the values that match (any value when `None`).
    pub column: Option<(String, Vec<String>)>,
    /// Units from, to (inclusive).
    pub units: (f64, f64),
    /// Runtime in seconds from, to (inclusive).
    pub runtime: (f64, f64),
}

/// Where a job's origin region comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum OriginRule {
    /// Always this region (by index).
    Region(u16),
    /// A column holding region ids; `ids[i]` is region i's id.
    Column {
        /// The column's name.
        column: String,
        /// Region ids, by index.
        ids: Vec<String>,
    },
    /// A seeded draw over the regions with these weights (the trace's own stream).
    Weights(Vec<f64>),
}

/// Where a job's data size comes from.
#[derive(Clone, Debug)]
pub enum DataRule {
    /// A distribution (a constant included), drawn from the trace's own stream.
    Distribution(Distribution),
    /// A column, its numbers times `bytes_per_value`.
    Column {
        /// The column's name.
        column: String,
        /// Bytes per unit of the column.
        bytes_per_value: f64,
    },
}

/// A validated `[[traces]]` source.
#[derive(Clone, Debug)]
pub struct TraceSpec {
    /// The file to read.
    pub path: PathBuf,
    /// The file as named in the scenario (for messages).
    pub file: String,
    /// Its format.
    pub format: TraceFormat,
    /// Class rules, first match wins.
    pub classes: Vec<ClassRule>,
    /// Units per GPU (or processor, or request).
    pub units_per_gpu: f64,
    /// Origin regions.
    pub origin: OriginRule,
    /// Data sizes.
    pub data: DataRule,
    /// Window start, seconds of trace time (replay time 0).
    pub start: f64,
    /// Window end, seconds of trace time (infinite when open).
    pub end: f64,
    /// Replay speed: submit gaps are divided by it (runtimes are not).
    pub speed: f64,
    /// Load scale: below 1 a seeded thinning, above 1 shifted overlaid copies.
    pub scale: f64,
    /// The shift between overlaid copies, seconds of replay time.
    pub shift: f64,
    /// Statuses kept (all when `None`).
    pub statuses: Option<Vec<String>>,
    /// What to do with unreadable rows.
    pub on_bad_row: OnBadRow,
    /// Rows may be this many seconds earlier than a row before them.
    pub reorder_window: f64,
    /// Each class's output size (by class index; `None` or missing: the class returns nothing).
    pub outputs: Vec<Option<Distribution>>,
}

impl TraceSpec {
    /// The number of overlaid copies the load scale asks for (1 at or below scale 1).
    pub fn copies(&self) -> u32 {
        (self.scale.ceil() as u32).max(1)
    }

    /// The probability that copy `copy` keeps a row.
    pub fn keep_probability(&self, copy: u32) -> f64 {
        (self.scale - f64::from(copy)).clamp(0.0, 1.0)
    }

    /// The output-size distribution of class `class`, if it returns output.
    #[inline]
    pub fn output_of(&self, class: u16) -> Option<&Distribution> {
        self.outputs.get(usize::from(class)).and_then(Option::as_ref)
    }

    /// A job's units from its GPUs: rounded to nearest, at least 1.
    #[inline]
    pub fn units(&self, gpus: f64) -> u32 {
        (gpus * self.units_per_gpu + 0.5).clamp(1.0, f64::from(u32::MAX)) as u32
    }
}

/// The mapping's columns found in a file's header.
#[derive(Clone, Debug, Default)]
pub struct MappedColumns {
    /// Per class rule, its column.
    pub rules: Vec<Option<usize>>,
    /// The origin column.
    pub origin: Option<usize>,
    /// The data column.
    pub data: Option<usize>,
}

impl MappedColumns {
    /// Finds the columns `spec` names in `header`.
    pub fn new(spec: &TraceSpec, header: &[String]) -> Result<MappedColumns, String> {
        let rules = spec
            .classes
            .iter()
            .map(|r| r.column.as_ref().map(|(name, _)| column(header, name)).transpose())
            .collect::<Result<_, _>>()?;
        let origin = match &spec.origin {
            OriginRule::Column { column: name, .. } => Some(column(header, name)?),
            _ => None,
        };
        let data = match &spec.data {
            DataRule::Column { column: name, .. } => Some(column(header, name)?),
            DataRule::Distribution(_) => None,
        };
        Ok(MappedColumns { rules, origin, data })
    }

    /// The class of a row with `units` and `runtime` (seconds): the first matching rule's.
    #[inline]
    pub fn class_of(&self, spec: &TraceSpec, record: &Record, units: f64, runtime: f64) -> Option<u16> {
        spec.classes.iter().zip(&self.rules).find_map(|(rule, column)| {
            let in_range = |(low, high): (f64, f64), v: f64| v >= low && v <= high;
            let column_matches = match (&rule.column, column) {
                (Some((_, values)), Some(c)) => {
                    let value = field(record, *c).trim_ascii();
                    values.iter().any(|v| v.as_bytes() == value)
                }
                _ => true,
            };
            (column_matches && in_range(rule.units, units) && in_range(rule.runtime, runtime)).then_some(rule.class)
        })
    }
}
