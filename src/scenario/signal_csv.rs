//! A signal time series from CSV: a time column (offsets from the run's start, or timestamps
//! with the run's start given), then one column per hub id.
//!
//! Past its last row a series repeats (its period: last time - first time + the last step),
//! holds its last value, or is refused when the run lasts longer.

use std::path::Path;

use chrono::NaiveDateTime;

use crate::model::{Interpolation, Signal};
use crate::scenario::error::shorten_list;
use crate::scenario::signal_spec::Range;
use crate::time::{SimTime, format_duration, parse_duration};

/// What a series does past its last row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PastEnd {
    /// Starts again from its first row.
    Repeat,
    /// Keeps its last value.
    Hold,
    /// The run must end by the last row.
    Error,
}

impl PastEnd {
    /// Parses "repeat", "hold" or "error".
    pub fn parse(text: &str) -> Option<PastEnd> {
        match text {
            "repeat" => Some(PastEnd::Repeat),
            "hold" => Some(PastEnd::Hold),
            "error" => Some(PastEnd::Error),
            _ => None,
        }
    }
}

/// How to read a series.
#[derive(Clone, Copy, Debug)]
pub struct SeriesOptions {
    /// `Some(start)`: the time column holds timestamps, `start` being the run's time 0.
    pub start: Option<NaiveDateTime>,
    /// Between rows.
    pub interpolation: Interpolation,
    /// Past the last row.
    pub past_end: PastEnd,
    /// The run's length.
    pub duration: SimTime,
    /// Periodic series are laid out until this time.
    pub horizon: SimTime,
}

/// Timestamp formats accepted in the time column and in `start`.
const FORMATS: &[&str] = &["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"];

/// Parses "2024-07-01 00:00[:00]" (a `T` may stand for the space).
pub fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    FORMATS.iter().find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

fn nanos(seconds: f64) -> i64 {
    (seconds * 1e9).round() as i64
}

/// A row's time in ns from the run's start.
fn row_time(text: &str, options: &SeriesOptions) -> Result<i64, String> {
    match options.start {
        Some(start) => parse_timestamp(text)
            .and_then(|t| (t - start).num_nanoseconds())
            .ok_or_else(|| format!("bad time {text:?}: expected a timestamp like \"2024-07-01 00:00\"")),
        None => match text.trim().parse::<f64>() {
            Ok(seconds) if seconds.is_finite() => Ok(nanos(seconds)),
            _ => parse_duration(text).map(|d| d as i64).map_err(|e| {
                format!("bad time {text:?}: expected an offset from the run's start (seconds, or \"90min\"): {e}")
            }),
        },
    }
}

/// Reads the series at `path` (`shown` in messages): the hub (by index in `hub_ids`) and
/// signal of each column.
pub fn read(
    path: &Path,
    shown: &str,
    hub_ids: &[&str],
    range: Range,
    options: &SeriesOptions,
) -> Result<Vec<(usize, Signal)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read signal series {shown}: {e}"))?;
    let header = reader.headers().map_err(|e| format!("{shown}: {e}"))?.clone();
    let mut columns = Vec::new();
    for name in header.iter().skip(1) {
        let hub = hub_ids.iter().position(|h| *h == name).ok_or_else(|| {
            format!("{shown}:1: column {name:?}: unknown hub id; known hubs: {}", shorten_list(hub_ids))
        })?;
        columns.push((hub, name.to_string()));
    }
    if columns.is_empty() {
        return Err(format!("{shown}:1: expected a time column, then one column per hub id"));
    }
    let mut times: Vec<i64> = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    for record in reader.records() {
        let record = record.map_err(|e| format!("{shown}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let time = row_time(record.get(0).unwrap_or(""), options).map_err(|e| format!("{shown}:{line}: {e}"))?;
        if let Some(&last) = times.last()
            && time <= last
        {
            let what = if time == last { "a duplicate time" } else { "a time before the previous row's" };
            return Err(format!(
                "{shown}:{line}: column {:?}: {what} ({:?}): times must increase strictly",
                header.get(0).unwrap_or("time"),
                record.get(0).unwrap_or("")
            ));
        }
        times.push(time);
        for (c, (_, name)) in columns.iter().enumerate() {
            let cell = record.get(c + 1).unwrap_or("");
            let value = cell.parse::<f64>().ok().filter(|v| v.is_finite() && (0.0..=range.max).contains(v));
            values[c].push(value.ok_or_else(|| {
                format!(
                    "{shown}:{line}: column {name:?}: bad value {cell:?}: {} must be between 0 and {}",
                    range.what, range.max
                )
            })?);
        }
    }
    check_cover(&times, shown, options)?;
    Ok(columns.iter().zip(values).map(|(&(hub, _), v)| (hub, layout(&times, &v, options))).collect())
}

/// The series must start by the run's start, and with `error`, last until its end.
fn check_cover(times: &[i64], shown: &str, options: &SeriesOptions) -> Result<(), String> {
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return Err(format!("{shown}: no rows: expected at least one row of values"));
    };
    if first > 0 {
        return Err(format!(
            "{shown}:2: the series starts {} after the run's start: its first row must be at or before it",
            format_duration(first as u64)
        ));
    }
    if options.past_end == PastEnd::Repeat && times.len() < 2 {
        return Err(format!("{shown}: past_end = \"repeat\" needs at least two rows (the period follows from them)"));
    }
    if options.past_end == PastEnd::Error && last < options.duration as i64 {
        return Err(format!(
            "{shown}:{}: the series ends at {} before the run's end ({}); past_end = \"error\": extend it, or choose \"hold\" or \"repeat\"",
            times.len() + 1,
            format_duration(last.max(0) as u64),
            format_duration(options.duration)
        ));
    }
    Ok(())
}

/// The signal through the rows (repeated when asked), starting at time 0.
fn layout(times: &[i64], values: &[f64], options: &SeriesOptions) -> Signal {
    let mut knots: Vec<(i64, f64)> = times.iter().copied().zip(values.iter().copied()).collect();
    if options.past_end == PastEnd::Repeat {
        let n = times.len();
        let period = times[n - 1] - times[0] + (times[n - 1] - times[n - 2]);
        let mut k = 1;
        while times[0] + k * period < options.horizon as i64 {
            knots.extend(times.iter().zip(values).map(|(&t, &v)| (t + k * period, v)));
            k += 1;
        }
    }
    // Start at 0: the last knot at or before it, with its value at 0 (interpolated if linear).
    let at = knots.partition_point(|&(t, _)| t <= 0) - 1;
    let value_at_zero = match (options.interpolation, knots.get(at + 1)) {
        (Interpolation::Linear, Some(&(t1, v1))) => {
            let (t0, v0) = knots[at];
            v0 + (v1 - v0) * (-t0) as f64 / (t1 - t0) as f64
        }
        _ => knots[at].1,
    };
    let mut out_times = vec![0];
    let mut out_values = vec![value_at_zero];
    for &(t, v) in &knots[at + 1..] {
        out_times.push(t as u64);
        out_values.push(v);
    }
    Signal::from_knots(out_times, out_values, options.interpolation)
}
