//! `cnsim run --jobs FILE`: one CSV row per job, written as each job ends.
//!
//! Columns: `id` (the trace's own id, else the submission number), `class`, `origin`, `hub`
//! (empty when never placed), `units`, `submit_s`, `transfer_start_s`, `transfer_end_s`,
//! `start_s`, `finish_s` (seconds of simulated time, empty when the job never got there),
//! `state` (finished, rejected, in-flight), `energy_kwh`, `cost_cny`, `carbon_kg` (0 unless
//! finished). Rows come in the order jobs end; in-flight jobs come last.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::engine::{JobRecord, JobSink};
use crate::time::SimTime;

/// The header line.
pub const HEADER: &str = "id,class,origin,hub,units,submit_s,transfer_start_s,transfer_end_s,start_s,finish_s,state,\
                          energy_kwh,cost_cny,carbon_kg";

/// Writes job records as CSV rows to `out`; the first write error is kept in `error`.
pub struct JobsCsv<W: Write> {
    out: W,
    classes: Vec<String>,
    regions: Vec<String>,
    hubs: Vec<String>,
    error: Arc<Mutex<Option<String>>>,
    line: String,
}

impl<W: Write> JobsCsv<W> {
    /// A writer naming classes, regions and hubs by these ids; writes the header at once.
    pub fn new(
        mut out: W,
        classes: Vec<String>,
        regions: Vec<String>,
        hubs: Vec<String>,
        error: Arc<Mutex<Option<String>>>,
    ) -> Self {
        if let Err(e) = writeln!(out, "{HEADER}") {
            *error.lock().expect("not poisoned") = Some(e.to_string());
        }
        JobsCsv { out, classes, regions, hubs, error, line: String::with_capacity(256) }
    }
}

/// Seconds with nine decimals, exactly (from integer nanoseconds).
fn seconds(line: &mut String, t: SimTime) {
    use std::fmt::Write as _;
    let _ = write!(line, "{}.{:09}", t / 1_000_000_000, t % 1_000_000_000);
}

fn optional(line: &mut String, t: Option<SimTime>) {
    if let Some(t) = t {
        seconds(line, t);
    }
    line.push(',');
}

/// A field, quoted when it holds a comma, a quote or a line break.
fn text(line: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(value);
    }
    line.push(',');
}

impl<W: Write> JobSink for JobsCsv<W> {
    fn record(&mut self, r: &JobRecord<'_>) {
        use std::fmt::Write as _;
        let job = r.job;
        let line = &mut self.line;
        line.clear();
        match r.trace_id {
            Some(id) => text(line, id),
            None => {
                let _ = write!(line, "{},", r.seq);
            }
        }
        text(line, &self.classes[usize::from(job.class)]);
        text(line, &self.regions[usize::from(job.origin)]);
        text(line, self.hubs.get(usize::from(job.hub)).map_or("", String::as_str));
        let _ = write!(line, "{},", job.units);
        optional(line, Some(job.submit));
        optional(line, r.transfer.map(|(start, _)| start));
        optional(line, r.transfer.and_then(|(_, end)| end));
        optional(line, job.started.then_some(job.start));
        optional(line, r.finish);
        let f = &r.footprint;
        let _ = writeln!(line, "{},{},{},{}", r.state.name(), f.energy_kwh, f.cost_cny, f.carbon_kg);
        if let Err(e) = self.out.write_all(line.as_bytes()) {
            self.error.lock().expect("not poisoned").get_or_insert(e.to_string());
        }
    }
}

impl<W: Write> Drop for JobsCsv<W> {
    fn drop(&mut self) {
        if let Err(e) = self.out.flush() {
            self.error.lock().expect("not poisoned").get_or_insert(e.to_string());
        }
    }
}
