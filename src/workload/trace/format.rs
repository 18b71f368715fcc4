//! The trace formats, their column bindings, and what a row becomes: a job's submit time,
//! runtime and GPUs (or processors), or a reason to drop it.

use crate::workload::trace::record::Record;

use crate::workload::trace::fields::{self, Clock};
use crate::workload::trace::reader::Layout;
use crate::workload::trace::{alibaba_gpu_2023, alibaba_pai_2020, azure_llm, csv_generic, helios, philly, swf};

pub use azure_llm::LlmModel;
pub use csv_generic::CsvColumns;

/// A built-in trace format.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceFormat {
    /// Any CSV, with a column mapping.
    Csv(CsvColumns),
    /// Azure LLM inference (`AzureLLMInferenceTrace_*.csv`).
    AzureLlm(LlmModel),
    /// Alibaba `cluster-trace-gpu-v2023` pod lists (`openb_pod_list_*.csv`).
    AlibabaGpu2023,
    /// Alibaba `cluster-trace-gpu-v2020` job table (`pai_job_table.csv`) with its task table.
    AlibabaPai2020(alibaba_pai_2020::TaskTable),
    /// The Standard Workload Format of the Parallel Workloads Archive.
    Swf,
    /// SenseTime Helios `cluster_log.csv`.
    Helios,
    /// Microsoft Philly `cluster_job_log` (JSON).
    Philly,
}

/// The format names, as written in a scenario.
pub const FORMAT_NAMES: &[&str] =
    &["csv", "azure-llm", "alibaba-gpu-2023", "alibaba-pai-2020", "swf", "helios", "philly"];

impl TraceFormat {
    /// The format's name.
    pub fn name(&self) -> &'static str {
        match self {
            TraceFormat::Csv(_) => "csv",
            TraceFormat::AzureLlm(_) => "azure-llm",
            TraceFormat::AlibabaGpu2023 => "alibaba-gpu-2023",
            TraceFormat::AlibabaPai2020(_) => "alibaba-pai-2020",
            TraceFormat::Swf => "swf",
            TraceFormat::Helios => "helios",
            TraceFormat::Philly => "philly",
        }
    }

    /// How its files are laid out.
    pub fn layout(&self) -> Layout {
        match self {
            TraceFormat::Swf => Layout::Whitespace(swf::COLUMNS),
            TraceFormat::AlibabaPai2020(_) => Layout::CsvNamed(alibaba_pai_2020::COLUMNS),
            TraceFormat::Philly => Layout::PhillyJson(philly::COLUMNS),
            _ => Layout::CsvWithHeader,
        }
    }
}

/// Why a row gives no job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DropReason {
    /// It asks for no GPU (or processor).
    NoGpu,
    /// It never started (no start or scheduled time).
    NeverStarted,
    /// It has no end (still running when the trace was cut, or no runtime).
    NoEnd,
    /// Its status is not among the kept ones.
    Status,
    /// It was submitted before the window's start.
    BeforeWindow,
    /// It was submitted at or after the window's end.
    AfterWindow,
    /// No class rule matched it.
    NoClass,
    /// Thinned away by load scaling below 1.
    Thinned,
    /// It could not be read (`on_bad_row = "skip"`).
    BadRow,
}

impl DropReason {
    /// Every reason, in report order.
    pub const ALL: [DropReason; 9] = [
        DropReason::NoGpu,
        DropReason::NeverStarted,
        DropReason::NoEnd,
        DropReason::Status,
        DropReason::BeforeWindow,
        DropReason::AfterWindow,
        DropReason::NoClass,
        DropReason::Thinned,
        DropReason::BadRow,
    ];

    /// The reason's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::NoGpu => "no_gpu",
            DropReason::NeverStarted => "never_started",
            DropReason::NoEnd => "no_end",
            DropReason::Status => "status",
            DropReason::BeforeWindow => "before_window",
            DropReason::AfterWindow => "after_window",
            DropReason::NoClass => "no_class",
            DropReason::Thinned => "thinned",
            DropReason::BadRow => "bad_row",
        }
    }
}

/// A row read: trace time of submission and runtime in seconds, and GPUs (or processors).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parsed {
    /// Submit time, seconds of trace time.
    pub submit: f64,
    /// Runtime, seconds.
    pub runtime: f64,
    /// GPUs (fractions for shared GPUs) or processors.
    pub gpus: f64,
}

/// What a row becomes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// A job.
    Keep(Parsed),
    /// No job, for this reason (its submit time, when known, still counts for the order check).
    Drop(DropReason, Option<f64>),
}

/// A field that cannot be read: its column index and what it must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadField {
    /// Column index.
    pub column: usize,
    /// What the column must hold.
    pub expected: &'static str,
}

/// The index of column `name`, or a message listing the file's columns.
pub fn column(header: &[String], name: &str) -> Result<usize, String> {
    header.iter().position(|h| h == name).ok_or_else(|| {
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        format!("no column `{name}`; the file has: {}", crate::scenario::error::shorten_list(&names))
    })
}

/// The bytes of column `index` (empty when the row is short).
#[inline]
pub fn field(record: &Record, index: usize) -> &[u8] {
    record.get(index).unwrap_or(b"")
}

/// A number in column `index`.
#[inline]
pub fn number(record: &Record, index: usize, expected: &'static str) -> Result<f64, BadField> {
    fields::number(field(record, index)).ok_or(BadField { column: index, expected })
}

/// A number in column `index`, or `None` when the field is empty.
#[inline]
pub fn optional_number(record: &Record, index: usize, expected: &'static str) -> Result<Option<f64>, BadField> {
    let bytes = field(record, index);
    match fields::number(bytes) {
        Some(value) => Ok(Some(value)),
        None if fields::is_empty(bytes) => Ok(None),
        None => Err(BadField { column: index, expected }),
    }
}

/// A time in column `index` read by `clock`, or `None` when the field is empty.
#[inline]
pub fn optional_time(record: &Record, index: usize, clock: &mut Clock) -> Result<Option<f64>, BadField> {
    let bytes = field(record, index);
    match clock.read(bytes) {
        Some(time) => Ok(Some(time)),
        None if fields::is_empty(bytes) => Ok(None),
        None => Err(BadField { column: index, expected: clock.expected() }),
    }
}

/// A format bound to a file's columns.
#[derive(Clone, Debug)]
pub enum Binding {
    /// See [`csv_generic`].
    Csv(csv_generic::Binding),
    /// See [`azure_llm`].
    AzureLlm(azure_llm::Binding),
    /// See [`alibaba_gpu_2023`].
    AlibabaGpu2023(alibaba_gpu_2023::Binding),
    /// See [`alibaba_pai_2020`] (fixed columns, the task table folded in memory).
    AlibabaPai2020(alibaba_pai_2020::Binding),
    /// See [`swf`].
    Swf(swf::Binding),
    /// See [`helios`].
    Helios(helios::Binding),
    /// See [`philly`] (fixed columns: only a clock).
    Philly(Clock),
}

impl Binding {
    /// Binds `format` to a file with columns `header`.
    pub fn new(format: &TraceFormat, header: &[String]) -> Result<Binding, String> {
        Ok(match format {
            TraceFormat::Csv(columns) => Binding::Csv(csv_generic::Binding::new(columns, header)?),
            TraceFormat::AzureLlm(model) => Binding::AzureLlm(azure_llm::Binding::new(*model, header)?),
            TraceFormat::AlibabaGpu2023 => Binding::AlibabaGpu2023(alibaba_gpu_2023::Binding::new(header)?),
            TraceFormat::AlibabaPai2020(tasks) => Binding::AlibabaPai2020(alibaba_pai_2020::Binding::new(tasks)?),
            TraceFormat::Swf => Binding::Swf(swf::Binding::new(header)?),
            TraceFormat::Helios => Binding::Helios(helios::Binding::new(header)?),
            TraceFormat::Philly => Binding::Philly(Clock::new(1.0)),
        })
    }

    /// Reads one row.
    #[inline]
    pub fn parse(&mut self, record: &Record) -> Result<Outcome, BadField> {
        match self {
            Binding::Csv(b) => b.parse(record),
            Binding::AzureLlm(b) => b.parse(record),
            Binding::AlibabaGpu2023(b) => b.parse(record),
            Binding::AlibabaPai2020(b) => b.parse(record),
            Binding::Swf(b) => b.parse(record),
            Binding::Helios(b) => b.parse(record),
            Binding::Philly(clock) => philly::parse(clock, record),
        }
    }

    /// The column holding each job's own id, if the format has one.
    pub fn id_column(&self) -> Option<usize> {
        match self {
            Binding::Csv(b) => b.id,
            Binding::AzureLlm(_) => None,
            Binding::AlibabaGpu2023(b) => Some(b.name),
            Binding::AlibabaPai2020(_) => Some(alibaba_pai_2020::JOB_NAME),
            Binding::Swf(_) => Some(0),
            Binding::Helios(b) => Some(b.job_id),
            Binding::Philly(_) => Some(philly::ID),
        }
    }

    /// The column holding each job's status, if the format has one.
    pub fn status_column(&self) -> Option<usize> {
        match self {
            Binding::Csv(b) => b.status,
            Binding::AzureLlm(_) => None,
            Binding::AlibabaGpu2023(b) => Some(b.pod_phase),
            Binding::AlibabaPai2020(_) => Some(alibaba_pai_2020::STATUS),
            Binding::Swf(_) => Some(swf::STATUS),
            Binding::Helios(b) => Some(b.state),
            Binding::Philly(_) => Some(philly::STATUS),
        }
    }
}
