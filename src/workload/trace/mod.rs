//! Trace replay: real cluster traces as job sources, read lazily in submit order and merged
//! with the synthetic classes by the engine's event queue.
//!
//! One file per format (`csv_generic`, `azure_llm`,
//! `alibaba_gpu_2023`, `alibaba_pai_2020`, `swf`, `helios`, `philly`), the
//! mapping they share (`mapping`), the reader (`reader`), the source (`source`) and the
//! summary of `cnsim trace inspect` (`inspect`).

pub mod alibaba_gpu_2023;
pub mod alibaba_pai_2020;
pub mod azure_llm;
pub mod csv_generic;
pub mod csv_lines;
pub mod error;
pub mod fields;
pub mod format;
pub mod helios;
pub mod inspect;
pub mod mapping;
pub mod philly;
pub mod reader;
pub mod record;
pub mod source;
pub mod swf;

pub use error::{BadRow, TraceError};
pub use format::{DropReason, FORMAT_NAMES, TraceFormat};
pub use mapping::{ClassRule, DataRule, OnBadRow, OriginRule, TraceSpec};
pub use source::{TraceJob, TraceSource, TraceStats};

/// Opens every copy of every trace of a scenario, in (trace, copy) order.
pub fn open_all(specs: &[TraceSpec], seed: u64, ids: bool) -> Result<Vec<TraceSource>, TraceError> {
    let mut sources = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        for copy in 0..spec.copies() {
            let source = TraceSource::open(spec, index as u32, copy, seed)?;
            sources.push(if ids { source.with_ids() } else { source });
        }
    }
    Ok(sources)
}

/// What the run of a scenario with these traces would read, read ahead (for the load check of
/// `cnsim validate` and `cnsim compare`): every copy of every trace up to the first job
/// submitted at or after `until`, under master seed `seed`. One streaming pass.
pub fn read_ahead(specs: &[TraceSpec], seed: u64, until: crate::time::SimTime) -> Result<TraceStats, TraceError> {
    let mut total = TraceStats::default();
    for source in open_all(specs, seed, false)? {
        let mut source = source.until(until);
        while source.next_job().is_some() {}
        if let Some(e) = source.error() {
            return Err(e.clone());
        }
        total.add(source.stats());
    }
    Ok(total)
}
