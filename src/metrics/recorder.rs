//! The recorder: everything the engine reports about jobs, hubs and itself.

use crate::engine::{HubState, LinkRecord};
use crate::metrics::faults::FaultRecord;
use crate::metrics::latency::{bounded_slowdown_millis, recorded};
use crate::metrics::latency::{hub_histogram_digits, new_histogram_with_digits};
use crate::metrics::{LatencySet, LogHistogram, Metric, ShiftRecord, Utilisation};
use crate::model::{Footprint, Job};
use crate::time::{HOUR, SimDuration, SimTime};
use crate::workload::{JobDraw, Slo};

/// Why a job was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// No hub satisfies the job's round-trip limit with a pool large enough for it.
    NoEligibleHub,
    /// The scheduler refused it.
    Scheduler,
}

/// Job counts of one group. `submitted = finished + rejected + lost + in_flight` at the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counters {
    /// Jobs submitted.
    pub submitted: u64,
    /// Jobs that finished.
    pub finished: u64,
    /// Jobs rejected because no hub was eligible.
    pub rejected_no_eligible_hub: u64,
    /// Jobs the scheduler rejected.
    pub rejected_by_scheduler: u64,
    /// Jobs lost to faults (killed with no attempt left).
    pub lost: u64,
    /// Finished jobs whose JCT met the class deadline (only classes with a deadline).
    pub deadline_met: u64,
    /// Finished jobs that met every objective of the class's SLO (only classes with one).
    pub slo_met: u64,
    /// Energy, cost and carbon of the finished jobs.
    pub footprint: Footprint,
}

impl Counters {
    /// All rejected jobs.
    pub fn rejected(&self) -> u64 {
        self.rejected_no_eligible_hub + self.rejected_by_scheduler
    }

    /// Jobs neither finished, rejected nor lost.
    pub fn in_flight(&self) -> u64 {
        self.submitted - self.finished - self.rejected() - self.lost
    }

    fn reject(&mut self, reason: RejectReason) {
        match reason {
            RejectReason::NoEligibleHub => self.rejected_no_eligible_hub += 1,
            RejectReason::Scheduler => self.rejected_by_scheduler += 1,
        }
    }
}

/// Per-hub job statistics.
#[derive(Clone, Debug)]
pub struct HubRecord {
    /// Measured jobs placed at the hub.
    pub placed: u64,
    /// Wait of measured jobs that finished at the hub.
    pub wait: LogHistogram,
    /// JCT of measured jobs that finished at the hub.
    pub jct: LogHistogram,
}

/// Per-hub latency counts on their way into the hubs' histograms, applied in batches.
///
/// With many hubs the per-hub histograms span far more memory than the caches, so counting
/// each finished job at once stalls the event loop on a cache miss or two. Slots are computed
/// at once (from a template of the shared shape, without touching the counts) and the counts
/// applied a batch at a time, in a loop of independent increments whose misses overlap.
#[derive(Clone, Debug)]
struct HubCountBuffer {
    wait_shape: LogHistogram,
    jct_shape: LogHistogram,
    /// (hub, wait slot, JCT slot).
    pending: Vec<(u16, u32, u32)>,
}

impl HubCountBuffer {
    /// Counts held before they are applied.
    const BATCH: usize = 1024;

    fn new(digits: u8) -> Self {
        HubCountBuffer {
            wait_shape: new_histogram_with_digits(Metric::Wait, digits),
            jct_shape: new_histogram_with_digits(Metric::Jct, digits),
            pending: Vec::with_capacity(Self::BATCH),
        }
    }

    #[inline]
    fn record(&mut self, hub: u16, wait: u64, jct: u64, records: &mut [HubRecord]) {
        self.pending.push((hub, self.wait_shape.slot(wait), self.jct_shape.slot(jct)));
        if self.pending.len() == Self::BATCH {
            self.flush(records);
        }
    }

    #[cold]
    fn flush(&mut self, records: &mut [HubRecord]) {
        for &(hub, wait, jct) in &self.pending {
            let record = &mut records[hub as usize];
            record.wait.count_slot(wait);
            record.jct.count_slot(jct);
        }
        self.pending.clear();
    }
}

/// Transfer slowdowns of one class: actual transfer time / the time alone on the route.
#[derive(Clone, Debug)]
pub struct SlowdownRecord {
    /// Measured transfers.
    pub count: u64,
    /// Sum of their slowdowns.
    pub sum: f64,
    /// The largest.
    pub max: f64,
    /// Slowdowns in thousandths.
    pub histogram: LogHistogram,
}

impl Default for SlowdownRecord {
    fn default() -> Self {
        SlowdownRecord { count: 0, sum: 0.0, max: 0.0, histogram: LogHistogram::new(1_000_000_000, 3) }
    }
}

/// Per-region sums for fairness.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RegionRecord {
    /// Measured jobs from the region that finished.
    pub finished: u64,
    /// Sum of their bounded slowdowns, in thousandths (an exact integer sum).
    pub bounded_slowdown_millis_sum: u64,
}

/// Where an unfinished job was when the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfinished {
    /// Waiting for a decision (deferred) or moving its data to a hub.
    NotAtHub,
    /// In a hub pool's queue.
    Queued,
    /// Running.
    Running,
}

/// The measured jobs of one class still in flight at the end, with lower bounds of their
/// latencies (what they had already spent when the run ended).
#[derive(Clone, Debug)]
pub struct UnfinishedRecord {
    /// Jobs not yet at a hub (awaiting a decision or moving data).
    pub not_at_hub: u64,
    /// Jobs in a queue.
    pub queued: u64,
    /// Jobs running.
    pub running: u64,
    /// Jobs already past an objective of the class's SLO.
    pub slo_missed: u64,
    /// end - submit of each: a lower bound of its JCT, in recorded units.
    pub age: LogHistogram,
    /// Queue wait so far (final for running jobs, 0 before the hub): a lower bound of its wait.
    pub waited: LogHistogram,
}

impl Default for UnfinishedRecord {
    fn default() -> Self {
        UnfinishedRecord {
            not_at_hub: 0,
            queued: 0,
            running: 0,
            slo_missed: 0,
            age: crate::metrics::new_histogram(Metric::Jct),
            waited: crate::metrics::new_histogram(Metric::Wait),
        }
    }
}

/// Collects every statistic of a run.
#[derive(Clone, Debug)]
pub struct Recorder {
    warmup: SimTime,
    deadlines: Vec<Option<SimDuration>>,
    slos: Vec<Slo>,
    regions: usize,
    hubs: usize,
    /// Counters of measured jobs (submitted at or after the warm-up), per class.
    pub class_counters: Vec<Counters>,
    /// Counters of jobs submitted during the warm-up (left out of statistics).
    pub warmup_counters: Counters,
    /// Measured jobs placed at each hub still in flight at the end (filled when the run finishes).
    pub hub_in_flight: Vec<u64>,
    /// Measured jobs of each class still in flight at the end (filled when the run finishes).
    pub class_unfinished: Vec<UnfinishedRecord>,
    /// Latency histograms per class.
    pub class_latency: Vec<LatencySet>,
    /// Latency histograms over all classes (merged from the classes' when the run finishes).
    pub all_latency: LatencySet,
    /// Per-hub statistics.
    pub hub_records: Vec<HubRecord>,
    /// Counts on their way into `hub_records`' histograms.
    hub_counts: HubCountBuffer,
    /// Measured jobs placed per hub, copied into `hub_records` at the end (a compact array
    /// keeps the per-placement update in cache when hubs are many).
    placed: Vec<u64>,
    /// All jobs (warm-up included) finished in each hour of the run.
    pub finished_per_hour: Vec<u64>,
    /// Bytes moved from each region to each hub by measured jobs, indexed region x hubs + hub.
    pub bytes_moved: Vec<u128>,
    /// Per demand region: finished measured jobs and their slowdowns.
    pub region_records: Vec<RegionRecord>,
    /// Output bytes measured jobs sent back to their origins.
    pub bytes_returned: u128,
    /// Per class: transfer slowdowns (flow model).
    pub transfer_slowdowns: Vec<SlowdownRecord>,
    /// Per directed link, under the flow model (filled in when the run finishes).
    pub links: Option<Vec<LinkRecord>>,
    /// Rate re-allocations of the flow model.
    pub flow_reallocations: u64,
    /// A digest of every submitted job's attributes (time, class, origin, units, runtime,
    /// data): equal digests mean identical workloads (common random numbers).
    pub workload_digest: u64,
    /// Pool utilisation.
    pub utilisation: Utilisation,
    /// Events processed.
    pub events: u64,
    /// What faults did (runs with faults only; filled in when the run finishes).
    pub faults: Option<FaultRecord>,
    /// Under time-varying signals, per hub and pool: busy units x [price, carbon] integrals
    /// over the measured window (filled when the run finishes).
    pub signal_window: Option<Vec<[[f64; 2]; 2]>>,
    /// Per class: delays added by shifting and slack misses (runs with signals or slack only).
    pub shift: Option<Vec<ShiftRecord>>,
}

impl Recorder {
    /// A recorder for `classes` deadlines, `regions` regions and the hubs in `states`.
    pub fn new(
        deadlines: Vec<Option<SimDuration>>,
        regions: usize,
        states: &[HubState],
        warmup: SimTime,
        duration: SimDuration,
        sample_interval: SimDuration,
    ) -> Self {
        let classes = deadlines.len();
        let hubs = states.len();
        Recorder {
            warmup,
            deadlines,
            slos: vec![Slo::default(); classes],
            regions,
            hubs,
            class_unfinished: vec![UnfinishedRecord::default(); classes],
            hub_in_flight: vec![0; hubs],
            class_counters: vec![Counters::default(); classes],
            warmup_counters: Counters::default(),
            class_latency: vec![LatencySet::default(); classes],
            all_latency: LatencySet::default(),
            hub_counts: HubCountBuffer::new(hub_histogram_digits(hubs)),
            placed: vec![0; hubs],
            hub_records: {
                // Clones of an empty histogram allocate nothing until the hub records a job.
                let shape = HubRecord {
                    placed: 0,
                    wait: new_histogram_with_digits(Metric::Wait, hub_histogram_digits(hubs)),
                    jct: new_histogram_with_digits(Metric::Jct, hub_histogram_digits(hubs)),
                };
                vec![shape; hubs]
            },
            finished_per_hour: vec![0; duration.div_ceil(HOUR) as usize],
            bytes_moved: vec![0; regions * hubs],
            region_records: vec![RegionRecord::default(); regions],
            bytes_returned: 0,
            transfer_slowdowns: vec![SlowdownRecord::default(); classes],
            links: None,
            flow_reallocations: 0,
            workload_digest: 0xcbf2_9ce4_8422_2325,
            utilisation: Utilisation::new(states, sample_interval, warmup, duration),
            events: 0,
            faults: None,
            signal_window: None,
            shift: None,
        }
    }

    /// Sets each class's SLO (none by default).
    pub fn set_objectives(&mut self, slos: Vec<Slo>) {
        assert_eq!(slos.len(), self.slos.len(), "one SLO per class");
        self.slos = slos;
    }

    /// Keeps shifting figures, for classes with these slacks.
    pub fn track_shifting(&mut self, slacks: Vec<Option<SimDuration>>) {
        self.shift = Some(slacks.into_iter().map(ShiftRecord::new).collect());
    }

    #[inline(never)]
    fn shift_placed(&mut self, job: &Job) {
        if let Some(shift) = &mut self.shift {
            shift[job.class as usize].placed(job);
        }
    }

    #[inline(never)]
    fn shift_finished(&mut self, job: &Job) {
        if let Some(shift) = &mut self.shift {
            shift[job.class as usize].finished(job);
        }
    }

    /// A measured or warm-up job was still in flight at `end`, in state `state`.
    pub fn unfinished(&mut self, job: &Job, end: SimTime, state: Unfinished) {
        if !job.measured {
            return;
        }
        let age = end - job.submit;
        let waited = match state {
            Unfinished::NotAtHub => 0,
            Unfinished::Queued => end - job.hub_arrival,
            Unfinished::Running => job.start - job.hub_arrival,
        };
        if let Some(count) = self.hub_in_flight.get_mut(job.hub as usize) {
            *count += 1;
        }
        let record = &mut self.class_unfinished[job.class as usize];
        match state {
            Unfinished::NotAtHub => record.not_at_hub += 1,
            Unfinished::Queued => record.queued += 1,
            Unfinished::Running => record.running += 1,
        }
        if self.slos[job.class as usize].already_missed(age, waited) {
            record.slo_missed += 1;
        }
        record.age.record(recorded(age));
        record.waited.record(recorded(waited));
    }

    /// The warm-up end.
    pub fn warmup(&self) -> SimTime {
        self.warmup
    }

    /// Whether a job submitted at `submit` counts in the statistics.
    #[inline]
    pub fn is_measured(&self, submit: SimTime) -> bool {
        submit >= self.warmup
    }

    #[inline]
    fn counters(&mut self, class: u16, measured: bool) -> &mut Counters {
        if measured { &mut self.class_counters[class as usize] } else { &mut self.warmup_counters }
    }

    /// A job was submitted at `now` with attributes `draw`.
    #[inline]
    pub fn submitted(&mut self, class: u16, measured: bool, now: SimTime, draw: &JobDraw) {
        self.counters(class, measured).submitted += 1;
        for word in [
            now,
            u64::from(class) << 48 | u64::from(draw.origin) << 32 | u64::from(draw.units),
            draw.runtime,
            draw.data_bytes,
        ] {
            self.workload_digest = (self.workload_digest ^ word).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(17);
        }
    }

    /// A job was rejected.
    #[inline]
    pub fn rejected(&mut self, class: u16, measured: bool, reason: RejectReason) {
        self.counters(class, measured).reject(reason);
    }

    /// A job was lost to a fault.
    #[inline]
    pub fn lost(&mut self, class: u16, measured: bool) {
        self.counters(class, measured).lost += 1;
    }

    /// A job was placed at a hub and `moved` bytes of its input start moving there.
    #[inline]
    pub fn placed(&mut self, job: &Job, moved: u64) {
        if job.measured {
            let hub = job.hub as usize;
            self.placed[hub] += 1;
            if self.shift.is_some() {
                self.shift_placed(job);
            }
            if moved > 0 {
                self.bytes_moved[job.origin as usize * self.hubs + hub] += u128::from(moved);
            }
        }
    }

    /// A run of a job of `class` was suspended (interruptible jobs).
    #[cold]
    pub fn suspended(&mut self, class: u16, measured: bool) {
        if let (true, Some(shift)) = (measured, &mut self.shift) {
            shift[class as usize].suspended += 1;
        }
    }

    /// A measured job's output of `bytes` starts back to its origin.
    #[inline]
    pub fn returned(&mut self, bytes: u64) {
        self.bytes_returned += u128::from(bytes);
    }

    /// A measured job's input took `actual` ns to arrive where it alone would have taken
    /// `alone` ns (flow model).
    #[inline]
    pub fn transfer_slowdown(&mut self, class: usize, actual: f64, alone: f64) {
        let record = &mut self.transfer_slowdowns[class];
        let slowdown = if alone > 0.0 { (actual / alone).max(1.0) } else { 1.0 };
        record.count += 1;
        record.sum += slowdown;
        record.max = record.max.max(slowdown);
        record.histogram.record((slowdown * 1000.0).round() as u64);
    }

    /// A job finished at `now`, having used `footprint`.
    #[inline]
    pub fn finished(&mut self, job: &Job, now: SimTime, footprint: Footprint) {
        if let Some(hour) = self.finished_per_hour.get_mut((now / HOUR) as usize) {
            *hour += 1;
        }
        let jct = now - job.submit;
        let counters = self.counters(job.class, job.measured);
        counters.finished += 1;
        if !job.measured {
            return;
        }
        if self.shift.is_some() {
            self.shift_finished(job);
        }
        let class = &mut self.class_counters[job.class as usize];
        if self.deadlines[job.class as usize].is_some_and(|d| jct <= d) {
            class.deadline_met += 1;
        }
        class.footprint.add(footprint);
        let wait = job.start - job.hub_arrival;
        if self.slos[job.class as usize].met(jct, wait) {
            class.slo_met += 1;
        }
        let run = job.runtime;
        let slowdown = bounded_slowdown_millis(jct, run);
        self.class_latency[job.class as usize].record(job.transfer, wait, run, jct, slowdown);
        self.hub_counts.record(job.hub, recorded(wait), recorded(jct), &mut self.hub_records);
        let region = &mut self.region_records[job.origin as usize];
        region.finished += 1;
        region.bounded_slowdown_millis_sum += slowdown;
    }

    /// Closes the statistics at `end`: merges the classes' latency histograms into `all`
    /// and computes the exact utilisation means.
    pub fn finish(&mut self, end: SimTime, states: &[HubState]) {
        self.hub_counts.flush(&mut self.hub_records);
        for (record, &placed) in self.hub_records.iter_mut().zip(&self.placed) {
            record.placed = placed;
        }
        let mut all = LatencySet::default();
        for class in &self.class_latency {
            all.add(class);
        }
        self.all_latency = all;
        self.utilisation.finish(end, states);
    }

    /// Counters of measured jobs over all classes.
    pub fn total(&self) -> Counters {
        self.class_counters.iter().fold(Counters::default(), |mut acc, c| {
            acc.submitted += c.submitted;
            acc.finished += c.finished;
            acc.rejected_no_eligible_hub += c.rejected_no_eligible_hub;
            acc.rejected_by_scheduler += c.rejected_by_scheduler;
            acc.lost += c.lost;
            acc.deadline_met += c.deadline_met;
            acc.slo_met += c.slo_met;
            acc.footprint.add(c.footprint);
            acc
        })
    }

    /// Number of demand regions.
    pub fn region_count(&self) -> usize {
        self.regions
    }
}
