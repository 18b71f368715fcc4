//! Simulated time: integer nanoseconds, plus parsing and printing of human durations.
//!
//! The event queue never sees floating-point time; `f64` appears only at the edges
//! (distributions drawn in seconds, reports printed in seconds).

/// A point in simulated time, in nanoseconds since the start of the run.
pub type SimTime = u64;
/// A span of simulated time, in nanoseconds.
pub type SimDuration = u64;

/// Nanoseconds in one microsecond.
pub const MICROSECOND: SimDuration = 1_000;
/// Nanoseconds in one millisecond.
pub const MILLISECOND: SimDuration = 1_000_000;
/// Nanoseconds in one second.
pub const SECOND: SimDuration = 1_000_000_000;
/// Nanoseconds in one minute.
pub const MINUTE: SimDuration = 60 * SECOND;
/// Nanoseconds in one hour.
pub const HOUR: SimDuration = 60 * MINUTE;
/// Nanoseconds in one day.
pub const DAY: SimDuration = 24 * HOUR;
/// Nanoseconds in one week.
pub const WEEK: SimDuration = 7 * DAY;

const DURATION_UNITS: &[(&str, f64)] = &[
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("sec", 1e9),
    ("min", 60e9),
    ("m", 60e9),
    ("h", 3600e9),
    ("d", 86400e9),
    ("w", 604800e9),
];

/// The duration units `parse_duration` accepts, for error messages.
pub const DURATION_UNITS_HELP: &str =
    "a number and a unit: ns, us, ms, s, min, h, d or w (e.g. \"7d\", \"8min\", \"0.5ms\")";

/// Splits "12.5GB" into (12.5, "GB"); `None` when there is no leading number.
pub(crate) fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == '_' || c == 'e' || c == 'E' || c == '+' || c == '-'))
        .map_or(text.len(), |(i, _)| i);
    // "e" may start a unit name; back off if the number does not parse with it.
    let mut end = end;
    loop {
        let number: String = text[..end].chars().filter(|&c| c != '_').collect();
        if let Ok(value) = number.parse::<f64>() {
            return Some((value, text[end..].trim()));
        }
        if end == 0 {
            return None;
        }
        end -= 1;
    }
}

/// Parses "<number><unit>" with `units` (name, scale) into number x scale, non-negative and
/// finite. A bare `0` is allowed when `bare_zero`. `what` names the quantity in messages.
pub(crate) fn parse_with_units(
    text: &str,
    units: &[(&str, f64)],
    what: &str,
    help: &str,
    bare_zero: bool,
) -> Result<f64, String> {
    let (value, unit) = split_number(text).ok_or_else(|| format!("expected {help}"))?;
    let scale = if unit.is_empty() && bare_zero && value == 0.0 {
        1.0
    } else {
        units
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|&(_, scale)| scale)
            .ok_or_else(|| format!("unknown {what} unit {unit:?}; expected {help}"))?
    };
    let result = value * scale;
    if !result.is_finite() || result < 0.0 {
        return Err(format!("must be finite and non-negative; expected {help}"));
    }
    Ok(result)
}

/// Parses a human duration such as `"7d"`, `"8min"`, `"0.5ms"` or `"0"` into nanoseconds.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    seconds_like_to_nanos(parse_with_units(text, DURATION_UNITS, "duration", DURATION_UNITS_HELP, true)?)
}

fn seconds_like_to_nanos(nanos: f64) -> Result<SimDuration, String> {
    if !nanos.is_finite() || nanos < 0.0 {
        return Err("must be a finite, non-negative duration".into());
    }
    if nanos > u64::MAX as f64 / 2.0 {
        return Err("is too long (the limit is about 290 years)".into());
    }
    Ok(nanos.round() as u64)
}

/// Converts seconds (as drawn from a distribution) to nanoseconds, saturating.
pub fn seconds_to_nanos(seconds: f64) -> SimDuration {
    if seconds.is_nan() || seconds <= 0.0 { 0 } else { (seconds * 1e9 + 0.5).min(u64::MAX as f64 / 2.0) as u64 }
}

/// Nanoseconds to seconds.
pub fn nanos_to_seconds(nanos: SimDuration) -> f64 {
    nanos as f64 / 1e9
}

/// Prints a duration given in seconds with three significant digits and a fitting unit.
pub fn format_seconds(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "-".into();
    }
    let s = seconds.abs();
    let (value, unit) = if s == 0.0 {
        (0.0, "s")
    } else if s < 1e-3 {
        (seconds * 1e6, "us")
    } else if s < 1.0 {
        (seconds * 1e3, "ms")
    } else if s < 120.0 {
        (seconds, "s")
    } else if s < 7200.0 {
        (seconds / 60.0, "min")
    } else if s < 2.0 * 86400.0 {
        (seconds / 3600.0, "h")
    } else {
        (seconds / 86400.0, "d")
    };
    format!("{} {unit}", three_significant(value))
}

/// Prints a nanosecond duration like `format_seconds`.
pub fn format_duration(nanos: SimDuration) -> String {
    format_seconds(nanos_to_seconds(nanos))
}

/// Formats a number with three significant digits (no exponent for ordinary magnitudes).
pub fn three_significant(value: f64) -> String {
    let a = value.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{value:.0}")
    } else if a >= 10.0 {
        format!("{value:.1}")
    } else if a >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_units_people_write() {
        assert_eq!(parse_duration("7d").unwrap(), 7 * DAY);
        assert_eq!(parse_duration("8min").unwrap(), 8 * MINUTE);
        assert_eq!(parse_duration("0.5ms").unwrap(), 500 * MICROSECOND);
        assert_eq!(parse_duration("1.5 h").unwrap(), 90 * MINUTE);
        assert_eq!(parse_duration("0").unwrap(), 0);
        assert_eq!(parse_duration("2w").unwrap(), 2 * WEEK);
        assert_eq!(parse_duration("1e3s").unwrap(), 1000 * SECOND);
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        assert!(parse_duration("7").is_err());
        assert!(parse_duration("7 parsecs").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("min").is_err());
    }

    #[test]
    fn prints_three_significant_digits() {
        assert_eq!(format_seconds(0.0123), "12.3 ms");
        assert_eq!(format_seconds(3.4661), "3.47 s");
        assert_eq!(format_seconds(7200.0), "2.00 h");
        assert_eq!(format_seconds(3.0 * 86400.0), "3.00 d");
    }
}
