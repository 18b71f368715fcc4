//! `alibaba-pai-2020`: Alibaba `cluster-trace-gpu-v2020`'s `pai_job_table.csv` joined with its
//! `pai_task_table.csv` (both header-less; the names below are those of their `.header` files),
//! one job a job-table row.
//!
//! The job table drives the replay (it holds the submit times, so it is the file that must be
//! in submit order); the task table is read first, once, and folded per job into memory: each
//! job's GPUs, earliest task launch and latest task end (100 to 150 bytes a job by the map's
//! layout, at most [`MAX_JOBS`] jobs: the published table's ~1 million jobs take 100-150 MB).
//!
//! | job field | from |
//! |---|---|
//! | submit | job `start_time` (the job's submission) |
//! | runtime | latest task `end_time` - earliest task `start_time` of the job's tasks |
//! | GPUs | sum over the job's tasks of `inst_num x plan_gpu / 100` (`plan_gpu` is in percent of a GPU per instance) |
//! | status | job `status` (Terminated, Failed, Running, Waiting) |
//! | id | `job_name` |
//!
//! Dropped: no GPU over its tasks (no_gpu); no task, or no task with a `start_time`
//! (never_started); a task without `end_time` (no_end). Class rules and origins may name the
//! job table's columns (`user`, `status`, ...).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::workload::trace::error::{BadRow, shorten};
use crate::workload::trace::format::{BadField, DropReason, Outcome, Parsed, field, number, optional_number};
use crate::workload::trace::reader::{Layout, RecordReader};
use crate::workload::trace::record::Record;

/// The job table's columns.
pub const COLUMNS: &[&str] = &["job_name", "inst_id", "user", "status", "start_time", "end_time"];

/// The task table's columns.
pub const TASK_COLUMNS: &[&str] = &[
    "job_name",
    "task_name",
    "inst_num",
    "status",
    "start_time",
    "end_time",
    "plan_cpu",
    "plan_mem",
    "plan_gpu",
    "gpu_type",
];

/// Column of `job_name` (in both tables).
pub const JOB_NAME: usize = 0;
/// Column of the job's `status`.
pub const STATUS: usize = 3;
const SUBMIT: usize = 4;
const INST_NUM: usize = 2;
const TASK_START: usize = 4;
const TASK_END: usize = 5;
const PLAN_GPU: usize = 8;

/// Most jobs the folded task table may hold (a bound on its memory).
pub const MAX_JOBS: usize = 4_000_000;

/// Where the task table is.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskTable {
    /// The file to read.
    pub path: PathBuf,
    /// The file as named in the scenario (for messages).
    pub file: String,
}

impl TaskTable {
    /// The default: `pai_task_table.csv` beside the job table at `jobs`.
    pub fn beside(jobs: &Path) -> TaskTable {
        let path = jobs.with_file_name("pai_task_table.csv");
        TaskTable { file: path.display().to_string(), path }
    }
}

/// A job's tasks, folded.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tasks {
    gpus: f64,
    /// Earliest task launch (infinite when none launched).
    start: f64,
    /// Latest task end.
    end: f64,
    /// Whether some task has no end.
    open: bool,
}

/// The format bound to its task table.
#[derive(Clone, Debug)]
pub struct Binding {
    tasks: std::sync::Arc<HashMap<Box<[u8]>, Tasks>>,
}

impl Binding {
    /// Reads and folds the task table (an error names its file, line, column and value).
    pub fn new(table: &TaskTable) -> Result<Binding, String> {
        Ok(Binding { tasks: std::sync::Arc::new(fold(table, MAX_JOBS)?) })
    }

    /// Reads one job-table row.
    #[inline]
    pub fn parse(&self, record: &Record) -> Result<Outcome, BadField> {
        let submit = number(record, SUBMIT, "seconds (the job's submit time)")?;
        let Some(tasks) = self.tasks.get(field(record, JOB_NAME).trim_ascii()) else {
            return Ok(Outcome::Drop(DropReason::NeverStarted, Some(submit)));
        };
        if tasks.gpus <= 0.0 {
            return Ok(Outcome::Drop(DropReason::NoGpu, Some(submit)));
        }
        if !tasks.start.is_finite() {
            return Ok(Outcome::Drop(DropReason::NeverStarted, Some(submit)));
        }
        if tasks.open {
            return Ok(Outcome::Drop(DropReason::NoEnd, Some(submit)));
        }
        Ok(Outcome::Keep(Parsed { submit, runtime: (tasks.end - tasks.start).max(0.0), gpus: tasks.gpus }))
    }
}

/// Folds the task table per job; at most `limit` jobs.
fn fold(table: &TaskTable, limit: usize) -> Result<HashMap<Box<[u8]>, Tasks>, String> {
    let mut reader = RecordReader::open(&table.path, &table.file, Layout::CsvNamed(TASK_COLUMNS))
        .map_err(|e| format!("the task table: {e}"))?;
    let mut jobs: HashMap<Box<[u8]>, Tasks> = HashMap::new();
    while reader.advance().map_err(|e| e.to_string())? {
        let record = reader.record();
        let bad = |bad: BadField| {
            BadRow {
                file: table.file.clone(),
                line: reader.line(),
                column: TASK_COLUMNS[bad.column].to_string(),
                value: shorten(&String::from_utf8_lossy(field(record, bad.column))),
                expected: bad.expected.to_string(),
            }
            .to_string()
        };
        let task = task(record).map_err(bad)?;
        let name = field(record, JOB_NAME).trim_ascii();
        if let Some(job) = jobs.get_mut(name) {
            job.gpus += task.gpus;
            job.start = job.start.min(task.start);
            job.end = job.end.max(task.end);
            job.open |= task.open;
        } else {
            if jobs.len() == limit {
                return Err(format!(
                    "{}: more than {limit} jobs in the task table (the most held in memory): split the trace",
                    table.file
                ));
            }
            jobs.insert(name.into(), task);
        }
    }
    Ok(jobs)
}

/// One task row.
fn task(record: &Record) -> Result<Tasks, BadField> {
    let instances = number(record, INST_NUM, "a whole number of instances >= 1")?;
    if instances < 1.0 {
        return Err(BadField { column: INST_NUM, expected: "a whole number of instances >= 1" });
    }
    let plan_gpu = optional_number(record, PLAN_GPU, "percent of a GPU >= 0")?.unwrap_or(0.0);
    if plan_gpu < 0.0 {
        return Err(BadField { column: PLAN_GPU, expected: "percent of a GPU >= 0" });
    }
    let start = optional_number(record, TASK_START, "seconds")?;
    let end = optional_number(record, TASK_END, "seconds")?;
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        return Err(BadField { column: TASK_END, expected: "a time no earlier than start_time" });
    }
    Ok(Tasks {
        gpus: instances * plan_gpu / 100.0,
        start: start.unwrap_or(f64::INFINITY),
        end: end.unwrap_or(f64::NEG_INFINITY),
        open: start.is_some() && end.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fold_is_bounded() {
        let dir = std::env::temp_dir().join(format!("cnsim-pai-bound-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("pai_task_table.csv");
        std::fs::write(&path, "a,w,1,T,0,10,,,100,V\nb,w,1,T,0,10,,,100,V\na,ps,2,T,5,20,,,50,V\n").unwrap();
        let table = TaskTable { path, file: "tasks.csv".into() };
        let jobs = fold(&table, 2).unwrap();
        assert_eq!(jobs[&b"a"[..]], Tasks { gpus: 2.0, start: 0.0, end: 20.0, open: false });
        let message = fold(&table, 1).unwrap_err();
        assert!(message.contains("tasks.csv: more than 1 jobs in the task table"), "{message}");
    }
}
