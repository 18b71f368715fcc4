//! What-if overrides (`--set PATH=VALUE`, `--load-scale F`) and preset references in inline
//! worlds, both applied to the parsed TOML document before it is deserialised, so that one
//! validation pass checks the result exactly like a hand-edited file.
//!
//! Paths name tables by key and array entries by their `id` (hubs, regions) or `name`
//! (classes), or by a 0-based index: `hubs.ningxia.intelligent`, `classes.batch-inference.rate`,
//! `network.route_factor`, `seed`, `scheduler.d`. A value starting with `x` multiplies the
//! current value (`x1.5`); for text values such as `"40/h"`, `"2h"` or `"10GB"` the leading
//! number is multiplied and the unit kept. The pseudo-path `load_scale` multiplies every
//! class's arrival rate. See `docs/what-if.md`.

use std::fmt;

use toml::{Table, Value};

use crate::seeds;
use crate::time::split_number;

/// One override: a dotted path and the value written there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// Dotted path, e.g. `hubs.ningxia.intelligent`, or `load_scale`.
    pub path: String,
    /// The value as typed: a TOML value, bare text, or `xF` to multiply.
    pub value: String,
}

/// The pseudo-path that scales every class's arrival rate.
pub const LOAD_SCALE: &str = "load_scale";

impl Override {
    /// Parses `PATH=VALUE`.
    pub fn parse(text: &str) -> Result<Override, String> {
        let (path, value) = text.split_once('=').ok_or_else(|| {
            format!(
                "--set {text:?}: expected PATH=VALUE, e.g. hubs.ningxia.intelligent=38162 or classes.NAME.rate=x1.5"
            )
        })?;
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "--set {text:?}: the path {path:?} has an empty part; expected dotted keys like network.route_factor"
            ));
        }
        if value.is_empty() {
            return Err(format!("--set {text:?}: the value is empty"));
        }
        Ok(Override { path: path.to_string(), value: value.to_string() })
    }

    /// The override `--load-scale factor`.
    pub fn load_scale(factor: f64) -> Override {
        Override { path: LOAD_SCALE.to_string(), value: factor.to_string() }
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path == LOAD_SCALE {
            write!(f, "--load-scale {}", self.value)
        } else {
            write!(f, "--set {}={}", self.path, self.value)
        }
    }
}

/// Parses a preset's TOML into a document.
fn preset_document(name: &str) -> Result<Table, String> {
    let source = seeds::preset_source(name)
        .ok_or_else(|| format!("unknown preset {name:?}; known presets: {}", seeds::preset_names().join(", ")))?;
    source.parse::<Table>().map_err(|e| format!("built-in preset {name:?} is invalid: {e}"))
}

fn entry_key(entry: &Value) -> Option<&str> {
    let t = entry.as_table()?;
    t.get("id").or_else(|| t.get("name")).and_then(Value::as_str)
}

fn known_keys(array: &[Value]) -> String {
    let keys: Vec<&str> = array.iter().filter_map(entry_key).collect();
    if keys.is_empty() { "(none)".to_string() } else { crate::scenario::error::shorten_list(&keys) }
}

/// Replaces `preset = "ID"` (or `"PRESET:ID"`) in `[[hubs]]` and `[[regions]]` entries by the
/// preset's hub or region, with the entry's other keys laid over it. Returns whether anything
/// was expanded; errors are (document path, message).
pub(crate) fn expand_preset_refs(doc: &mut Table) -> Result<bool, (String, String)> {
    let mut expanded = false;
    for section in ["hubs", "regions"] {
        let Some(Value::Array(entries)) = doc.get_mut(section) else { continue };
        for (i, entry) in entries.iter_mut().enumerate() {
            let Some(table) = entry.as_table_mut() else { continue };
            let Some(reference) = table.remove("preset") else { continue };
            let path = format!("{section}[{i}].preset");
            let Some(reference) = reference.as_str() else {
                return Err((path, format!("bad value {reference}: expected \"ID\" or \"PRESET:ID\"")));
            };
            let (preset, id) = reference.split_once(':').unwrap_or((seeds::DEFAULT_PRESET, reference));
            let source = preset_document(preset).map_err(|e| (path.clone(), e))?;
            let Some(Value::Array(items)) = source.get(section) else {
                return Err((path, format!("preset {preset:?} has no {section}")));
            };
            let Some(base) = items.iter().find(|e| entry_key(e) == Some(id)).and_then(Value::as_table) else {
                return Err((
                    path,
                    format!("preset {preset:?} has no entry {id:?} in its {section}; known: {}", known_keys(items)),
                ));
            };
            let mut merged = base.clone();
            for (k, v) in std::mem::take(table) {
                merged.insert(k, v);
            }
            *table = merged;
            expanded = true;
        }
    }
    Ok(expanded)
}

/// Applies one override to `doc`; returns the document path it wrote (or `classes` for
/// `load_scale`), for naming the override in later validation errors.
pub(crate) fn apply(doc: &mut Table, o: &Override) -> Result<String, String> {
    if o.path == LOAD_SCALE {
        return apply_load_scale(doc, &o.value);
    }
    let segments: Vec<&str> = o.path.split('.').collect();
    if segments[0] == "hubs" && is_preset_world(doc) {
        return apply_preset_hub(doc, &segments, o);
    }
    if segments[0] == "regions" && is_preset_world(doc) && !doc.contains_key("regions") {
        // Regions come from the preset: copy them inline so one of them can change.
        let preset = preset_name(doc).unwrap_or_default();
        let source = preset_document(&preset)?;
        if let Some(regions) = source.get("regions") {
            doc.insert("regions".into(), regions.clone());
        }
    }
    if segments[0] == "scheduler" && segments.len() > 1 {
        // `scheduler = "name"` becomes `scheduler = { name = "name" }` to take parameters.
        let name = match doc.get("scheduler") {
            None => Some("least-loaded".to_string()),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        if let Some(name) = name {
            let mut t = Table::new();
            t.insert("name".into(), Value::String(name));
            doc.insert("scheduler".into(), Value::Table(t));
        }
    }
    let mut written = String::new();
    let mut table = doc;
    for (depth, segment) in segments[..segments.len() - 1].iter().enumerate() {
        if !written.is_empty() {
            written.push('.');
        }
        written.push_str(segment);
        let next = segments[depth + 1];
        let value = table.entry(segment.to_string()).or_insert_with(|| Value::Table(Table::new()));
        table = match value {
            Value::Table(t) => t,
            Value::Array(items) => {
                // The next segment picks an entry by id, name or index.
                let position = items
                    .iter()
                    .position(|e| entry_key(e) == Some(next))
                    .or_else(|| next.parse::<usize>().ok().filter(|&i| i < items.len()));
                let Some(position) = position else {
                    return Err(format!(
                        "{o}: no entry {next:?} in `{written}`; known: {} (or an index below {})",
                        known_keys(items),
                        items.len()
                    ));
                };
                if depth + 2 >= segments.len() {
                    return Err(format!(
                        "{o}: the path names a whole `{written}` entry; add a field, e.g. {}.FIELD",
                        o.path
                    ));
                }
                written.push_str(&format!("[{position}]"));
                // Skip the entry's segment: it was consumed here.
                return set_in_array_entry(items, position, &segments[depth + 2..], &mut written, o);
            }
            other => {
                return Err(format!(
                    "{o}: `{written}` holds a value of type {}, not a table; it has no field {next:?}",
                    other.type_str()
                ));
            }
        };
    }
    let key = segments[segments.len() - 1];
    push_key(&mut written, key);
    let new = new_value(table.get(key), &o.value, o)?;
    table.insert(key.to_string(), new);
    Ok(written)
}

fn push_key(written: &mut String, key: &str) {
    if !written.is_empty() {
        written.push('.');
    }
    written.push_str(key);
}

fn set_in_array_entry(
    items: &mut [Value],
    position: usize,
    rest: &[&str],
    written: &mut String,
    o: &Override,
) -> Result<String, String> {
    let Some(mut table) = items[position].as_table_mut() else {
        return Err(format!("{o}: `{written}` is not a table"));
    };
    for segment in &rest[..rest.len() - 1] {
        push_key(written, segment);
        let value = table.entry(segment.to_string()).or_insert_with(|| Value::Table(Table::new()));
        table = match value {
            Value::Table(t) => t,
            other => {
                return Err(format!("{o}: `{written}` holds a value of type {}, not a table", other.type_str()));
            }
        };
    }
    let key = rest[rest.len() - 1];
    push_key(written, key);
    let new = new_value(table.get(key), &o.value, o)?;
    table.insert(key.to_string(), new);
    Ok(written.clone())
}

fn is_preset_world(doc: &Table) -> bool {
    preset_name(doc).is_some() && !doc.contains_key("hubs")
}

fn preset_name(doc: &Table) -> Option<String> {
    doc.get("world")?.get("preset")?.as_str().map(String::from)
}

/// `hubs.ID.FIELD` on a preset world: writes `[[world.hub]] id = ID, FIELD = value`.
fn apply_preset_hub(doc: &mut Table, segments: &[&str], o: &Override) -> Result<String, String> {
    const FIELDS: &[&str] = &["intelligent", "general", "pue", "price", "renewable"];
    let preset = preset_name(doc).unwrap_or_default();
    let source = preset_document(&preset)?;
    let hubs = source.get("hubs").and_then(Value::as_array).cloned().unwrap_or_default();
    let [_, id, field] = segments else {
        return Err(format!("{o}: expected hubs.ID.FIELD with FIELD one of {}", FIELDS.join(", ")));
    };
    let Some(base) = hubs.iter().find(|h| entry_key(h) == Some(id)) else {
        return Err(format!("{o}: unknown hub id {id:?}; known hubs of preset {preset:?}: {}", known_keys(&hubs)));
    };
    if !FIELDS.contains(field) {
        return Err(format!(
            "{o}: a preset hub takes overrides of {} only (field {field:?} is not one of them)",
            FIELDS.join(", ")
        ));
    }
    let scale = doc.get("world").and_then(|w| w.get("scale")).and_then(as_number).unwrap_or(1.0);
    let world = doc.get_mut("world").and_then(Value::as_table_mut).expect("a preset world has [world]");
    let list = world.entry("hub").or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(list) = list else {
        return Err(format!("{o}: `world.hub` must be an array of tables ([[world.hub]])"));
    };
    let position = match list.iter().position(|e| entry_key(e) == Some(id)) {
        Some(p) => p,
        None => {
            let mut t = Table::new();
            t.insert("id".into(), Value::String(id.to_string()));
            list.push(Value::Table(t));
            list.len() - 1
        }
    };
    let entry = list[position].as_table_mut().ok_or_else(|| format!("{o}: `world.hub[{position}]` is not a table"))?;
    let current = match entry.get(*field) {
        Some(v) => Some(v.clone()),
        // The preset's value as the scenario sees it: capacities scaled by `world.scale`.
        None => base.get(*field).map(|v| match (*field, as_number(v)) {
            ("intelligent" | "general", Some(n)) => Value::Integer((n * scale).round() as i64),
            _ => v.clone(),
        }),
    };
    let new = new_value(current.as_ref(), &o.value, o)?;
    entry.insert(field.to_string(), new);
    Ok(format!("world.hub[{position}].{field}"))
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Parses the factor of `xF` (also `*F`), if the text is one.
fn factor(text: &str) -> Option<Result<f64, String>> {
    let rest = text.strip_prefix('x').or_else(|| text.strip_prefix('*'))?;
    Some(match rest.trim().parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 => Ok(f),
        _ => Err(format!("bad factor {rest:?}: expected a number >= 0 after 'x', e.g. x1.5")),
    })
}

/// Multiplies a value: numbers directly (integers rounded), text by its leading number.
fn multiply(current: &Value, f: f64) -> Result<Value, String> {
    match current {
        Value::Integer(i) => Ok(Value::Integer((*i as f64 * f).round() as i64)),
        Value::Float(v) => Ok(Value::Float(v * f)),
        Value::String(s) => {
            let (number, rest) = split_number(s)
                .ok_or_else(|| format!("the current value {s:?} does not start with a number to multiply"))?;
            Ok(Value::String(format!("{}{rest}", number * f)))
        }
        other => Err(format!("the current value is a {}, which cannot be multiplied", other.type_str())),
    }
}

/// The value to write: `xF` multiplies `current`; text replaces a text value verbatim; anything
/// else is read as a TOML value (`38162`, `1.8`, `true`, `{ dist = "exponential", mean = "1h" }`),
/// falling back to text (`2d`, `40/h`).
fn new_value(current: Option<&Value>, text: &str, o: &Override) -> Result<Value, String> {
    if let Some(f) = factor(text) {
        let f = f.map_err(|e| format!("{o}: {e}"))?;
        let current =
            current.ok_or_else(|| format!("{o}: there is no current value to multiply; give a value instead"))?;
        return multiply(current, f).map_err(|e| format!("{o}: {e}"));
    }
    let unquoted = text.strip_prefix('"').and_then(|t| t.strip_suffix('"'));
    if matches!(current, Some(Value::String(_))) {
        return Ok(Value::String(unquoted.unwrap_or(text).to_string()));
    }
    match format!("v = {text}").parse::<Table>() {
        Ok(mut t) => Ok(t.remove("v").expect("parsed key")),
        Err(_) => Ok(Value::String(text.to_string())),
    }
}

/// `load_scale = F`: every class's rate multiplied by F, keeping its unit (`40/h` x 1.5 = `60/h`).
fn apply_load_scale(doc: &mut Table, value: &str) -> Result<String, String> {
    let f = value
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f > 0.0)
        .ok_or_else(|| format!("--load-scale {value}: bad value {value:?}; expected a number > 0, e.g. 1.5"))?;
    let Some(Value::Array(classes)) = doc.get_mut("classes") else {
        return Err(format!("--load-scale {value}: the scenario has no [[classes]] to scale"));
    };
    for (i, class) in classes.iter_mut().enumerate() {
        let Some(rate) = class.get_mut("rate") else { continue };
        *rate = multiply(rate, f).map_err(|e| format!("--load-scale {value}: classes[{i}].rate: {e}"))?;
    }
    Ok("classes".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn sets_by_id_name_and_key() {
        let mut d =
            doc("seed = 1\n[[hubs]]\nid = \"a\"\nintelligent = 4\n[[classes]]\nname = \"c\"\nrate = \"40/h\"\n");
        assert_eq!(apply(&mut d, &Override::parse("hubs.a.intelligent=x1.5").unwrap()).unwrap(), "hubs[0].intelligent");
        assert_eq!(d["hubs"][0]["intelligent"].as_integer(), Some(6));
        apply(&mut d, &Override::parse("classes.c.rate=x1.5").unwrap()).unwrap();
        assert_eq!(d["classes"][0]["rate"].as_str(), Some("60/h"));
        apply(&mut d, &Override::parse("network.route_factor=1.8").unwrap()).unwrap();
        assert_eq!(d["network"]["route_factor"].as_float(), Some(1.8));
        apply(&mut d, &Override::parse("seed=3").unwrap()).unwrap();
        assert_eq!(d["seed"].as_integer(), Some(3));
        apply(&mut d, &Override::load_scale(2.0)).unwrap();
        assert_eq!(d["classes"][0]["rate"].as_str(), Some("120/h"));
        let e = apply(&mut d, &Override::parse("hubs.zz.intelligent=3").unwrap()).unwrap_err();
        assert!(e.contains("hubs.zz.intelligent=3") && e.contains("known: a"), "{e}");
    }

    #[test]
    fn preset_hubs_become_world_hub_overrides() {
        let mut d = doc("[world]\npreset = \"east-data-west-2025q1\"\nscale = 0.5\n");
        let path = apply(&mut d, &Override::parse("hubs.ningxia.intelligent=x2").unwrap()).unwrap();
        assert_eq!(path, "world.hub[0].intelligent");
        assert_eq!(d["world"]["hub"][0]["id"].as_str(), Some("ningxia"));
        assert!(d["world"]["hub"][0]["intelligent"].as_integer().unwrap() > 0);
        assert!(apply(&mut d, &Override::parse("hubs.mars.intelligent=1").unwrap()).unwrap_err().contains("ningxia"));
    }

    #[test]
    fn scheduler_names_become_tables() {
        let mut d = doc("scheduler = \"power-of-d\"\n");
        apply(&mut d, &Override::parse("scheduler.d=3").unwrap()).unwrap();
        assert_eq!(d["scheduler"]["name"].as_str(), Some("power-of-d"));
        assert_eq!(d["scheduler"]["d"].as_integer(), Some(3));
    }
}
