//! Max-min fair rates over a whole small network at once, by progressive filling
//! (Bertsekas & Gallager 6.5.2) on dense arrays.
//!
//! The flow network re-allocates only the component a change touches, found breadth-first.
//! On a small network that is busy, that component is most of the network, and finding it
//! costs more than the allocation itself. This solver keeps the network's links and route
//! groups in contiguous arrays built once (which groups cross each link, which links each
//! group crosses), with the flows in flight kept up to date, and allocates every group of the
//! network in one pass: each round takes the link with the smallest fair share of what is
//! left (ties: the lowest link index), freezes its unfrozen groups at that share and updates
//! the shares of the other links they cross. Groups in other components are allocated exactly
//! as they were (their links' shares, rounds and residuals do not depend on other components).

/// A network's links and route groups, with the flows in flight on each.
#[derive(Clone, Debug, Default)]
pub struct MaxMin {
    /// Per link: capacity (bytes per ns), flows in flight, the end of its groups in `link_groups`.
    capacity: Vec<f64>,
    flows: Vec<u32>,
    link_groups_end: Vec<u32>,
    link_groups: Vec<u32>,
    /// Per group: flows in flight, the end of its links in `group_links`.
    weight: Vec<u32>,
    group_links_end: Vec<u32>,
    group_links: Vec<u32>,
    /// Groups with flows in flight.
    busy: usize,
    // Scratch of a solve: per link, what is left and its unfrozen flows, and its fair share;
    // per group, frozen or not and its per-flow rate.
    residual: Vec<f64>,
    unfrozen: Vec<u32>,
    share: Vec<f64>,
    frozen: Vec<bool>,
    rate: Vec<f64>,
}

/// What is left of a link, split over its unfrozen flows (infinite when none is left).
#[inline]
fn fair_share(residual: f64, unfrozen: u32) -> f64 {
    match unfrozen {
        0 => f64::INFINITY,
        n => residual.max(0.0) / f64::from(n),
    }
}

fn range(ends: &[u32], i: usize) -> std::ops::Range<usize> {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    start..ends[i] as usize
}

impl MaxMin {
    /// Links of `capacity` (bytes per ns); group `g` crosses the links `groups[g]`. No flows.
    pub fn new<'a>(capacity: &[f64], groups: impl Iterator<Item = &'a [u32]>) -> Self {
        let mut solver = MaxMin { capacity: capacity.to_vec(), flows: vec![0; capacity.len()], ..Self::default() };
        let mut on_link: Vec<Vec<u32>> = vec![Vec::new(); capacity.len()];
        for (g, links) in groups.enumerate() {
            for &l in links {
                solver.group_links.push(l);
                on_link[l as usize].push(g as u32);
            }
            solver.group_links_end.push(solver.group_links.len() as u32);
        }
        for groups in on_link {
            solver.link_groups.extend(groups);
            solver.link_groups_end.push(solver.link_groups.len() as u32);
        }
        let groups = solver.group_links_end.len();
        solver.weight = vec![0; groups];
        solver.rate = vec![0.0; groups];
        solver.frozen = vec![false; groups];
        solver.residual = vec![0.0; capacity.len()];
        solver.unfrozen = vec![0; capacity.len()];
        solver.share = vec![0.0; capacity.len()];
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
        self.busy
    }

    /// One more flow in group `g`.
    #[inline]
    pub fn join(&mut self, g: u32) {
        let g = g as usize;
        self.busy += usize::from(self.weight[g] == 0);
        self.weight[g] += 1;
        for j in range(&self.group_links_end, g) {
            self.flows[self.group_links[j] as usize] += 1;
        }
    }

    /// One flow fewer in group `g`.
    #[inline]
    pub fn leave(&mut self, g: u32) {
        let g = g as usize;
        self.weight[g] -= 1;
        self.busy -= usize::from(self.weight[g] == 0);
        for j in range(&self.group_links_end, g) {
            self.flows[self.group_links[j] as usize] -= 1;
        }
    }

    /// Allocates every busy group its max-min fair per-flow rate, each capped at `max_rate`;
    /// idle groups get 0.
    pub fn solve(&mut self, max_rate: f64) {
        self.residual.copy_from_slice(&self.capacity);
        self.unfrozen.copy_from_slice(&self.flows);
        for ((share, &residual), &flows) in self.share.iter_mut().zip(&self.residual).zip(&self.unfrozen) {
            *share = fair_share(residual, flows);
        }
        for ((frozen, rate), &weight) in self.frozen.iter_mut().zip(self.rate.iter_mut()).zip(&self.weight) {
            *frozen = weight == 0;
            *rate = if weight == 0 { 0.0 } else { max_rate };
        }
        let mut left = self.busy;
        while left > 0 {
            let (mut bottleneck, mut level) = (0, f64::INFINITY);
            for (l, &share) in self.share.iter().enumerate() {
                if share < level {
                    (bottleneck, level) = (l, share);
                }
            }
            if level >= max_rate {
                break; // every group left runs at the per-flow limit
            }
            self.share[bottleneck] = f64::INFINITY;
            for &g in &self.link_groups[range(&self.link_groups_end, bottleneck)] {
                let g = g as usize;
                if self.frozen[g] {
                    continue;
                }
                self.frozen[g] = true;
                self.rate[g] = level;
                left -= 1;
                let weight = self.weight[g];
                for &l in &self.group_links[range(&self.group_links_end, g)] {
                    let l = l as usize;
                    self.residual[l] -= level * f64::from(weight);
                    self.unfrozen[l] -= weight;
                    if l != bottleneck {
                        self.share[l] = fair_share(self.residual[l], self.unfrozen[l]);
                    }
                }
            }
        }
    }

    /// Group `g`'s per-flow rate, after [`MaxMin::solve`].
    #[inline]
    pub fn rate(&self, g: u32) -> f64 {
        self.rate[g as usize]
    }

    /// The sum of the rates of link `l`'s flows, after [`MaxMin::solve`].
    #[inline]
    pub fn rate_sum(&self, l: u32) -> f64 {
        self.link_groups[range(&self.link_groups_end, l as usize)]
            .iter()
            .map(|&g| self.rate[g as usize] * f64::from(self.weight[g as usize]))
            .sum()
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
        assert_eq!((m.busy(), m.flows.as_slice()), (1, [0, 1].as_slice()));
        m.solve(f64::INFINITY);
        assert_eq!((m.rate(0), m.rate(1)), (0.0, 1.0));
    }
}
