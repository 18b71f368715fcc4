//! Maintained indexes over hubs, so that policies find the best hub without scanning them all.
//!
//! A [`HubTree`] is a min-tree (a tournament tree) over the hubs in a fixed leaf order, one
//! `u64` key per hub. Setting a key costs O(log n) and the minimum sits at the root. Two walks
//! answer the policies' questions, each step O(log n):
//! - [`HubTree::ascending`]: hubs in ascending key order (best-first search over subtrees);
//! - [`HubTree::in_order_at_most`]: hubs whose key is at most a bound, in leaf order, within a
//!   range of leaves (subtrees whose minimum exceeds the bound are skipped whole).
//!
//! A [`PoolIndex`] keeps one tree per pool in step with the engine through [`View::changed`],
//! the hubs whose state changed since the previous decision. Its keys are either exact (load)
//! or lower bounds that stay valid until the hub next changes (drain time), and policies check
//! every candidate against the exact view, so an indexed policy decides exactly as a scan over
//! every hub would.

use std::collections::BinaryHeap;

use std::cmp::Reverse;

use crate::engine::PoolState;
use crate::model::PoolKind;
use crate::scheduler::{JobRequest, View};
use crate::time::SimTime;

/// The largest key a hub can hold; padding leaves hold `u64::MAX` and are never visited.
const MAX_KEY: u64 = u64::MAX - 1;

/// A min-tree over hubs in a fixed leaf order.
#[derive(Clone, Debug)]
pub struct HubTree {
    /// Leaves in the tree: a power of two, at least the number of hubs.
    size: usize,
    /// Node `i` has children `2i` and `2i + 1`; leaf `l` is node `size + l`; node 1 is the root.
    keys: Vec<u64>,
    leaf_hub: Vec<u16>,
    hub_leaf: Vec<u32>,
}

impl HubTree {
    /// A tree whose leaf `l` is hub `order[l]`; every key starts at the maximum.
    pub fn new(order: &[u16]) -> Self {
        let size = order.len().next_power_of_two().max(1);
        let mut hub_leaf = vec![0; order.len()];
        for (leaf, &hub) in order.iter().enumerate() {
            hub_leaf[hub as usize] = leaf as u32;
        }
        let mut keys = vec![u64::MAX; 2 * size];
        for leaf in 0..order.len() {
            keys[size + leaf] = MAX_KEY;
        }
        for node in (1..size).rev() {
            keys[node] = keys[2 * node].min(keys[2 * node + 1]);
        }
        HubTree { size, keys, leaf_hub: order.to_vec(), hub_leaf }
    }

    /// Number of hubs.
    pub fn len(&self) -> usize {
        self.leaf_hub.len()
    }

    /// Whether the tree holds no hub.
    pub fn is_empty(&self) -> bool {
        self.leaf_hub.is_empty()
    }

    /// The leaf position of `hub`.
    #[inline]
    pub fn leaf(&self, hub: usize) -> usize {
        self.hub_leaf[hub] as usize
    }

    /// The key of `hub`.
    #[inline]
    pub fn key(&self, hub: usize) -> u64 {
        self.keys[self.size + self.leaf(hub)]
    }

    /// The smallest key.
    pub fn min(&self) -> u64 {
        self.keys[1]
    }

    /// Sets the key of `hub` (capped at `u64::MAX - 1`). O(log n); stops as soon as an
    /// ancestor's minimum is unchanged.
    #[inline]
    pub fn set(&mut self, hub: usize, key: u64) {
        let key = key.min(MAX_KEY);
        let mut node = self.size + self.leaf(hub);
        if self.keys[node] == key {
            return;
        }
        self.keys[node] = key;
        while node > 1 {
            node /= 2;
            let min = self.keys[2 * node].min(self.keys[2 * node + 1]);
            if self.keys[node] == min {
                break;
            }
            self.keys[node] = min;
        }
    }

    /// Hubs in ascending key order, as (key, hub); equal keys in an unspecified but
    /// deterministic order. `heap` is scratch space, reused between calls.
    pub fn ascending<'t>(&'t self, heap: &'t mut BinaryHeap<Reverse<(u64, u32)>>) -> Ascending<'t> {
        heap.clear();
        if self.keys[1] != u64::MAX {
            heap.push(Reverse((self.keys[1], 1)));
        }
        Ascending { tree: self, heap }
    }

    /// Hubs whose key is at most `bound`, in leaf order, among leaves `from..to`. `stack` is
    /// scratch space, reused between calls.
    pub fn in_order_at_most<'t>(&'t self, bound: u64, from: usize, to: usize, stack: &'t mut Vec<u32>) -> InOrder<'t> {
        stack.clear();
        stack.push(1);
        InOrder { tree: self, stack, bound, from, to }
    }

    /// The leaves covered by `node`.
    #[inline]
    fn span(&self, node: usize) -> (usize, usize) {
        let level = node.ilog2();
        let width = self.size >> level;
        let first = (node - (1 << level)) * width;
        (first, first + width)
    }
}

/// See [`HubTree::ascending`].
pub struct Ascending<'t> {
    tree: &'t HubTree,
    heap: &'t mut BinaryHeap<Reverse<(u64, u32)>>,
}

impl Iterator for Ascending<'_> {
    type Item = (u64, usize);

    /// Pops the subtree with the smallest minimum and descends to the leaf holding it, setting
    /// each sibling passed on the way aside: one pop and about log2(n) pushes per hub.
    fn next(&mut self) -> Option<(u64, usize)> {
        let tree = self.tree;
        let Reverse((key, node)) = self.heap.pop()?;
        let mut node = node as usize;
        while node < tree.size {
            let (left, right) = (2 * node, 2 * node + 1);
            let (into, aside) = if tree.keys[left] == key { (left, right) } else { (right, left) };
            if tree.keys[aside] != u64::MAX {
                self.heap.push(Reverse((tree.keys[aside], aside as u32)));
            }
            node = into;
        }
        Some((key, tree.leaf_hub[node - tree.size] as usize))
    }
}

/// See [`HubTree::in_order_at_most`].
pub struct InOrder<'t> {
    tree: &'t HubTree,
    stack: &'t mut Vec<u32>,
    bound: u64,
    from: usize,
    to: usize,
}

impl Iterator for InOrder<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let tree = self.tree;
        while let Some(node) = self.stack.pop() {
            let node = node as usize;
            let (first, end) = tree.span(node);
            if tree.keys[node] > self.bound || end <= self.from || first >= self.to {
                continue;
            }
            if node >= tree.size {
                return Some(tree.leaf_hub[node - tree.size] as usize);
            }
            self.stack.push(2 * node as u32 + 1);
            self.stack.push(2 * node as u32);
        }
        None
    }
}

/// What a [`PoolIndex`] keys each hub by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexKey {
    /// The pool's load, (busy + queued units) / capacity, as ordered bits: exact.
    Load,
    /// A lower bound on the time the pool could start any job: 0 while its queue is empty and
    /// a unit is free, else `now + wait estimate` at the last change. The estimate falls by at
    /// most one nanosecond per nanosecond between changes (busy <= capacity), so
    /// `key - now` never exceeds a later wait estimate.
    Drain,
}

impl IndexKey {
    /// The key of `pool` at `now`.
    #[inline]
    pub fn of(self, pool: &PoolState, now: SimTime) -> u64 {
        match self {
            IndexKey::Load => pool.load().to_bits(),
            IndexKey::Drain => match pool.wait_estimate(now, 1) {
                0 => 0,
                wait => now.saturating_add(wait),
            },
        }
    }
}

/// One tree per pool over the hubs in a fixed order, kept in step with the engine's state.
#[derive(Clone, Debug)]
pub struct PoolIndex {
    key: IndexKey,
    order: Vec<u16>,
    trees: Vec<HubTree>,
}

impl PoolIndex {
    /// An index keyed by `key` with hubs in index order.
    pub fn new(key: IndexKey) -> Self {
        PoolIndex { key, order: Vec::new(), trees: Vec::new() }
    }

    /// An index keyed by `key` whose leaves are the hubs in `order`.
    pub fn with_order(key: IndexKey, order: Vec<u16>) -> Self {
        PoolIndex { key, order, trees: Vec::new() }
    }

    /// Brings the keys up to date with `view`: only the changed hubs when the view says which
    /// changed, every hub on first use or when it does not.
    pub fn sync(&mut self, view: &View<'_>) {
        let hubs = view.hub_count();
        let rebuild = self.trees.is_empty() || self.trees[0].len() != hubs;
        if rebuild {
            if self.order.len() != hubs {
                self.order = (0..hubs as u16).collect();
            }
            self.trees = vec![HubTree::new(&self.order); 2];
        }
        match view.changed() {
            Some(changed) if !rebuild => {
                for &hub in changed {
                    self.refresh(view, hub as usize);
                }
            }
            _ => (0..hubs).for_each(|hub| self.refresh(view, hub)),
        }
    }

    #[inline]
    fn refresh(&mut self, view: &View<'_>, hub: usize) {
        for (tree, pool) in self.trees.iter_mut().zip(view.pools(hub)) {
            tree.set(hub, self.key.of(pool, view.now()));
        }
    }

    /// The tree of `pool`.
    #[inline]
    pub fn tree(&self, pool: PoolKind) -> &HubTree {
        &self.trees[pool.index()]
    }
}

/// Scratch space for tree walks, owned by a policy and reused between decisions.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// For [`HubTree::ascending`].
    pub heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// For [`HubTree::in_order_at_most`].
    pub stack: Vec<u32>,
}

/// Reachable hubs at or below this many are scanned directly: the index pays off only when
/// there are more hubs to choose from.
pub const SCAN_AT_MOST: usize = 32;

/// The nearest hub to the job's origin (ties: lower index) that satisfies `accept`, or `None`.
///
/// Two searches race, one step each in turn, and the first to finish answers: a scan of the
/// `reachable` hubs in latency order, which stops at the first accepted hub, and a pass over
/// `candidates` (a superset of the accepted hubs, in any order), which keeps the nearest. The
/// scan is quick when accepted hubs are many, the pass when they are few, so the cost is about
/// min(scan length, candidates) steps rather than a scan of every hub.
pub fn nearest_accepted(
    job: &JobRequest,
    view: &View<'_>,
    reachable: &[u16],
    mut candidates: impl Iterator<Item = usize>,
    accept: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut scan = reachable.iter().map(|&h| h as usize);
    let mut nearest: Option<(u64, usize)> = None;
    loop {
        match scan.next() {
            Some(h) if accept(h) => return Some(h),
            Some(_) => {}
            None => return None,
        }
        match candidates.next() {
            Some(h) if accept(h) => {
                let key = (view.latency(job, h), h);
                if nearest.is_none_or(|best| key < best) {
                    nearest = Some(key);
                }
            }
            Some(_) => {}
            None => return nearest.map(|(_, h)| h),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(tree: &HubTree, hubs: usize) -> Vec<u64> {
        (0..hubs).map(|h| tree.key(h)).collect()
    }

    #[test]
    fn ascending_visits_every_hub_in_key_order() {
        let order: Vec<u16> = vec![4, 2, 0, 1, 3];
        let mut tree = HubTree::new(&order);
        for (hub, key) in [(0, 50), (1, 10), (2, 30), (3, 10), (4, 5)] {
            tree.set(hub, key);
        }
        assert_eq!(tree.min(), 5);
        let mut heap = BinaryHeap::new();
        let keys: Vec<u64> = tree.ascending(&mut heap).map(|(k, _)| k).collect();
        assert_eq!(keys, vec![5, 10, 10, 30, 50]);
        tree.set(4, 70);
        tree.set(0, 1);
        let hubs: Vec<usize> = tree.ascending(&mut heap).map(|(_, h)| h).collect();
        assert_eq!(hubs[0], 0);
        assert_eq!(hubs[4], 4);
        assert_eq!(keys_of(&tree, 5), vec![1, 10, 30, 10, 70]);
    }

    #[test]
    fn in_order_walk_respects_the_bound_and_the_leaf_range() {
        let order: Vec<u16> = vec![3, 1, 2, 0, 5, 4];
        let mut tree = HubTree::new(&order);
        for (hub, key) in [(0, 7), (1, 1), (2, 9), (3, 2), (4, 3), (5, 8)] {
            tree.set(hub, key);
        }
        let mut stack = Vec::new();
        // Leaf order 3, 1, 2, 0, 5, 4 with keys 2, 1, 9, 7, 8, 3.
        let all: Vec<usize> = tree.in_order_at_most(7, 0, 6, &mut stack).collect();
        assert_eq!(all, vec![3, 1, 0, 4]);
        let middle: Vec<usize> = tree.in_order_at_most(u64::MAX, 2, 5, &mut stack).collect();
        assert_eq!(middle, vec![2, 0, 5]);
        assert_eq!(tree.in_order_at_most(0, 0, 6, &mut stack).count(), 0);
    }

    #[test]
    fn a_single_hub_tree_works() {
        let mut tree = HubTree::new(&[0]);
        tree.set(0, 4);
        let mut heap = BinaryHeap::new();
        assert_eq!(tree.ascending(&mut heap).collect::<Vec<_>>(), vec![(4, 0)]);
        let mut stack = Vec::new();
        assert_eq!(tree.in_order_at_most(4, 0, 1, &mut stack).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn drain_key_is_zero_with_a_free_unit_and_a_lower_bound_otherwise() {
        let mut pool = PoolState::new(2);
        assert_eq!(IndexKey::Drain.of(&pool, 100), 0);
        pool.occupy(100, 0, 2, 1_100);
        // Running work 2 x 1,000 over 2 units: a 1,000 ns wait, so the pool drains at 1,100.
        assert_eq!(IndexKey::Drain.of(&pool, 100), 1_100);
        for t in [100, 400, 1_099] {
            assert!(1_100 - t <= pool.wait_estimate(t, 1), "the bound holds at {t}");
        }
    }
}
