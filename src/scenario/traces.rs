//! `[[traces]]`: trace sources in a scenario, parsed and validated into [`TraceSpec`]s.
//!
//! ```toml
//! [[traces]]
//! path = "traces/openb_pod_list_default.csv"   # relative to the scenario file
//! format = "alibaba-gpu-2023"
//! class = "fine-tuning"                          # or rules: [{ class = "x", column = "qos", values = ["LS"] }]
//! units_per_gpu = 1.0
//! origin = { weights = "regions" }               # or a region id, or { column = "region" }
//! data = "20GB"                                  # or a distribution, or { column = "bytes", unit = "GB" }
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::model::Region;
use crate::quantity::parse_bytes;
use crate::scenario::distribution::{self, Quantity};
use crate::scenario::error::{FieldError, FieldResult, shorten_list};
use crate::time::parse_duration;
use crate::workload::JobClass;
use crate::workload::trace::alibaba_pai_2020::TaskTable;
use crate::workload::trace::csv_generic::ColumnNames;
use crate::workload::trace::format::{CsvColumns, FORMAT_NAMES, LlmModel, TraceFormat};
use crate::workload::trace::{ClassRule, DataRule, OnBadRow, OriginRule, TraceSource, TraceSpec};

/// `[[traces]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrace {
    pub path: String,
    pub format: String,
    pub class: toml::Value,
    pub units_per_gpu: Option<f64>,
    pub origin: Option<toml::Value>,
    pub data: Option<toml::Value>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub speed: Option<f64>,
    pub scale: Option<f64>,
    pub shift: Option<String>,
    pub statuses: Option<Vec<String>>,
    pub on_bad_row: Option<String>,
    pub reorder_window: Option<String>,
    pub columns: Option<ColumnNames>,
    pub time_unit: Option<String>,
    pub prefill_tokens_per_second_per_unit: Option<f64>,
    pub decode_tokens_per_second_per_unit: Option<f64>,
    /// The task table of `alibaba-pai-2020` (default: `pai_task_table.csv` beside `path`).
    pub tasks: Option<String>,
}

fn seconds(text: &str, path: &str) -> FieldResult<f64> {
    parse_duration(text)
        .map(|ns| ns as f64 / 1e9)
        .map_err(|e| FieldError::new(path, format!("bad value {text:?}: {e}")))
}

fn positive(value: f64, path: &str, what: &str) -> FieldResult<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(FieldError::new(path, format!("bad value {value}: {what} must be a number > 0")))
    }
}

/// Validates every `[[traces]]`: paths relative to `dir`, classes by name, regions by id; each
/// file is opened and its header checked against the format and the mapping.
pub fn traces(raw: &[RawTrace], dir: &Path, classes: &[JobClass], regions: &[Region]) -> FieldResult<Vec<TraceSpec>> {
    raw.iter().enumerate().map(|(i, t)| trace(t, &format!("traces[{i}]"), dir, classes, regions)).collect()
}

fn trace(raw: &RawTrace, path: &str, dir: &Path, classes: &[JobClass], regions: &[Region]) -> FieldResult<TraceSpec> {
    let units_per_gpu = positive(raw.units_per_gpu.unwrap_or(1.0), &format!("{path}.units_per_gpu"), "units per GPU")?;
    let format = format(raw, path, dir, units_per_gpu)?;
    let start = raw.start.as_deref().map(|t| seconds(t, &format!("{path}.start"))).transpose()?.unwrap_or(0.0);
    let end = raw.end.as_deref().map(|t| seconds(t, &format!("{path}.end"))).transpose()?.unwrap_or(f64::INFINITY);
    if end <= start {
        return Err(FieldError::new(format!("{path}.end"), "the window's end must come after its start"));
    }
    let on_bad_row = match raw.on_bad_row.as_deref() {
        None | Some("error") => OnBadRow::Error,
        Some("skip") => OnBadRow::Skip,
        Some(other) => {
            return Err(FieldError::new(
                format!("{path}.on_bad_row"),
                format!("bad value {other:?}: expected \"error\" or \"skip\""),
            ));
        }
    };
    let scale = positive(raw.scale.unwrap_or(1.0), &format!("{path}.scale"), "the load scale")?;
    if scale > 1000.0 {
        return Err(FieldError::new(format!("{path}.scale"), format!("bad value {scale}: at most 1000 copies")));
    }
    let spec = TraceSpec {
        path: dir.join(&raw.path),
        file: raw.path.clone(),
        format,
        classes: class_rules(&raw.class, &format!("{path}.class"), classes)?,
        units_per_gpu,
        origin: origin(raw.origin.as_ref(), &format!("{path}.origin"), regions)?,
        data: data(raw.data.as_ref(), &format!("{path}.data"))?,
        start,
        end,
        speed: positive(raw.speed.unwrap_or(1.0), &format!("{path}.speed"), "the speed")?,
        scale,
        shift: raw.shift.as_deref().map(|t| seconds(t, &format!("{path}.shift"))).transpose()?.unwrap_or(3600.0),
        statuses: raw.statuses.clone(),
        on_bad_row,
        reorder_window: raw
            .reorder_window
            .as_deref()
            .map(|t| seconds(t, &format!("{path}.reorder_window")))
            .transpose()?
            .unwrap_or(0.0),
        outputs: classes.iter().map(|c| c.output.clone()).collect(),
    };
    if let Err(e) = TraceSource::open(&spec, 0, 0, 0) {
        return Err(FieldError::new(format!("{path}.path"), e.to_string()));
    }
    Ok(spec)
}

fn format(raw: &RawTrace, path: &str, dir: &Path, units_per_gpu: f64) -> FieldResult<TraceFormat> {
    let only = |key: &str, given: bool, format: &str| -> FieldResult<()> {
        if given && raw.format != format {
            return Err(FieldError::new(
                format!("{path}.{key}"),
                format!("`{key}` applies to format \"{format}\" only"),
            ));
        }
        Ok(())
    };
    only("columns", raw.columns.is_some(), "csv")?;
    only("time_unit", raw.time_unit.is_some(), "csv")?;
    only("tasks", raw.tasks.is_some(), "alibaba-pai-2020")?;
    let llm = raw.prefill_tokens_per_second_per_unit.is_some() || raw.decode_tokens_per_second_per_unit.is_some();
    only("prefill_tokens_per_second_per_unit", llm, "azure-llm")?;
    Ok(match raw.format.as_str() {
        "csv" => TraceFormat::Csv(csv_columns(raw, path)?),
        "azure-llm" => {
            let default = LlmModel::default();
            let rate = |v: Option<f64>, d: f64, key: &str| positive(v.unwrap_or(d), &format!("{path}.{key}"), "a rate");
            TraceFormat::AzureLlm(LlmModel {
                prefill_tokens_per_second_per_unit: rate(
                    raw.prefill_tokens_per_second_per_unit,
                    default.prefill_tokens_per_second_per_unit,
                    "prefill_tokens_per_second_per_unit",
                )?,
                decode_tokens_per_second_per_unit: rate(
                    raw.decode_tokens_per_second_per_unit,
                    default.decode_tokens_per_second_per_unit,
                    "decode_tokens_per_second_per_unit",
                )?,
                units: (units_per_gpu + 0.5).floor().max(1.0),
            })
        }
        "alibaba-gpu-2023" => TraceFormat::AlibabaGpu2023,
        "alibaba-pai-2020" => TraceFormat::AlibabaPai2020(match &raw.tasks {
            Some(tasks) => TaskTable { path: dir.join(tasks), file: tasks.clone() },
            None => TaskTable::beside(&dir.join(&raw.path)),
        }),
        "swf" => TraceFormat::Swf,
        "helios" => TraceFormat::Helios,
        "philly" => TraceFormat::Philly,
        other => {
            return Err(FieldError::new(
                format!("{path}.format"),
                format!("unknown format {other:?}; known: {}", FORMAT_NAMES.join(", ")),
            ));
        }
    })
}

fn csv_columns(raw: &RawTrace, path: &str) -> FieldResult<CsvColumns> {
    let Some(c) = &raw.columns else {
        return Err(FieldError::new(
            format!("{path}.columns"),
            "a csv trace needs columns = { submit = \"...\", runtime = \"...\" (or end = \"...\"), units = \"...\" }",
        ));
    };
    if c.runtime.is_none() && c.end.is_none() {
        return Err(FieldError::new(format!("{path}.columns"), "give `runtime`, or `end` (with `start` or not)"));
    }
    let time_unit = match raw.time_unit.as_deref().unwrap_or("s") {
        "ns" => 1e-9,
        "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "min" => 60.0,
        "h" => 3600.0,
        other => {
            return Err(FieldError::new(
                format!("{path}.time_unit"),
                format!("bad value {other:?}: expected \"ns\", \"us\", \"ms\", \"s\", \"min\" or \"h\""),
            ));
        }
    };
    Ok(CsvColumns { names: c.clone(), time_unit })
}

fn class_index(name: &str, path: &str, classes: &[JobClass]) -> FieldResult<u16> {
    classes.iter().position(|c| c.name == name).map(|i| i as u16).ok_or_else(|| {
        let known: Vec<&str> = classes.iter().map(|c| c.name.as_str()).collect();
        FieldError::new(path, format!("unknown class {name:?}; known classes: {}", shorten_list(&known)))
    })
}

/// A range `[low, high]` of numbers (or of durations, in seconds).
fn range(value: Option<&toml::Value>, path: &str, durations: bool) -> FieldResult<(f64, f64)> {
    let Some(value) = value else { return Ok((f64::NEG_INFINITY, f64::INFINITY)) };
    let expected = if durations { "[\"1min\", \"1h\"]" } else { "[1, 8]" };
    let bound = |v: &toml::Value| -> Option<f64> {
        match v {
            toml::Value::String(s) if durations => parse_duration(s).ok().map(|ns| ns as f64 / 1e9),
            toml::Value::Integer(i) if !durations => Some(*i as f64),
            toml::Value::Float(f) if !durations => Some(*f),
            _ => None,
        }
    };
    match value.as_array().map(|a| a.iter().map(bound).collect::<Option<Vec<f64>>>()) {
        Some(Some(b)) if b.len() == 2 && b[0] <= b[1] => Ok((b[0], b[1])),
        _ => Err(FieldError::new(path, format!("bad value {value}: expected a range [low, high] such as {expected}"))),
    }
}

/// A rule for `class` that matches every row (no column test, unbounded units and runtime).
fn match_all(class: u16) -> ClassRule {
    ClassRule {
        class,
        column: None,
        units: (f64::NEG_INFINITY, f64::INFINITY),
        runtime: (f64::NEG_INFINITY, f64::INFINITY),
    }
}

/// A trace's `class`: one class name, or a non-empty list of rules (first match wins).
fn class_rules(value: &toml::Value, path: &str, classes: &[JobClass]) -> FieldResult<Vec<ClassRule>> {
    if let Some(name) = value.as_str() {
        return Ok(vec![match_all(class_index(name, path, classes)?)]);
    }
    let expected = "a class name, or a list of rules like { class = \"x\", column = \"qos\", values = [\"LS\"], \
                    units = [1, 8], runtime = [\"0s\", \"1h\"] } (first match wins)";
    let Some(rules) = value.as_array().filter(|a| !a.is_empty()) else {
        return Err(FieldError::new(path, format!("bad value {value}: expected {expected}")));
    };
    rules.iter().enumerate().map(|(i, rule)| class_rule(rule, &format!("{path}[{i}]"), expected, classes)).collect()
}

/// One rule of a trace's `class` list: a table of `class`, optional `column` with `values`,
/// and optional `units` and `runtime` ranges.
fn class_rule(rule: &toml::Value, path: &str, expected: &str, classes: &[JobClass]) -> FieldResult<ClassRule> {
    let Some(table) = rule.as_table() else {
        return Err(FieldError::new(path, format!("bad value {rule}: expected {expected}")));
    };
    if let Some(key) = table.keys().find(|k| !["class", "column", "values", "units", "runtime"].contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("{path}.{key}"),
            format!("unknown key `{key}`; allowed: class, column, values, units, runtime"),
        ));
    }
    let name = table
        .get("class")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| FieldError::new(path, "a rule needs `class`, the name of a [[classes]] entry"))?;
    let mut built = match_all(class_index(name, &format!("{path}.class"), classes)?);
    built.column = rule_column(table, path)?;
    built.units = range(table.get("units"), &format!("{path}.units"), false)?;
    built.runtime = range(table.get("runtime"), &format!("{path}.runtime"), true)?;
    Ok(built)
}

/// A rule's `column` and `values` (a list of strings), given together or not at all.
fn rule_column(table: &toml::Table, path: &str) -> FieldResult<Option<(String, Vec<String>)>> {
    match (table.get("column").and_then(toml::Value::as_str), table.get("values")) {
        (None, None) => Ok(None),
        (Some(column), Some(toml::Value::Array(values))) if values.iter().all(toml::Value::is_str) => {
            let values = values.iter().filter_map(|v| v.as_str().map(String::from)).collect();
            Ok(Some((column.to_string(), values)))
        }
        _ => Err(FieldError::new(
            format!("{path}.column"),
            "give `column` (a name) and `values` (a list of strings) together",
        )),
    }
}

fn origin(value: Option<&toml::Value>, path: &str, regions: &[Region]) -> FieldResult<OriginRule> {
    let known = || regions.iter().map(|r| r.id.as_str()).collect::<Vec<_>>();
    let region = |id: &str, path: &str| {
        regions.iter().position(|r| r.id == id).ok_or_else(|| {
            FieldError::new(path, format!("unknown region id {id:?}; known regions: {}", shorten_list(&known())))
        })
    };
    let expected = "a region id, { column = \"name\" }, { weights = \"regions\" } or { weights = { id = 2.0, ... } }";
    let all = || OriginRule::Weights(regions.iter().map(|r| r.weight).collect());
    let Some(value) = value else { return Ok(all()) };
    if let Some(id) = value.as_str() {
        return Ok(OriginRule::Region(region(id, path)? as u16));
    }
    let table =
        value.as_table().ok_or_else(|| FieldError::new(path, format!("bad value {value}: expected {expected}")))?;
    match (table.get("column"), table.get("weights"), table.len()) {
        (Some(toml::Value::String(column)), None, 1) => {
            Ok(OriginRule::Column { column: column.clone(), ids: regions.iter().map(|r| r.id.clone()).collect() })
        }
        (None, Some(toml::Value::String(w)), 1) if w == "regions" => Ok(all()),
        (None, Some(toml::Value::Table(map)), 1) => {
            let mut weights = vec![0.0; regions.len()];
            for (id, w) in map {
                let key = format!("{path}.weights.{id}");
                let w = w.as_float().or_else(|| w.as_integer().map(|i| i as f64)).unwrap_or(f64::NAN);
                if !(w.is_finite() && w >= 0.0) {
                    return Err(FieldError::new(key, format!("bad value {w}: a weight must be >= 0")));
                }
                weights[region(id, &key)?] = w;
            }
            if weights.iter().sum::<f64>() <= 0.0 {
                return Err(FieldError::new(format!("{path}.weights"), "at least one weight must be > 0"));
            }
            Ok(OriginRule::Weights(weights))
        }
        _ => Err(FieldError::new(path, format!("bad value {value}: expected {expected}"))),
    }
}

fn data(value: Option<&toml::Value>, path: &str) -> FieldResult<DataRule> {
    let Some(value) = value else {
        return Ok(DataRule::Distribution(crate::workload::Distribution::constant(0.0).expect("0 is finite")));
    };
    if let Some(toml::Value::String(column)) = value.get("column") {
        let unit = value.get("unit").and_then(toml::Value::as_str).unwrap_or("B");
        let bytes_per_value = parse_bytes(&format!("1{unit}"))
            .map_err(|e| FieldError::new(format!("{path}.unit"), format!("bad value {unit:?}: {e}")))?;
        return Ok(DataRule::Column { column: column.clone(), bytes_per_value });
    }
    distribution::read(value, Quantity::Bytes, path).map(DataRule::Distribution)
}

/// The mapping `cnsim trace inspect` uses without a scenario: every row one job of class 0,
/// one unit per GPU, from region 0, no data. `csv` needs a scenario for its columns.
pub fn standalone(path: &Path, format: &str) -> Result<TraceSpec, String> {
    let format = match format {
        "azure-llm" => TraceFormat::AzureLlm(LlmModel::default()),
        "alibaba-gpu-2023" => TraceFormat::AlibabaGpu2023,
        "alibaba-pai-2020" => TraceFormat::AlibabaPai2020(TaskTable::beside(path)),
        "swf" => TraceFormat::Swf,
        "helios" => TraceFormat::Helios,
        "philly" => TraceFormat::Philly,
        "csv" => return Err("format \"csv\" needs --scenario, whose [[traces]] entry maps its columns".into()),
        other => return Err(format!("unknown format {other:?}; known: {}", FORMAT_NAMES.join(", "))),
    };
    let everything = (f64::NEG_INFINITY, f64::INFINITY);
    Ok(TraceSpec {
        path: path.to_path_buf(),
        file: path.display().to_string(),
        format,
        classes: vec![ClassRule { class: 0, column: None, units: everything, runtime: everything }],
        units_per_gpu: 1.0,
        origin: OriginRule::Region(0),
        data: DataRule::Distribution(crate::workload::Distribution::constant(0.0).expect("0 is finite")),
        start: 0.0,
        end: f64::INFINITY,
        speed: 1.0,
        scale: 1.0,
        shift: 0.0,
        statuses: None,
        on_bad_row: OnBadRow::Skip,
        reorder_window: 0.0,
        outputs: Vec::new(),
    })
}
