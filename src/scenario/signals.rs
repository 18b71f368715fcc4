//! `[signals]` -> per-hub time-varying signals. A scenario without the section keeps constant
//! prices and intensities (and the report it always had).
//!
//! Each hub's price, grid intensity and renewable share start from its constants; a signal
//! preset (`preset = "china-2022"`) replaces them for the hubs it knows, `hubs.<id>` entries
//! replace those, and a CSV series replaces the hubs it has columns for.

use std::path::Path;

use crate::model::signals::effective_carbon;
use crate::model::{ForecastModel, Hub, HubSignals, Interpolation, Signal, Signals};
use crate::scenario::error::{FieldError, FieldResult};
use crate::scenario::raw::{RawSignalSet, RawSignals};
use crate::scenario::signal_csv::{self, PastEnd, SeriesOptions};
use crate::scenario::signal_spec::{self, Range};
use crate::seeds;
use crate::time::{DAY, SimTime};

/// How far past the run's end periodic signals are laid out (forecasts look past the end).
const HORIZON_PAD: SimTime = 30 * DAY;

const PRICE: Range = Range { what: "a price in CNY/kWh", max: 100.0 };
const CARBON: Range = Range { what: "a carbon intensity in kg CO2/kWh", max: 10.0 };
const RENEWABLE: Range = Range { what: "a renewable share", max: 1.0 };

/// Where a signal set's values come from and where they go.
struct Target<'a> {
    hubs: &'a [Hub],
    range: Range,
    /// The constant each hub had, which tariff ratios multiply.
    flat: Vec<f64>,
    /// Whether a hub id not in the world is an error (it is not in a preset).
    strict: bool,
    dir: &'a Path,
    duration: SimTime,
}

/// The scenario's signals; `None` without a `[signals]` section.
pub(super) fn signals(
    raw: Option<&RawSignals>,
    hubs: &[Hub],
    grid: f64,
    duration: SimTime,
    dir: &Path,
) -> FieldResult<Option<Signals>> {
    let Some(raw) = raw else { return Ok(None) };
    let flat = |f: fn(&Hub) -> f64| hubs.iter().map(f).collect::<Vec<f64>>();
    let target = |range, flat, strict| Target { hubs, range, flat, strict, dir, duration };
    let mut price: Vec<Signal> = hubs.iter().map(|h| Signal::constant(h.price)).collect();
    let mut carbon = vec![Signal::constant(grid); hubs.len()];
    let mut renewable: Vec<Signal> = hubs.iter().map(|h| Signal::constant(h.renewable)).collect();
    let layers = match &raw.preset {
        Some(name) => vec![(load_preset(name)?, format!("<signal preset {name}>"), false)],
        None => vec![],
    };
    let user = [(raw, "signals".to_string(), true)];
    for (set, path, strict) in layers.iter().map(|(r, p, s)| (r, p, *s)).chain(user.iter().map(|(r, p, s)| (*r, p, *s)))
    {
        apply(set.price.as_ref(), &mut price, &target(PRICE, flat(|h| h.price), strict), &format!("{path}.price"))?;
        apply(
            set.carbon.as_ref(),
            &mut carbon,
            &target(CARBON, vec![grid; hubs.len()], strict),
            &format!("{path}.carbon"),
        )?;
        let renewables = target(RENEWABLE, flat(|h| h.renewable), strict);
        apply(set.renewable.as_ref(), &mut renewable, &renewables, &format!("{path}.renewable"))?;
    }
    let mut per_hub = Vec::with_capacity(hubs.len());
    for (h, (price, grid)) in price.into_iter().zip(carbon).enumerate() {
        let carbon = effective_carbon(&grid, &renewable[h])
            .map_err(|e| FieldError::new(format!("signals.renewable.hubs.{}", hubs[h].id), e))?;
        per_hub.push(HubSignals { price, carbon });
    }
    let forecast = match raw.forecast_error {
        None | Some(0.0) => ForecastModel::Perfect,
        Some(error) if error.is_finite() && error > 0.0 && error <= 5.0 => ForecastModel::Noisy { error },
        Some(error) => {
            return Err(FieldError::new(
                "signals.forecast_error",
                format!("bad value {error}: the relative forecast error a day ahead must be between 0 and 5"),
            ));
        }
    };
    Ok(Some(Signals { hubs: per_hub, forecast }))
}

/// Parses a built-in signal preset.
fn load_preset(name: &str) -> FieldResult<RawSignals> {
    let (source, known) = (seeds::signal_preset_source(name), seeds::signal_preset_names());
    super::validate::builtin("signals.preset", "signal preset", name, source, &known)
}

/// Applies one signal set (per-hub entries, then its CSV) to `out`.
fn apply(set: Option<&RawSignalSet>, out: &mut [Signal], target: &Target<'_>, path: &str) -> FieldResult<()> {
    let Some(set) = set else { return Ok(()) };
    let horizon = target.duration + HORIZON_PAD;
    for (id, value) in &set.hubs {
        let entry = format!("{path}.hubs.{id}");
        let Some(h) = target.hubs.iter().position(|h| &h.id == id) else {
            if !target.strict {
                continue;
            }
            let known: Vec<&str> = target.hubs.iter().map(|h| h.id.as_str()).collect();
            return Err(FieldError::new(
                entry,
                format!("unknown hub id {id:?}; known hubs: {}", crate::scenario::error::shorten_list(&known)),
            ));
        };
        out[h] = signal_spec::read(value, target.range, target.flat[h], horizon, &entry)?;
    }
    let Some(file) = &set.csv else {
        return match set_options_given(set) {
            Some(key) => Err(FieldError::new(format!("{path}.{key}"), "applies to a CSV series: give `csv` too")),
            None => Ok(()),
        };
    };
    let options = series_options(set, target.duration, horizon, path)?;
    let ids: Vec<&str> = target.hubs.iter().map(|h| h.id.as_str()).collect();
    let series = signal_csv::read(&target.dir.join(file), file, &ids, target.range, &options)
        .map_err(|e| FieldError::new(format!("{path}.csv"), e))?;
    for (h, signal) in series {
        out[h] = signal;
    }
    Ok(())
}

fn set_options_given(set: &RawSignalSet) -> Option<&'static str> {
    [
        ("time", set.time.is_some()),
        ("start", set.start.is_some()),
        ("interpolate", set.interpolate.is_some()),
        ("past_end", set.past_end.is_some()),
    ]
    .into_iter()
    .find_map(|(k, given)| given.then_some(k))
}

/// How to read a set's CSV series.
fn series_options(set: &RawSignalSet, duration: SimTime, horizon: SimTime, path: &str) -> FieldResult<SeriesOptions> {
    let interpolation = match set.interpolate.as_deref() {
        None | Some("step") => Interpolation::Step,
        Some("linear") => Interpolation::Linear,
        Some(other) => {
            return Err(FieldError::new(
                format!("{path}.interpolate"),
                format!("bad value {other:?}: expected \"step\" or \"linear\""),
            ));
        }
    };
    let past_end = match set.past_end.as_deref() {
        None => PastEnd::Error,
        Some(text) => PastEnd::parse(text).ok_or_else(|| {
            FieldError::new(
                format!("{path}.past_end"),
                format!("bad value {text:?}: expected \"repeat\", \"hold\" or \"error\""),
            )
        })?,
    };
    let start = match (set.time.as_deref(), set.start.as_deref()) {
        (None | Some("offset"), None) => None,
        (Some("timestamp"), Some(text)) => Some(signal_csv::parse_timestamp(text).ok_or_else(|| {
            FieldError::new(
                format!("{path}.start"),
                format!("bad value {text:?}: expected a timestamp like \"2024-07-01 00:00\""),
            )
        })?),
        (Some("timestamp"), None) => {
            return Err(FieldError::new(
                format!("{path}.start"),
                "time = \"timestamp\" needs `start`, the timestamp of the run's start",
            ));
        }
        (None | Some("offset"), Some(_)) => {
            return Err(FieldError::new(format!("{path}.start"), "`start` applies to time = \"timestamp\""));
        }
        (Some(other), _) => {
            return Err(FieldError::new(
                format!("{path}.time"),
                format!("bad value {other:?}: expected \"offset\" or \"timestamp\""),
            ));
        }
    };
    Ok(SeriesOptions { start, interpolation, past_end, duration, horizon })
}
