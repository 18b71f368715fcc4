//! One hub's signal as written in a scenario: a number (constant), 24 or 168 numbers (a daily
//! or weekly profile, one value an hour), or a time-of-use table of named bands.

use crate::model::{Interpolation, Signal};
use crate::scenario::error::{FieldError, FieldResult};
use crate::time::{DAY, HOUR, MINUTE, SimDuration, SimTime, WEEK};

/// The names a tariff band may have.
pub const BAND_NAMES: &[&str] = &["critical", "peak", "flat", "valley", "deep-valley"];

/// What values a signal allows: at least 0, and at most `max`.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// What the value is, for messages ("a price in CNY/kWh").
    pub what: &'static str,
    /// The largest allowed value.
    pub max: f64,
}

impl Range {
    /// Checks one value.
    pub fn check(self, value: f64, path: &str) -> FieldResult<f64> {
        if value.is_finite() && (0.0..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(FieldError::new(path, format!("bad value {value}: {} must be between 0 and {}", self.what, self.max)))
        }
    }
}

fn number(value: &toml::Value, path: &str) -> FieldResult<f64> {
    match value {
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Float(f) => Ok(*f),
        other => Err(FieldError::new(path, format!("bad value {other}: expected a number"))),
    }
}

/// Reads one hub's signal. `flat` is the value tariff ratios multiply when the table gives
/// none (the hub's constant price); periodic signals repeat until `horizon`.
pub fn read(value: &toml::Value, range: Range, flat: f64, horizon: SimTime, path: &str) -> FieldResult<Signal> {
    match value {
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            Ok(Signal::constant(range.check(number(value, path)?, path)?))
        }
        toml::Value::Array(items) => {
            let period = match items.len() {
                24 => DAY,
                168 => WEEK,
                n => {
                    return Err(FieldError::new(
                        path,
                        format!("a profile has 24 (daily) or 168 (weekly) hourly values, got {n}"),
                    ));
                }
            };
            let mut pattern = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                pattern.push((i as SimDuration * HOUR, range.check(number(item, &p)?, &p)?));
            }
            Ok(Signal::periodic(&pattern, period, Interpolation::Step, horizon))
        }
        toml::Value::Table(table) => {
            let pattern = tariff(table, range, flat, path)?;
            Ok(Signal::periodic(&pattern, DAY, Interpolation::Step, horizon))
        }
        other => Err(FieldError::new(
            path,
            format!(
                "bad value {other}: expected a number, 24 or 168 hourly values, or a tariff {{ flat = .., bands = [..] }}"
            ),
        )),
    }
}

/// A band's stretch of the day, in minutes from midnight: [start, end).
struct Stretch {
    start: u32,
    end: u32,
    value: f64,
    band: usize,
}

/// A time-of-use tariff: `{ flat = 0.6, bands = [{ name, hours, ratio | value }] }`. The bands
/// must cover the day exactly once. Returns the day's pattern (offset, value).
fn tariff(table: &toml::Table, range: Range, flat: f64, path: &str) -> FieldResult<Vec<(SimDuration, f64)>> {
    if let Some(key) = table.keys().find(|k| !["flat", "bands"].contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("{path}.{key}"),
            format!("unknown key {key:?}: expected `flat` or `bands`"),
        ));
    }
    let flat = match table.get("flat") {
        Some(v) => range.check(number(v, &format!("{path}.flat"))?, &format!("{path}.flat"))?,
        None => flat,
    };
    let Some(toml::Value::Array(bands)) = table.get("bands") else {
        return Err(FieldError::new(format!("{path}.bands"), "a tariff needs `bands = [{ name, hours, ratio }]`"));
    };
    let mut stretches = Vec::new();
    for (i, band) in bands.iter().enumerate() {
        stretches.extend(band_stretches(band, range, flat, i, &format!("{path}.bands[{i}]"))?);
    }
    stretches.sort_by_key(|s| s.start);
    let mut covered = 0;
    for (i, s) in stretches.iter().enumerate() {
        if s.start < covered {
            let other = stretches[..i].iter().rev().find(|o| o.end > s.start).map_or(0, |o| o.band);
            return Err(FieldError::new(
                format!("{path}.bands[{}].hours", s.band),
                format!(
                    "bands {other} and {} overlap at {}: each hour of the day belongs to exactly one band",
                    s.band,
                    clock(s.start)
                ),
            ));
        }
        if s.start > covered {
            return Err(gap(path, covered, s.start));
        }
        covered = s.end;
    }
    if covered < 24 * 60 {
        return Err(gap(path, covered, 24 * 60));
    }
    let mut pattern: Vec<(SimDuration, f64)> = Vec::new();
    for s in &stretches {
        if pattern.last().is_none_or(|&(_, v)| v != s.value) {
            pattern.push((u64::from(s.start) * MINUTE, s.value));
        }
    }
    Ok(pattern)
}

fn gap(path: &str, from: u32, to: u32) -> FieldError {
    FieldError::new(
        format!("{path}.bands"),
        format!(
            "no band covers {}-{}: the bands must cover the whole day (00:00-24:00) without gaps",
            clock(from),
            clock(to)
        ),
    )
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// One band's stretches (a stretch past midnight is split in two).
fn band_stretches(band: &toml::Value, range: Range, flat: f64, index: usize, path: &str) -> FieldResult<Vec<Stretch>> {
    let Some(table) = band.as_table() else {
        return Err(FieldError::new(path, "a band is a table { name, hours, ratio } or { name, hours, value }"));
    };
    if let Some(key) = table.keys().find(|k| !["name", "hours", "ratio", "value"].contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("{path}.{key}"),
            format!("unknown key {key:?}: expected `name`, `hours`, `ratio` or `value`"),
        ));
    }
    let name = table.get("name").and_then(toml::Value::as_str).unwrap_or("");
    if !BAND_NAMES.contains(&name) {
        return Err(FieldError::new(
            format!("{path}.name"),
            format!("bad band name {name:?}: expected one of {}", BAND_NAMES.join(", ")),
        ));
    }
    let value = match (table.get("ratio"), table.get("value")) {
        (Some(r), None) => {
            let ratio = number(r, &format!("{path}.ratio"))?;
            if !(ratio.is_finite() && ratio >= 0.0) {
                return Err(FieldError::new(
                    format!("{path}.ratio"),
                    format!("bad value {ratio}: a ratio to the flat value must be >= 0"),
                ));
            }
            range.check(ratio * flat, &format!("{path}.ratio"))?
        }
        (None, Some(v)) => range.check(number(v, &format!("{path}.value"))?, &format!("{path}.value"))?,
        _ => return Err(FieldError::new(path, "give a band exactly one of `ratio` (to the flat value) or `value`")),
    };
    let hours: Vec<&toml::Value> = match table.get("hours") {
        Some(toml::Value::Array(items)) => items.iter().collect(),
        Some(single @ toml::Value::String(_)) => vec![single],
        _ => {
            return Err(FieldError::new(
                format!("{path}.hours"),
                "give `hours`, e.g. [\"10:00-12:00\", \"14:00-19:00\"]",
            ));
        }
    };
    let mut out = Vec::new();
    for item in hours {
        let text = item.as_str().unwrap_or("");
        let (start, end) = span(text).ok_or_else(|| {
            FieldError::new(
                format!("{path}.hours"),
                format!("bad value {text:?}: expected \"HH:MM-HH:MM\" within 00:00-24:00, e.g. \"10:00-12:00\""),
            )
        })?;
        if start < end {
            out.push(Stretch { start, end, value, band: index });
        } else {
            out.push(Stretch { start, end: 24 * 60, value, band: index });
            out.push(Stretch { start: 0, end, value, band: index });
        }
    }
    Ok(out.into_iter().filter(|s| s.start < s.end).collect())
}

/// "HH:MM-HH:MM" in minutes; the end may be 24:00; an end at or before the start wraps.
fn span(text: &str) -> Option<(u32, u32)> {
    let minutes = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (a, b) = text.split_once('-')?;
    let (start, end) = (minutes(a)?, minutes(b)?);
    (start < 24 * 60 && start != end).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tou(text: &str) -> FieldResult<Signal> {
        let value: toml::Value = toml::from_str::<toml::Table>(&format!("t = {text}")).unwrap()["t"].clone();
        read(&value, Range { what: "a price", max: 100.0 }, 1.0, DAY, "p")
    }

    #[test]
    fn guangdong_bands() {
        let s = tou(r#"{ bands = [
            { name = "valley", hours = "00:00-08:00", ratio = 0.38 },
            { name = "flat", hours = ["08:00-10:00", "12:00-14:00", "19:00-24:00"], ratio = 1 },
            { name = "peak", hours = ["10:00-12:00", "14:00-19:00"], ratio = 1.7 } ] }"#)
        .unwrap();
        // 8 h x 0.38 + 9 h x 1 + 7 h x 1.7 = 23.94.
        assert!((s.integral(0, DAY) - 23.94).abs() < 1e-9);
        assert_eq!(s.value_at(11 * HOUR), 1.7);
    }

    #[test]
    fn overlap_and_gap_are_refused() {
        let overlap = tou(r#"{ bands = [{ name = "flat", hours = "00:00-13:00", ratio = 1 },
            { name = "peak", hours = "12:00-24:00", ratio = 2 }] }"#);
        assert!(overlap.unwrap_err().message.contains("overlap at 12:00"));
        let gap = tou(r#"{ bands = [{ name = "flat", hours = "22:00-12:00", ratio = 1 },
            { name = "peak", hours = "13:00-22:00", ratio = 2 }] }"#);
        assert!(gap.unwrap_err().message.contains("12:00-13:00"));
    }
}
