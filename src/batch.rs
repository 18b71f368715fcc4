//! Many independent runs at once: the parallel runner behind `compare`, `sweep` and
//! `capacity`.
//!
//! Runs are spread over the machine's cores with tokio (each simulation stays single-threaded
//! and deterministic). Results come back in the order the scenarios were given, whatever the
//! order they finish in, so outputs never depend on scheduling. Ctrl-C (or setting `cancel`)
//! stops the runs in progress at their next progress check and skips the rest; their slots
//! come back as `None`, while finished runs are kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::scenario::Scenario;
use crate::simulation::{RunError, RunOutput, simulate_with_progress};

/// Why a batch stopped: its runtime did not start, or one of its runs failed (the others
/// were then cancelled). An interruption (Ctrl-C) is not an error: its runs come back `None`.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The thread pool could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// A run stopped with an error.
    #[error("the run of {scheduler} on seed {seed} failed: {source}")]
    Run {
        /// The run's policy label.
        scheduler: String,
        /// The run's seed.
        seed: u64,
        /// Why it failed (boxed: a trace error is large).
        source: Box<RunError>,
    },
    /// A run panicked: a bug in cnsim.
    #[error("the run of {scheduler} on seed {seed} crashed (a bug in cnsim, please report it): {message}")]
    Crashed {
        /// The run's policy label.
        scheduler: String,
        /// The run's seed.
        seed: u64,
        /// The panic's message.
        message: String,
    },
}

/// How one run of a batch ended.
enum Outcome<T> {
    Done(T),
    Cancelled,
    Failed(BatchError),
}

/// Runs every scenario (at most `parallelism` at once) and maps each finished run with
/// `extract`. `on_run_done(finished, total)` is called after each run. Returns one slot per
/// scenario, in order: `None` for runs that were cancelled. The first run to fail (or panic)
/// cancels the others, and its error is returned.
pub fn run_all<T: Send + 'static>(
    scenarios: Vec<Scenario>,
    parallelism: usize,
    cancel: Arc<AtomicBool>,
    on_run_done: impl Fn(usize, usize) + Send + Sync + 'static,
    extract: impl Fn(&Scenario, RunOutput) -> T + Send + Sync + 'static,
) -> Result<Vec<Option<T>>, BatchError> {
    let total = scenarios.len();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(parallelism.max(1))
        .enable_all()
        .build()
        .map_err(BatchError::Runtime)?;
    let on_run_done = Arc::new(on_run_done);
    let extract = Arc::new(extract);
    let outcomes = runtime.block_on(async {
        let permits = Arc::new(tokio::sync::Semaphore::new(parallelism.max(1)));
        let done = Arc::new(AtomicUsize::new(0));
        let interrupt = cancel.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupt.store(true, Ordering::SeqCst);
            }
        });
        let mut handles = Vec::with_capacity(total);
        for scenario in scenarios {
            let (permits, cancel, done, on_run_done, extract) =
                (permits.clone(), cancel.clone(), done.clone(), on_run_done.clone(), extract.clone());
            handles.push(tokio::spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else { return Outcome::Cancelled };
                if cancel.load(Ordering::SeqCst) {
                    return Outcome::Cancelled;
                }
                let (scheduler, seed) = (scenario.scheduler.to_string(), scenario.run.seed);
                let stop = cancel.clone();
                let joined = tokio::task::spawn_blocking(move || {
                    simulate_with_progress(&scenario, |_, _| !stop.load(Ordering::SeqCst))
                        .map(|output| output.map(|output| extract(&scenario, output)))
                })
                .await;
                let outcome = match joined {
                    Ok(Ok(Some(result))) => Outcome::Done(result),
                    Ok(Ok(None)) => return Outcome::Cancelled,
                    Ok(Err(source)) => Outcome::Failed(BatchError::Run { scheduler, seed, source: Box::new(source) }),
                    Err(e) => Outcome::Failed(BatchError::Crashed { scheduler, seed, message: panic_message(e) }),
                };
                if matches!(outcome, Outcome::Failed(_)) {
                    cancel.store(true, Ordering::SeqCst);
                }
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                on_run_done(finished, total);
                outcome
            }));
        }
        let mut outcomes = Vec::with_capacity(total);
        for handle in handles {
            outcomes.push(handle.await.unwrap_or(Outcome::Cancelled));
        }
        watcher.abort();
        outcomes
    });
    let mut results = Vec::with_capacity(total);
    for outcome in outcomes {
        match outcome {
            Outcome::Done(result) => results.push(Some(result)),
            Outcome::Cancelled => results.push(None),
            Outcome::Failed(error) => return Err(error),
        }
    }
    Ok(results)
}

/// The message of a run's panic.
fn panic_message(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into()),
        Err(e) => e.to_string(),
    }
}

/// Sets `cancel` on Ctrl-C for as long as the returned runtime lives: for work made of several
/// `run_all` batches (a capacity search), so that Ctrl-C between two batches is not lost.
pub fn cancel_on_ctrl_c(cancel: Arc<AtomicBool>) -> Option<tokio::runtime::Runtime> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().ok()?;
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.store(true, Ordering::SeqCst);
        }
    });
    Some(runtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        Scenario::parse(
            "duration = \"1h\"\nscheduler = \"nearest\"\n[[hubs]]\nid = \"h\"\nlat = 0.0\nlon = 0.0\nintelligent = 4\n\
             [[regions]]\nid = \"r\"\nlat = 0.0\nlon = 0.0\n[[classes]]\nname = \"c\"\npool = \"intelligent\"\n\
             rate = \"10/h\"\nunits = 1\nruntime = \"1min\"\n",
            "tiny.toml",
        )
        .expect("valid")
    }

    #[test]
    fn a_panicking_run_is_reported_as_a_crash_not_an_interruption() {
        let cancel = Arc::new(AtomicBool::new(false));
        let result = run_all(vec![tiny(), tiny()], 1, cancel, |_, _| {}, |_, _| -> u64 { panic!("boom") });
        match result {
            Err(BatchError::Crashed { message, scheduler, .. }) => {
                assert_eq!(message, "boom");
                assert_eq!(scheduler, "nearest");
            }
            other => panic!("expected a crash, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn a_failing_run_stops_the_batch_with_its_error() {
        let mut overloaded = tiny();
        overloaded.run.max_in_flight = 1;
        let cancel = Arc::new(AtomicBool::new(false));
        let result = run_all(vec![tiny(), overloaded], 1, cancel.clone(), |_, _| {}, |_, o| o.recorder.events);
        assert!(
            matches!(&result, Err(BatchError::Run { source, .. }) if matches!(**source, RunError::Overloaded { cap: 1, .. })),
            "{:?}",
            result.map(|_| ())
        );
        assert!(cancel.load(Ordering::SeqCst), "the other runs were cancelled");
        let fine = run_all(vec![tiny()], 1, Arc::new(AtomicBool::new(false)), |_, _| {}, |_, o| o.recorder.events);
        assert!(fine.unwrap()[0].is_some());
    }
}
