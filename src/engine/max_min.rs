//! Max-min fair rates over a whole small network at once, by progressive filling
//! (Bertsekas & Gallager 6.5.2) on dense arrays.
//!
//! The flow network re-allocates only the component a change touches, found breadth-first.
//! On a small network that is busy, that component is most of the network, and finding it
//! costs more than the allocation itself. This solver keeps the network's links and route
//! groups in contiguous arrays built once (which links each group crosses, and per link the
//! busy groups that cross it, in increasing order), with the flows in flight kept up to date,
//! and allocates every busy group of the network in one pass: each round takes the open link
//! with the smallest fair share of what is left (ties: the lowest link index), freezes its
//! unfrozen groups at that share and updates the shares of the other links they cross. Groups
//! in other components are allocated exactly as they were (their links' shares, rounds and
//! residuals do not depend on other components).
//!
//! Every link has a fair-share slot in one array in link order; a link with no unfrozen flow
//! (left) has an infinite or not-a-number share, which no round picks, so a round is a
//! branch-free scan of every slot for the first least share. (That scans idle links too: this
//! solver runs only when at least a quarter of the route groups are busy, on networks whose
//! routes cross at most 4,096 links in all.) Of the groups, a solve touches only the busy ones
//! (frozen marks are epoch stamps, so nothing is cleared between solves). It also sums, per
//! link, the rates of its flows in the order the groups freeze, so the caller need not.

/// A network's links and route groups, with the flows in flight on each.
#[derive(Clone, Debug, Default)]
pub struct MaxMin {
    /// Per link: capacity (bytes per ns), flows in flight.
    capacity: Vec<f64>,
    flows: Vec<u32>,
    /// Per link: where its groups start in `link_groups` (all of them, in increasing order) and
    /// in `link_busy` (its busy groups, in increasing order, `link_busy_count` of them).
    link_slots: Vec<u32>,
    link_groups: Vec<u32>,
    link_busy_count: Vec<u32>,
    link_busy: Vec<u32>,
    /// Groups that became busy or idle since the last solve (`None` once more did than there
    /// are groups: every list is then rebuilt). The busy lists of their links are rebuilt when
    /// a solve needs them, so a network mostly allocated by components pays one push a change.
    moved_groups: Option<Vec<u32>>,
    stale: Vec<bool>,
    stale_links: Vec<u32>,
    /// Per group: its links in `group_links`.
    group_links: Vec<u32>,
    /// Groups with flows in flight, in no particular order, and each group's place in it.
    busy: Vec<u32>,
    busy_at: Vec<u32>,
    // Scratch of a solve: per link and per group (see [`LinkFill`], [`GroupFill`]), and per
    // link its fair share of what is left (padded with NaN, never least nor equal, to a whole
    // number of fours for the scans).
    link_fill: Vec<LinkFill>,
    group_fill: Vec<GroupFill>,
    share: Vec<f64>,
    /// The groups whose rate the last solve changed, in `changed[..changed_count]` (the array
    /// holds a slot per group, so a freeze writes its group without a branch).
    changed: Vec<u32>,
    changed_count: usize,
    epoch: u32,
}

/// A link during a solve, in one record so the filling reads it with one access.
#[derive(Clone, Copy, Debug, Default)]
struct LinkFill {
    /// Capacity not yet given to frozen flows.
    residual: f64,
    /// Sum of the rates of its frozen flows.
    rate_sum: f64,
    /// Flows not yet frozen (a whole number, kept as the divisor it is).
    unfrozen: f64,
}

/// A group: its links in `group_links`, its flows, the epoch that last froze it and the
/// per-flow rate it got (0 once idle).
#[derive(Clone, Copy, Debug, Default)]
struct GroupFill {
    start: u32,
    end: u32,
    weight: u32,
    frozen: u32,
    rate: f64,
}

/// What is left of a link, split over its unfrozen flows. With none left (or none at all) it
/// is not a number (nothing left) or infinite, and [`first_least`] never picks it: no branch.
#[inline(always)]
fn fair_share(residual: f64, unfrozen: f64) -> f64 {
    residual.max(0.0) / unfrozen
}

/// The place of the first least value of `shares` and the value, ignoring NaN (the value is
/// infinite when no share is below infinity, and the place then means nothing). The least
/// value is found in four independent running minima (no branch, no chain of dependent
/// compares), then its place by [`first_equal`]. (Keeping each minimum's place as well costs
/// more.)
#[inline(always)]
fn first_least(shares: &[f64]) -> (usize, f64) {
    #[inline(always)]
    fn less(a: f64, b: f64) -> f64 {
        if a < b { a } else { b }
    }
    let mut least = [f64::INFINITY; 4];
    let mut chunks = shares.chunks_exact(4);
    for chunk in &mut chunks {
        for k in 0..4 {
            least[k] = less(chunk[k], least[k]);
        }
    }
    for &share in chunks.remainder() {
        least[0] = less(share, least[0]);
    }
    let level = less(less(least[0], least[1]), less(least[2], least[3]));
    (first_equal(shares, level), level)
}

/// The place of the first value of `values` equal to `x` (0 when none is). Each block of 64
/// values is compared whole into a bit mask, four at a time (two SSE2 compares on x86-64)
/// from the block's end, so the number of steps depends only on the length (a scan that
/// stops at the match costs a mispredicted branch a round) and the mask shifts by constants;
/// the place is the mask's first set bit.
#[inline(always)]
fn first_equal(values: &[f64], x: f64) -> usize {
    for (block, chunk) in values.chunks(64).enumerate() {
        let mut quads = chunk.rchunks_exact(4);
        let mut mask = 0u64;
        for quad in &mut quads {
            mask = mask << 4 | equal_quad(quad, x);
        }
        for &value in quads.remainder().iter().rev() {
            mask = mask << 1 | u64::from(value == x);
        }
        if mask != 0 {
            return block * 64 + mask.trailing_zeros() as usize;
        }
    }
    0
}

/// Bit k: `quad[k] == x` (`quad` holds four values).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn equal_quad(quad: &[f64], x: f64) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_pd, _mm_loadu_pd, _mm_movemask_pd, _mm_set1_pd};
    debug_assert_eq!(quad.len(), 4);
    // SAFETY: SSE2 is part of the x86-64 baseline; the loads are unaligned and read the four
    // values of `quad`.
    unsafe {
        let x = _mm_set1_pd(x);
        let low = _mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(quad.as_ptr()), x));
        let high = _mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(quad.as_ptr().add(2)), x));
        (low | high << 2) as u64
    }
}

/// Bit k: `quad[k] == x` (`quad` holds four values).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn equal_quad(quad: &[f64], x: f64) -> u64 {
    quad.iter().rev().fold(0, |mask, &value| mask << 1 | u64::from(value == x))
}

/// One solve's progressive filling, over borrowed arrays of a [`MaxMin`] (so that the hot
/// loops keep them in registers).
struct Filling<'a> {
    epoch: u32,
    /// Busy groups not yet frozen.
    left: usize,
    group_links: &'a [u32],
    links: &'a mut [LinkFill],
    groups: &'a mut [GroupFill],
    share: &'a mut [f64],
    changed: &'a mut [u32],
    changed_count: usize,
}

impl Filling<'_> {
    /// Freezes group `g` (unfrozen, busy) at per-flow rate `level`, taking its flows off every
    /// link it crosses and updating their fair shares.
    #[inline(always)]
    fn freeze(&mut self, g: usize, level: f64) {
        debug_assert!(g < self.groups.len() && self.changed_count < self.changed.len());
        // SAFETY: callers pass a group index from `busy` or a busy list (both checked by
        // `MaxMin::new`'s construction); `changed` has a slot per group and each group freezes
        // at most once a solve, so fewer than `groups` were counted before this one.
        let group = unsafe { self.groups.get_unchecked_mut(g) };
        group.frozen = self.epoch;
        // Counted as changed unless it keeps its rate: a store and an add, no branch.
        unsafe { *self.changed.get_unchecked_mut(self.changed_count) = g as u32 };
        self.changed_count += usize::from(level != group.rate);
        group.rate = level;
        self.left -= 1;
        let GroupFill { start, end, weight, .. } = *group;
        let weight = f64::from(weight);
        let carried = level * weight;
        debug_assert!(start <= end && end as usize <= self.group_links.len());
        // SAFETY: `MaxMin::new` built every group's range inside `group_links`.
        let links = unsafe { self.group_links.get_unchecked(start as usize..end as usize) };
        for &l in links {
            debug_assert!((l as usize) < self.links.len() && self.links.len() <= self.share.len());
            // SAFETY: `MaxMin::new` checked every link index of every group against the links,
            // and `share` has a slot per link.
            let link = unsafe { self.links.get_unchecked_mut(l as usize) };
            link.residual -= carried;
            link.unfrozen -= weight;
            link.rate_sum += carried;
            unsafe { *self.share.get_unchecked_mut(l as usize) = fair_share(link.residual, link.unfrozen) };
        }
    }
}

impl MaxMin {
    /// Links of `capacity` (bytes per ns); group `g` crosses the links `groups[g]`. No flows.
    /// Panics when a group names a link past the last, or when the groups cross links more
    /// than `u32::MAX` times in all (their ranges are `u32`).
    pub fn new<'a>(capacity: &[f64], groups: impl Iterator<Item = &'a [u32]>) -> Self {
        let links = capacity.len();
        let mut solver = MaxMin { capacity: capacity.to_vec(), flows: vec![0; links], ..Self::default() };
        let mut on_link: Vec<Vec<u32>> = vec![Vec::new(); links];
        for (g, group_links) in groups.enumerate() {
            let start = u32::try_from(solver.group_links.len()).expect("fewer than 2^32 route links");
            for &l in group_links {
                assert!((l as usize) < links, "route group crosses link {l} of {links}");
                solver.group_links.push(l);
                on_link[l as usize].push(g as u32);
            }
            let end = u32::try_from(solver.group_links.len()).expect("fewer than 2^32 route links");
            solver.group_fill.push(GroupFill { start, end, ..GroupFill::default() });
        }
        for groups in on_link {
            solver.link_slots.push(solver.link_groups.len() as u32);
            solver.link_groups.extend(groups);
        }
        solver.link_slots.push(solver.link_groups.len() as u32);
        let groups = solver.group_fill.len();
        solver.link_busy = vec![0; solver.link_groups.len()];
        solver.link_busy_count = vec![0; links];
        solver.stale = vec![false; links];
        solver.moved_groups = Some(Vec::new());
        solver.busy_at = vec![u32::MAX; groups];
        solver.link_fill = vec![LinkFill::default(); links];
        solver.share = vec![f64::NAN; links.next_multiple_of(4)];
        solver.changed = vec![0; groups];
        solver
    }

    /// Groups in all.
    pub fn groups(&self) -> usize {
        self.group_fill.len()
    }

    /// Groups with flows in flight.
    pub fn busy(&self) -> usize {
        self.busy.len()
    }

    /// Group `g`'s links.
    #[inline]
    fn links_of(&self, g: usize) -> std::ops::Range<usize> {
        let group = &self.group_fill[g];
        group.start as usize..group.end as usize
    }

    /// One more flow in group `g`.
    #[inline]
    pub fn join(&mut self, g: u32) {
        let gi = g as usize;
        if self.group_fill[gi].weight == 0 {
            self.busy_at[gi] = self.busy.len() as u32;
            self.busy.push(g);
            self.mark_links_stale(gi);
        }
        self.group_fill[gi].weight += 1;
        for i in self.links_of(gi) {
            self.flows[self.group_links[i] as usize] += 1;
        }
    }

    /// One flow fewer in group `g`.
    #[inline]
    pub fn leave(&mut self, g: u32) {
        let gi = g as usize;
        self.group_fill[gi].weight -= 1;
        for i in self.links_of(gi) {
            self.flows[self.group_links[i] as usize] -= 1;
        }
        if self.group_fill[gi].weight == 0 {
            self.group_fill[gi].rate = 0.0;
            let at = self.busy_at[gi] as usize;
            self.busy.swap_remove(at);
            if let Some(&moved) = self.busy.get(at) {
                self.busy_at[moved as usize] = at as u32;
            }
            self.busy_at[gi] = u32::MAX;
            self.mark_links_stale(gi);
        }
    }

    /// Group `g` became busy or idle: its links' busy lists are out of date.
    #[inline]
    fn mark_links_stale(&mut self, g: usize) {
        let groups = self.group_fill.len();
        if let Some(moved) = &mut self.moved_groups {
            if moved.len() < groups {
                moved.push(g as u32);
            } else {
                self.moved_groups = None;
            }
        }
    }

    /// Rebuilds the busy lists of the links of the groups that became busy or idle (of every
    /// link after many such changes): each link's groups with flows, in increasing order.
    fn refresh_busy_lists(&mut self) {
        match &mut self.moved_groups {
            Some(moved) if moved.is_empty() => return,
            Some(moved) => {
                for &g in moved.iter() {
                    let group = &self.group_fill[g as usize];
                    for &l in &self.group_links[group.start as usize..group.end as usize] {
                        if !self.stale[l as usize] {
                            self.stale[l as usize] = true;
                            self.stale_links.push(l);
                        }
                    }
                }
                moved.clear();
            }
            None => {
                self.stale_links.clear();
                self.stale_links.extend(0..self.link_fill.len() as u32);
                self.stale.iter_mut().for_each(|s| *s = true);
                self.moved_groups = Some(Vec::with_capacity(self.group_fill.len()));
            }
        }
        for &l in &self.stale_links {
            let l = l as usize;
            let (start, end) = (self.link_slots[l] as usize, self.link_slots[l + 1] as usize);
            let mut count = 0;
            for i in start..end {
                let g = self.link_groups[i];
                self.link_busy[start + count] = g;
                count += usize::from(self.group_fill[g as usize].weight != 0);
            }
            self.link_busy_count[l] = count as u32;
            self.stale[l] = false;
        }
        self.stale_links.clear();
    }

    /// Allocates every busy group its max-min fair per-flow rate, each capped at `max_rate`,
    /// and sums each link's rates (idle links: 0). Idle groups have rate 0.
    /// A NaN limit is no limit. Every round either freezes a group (the least share is finite,
    /// so its link has unfrozen flows, all in its busy list) or ends the filling.
    pub fn solve(&mut self, max_rate: f64) {
        let max_rate = if max_rate.is_nan() { f64::INFINITY } else { max_rate };
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.group_fill.iter_mut().for_each(|g| g.frozen = 0);
            self.epoch = 1;
        }
        self.refresh_busy_lists();
        self.open_links();
        let mut fill = Filling {
            epoch: self.epoch,
            left: self.busy.len(),
            group_links: &self.group_links,
            links: &mut self.link_fill,
            groups: &mut self.group_fill,
            share: &mut self.share,
            changed: &mut self.changed,
            changed_count: 0,
        };
        while fill.left > 0 {
            let (at, level) = first_least(fill.share);
            if level >= max_rate {
                break;
            }
            let start = self.link_slots[at] as usize;
            let count = self.link_busy_count[at] as usize;
            debug_assert!(start + count <= self.link_busy.len());
            // SAFETY: a link's busy list lies inside its slots of `link_busy`.
            let busy = unsafe { self.link_busy.get_unchecked(start..start + count) };
            for &g in busy {
                debug_assert!((g as usize) < fill.groups.len());
                // SAFETY: busy lists hold group indices from `link_groups`, built by `new`.
                let frozen = unsafe { fill.groups.get_unchecked(g as usize).frozen };
                if frozen != fill.epoch {
                    fill.freeze(g as usize, level);
                }
            }
        }
        // Every group left runs at the per-flow limit.
        if fill.left > 0 {
            for &g in &self.busy {
                if fill.groups[g as usize].frozen != fill.epoch {
                    fill.freeze(g as usize, max_rate);
                }
            }
        }
        self.changed_count = fill.changed_count;
    }

    /// The busy groups whose per-flow rate the last [`MaxMin::solve`] changed (a group that
    /// became busy since had rate 0), in no particular order.
    #[inline]
    pub fn changed_groups(&self) -> &[u32] {
        &self.changed[..self.changed_count]
    }

    /// Records that group `g` (busy) now has per-flow rate `rate`, found by another solver,
    /// so that the next solve reports changes against it.
    #[inline]
    pub fn set_rate(&mut self, g: u32, rate: f64) {
        self.group_fill[g as usize].rate = rate;
    }

    /// Opens every link at its full capacity, shared by its flows (a link without flows gets
    /// an infinite or not-a-number share, never picked); zeroes every link's rate sum.
    #[inline]
    fn open_links(&mut self) {
        let links = self.link_fill.iter_mut().zip(&self.capacity).zip(&self.flows).zip(&mut self.share);
        for (((link, &capacity), &flows), share) in links {
            let flows = f64::from(flows);
            *link = LinkFill { residual: capacity, rate_sum: 0.0, unfrozen: flows };
            *share = fair_share(capacity, flows);
        }
    }

    /// Group `g`'s per-flow rate, after [`MaxMin::solve`] (0 when idle).
    #[inline]
    pub fn rate(&self, g: u32) -> f64 {
        self.group_fill[g as usize].rate
    }

    /// The sum of the rates of link `l`'s flows, after [`MaxMin::solve`].
    #[inline]
    pub fn rate_sum(&self, l: u32) -> f64 {
        self.link_fill[l as usize].rate_sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Solves links of `capacity` and groups of (flows, links).
    fn solve(capacity: &[f64], groups: &[(u32, Vec<u32>)], max_rate: f64) -> Vec<f64> {
        let mut m = MaxMin::new(capacity, groups.iter().map(|(_, links)| links.as_slice()));
        for (g, &(flows, _)) in groups.iter().enumerate() {
            (0..flows).for_each(|_| m.join(g as u32));
        }
        m.solve(max_rate);
        (0..groups.len() as u32).map(|g| m.rate(g)).collect()
    }

    #[test]
    fn parking_lot_gives_every_flow_half() {
        // Links 0..3 of capacity 1; one flow across all, one flow on each.
        let groups = vec![(1, vec![0, 1, 2]), (1, vec![0]), (1, vec![1]), (1, vec![2])];
        assert_eq!(solve(&[1.0; 3], &groups, f64::INFINITY), vec![0.5; 4]);
    }

    #[test]
    fn unequal_bottlenecks_weights_and_idle_groups() {
        // Link 0 (capacity 1) carries group A (2 flows) and B (1 flow): 1/3 each; link 1
        // (capacity 1) carries B and C (1 flow): C gets the 2/3 B leaves; D is idle.
        let groups = vec![(2, vec![0]), (1, vec![0, 1]), (1, vec![1]), (0, vec![1])];
        let rates = solve(&[1.0, 1.0], &groups, f64::INFINITY);
        let want = [1.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0, 0.0];
        for (r, w) in rates.iter().zip(want) {
            assert!((r - w).abs() < 1e-15, "{rates:?}");
        }
    }

    #[test]
    fn the_per_flow_limit_caps_what_links_would_allow() {
        let groups = vec![(1, vec![0]), (3, vec![0, 1])];
        assert_eq!(solve(&[1.0, 10.0], &groups, 0.2), vec![0.2, 0.2]);
        assert_eq!(solve(&[1.0, 10.0], &groups, 0.3), vec![0.25, 0.25]);
    }

    #[test]
    fn each_link_lists_exactly_its_busy_groups_in_order() {
        // 12 groups over 5 links (groups 2 and 7 cross one link twice); random joins and
        // leaves. Each link's busy list, rebuilt after every change (first half) or after 50
        // changes (second half: more groups move than there are, so every list is rebuilt),
        // equals the groups with flows that cross it, in increasing order, by brute force.
        let routes: Vec<Vec<u32>> = (0..12u32).map(|g| vec![g % 5, (g * 3 + 1) % 5]).collect();
        let mut m = MaxMin::new(&[1.0; 5], routes.iter().map(Vec::as_slice));
        let mut flows = [0u32; 12];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rebuilt_all = 0;
        for step in 0..4_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let g = (state % 12) as usize;
            if flows[g] > 0 && state.is_multiple_of(2) {
                m.leave(g as u32);
                flows[g] -= 1;
            } else {
                m.join(g as u32);
                flows[g] += 1;
            }
            if step >= 2_000 && !step.is_multiple_of(50) {
                continue;
            }
            rebuilt_all += usize::from(m.moved_groups.is_none());
            m.refresh_busy_lists();
            for l in 0..5u32 {
                // A route that crosses a link twice is listed twice there (it loads it twice).
                let want: Vec<u32> = (0..12u32)
                    .filter(|&h| flows[h as usize] > 0)
                    .flat_map(|h| routes[h as usize].iter().filter(move |&&k| k == l).map(move |_| h))
                    .collect();
                let start = m.link_slots[l as usize] as usize;
                let got = &m.link_busy[start..start + m.link_busy_count[l as usize] as usize];
                assert_eq!(got, want.as_slice(), "link {l}");
            }
        }
        assert!(rebuilt_all > 10, "every list rebuilt {rebuilt_all} times");
    }

    #[test]
    fn every_solve_ends_whatever_the_limit_and_capacities() {
        // A link left with spare capacity and nothing to freeze (infinite share) beside an
        // infinite link, a group with no links, and NaN, zero and infinite limits.
        let groups = vec![(1, vec![0, 2]), (1, vec![1]), (1, vec![])];
        let capacity = [1.0, f64::INFINITY, 0.5];
        let rates = solve(&capacity, &groups, f64::NAN);
        assert_eq!(rates, vec![0.5, f64::INFINITY, f64::INFINITY]);
        assert_eq!(solve(&capacity, &groups, 0.0), vec![0.0; 3]);
        assert_eq!(solve(&capacity, &groups, 2.0), vec![0.5, 2.0, 2.0]);
    }

    #[test]
    fn the_least_share_and_its_first_place_are_found_as_a_plain_scan_finds_them() {
        // Random arrays of 0 to 200 shares from a few values (many ties), with NaN and
        // infinity: the least value ignoring NaN (infinite when none is finite) and the first
        // place holding it, against a scan written plainly.
        let pool = [0.0, 0.5, 1.0, 1.0 + f64::EPSILON, 2.0, f64::INFINITY, f64::NAN];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for case in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 201) as usize;
            let shares: Vec<f64> = (0..len)
                .map(|i| {
                    let bits = state.rotate_left(i as u32 * 3 + case % 7);
                    pool[(bits % pool.len() as u64) as usize]
                })
                .collect();
            let least = shares.iter().copied().filter(|s| !s.is_nan()).fold(f64::INFINITY, f64::min);
            let place = shares.iter().position(|&s| s == least).unwrap_or(0);
            assert_eq!(first_least(&shares), (place, least), "{shares:?}");
            for x in pool {
                let want = shares.iter().position(|&s| s == x).unwrap_or(0);
                assert_eq!(first_equal(&shares, x), want, "{x} in {shares:?}");
            }
        }
    }

    #[test]
    fn leaving_undoes_joining() {
        let groups = [vec![0u32, 1], vec![1]];
        let mut m = MaxMin::new(&[1.0, 1.0], groups.iter().map(Vec::as_slice));
        m.join(0);
        m.join(1);
        m.leave(0);
        assert_eq!((m.busy(), m.busy.as_slice(), m.flows.as_slice()), (1, [1].as_slice(), [0, 1].as_slice()));
        m.solve(f64::INFINITY);
        assert_eq!((m.rate(0), m.rate(1)), (0.0, 1.0));
    }
}
