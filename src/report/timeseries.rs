//! The utilisation time series as CSV: one row per sample interval, hub and pool.

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
        }
    }
    writer.flush()?;
    Ok(())
}
