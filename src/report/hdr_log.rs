//! Every latency histogram in HdrHistogram's standard interval-log format (V2, compressed),
//! readable by HdrHistogram tools and mergeable exactly across runs.
//!
//! One interval covers the measured window; each histogram is tagged
//! `<metric>.<class>` (class `all` for all jobs) or `<metric>.hub.<hub id>`. Durations are
//! recorded in microseconds (the header's max-value divisor turns them into seconds in tools);
//! bounded slowdown is recorded in thousandths.

use std::io::Write;
use std::time::Duration;

use hdrhistogram::serialization::V2DeflateSerializer;
use hdrhistogram::serialization::interval_log::{IntervalLogWriterBuilder, Tag};

use crate::metrics::{Metric, Recorder};
use crate::model::World;

fn tag_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect()
}

/// Writes the interval log.
pub fn write<W: Write>(
    mut out: W,
    world: &World,
    recorder: &Recorder,
    start: Duration,
    length: Duration,
) -> std::io::Result<()> {
    let mut serializer = V2DeflateSerializer::new();
    let mut writer = IntervalLogWriterBuilder::new()
        .add_comment("cnsim latency histograms: durations in us, bounded_slowdown in 1/1000")
        .with_max_value_divisor(1e6)
        .begin_log_with(&mut out, &mut serializer)
        .map_err(std::io::Error::other)?;
    let sets = world.classes.iter().map(|c| tag_safe(&c.name)).zip(recorder.class_latency.iter());
    for (name, set) in sets.chain(std::iter::once(("all".to_string(), &recorder.all_latency))) {
        for metric in Metric::ALL {
            let tag = format!("{}.{name}", metric.key());
            writer
                .write_histogram(&set.get(metric), start, length, Tag::new(&tag))
                .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        }
    }
    for (hub, record) in world.hubs.iter().zip(&recorder.hub_records) {
        for (metric, h) in [("wait", record.wait.to_hdr()), ("jct", record.jct.to_hdr())] {
            let tag = format!("{metric}.hub.{}", tag_safe(&hub.id));
            writer
                .write_histogram(&h, start, length, Tag::new(&tag))
                .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        }
    }
    drop(writer);
    out.flush()
}
