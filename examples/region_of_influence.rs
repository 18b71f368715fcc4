//! How much of the star a start or end of a transfer really reaches, and what an incremental
//! max-min solve restricted to that region would cost (docs/network.md, "Why the star misses
//! its target").
//!
//! The star of `cnsim bench --star` runs as usual (its flow network gives the dynamics). After
//! every event a textbook progressive filling, written here from scratch, gives each link's
//! level (the fair share at which it saturated; infinite when it never did) and each route
//! group's rate. Against the previous event it counts the groups and links that changed, then
//! replays the change through a *verify-and-widen* solve: fill only the links of a region
//! (groups crossing it capped by the unchanged levels outside), and widen the region by the
//! links of every group whose rate moved until nothing outside is disturbed. The widened
//! solve must (and does) give the same rates as the whole filling; it counts the groups it
//! filled, over all its attempts, against the busy groups a whole-network solve fills.
//!
//! Run: `cargo run --release --example region_of_influence [events]`.

use cnsim::engine::{FlowKind, FlowNetwork};
use rand::RngExt;
use rand_distr::{Distribution as _, Exp1, LogNormal};

/// A network: per link its capacity, per group its links and flows.
struct Net {
    capacity: Vec<f64>,
    routes: Vec<Vec<usize>>,
    flows: Vec<u32>,
}

/// Values by index: (link or group, value).
type Indexed = Vec<(usize, f64)>;

/// Progressive filling over the links marked in `region` (every link when `None`). Groups
/// crossing the region are filled; their links outside it cap them at the level in `levels`.
/// Returns the levels of the region's links (infinite when they never saturated) and the
/// rate of each group filled.
fn fill(net: &Net, region: Option<&[bool]>, levels: &[f64]) -> (Indexed, Indexed) {
    let inside = |l: usize| region.is_none_or(|r| r[l]);
    let groups: Vec<usize> =
        (0..net.routes.len()).filter(|&g| net.flows[g] > 0 && net.routes[g].iter().any(|&l| inside(l))).collect();
    let cap: Vec<f64> = groups
        .iter()
        .map(|&g| net.routes[g].iter().filter(|&&l| !inside(l)).map(|&l| levels[l]).fold(f64::INFINITY, f64::min))
        .collect();
    let mut residual = net.capacity.clone();
    let mut unfrozen = vec![0u32; net.capacity.len()];
    for &g in &groups {
        net.routes[g].iter().filter(|&&l| inside(l)).for_each(|&l| unfrozen[l] += net.flows[g]);
    }
    let mut rate = vec![f64::NAN; groups.len()];
    let mut new_levels = Vec::new();
    let mut open: Vec<bool> = (0..net.capacity.len()).map(inside).collect();
    loop {
        let link = (0..residual.len())
            .filter(|&l| open[l] && unfrozen[l] > 0)
            .map(|l| (residual[l] / f64::from(unfrozen[l]), l))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let capped =
            (0..groups.len()).filter(|&i| rate[i].is_nan()).map(|i| (cap[i], i)).min_by(|a, b| a.0.total_cmp(&b.0));
        let to_freeze: Vec<(usize, f64)> = match (link, capped) {
            (_, Some((c, i))) if link.is_none_or(|(level, _)| c < level) => vec![(i, c)],
            (Some((level, l)), _) => {
                open[l] = false;
                new_levels.push((l, level));
                (0..groups.len())
                    .filter(|&i| rate[i].is_nan() && net.routes[groups[i]].contains(&l))
                    .map(|i| (i, level))
                    .collect()
            }
            _ => break,
        };
        for (i, level) in to_freeze {
            rate[i] = level;
            for &l in net.routes[groups[i]].iter().filter(|&&l| inside(l)) {
                residual[l] -= level * f64::from(net.flows[groups[i]]);
                unfrozen[l] -= net.flows[groups[i]];
            }
        }
    }
    let never: Vec<usize> =
        (0..residual.len()).filter(|&l| inside(l) && !new_levels.iter().any(|&(k, _)| k == l)).collect();
    new_levels.extend(never.into_iter().map(|l| (l, f64::INFINITY)));
    (new_levels, groups.into_iter().zip(rate).collect())
}

/// Verify-and-widen from the links of `changed_route`, optionally seeded with the links
/// downstream of them in the bottleneck structure. Updates `levels` and `rates`; returns
/// (attempts, groups filled over all attempts, links in the final region, groups filled by
/// the last attempt alone).
fn widen(
    net: &Net,
    changed_route: usize,
    seed_downstream: bool,
    levels: &mut [f64],
    rates: &mut [f64],
) -> (u32, usize, usize, usize) {
    let mut region = vec![false; net.capacity.len()];
    net.routes[changed_route].iter().for_each(|&l| region[l] = true);
    if seed_downstream {
        // A group bottlenecked at link l (rate = level of l) passes its changes on to its
        // other links with higher levels.
        let mut stack: Vec<usize> = (0..region.len()).filter(|&l| region[l]).collect();
        while let Some(l) = stack.pop() {
            for g in
                (0..net.routes.len()).filter(|&g| net.flows[g] > 0 && levels[l].is_finite() && rates[g] == levels[l])
            {
                for &k in &net.routes[g] {
                    if net.routes[g].contains(&l) && !region[k] && levels[k] > levels[l] {
                        region[k] = true;
                        stack.push(k);
                    }
                }
            }
        }
    }
    let (mut attempts, mut filled) = (0, 0);
    loop {
        attempts += 1;
        let (new_levels, new_rates) = fill(net, Some(&region), levels);
        filled += new_rates.len();
        let rate_now = |g: usize| new_rates.iter().find(|&&(h, _)| h == g).map_or(rates[g], |&(_, r)| r);
        let mut widened = false;
        for &(g, _) in new_rates.iter().filter(|&&(g, rate)| rate != rates[g]) {
            let outside: Vec<usize> = net.routes[g].iter().copied().filter(|&k| !region[k]).collect();
            for k in outside {
                // A saturated link outside is disturbed by any move; an unsaturated one only
                // if it would now carry more than its capacity.
                let carried: f64 = (0..net.routes.len())
                    .filter(|&h| net.flows[h] > 0 && net.routes[h].contains(&k))
                    .map(|h| rate_now(h) * f64::from(net.flows[h]))
                    .sum();
                if levels[k].is_finite() || carried > net.capacity[k] {
                    region[k] = true;
                    widened = true;
                }
            }
        }
        if !widened {
            let last = new_rates.len();
            new_levels.into_iter().for_each(|(l, level)| levels[l] = level);
            new_rates.into_iter().for_each(|(g, rate)| rates[g] = rate);
            return (attempts, filled, region.iter().filter(|&&r| r).count(), last);
        }
    }
}

fn main() {
    let events: u64 = std::env::args().nth(1).map_or(200_000, |a| a.parse().expect("events: a number"));
    let (regions, hubs) = (6usize, 8usize);
    let mut capacity_bps = vec![8e9; regions];
    capacity_bps.extend(std::iter::repeat_n(6e9, hubs));
    let routes: Vec<Vec<usize>> = (0..regions).flat_map(|r| (0..hubs).map(move |h| vec![r, regions + h])).collect();
    let as_u32: Vec<Vec<u32>> = routes.iter().map(|r| r.iter().map(|&l| l as u32).collect()).collect();
    let mut flows = FlowNetwork::with_routes(&capacity_bps, &as_u32, f64::INFINITY);
    let mut net =
        Net { capacity: capacity_bps.iter().map(|c| c / 8e9).collect(), routes, flows: vec![0; regions * hubs] };
    let mean_bytes: f64 = 10e6;
    let sizes = LogNormal::new(mean_bytes.ln() - 0.5, 1.0).expect("valid lognormal");
    let rate_per_ns = 0.79 * 6.0 * 8e9 / (8.0 * mean_bytes) / 1e9;
    let mut rng = cnsim::rng::stream(1, cnsim::rng::Stream::Workload(0));
    let (mut clock, mut next_arrival, mut started) = (0.0f64, 0u64, 0u32);
    let (mut old_levels, mut old_rates) = (vec![f64::INFINITY; net.capacity.len()], vec![0.0; net.routes.len()]);
    let mut state = [(old_levels.clone(), old_rates.clone()), (old_levels.clone(), old_rates.clone())];
    let mut sums = [0.0f64; 11];
    for _ in 0..events {
        let route = match flows.next_completion() {
            Some(done) if done <= next_arrival => {
                let route = flows.complete(done).route as usize;
                net.flows[route] -= 1;
                route
            }
            _ => {
                let route = rng.random_range(0..net.routes.len());
                flows.start(next_arrival, route as u32, sizes.sample(&mut rng).max(1.0), started, FlowKind::Input);
                started += 1;
                let gap: f64 = Exp1.sample(&mut rng);
                clock += gap / rate_per_ns;
                next_arrival = clock as u64;
                net.flows[route] += 1;
                route
            }
        };
        let (levels, rates) = {
            let (l, r) = fill(&net, None, &vec![f64::INFINITY; net.capacity.len()]);
            let mut levels = vec![f64::INFINITY; net.capacity.len()];
            l.into_iter().for_each(|(k, level)| levels[k] = level);
            let mut rates = vec![0.0; net.routes.len()];
            r.into_iter().for_each(|(g, rate)| rates[g] = rate);
            (levels, rates)
        };
        let busy = net.flows.iter().filter(|&&n| n > 0).count();
        // Unequal and not within 1e-12 of each other: an infinite level (an unsaturated link)
        // that becomes finite, or back, has moved.
        let moved = |a: f64, b: f64| {
            a != b && (!a.is_finite() || !b.is_finite() || (a - b).abs() > 1e-12 * a.abs().max(b.abs()))
        };
        sums[0] += busy as f64;
        sums[1] += (0..rates.len()).filter(|&g| net.flows[g] > 0 && moved(rates[g], old_rates[g])).count() as f64;
        sums[2] += (0..levels.len()).filter(|&l| moved(levels[l], old_levels[l])).count() as f64;
        sums[3] += net
            .capacity
            .iter()
            .enumerate()
            .filter(|&(l, _)| net.routes.iter().zip(&net.flows).any(|(r, &n)| n > 0 && r.contains(&l)))
            .count() as f64;
        for (k, (levels_k, rates_k)) in state.iter_mut().enumerate() {
            rates_k.iter_mut().zip(&net.flows).for_each(|(r, &n)| *r = if n == 0 { 0.0 } else { *r });
            let (attempts, filled, region, last) = widen(&net, route, k == 1, levels_k, rates_k);
            for g in (0..rates.len()).filter(|&g| net.flows[g] > 0) {
                assert!(
                    !moved(rates_k[g], rates[g]),
                    "the widened solve found {} for group {g}, the whole filling {}",
                    rates_k[g],
                    rates[g]
                );
            }
            sums[4 + 3 * k] += f64::from(attempts);
            sums[5 + 3 * k] += filled as f64;
            sums[6 + 3 * k] += region as f64;
            if k == 0 {
                sums[10] += last as f64;
            }
        }
        (old_levels, old_rates) = (levels, rates);
    }
    let e = events as f64;
    println!("star of {regions} regions x {hubs} hubs, 79 % load, {events} events; per event on average:");
    println!("  busy links {:.1}, busy groups {:.1}", sums[3] / e, sums[0] / e);
    println!("  groups whose rate changed {:.1}, links whose level changed {:.1}", sums[1] / e, sums[2] / e);
    for (k, how) in ["from the changed route", "from the changed route and its downstream links"].iter().enumerate() {
        println!(
            "  verify-and-widen {how}: {:.2} attempts, {:.1} groups filled (whole network: {:.1}), final region {:.1} links",
            sums[4 + 3 * k] / e,
            sums[5 + 3 * k] / e,
            sums[0] / e,
            sums[6 + 3 * k] / e
        );
    }
    println!("  a solve told the smallest final region in advance would fill {:.1} groups", sums[10] / e);
}
