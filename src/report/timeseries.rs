//! The utilisation time series as CSV: one row per sample interval, hub and pool, and under
//! the flow model one per sample interval and link direction (`pool` = `link`, `hub` = the
//! link's id and direction, `id:from>to`; utilisation includes background traffic).

use std::io::Write;

use crate::metrics::Recorder;
use crate::model::{PoolKind, World};
use crate::time::nanos_to_seconds;

/// Writes `time_seconds,hub,pool,utilisation` rows (time = end of the sample interval).
/// Pools with zero capacity are left out. Under time-varying signals a fifth column,
/// `cost_cny_per_hour`, gives each pool's utilisation-weighted energy cost rate over the
/// interval: sampled utilisation x capacity x kW per unit x PUE x the mean price over the
/// interval (exact when the price is constant within the interval; link rows leave it empty).
pub fn write_csv<W: Write>(out: W, world: &World, recorder: &Recorder) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    let signals = world.signals.as_ref();
    let mut header = vec!["time_seconds", "hub", "pool", "utilisation"];
    header.extend(signals.map(|_| "cost_cny_per_hour"));
    writer.write_record(&header)?;
    let u = &recorder.utilisation;
    for (i, &t) in u.sample_times.iter().enumerate() {
        let time = nanos_to_seconds(t).to_string();
        for (h, hub) in world.hubs.iter().enumerate() {
            for pool in PoolKind::ALL {
                let p = u.pool(h, pool);
                if p.capacity > 0 {
                    let mut row =
                        vec![time.clone(), hub.id.clone(), pool.name().into(), format!("{:.6}", p.samples[i])];
                    if let Some(signals) = signals {
                        let price = signals.hubs[h].price.mean(t.saturating_sub(u.interval), t);
                        let kw = f64::from(p.capacity) * world.energy.kw_per_unit[pool.index()] * hub.pue;
                        row.push(format!("{:.3}", f64::from(p.samples[i]) * kw * price));
                    }
                    writer.write_record(&row)?;
                }
            }
            if let (Some(topology), Some(links)) = (world.network.topology(), &recorder.links) {
                for (link, record) in topology.links.iter().zip(links) {
                    let Some(sample) = record.samples.get(i) else { continue };
                    let name = format!(
                        "{}:{}>{}",
                        topology.link_ids[link.link], topology.site_names[link.from], topology.site_names[link.to]
                    );
                    let mut row = vec![time.clone(), name, "link".into(), format!("{sample:.6}")];
                    row.extend(signals.map(|_| String::new()));
                    writer.write_record(&row)?;
                }
            }
        }
    }
    writer.flush()?;
    Ok(())
}
