//! Reads a distribution written in TOML: a bare quantity (a constant) or a table with `dist`.
//!
//! ```toml
//! units = 1
//! runtime = { dist = "lognormal", median = "2h", sigma = 1.0, max = "7d" }
//! data = "10GB"
//! ```

use crate::quantity::{BYTES_HELP, parse_bytes};
use crate::scenario::error::{FieldError, FieldResult};
use crate::time::{DURATION_UNITS_HELP, parse_duration};
use crate::workload::Distribution;

/// What a distribution's values measure, and so how they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// A plain number (units of a pool).
    Count,
    /// A duration with a unit ("8min"); values are seconds.
    Duration,
    /// A byte size with a unit ("100GB"); values are bytes.
    Bytes,
}

impl Quantity {
    fn help(self) -> &'static str {
        match self {
            Quantity::Count => "a number",
            Quantity::Duration => DURATION_UNITS_HELP,
            Quantity::Bytes => BYTES_HELP,
        }
    }

    /// Reads one value of this quantity at `path`.
    fn read(self, value: &toml::Value, path: &str) -> FieldResult<f64> {
        let number = match value {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        match (self, number, value.as_str()) {
            (Quantity::Count, Some(n), _) => Ok(n),
            (Quantity::Bytes, Some(0.0), _) => Ok(0.0),
            (Quantity::Duration, _, Some(text)) => parse_duration(text)
                .map(|ns| ns as f64 / 1e9)
                .map_err(|e| FieldError::new(path, format!("bad value {text:?}: {e}"))),
            (Quantity::Bytes, _, Some(text)) => {
                parse_bytes(text).map_err(|e| FieldError::new(path, format!("bad value {text:?}: {e}")))
            }
            _ => Err(FieldError::new(path, format!("bad value {value}: expected {}", self.help()))),
        }
    }
}

/// The distributions and the keys each one takes (besides `dist`, `min` and `max`).
const SHAPES: &[(&str, &[&str])] = &[
    ("constant", &["value"]),
    ("exponential", &["mean"]),
    ("lognormal", &["median", "sigma"]),
    ("pareto", &["scale", "shape"]),
    ("uniform", &["low", "high"]),
    ("empirical", &["values"]),
];

fn shape_names() -> String {
    SHAPES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

fn plain_number(value: &toml::Value, path: &str) -> FieldResult<f64> {
    match value {
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Float(f) => Ok(*f),
        other => Err(FieldError::new(path, format!("bad value {other}: expected a number"))),
    }
}

/// Reads the distribution at `path`.
pub fn read(value: &toml::Value, quantity: Quantity, path: &str) -> FieldResult<Distribution> {
    let toml::Value::Table(table) = value else {
        let constant = quantity.read(value, path)?;
        return Distribution::constant(constant).map_err(|e| FieldError::new(path, e));
    };
    let kind = table.get("dist").ok_or_else(|| {
        FieldError::new(path, format!("a distribution table needs `dist`, one of: {}", shape_names()))
    })?;
    let kind = kind.as_str().unwrap_or_default();
    let Some(&(_, keys)) = SHAPES.iter().find(|(name, _)| *name == kind) else {
        return Err(FieldError::new(
            format!("{path}.dist"),
            format!("unknown distribution {kind:?}; known: {}", shape_names()),
        ));
    };
    for key in table.keys() {
        if !(key == "dist" || key == "min" || key == "max" || keys.contains(&key.as_str())) {
            return Err(FieldError::new(
                format!("{path}.{key}"),
                format!("unknown key `{key}` for a {kind} distribution; allowed: dist, {}, min, max", keys.join(", ")),
            ));
        }
    }
    let field = |key: &str| -> FieldResult<&toml::Value> {
        table.get(key).ok_or_else(|| FieldError::new(path, format!("a {kind} distribution needs `{key}`")))
    };
    let value_of = |key: &str| -> FieldResult<f64> { quantity.read(field(key)?, &format!("{path}.{key}")) };
    let number_of = |key: &str| -> FieldResult<f64> { plain_number(field(key)?, &format!("{path}.{key}")) };
    let built = match kind {
        "constant" => Distribution::constant(value_of("value")?),
        "exponential" => Distribution::exponential(value_of("mean")?),
        "lognormal" => Distribution::lognormal(value_of("median")?, number_of("sigma")?),
        "pareto" => Distribution::pareto(value_of("scale")?, number_of("shape")?),
        "uniform" => Distribution::uniform(value_of("low")?, value_of("high")?),
        "empirical" => {
            let values_path = format!("{path}.values");
            let list = field("values")?
                .as_array()
                .ok_or_else(|| FieldError::new(&values_path, "expected a list of values"))?;
            let values = list
                .iter()
                .enumerate()
                .map(|(i, v)| quantity.read(v, &format!("{values_path}[{i}]")))
                .collect::<FieldResult<Vec<f64>>>()?;
            Distribution::empirical(values)
        }
        _ => unreachable!("kind checked against SHAPES"),
    }
    .map_err(|e| FieldError::new(path, e))?;
    let clamp = |key: &str| -> FieldResult<Option<f64>> {
        table.get(key).map(|v| quantity.read(v, &format!("{path}.{key}"))).transpose()
    };
    built.clamped(clamp("min")?, clamp("max")?).map_err(|e| FieldError::new(path, e))
}
