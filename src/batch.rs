//! Many independent runs at once: the parallel runner behind `compare`, `sweep` and
//! `capacity`.
//!
//! Runs are spread over the machine's cores with tokio (each simulation stays single-threaded
//! and deterministic). Results come back in the order the scenarios were given, whatever the
//! order they finish in, so outputs never depend on scheduling. Ctrl-C (or setting `cancel`)
//! stops the runs in progress at their next progress check and skips the rest; their slots
//! come back as `None`, while finished runs are kept.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::scenario::Scenario;
use crate::simulation::{RunError, RunOutput, simulate_with_progress};

/// Runs every scenario (at most `parallelism` at once) and maps each finished run with
/// `extract`. `on_run_done(finished, total)` is called after each run. Returns one slot per
/// scenario, in order: `None` for runs that were cancelled or whose scheduler failed to build.
/// A trace that cannot be read stops every run, and its error is returned.
pub fn run_all<T: Send + 'static>(
    scenarios: Vec<Scenario>,
    parallelism: usize,
    cancel: Arc<AtomicBool>,
    on_run_done: impl Fn(usize, usize) + Send + Sync + 'static,
    extract: impl Fn(&Scenario, RunOutput) -> T + Send + Sync + 'static,
) -> Result<Vec<Option<T>>, String> {
    let total = scenarios.len();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(parallelism.max(1))
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let on_run_done = Arc::new(on_run_done);
    let extract = Arc::new(extract);
    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    let failed = failure.clone();
    let results = runtime.block_on(async {
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
            let (permits, cancel, done, on_run_done, extract, failure) =
                (permits.clone(), cancel.clone(), done.clone(), on_run_done.clone(), extract.clone(), failure.clone());
            handles.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.ok()?;
                if cancel.load(Ordering::SeqCst) {
                    return None;
                }
                let result = tokio::task::spawn_blocking(move || {
                    let output = match simulate_with_progress(&scenario, |_, _| !cancel.load(Ordering::SeqCst)) {
                        Err(RunError::Trace(e)) => {
                            // A bad trace fails every run alike: stop them all and say why.
                            failure.lock().expect("not poisoned").get_or_insert(e.to_string());
                            cancel.store(true, Ordering::SeqCst);
                            return None;
                        }
                        other => other.ok()??,
                    };
                    Some(extract(&scenario, output))
                })
                .await
                .ok()??;
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                on_run_done(finished, total);
                Some(result)
            }));
        }
        let mut results = Vec::with_capacity(total);
        for handle in handles {
            results.push(handle.await.ok().flatten());
        }
        watcher.abort();
        results
    });
    match failed.lock().expect("not poisoned").take() {
        Some(message) => Err(message),
        None => Ok(results),
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
