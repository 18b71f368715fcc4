//! `cnsim trace inspect`: a trace read through its mapping, summarised: rows read, jobs kept,
//! rows dropped by reason, the time span, arrivals per hour, and percentiles of units,
//! runtime and data. Memory stays flat: histograms, not lists.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::workload::trace::format::DropReason;
use crate::workload::trace::{TraceError, TraceSource, TraceStats};

/// Percentiles of one quantity over the kept jobs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Mean (exact).
    pub mean: f64,
    /// Smallest.
    pub min: f64,
    /// Median (3 significant digits).
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// A trace's summary.
#[derive(Clone, Debug, Serialize)]
pub struct Inspection {
    /// Rows read.
    pub rows: u64,
    /// Jobs kept.
    pub kept: u64,
    /// Rows dropped, by reason (every reason, zeros included).
    pub dropped: BTreeMap<&'static str, u64>,
    /// The first few unreadable rows (skipped).
    pub bad_rows: Vec<String>,
    /// Replay submit time of the first and the last kept job, seconds.
    pub first_submit_s: f64,
    /// See `first_submit_s`.
    pub last_submit_s: f64,
    /// Kept jobs per hour of replay time, from hour 0.
    pub arrivals_per_hour: Vec<u64>,
    /// Kept jobs per class.
    pub classes: BTreeMap<String, u64>,
    /// Units per job.
    pub units: Percentiles,
    /// Runtime per job, seconds.
    pub runtime_s: Percentiles,
    /// Data per job, bytes.
    pub data_bytes: Percentiles,
}

/// Exact mean, minimum and maximum, and 3-digit percentiles of positive integers.
struct Summary {
    histogram: Histogram<u64>,
    sum: f64,
    scale: f64,
    range: (u64, u64),
}

impl Summary {
    fn new(scale: f64) -> Summary {
        Summary { histogram: Histogram::new(3).expect("3 significant digits"), sum: 0.0, scale, range: (u64::MAX, 0) }
    }

    fn add(&mut self, value: u64) {
        // `record` grows the histogram's range; `saturating_record` would not.
        if self.histogram.record(value).is_err() {
            self.histogram.saturating_record(value);
        }
        self.sum += value as f64;
        self.range = (self.range.0.min(value), self.range.1.max(value));
    }

    fn percentiles(&self) -> Percentiles {
        let h = &self.histogram;
        if h.is_empty() {
            return Percentiles::default();
        }
        let at = |q: f64| h.value_at_quantile(q) as f64 / self.scale;
        Percentiles {
            mean: self.sum / h.len() as f64 / self.scale,
            min: self.range.0 as f64 / self.scale,
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: self.range.1 as f64 / self.scale,
        }
    }
}

/// Reads every row of `sources` (the copies of one trace) and summarises them.
pub fn inspect(sources: Vec<TraceSource>, class_names: &[String]) -> Result<Inspection, TraceError> {
    let (mut units, mut runtime, mut data) = (Summary::new(1.0), Summary::new(1e9), Summary::new(1.0));
    let mut per_hour: Vec<u64> = Vec::new();
    let mut classes: BTreeMap<String, u64> = BTreeMap::new();
    let mut stats = TraceStats::default();
    let (mut first, mut last) = (u64::MAX, 0);
    for source in sources {
        let mut source = source.reading_all();
        while let Some(job) = source.next_job() {
            units.add(u64::from(job.draw.units));
            runtime.add(job.draw.runtime);
            data.add(job.draw.data_bytes);
            let hour = (job.submit / crate::time::HOUR) as usize;
            if per_hour.len() <= hour {
                per_hour.resize(hour + 1, 0);
            }
            per_hour[hour] += 1;
            *classes.entry(class_names[usize::from(job.class)].clone()).or_default() += 1;
            first = first.min(job.submit);
            last = last.max(job.submit);
        }
        if let Some(e) = source.error() {
            return Err(e.clone());
        }
        stats.add(source.stats());
    }
    Ok(Inspection {
        rows: stats.rows,
        kept: stats.kept,
        dropped: DropReason::ALL.iter().map(|&r| (r.name(), stats.dropped(r))).collect(),
        bad_rows: stats.bad_rows.iter().map(ToString::to_string).collect(),
        first_submit_s: if stats.kept == 0 { 0.0 } else { first as f64 / 1e9 },
        last_submit_s: last as f64 / 1e9,
        arrivals_per_hour: per_hour,
        classes,
        units: units.percentiles(),
        runtime_s: runtime.percentiles(),
        data_bytes: data.percentiles(),
    })
}
