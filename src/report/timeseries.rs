//! The utilisation time series as CSV: one row per sample interval, hub and pool, and under
//! the flow model one per sample interval and link direction (`pool` = `link`, `hub` = the
//! link's id and direction, `id:from>to`; utilisation includes background traffic).

use std::io::Write;

use crate::metrics::Recorder;
use crate::model::{PoolKind, World};
use crate::time::nanos_to_seconds;

/// Writes `time_seconds,hub,pool,utilisation` rows (time = end of the sample interval).
/// Pools with zero capacity are left out.
pub fn write_csv<W: Write>(out: W, world: &World, recorder: &Recorder) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["time_seconds", "hub", "pool", "utilisation"])?;
    let u = &recorder.utilisation;
    for (i, &t) in u.sample_times.iter().enumerate() {
        let time = nanos_to_seconds(t).to_string();
        for (h, hub) in world.hubs.iter().enumerate() {
            for pool in PoolKind::ALL {
                let p = u.pool(h, pool);
                if p.capacity > 0 {
                    writer.write_record([
                        time.as_str(),
                        hub.id.as_str(),
                        pool.name(),
                        &format!("{:.6}", p.samples[i]),
                    ])?;
                }
            }
            if let (Some(topology), Some(links)) = (world.network.topology(), &recorder.links) {
                for (link, record) in topology.links.iter().zip(links) {
                    let Some(sample) = record.samples.get(i) else { continue };
                    let name = format!(
                        "{}:{}>{}",
                        topology.link_ids[link.link], topology.site_names[link.from], topology.site_names[link.to]
                    );
                    writer.write_record([time.as_str(), name.as_str(), "link", &format!("{sample:.6}")])?;
                }
            }
        }
    }
    writer.flush()?;
    Ok(())
}
