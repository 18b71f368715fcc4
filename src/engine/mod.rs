//! The event loop: clock, future-event set, job slab, hub state, and the job lifecycle.
//!
//! Lifecycle: submit at an origin -> scheduler decides (hub, defer, or reject) -> data
//! transfer to the hub -> the hub pool's FIFO queue -> start when the pool has the units ->
//! finish -> (for classes with output) the output's transfer back to the origin. At the end
//! every submitted job is finished, rejected, or still in flight.
//!
//! Transfers follow the world's network model. Under `delay`, a transfer is one event at
//! latency + bytes / bandwidth. Under `flow`, the bytes are a flow in [`FlowNetwork`], sharing
//! links max-min fairly, and the data arrives one route latency after its last byte left.
//! Flow completions are not queued as events: before each event the loop compares the next
//! completion with the queue's next event, and a completion at the same time as a queued
//! event comes after it.

pub mod cuts;
pub mod faults;
pub mod flows;
pub mod job_log;
pub mod jobs;
pub mod ladder;
pub mod lifecycle;
pub mod max_min;
pub mod nearest_table;
pub use crate::state::pool_queue;
pub mod queue;
pub mod signal_meter;
pub mod suspend;

pub use crate::state::PoolQueue;
pub use crate::state::{HubState, PoolState, Queued};
pub use flows::{Delivered, FlowKind, FlowNetwork, LinkRecord};
pub use jobs::JobTable;
pub use lifecycle::{Lifecycle, Observer, Silent};
pub use queue::{EventKind, EventQueue};
pub use signal_meter::SignalMeter;

use crate::metrics::{Recorder, RejectReason, Unfinished};
use crate::model::{Footprint, Forecast, Job, World};
use crate::rng::{SimRng, Stream, stream};
use crate::scheduler::{Decision, JobRequest, Scheduler, View};
use crate::time::{SimDuration, SimTime};
use crate::workload::trace::{TraceError, TraceJob, TraceSource, TraceStats};
use crate::workload::{InputAt, JobDraw, Source};
use faults::FaultRuntime;
use suspend::Suspensions;

pub use job_log::{JobRecord, JobSink, JobState, JobTag};

/// How long to run and how to measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunConfig {
    /// Master seed of every random stream.
    pub seed: u64,
    /// Length of the run; no job is submitted at or after it.
    pub duration: SimDuration,
    /// Jobs submitted before this time are left out of the statistics.
    pub warmup: SimDuration,
    /// Length of one utilisation sample interval.
    pub sample_interval: SimDuration,
    /// Most jobs in flight at once: an arrival that finds this many stops the run's arrivals
    /// and marks it overloaded (see [`Engine::overloaded_at`]).
    pub max_in_flight: usize,
}

/// The per-job log: the sink, the tags of jobs in flight by key, and the submission count.
struct JobLog {
    sink: Box<dyn JobSink>,
    tags: Vec<JobTag>,
    submitted: u64,
}

/// A simulation in progress over a borrowed world, reporting each job's lifecycle to `O`.
pub struct Engine<'w, O: Observer = Silent> {
    world: &'w World,
    config: RunConfig,
    scheduler: Box<dyn Scheduler>,
    scheduler_rng: SimRng,
    sources: Vec<Source>,
    queue: EventQueue,
    jobs: JobTable,
    state: Vec<HubState>,
    recorder: Recorder,
    now: SimTime,
    next_sample: SimTime,
    warmup_marked: bool,
    /// The earliest time at which `catch_up` has work: a sample boundary or the warm-up end.
    next_tick: SimTime,
    /// Whether the scheduler keeps indexes and so wants the changed hubs.
    track_changes: bool,
    /// The nearest hub per class and origin, when the scheduler always picks the nearest
    /// eligible hub (it then answers most decisions without a view).
    nearest: Option<nearest_table::NearestTable>,
    /// Hubs whose state changed since the previous decision (when tracked), without repeats.
    changed: Vec<u16>,
    /// Whether each hub is in `changed`.
    is_changed: Vec<bool>,
    /// Flows in progress, under the flow network model.
    flows: Option<FlowNetwork>,
    /// Output bytes of each job in flight, by job key (used only when some class has output).
    outputs: Vec<u64>,
    /// Queue priority level of each class (0 is served first).
    levels: Vec<u8>,
    /// Outages and failures in progress (`None` when nothing in the world can fail).
    faults: Option<Box<FaultRuntime>>,
    /// Interruptible jobs' planned runs (`None` when no class is interruptible).
    suspensions: Option<Box<Suspensions>>,
    /// Whether an outage has some pool below its nominal capacity now.
    degraded: bool,
    /// Told of every job's lifecycle.
    observer: O,
    /// Trace sources (arrival sources after the classes') and each one's next job.
    traces: Vec<(TraceSource, Option<TraceJob>)>,
    /// Where each job's record goes as it ends (`--jobs`), with trace ids by job key.
    job_log: Option<JobLog>,
    /// Signal integrals (only when the world has time-varying signals).
    meter: Option<SignalMeter>,
    /// Key of the forecast errors, from the forecast's own stream.
    forecast_key: u64,
    /// When an arrival found `max_in_flight` jobs in flight (arrivals stop from then on).
    overloaded_at: Option<SimTime>,
}

impl JobLog {
    fn tag(&mut self, key: usize, id: Option<Box<str>>) {
        if self.tags.len() <= key {
            self.tags.resize(key + 1, JobTag::default());
        }
        self.tags[key] = JobTag { seq: self.submitted, id };
        self.submitted += 1;
    }

    /// Job `key` has ended in `state`; `arrived` says whether its data reached its hub.
    fn ended(
        &mut self,
        key: usize,
        job: &Job,
        state: JobState,
        arrived: bool,
        finish: Option<SimTime>,
        footprint: Footprint,
    ) {
        let tag = std::mem::take(&mut self.tags[key]);
        let placed = job.hub != u16::MAX;
        // Before its data arrives `hub_arrival` is the placement time and `transfer` is 0.
        let transfer = placed.then(|| {
            if arrived { (job.hub_arrival - job.transfer, Some(job.hub_arrival)) } else { (job.hub_arrival, None) }
        });
        let record = JobRecord { seq: tag.seq, trace_id: tag.id.as_deref(), job, state, transfer, finish, footprint };
        self.sink.record(&record);
    }
}

/// A pool of `capacity` units served by `world`'s discipline, with the work aggregates
/// behind wait estimates only when `scheduler` reads them.
fn pool_state(capacity: u32, world: &World, scheduler: &dyn Scheduler) -> PoolState {
    let pool = PoolState::with_discipline(capacity, world.discipline);
    if scheduler.reads_wait_estimates() { pool } else { pool.without_wait_estimates() }
}

impl<'w> Engine<'w> {
    /// A new run of `world` under `scheduler`, with each class's first arrival scheduled.
    pub fn new(world: &'w World, config: RunConfig, scheduler: Box<dyn Scheduler>) -> Self {
        Engine::with_observer(world, config, scheduler, Silent)
    }
}

impl<'w, O: Observer> Engine<'w, O> {
    /// A new run like [`Engine::new`] whose jobs' lifecycles are reported to `observer`.
    pub fn with_observer(world: &'w World, config: RunConfig, scheduler: Box<dyn Scheduler>, observer: O) -> Self {
        assert!(config.sample_interval > 0, "sample interval must be positive");
        let state: Vec<HubState> = world
            .hubs
            .iter()
            .map(|h| HubState::new(h.capacity.map(|c| pool_state(c, world, scheduler.as_ref()))))
            .collect();
        let mut recorder = Recorder::new(
            world.classes.iter().map(|c| c.deadline).collect(),
            world.regions.len(),
            &state,
            config.warmup,
            config.duration,
            config.sample_interval,
        );
        let (config_warmup, config_seed) = (config.warmup, config.seed);
        recorder.set_objectives(world.classes.iter().map(|c| c.slo).collect());
        if world.signals.is_some() || world.classes.iter().any(|c| c.slack.is_some()) {
            recorder.track_shifting(world.classes.iter().map(|c| c.slack).collect());
        }
        let mut queue = EventQueue::new();
        let mut sources = Vec::with_capacity(world.classes.len());
        for (i, class) in world.classes.iter().enumerate() {
            let mut source = Source::new(class, stream(config.seed, Stream::Workload(i as u32)));
            let first = source.next_arrival(class, 0);
            if first < config.duration {
                queue.push(first, EventKind::Arrival(i as u32));
            }
            sources.push(source);
        }
        let faults = FaultRuntime::new(world, config.seed, config.warmup, config.duration, &mut queue);
        let (levels, _) = pool_queue::levels(&world.classes.iter().map(|c| c.priority).collect::<Vec<_>>());
        Engine {
            world,
            levels,
            track_changes: scheduler.tracks_changes(),
            nearest: (scheduler.picks_nearest() && !scheduler.tracks_changes())
                .then(|| nearest_table::NearestTable::new(world)),
            changed: Vec::with_capacity(world.hubs.len()),
            is_changed: vec![false; world.hubs.len()],
            scheduler_rng: stream(config.seed, Stream::Scheduler),
            next_sample: config.sample_interval,
            warmup_marked: false,
            next_tick: 0,
            config,
            scheduler,
            sources,
            queue,
            jobs: JobTable::with_capacity(1024),
            state,
            recorder,
            now: 0,
            flows: world.network.topology().map(|t| FlowNetwork::new(t, config_warmup)),
            outputs: Vec::new(),
            faults,
            suspensions: Suspensions::new(world),
            degraded: false,
            observer,
            traces: Vec::new(),
            job_log: None,
            meter: world.signals.as_ref().map(|_| SignalMeter::new(world.hubs.len())),
            forecast_key: rand::RngExt::random(&mut stream(config_seed, Stream::Forecast)),
            overloaded_at: None,
        }
    }

    /// Adds trace sources: each one's first job is scheduled, the rest read as they fire.
    pub fn add_traces(&mut self, sources: Vec<TraceSource>) {
        for mut source in sources {
            let index = self.sources.len() + self.traces.len();
            let next = source.next_job().filter(|job| job.submit < self.config.duration);
            if let Some(job) = &next {
                self.queue.push(job.submit, EventKind::Arrival(index as u32));
            }
            self.traces.push((source, next));
        }
    }

    /// Sends every job's record to `sink` as the job ends (finished, rejected, or in flight at
    /// the end).
    pub fn log_jobs(&mut self, sink: Box<dyn JobSink>) {
        self.job_log = Some(JobLog { sink, tags: Vec::new(), submitted: 0 });
    }

    /// The first error that stopped a trace source, if any.
    pub fn trace_error(&self) -> Option<&TraceError> {
        self.traces.iter().find_map(|(source, _)| source.error())
    }

    /// What the trace sources have read, summed (`None` without traces).
    pub fn trace_stats(&self) -> Option<TraceStats> {
        (!self.traces.is_empty()).then(|| {
            let mut total = TraceStats::default();
            for (source, _) in &self.traces {
                total.add(source.stats());
            }
            total
        })
    }

    /// The flows in progress and the links' statistics (flow network model only).
    pub fn flows(&self) -> Option<&FlowNetwork> {
        self.flows.as_ref()
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The run's end time.
    pub fn end(&self) -> SimTime {
        self.config.duration
    }

    /// Jobs currently in flight (placed or waiting for a decision, not finished).
    pub fn in_flight(&self) -> usize {
        self.jobs.len()
    }

    /// When the cap on jobs in flight was reached, if it was: the run is then invalid.
    pub fn overloaded_at(&self) -> Option<SimTime> {
        self.overloaded_at
    }

    /// Dynamic hub state (for inspection and tests).
    pub fn hub_states(&self) -> &[HubState] {
        &self.state
    }

    /// Processes every event before `until` (capped at the run's end).
    pub fn run_until(&mut self, until: SimTime) {
        let until = until.min(self.config.duration);
        loop {
            if let Some(done) = self.flows.as_ref().and_then(FlowNetwork::next_completion)
                && done < until
                && done < self.queue.peek_time().unwrap_or(SimTime::MAX)
            {
                self.catch_up(done);
                self.now = done;
                self.recorder.events += 1;
                self.on_flow_done();
                #[cfg(debug_assertions)]
                self.check_invariants();
                continue;
            }
            let Some((time, kind)) = self.queue.pop_before(until) else { break };
            // The next event's job was last touched long ago: ask for its line now.
            if let Some(next) = self.queue.next_job() {
                self.jobs.prefetch(next as usize);
            }
            self.catch_up(time);
            self.now = time;
            self.recorder.events += 1;
            match kind {
                EventKind::Arrival(source) => self.on_arrival(source as usize),
                EventKind::Transferred(job) => self.on_transferred(job as usize),
                EventKind::Finish(job) => self.on_finish(job as usize),
                EventKind::Retry(job) => self.on_retry(job as usize),
                EventKind::Returned(job) => self.complete(job as usize),
                EventKind::Fault(process) => self.on_fault(process as usize),
                EventKind::Failed(job) => self.on_failed(job as usize),
                EventKind::Suspend(job) => self.on_suspend(job as usize),
                EventKind::Cut(process) => self.on_cut(process as usize),
            }
            #[cfg(debug_assertions)]
            self.check_invariants();
        }
        self.catch_up(until);
        self.now = self.now.max(until);
    }

    /// Runs to the end and returns the recorder with its final statistics.
    pub fn run(mut self) -> Recorder {
        self.run_until(self.config.duration);
        self.finish()
    }

    /// Closes the statistics at the end of the run.
    pub fn finish(mut self) -> Recorder {
        let end = self.config.duration;
        self.catch_up(end);
        if let (Some(meter), Some(signals)) = (&mut self.meter, &self.world.signals) {
            meter.settle_all(signals, &self.state, end);
            self.recorder.signal_window = Some(meter.window());
        }
        self.record_unfinished(end);
        self.recorder.finish(end, &self.state);
        if let Some(faults) = self.faults.take() {
            let state = &self.state;
            self.recorder.faults = Some(faults.into_record(end, |hub, pool| state[hub].pool(pool).capacity()));
        }
        if let Some(flows) = &mut self.flows {
            flows.finish(end);
            self.recorder.links = Some(flows.link_records(end - self.config.warmup.min(end)));
            self.recorder.flow_reallocations = flows.reallocations;
        }
        self.recorder
    }

    /// Tells the recorder where each job still in flight at `end` is. O(jobs in flight).
    fn record_unfinished(&mut self, end: SimTime) {
        let keys = self.jobs.keys();
        let mut queued = vec![false; keys.last().map_or(0, |&k| k + 1)];
        for pool in self.state.iter().flat_map(|h| h.pools().iter()) {
            for entry in pool.queue().iter() {
                queued[entry.job as usize] = true;
            }
        }
        for key in keys {
            let job = &self.jobs[key];
            let state = if queued[key] {
                Unfinished::Queued
            } else if job.started {
                Unfinished::Running
            } else {
                Unfinished::NotAtHub
            };
            self.recorder.unfinished(job, end, state);
            if let Some(log) = &mut self.job_log {
                let arrived = !matches!(state, Unfinished::NotAtHub);
                log.ended(key, job, JobState::InFlight, arrived, None, Footprint::default());
            }
        }
    }

    /// Closes utilisation samples and the warm-up mark up to `t`; one comparison when idle.
    #[inline]
    fn catch_up(&mut self, t: SimTime) {
        if t >= self.next_tick {
            self.tick(t);
        }
    }

    #[cold]
    fn tick(&mut self, t: SimTime) {
        if !self.warmup_marked && self.config.warmup <= t {
            // Samples ending at or before the warm-up come first.
            while self.next_sample <= self.config.warmup {
                self.sample();
            }
            self.recorder.utilisation.mark_warmup(self.config.warmup, &self.state);
            if let (Some(meter), Some(signals)) = (&mut self.meter, &self.world.signals) {
                meter.mark_warmup(signals, &self.state, self.config.warmup);
            }
            if let Some(flows) = &mut self.flows {
                flows.mark_warmup(self.config.warmup);
            }
            self.warmup_marked = true;
        }
        while self.next_sample <= t && self.next_sample <= self.config.duration {
            self.sample();
        }
        let sample = if self.next_sample <= self.config.duration { self.next_sample } else { SimTime::MAX };
        self.next_tick = if self.warmup_marked { sample } else { sample.min(self.config.warmup) };
    }

    /// Closes the utilisation sample interval ending at `next_sample`.
    fn sample(&mut self) {
        self.recorder.utilisation.sample(self.next_sample, &self.state);
        if let Some(flows) = &mut self.flows {
            flows.sample(self.next_sample);
        }
        self.next_sample += self.config.sample_interval;
    }

    fn on_arrival(&mut self, source: usize) {
        if self.jobs.len() >= self.config.max_in_flight {
            // Overloaded: no more arrivals; the caller stops the run and reports the cap.
            self.overloaded_at.get_or_insert(self.now);
            return;
        }
        if source >= self.sources.len() {
            return self.on_trace_arrival(source);
        }
        let class = &self.world.classes[source];
        let draw = self.sources[source].draw(class);
        let next = self.sources[source].next_arrival(class, self.now);
        if next < self.config.duration {
            self.queue.push(next, EventKind::Arrival(source as u32));
        }
        let key = self.insert_job(source, &draw);
        if self.job_log.is_some() {
            self.tag_job(key, None);
        }
        self.decide(key);
    }

    /// The pending job of a trace source arrives; its next job is read and scheduled.
    #[cold]
    #[inline(never)]
    fn on_trace_arrival(&mut self, source: usize) {
        let (trace, pending) = &mut self.traces[source - self.sources.len()];
        let job = pending.take().expect("a trace arrival has its job");
        *pending = trace.next_job().filter(|next| next.submit < self.config.duration);
        if let Some(next) = pending {
            self.queue.push(next.submit.max(self.now), EventKind::Arrival(source as u32));
        }
        let key = self.insert_job(usize::from(job.class), &job.draw);
        if self.job_log.is_some() {
            self.tag_job(key, job.id);
        }
        self.decide(key);
    }

    /// A job of class `class_index` is submitted now: counted and put in the job table.
    #[inline(always)]
    fn insert_job(&mut self, class_index: usize, draw: &JobDraw) -> usize {
        let source = class_index;
        let class = &self.world.classes[class_index];
        let measured = self.recorder.is_measured(self.now);
        self.recorder.submitted(source as u16, measured, self.now, draw);
        let key = self.jobs.insert(Job {
            class: source as u16,
            origin: draw.origin,
            hub: u16::MAX,
            pool: class.pool,
            measured,
            started: false,
            units: draw.units,
            submit: self.now,
            runtime: draw.runtime,
            data_bytes: draw.data_bytes,
            transfer: 0,
            hub_arrival: 0,
            start: 0,
        });
        self.observer.on(self.now, key, Lifecycle::Submitted);
        if let Some(faults) = &mut self.faults {
            faults.submitted(key);
        }
        if let Some(suspensions) = &mut self.suspensions {
            suspensions.submitted(key);
            if let Some(meter) = &mut self.meter {
                meter.forget(key);
            }
        }
        if class.output.is_some() {
            if self.outputs.len() <= key {
                self.outputs.resize(key + 1, 0);
            }
            self.outputs[key] = draw.output_bytes;
        }
        key
    }

    /// Remembers job `key`'s submission number and trace id for the job log.
    #[cold]
    #[inline(never)]
    fn tag_job(&mut self, key: usize, id: Option<Box<str>>) {
        if let Some(log) = &mut self.job_log {
            log.tag(key, id);
        }
    }

    fn decide(&mut self, key: usize) {
        let job = &self.jobs[key];
        if job.units > self.world.largest_reachable_pool(job.class as usize, job.origin as usize) {
            return self.reject(key, RejectReason::NoEligibleHub);
        }
        if let Some(table) = &self.nearest
            && let Some(hub) =
                table.hub_for(job.class as usize, job.origin as usize, job.pool.index(), job.units, &self.state)
        {
            return self.run_at(key, hub);
        }
        let class = &self.world.classes[job.class as usize];
        let runtime_estimate = self.world.runtime_estimate(job.runtime);
        let request = JobRequest {
            class: job.class,
            origin: job.origin,
            pool: job.pool,
            units: job.units,
            data_bytes: job.data_bytes,
            max_round_trip: class.max_round_trip,
            runtime_estimate,
            slack: class.slack_for(runtime_estimate),
            interruptible: class.interruptible,
            submit: job.submit,
            input: class.input_at,
            output_bytes: if class.output.is_some() { self.outputs[key] } else { 0 },
        };
        let view = View::new(self.now, &self.world.hubs, &self.state, &self.world.network, &self.world.energy)
            .with_changed(Some(&self.changed))
            .with_flows(self.flows.as_ref())
            .with_degraded(self.degraded)
            .with_signals(self.world.signals.as_ref().map(|signals| Forecast {
                signals,
                key: self.forecast_key,
                issued: self.now,
            }));
        let decision = self.scheduler.decide(&request, &view, &mut self.scheduler_rng);
        if let Decision::Run(hub) = decision {
            assert!(
                (hub as usize) < self.world.hubs.len() && view.eligible(&request, hub as usize),
                "scheduler placed a job at hub {hub}, which is not eligible for it"
            );
        }
        for &hub in &self.changed {
            self.is_changed[hub as usize] = false;
        }
        self.changed.clear();
        match decision {
            Decision::Run(hub) => self.run_at(key, hub),
            Decision::Defer(t) => {
                self.observer.on(self.now, key, Lifecycle::Deferred);
                self.queue.push(t.max(self.now + 1), EventKind::Retry(key as u32));
            }
            Decision::Reject => self.reject(key, RejectReason::Scheduler),
        }
    }

    /// Carries out a `Run(hub)` decision for job `key`.
    #[inline]
    fn run_at(&mut self, key: usize, hub: u16) {
        if let Some(suspensions) = &mut self.suspensions {
            suspensions.placed(key, self.scheduler.take_slots());
        }
        self.place(key, hub)
    }

    /// Job `key`'s retry time came: a suspended job resumes, any other goes to the scheduler.
    fn on_retry(&mut self, key: usize) {
        if self.suspensions.as_mut().is_some_and(|s| s.take_resume(key)) {
            self.resume(key);
        } else {
            self.decide(key);
        }
    }

    fn reject(&mut self, key: usize, reason: RejectReason) {
        let job = self.jobs.remove(key);
        self.recorder.rejected(job.class, job.measured, reason);
        self.observer.on(self.now, key, Lifecycle::Rejected);
        if self.job_log.is_some() {
            self.log_ended(key, &job, JobState::Rejected, None, 0);
        }
    }

    /// Sends job `key`'s record to the job log (`finish` and `output` for a finished job).
    #[cold]
    #[inline(never)]
    fn log_ended(&mut self, key: usize, job: &Job, state: JobState, finish: Option<SimTime>, output: u64) {
        let footprint = match finish {
            Some(_) => {
                let hub = job.hub as usize;
                let mut footprint =
                    self.world.energy.footprint_at(self.world.tariffs[hub], job.pool, job.units, job.runtime);
                footprint.add_transfer_cost(self.transfer_cost(job, output));
                footprint
            }
            None => Footprint::default(),
        };
        if let Some(log) = &mut self.job_log {
            log.ended(key, job, state, finish.is_some(), finish, footprint);
        }
    }

    /// Output bytes of the job at `key` (0 when its class returns none).
    #[inline]
    fn output_bytes(&self, key: usize) -> u64 {
        if self.world.classes[self.jobs[key].class as usize].output.is_some() { self.outputs[key] } else { 0 }
    }

    /// The input's source for a job of `class` from `origin` placed at `hub`: `None` when the
    /// data already sits at the hub, else a region (`Ok`) or another hub (`Err`).
    #[inline]
    fn input_source(&self, class: usize, origin: usize, hub: usize) -> Option<Result<usize, usize>> {
        match self.world.classes[class].input_at {
            InputAt::Origin => Some(Ok(origin)),
            InputAt::Region(r) => Some(Ok(r as usize)),
            InputAt::Hub(h) if h as usize == hub => None,
            InputAt::Hub(h) => Some(Err(h as usize)),
        }
    }

    fn place(&mut self, key: usize, hub: u16) {
        let job = &self.jobs[key];
        let source = self.input_source(job.class as usize, job.origin as usize, hub as usize);
        let moved = if source.is_some() { job.data_bytes } else { 0 };
        let job = &mut self.jobs[key];
        job.hub = hub;
        // The placement time, until the data arrives (see `on_transferred`).
        job.hub_arrival = self.now;
        self.recorder.placed(job, moved);
        self.observer.on(self.now, key, Lifecycle::Placed { hub });
        let Some(source) = source else { return self.on_transferred(key) };
        let bytes = job.data_bytes;
        let world: &World = self.world;
        let network = &world.network;
        let Some(topology) = network.topology() else {
            let transfer = match source {
                Ok(region) => network.transfer_time(region, hub as usize, bytes),
                Err(from) => network.hub_transfer_time(from, hub as usize, bytes),
            };
            return self.arrive_after(transfer, EventKind::Transferred(key as u32), key);
        };
        let site = match source {
            Ok(region) => region,
            Err(from) => topology.hub_site(from),
        };
        // Detours only replace routes that cross links: an empty route stays.
        let base = topology.route_to_hub(site, hub as usize);
        let Some(route) = self.current_route(base) else { return self.unroutable(key) };
        if bytes == 0 || topology.route_links(base).is_empty() {
            let latency = self.route_latency(topology, route);
            return self.arrive_after(latency, EventKind::Transferred(key as u32), key);
        }
        let flows = self.flows.as_mut().expect("flows exist under the flow model");
        flows.start(self.now, route, bytes as f64, key as u32, FlowKind::Input);
    }

    /// Schedules `event` for job `key` after `delay`, or handles it now when there is none.
    #[inline]
    fn arrive_after(&mut self, delay: SimDuration, event: EventKind, key: usize) {
        if delay > 0 {
            self.queue.push(self.now.saturating_add(delay), event);
        } else if let EventKind::Transferred(_) = event {
            self.on_transferred(key);
        } else {
            self.complete(key);
        }
    }

    /// A flow's last byte left: its data arrives one route latency later.
    fn on_flow_done(&mut self) {
        let flows = self.flows.as_mut().expect("flow completions only under the flow model");
        let done = flows.complete(self.now);
        let topology = self.world.network.topology().expect("flow model");
        let latency = self.route_latency(topology, done.route);
        let event = match done.kind {
            FlowKind::Input => EventKind::Transferred(done.job),
            FlowKind::Output => EventKind::Returned(done.job),
        };
        self.arrive_after(latency, event, done.job as usize);
    }

    fn on_transferred(&mut self, key: usize) {
        let job = &mut self.jobs[key];
        job.transfer = self.now - job.hub_arrival;
        if job.measured
            && let Some(topology) = self.world.network.topology()
        {
            let class = job.class as usize;
            let (origin, hub, bytes) = (job.origin as usize, job.hub as usize, job.data_bytes);
            if let Some(source) = self.input_source(class, origin, hub) {
                let site = source.unwrap_or_else(|from| topology.hub_site(from));
                let route = topology.route(topology.route_to_hub(site, hub));
                let alone = route.latency as f64 + bytes as f64 * 8e9 / route.uncontended_bps;
                self.recorder.transfer_slowdown(class, self.jobs[key].transfer as f64, alone);
            }
        }
        self.jobs[key].hub_arrival = self.now;
        self.join_pool(key);
    }

    /// Job `key`, at its hub, starts or joins its pool's queue (or, when an outage left the
    /// pool too small for it, goes back to the scheduler).
    fn join_pool(&mut self, key: usize) {
        let job = &self.jobs[key];
        let entry = Queued { job: key as u32, units: job.units, runtime: self.world.runtime_estimate(job.runtime) };
        let (hub, pool_index) = (job.hub as usize, job.pool.index());
        let pool = self.state[hub].pool_mut(pool_index);
        if pool.queue().is_empty() && entry.units <= pool.free() {
            self.start(key);
        } else if self.faults.is_some() && entry.units > pool.capacity() {
            // An outage left the pool too small for it: the scheduler decides again.
            self.hand_back(key);
        } else {
            pool.enqueue_at(self.now, entry, usize::from(self.levels[job.class as usize]));
            self.touch(hub);
            // The queue's head (which may now be this job, by priority) or a backfill may start.
            self.start_queued(hub, pool_index);
        }
    }

    /// Starts every queued job of a pool that its discipline lets start now.
    #[inline(always)]
    fn start_queued(&mut self, hub: usize, pool: usize) {
        while let Some(next) = self.state[hub].pool_mut(pool).next_to_start(self.now) {
            self.start(next.job as usize);
        }
    }

    #[inline]
    fn start(&mut self, key: usize) {
        let job = &mut self.jobs[key];
        job.start = self.now;
        job.started = true;
        let estimated_end = self.now + self.world.runtime_estimate(job.runtime);
        let (hub, pool, units, runtime, class) =
            (job.hub as usize, job.pool.index(), job.units, job.runtime, job.class as usize);
        let suspend_at = self.suspensions.as_mut().and_then(|s| s.started(key, self.now, runtime));
        if self.meter.is_some() {
            self.meter_change(key, hub, pool, MeterChange::Start);
        }
        self.state[hub].pool_mut(pool).occupy(self.now, key as u32, units, estimated_end);
        let run = suspend_at.map_or(runtime, |t| t - self.now);
        let (end, event) = match &mut self.faults {
            None => (self.now + run, EventKind::Finish(key as u32)),
            Some(faults) => faults.started(key, class, &self.world.classes[class].failure, self.now, run),
        };
        let event = match event {
            EventKind::Finish(k) if suspend_at.is_some() => EventKind::Suspend(k),
            other => other,
        };
        self.queue.push(end, event);
        self.touch(hub);
        self.observer.on(self.now, key, Lifecycle::Started);
    }

    /// Tells the signal meter that a run of job `key` at `hub`'s `pool` changes now.
    #[inline(never)]
    fn meter_change(&mut self, key: usize, hub: usize, pool: usize, change: MeterChange) {
        let (Some(meter), Some(signals)) = (&mut self.meter, &self.world.signals) else { return };
        let busy = self.state[hub].pool(pool).busy();
        match change {
            MeterChange::Start => meter.started(signals, key, hub, pool, busy, self.now),
            MeterChange::Suspend => meter.suspended(signals, key, hub, pool, busy, self.now),
            MeterChange::End => meter.finished(signals, key, hub, pool, busy, self.now),
        }
    }

    /// Notes that `hub`'s state changed, for schedulers that keep indexes.
    #[inline]
    fn touch(&mut self, hub: usize) {
        if self.track_changes && !self.is_changed[hub] {
            self.is_changed[hub] = true;
            self.changed.push(hub as u16);
        }
    }

    fn on_finish(&mut self, key: usize) {
        if let Some(faults) = &mut self.faults {
            if faults.take_stale(self.now, key) {
                return;
            }
            faults.run_ended(key, &self.jobs[key], self.now);
        }
        let (hub, pool) = self.free_units(key, MeterChange::End);
        if let Some(suspensions) = &self.suspensions {
            suspensions.finished(key, &mut self.jobs[key]);
        }
        self.observer.on(self.now, key, Lifecycle::RunEnded);
        let output = self.output_bytes(key);
        if output == 0 {
            self.complete(key);
        } else {
            self.send_output(key, output);
        }
        if !self.state[hub].pool(pool).queue().is_empty() {
            self.start_queued(hub, pool);
        }
    }

    /// Frees the units of job `key`'s run now (telling the meter `change`); returns its
    /// (hub, pool index).
    #[inline]
    fn free_units(&mut self, key: usize, change: MeterChange) -> (usize, usize) {
        let job = &self.jobs[key];
        let (hub, pool) = (job.hub as usize, job.pool.index());
        let (estimated_end, units) = (job.start + self.world.runtime_estimate(job.runtime), job.units);
        if self.meter.is_some() {
            self.meter_change(key, hub, pool, change);
        }
        self.state[hub].pool_mut(pool).release(self.now, key as u32, units, estimated_end);
        self.touch(hub);
        (hub, pool)
    }

    /// Sends a finished job's output back to its origin.
    fn send_output(&mut self, key: usize, bytes: u64) {
        let job = &self.jobs[key];
        let (hub, origin) = (job.hub as usize, job.origin as usize);
        if job.measured {
            self.recorder.returned(bytes);
        }
        let world: &World = self.world;
        let network = &world.network;
        let Some(topology) = network.topology() else {
            let delay = network.transfer_time(origin, hub, bytes);
            return self.arrive_after(delay, EventKind::Returned(key as u32), key);
        };
        let base = topology.route_to_region(hub, origin);
        if topology.route_links(base).is_empty() {
            return self.arrive_after(topology.route(base).latency, EventKind::Returned(key as u32), key);
        }
        let Some(route) = self.current_route(base) else { return self.unroutable(key) };
        let flows = self.flows.as_mut().expect("flows exist under the flow model");
        flows.start(self.now, route, bytes as f64, key as u32, FlowKind::Output);
    }

    /// The job is done (its output, if any, is home): it leaves the system.
    fn complete(&mut self, key: usize) {
        let output = self.output_bytes(key);
        let job = self.jobs.remove(key);
        let hub = job.hub as usize;
        let footprint = if job.measured {
            let tariff = self.world.tariffs[hub];
            let mut footprint = match &self.meter {
                None => self.world.energy.footprint_at(tariff, job.pool, job.units, job.runtime),
                Some(meter) => self.signal_footprint(meter, key, &job),
            };
            footprint.add_transfer_cost(self.transfer_cost(&job, output));
            footprint
        } else {
            Footprint::default()
        };
        self.recorder.finished(&job, self.now, footprint);
        self.observer.on(self.now, key, Lifecycle::Finished);
        if self.job_log.is_some() {
            self.log_ended(key, &job, JobState::Finished, Some(self.now), output);
        }
    }

    /// The footprint of finished job `key` under time-varying signals.
    #[inline(never)]
    fn signal_footprint(&self, meter: &SignalMeter, key: usize, job: &Job) -> Footprint {
        let tariff = self.world.tariffs[job.hub as usize];
        self.world.energy.footprint_over(tariff, job.pool, job.units, job.runtime, meter.job_integrals(key))
    }

    /// What moving a job's input and output cost, CNY (links' prices, flow model only).
    #[inline(always)]
    fn transfer_cost(&self, job: &Job, output: u64) -> f64 {
        let Some(topology) = self.world.network.topology() else { return 0.0 };
        let (hub, origin) = (job.hub as usize, job.origin as usize);
        let input = self.input_source(job.class as usize, origin, hub).map_or(0.0, |source| {
            let site = source.unwrap_or_else(|from| topology.hub_site(from));
            topology.route(topology.route_to_hub(site, hub)).price_per_gb * job.data_bytes as f64
        });
        let back = topology.route(topology.route_to_region(hub, origin)).price_per_gb * output as f64;
        (input + back) / 1e9
    }

    /// Capacity is never exceeded and jobs are conserved (debug builds, after every event).
    #[cfg(debug_assertions)]
    fn check_invariants(&self) {
        for (h, hub) in self.state.iter().enumerate() {
            for pool in hub.pools() {
                assert!(pool.busy() <= pool.capacity(), "hub {h}: busy {} > capacity {}", pool.busy(), pool.capacity());
            }
        }
        let measured = self.recorder.total();
        let warm = self.recorder.warmup_counters;
        let submitted = measured.submitted + warm.submitted;
        let ended =
            measured.finished + measured.rejected() + measured.lost + warm.finished + warm.rejected() + warm.lost;
        assert_eq!(submitted, ended + self.jobs.len() as u64, "jobs not conserved");
        if let Some(faults) = &self.faults {
            for (h, hub) in self.state.iter().enumerate() {
                for (p, pool) in hub.pools().iter().enumerate() {
                    assert_eq!(
                        pool.capacity(),
                        faults.capacity(h, p),
                        "hub {h} pool {p}: capacity out of step with outages"
                    );
                }
            }
        }
        if let Some(flows) = &self.flows
            && let Err(e) = flows.check_conservation(self.now)
        {
            panic!("flow network at {}: {e}", self.now);
        }
    }
}

/// What happens to a run, for the signal meter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MeterChange {
    /// A run starts.
    Start,
    /// A run is suspended.
    Suspend,
    /// A job's run ends (it finished or was killed).
    End,
}
