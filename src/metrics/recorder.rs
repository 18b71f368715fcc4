//! The recorder: everything the engine reports about jobs, hubs and itself.

use hdrhistogram::Histogram;

use crate::engine::HubState;
use crate::metrics::latency::recorded;
use crate::metrics::{LatencySet, Metric, Utilisation, new_histogram};
use crate::model::Job;
use crate::time::{HOUR, SimDuration, SimTime};

/// Why a job was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// No hub satisfies the job's round-trip limit with a pool large enough for it.
    NoEligibleHub,
    /// The scheduler refused it.
    Scheduler,
}

/// Job counts of one group. `submitted = finished + rejected + in_flight` at the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Jobs submitted.
    pub submitted: u64,
    /// Jobs that finished.
    pub finished: u64,
    /// Jobs rejected because no hub was eligible.
    pub rejected_no_eligible_hub: u64,
    /// Jobs the scheduler rejected.
    pub rejected_by_scheduler: u64,
    /// Finished jobs whose JCT met the class deadline (only classes with a deadline).
    pub deadline_met: u64,
}

impl Counters {
    /// All rejected jobs.
    pub fn rejected(&self) -> u64 {
        self.rejected_no_eligible_hub + self.rejected_by_scheduler
    }

    /// Jobs neither finished nor rejected.
    pub fn in_flight(&self) -> u64 {
        self.submitted - self.finished - self.rejected()
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
    pub wait: Histogram<u64>,
    /// JCT of measured jobs that finished at the hub.
    pub jct: Histogram<u64>,
}

/// Collects every statistic of a run.
#[derive(Clone, Debug)]
pub struct Recorder {
    warmup: SimTime,
    deadlines: Vec<Option<SimDuration>>,
    regions: usize,
    hubs: usize,
    /// Counters of measured jobs (submitted at or after the warm-up), per class.
    pub class_counters: Vec<Counters>,
    /// Counters of jobs submitted during the warm-up (left out of statistics).
    pub warmup_counters: Counters,
    /// Latency histograms per class.
    pub class_latency: Vec<LatencySet>,
    /// Latency histograms over all classes (merged from the classes' when the run finishes).
    pub all_latency: LatencySet,
    /// Per-hub statistics.
    pub hub_records: Vec<HubRecord>,
    /// All jobs (warm-up included) finished in each hour of the run.
    pub finished_per_hour: Vec<u64>,
    /// Bytes moved from each region to each hub by measured jobs, indexed region x hubs + hub.
    pub bytes_moved: Vec<u128>,
    /// Pool utilisation.
    pub utilisation: Utilisation,
    /// Events processed.
    pub events: u64,
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
            regions,
            hubs,
            class_counters: vec![Counters::default(); classes],
            warmup_counters: Counters::default(),
            class_latency: vec![LatencySet::default(); classes],
            all_latency: LatencySet::default(),
            hub_records: (0..hubs)
                .map(|_| HubRecord { placed: 0, wait: new_histogram(Metric::Wait), jct: new_histogram(Metric::Jct) })
                .collect(),
            finished_per_hour: vec![0; duration.div_ceil(HOUR) as usize],
            bytes_moved: vec![0; regions * hubs],
            utilisation: Utilisation::new(states, sample_interval, warmup),
            events: 0,
        }
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

    /// A job was submitted.
    #[inline]
    pub fn submitted(&mut self, class: u16, measured: bool) {
        self.counters(class, measured).submitted += 1;
    }

    /// A job was rejected.
    #[inline]
    pub fn rejected(&mut self, class: u16, measured: bool, reason: RejectReason) {
        self.counters(class, measured).reject(reason);
    }

    /// A job was placed at a hub and its data starts moving.
    #[inline]
    pub fn placed(&mut self, job: &Job) {
        if job.measured {
            let hub = job.hub as usize;
            self.hub_records[hub].placed += 1;
            self.bytes_moved[job.origin as usize * self.hubs + hub] += u128::from(job.data_bytes);
        }
    }

    /// A job finished at `now`.
    #[inline]
    pub fn finished(&mut self, job: &Job, now: SimTime) {
        if let Some(hour) = self.finished_per_hour.get_mut((now / HOUR) as usize) {
            *hour += 1;
        }
        let jct = now - job.submit;
        let counters = self.counters(job.class, job.measured);
        counters.finished += 1;
        if !job.measured {
            return;
        }
        if self.deadlines[job.class as usize].is_some_and(|d| jct <= d) {
            self.class_counters[job.class as usize].deadline_met += 1;
        }
        let wait = job.start - job.hub_arrival;
        let run = now - job.start;
        self.class_latency[job.class as usize].record(job.transfer, wait, run, jct);
        let hub = &mut self.hub_records[job.hub as usize];
        hub.wait.saturating_record(recorded(wait));
        hub.jct.saturating_record(recorded(jct));
    }

    /// Closes the statistics at `end`: merges the classes' latency histograms into `all`
    /// and computes the exact utilisation means.
    pub fn finish(&mut self, end: SimTime, states: &[HubState]) {
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
            acc.deadline_met += c.deadline_met;
            acc
        })
    }

    /// Number of demand regions.
    pub fn region_count(&self) -> usize {
        self.regions
    }
}
