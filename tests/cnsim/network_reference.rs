//! Independent reference implementation of max-min fair bandwidth sharing and of an
//! event-driven fluid flow-level network simulation, written from the textbook
//! (Bertsekas & Gallager, *Data Networks*, 2nd ed., section 6.5.2, "progressive filling")
//! to serve as a test oracle for the simulator. It deliberately shares no code with it
//! and is written for clarity, not speed.
//!
//! Conventions:
//! * capacities and rates are in any unit per second (bytes/s, Gbit/s, ...), sizes in the
//!   matching unit, times in seconds (f64);
//! * a route is a list of link indices; a flow whose route lists a link twice loads that
//!   link twice (its traffic crosses it twice);
//! * a flow with an empty route is limited only by its own cap (rate = cap, possibly
//!   infinite);
//! * per-flow caps are `f64::INFINITY` for "no limit".

/// Relative tolerance used inside the solver to decide which links / caps were reached
/// in one filling step (they are the argmin of the step; this only groups ties that differ
/// by rounding).
const TIE_REL: f64 = 1e-12;

fn check_inputs(capacities: &[f64], routes: &[Vec<usize>], caps: &[f64]) {
    assert_eq!(routes.len(), caps.len(), "one cap per flow");
    for (l, &c) in capacities.iter().enumerate() {
        assert!(c.is_finite() && c >= 0.0, "capacity of link {l} must be finite and >= 0, got {c}");
    }
    for (i, (route, &cap)) in routes.iter().zip(caps).enumerate() {
        assert!(cap >= 0.0, "cap of flow {i} must be >= 0 (or +inf), got {cap}");
        for &l in route {
            assert!(l < capacities.len(), "flow {i} uses link {l}, but there are {} links", capacities.len());
        }
    }
}

/// Max-min fair rates by progressive filling (Bertsekas & Gallager 6.5.2).
///
/// All unfrozen flows are raised by the same increment; the increment of a step is the
/// smallest of (a) over links still carrying an unfrozen flow, residual capacity divided by
/// the number of unfrozen flow crossings, and (b) over unfrozen flows, cap minus current
/// rate. Links that saturate freeze all their flows; flows that reach their cap freeze.
/// Each step freezes at least one flow, so there are at most `routes.len()` steps.
pub fn max_min_rates(capacities: &[f64], routes: &[Vec<usize>], caps: &[f64]) -> Vec<f64> {
    check_inputs(capacities, routes, caps);
    let n = routes.len();
    let mut rates = vec![0.0_f64; n];
    let mut frozen = vec![false; n];

    // Flows without links: limited only by their cap.
    for i in 0..n {
        if routes[i].is_empty() {
            rates[i] = caps[i];
            frozen[i] = true;
        }
    }

    loop {
        if frozen.iter().all(|&f| f) {
            break;
        }
        let link_share = link_shares(capacities, routes, &rates, &frozen);
        // The increment of this step.
        let mut delta = f64::INFINITY;
        for share in link_share.iter().flatten() {
            delta = delta.min(*share);
        }
        for i in 0..n {
            if !frozen[i] {
                delta = delta.min(caps[i] - rates[i]);
            }
        }
        // Every unfrozen flow has at least one link (empty routes were frozen above), and
        // each such link has a finite share, so delta is finite.
        assert!(delta.is_finite() && delta >= 0.0, "internal error: step increment {delta}");
        let tie = delta + TIE_REL * delta.max(f64::MIN_POSITIVE);

        // Which links saturate, which flows hit their cap (decided before raising rates).
        let saturated: Vec<bool> = link_share.iter().map(|s| matches!(s, Some(x) if *x <= tie)).collect();
        let mut to_freeze = vec![false; n];
        for i in 0..n {
            if frozen[i] {
                continue;
            }
            if caps[i] - rates[i] <= tie || routes[i].iter().any(|&l| saturated[l]) {
                to_freeze[i] = true;
            }
        }
        assert!(to_freeze.iter().any(|&f| f), "internal error: a filling step froze no flow");

        for i in 0..n {
            if !frozen[i] {
                rates[i] += delta;
                if rates[i] > caps[i] {
                    rates[i] = caps[i];
                }
                if to_freeze[i] {
                    frozen[i] = true;
                    if caps[i].is_finite() && caps[i] - rates[i] <= TIE_REL * caps[i] {
                        rates[i] = caps[i];
                    }
                }
            }
        }
    }
    rates
}

/// Per-link fair increment of a filling step: the link's residual capacity (its capacity less
/// the rates of every flow on it) divided by its unfrozen flow crossings; `None` on a link
/// with no unfrozen flow.
fn link_shares(capacities: &[f64], routes: &[Vec<usize>], rates: &[f64], frozen: &[bool]) -> Vec<Option<f64>> {
    let mut load = vec![0.0_f64; capacities.len()];
    let mut unfrozen_count = vec![0_usize; capacities.len()];
    for (i, route) in routes.iter().enumerate() {
        for &l in route {
            load[l] += rates[i];
            if !frozen[i] {
                unfrozen_count[l] += 1;
            }
        }
    }
    (0..capacities.len())
        .map(|l| {
            if unfrozen_count[l] == 0 {
                None
            } else {
                Some(((capacities[l] - load[l]).max(0.0)) / unfrozen_count[l] as f64)
            }
        })
        .collect()
}

/// `a <= b` up to tolerance `tol`, absolute below magnitude 1 and relative above.
fn approx_le(a: f64, b: f64, tol: f64) -> bool {
    if a == b {
        return true; // covers inf == inf
    }
    a <= b + tol * (1.0 + b.abs())
}

/// Checks the definition of max-min fairness directly (Bertsekas & Gallager 6.5.2):
/// the allocation is feasible (no negative rate, no link above capacity, no flow above its
/// cap) and every flow is either at its cap or has a bottleneck link, i.e. a link on its
/// route that is saturated and on which no flow has a larger rate.
///
/// `tol` is an absolute tolerance for quantities of magnitude below 1 and relative above
/// (see `approx_le`); `1e-9` suits rates computed by `max_min_rates`.
pub fn is_max_min_fair(capacities: &[f64], routes: &[Vec<usize>], caps: &[f64], rates: &[f64], tol: f64) -> bool {
    check_inputs(capacities, routes, caps);
    if rates.len() != routes.len() {
        return false;
    }
    if rates.iter().any(|r| r.is_nan() || *r < 0.0) {
        return false;
    }
    // Per-flow caps.
    for i in 0..rates.len() {
        if !approx_le(rates[i], caps[i], tol) {
            return false;
        }
        if rates[i].is_infinite() && !routes[i].is_empty() {
            return false;
        }
    }
    // Link loads and the largest rate on each link.
    let mut load = vec![0.0_f64; capacities.len()];
    let mut max_rate = vec![0.0_f64; capacities.len()];
    for (route, &r) in routes.iter().zip(rates) {
        for &l in route {
            load[l] += r;
            max_rate[l] = max_rate[l].max(r);
        }
    }
    for (l, &c) in capacities.iter().enumerate() {
        if !approx_le(load[l], c, tol) {
            return false;
        }
    }
    // Every flow at its cap or bottlenecked.
    for i in 0..rates.len() {
        let at_cap = approx_le(caps[i], rates[i], tol);
        let bottlenecked =
            routes[i].iter().any(|&l| approx_le(capacities[l], load[l], tol) && approx_le(max_rate[l], rates[i], tol));
        if !at_cap && !bottlenecked {
            return false;
        }
    }
    true
}

/// A flow of the fluid simulation.
#[derive(Clone, Debug)]
pub struct RefFlow {
    /// Arrival time, seconds.
    pub start: f64,
    /// Links crossed.
    pub route: Vec<usize>,
    /// Amount to transfer (same unit as capacities times seconds).
    pub size: f64,
    /// Per-flow rate limit (`f64::INFINITY` for none).
    pub cap: f64,
}

/// Exact event-driven fluid simulation: at every event (a flow start or the earliest
/// completion) every active flow's rate is recomputed as the max-min fair share over all
/// active flows; remaining sizes decrease linearly between events. Returns each flow's
/// finish time (when its last unit is served; no propagation latency). Flows of size 0
/// finish at their start; a flow that can never finish (rate 0 forever) gets
/// `f64::INFINITY`.
pub fn fluid_finish_times(capacities: &[f64], flows: &[RefFlow]) -> Vec<f64> {
    for (i, f) in flows.iter().enumerate() {
        assert!(f.start.is_finite(), "flow {i}: start must be finite");
        assert!(f.size.is_finite() && f.size >= 0.0, "flow {i}: size must be finite and >= 0");
    }
    let routes_all: Vec<Vec<usize>> = flows.iter().map(|f| f.route.clone()).collect();
    let caps_all: Vec<f64> = flows.iter().map(|f| f.cap).collect();
    check_inputs(capacities, &routes_all, &caps_all);

    let n = flows.len();
    let mut finish = vec![f64::NAN; n];
    let mut remaining: Vec<f64> = flows.iter().map(|f| f.size).collect();
    // Arrival order (stable on ties: index order).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| flows[a].start.total_cmp(&flows[b].start));
    let mut next_arrival = 0_usize; // position in `order`
    let mut active: Vec<usize> = Vec::new();
    let mut t = match order.first() {
        Some(&i) => flows[i].start,
        None => return finish,
    };

    loop {
        // Admit every flow that has started by now.
        while next_arrival < n && flows[order[next_arrival]].start <= t {
            let i = order[next_arrival];
            next_arrival += 1;
            if flows[i].size == 0.0 {
                finish[i] = flows[i].start;
            } else {
                active.push(i);
            }
        }
        let arrival_time = if next_arrival < n { flows[order[next_arrival]].start } else { f64::INFINITY };
        if active.is_empty() {
            if next_arrival >= n {
                break;
            }
            t = arrival_time;
            continue;
        }

        // Max-min rates over all active flows.
        let routes: Vec<Vec<usize>> = active.iter().map(|&i| flows[i].route.clone()).collect();
        let caps: Vec<f64> = active.iter().map(|&i| flows[i].cap).collect();
        let rates = max_min_rates(capacities, &routes, &caps);

        // Candidate completion time of every active flow at these rates.
        let completion: Vec<f64> = active
            .iter()
            .zip(&rates)
            .map(|(&i, &r)| if r > 0.0 { t + remaining[i] / r } else { f64::INFINITY })
            .collect();
        let first_completion = completion.iter().copied().fold(f64::INFINITY, f64::min);
        let t_next = first_completion.min(arrival_time);
        if t_next.is_infinite() {
            // Remaining active flows are starved forever and nobody else arrives.
            for &i in &active {
                finish[i] = f64::INFINITY;
            }
            break;
        }

        // Advance to t_next; flows whose completion is due finish exactly then.
        let dt = t_next - t;
        let mut still_active = Vec::with_capacity(active.len());
        for (k, &i) in active.iter().enumerate() {
            if completion[k] <= t_next {
                remaining[i] = 0.0;
                finish[i] = t_next;
            } else {
                remaining[i] = (remaining[i] - rates[k] * dt).max(0.0);
                still_active.push(i);
            }
        }
        active = still_active;
        t = t_next;
    }
    finish
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn assert_close(got: f64, want: f64, what: &str) {
        let err = (got - want).abs();
        assert!(err <= 1e-9 * (1.0 + want.abs()), "{what}: got {got}, want {want} (error {err})");
    }

    fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths differ");
        for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
            assert_close(g, w, &format!("{what}[{k}]"));
        }
    }

    /// xorshift64* (Vigna): tiny, deterministic, good enough for test instances.
    struct XorShift(u64);

    impl XorShift {
        fn new(seed: u64) -> Self {
            XorShift(seed.max(1))
        }
        fn next_u64(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        /// Uniform integer in [0, n).
        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
    }

    fn no_caps(n: usize) -> Vec<f64> {
        vec![INF; n]
    }

    // ---------------------------------------------------------------- max_min_rates

    #[test]
    fn one_link_shared_equally() {
        for &c in &[1.0, 10.0, 1.25e9] {
            for n in 1..=7 {
                let routes = vec![vec![0]; n];
                let rates = max_min_rates(&[c], &routes, &no_caps(n));
                assert_all_close(&rates, &vec![c / n as f64; n], &format!("C={c} n={n}"));
                assert!(is_max_min_fair(&[c], &routes, &no_caps(n), &rates, 1e-9));
            }
        }
        // Saturated but unequal: the smaller flow's only link is not its bottleneck.
        let routes = vec![vec![0], vec![0]];
        assert!(!is_max_min_fair(&[10.0], &routes, &no_caps(2), &[3.0, 7.0], 1e-9));
        // Equal but unsaturated.
        assert!(!is_max_min_fair(&[10.0], &routes, &no_caps(2), &[4.0, 4.0], 1e-9));
    }

    #[test]
    fn parking_lot_everyone_gets_half() {
        let c = 10.0;
        for k in [2_usize, 3, 5] {
            // Flow 0 crosses links 0..k; flow 1 + l uses link l alone.
            let mut routes = vec![(0..k).collect::<Vec<_>>()];
            routes.extend((0..k).map(|l| vec![l]));
            let caps = no_caps(k + 1);
            let capacities = vec![c; k];
            let rates = max_min_rates(&capacities, &routes, &caps);
            assert_all_close(&rates, &vec![c / 2.0; k + 1], &format!("parking lot k={k}"));
            assert!(is_max_min_fair(&capacities, &routes, &caps, &rates, 1e-9));
        }
    }

    #[test]
    fn two_links_unequal_capacities() {
        // l1 = 1, l2 = 2; A over l1 and l2, B over l1, C over l2.
        // Level x: l1 saturates at 2x = 1 -> x = 1/2 (l2 would need 2x = 2 -> x = 1).
        // Freeze A, B at 1/2; C takes l2's residual 2 - 1/2 = 3/2.
        let capacities = [1.0, 2.0];
        let routes = vec![vec![0, 1], vec![0], vec![1]];
        let caps = no_caps(3);
        let rates = max_min_rates(&capacities, &routes, &caps);
        assert_all_close(&rates, &[0.5, 0.5, 1.5], "A, B, C");
        assert!(is_max_min_fair(&capacities, &routes, &caps, &rates, 1e-9));
        // The equal split is feasible but not max-min fair: C has no bottleneck.
        assert!(!is_max_min_fair(&capacities, &routes, &caps, &[0.5, 0.5, 0.5], 1e-9));
    }

    #[test]
    fn three_links_three_different_bottlenecks() {
        // C = 3. Links: L1 = C (flows A, B, X), L2 = C (flows A, D), L3 = 2C (flows X, D, E).
        // Step 1, all five flows rise together to level x:
        //   L1: 3x <= C -> x <= C/3;  L2: 2x <= C -> x <= C/2;  L3: 3x <= 2C -> x <= 2C/3.
        //   Min is C/3: L1 saturates, A, B, X freeze at C/3.
        // Step 2, D and E rise from C/3 by y:
        //   L2: load A + D = 2C/3, residual C/3, one unfrozen (D) -> y <= C/3.
        //   L3: load X + D + E = C, residual C, two unfrozen (D, E) -> y <= C/2.
        //   Min is C/3: L2 saturates, D freezes at 2C/3.
        // Step 3, E alone on L3: load X + D + E = C/3 + 2C/3 + 2C/3 = 5C/3, residual C/3,
        //   so E freezes at 2C/3 + C/3 = C.
        // Result: A = B = X = C/3 (bottleneck L1), D = 2C/3 (bottleneck L2), E = C (L3).
        let c = 3.0;
        let capacities = [c, c, 2.0 * c];
        let routes = vec![vec![0, 1], vec![0], vec![0, 2], vec![1, 2], vec![2]];
        let caps = no_caps(5);
        let rates = max_min_rates(&capacities, &routes, &caps);
        assert_all_close(&rates, &[c / 3.0, c / 3.0, c / 3.0, 2.0 * c / 3.0, c], "A, B, X, D, E");
        assert!(is_max_min_fair(&capacities, &routes, &caps, &rates, 1e-9));
    }

    #[test]
    fn per_flow_cap() {
        let routes = vec![vec![0], vec![0]];
        let caps = [2.0, INF];
        let rates = max_min_rates(&[10.0], &routes, &caps);
        assert_all_close(&rates, &[2.0, 8.0], "capped, uncapped");
        assert!(is_max_min_fair(&[10.0], &routes, &caps, &rates, 1e-9));
        // 5/5 violates the cap; 2/7 leaves the link unsaturated.
        assert!(!is_max_min_fair(&[10.0], &routes, &caps, &[5.0, 5.0], 1e-9));
        assert!(!is_max_min_fair(&[10.0], &routes, &caps, &[2.0, 7.0], 1e-9));
    }

    #[test]
    fn empty_routes_zero_capacity_and_caps_above_share() {
        // Flow 0: no links, cap 4 -> 4. Flow 1: no links, no cap -> inf.
        // Flow 2 and 3 on a dead link (capacity 0) -> 0. Flow 4 alone on link 1 with cap 100 > 7 -> 7.
        let capacities = [0.0, 7.0];
        let routes = vec![vec![], vec![], vec![0], vec![0, 1], vec![1]];
        let caps = [4.0, INF, INF, 3.0, 100.0];
        let rates = max_min_rates(&capacities, &routes, &caps);
        assert_eq!(rates[1], INF);
        assert_all_close(&[rates[0], rates[2], rates[3], rates[4]], &[4.0, 0.0, 0.0, 7.0], "rates");
        assert!(is_max_min_fair(&capacities, &routes, &caps, &rates, 1e-9));
    }

    /// A random instance: 1..=5 links, 1..=8 flows, routes of 0..=3 distinct links,
    /// some caps. Empty routes always get a finite cap so every rate is finite.
    fn random_instance(rng: &mut XorShift) -> (Vec<f64>, Vec<Vec<usize>>, Vec<f64>) {
        let links = 1 + rng.below(5);
        let flows = 1 + rng.below(8);
        let capacities: Vec<f64> = (0..links).map(|_| 0.5 + 9.5 * rng.unit()).collect();
        let mut routes = Vec::with_capacity(flows);
        let mut caps = Vec::with_capacity(flows);
        for _ in 0..flows {
            let len = rng.below(4).min(links);
            let mut route: Vec<usize> = Vec::new();
            while route.len() < len {
                let l = rng.below(links);
                if !route.contains(&l) {
                    route.push(l);
                }
            }
            let cap = if route.is_empty() || rng.below(3) == 0 { 0.1 + 5.0 * rng.unit() } else { INF };
            routes.push(route);
            caps.push(cap);
        }
        (capacities, routes, caps)
    }

    #[test]
    fn checker_accepts_solver_and_rejects_perturbations() {
        let mut rng = XorShift::new(0x9E37_79B9_7F4A_7C15);
        let tol = 1e-9;
        let eps = 1e-3; // perturbation size, far above tol
        let mut shared_link_cases = 0;
        for case in 0..200 {
            let (capacities, routes, caps) = random_instance(&mut rng);
            let rates = max_min_rates(&capacities, &routes, &caps);
            assert!(
                is_max_min_fair(&capacities, &routes, &caps, &rates, tol),
                "case {case}: solver output rejected: {capacities:?} {routes:?} {caps:?} -> {rates:?}"
            );
            let n = rates.len();
            let i = rng.below(n);

            // Raise one flow: it is capped or crosses a saturated link, so this is infeasible.
            let mut up = rates.clone();
            up[i] += eps;
            assert!(!is_max_min_fair(&capacities, &routes, &caps, &up, tol), "case {case}: raised flow {i} accepted");

            // Lower one flow: it leaves its cap and un-saturates all its links.
            if rates[i] > eps {
                let mut down = rates.clone();
                down[i] -= eps;
                assert!(
                    !is_max_min_fair(&capacities, &routes, &caps, &down, tol),
                    "case {case}: lowered flow {i} accepted"
                );
            }

            // Move rate between two flows sharing a link (keeps that link's load): by
            // uniqueness of the max-min fair allocation, any other allocation must be rejected.
            let pair = (0..n)
                .flat_map(|a| (0..n).map(move |b| (a, b)))
                .find(|&(a, b)| a != b && rates[b] > eps && routes[a].iter().any(|l| routes[b].contains(l)));
            if let Some((a, b)) = pair {
                shared_link_cases += 1;
                let mut moved = rates.clone();
                moved[a] += eps;
                moved[b] -= eps;
                assert!(
                    !is_max_min_fair(&capacities, &routes, &caps, &moved, tol),
                    "case {case}: moving {eps} from flow {b} to flow {a} accepted"
                );
            }

            // Random noise on every flow.
            let noisy: Vec<f64> = rates.iter().map(|r| (r + eps * (2.0 * rng.unit() - 1.0)).max(0.0)).collect();
            if noisy.iter().zip(&rates).any(|(a, b)| (a - b).abs() > eps / 10.0) {
                assert!(
                    !is_max_min_fair(&capacities, &routes, &caps, &noisy, tol),
                    "case {case}: noisy allocation accepted"
                );
            }
        }
        assert!(shared_link_cases > 50, "too few instances exercised the transfer perturbation");
    }

    // ---------------------------------------------------------------- fluid_finish_times

    fn flow(start: f64, route: Vec<usize>, size: f64) -> RefFlow {
        RefFlow { start, route, size, cap: INF }
    }

    #[test]
    fn equal_flows_started_together_finish_together() {
        for &(c, b) in &[(1.0, 1.0), (10.0, 3.0), (1.25e9, 1e8)] {
            for n in 1..=6 {
                let flows: Vec<RefFlow> = (0..n).map(|_| flow(0.0, vec![0], b)).collect();
                let fin = fluid_finish_times(&[c], &flows);
                assert_all_close(&fin, &vec![n as f64 * b / c; n], &format!("C={c} b={b} n={n}"));
            }
        }
    }

    #[test]
    fn staggered_start() {
        // Flow 1 alone at rate 1 on [0, 0.5): 0.5 left. Both at 1/2 until flow 1 is done
        // at 0.5 + 0.5 / 0.5 = 1.5; flow 2 has served 0.5 by then, the rest at rate 1 -> 2.0.
        let flows = vec![flow(0.0, vec![0], 1.0), flow(0.5, vec![0], 1.0)];
        let fin = fluid_finish_times(&[1.0], &flows);
        assert_all_close(&fin, &[1.5, 2.0], "staggered");
    }

    #[test]
    fn two_link_fluid_with_rate_changes() {
        // Links l1 = l2 = 1. A over l1, l2 (size 1); B on l1 (size 0.5); C on l2 (size 2).
        // [0, 1): all at 1/2; B done at 1 (0.5 / 0.5). A has 0.5 left, C 1.5.
        // [1, 2): l2 shared by A and C -> 1/2 each; A done at 2. C has 1.0 left.
        // [2, 3): C alone at 1 -> done at 3.
        let flows = vec![flow(0.0, vec![0, 1], 1.0), flow(0.0, vec![0], 0.5), flow(0.0, vec![1], 2.0)];
        let fin = fluid_finish_times(&[1.0, 1.0], &flows);
        assert_all_close(&fin, &[2.0, 1.0, 3.0], "A, B, C");
    }

    #[test]
    fn fluid_caps_zero_sizes_and_gaps() {
        // Link of 10. Flow 0 capped at 2, size 4; flow 1 uncapped, size 16; both at t = 1.
        // Rates 2 / 8: both done after 2 s -> t = 3.
        // Flow 2: size 0 at t = 5 -> finishes at 5. Flow 3: size 10 at t = 7, alone -> 8.
        // Flow 4: dead link (capacity 0) -> never finishes.
        let flows = vec![
            RefFlow { start: 1.0, route: vec![0], size: 4.0, cap: 2.0 },
            flow(1.0, vec![0], 16.0),
            flow(5.0, vec![0], 0.0),
            flow(7.0, vec![0], 10.0),
            flow(0.0, vec![1], 1.0),
        ];
        let fin = fluid_finish_times(&[10.0, 0.0], &flows);
        assert_all_close(&fin[..4], &[3.0, 3.0, 5.0, 8.0], "finish");
        assert_eq!(fin[4], INF);
    }

    #[test]
    fn fluid_matches_processor_sharing_closed_form() {
        // n flows on one link of capacity C, all starting at 0: processor sharing. With
        // sizes sorted s_1 <= ... <= s_n (s_0 = 0), f_k = f_{k-1} + (n - k + 1)(s_k - s_{k-1}) / C.
        let mut rng = XorShift::new(12345);
        for _ in 0..100 {
            let n = 1 + rng.below(10);
            let c = 0.5 + 5.0 * rng.unit();
            let sizes: Vec<f64> = (0..n).map(|_| 0.1 + 10.0 * rng.unit()).collect();
            let flows: Vec<RefFlow> = sizes.iter().map(|&s| flow(0.0, vec![0], s)).collect();
            let fin = fluid_finish_times(&[c], &flows);

            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| sizes[a].total_cmp(&sizes[b]));
            let mut want = vec![0.0; n];
            let (mut f, mut prev) = (0.0, 0.0);
            for (k, &i) in order.iter().enumerate() {
                f += (n - k) as f64 * (sizes[i] - prev) / c;
                prev = sizes[i];
                want[i] = f;
            }
            assert_all_close(&fin, &want, "processor sharing");
            // Work conservation: the last flow ends at total size / C.
            let last = fin.iter().copied().fold(0.0, f64::max);
            assert_close(last, sizes.iter().sum::<f64>() / c, "makespan");
        }
    }

    #[test]
    fn fluid_random_instances_are_consistent() {
        // Every flow finishes no earlier than start + size / (its cap and every link on its
        // route); and a flow alone in the network finishes exactly at that bound.
        let mut rng = XorShift::new(777);
        for _ in 0..100 {
            let (capacities, routes, caps) = random_instance(&mut rng);
            let flows: Vec<RefFlow> = routes
                .iter()
                .zip(&caps)
                .map(|(r, &cap)| RefFlow { start: 5.0 * rng.unit(), route: r.clone(), size: 10.0 * rng.unit(), cap })
                .collect();
            let fin = fluid_finish_times(&capacities, &flows);
            for (i, f) in flows.iter().enumerate() {
                let best = f.route.iter().map(|&l| capacities[l]).fold(f.cap, f64::min);
                let bound = f.start + f.size / best;
                assert!(fin[i] >= bound - 1e-9 * (1.0 + bound), "flow {i} finished at {} before {bound}", fin[i]);
                let alone = fluid_finish_times(&capacities, std::slice::from_ref(f));
                assert_close(alone[0], bound, "alone");
            }
        }
    }
}
