//! Max-min fair rates over a whole small network at once, by progressive filling
//! (Bertsekas & Gallager 6.5.2) on dense arrays.
//!
//! The flow network re-allocates only the component a change touches, found breadth-first.
//! On a small network that is busy, that component is most of the network, and finding it
//! costs more than the allocation itself. This solver keeps the network's links and route
//! groups in contiguous arrays built once (which groups cross each link, which links each
//! group crosses), with the flows in flight and the list of busy groups kept up to date, and
//! allocates every busy group of the network in one pass: each round takes the open link with
//! the smallest fair share of what is left (ties: the lowest link index), freezes its unfrozen
//! groups at that share and updates the shares of the other links they cross. Groups in other
//! components are allocated exactly as they were (their links' shares, rounds and residuals do
//! not depend on other components).
//!
//! A solve touches only what is busy: the links with flows (kept in an *open* list that
//! shrinks as links become bottlenecks or run out of unfrozen flows) and the busy groups
//! (frozen marks are epoch stamps, so nothing is cleared between solves). It also sums, per
//! link, the rates of its flows in the order the groups freeze, so the caller need not.

/// A network's links and route groups, with the flows in flight on each.
#[derive(Clone, Debug, Default)]
pub struct MaxMin {
    /// Per link: capacity (bytes per ns), flows in flight, its groups in `link_groups`.
    capacity: Vec<f64>,
    flows: Vec<u32>,
    link_span: Vec<(u32, u32)>,
    link_groups: Vec<u32>,
    /// Per group: flows in flight, its links in `group_links`.
    weight: Vec<u32>,
    group_span: Vec<(u32, u32)>,
    group_links: Vec<u32>,
    /// Groups with flows in flight, in no particular order, and each group's place in it.
    busy: Vec<u32>,
    busy_at: Vec<u32>,
    // Scratch of a solve: per link and per group (see [`LinkFill`], [`GroupFill`]), the open
    // links and their fair shares of what is left (in parallel), and each group's rate.
    link_fill: Vec<LinkFill>,
    group_fill: Vec<GroupFill>,
    open: Vec<u32>,
    open_share: Vec<f64>,
    rate: Vec<f64>,
    epoch: u32,
}

/// A link during a solve, in one record so the filling reads it with one bounds check.
#[derive(Clone, Copy, Debug, Default)]
struct LinkFill {
    /// Capacity not yet given to frozen flows.
    residual: f64,
    /// Sum of the rates of its frozen flows.
    rate_sum: f64,
    /// Flows not yet frozen.
    unfrozen: u32,
    /// Place in the open list (`NOT_OPEN`: closed).
    open_at: u32,
}

/// A group during a solve: its links in `group_links`, its flows, the epoch that froze it.
#[derive(Clone, Copy, Debug, Default)]
struct GroupFill {
    start: u32,
    end: u32,
    weight: u32,
    frozen: u32,
}

/// What is left of a link, split over its unfrozen flows (infinite when none is left).
#[inline]
fn fair_share(residual: f64, unfrozen: u32) -> f64 {
    match unfrozen {
        0 => f64::INFINITY,
        n => residual.max(0.0) / f64::from(n),
    }
}

/// The items `span` marks out of `items`.
#[inline]
fn slice(items: &[u32], span: (u32, u32)) -> &[u32] {
    &items[span.0 as usize..span.1 as usize]
}

const NOT_OPEN: u32 = u32::MAX;

/// One solve's progressive filling, over borrowed arrays of a [`MaxMin`] (so that the hot
/// loops keep them in registers).
struct Filling<'a> {
    epoch: u32,
    /// Busy groups not yet frozen.
    left: usize,
    group_links: &'a [u32],
    links: &'a mut [LinkFill],
    groups: &'a mut [GroupFill],
    open: &'a mut Vec<u32>,
    open_share: &'a mut Vec<f64>,
    rate: &'a mut [f64],
}

impl Filling<'_> {
    /// Opens every link with flows, at its full capacity; zeroes every link's rate sum.
    #[inline]
    fn open_busy_links(&mut self, capacity: &[f64], flows: &[u32]) {
        self.open.clear();
        self.open_share.clear();
        for (l, ((link, &capacity), &flows)) in self.links.iter_mut().zip(capacity).zip(flows).enumerate() {
            link.rate_sum = 0.0;
            if flows == 0 {
                continue;
            }
            link.residual = capacity;
            link.unfrozen = flows;
            link.open_at = self.open.len() as u32;
            self.open.push(l as u32);
            self.open_share.push(fair_share(capacity, flows));
        }
    }

    /// The open link with the smallest fair share (ties: the lowest link index): its place
    /// in the open list and its share; `None` when no link is open.
    #[inline(always)]
    fn bottleneck(&self) -> Option<(usize, f64)> {
        let (mut at, mut level, mut link) = (usize::MAX, f64::INFINITY, u32::MAX);
        for (i, (&share, &l)) in self.open_share.iter().zip(self.open.iter()).enumerate() {
            if share < level || (share == level && l < link) {
                (at, level, link) = (i, share, l);
            }
        }
        (at != usize::MAX).then_some((at, level))
    }

    /// Takes the link at place `at` off the open list; returns the link.
    #[inline(always)]
    fn close(&mut self, at: usize) -> usize {
        let l = self.open.swap_remove(at);
        self.open_share.swap_remove(at);
        self.links[l as usize].open_at = NOT_OPEN;
        if let Some(&moved) = self.open.get(at) {
            self.links[moved as usize].open_at = at as u32;
        }
        l as usize
    }

    /// Freezes group `g` (unfrozen, busy) at per-flow rate `level`, taking its flows off every
    /// link it crosses and updating the fair shares of the open ones (`bottleneck` is already
    /// closed); a link with no unfrozen flow left is closed.
    #[inline(always)]
    fn freeze(&mut self, g: usize, level: f64, bottleneck: usize) {
        let group = &mut self.groups[g];
        group.frozen = self.epoch;
        self.left -= 1;
        let GroupFill { start, end, weight, .. } = *group;
        self.rate[g] = level;
        let carried = level * f64::from(weight);
        for &l in &self.group_links[start as usize..end as usize] {
            let l = l as usize;
            let link = &mut self.links[l];
            link.residual -= carried;
            link.unfrozen -= weight;
            link.rate_sum += carried;
            let at = link.open_at;
            if l != bottleneck && at != NOT_OPEN {
                if link.unfrozen == 0 {
                    self.close(at as usize); // nothing left to freeze on it
                } else {
                    self.open_share[at as usize] = fair_share(link.residual, link.unfrozen);
                }
            }
        }
    }
}

impl MaxMin {
    /// Links of `capacity` (bytes per ns); group `g` crosses the links `groups[g]`. No flows.
    pub fn new<'a>(capacity: &[f64], groups: impl Iterator<Item = &'a [u32]>) -> Self {
        let links = capacity.len();
        let mut solver = MaxMin { capacity: capacity.to_vec(), flows: vec![0; links], ..Self::default() };
        let mut on_link: Vec<Vec<u32>> = vec![Vec::new(); links];
        for (g, group_links) in groups.enumerate() {
            let start = solver.group_links.len() as u32;
            for &l in group_links {
                solver.group_links.push(l);
                on_link[l as usize].push(g as u32);
            }
            solver.group_span.push((start, solver.group_links.len() as u32));
        }
        for groups in on_link {
            let start = solver.link_groups.len() as u32;
            solver.link_groups.extend(groups);
            solver.link_span.push((start, solver.link_groups.len() as u32));
        }
        let groups = solver.group_span.len();
        solver.weight = vec![0; groups];
        solver.busy_at = vec![u32::MAX; groups];
        solver.rate = vec![0.0; groups];
        solver.group_fill =
            solver.group_span.iter().map(|&(start, end)| GroupFill { start, end, weight: 0, frozen: 0 }).collect();
        solver.link_fill = vec![LinkFill { open_at: NOT_OPEN, ..LinkFill::default() }; links];
        solver
    }

    /// Memberships (group, link) in all: the size of one solve.
    pub fn size(&self) -> usize {
        self.group_links.len()
    }

    /// Groups in all.
    pub fn groups(&self) -> usize {
        self.weight.len()
    }

    /// Groups with flows in flight.
    pub fn busy(&self) -> usize {
        self.busy.len()
    }

    /// The groups with flows in flight, in no particular order.
    #[inline]
    pub fn busy_groups(&self) -> &[u32] {
        &self.busy
    }

    /// One more flow in group `g`.
    #[inline]
    pub fn join(&mut self, g: u32) {
        let gi = g as usize;
        if self.weight[gi] == 0 {
            self.busy_at[gi] = self.busy.len() as u32;
            self.busy.push(g);
        }
        self.weight[gi] += 1;
        self.group_fill[gi].weight += 1;
        for &l in slice(&self.group_links, self.group_span[gi]) {
            self.flows[l as usize] += 1;
        }
    }

    /// One flow fewer in group `g`.
    #[inline]
    pub fn leave(&mut self, g: u32) {
        let gi = g as usize;
        self.weight[gi] -= 1;
        self.group_fill[gi].weight -= 1;
        if self.weight[gi] == 0 {
            let at = self.busy_at[gi] as usize;
            self.busy.swap_remove(at);
            if let Some(&moved) = self.busy.get(at) {
                self.busy_at[moved as usize] = at as u32;
            }
            self.busy_at[gi] = u32::MAX;
        }
        for &l in slice(&self.group_links, self.group_span[gi]) {
            self.flows[l as usize] -= 1;
        }
    }

    /// Allocates every busy group its max-min fair per-flow rate, each capped at `max_rate`,
    /// and sums each link's rates (idle links: 0). Idle groups keep whatever rate they had.
    pub fn solve(&mut self, max_rate: f64) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.group_fill.iter_mut().for_each(|g| g.frozen = 0);
            self.epoch = 1;
        }
        let mut fill = Filling {
            epoch: self.epoch,
            left: self.busy.len(),
            group_links: &self.group_links,
            links: &mut self.link_fill,
            groups: &mut self.group_fill,
            open: &mut self.open,
            open_share: &mut self.open_share,
            rate: &mut self.rate,
        };
        fill.open_busy_links(&self.capacity, &self.flows);
        while let Some((at, level)) = fill.bottleneck() {
            if level >= max_rate {
                break;
            }
            let bottleneck = fill.close(at);
            let (start, end) = self.link_span[bottleneck];
            for &g in &self.link_groups[start as usize..end as usize] {
                let g = g as usize;
                let group = &fill.groups[g];
                if group.frozen != fill.epoch && group.weight != 0 {
                    fill.freeze(g, level, bottleneck);
                }
            }
        }
        // Every group left runs at the per-flow limit.
        if fill.left > 0 {
            for &g in &self.busy {
                if fill.groups[g as usize].frozen != fill.epoch {
                    fill.freeze(g as usize, max_rate, usize::MAX);
                }
            }
        }
        for &l in fill.open.iter() {
            fill.links[l as usize].open_at = NOT_OPEN;
        }
    }

    /// Group `g`'s per-flow rate, after [`MaxMin::solve`] (when busy).
    #[inline]
    pub fn rate(&self, g: u32) -> f64 {
        self.rate[g as usize]
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
    fn leaving_undoes_joining() {
        let groups = [vec![0u32, 1], vec![1]];
        let mut m = MaxMin::new(&[1.0, 1.0], groups.iter().map(Vec::as_slice));
        m.join(0);
        m.join(1);
        m.leave(0);
        assert_eq!((m.busy(), m.busy_groups(), m.flows.as_slice()), (1, [1].as_slice(), [0, 1].as_slice()));
        m.solve(f64::INFINITY);
        assert_eq!((m.rate(0), m.rate(1)), (0.0, 1.0));
    }
}
