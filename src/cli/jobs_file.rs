//! `--jobs FILE`: the per-job CSV, streamed to a temporary file during the run and renamed into
//! place only when the whole run succeeded (so a failed run leaves nothing half-written).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::cli::CliError;
use crate::cli::output::temp_of;
use crate::engine::JobSink;
use crate::report::jobs_csv::JobsCsv;
use crate::scenario::Scenario;

/// The jobs file of a run in progress.
pub struct JobsFile {
    path: PathBuf,
    temp: PathBuf,
    names: (Vec<String>, Vec<String>, Vec<String>),
    error: Arc<Mutex<Option<String>>>,
}

impl JobsFile {
    /// Prepares `path` for `scenario`'s jobs.
    pub fn create(path: &Path, scenario: &Scenario) -> Result<JobsFile, CliError> {
        let names = (
            scenario.classes.iter().map(|c| c.name.clone()).collect(),
            scenario.regions.iter().map(|r| r.id.clone()).collect(),
            scenario.hubs.iter().map(|h| h.id.clone()).collect(),
        );
        Ok(JobsFile { path: path.to_path_buf(), temp: temp_of(path), names, error: Arc::default() })
    }

    /// The sink the engine writes to (creates the temporary file; an error shows in `check`).
    pub fn sink(&self) -> Box<dyn JobSink> {
        let (classes, regions, hubs) = self.names.clone();
        let out: Box<dyn std::io::Write> = match File::create(&self.temp) {
            Ok(file) => Box::new(BufWriter::with_capacity(1 << 16, file)),
            Err(e) => {
                *self.error.lock().expect("not poisoned") = Some(e.to_string());
                Box::new(std::io::sink())
            }
        };
        Box::new(JobsCsv::new(out, classes, regions, hubs, self.error.clone()))
    }

    /// Whether every row was written.
    pub fn check(&self) -> Result<(), CliError> {
        match self.error.lock().expect("not poisoned").take() {
            None => Ok(()),
            Some(e) => {
                let _ = std::fs::remove_file(&self.temp);
                Err(CliError::Run(format!("cannot write {}: {e}", self.path.display())))
            }
        }
    }

    /// Moves the file into place.
    pub fn keep(self) -> Result<(), CliError> {
        std::fs::rename(&self.temp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&self.temp);
            CliError::Run(format!("cannot write {}: {e}", self.path.display()))
        })
    }

    /// Removes the temporary file.
    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}
