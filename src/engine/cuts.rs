//! Link cuts at run time (flow network model): cut processes on their own streams, the routes
//! in use while links are cut, and what a cut does to the flows crossing the link.
//!
//! While a declared link is cut, neither of its directions carries anything. When a cut
//! begins, every flow on the link is cancelled (the bytes it carried stay in the links'
//! accounts) and restarted with its remaining bytes on the shortest route that avoids every
//! link cut now (Dijkstra by latency, then hops, then the lower predecessor: the build's rule;
//! pinned routes are not consulted), computed on the cut event. With no such route, the flow's
//! job fails and follows its class's failure rule (retry after backoff, or lost), as a run
//! killed by an outage does. A new transfer whose route crosses a cut link takes the detour;
//! with none, its job fails the same way at once (placement is not restricted). When the last
//! cut of a link ends, new transfers take the original routes again; flows already on a
//! detour stay there. Detour routes are added to the flow network once per distinct path.

use std::collections::HashMap;

use crate::engine::faults::{first_change, next_change};
use crate::engine::lifecycle::{Lifecycle, Observer};
use crate::engine::{Engine, EventKind, EventQueue, FlowKind, FlowNetwork};
use crate::metrics::LinkCutRecord;
use crate::model::topology::Topology;
use crate::model::{OutageTiming, World};
use crate::rng::{SimRng, Stream, stream};
use crate::time::{SimDuration, SimTime};

/// One cut process and whether it is in progress.
#[derive(Debug)]
struct Process {
    link: usize,
    timing: OutageTiming,
    rng: SimRng,
    active: bool,
}

/// The engine's link cut state (present only when the world has cuts).
#[derive(Debug)]
pub struct CutRuntime {
    processes: Vec<Process>,
    /// Per declared link, the cut processes in progress.
    active: Vec<u32>,
    /// Per directed link, whether it is cut now.
    cut: Vec<bool>,
    /// Declared links cut now.
    links_cut: usize,
    /// The world's topology plus the detours added so far (same route indices as the flows').
    topology: Topology,
    /// Detour routes by path.
    detours: HashMap<Vec<u32>, u32>,
    /// The route in use per (source site, target site) under the current cuts.
    current: HashMap<(usize, usize), Option<u32>>,
    /// Per declared link, when its current cut began.
    since: Vec<SimTime>,
    warmup: SimTime,
    /// Per declared link some cut names (`None` for the others).
    records: Vec<Option<LinkCutRecord>>,
}

impl CutRuntime {
    /// The runtime for `world`'s cuts, each process's first event queued; `None` without cuts.
    pub fn new(world: &World, seed: u64, warmup: SimTime, end: SimTime, queue: &mut EventQueue) -> Option<Box<Self>> {
        let topology = world.network.topology().filter(|_| !world.faults.cuts.is_empty())?;
        let mut processes: Vec<Process> = (world.faults.cuts.iter().enumerate())
            .map(|(i, c)| Process {
                link: c.link as usize,
                timing: c.timing,
                rng: stream(seed, Stream::LinkCut(i as u32)),
                active: false,
            })
            .collect();
        for (i, p) in processes.iter_mut().enumerate() {
            let first = first_change(p.timing, &mut p.rng);
            if first < end {
                queue.push(first, EventKind::Cut(i as u32));
            }
        }
        let declared = topology.link_ids.len();
        let mut records = vec![None; declared];
        for p in &processes {
            records[p.link] = Some(LinkCutRecord { link: p.link as u32, ..LinkCutRecord::default() });
        }
        Some(Box::new(CutRuntime {
            processes,
            active: vec![0; declared],
            cut: vec![false; topology.links.len()],
            links_cut: 0,
            topology: topology.clone(),
            detours: HashMap::new(),
            current: HashMap::new(),
            since: vec![0; declared],
            warmup,
            records,
        }))
    }

    /// Starts or ends cut process `i` at `now` and queues its next change (before `end`);
    /// returns the declared link when it has just been cut.
    fn toggle(&mut self, i: usize, now: SimTime, end: SimTime, queue: &mut EventQueue) -> Option<usize> {
        let p = &mut self.processes[i];
        p.active = !p.active;
        if let Some(t) = next_change(p.timing, p.active, now, &mut p.rng).filter(|&t| t < end) {
            queue.push(t, EventKind::Cut(i as u32));
        }
        let (link, active) = (p.link, p.active);
        let before = self.active[link];
        self.active[link] = if active { before + 1 } else { before - 1 };
        let is_cut = self.active[link] > 0;
        if (before > 0) == is_cut {
            return None;
        }
        self.cut[2 * link] = is_cut;
        self.cut[2 * link + 1] = is_cut;
        self.current.clear();
        if is_cut {
            self.links_cut += 1;
            self.since[link] = now;
            if now >= self.warmup {
                self.record(link).cuts += 1;
            }
            Some(link)
        } else {
            self.links_cut -= 1;
            self.close(link, now);
            None
        }
    }

    /// Adds the cut of `link` up to `now` to its cut time in the measured window.
    fn close(&mut self, link: usize, now: SimTime) {
        let (from, warmup) = (self.since[link], self.warmup);
        let span = now.max(warmup) - from.max(warmup);
        self.record(link).cut_nanos += u128::from(span);
    }

    fn record(&mut self, link: usize) -> &mut LinkCutRecord {
        self.records[link].as_mut().expect("a record for every link some cut names")
    }

    /// The route to use now instead of `base`: `base` unless it crosses a cut link, else the
    /// detour between its ends (`None`: the cuts leave no way).
    pub fn route_now(&mut self, base: u32, flows: &mut FlowNetwork) -> Option<u32> {
        if self.links_cut == 0 || !self.topology.crosses(base, &self.cut) {
            return Some(base);
        }
        let sites = self.topology.route_sites(base);
        self.route_between(sites[0], sites[sites.len() - 1], flows)
    }

    /// The shortest route from `source` to `target` avoiding the cut links, added to the
    /// topology and the flow network the first time its path is used.
    fn route_between(&mut self, source: usize, target: usize, flows: &mut FlowNetwork) -> Option<u32> {
        if let Some(&route) = self.current.get(&(source, target)) {
            return route;
        }
        let route = self.topology.path_avoiding(source, target, &self.cut).map(|path| {
            *self.detours.entry(path).or_insert_with_key(|path| {
                let route = self.topology.push_route(path);
                let same = flows.add_route(path);
                debug_assert_eq!(route, same, "detours keep the topology's and the flows' route indices equal");
                route
            })
        });
        self.current.insert((source, target), route);
        route
    }

    /// A route's latency (detours included).
    pub fn latency(&self, route: u32) -> SimDuration {
        self.topology.route(route).latency
    }

    /// The records of the links some cut names, cuts in progress closed at `end`.
    pub fn into_records(mut self, end: SimTime) -> Vec<LinkCutRecord> {
        for link in 0..self.active.len() {
            if self.active[link] > 0 {
                self.close(link, end);
            }
        }
        self.records.into_iter().flatten().collect()
    }
}

impl<O: Observer> Engine<'_, O> {
    /// Link cut process `process` begins or ends: flows on a newly cut link are rerouted or
    /// their jobs fail.
    #[cold]
    #[inline(never)]
    pub(super) fn on_cut(&mut self, process: usize) {
        let (now, end) = (self.now, self.config.duration);
        let faults = self.faults.as_mut().expect("cut events only with cuts");
        let cuts = faults.cuts.as_deref_mut().expect("cut events only with cuts");
        let Some(link) = cuts.toggle(process, now, end, &mut self.queue) else { return };
        let flows = self.flows.as_ref().expect("cuts only under the flow model");
        let mut keys = flows.flows_on_link(2 * link);
        keys.extend(flows.flows_on_link(2 * link + 1));
        // A (pinned) route could cross the link both ways: each flow moves once.
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            self.reroute(key, link);
        }
    }

    /// Moves flow `key` off the newly cut `link`: on a detour with its remaining bytes, or
    /// its job fails.
    fn reroute(&mut self, key: u32, link: usize) {
        let (now, measured) = (self.now, self.config.warmup <= self.now);
        let flows = self.flows.as_mut().expect("flow model");
        let (stopped, left) = flows.cancel(now, key);
        let faults = self.faults.as_mut().expect("faults");
        let cuts = faults.cuts.as_deref_mut().expect("cuts");
        let event = match stopped.kind {
            FlowKind::Input => EventKind::Transferred(stopped.job),
            FlowKind::Output => EventKind::Returned(stopped.job),
        };
        if left <= 0.0 {
            // Its last byte left just as the cut began.
            let latency = cuts.latency(stopped.route);
            return self.arrive_after(latency, event, stopped.job as usize);
        }
        match cuts.route_now(stopped.route, flows) {
            Some(route) => {
                flows.start(now, route, left, stopped.job, stopped.kind);
                if measured {
                    cuts.record(link).rerouted += 1;
                }
            }
            None => {
                if measured {
                    cuts.record(link).failed += 1;
                }
                self.transfer_failed(stopped.job as usize);
            }
        }
    }

    /// The route a new transfer takes instead of `base` under the cuts in progress (`None`:
    /// no way; `base` without cuts).
    #[inline]
    pub(super) fn current_route(&mut self, base: u32) -> Option<u32> {
        let Some(cuts) = self.faults.as_mut().and_then(|f| f.cuts.as_deref_mut()) else { return Some(base) };
        cuts.route_now(base, self.flows.as_mut().expect("cuts only under the flow model"))
    }

    /// A route's latency, detours included.
    #[inline]
    pub(super) fn route_latency(&self, topology: &Topology, route: u32) -> SimDuration {
        match self.faults.as_ref().and_then(|f| f.cuts.as_deref()) {
            Some(cuts) => cuts.latency(route),
            None => topology.route(route).latency,
        }
    }

    /// Job `key`'s transfer has no route under the cuts: the job fails and is retried after
    /// its class's backoff or lost.
    #[cold]
    #[inline(never)]
    pub(super) fn transfer_failed(&mut self, key: usize) {
        let job = &self.jobs[key];
        let rule = &self.world.classes[job.class as usize].failure;
        let faults = self.faults.as_mut().expect("faults");
        let retry = faults.attempt_failed(key, job, rule);
        self.observer.on(self.now, key, Lifecycle::Failed);
        self.retry_or_lose(key, retry);
    }

    /// A new transfer found no route: counted, and its job fails.
    #[cold]
    #[inline(never)]
    pub(super) fn unroutable(&mut self, key: usize) {
        if self.jobs[key].measured {
            self.faults.as_mut().expect("faults").record.unroutable += 1;
        }
        self.transfer_failed(key);
    }
}
