//! Human quantities other than time: bytes ("100GB"), bandwidth ("1Tbps") and rates ("2000/h").

use crate::time::{parse_duration, parse_with_units, split_number};

/// What `parse_bytes` accepts, for error messages.
pub const BYTES_HELP: &str =
    "a number and a unit: B, kB, MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB (e.g. \"100GB\")";
/// What `parse_bandwidth` accepts, for error messages.
pub const BANDWIDTH_HELP: &str = "a number and a unit: bps, kbps, Mbps, Gbps or Tbps (e.g. \"1Tbps\")";
/// What `parse_rate` accepts, for error messages.
pub const RATE_HELP: &str = "a count per time unit, e.g. \"2000/h\", \"57.6/s\", \"3/min\"";

const BYTE_UNITS: &[(&str, f64)] = &[
    ("B", 1.0),
    ("kB", 1e3),
    ("KB", 1e3),
    ("MB", 1e6),
    ("GB", 1e9),
    ("TB", 1e12),
    ("PB", 1e15),
    ("KiB", 1024.0),
    ("MiB", 1048576.0),
    ("GiB", 1073741824.0),
    ("TiB", 1099511627776.0),
    ("PiB", 1125899906842624.0),
];

const BANDWIDTH_UNITS: &[(&str, f64)] =
    &[("bps", 1.0), ("kbps", 1e3), ("Kbps", 1e3), ("Mbps", 1e6), ("Gbps", 1e9), ("Tbps", 1e12)];

/// Parses a byte size such as `"100GB"` or `"1.5TiB"`; a bare `0` is allowed.
pub fn parse_bytes(text: &str) -> Result<f64, String> {
    parse_with_units(text, BYTE_UNITS, "byte", BYTES_HELP, true)
}

/// Parses a bandwidth such as `"1Tbps"` into bits per second.
pub fn parse_bandwidth(text: &str) -> Result<f64, String> {
    let bps = parse_with_units(text, BANDWIDTH_UNITS, "bandwidth", BANDWIDTH_HELP, false)?;
    if bps <= 0.0 {
        return Err("must be positive".into());
    }
    Ok(bps)
}

/// Parses a rate such as `"2000/h"` into events per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let (count, per) = text.split_once('/').ok_or_else(|| format!("expected {RATE_HELP}"))?;
    let (count, rest) = split_number(count).ok_or_else(|| format!("expected {RATE_HELP}"))?;
    if !rest.is_empty() {
        return Err(format!("expected {RATE_HELP}"));
    }
    let per = per.trim();
    let per = if per.chars().next().is_some_and(|c| c.is_ascii_digit()) { per.to_string() } else { format!("1{per}") };
    let period = parse_duration(&per).map_err(|_| format!("unknown time unit after '/'; expected {RATE_HELP}"))?;
    if period == 0 {
        return Err(format!("the period must be positive; expected {RATE_HELP}"));
    }
    if !count.is_finite() || count <= 0.0 {
        return Err("must be positive".into());
    }
    Ok(count / (period as f64 / 1e9))
}

/// Prints a byte count with a decimal unit and three significant digits.
pub fn format_bytes(bytes: f64) -> String {
    let units = [("B", 1.0), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("PB", 1e15), ("EB", 1e18)];
    let mut chosen = units[0];
    for unit in units {
        if bytes >= unit.1 {
            chosen = unit;
        }
    }
    format!("{} {}", crate::time::three_significant(bytes / chosen.1), chosen.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_bandwidth_and_rates() {
        assert_eq!(parse_bytes("100GB").unwrap(), 100e9);
        assert_eq!(parse_bytes("1KiB").unwrap(), 1024.0);
        assert_eq!(parse_bytes("0").unwrap(), 0.0);
        assert_eq!(parse_bytes("0B").unwrap(), 0.0);
        assert!(parse_bytes("12").is_err());
        assert_eq!(parse_bandwidth("1Tbps").unwrap(), 1e12);
        assert!(parse_bandwidth("0Gbps").is_err());
        assert!((parse_rate("2000/h").unwrap() - 2000.0 / 3600.0).abs() < 1e-12);
        assert!((parse_rate("57.6/s").unwrap() - 57.6).abs() < 1e-12);
        assert!((parse_rate("1/10min").unwrap() - 1.0 / 600.0).abs() < 1e-12);
        assert!(parse_rate("57.6").is_err());
        assert!(parse_rate("0/s").is_err());
        assert_eq!(format_bytes(2.5e12), "2.50 TB");
    }
}
