//! Transfers as flows over shared links, with max-min fair rates (the flow network model).
//!
//! A flow moves a number of bytes along a route of directed links. At any moment the active
//! flows share every link max-min fairly (progressive filling, Bertsekas & Gallager 6.5.2),
//! each flow also capped by the network's per-flow limit. When a flow starts or ends, only the
//! flows connected to the changed links through shared links (the *component*) are
//! re-allocated, and only the flows whose rate actually changed get a new completion time.
//!
//! Arithmetic. Bytes are `f64`, time is integer nanoseconds, rates are bytes per nanosecond.
//! Each flow keeps (bytes left, rate, time of the last update); bytes left are settled only
//! when its rate changes: `left -= rate x (now - updated)`. Its completion time is
//! `updated + ceil(left / rate)`, so a flow ends at most 1 ns after its exact fluid end for
//! each rate change it went through, and never before it (at the completion time the bytes
//! left are at most one nanosecond's worth, which is then dropped). Bytes left are exact to
//! f64's 53 bits: below a byte for flows up to 9 PB.
//!
//! Completions are kept in an indexed binary heap (time, then flow key), so the next one is
//! known in O(1) and a moved completion costs O(log flows). The engine asks for the next
//! completion time before each event instead of queueing completion events, so a moved flow
//! leaves no stale event behind.
//!
//! Link statistics are exact integrals: the bytes a link carried (the integral of its flows'
//! rates) over the measured window, and per sample interval the mean utilisation.

use crate::model::topology::Topology;
use crate::time::SimTime;

/// What a flow carries, for the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowKind {
    /// A job's input data on its way to the hub.
    Input,
    /// A job's output on its way back to the origin.
    Output,
}

#[derive(Clone, Debug)]
struct Flow {
    route: u32,
    /// Bytes still to send at `updated`.
    left: f64,
    /// Bytes per nanosecond.
    rate: f64,
    updated: SimTime,
    finish: SimTime,
    job: u32,
    kind: FlowKind,
    /// Total bytes of the flow.
    bytes: f64,
    /// Bytes the links carried beyond `bytes` (settling clamps `left` at zero).
    overshoot: f64,
    /// Rate found by the current allocation (scratch).
    new_rate: f64,
    /// Allocation epoch that last visited the flow (scratch).
    seen: u32,
    frozen: bool,
}

/// Per directed link: live state and statistics.
#[derive(Clone, Debug, Default)]
struct LinkLive {
    /// Bytes per nanosecond left to flows after background traffic.
    capacity: f64,
    /// Active flows on the link, by key.
    flows: Vec<u32>,
    /// Sum of the rates of the flows on the link.
    rate_sum: f64,
    /// Bytes carried since the start (the integral of `rate_sum`) up to `integrated`.
    carried: f64,
    integrated: SimTime,
    /// `carried` at the warm-up end.
    carried_at_warmup: f64,
    /// `carried` at the previous sample.
    carried_at_sample: f64,
    /// Most flows at once in the measured window.
    peak_flows: usize,
    /// Bytes of the flows that finished over the link, as the link carried them (each
    /// flow's bytes plus the fraction of a nanosecond's worth its last step overshot).
    finished_bytes: f64,
    /// Residual capacity and unfrozen flows during an allocation (scratch).
    residual: f64,
    unfrozen: u32,
    seen: u32,
}

/// An indexed binary min-heap of (completion time, flow key).
#[derive(Clone, Debug, Default)]
struct FinishHeap {
    heap: Vec<(SimTime, u32)>,
    /// Position of each flow key in `heap` (`u32::MAX`: absent).
    position: Vec<u32>,
}

impl FinishHeap {
    fn peek(&self) -> Option<(SimTime, u32)> {
        self.heap.first().copied()
    }

    fn set(&mut self, key: u32, time: SimTime) {
        if self.position.len() <= key as usize {
            self.position.resize(key as usize + 1, u32::MAX);
        }
        let at = self.position[key as usize];
        if at == u32::MAX {
            self.heap.push((time, key));
            let last = self.heap.len() - 1;
            self.position[key as usize] = last as u32;
            self.up(last);
        } else {
            let at = at as usize;
            let old = self.heap[at];
            self.heap[at] = (time, key);
            if (time, key) < old { self.up(at) } else { self.down(at) }
        }
    }

    fn remove(&mut self, key: u32) {
        let at = self.position[key as usize] as usize;
        self.position[key as usize] = u32::MAX;
        let last = self.heap.pop().expect("flow is in the heap");
        if at < self.heap.len() {
            self.heap[at] = last;
            self.position[last.1 as usize] = at as u32;
            self.up(at);
            let at = self.position[last.1 as usize] as usize;
            self.down(at);
        }
    }

    fn up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.heap[at] >= self.heap[parent] {
                break;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn down(&mut self, mut at: usize) {
        loop {
            let (l, r) = (2 * at + 1, 2 * at + 2);
            let mut smallest = at;
            if l < self.heap.len() && self.heap[l] < self.heap[smallest] {
                smallest = l;
            }
            if r < self.heap.len() && self.heap[r] < self.heap[smallest] {
                smallest = r;
            }
            if smallest == at {
                break;
            }
            self.swap(at, smallest);
            at = smallest;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.position[self.heap[a].1 as usize] = a as u32;
        self.position[self.heap[b].1 as usize] = b as u32;
    }
}

/// One directed link's statistics at the end of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRecord {
    /// Bytes carried over the measured window.
    pub carried_bytes: f64,
    /// Exact time-weighted mean utilisation over the measured window, background included.
    pub mean_utilisation: f64,
    /// Most flows at once in the measured window.
    pub peak_flows: u64,
    /// Mean utilisation of every sample interval (background included), warm-up included.
    pub samples: Vec<f32>,
    /// Index of the first sample of the measured window.
    pub measured_from: usize,
}

/// A finished flow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delivered {
    /// The flow's key.
    pub key: u32,
    /// The job the flow belonged to.
    pub job: u32,
    /// What it carried.
    pub kind: FlowKind,
    /// The route it took.
    pub route: u32,
    /// Bytes carried.
    pub bytes: f64,
}

/// The flows in progress over a topology's links.
#[derive(Clone, Debug)]
pub struct FlowNetwork {
    links: Vec<LinkLive>,
    /// Capacity of each directed link including background traffic, bytes per ns.
    full_capacity: Vec<f64>,
    background: Vec<f64>,
    route_links: Vec<u32>,
    routes: Vec<(u32, u32)>,
    /// Per-flow rate limit, bytes per ns.
    max_rate: f64,
    flows: Vec<Flow>,
    free: Vec<u32>,
    active: usize,
    heap: FinishHeap,
    epoch: u32,
    /// Scratch of an allocation: links and flows of the component.
    component_links: Vec<u32>,
    component_flows: Vec<u32>,
    open_links: Vec<u32>,
    warmup: SimTime,
    /// Per link, the mean utilisation of each closed sample interval (background included).
    samples: Vec<Vec<f32>>,
    measured_samples_from: usize,
    last_sample: SimTime,
    /// Rate re-allocations and flows whose completion moved.
    pub reallocations: u64,
    /// Completion times moved by re-allocations.
    pub moved: u64,
}

/// Bits per second to bytes per nanosecond.
fn bytes_per_ns(bps: f64) -> f64 {
    bps / 8e9
}

impl FlowNetwork {
    /// No flows yet over `topology`'s links; statistics count from `warmup`.
    pub fn new(topology: &Topology, warmup: SimTime) -> Self {
        let (route_links, routes) = topology.route_table();
        let links: Vec<(f64, f64)> = topology.links.iter().map(|l| (l.capacity_bps, l.background)).collect();
        Self::build(&links, route_links.to_vec(), routes, topology.max_flow_rate_bps, warmup)
    }

    /// Flows over bare links (for tests and benchmarks): link `i` has `capacity_bps[i]`, route
    /// `r` is the list of link indices `routes[r]`; no background traffic.
    pub fn with_routes(capacity_bps: &[f64], routes: &[Vec<u32>], max_flow_rate_bps: f64) -> Self {
        let links: Vec<(f64, f64)> = capacity_bps.iter().map(|&c| (c, 0.0)).collect();
        let mut route_links = Vec::new();
        let mut table = Vec::new();
        for route in routes {
            table.push((route_links.len() as u32, route.len() as u32));
            route_links.extend_from_slice(route);
        }
        Self::build(&links, route_links, table, max_flow_rate_bps, 0)
    }

    fn build(
        links: &[(f64, f64)],
        route_links: Vec<u32>,
        routes: Vec<(u32, u32)>,
        max_flow_rate_bps: f64,
        warmup: SimTime,
    ) -> Self {
        FlowNetwork {
            links: links
                .iter()
                .map(|&(capacity, background)| LinkLive {
                    capacity: bytes_per_ns(capacity * (1.0 - background)),
                    ..LinkLive::default()
                })
                .collect(),
            full_capacity: links.iter().map(|&(c, _)| bytes_per_ns(c)).collect(),
            background: links.iter().map(|&(_, b)| b).collect(),
            route_links,
            routes,
            max_rate: bytes_per_ns(max_flow_rate_bps),
            flows: Vec::new(),
            free: Vec::new(),
            active: 0,
            heap: FinishHeap::default(),
            epoch: 0,
            component_links: Vec::new(),
            component_flows: Vec::new(),
            open_links: Vec::new(),
            warmup,
            samples: vec![Vec::new(); links.len()],
            measured_samples_from: 0,
            last_sample: 0,
            reallocations: 0,
            moved: 0,
        }
    }

    /// The current rate of flow `key`, bits per second.
    pub fn rate_bps(&self, key: u32) -> f64 {
        self.flows[key as usize].rate * 8e9
    }

    fn route(&self, route: u32) -> &[u32] {
        let (start, len) = self.routes[route as usize];
        &self.route_links[start as usize..(start + len) as usize]
    }

    /// Flows in progress.
    pub fn active(&self) -> usize {
        self.active
    }

    /// Starts moving `bytes` (> 0) along `route` (not empty) for `job`; returns the flow's key
    /// (valid until it completes).
    pub fn start(&mut self, now: SimTime, route: u32, bytes: f64, job: u32, kind: FlowKind) -> u32 {
        debug_assert!(bytes > 0.0 && !self.route(route).is_empty());
        let flow = Flow {
            route,
            left: bytes,
            rate: 0.0,
            updated: now,
            finish: SimTime::MAX,
            job,
            kind,
            bytes,
            overshoot: 0.0,
            new_rate: 0.0,
            seen: 0,
            frozen: false,
        };
        let key = match self.free.pop() {
            Some(key) => {
                self.flows[key as usize] = flow;
                key
            }
            None => {
                self.flows.push(flow);
                (self.flows.len() - 1) as u32
            }
        };
        self.active += 1;
        let (start, len) = self.routes[route as usize];
        for i in start..start + len {
            let l = self.route_links[i as usize] as usize;
            self.integrate(l, now);
            let link = &mut self.links[l];
            link.flows.push(key);
            if now >= self.warmup {
                link.peak_flows = link.peak_flows.max(link.flows.len());
            }
        }
        self.reallocate(now, route);
        key
    }

    /// When the next flow completes (`None` when no flow is active).
    #[inline]
    pub fn next_completion(&self) -> Option<SimTime> {
        self.heap.peek().map(|(t, _)| t)
    }

    /// Ends the flow that completes first, at `now` (its completion time), and re-allocates.
    pub fn complete(&mut self, now: SimTime) -> Delivered {
        let (time, key) = self.heap.peek().expect("a flow to complete");
        debug_assert_eq!(time, now);
        self.heap.remove(key);
        let flow = &self.flows[key as usize];
        let done = Delivered { key, job: flow.job, kind: flow.kind, route: flow.route, bytes: flow.bytes };
        let overshoot = flow.rate * (now - flow.updated) as f64 - flow.left + flow.overshoot;
        let (start, len) = self.routes[flow.route as usize];
        for i in start..start + len {
            let l = self.route_links[i as usize] as usize;
            self.integrate(l, now);
            let link = &mut self.links[l];
            link.finished_bytes += done.bytes + overshoot;
            let at = link.flows.iter().position(|&f| f == key).expect("flow is on its links");
            link.flows.swap_remove(at);
        }
        self.flows[key as usize].rate = 0.0;
        self.free.push(key);
        self.active -= 1;
        self.reallocate(now, done.route);
        done
    }

    /// Brings link `l`'s carried-bytes integral up to `now`.
    #[inline]
    fn integrate(&mut self, l: usize, now: SimTime) {
        let link = &mut self.links[l];
        if now > link.integrated {
            link.carried += link.rate_sum * (now - link.integrated) as f64;
            link.integrated = now;
        }
    }

    /// Re-allocates the rates of the flows connected to `route`'s links, max-min fairly.
    fn reallocate(&mut self, now: SimTime, route: u32) {
        self.reallocations += 1;
        self.epoch = self.epoch.wrapping_add(1);
        let epoch = self.epoch;
        self.component_links.clear();
        self.component_flows.clear();
        let (start, len) = self.routes[route as usize];
        for i in start..start + len {
            let l = self.route_links[i as usize];
            if self.links[l as usize].seen != epoch {
                self.links[l as usize].seen = epoch;
                self.component_links.push(l);
            }
        }
        // Breadth-first over links and the flows on them.
        let mut next = 0;
        while next < self.component_links.len() {
            let l = self.component_links[next] as usize;
            next += 1;
            for j in 0..self.links[l].flows.len() {
                let f = self.links[l].flows[j];
                let flow = &mut self.flows[f as usize];
                if flow.seen == epoch {
                    continue;
                }
                flow.seen = epoch;
                flow.frozen = false;
                self.component_flows.push(f);
                let (start, len) = self.routes[flow.route as usize];
                for &l2 in &self.route_links[start as usize..(start + len) as usize] {
                    let link = &mut self.links[l2 as usize];
                    if link.seen != epoch {
                        link.seen = epoch;
                        self.component_links.push(l2);
                    }
                }
            }
        }
        for &l in &self.component_links {
            let link = &mut self.links[l as usize];
            link.residual = link.capacity;
            link.unfrozen = link.flows.len() as u32;
        }
        // Progressive filling: the link with the smallest fair share of what is left freezes
        // its flows at that share; the per-flow cap freezes every flow left once reached.
        let mut unfrozen = self.component_flows.len();
        // Links that still have unfrozen flows; a link leaves the list once all are frozen.
        self.open_links.clear();
        self.open_links.extend_from_slice(&self.component_links);
        while unfrozen > 0 {
            let mut bottleneck = (f64::INFINITY, u32::MAX);
            let mut i = 0;
            while i < self.open_links.len() {
                let l = self.open_links[i];
                let link = &self.links[l as usize];
                if link.unfrozen == 0 {
                    self.open_links.swap_remove(i);
                    continue;
                }
                let share = (link.residual.max(0.0) / f64::from(link.unfrozen), l);
                if share < bottleneck {
                    bottleneck = share;
                }
                i += 1;
            }
            let (share, l) = bottleneck;
            if share >= self.max_rate || l == u32::MAX {
                for &f in &self.component_flows {
                    let flow = &mut self.flows[f as usize];
                    if !flow.frozen {
                        flow.frozen = true;
                        flow.new_rate = self.max_rate;
                    }
                }
                break;
            }
            let on_link = std::mem::take(&mut self.links[l as usize].flows);
            for &f in &on_link {
                let flow = &mut self.flows[f as usize];
                if flow.frozen {
                    continue;
                }
                flow.frozen = true;
                flow.new_rate = share;
                unfrozen -= 1;
                let (start, len) = self.routes[flow.route as usize];
                for &l2 in &self.route_links[start as usize..(start + len) as usize] {
                    let link = &mut self.links[l2 as usize];
                    link.residual -= share;
                    link.unfrozen -= 1;
                }
            }
            self.links[l as usize].flows = on_link;
        }
        // Settle and move only the flows whose rate changed.
        for i in 0..self.component_flows.len() {
            let f = self.component_flows[i];
            let flow = &mut self.flows[f as usize];
            if flow.new_rate == flow.rate {
                continue;
            }
            let left = flow.left - flow.rate * (now - flow.updated) as f64;
            flow.overshoot += (-left).max(0.0);
            flow.left = left.max(0.0);
            flow.updated = now;
            flow.rate = flow.new_rate;
            flow.finish = now.saturating_add((flow.left / flow.rate).ceil() as u64);
            self.heap.set(f, flow.finish);
            self.moved += 1;
        }
        for i in 0..self.component_links.len() {
            let l = self.component_links[i] as usize;
            self.integrate(l, now);
            let sum = self.links[l].flows.iter().map(|&f| self.flows[f as usize].rate).sum();
            self.links[l].rate_sum = sum;
        }
    }

    /// The rate a new flow on `route` would get now, estimated in O(route length): per link,
    /// the larger of its free capacity and an equal share with the flows on it
    /// (capacity / (flows + 1)); the smallest over the route, capped by the per-flow limit.
    /// Bytes per nanosecond.
    #[inline]
    pub fn share_estimate(&self, route: u32) -> f64 {
        self.route(route)
            .iter()
            .map(|&l| {
                let link = &self.links[l as usize];
                (link.capacity - link.rate_sum).max(link.capacity / (link.flows.len() + 1) as f64)
            })
            .fold(self.max_rate, f64::min)
    }

    /// Closes the sample interval ending at `t`: each link's mean utilisation over it.
    pub fn sample(&mut self, t: SimTime) {
        let interval = (t - self.last_sample) as f64;
        for l in 0..self.links.len() {
            self.integrate(l, t);
            let link = &mut self.links[l];
            let carried = link.carried - link.carried_at_sample;
            link.carried_at_sample = link.carried;
            let share = if interval > 0.0 { carried / (self.full_capacity[l] * interval) } else { 0.0 };
            self.samples[l].push((share + self.background[l]) as f32);
        }
        self.last_sample = t;
    }

    /// Marks the warm-up end: statistics count from here.
    pub fn mark_warmup(&mut self, t: SimTime) {
        for l in 0..self.links.len() {
            self.integrate(l, t);
            self.links[l].carried_at_warmup = self.links[l].carried;
        }
        self.measured_samples_from = self.samples.first().map_or(0, Vec::len);
    }

    /// Brings every integral up to `end`.
    pub fn finish(&mut self, end: SimTime) {
        for l in 0..self.links.len() {
            self.integrate(l, end);
        }
    }

    /// Per directed link, what the report needs: call after [`FlowNetwork::finish`].
    /// `window` is the measured window's length in ns.
    pub fn link_records(&self, window: SimTime) -> Vec<LinkRecord> {
        (0..self.links.len())
            .map(|l| LinkRecord {
                carried_bytes: self.carried_bytes(l),
                mean_utilisation: if window > 0 {
                    self.carried_bytes(l) / (self.full_capacity[l] * window as f64) + self.background[l]
                } else {
                    self.background[l]
                },
                peak_flows: self.peak_flows(l) as u64,
                samples: self.samples[l].clone(),
                measured_from: self.measured_samples_from.min(self.samples[l].len()),
            })
            .collect()
    }

    /// Per directed link: bytes carried in the measured window (up to the last `finish`).
    pub fn carried_bytes(&self, link: usize) -> f64 {
        self.links[link].carried - self.links[link].carried_at_warmup
    }

    /// Per directed link: the most flows at once in the measured window.
    pub fn peak_flows(&self, link: usize) -> usize {
        self.links[link].peak_flows
    }

    /// Per directed link: utilisation samples of the measured window.
    pub fn measured_samples(&self, link: usize) -> &[f32] {
        &self.samples[link][self.measured_samples_from.min(self.samples[link].len())..]
    }

    /// Per directed link: every utilisation sample, warm-up included.
    pub fn all_samples(&self, link: usize) -> &[f32] {
        &self.samples[link]
    }

    /// Flows on a directed link now.
    pub fn flows_on(&self, link: usize) -> usize {
        self.links[link].flows.len()
    }

    /// The current rate of every flow on a link, bytes per ns, in no particular order.
    pub fn rates_on(&self, link: usize) -> Vec<f64> {
        self.links[link].flows.iter().map(|&f| self.flows[f as usize].rate).collect()
    }

    /// No link carries more than its capacity, and every link's carried bytes (the integral of
    /// its rate sum) equal the bytes its flows sent by their own accounts: the finished flows'
    /// bytes plus what the active ones have sent so far (to a relative 1e-9, plus a few ulps
    /// of the active flows' sizes).
    pub fn check_conservation(&self, now: SimTime) -> Result<(), String> {
        for (l, link) in self.links.iter().enumerate() {
            if link.rate_sum > link.capacity * (1.0 + 1e-9) {
                return Err(format!("link {l} carries {} B/ns over its capacity {}", link.rate_sum, link.capacity));
            }
            let carried = link.carried + link.rate_sum * now.saturating_sub(link.integrated) as f64;
            let active: f64 = link
                .flows
                .iter()
                .map(|&f| &self.flows[f as usize])
                .map(|f| f.bytes - f.left + f.overshoot + f.rate * now.saturating_sub(f.updated) as f64)
                .sum();
            // `bytes - left` of a flow of b bytes is exact to a few ulps of b.
            let ulps: f64 = link.flows.iter().map(|&f| self.flows[f as usize].bytes).sum::<f64>() * 8.0 * f64::EPSILON;
            let accounted = link.finished_bytes + active;
            if (carried - accounted).abs() > 1e-9 * carried.max(accounted) + ulps + 1e-3 {
                return Err(format!("link {l}: carried {carried} bytes, flows account for {accounted}"));
            }
        }
        Ok(())
    }
}
