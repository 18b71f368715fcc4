//! Transfers as flows over shared links, with max-min fair rates (the flow network model).
//!
//! A flow moves a number of bytes along a route of directed links. At any moment the active
//! flows share every link max-min fairly (progressive filling, Bertsekas & Gallager 6.5.2),
//! each flow also capped by the network's per-flow limit. When a flow starts or ends, only the
//! flows connected to the changed links through shared links (the *component*) are
//! re-allocated, and only the flows whose rate actually changed get a new completion time.
//!
//! Flows on the same route always get the same max-min rate, so the allocation works on
//! *route groups*: one entry per route with flows in flight, weighted by how many it holds.
//! A group keeps its per-flow rate and its cumulative per-flow service (bytes each of its
//! flows has been sent since the group last emptied), as processor-sharing simulators keep
//! virtual time: a flow joining the group records the service so far plus its bytes as its
//! *target*, and ends when the group's service reaches it. The group's members wait in a
//! min-heap of targets, so a rate change moves one completion (the group's first) however
//! many flows the group holds.
//!
//! Arithmetic. Bytes are `f64`, time is integer nanoseconds, rates are bytes per nanosecond.
//! A group settles its service only when its rate or membership changes:
//! `served += rate x (now - updated)`. Its next completion is
//! `updated + ceil((target - served) / rate)`, so a flow ends at most 1 ns after its exact
//! fluid end for each rate change it went through, and never before it. Service restarts from
//! zero whenever a group empties, and is rebased when it passes 2^40 bytes, so targets stay
//! exact to well below a byte.
//!
//! Completions are kept in an indexed binary heap of groups (time, then group), so the next
//! one is known in O(1) and a moved completion costs O(log groups). The engine asks for the next
//! completion time before each event instead of queueing completion events, so a moved flow
//! leaves no stale event behind.
//!
//! Link statistics are exact integrals: the bytes a link carried (the integral of its flows'
//! rates) over the measured window, and per sample interval the mean utilisation.

use super::max_min::MaxMin;
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

/// One transfer in flight.
#[derive(Clone, Debug)]
struct Flow {
    route: u32,
    job: u32,
    kind: FlowKind,
    /// Total bytes of the flow.
    bytes: f64,
    /// The group's service when the flow joined.
    joined: f64,
}

/// The flows in flight on one route: they share one rate.
#[derive(Clone, Debug, Default)]
struct Group {
    route: u32,
    /// Flows in flight.
    n: u32,
    /// Per-flow rate, bytes per nanosecond.
    rate: f64,
    /// Bytes each flow of the group has been sent since the group last emptied, at `updated`.
    served: f64,
    updated: SimTime,
    /// (target service as f64 bits, flow key): targets are non-negative, so their bits
    /// order like the values.
    members: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32)>>,
    /// Rate found by the current allocation (scratch).
    new_rate: f64,
    /// Allocation epoch that last visited the group (scratch).
    seen: u32,
    frozen: bool,
}

impl Group {
    /// Brings the service up to `now` at the current rate.
    #[inline]
    fn settle(&mut self, now: SimTime) {
        if now > self.updated {
            self.served += self.rate * (now - self.updated) as f64;
            self.updated = now;
        }
    }

    /// When the group's first member completes (`SimTime::MAX` when never or empty).
    fn next_finish(&self) -> SimTime {
        let Some(std::cmp::Reverse((target, _))) = self.members.peek() else { return SimTime::MAX };
        let left = (f64::from_bits(*target) - self.served).max(0.0);
        if left == 0.0 {
            return self.updated;
        }
        self.updated.saturating_add(ceil_nanos(left / self.rate))
    }
}

/// `x.ceil() as u64` (saturating, NaN to 0), without a call to `ceil` (which the baseline
/// x86-64 target cannot inline) in the usual range: a conversion truncates towards zero, and
/// a positive fraction left over rounds up.
#[inline]
fn ceil_nanos(x: f64) -> u64 {
    if x >= 0.0 && x < (1u64 << 62) as f64 {
        let whole = x as i64 as u64; // in range for the one-instruction signed conversion
        return if (whole as f64) < x { whole + 1 } else { whole };
    }
    x.ceil() as u64
}

/// Per directed link: live state and statistics.
#[derive(Clone, Debug, Default)]
struct LinkLive {
    /// Bytes per nanosecond left to flows after background traffic.
    capacity: f64,
    /// Groups with flows in flight on the link.
    groups: Vec<u32>,
    /// Flows in flight on the link.
    count: u32,
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
    /// Allocation epoch that last visited the link, and its place in `component_links`.
    seen: u32,
    local: u32,
}

impl LinkLive {
    /// Brings the carried-bytes integral up to `now`.
    #[inline]
    fn integrate(&mut self, now: SimTime) {
        if now > self.integrated {
            self.carried += self.rate_sum * (now - self.integrated) as f64;
            self.integrated = now;
        }
    }

    /// What is left of the link's capacity in an allocation, split over its unfrozen flows.
    #[inline]
    fn fair_share(&self) -> f64 {
        match self.unfrozen {
            0 => f64::INFINITY,
            n => self.residual.max(0.0) / f64::from(n),
        }
    }
}

/// The next completion among the groups: (completion time, group), least first.
///
/// Two layouts. A network of few route groups keeps a flat array of completion times (one per
/// group) and its least entry, rescanned after an event only when that entry moved later or
/// left: a scan of a few dozen times costs less than the heap's sifts for the several groups
/// an event moves. Otherwise an indexed binary heap, so a moved completion costs O(log groups).
#[derive(Clone, Debug, Default)]
struct FinishHeap {
    heap: Vec<(SimTime, u32)>,
    /// Position of each group in `heap` (`u32::MAX`: absent); in the flat layout, each group's
    /// completion time (`SimTime::MAX`: absent).
    position: Vec<u32>,
    times: Vec<SimTime>,
    /// Flat layout: the least (time, group), and whether it may be out of date.
    flat: bool,
    least: Option<(SimTime, u32)>,
    stale: bool,
}

/// Route groups up to which the flat layout is used.
const FLAT_GROUPS: usize = 64;

impl FinishHeap {
    /// The flat layout for `groups` groups when there are few, else the heap.
    fn for_groups(groups: usize) -> Self {
        if groups > FLAT_GROUPS {
            return Self::default();
        }
        FinishHeap { flat: true, times: vec![SimTime::MAX; groups], ..Self::default() }
    }

    /// Moves to the heap layout (the network gained routes).
    fn switch_to_heap(&mut self) {
        if !self.flat {
            return;
        }
        let times = std::mem::take(&mut self.times);
        *self = Self::default();
        for (g, &t) in times.iter().enumerate() {
            if t != SimTime::MAX {
                self.set(g as u32, t);
            }
        }
    }

    #[inline]
    fn peek(&self) -> Option<(SimTime, u32)> {
        if self.flat {
            debug_assert!(!self.stale, "the least completion is up to date");
            return self.least;
        }
        self.heap.first().copied()
    }

    /// Brings the least entry up to date after a batch of changes (flat layout).
    #[inline]
    fn update(&mut self) {
        if self.stale {
            self.stale = false;
            let mut least = (SimTime::MAX, u32::MAX);
            for (g, &t) in self.times.iter().enumerate() {
                if t < least.0 {
                    least = (t, g as u32);
                }
            }
            self.least = (least.0 != SimTime::MAX).then_some(least);
        }
    }

    #[inline(always)]
    fn set(&mut self, key: u32, time: SimTime) {
        if self.flat {
            if self.times.len() <= key as usize {
                self.times.resize(key as usize + 1, SimTime::MAX);
            }
            self.times[key as usize] = time;
            match self.least {
                Some(least) if (time, key) >= least => self.stale |= least.1 == key,
                _ => self.least = Some((time, key)),
            }
            return;
        }
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
        if self.flat {
            if let Some(t) = self.times.get_mut(key as usize) {
                *t = SimTime::MAX;
            }
            self.stale |= self.least.is_some_and(|least| least.1 == key);
            return;
        }
        let Some(&at) = self.position.get(key as usize).filter(|&&p| p != u32::MAX) else { return };
        let at = at as usize;
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
    /// Route groups, created on a route's first flow; `group_of[route]` (`u32::MAX`: none yet).
    groups: Vec<Group>,
    group_of: Vec<u32>,
    heap: FinishHeap,
    epoch: u32,
    /// Scratch of an allocation: links and groups of the component.
    component_links: Vec<u32>,
    component_groups: Vec<u32>,
    /// Per component link (same order): its fair share of what is left (scratch).
    share: Vec<f64>,
    /// On a small network, every route's group at once (group `g` is route `g`), to allocate
    /// the whole network when it is busy.
    whole: Option<MaxMin>,
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

/// A group's service is rebased when it passes this many bytes, keeping targets exact.
const REBASE: f64 = (1u64 << 40) as f64;

/// Networks whose routes cross at most this many links in all are allocated whole when busy.
const WHOLE_NETWORK_LIMIT: usize = 4096;

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
        let route_count = routes.len();
        let mut network = FlowNetwork {
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
            groups: Vec::new(),
            group_of: vec![u32::MAX; route_count],
            heap: FinishHeap::default(),
            epoch: 0,
            component_links: Vec::new(),
            component_groups: Vec::new(),
            share: Vec::new(),
            whole: None,
            warmup,
            samples: vec![Vec::new(); links.len()],
            measured_samples_from: 0,
            last_sample: 0,
            reallocations: 0,
            moved: 0,
        };
        if network.route_links.len() <= WHOLE_NETWORK_LIMIT {
            let capacity: Vec<f64> = network.links.iter().map(|l| l.capacity).collect();
            let groups = (0..route_count as u32).map(|r| network.route(r));
            network.whole = Some(MaxMin::new(&capacity, groups));
            network.groups = (0..route_count as u32).map(|route| Group { route, ..Group::default() }).collect();
            network.group_of = (0..route_count as u32).collect();
            network.heap = FinishHeap::for_groups(route_count);
        }
        network
    }

    /// The current rate of flow `key`, bits per second.
    pub fn rate_bps(&self, key: u32) -> f64 {
        let flow = &self.flows[key as usize];
        self.groups[self.group_of[flow.route as usize] as usize].rate * 8e9
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
        if self.group_of[route as usize] == u32::MAX {
            self.group_of[route as usize] = self.groups.len() as u32;
            self.groups.push(Group { route, ..Group::default() });
        }
        let g = self.group_of[route as usize];
        let key = self.free.pop().unwrap_or_else(|| {
            self.flows.push(Flow { route, job, kind, bytes, joined: 0.0 });
            (self.flows.len() - 1) as u32
        });
        let group = &mut self.groups[g as usize];
        group.settle(now);
        let first = group.n == 0;
        if first {
            group.served = 0.0;
            group.updated = now;
        } else if group.served > REBASE {
            Self::rebase(group, &mut self.flows);
        }
        let joined = group.served;
        group.members.push(std::cmp::Reverse(((joined + bytes).to_bits(), key)));
        group.n += 1;
        if let Some(whole) = &mut self.whole {
            whole.join(g);
        }
        self.flows[key as usize] = Flow { route, job, kind, bytes, joined };
        self.active += 1;
        let (start, len) = self.routes[route as usize];
        for i in start..start + len {
            let l = self.route_links[i as usize] as usize;
            self.integrate(l, now);
            let link = &mut self.links[l];
            if first {
                link.groups.push(g);
            }
            link.count += 1;
            if now >= self.warmup {
                link.peak_flows = link.peak_flows.max(link.count as usize);
            }
        }
        self.reallocate(now, route);
        self.refresh(g);
        key
    }

    /// Moves every member's target and the service down by the service so far.
    #[cold]
    fn rebase(group: &mut Group, flows: &mut [Flow]) {
        let shift = group.served;
        let members = std::mem::take(&mut group.members);
        group.members = members
            .into_iter()
            .map(|std::cmp::Reverse((target, key))| {
                flows[key as usize].joined -= shift;
                std::cmp::Reverse(((f64::from_bits(target) - shift).max(0.0).to_bits(), key))
            })
            .collect();
        group.served = 0.0;
    }

    /// Puts group `g`'s next completion in the heap (or takes it out when empty).
    #[inline]
    fn refresh(&mut self, g: u32) {
        let group = &self.groups[g as usize];
        if group.n == 0 {
            self.heap.remove(g);
        } else {
            self.heap.set(g, group.next_finish());
        }
        self.heap.update();
    }

    /// When the next flow completes (`None` when no flow is active).
    #[inline]
    pub fn next_completion(&self) -> Option<SimTime> {
        self.heap.peek().map(|(t, _)| t)
    }

    /// Ends the flow that completes first, at `now` (its completion time), and re-allocates.
    pub fn complete(&mut self, now: SimTime) -> Delivered {
        let (time, g) = self.heap.peek().expect("a flow to complete");
        debug_assert_eq!(time, now);
        let group = &mut self.groups[g as usize];
        group.settle(now);
        let std::cmp::Reverse((_, key)) = group.members.pop().expect("a group in the heap has members");
        self.remove(now, g, key).0
    }

    /// Stops flow `key` at `now` before it completes (its route was cut) and re-allocates;
    /// returns it with the bytes it had carried so far in `bytes`, and the bytes left.
    /// The links keep the bytes it carried in their accounts.
    pub fn cancel(&mut self, now: SimTime, key: u32) -> (Delivered, f64) {
        let g = self.group_of[self.flows[key as usize].route as usize];
        let group = &mut self.groups[g as usize];
        group.settle(now);
        group.members.retain(|std::cmp::Reverse((_, k))| *k != key);
        let (mut done, carried) = self.remove(now, g, key);
        let left = done.bytes - carried;
        done.bytes = carried;
        (done, left)
    }

    /// Takes flow `key` (already out of group `g`'s members, the group settled at `now`) off
    /// its links and re-allocates; returns it and the bytes its links carried for it.
    fn remove(&mut self, now: SimTime, g: u32, key: u32) -> (Delivered, f64) {
        let group = &mut self.groups[g as usize];
        group.n -= 1;
        let emptied = group.n == 0;
        if let Some(whole) = &mut self.whole {
            whole.leave(g);
        }
        let flow = &self.flows[key as usize];
        // What the links carried for this flow: the service since it joined (its bytes, and
        // up to a nanosecond's worth more).
        let carried = group.served - flow.joined;
        let done = Delivered { key, job: flow.job, kind: flow.kind, route: flow.route, bytes: flow.bytes };
        let (start, len) = self.routes[flow.route as usize];
        for i in start..start + len {
            let l = self.route_links[i as usize] as usize;
            self.integrate(l, now);
            let link = &mut self.links[l];
            link.finished_bytes += carried;
            link.count -= 1;
            if emptied {
                let at = link.groups.iter().position(|&x| x == g).expect("group is on its links");
                link.groups.swap_remove(at);
            }
        }
        if emptied {
            self.groups[g as usize].rate = 0.0;
        }
        self.free.push(key);
        self.active -= 1;
        self.reallocate(now, done.route);
        self.refresh(g);
        (done, carried)
    }

    /// Adds a route over the directed links `links` (not empty) and returns its index. The
    /// network is allocated by components from then on.
    pub fn add_route(&mut self, links: &[u32]) -> u32 {
        debug_assert!(!links.is_empty());
        self.whole = None;
        self.heap.switch_to_heap();
        self.routes.push((self.route_links.len() as u32, links.len() as u32));
        self.route_links.extend_from_slice(links);
        self.group_of.push(u32::MAX);
        (self.routes.len() - 1) as u32
    }

    /// Keys of the flows on directed link `link` now, in increasing order.
    pub fn flows_on_link(&self, link: usize) -> Vec<u32> {
        let groups = self.links[link].groups.iter().map(|&g| &self.groups[g as usize]);
        let mut keys: Vec<u32> = groups.flat_map(|g| g.members.iter().map(|std::cmp::Reverse((_, k))| *k)).collect();
        keys.sort_unstable();
        keys
    }

    /// Brings link `l`'s carried-bytes integral up to `now`.
    #[inline]
    fn integrate(&mut self, l: usize, now: SimTime) {
        self.links[l].integrate(now);
    }

    /// Re-allocates the whole network at once: when most route groups are busy, cheaper than
    /// finding the component.
    fn reallocate_whole(&mut self, now: SimTime) {
        let Some(whole) = &mut self.whole else { return };
        whole.solve(self.max_rate);
        for &g in whole.changed_groups() {
            let new_rate = whole.rate(g);
            let group = &mut self.groups[g as usize];
            debug_assert_ne!(new_rate, group.rate, "the solver keeps the rates the groups have");
            group.settle(now);
            group.updated = now;
            group.rate = new_rate;
            self.heap.set(g, group.next_finish());
            self.moved += 1;
        }
        for (l, link) in self.links.iter_mut().enumerate() {
            let sum = whole.rate_sum(l as u32);
            if sum != link.rate_sum {
                link.integrate(now);
                link.rate_sum = sum;
            }
        }
    }

    /// Re-allocates the rates of the groups connected to `route`'s links, max-min fairly.
    fn reallocate(&mut self, now: SimTime, route: u32) {
        self.reallocations += 1;
        if self.whole.as_ref().is_some_and(|w| w.busy() * 4 >= w.groups()) {
            return self.reallocate_whole(now);
        }
        self.find_component(route);
        self.fill_component();
        self.apply_component_rates(now);
    }

    /// Collects into `component_links` and `component_groups` the links and groups connected
    /// to `route`'s links through shared links (breadth-first), unfreezing the groups.
    fn find_component(&mut self, route: u32) {
        self.epoch = self.epoch.wrapping_add(1);
        let epoch = self.epoch;
        self.component_links.clear();
        self.component_groups.clear();
        let (start, len) = self.routes[route as usize];
        for i in start..start + len {
            let l = self.route_links[i as usize];
            if self.links[l as usize].seen != epoch {
                self.links[l as usize].seen = epoch;
                self.links[l as usize].local = self.component_links.len() as u32;
                self.component_links.push(l);
            }
        }
        let mut next = 0;
        while next < self.component_links.len() {
            let l = self.component_links[next] as usize;
            next += 1;
            for j in 0..self.links[l].groups.len() {
                let g = self.links[l].groups[j];
                let group = &mut self.groups[g as usize];
                if group.seen == epoch {
                    continue;
                }
                group.seen = epoch;
                group.frozen = false;
                self.component_groups.push(g);
                let (start, len) = self.routes[group.route as usize];
                for &l2 in &self.route_links[start as usize..(start + len) as usize] {
                    let link = &mut self.links[l2 as usize];
                    if link.seen != epoch {
                        link.seen = epoch;
                        link.local = self.component_links.len() as u32;
                        self.component_links.push(l2);
                    }
                }
            }
        }
    }

    /// Progressive filling over the component: the link with the smallest fair share of what
    /// is left (ties: the first found) freezes its groups at that share; the per-flow cap
    /// freezes every group left once reached. Leaves each group's rate in `new_rate`.
    fn fill_component(&mut self) {
        self.share.clear();
        for &l in &self.component_links {
            let link = &mut self.links[l as usize];
            link.residual = link.capacity;
            link.unfrozen = link.count;
            self.share.push(link.fair_share());
        }
        let mut unfrozen = self.component_groups.len();
        while unfrozen > 0 {
            let (mut bottleneck, mut level) = (0, f64::INFINITY);
            for (i, &share) in self.share.iter().enumerate() {
                if share < level {
                    (bottleneck, level) = (i, share);
                }
            }
            if level >= self.max_rate {
                for &g in &self.component_groups {
                    let group = &mut self.groups[g as usize];
                    if !group.frozen {
                        group.frozen = true;
                        group.new_rate = self.max_rate;
                    }
                }
                break;
            }
            self.share[bottleneck] = f64::INFINITY;
            let l = self.component_links[bottleneck] as usize;
            unfrozen -= self.freeze_on(l, level);
        }
    }

    /// Freezes the unfrozen groups on link `l` (the bottleneck) at per-flow rate `level`,
    /// updating the fair shares of the other links they cross; returns how many it froze.
    fn freeze_on(&mut self, l: usize, level: f64) -> usize {
        let mut frozen = 0;
        for j in 0..self.links[l].groups.len() {
            let g = self.links[l].groups[j];
            let group = &mut self.groups[g as usize];
            if group.frozen {
                continue;
            }
            group.frozen = true;
            group.new_rate = level;
            frozen += 1;
            let n = group.n;
            let (start, len) = self.routes[group.route as usize];
            for &l2 in &self.route_links[start as usize..(start + len) as usize] {
                let link = &mut self.links[l2 as usize];
                link.residual -= level * f64::from(n);
                link.unfrozen -= n;
                if l2 as usize != l {
                    self.share[link.local as usize] = link.fair_share();
                }
            }
        }
        frozen
    }

    /// Settles and moves only the component's groups whose rate changed, and brings its
    /// links' rate sums up to date.
    fn apply_component_rates(&mut self, now: SimTime) {
        for i in 0..self.component_groups.len() {
            let g = self.component_groups[i];
            let group = &mut self.groups[g as usize];
            if group.new_rate == group.rate {
                continue;
            }
            group.settle(now);
            group.updated = now;
            group.rate = group.new_rate;
            if let Some(whole) = &mut self.whole {
                whole.set_rate(g, group.rate); // so that its next solve sees what changed
            }
            let finish = group.next_finish();
            self.heap.set(g, finish);
            self.moved += 1;
        }
        for i in 0..self.component_links.len() {
            let l = self.component_links[i] as usize;
            self.integrate(l, now);
            let link = &self.links[l];
            let sum = link.groups.iter().map(|&g| &self.groups[g as usize]).map(|g| g.rate * f64::from(g.n)).sum();
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
                (link.capacity - link.rate_sum).max(link.capacity / f64::from(link.count + 1))
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
        self.links[link].count as usize
    }

    /// The current rate of every flow on a link, bytes per ns, in no particular order.
    pub fn rates_on(&self, link: usize) -> Vec<f64> {
        let groups = self.links[link].groups.iter().map(|&g| &self.groups[g as usize]);
        groups.flat_map(|g| std::iter::repeat_n(g.rate, g.n as usize)).collect()
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
            let mut active = 0.0;
            let mut sizes = 0.0;
            for group in link.groups.iter().map(|&g| &self.groups[g as usize]) {
                let served = group.served + group.rate * now.saturating_sub(group.updated) as f64;
                for std::cmp::Reverse((_, key)) in group.members.iter() {
                    let flow = &self.flows[*key as usize];
                    active += served - flow.joined;
                    sizes += flow.bytes + served;
                }
            }
            // Service differences are exact to a few ulps of the service and the sizes.
            let ulps = sizes * 8.0 * f64::EPSILON;
            let accounted = link.finished_bytes + active;
            if (carried - accounted).abs() > 1e-9 * carried.max(accounted) + ulps + 1e-3 {
                return Err(format!("link {l}: carried {carried} bytes, flows account for {accounted}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_nanos_is_a_saturating_ceil() {
        let edge = [
            0.0,
            -0.0,
            0.5,
            1.0,
            1.0 + f64::EPSILON,
            2.5,
            -3.7,
            4e15 + 0.5,
            9.1e15,
            4.6e18,
            4.62e18,
            1.8e19,
            1.9e19,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            f64::MAX,
        ];
        let mut rng = crate::rng::stream(7, crate::rng::Stream::Workload(0));
        use rand::RngExt;
        let random = (0..10_000).map(|_| 10f64.powf(rng.random_range(-3.0..20.0)) * rng.random_range(0.5..1.0));
        for x in edge.into_iter().chain(random) {
            assert_eq!(ceil_nanos(x), x.ceil() as u64, "{x}");
        }
    }

    #[test]
    fn the_flat_layout_finds_what_the_heap_finds() {
        // Random sets and removals over 40 groups, with many equal times: after each batch
        // (as after an event), both layouts give the same least (time, group).
        use rand::RngExt;
        let mut rng = crate::rng::stream(3, crate::rng::Stream::Workload(0));
        let (mut flat, mut heap) = (FinishHeap::for_groups(40), FinishHeap::for_groups(FLAT_GROUPS + 1));
        assert!(flat.flat && !heap.flat);
        for step in 0..5_000 {
            for _ in 0..rng.random_range(1..12) {
                let g = rng.random_range(0..40u32);
                if rng.random_range(0..4) == 0 {
                    flat.remove(g);
                    heap.remove(g);
                } else {
                    let t = rng.random_range(0..50u64);
                    flat.set(g, t);
                    heap.set(g, t);
                }
            }
            flat.update();
            assert_eq!(flat.peek(), heap.peek(), "step {step}");
            if step == 2_500 {
                flat.switch_to_heap();
                assert!(!flat.flat);
            }
        }
    }

    #[test]
    fn a_group_that_never_empties_keeps_exact_targets_past_the_rebase() {
        // One link of 1 byte/ns; a 10^15-byte flow keeps the route's group busy while 1 MB
        // flows come and go on the same route: each shares the link with the big one, so it
        // takes 2 ms, before and after the group's service passes 2^40 bytes (about 37 min).
        let mut net = FlowNetwork::with_routes(&[8e9], &[vec![0]], f64::INFINITY);
        net.start(0, 0, 1e15, 0, FlowKind::Input);
        for k in 1..=6u64 {
            let start = k * 1_000_000_000_000; // every 1,000 s
            let key = net.start(start, 0, 1e6, k as u32, FlowKind::Input);
            assert_eq!(net.next_completion(), Some(start + 2_000_000), "flow {k}");
            let done = net.complete(start + 2_000_000);
            assert_eq!((done.key, done.job), (key, k as u32));
            net.check_conservation(start + 2_000_000).unwrap();
        }
        assert!(net.groups[0].served < REBASE, "the service was rebased");
    }

    #[test]
    fn a_cancelled_flow_frees_its_share_and_restarts_on_a_new_route() {
        // Link 0 of 1 byte/ns, link 1 of 0.5 byte/ns. Two 1e9-byte flows share link 0 at 0.5
        // byte/ns; at 0.5 s the first is cancelled with 0.25e9 bytes carried: the second,
        // alone, ends at 0.5 + 0.75 = 1.25 s; the first's 0.75e9 bytes left go over a new
        // route on link 1 and end at 0.5 + 0.75 / 0.5 = 2 s.
        let mut net = FlowNetwork::with_routes(&[8e9, 4e9], &[vec![0]], f64::INFINITY);
        let first = net.start(0, 0, 1e9, 0, FlowKind::Input);
        net.start(0, 0, 1e9, 1, FlowKind::Output);
        let (stopped, left) = net.cancel(500_000_000, first);
        assert_eq!((stopped.job, stopped.kind, stopped.route), (0, FlowKind::Input, 0));
        assert_eq!((stopped.bytes, left), (0.25e9, 0.75e9));
        net.check_conservation(500_000_000).unwrap();
        assert_eq!(net.next_completion(), Some(1_250_000_000));
        let detour = net.add_route(&[1]);
        assert_eq!(detour, 1);
        net.start(500_000_000, detour, left, 0, FlowKind::Input);
        assert_eq!(net.flows_on_link(1).len(), 1);
        assert_eq!(net.complete(1_250_000_000).job, 1);
        assert_eq!(net.next_completion(), Some(2_000_000_000));
        assert_eq!(net.complete(2_000_000_000).bytes, 0.75e9);
        net.check_conservation(2_000_000_000).unwrap();
        net.finish(2_000_000_000);
        assert_eq!((net.carried_bytes(0), net.carried_bytes(1)), (1.25e9, 0.75e9));
    }
}
