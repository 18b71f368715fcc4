//! Reports: a serialisable summary of a run, built from the recorder, and its renderings
//! (text, JSON, utilisation CSV, HdrHistogram interval log). Rendering only: nothing here
//! runs the engine again.

pub mod censoring;
pub mod faults;
pub mod hdr_log;
pub mod hubs;
pub mod jobs_csv;
pub mod json;
pub mod links;
pub mod network_map;
pub mod reach;
pub mod shift;
pub mod slo;
pub mod stability;
pub mod text;
pub mod timeseries;

pub use censoring::{CensoringReport, UnfinishedReport};
pub use slo::SloReport;
pub use stability::Stability;

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::load_check::LoadCheck;
use crate::metrics::{Counters, LatencySet, Metric, Recorder};
use crate::model::{Footprint, PoolKind, World};
use crate::scenario::Scenario;
use crate::time::nanos_to_seconds;

/// Percentiles and mean of one histogram, in seconds (or as a ratio for slowdown).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stats {
    /// Number of values.
    pub count: u64,
    /// Mean (null when empty).
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest value.
    pub max: f64,
    /// Non-empty log2-spaced buckets: values up to `le` (inclusive), and how many.
    pub buckets: Vec<Bucket>,
}

/// One histogram bucket.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Bucket {
    /// Upper bound of the bucket (seconds, ratio, or utilisation share).
    pub le: f64,
    /// Values in the bucket.
    pub count: u64,
}

impl Stats {
    /// Summarises a histogram whose recorded values convert with `to_report`.
    pub fn from_histogram(h: &Histogram<u64>, to_report: impl Fn(f64) -> f64, unit: f64) -> Stats {
        let empty = h.is_empty();
        let q = |quantile: f64| if empty { f64::NAN } else { to_report(h.value_at_quantile(quantile) as f64) };
        let mut buckets: BTreeMap<i32, u64> = BTreeMap::new();
        for v in h.iter_recorded() {
            let value = (h.highest_equivalent(v.value_iterated_to()) as f64 / unit).max(1.0);
            *buckets.entry(value.log2().ceil() as i32).or_default() += v.count_at_value();
        }
        Stats {
            count: h.len(),
            mean: if empty { f64::NAN } else { to_report(h.mean()) },
            p50: q(0.5),
            p90: q(0.9),
            p95: q(0.95),
            p99: q(0.99),
            p999: q(0.999),
            max: if empty { f64::NAN } else { to_report(h.highest_equivalent(h.max()) as f64) },
            buckets: buckets
                .into_iter()
                .map(|(k, count)| Bucket { le: to_report(2f64.powi(k) * unit), count })
                .collect(),
        }
    }

    fn of(set: &LatencySet, metric: Metric) -> Stats {
        let unit = if metric.is_duration() { 1.0 } else { 1000.0 };
        Stats::from_histogram(&set.get(metric), |v| metric.to_report(v), unit)
    }
}

/// Job counts of one group.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct JobCounts {
    /// Submitted after the warm-up.
    pub submitted: u64,
    /// Finished.
    pub finished: u64,
    /// Rejected, for any reason.
    pub rejected: u64,
    /// Rejected because no hub was eligible (round trip or pool size).
    pub rejected_no_eligible_hub: u64,
    /// Rejected by the scheduler.
    pub rejected_by_scheduler: u64,
    /// Lost to faults (present only when some job was lost).
    #[serde(skip_serializing_if = "is_zero")]
    pub lost: u64,
    /// Still in flight at the end.
    pub in_flight: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl From<Counters> for JobCounts {
    fn from(c: Counters) -> Self {
        JobCounts {
            submitted: c.submitted,
            finished: c.finished,
            rejected: c.rejected(),
            rejected_no_eligible_hub: c.rejected_no_eligible_hub,
            rejected_by_scheduler: c.rejected_by_scheduler,
            lost: c.lost,
            in_flight: c.in_flight(),
        }
    }
}

/// Per-class summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClassReport {
    /// Class name.
    pub name: String,
    /// Pool its jobs use.
    pub pool: PoolKind,
    /// Job counts.
    pub jobs: JobCounts,
    /// Share of finished jobs whose JCT met the deadline (classes with a deadline).
    pub deadline_met: Option<f64>,
    /// SLO attainment (classes with a deadline or a round-trip limit): the share of jobs that
    /// ended (finished or rejected) which met every target: JCT within the deadline and placed
    /// within the round-trip limit. Rejected jobs count as misses.
    pub slo_attainment: Option<f64>,
    /// Energy, cost and carbon of the class's finished jobs (their whole runtimes).
    pub footprint: Footprint,
    /// The same per finished job.
    pub footprint_per_job: Footprint,
    /// finished / submitted (null when none was submitted).
    pub finished_share: Option<f64>,
    /// Whether more than the censoring threshold of the class's jobs were in flight at the end.
    pub censored: bool,
    /// The class's jobs still in flight at the end, with lower bounds of their latencies.
    pub unfinished: UnfinishedReport,
    /// The class's SLO (`slo` or `deadline`) with attainment that counts rejected and overdue
    /// in-flight jobs as misses; null for a class without objectives.
    pub slo: Option<SloReport>,
    /// Delay added by temporal shifting and slack misses (runs with signals or slack only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<shift::ShiftReport>,
}

/// Utilisation of one pool of one hub.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PoolReport {
    /// Capacity in units.
    pub capacity: u32,
    /// Exact time-weighted mean over the measured window (null for an empty pool).
    pub mean: Option<f64>,
    /// Median of the equal-interval samples.
    pub p50: Option<f64>,
    /// Time-average units waiting in the pool's queue over the measured window.
    pub mean_queued_units: Option<f64>,
    /// 95th percentile of the samples.
    pub p95: Option<f64>,
    /// Backlog trend across the measured window and the verdict (steady or growing).
    pub stability: Stability,
    /// Samples per 10 % band: `le` is the band's upper bound (0.1 .. 1.0).
    pub histogram: Vec<Bucket>,
}

/// Per-hub summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HubReport {
    /// Hub id.
    pub id: String,
    /// Hub name.
    pub name: String,
    /// Measured jobs placed here.
    pub placed: u64,
    /// Utilisation per pool (`intelligent`, `general`).
    pub utilisation: BTreeMap<&'static str, PoolReport>,
    /// Wait of jobs that finished here.
    pub wait: Stats,
    /// JCT of jobs that finished here.
    pub jct: Stats,
    /// PUE (facility energy / IT energy).
    pub pue: f64,
    /// Power price, CNY per kWh.
    pub price: f64,
    /// Renewable share of the hub's power.
    pub renewable: f64,
    /// Measured jobs placed here still in flight at the end.
    pub in_flight: u64,
    /// Energy, cost and carbon consumed here over the measured window: the exact busy
    /// unit-hours of each pool x power per unit x PUE (and x price, x carbon intensity).
    pub footprint: Footprint,
}

/// One demand region's service.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RegionReport {
    /// Region id.
    pub id: String,
    /// Measured jobs from here that finished.
    pub finished: u64,
    /// Their mean bounded slowdown.
    pub mean_bounded_slowdown: Option<f64>,
}

/// Fairness across demand regions.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FairnessReport {
    /// Jain's index of the regions' mean bounded slowdowns (regions with finished jobs):
    /// (sum x)^2 / (n sum x^2); 1 = every region served alike.
    pub jain_mean_slowdown: Option<f64>,
    /// Per region.
    pub regions: Vec<RegionReport>,
}

/// Jain's fairness index (sum x)^2 / (n sum x^2); `None` for no values or all zero.
pub fn jain_index(values: &[f64]) -> Option<f64> {
    let n = values.len() as f64;
    let sum: f64 = values.iter().sum();
    let squares: f64 = values.iter().map(|x| x * x).sum();
    (n > 0.0 && squares > 0.0).then(|| sum * sum / (n * squares))
}

/// Bytes moved from one region to one hub.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Flow {
    /// Region id.
    pub from: String,
    /// Hub id.
    pub to: String,
    /// Bytes moved by measured jobs.
    pub bytes: f64,
}

/// Data movement.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NetworkReport {
    /// Total bytes moved by measured jobs.
    pub bytes_total: f64,
    /// Bytes moved to a hub other than the origin's nearest: data that left its region.
    pub bytes_remote: f64,
    /// Non-zero region-to-hub flows, in region then hub order.
    pub flows: Vec<Flow>,
    /// Output bytes measured jobs sent back to their origins (omitted when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_returned: Option<f64>,
    /// Per class and `all`: transfer slowdown = actual transfer time / the time alone on the
    /// route (flow model only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_slowdown: Option<BTreeMap<String, links::SlowdownStats>>,
}

/// Run-time figures (the wall-clock ones differ between identical runs).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Performance {
    /// Events processed (deterministic).
    pub events: u64,
    /// Wall time of the simulation loop.
    pub wall_seconds: f64,
    /// Events per wall second.
    pub events_per_second: f64,
    /// Jobs submitted (warm-up included) per wall second.
    pub jobs_per_second: f64,
    /// Peak resident memory of the process, where the platform tells.
    pub peak_rss_bytes: Option<u64>,
}

/// Everything a run reports. JSON keys are stable; see docs/metrics.md.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunReport {
    /// Scenario name.
    pub scenario: String,
    /// Scheduler name.
    pub scheduler: String,
    /// Master seed.
    pub seed: u64,
    /// Simulated duration, seconds.
    pub duration_seconds: f64,
    /// Warm-up, seconds.
    pub warmup_seconds: f64,
    /// Jobs submitted after the warm-up, over all classes.
    pub jobs: JobCounts,
    /// Jobs submitted during the warm-up (left out of every statistic).
    pub warmup_jobs: JobCounts,
    /// Per-class counts.
    pub classes: Vec<ClassReport>,
    /// Whether unfinished work censors the latencies (over the threshold in flight at the end).
    pub censoring: CensoringReport,
    /// `latency.<class>.<metric>`: class names plus `all`; metrics transfer, wait, run, jct,
    /// bounded_slowdown. Durations in seconds.
    pub latency: BTreeMap<String, BTreeMap<&'static str, Stats>>,
    /// Per-hub summaries, in hub order.
    pub hubs: Vec<HubReport>,
    /// Utilisation sample interval, seconds.
    pub sample_interval_seconds: f64,
    /// Data movement.
    pub network: NetworkReport,
    /// Per direction of every link (flow model only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<links::LinkReport>>,
    /// Outages and failures (runs with faults only; see docs/faults.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faults: Option<faults::FaultReport>,
    /// The energy model: IT power per unit of each pool (kW) and grid carbon intensity.
    pub energy_model: crate::model::EnergyModel,
    /// Energy, cost and carbon consumed by all hubs over the measured window.
    pub footprint: Footprint,
    /// Whether cost and carbon integrate time-varying signals (`[signals]`; omitted when not).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub time_varying_signals: bool,
    /// Energy, cost and carbon per finished job (whole runtimes of measured jobs).
    pub footprint_per_job: Footprint,
    /// Fairness across demand regions.
    pub fairness: FairnessReport,
    /// Delay added by temporal shifting over all classes (runs with signals or slack only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<shift::ShiftReport>,
    /// Digest of every submitted job (times and attributes): equal for every policy on one
    /// seed, since workloads are drawn from streams no decision touches.
    pub workload_digest: String,
    /// All jobs finished in each hour of the run (warm-up included).
    pub finished_per_hour: Vec<u64>,
    /// Offered load of each class and pool against capacity, with warnings (see
    /// docs/overload-and-slos.md).
    pub load_check: LoadCheck,
    /// Run-time figures.
    pub performance: Performance,
    /// What the trace sources read (only for scenarios with `[[traces]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traces: Option<TraceReport>,
}

/// Rows read, jobs kept and rows dropped by reason, over every trace source of a run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TraceReport {
    /// Rows read.
    pub rows: u64,
    /// Jobs kept (submitted, or past the run's end and never read).
    pub kept: u64,
    /// Rows dropped, by reason.
    pub dropped: BTreeMap<&'static str, u64>,
    /// The first few rows skipped as unreadable.
    pub bad_rows: Vec<String>,
}

impl TraceReport {
    /// The report of `stats`.
    pub fn of(stats: &crate::workload::trace::TraceStats) -> TraceReport {
        use crate::workload::trace::DropReason;
        TraceReport {
            rows: stats.rows,
            kept: stats.kept,
            dropped: DropReason::ALL.iter().map(|&r| (r.name(), stats.dropped(r))).collect(),
            bad_rows: stats.bad_rows.iter().map(ToString::to_string).collect(),
        }
    }
}

/// How long the run took on the wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct WallClock {
    /// Seconds spent in the event loop.
    pub seconds: f64,
}

impl RunReport {
    /// Builds the report of a finished run.
    pub fn build(scenario: &Scenario, world: &World, recorder: &Recorder, wall: WallClock) -> RunReport {
        let total = recorder.total();
        let classes = class_reports(scenario, world, recorder);
        let censoring = censoring_report(&classes, &total, scenario.censoring_threshold);
        RunReport {
            scenario: scenario.name.clone(),
            scheduler: scenario.scheduler.to_string(),
            seed: scenario.run.seed,
            duration_seconds: nanos_to_seconds(scenario.run.duration),
            warmup_seconds: nanos_to_seconds(scenario.run.warmup),
            jobs: total.into(),
            warmup_jobs: recorder.warmup_counters.into(),
            classes,
            censoring,
            latency: latency_report(world, recorder),
            hubs: hub_reports(world, recorder),
            sample_interval_seconds: nanos_to_seconds(recorder.utilisation.interval),
            network: network_report(world, recorder),
            links: links::links(world, recorder),
            faults: faults::FaultReport::of(world, recorder, scenario.run.duration - scenario.run.warmup),
            footprint: total_footprint(world, recorder),
            energy_model: world.energy.clone(),
            time_varying_signals: world.signals.is_some(),
            footprint_per_job: per_job(total.footprint, total.finished),
            fairness: fairness(world, recorder),
            shift: recorder.shift.as_deref().map(shift::ShiftReport::total),
            workload_digest: format!("{:016x}", recorder.workload_digest),
            finished_per_hour: recorder.finished_per_hour.clone(),
            load_check: LoadCheck::of(world),
            performance: performance(recorder, &total, wall),
            traces: None,
        }
    }

    /// Mean utilisation of a pool over all hubs, weighted by capacity.
    pub fn national_utilisation(&self, pool: PoolKind) -> Option<f64> {
        let (mut busy, mut capacity) = (0.0, 0.0);
        for hub in &self.hubs {
            let p = &hub.utilisation[pool.name()];
            if let Some(mean) = p.mean {
                busy += mean * f64::from(p.capacity);
                capacity += f64::from(p.capacity);
            }
        }
        (capacity > 0.0).then(|| busy / capacity)
    }
}

/// What hub `h` consumed over the measured window, from the exact busy integrals.
fn window_footprint(world: &World, recorder: &Recorder, h: usize) -> Footprint {
    let hour = crate::time::HOUR;
    let mut total = Footprint::default();
    for pool in PoolKind::ALL {
        let unit_hours = recorder.utilisation.pool(h, pool).busy_unit_nanos as f64 / hour as f64;
        let mut footprint = world.energy.footprint(&world.hubs[h], pool, 1, hour).scaled(unit_hours);
        if let Some(window) = &recorder.signal_window {
            // Time-varying signals: busy units x the signals' exact integrals.
            let kw = world.energy.kw_per_unit[pool.index()] * world.hubs[h].pue;
            let [price, carbon] = window[h][pool.index()];
            (footprint.cost_cny, footprint.carbon_kg) = (kw * price, kw * carbon);
        }
        total.add(footprint);
    }
    total
}

fn total_transfer_cost(recorder: &Recorder) -> f64 {
    recorder.class_counters.iter().map(|c| c.footprint.transfer_cost_cny).sum()
}

fn per_job(total: Footprint, jobs: u64) -> Footprint {
    total.scaled(1.0 / jobs.max(1) as f64)
}

fn fairness(world: &World, recorder: &Recorder) -> FairnessReport {
    let regions: Vec<RegionReport> = world
        .regions
        .iter()
        .zip(&recorder.region_records)
        .map(|(region, r)| RegionReport {
            id: region.id.clone(),
            finished: r.finished,
            mean_bounded_slowdown: (r.finished > 0).then(|| {
                r.bounded_slowdown_millis_sum as f64 / crate::metrics::latency::SLOWDOWN_SCALE / r.finished as f64
            }),
        })
        .collect();
    let means: Vec<f64> = regions.iter().filter_map(|r| r.mean_bounded_slowdown).collect();
    FairnessReport { jain_mean_slowdown: jain_index(&means), regions }
}

fn pool_report(recorder: &Recorder, hub: usize, pool: PoolKind) -> PoolReport {
    let u = recorder.utilisation.pool(hub, pool);
    let samples = SampleSummary::of(recorder.utilisation.measured_samples(hub, pool));
    let has = u.capacity > 0;
    PoolReport {
        capacity: u.capacity,
        mean: u.mean,
        p50: samples.p50.filter(|_| has),
        mean_queued_units: u.mean_queued_units,
        p95: samples.p95.filter(|_| has),
        stability: Stability::of(u.capacity, recorder.utilisation.measured_queued_samples(hub, pool)),
        histogram: if has { samples.histogram } else { Vec::new() },
    }
}

/// Nearest-rank p50 and p95 of utilisation samples, and their counts per 10 % band.
pub(crate) struct SampleSummary {
    pub(crate) p50: Option<f64>,
    pub(crate) p95: Option<f64>,
    pub(crate) histogram: Vec<Bucket>,
}

impl SampleSummary {
    pub(crate) fn of(samples: &[f32]) -> SampleSummary {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f32::total_cmp);
        let share = |q: f64| {
            (!sorted.is_empty()).then(|| {
                let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
                f64::from(sorted[rank - 1])
            })
        };
        let mut bands = [0u64; 10];
        for &s in &sorted {
            bands[((f64::from(s) * 10.0).ceil() as usize).clamp(1, 10) - 1] += 1;
        }
        SampleSummary {
            p50: share(0.5),
            p95: share(0.95),
            histogram: bands
                .iter()
                .enumerate()
                .map(|(i, &count)| Bucket { le: (i + 1) as f64 / 10.0, count })
                .collect(),
        }
    }
}

/// Peak resident set size of this process (Linux: VmHWM), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Every latency metric's statistics, per class and for `all`.
fn latency_report(world: &World, recorder: &Recorder) -> BTreeMap<String, BTreeMap<&'static str, Stats>> {
    let mut latency = BTreeMap::new();
    let groups = world.classes.iter().map(|c| c.name.clone()).zip(recorder.class_latency.iter());
    for (name, set) in groups.chain(std::iter::once(("all".to_string(), &recorder.all_latency))) {
        latency.insert(name, Metric::ALL.iter().map(|&m| (m.key(), Stats::of(set, m))).collect());
    }
    latency
}

/// One report per class, in scenario order.
fn class_reports(scenario: &Scenario, world: &World, recorder: &Recorder) -> Vec<ClassReport> {
    let threshold = scenario.censoring_threshold;
    world
        .classes
        .iter()
        .zip(&recorder.class_counters)
        .zip(&recorder.class_unfinished)
        .enumerate()
        .map(|(i, ((class, c), unfinished))| ClassReport {
            shift: recorder.shift.as_ref().map(|s| shift::ShiftReport::of(&s[i])),
            name: class.name.clone(),
            pool: class.pool,
            jobs: (*c).into(),
            deadline_met: class.deadline.filter(|_| c.finished > 0).map(|_| c.deadline_met as f64 / c.finished as f64),
            slo_attainment: (class.deadline.is_some() || class.max_round_trip.is_some())
                .then_some(c.finished + c.rejected())
                .filter(|&ended| ended > 0)
                .map(|ended| {
                    let met = if class.deadline.is_some() { c.deadline_met } else { c.finished };
                    met as f64 / ended as f64
                }),
            footprint: c.footprint,
            footprint_per_job: per_job(c.footprint, c.finished),
            finished_share: (c.submitted > 0).then(|| c.finished as f64 / c.submitted as f64),
            censored: censoring::in_flight_share(c.in_flight(), c.submitted) > threshold,
            unfinished: UnfinishedReport::of(unfinished),
            slo: SloReport::of(&class.slo, c, unfinished),
        })
        .collect()
}

/// Whether the run, and which classes, left too many jobs in flight for their statistics.
fn censoring_report(classes: &[ClassReport], total: &Counters, threshold: f64) -> CensoringReport {
    let in_flight_share = censoring::in_flight_share(total.in_flight(), total.submitted);
    CensoringReport {
        threshold,
        in_flight_share,
        censored: in_flight_share > threshold,
        censored_classes: classes.iter().filter(|c| c.censored).map(|c| c.name.clone()).collect(),
    }
}

/// One report per hub, in world order.
fn hub_reports(world: &World, recorder: &Recorder) -> Vec<HubReport> {
    world
        .hubs
        .iter()
        .enumerate()
        .map(|(h, hub)| {
            let record = &recorder.hub_records[h];
            let utilisation = PoolKind::ALL.iter().map(|&pool| (pool.name(), pool_report(recorder, h, pool))).collect();
            let to_seconds = |v: f64| Metric::Wait.to_report(v);
            let unit = 1.0;
            HubReport {
                id: hub.id.clone(),
                name: hub.name.clone(),
                placed: record.placed,
                pue: hub.pue,
                price: hub.price,
                renewable: hub.renewable,
                in_flight: recorder.hub_in_flight[h],
                utilisation,
                wait: Stats::from_histogram(&record.wait.to_hdr(), to_seconds, unit),
                jct: Stats::from_histogram(&record.jct.to_hdr(), to_seconds, unit),
                footprint: window_footprint(world, recorder, h),
            }
        })
        .collect()
}

/// The data moved from demand regions to hubs: totals and one flow per region-hub pair.
fn network_report(world: &World, recorder: &Recorder) -> NetworkReport {
    let hub_count = world.hubs.len();
    let flows: Vec<Flow> = recorder
        .bytes_moved
        .iter()
        .enumerate()
        .filter(|(_, b)| **b > 0)
        .map(|(i, &b)| Flow {
            from: world.regions[i / hub_count].id.clone(),
            to: world.hubs[i % hub_count].id.clone(),
            bytes: b as f64,
        })
        .collect();
    NetworkReport {
        bytes_total: recorder.bytes_moved.iter().sum::<u128>() as f64,
        bytes_remote: recorder
            .bytes_moved
            .iter()
            .enumerate()
            .filter(|(i, _)| world.network.hubs_by_latency(i / hub_count)[0] as usize != i % hub_count)
            .map(|(_, &b)| b)
            .sum::<u128>() as f64,
        flows,
        bytes_returned: (recorder.bytes_returned > 0).then_some(recorder.bytes_returned as f64),
        transfer_slowdown: links::slowdowns(world, recorder),
    }
}

/// Energy, cost and carbon of the measured window over all hubs, with the transfer cost.
fn total_footprint(world: &World, recorder: &Recorder) -> Footprint {
    let mut total = (0..world.hubs.len()).fold(Footprint::default(), |mut acc, h| {
        acc.add(window_footprint(world, recorder, h));
        acc
    });
    // Energy comes from the window's busy integrals; data carried over priced
    // links is billed per finished job.
    total.add_transfer_cost(total_transfer_cost(recorder));
    total
}

/// How fast the run went on the wall clock.
fn performance(recorder: &Recorder, total: &Counters, wall: WallClock) -> Performance {
    let submitted_all = total.submitted + recorder.warmup_counters.submitted;
    let per_second = |n: u64| if wall.seconds > 0.0 { n as f64 / wall.seconds } else { 0.0 };
    Performance {
        events: recorder.events,
        wall_seconds: wall.seconds,
        events_per_second: per_second(recorder.events),
        jobs_per_second: per_second(submitted_all),
        peak_rss_bytes: peak_rss_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::jain_index;

    #[test]
    fn jain_index_matches_the_reference_values() {
        assert!((jain_index(&[1.0, 1.0, 1.0, 1.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((jain_index(&[1.0, 0.0, 0.0, 0.0]).unwrap() - 0.25).abs() < 1e-12);
        assert!((jain_index(&[4.0, 2.0, 1.0, 1.0]).unwrap() - 0.7273).abs() < 1e-4);
        assert_eq!(jain_index(&[]), None);
    }
}
