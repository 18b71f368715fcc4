//! A scheduler named with parameters: `power-of-d:d=2` on the command line,
//! `scheduler = { name = "power-of-d", d = 2 }` in a scenario.

use std::collections::BTreeMap;
use std::fmt;

use crate::quantity::parse_bytes;
use crate::time::{SimDuration, parse_duration};

/// A parameter value as written.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Number(f64),
    /// Text: a duration, a size, a list of ids, ...
    Text(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Number(n) => write!(f, "{n}"),
            ParamValue::Text(t) => write!(f, "{t}"),
        }
    }
}

/// A policy name and its parameters.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SchedulerSpec {
    /// Policy name, as in the registry.
    pub name: String,
    /// Parameters by name.
    pub params: BTreeMap<String, ParamValue>,
}

impl SchedulerSpec {
    /// A policy with no parameters.
    pub fn named(name: &str) -> Self {
        SchedulerSpec { name: name.to_string(), params: BTreeMap::new() }
    }

    /// Parses the command-line form `name` or `name:key=value,key=value`.
    pub fn parse_cli(text: &str) -> Result<Self, String> {
        let (name, rest) = text.split_once(':').unwrap_or((text, ""));
        let mut spec = SchedulerSpec::named(name.trim());
        for pair in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) =
                pair.split_once('=').ok_or_else(|| format!("expected key=value after ':', got {pair:?}"))?;
            let value = value.trim();
            let value = value.parse::<f64>().map_or_else(|_| ParamValue::Text(value.to_string()), ParamValue::Number);
            if spec.params.insert(key.trim().to_string(), value).is_some() {
                return Err(format!("parameter `{}` is given twice; give each parameter once", key.trim()));
            }
        }
        Ok(spec)
    }
}

impl From<&str> for SchedulerSpec {
    /// Parses the command-line form; an unparsable string becomes a name the registry rejects.
    fn from(text: &str) -> Self {
        SchedulerSpec::parse_cli(text).unwrap_or_else(|_| SchedulerSpec::named(text))
    }
}

impl fmt::Display for SchedulerSpec {
    /// The command-line form, which is also the label in reports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        for (i, (k, v)) in self.params.iter().enumerate() {
            write!(f, "{}{k}={v}", if i == 0 { ':' } else { ',' })?;
        }
        Ok(())
    }
}

/// A parameter a policy takes: name, default (as written) and meaning.
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    /// Parameter name.
    pub name: &'static str,
    /// Default value, written as a user would write it.
    pub default: &'static str,
    /// What it means.
    pub help: &'static str,
}

/// Typed access to a spec's parameters, falling back to the documented defaults.
pub struct Params<'a> {
    spec: &'a SchedulerSpec,
    known: &'static [ParamInfo],
}

impl<'a> Params<'a> {
    /// Checks that every parameter of `spec` is one of `known`.
    pub fn new(spec: &'a SchedulerSpec, known: &'static [ParamInfo]) -> Result<Self, String> {
        for key in spec.params.keys() {
            if !known.iter().any(|p| p.name == key) {
                let names: Vec<&str> = known.iter().map(|p| p.name).collect();
                let allowed =
                    if names.is_empty() { "it takes none".to_string() } else { format!("known: {}", names.join(", ")) };
                return Err(format!("unknown parameter `{key}` for scheduler {}; {allowed}", spec.name));
            }
        }
        Ok(Params { spec, known })
    }

    fn raw(&self, name: &str) -> String {
        match self.spec.params.get(name) {
            Some(v) => v.to_string(),
            None => self.known.iter().find(|p| p.name == name).map(|p| p.default.to_string()).unwrap_or_default(),
        }
    }

    fn bad(&self, name: &str, why: impl fmt::Display) -> String {
        format!("scheduler {} parameter `{name}` = {:?}: {why}", self.spec.name, self.raw(name))
    }

    /// A number parameter.
    pub fn number(&self, name: &str) -> Result<f64, String> {
        self.raw(name).parse::<f64>().map_err(|_| self.bad(name, "expected a number"))
    }

    /// A whole number parameter, at least `min`.
    pub fn count(&self, name: &str, min: usize) -> Result<usize, String> {
        let n = self.number(name)?;
        if n.fract() != 0.0 || n < min as f64 || n > 1e9 {
            return Err(self.bad(name, format!("expected a whole number >= {min}")));
        }
        Ok(n as usize)
    }

    /// A duration parameter ("1h").
    pub fn duration(&self, name: &str) -> Result<SimDuration, String> {
        parse_duration(&self.raw(name)).map_err(|e| self.bad(name, e))
    }

    /// A byte-size parameter ("1GB").
    pub fn bytes(&self, name: &str) -> Result<f64, String> {
        parse_bytes(&self.raw(name)).map_err(|e| self.bad(name, e))
    }

    /// A text parameter, as written (the default when not given).
    pub fn text(&self, name: &str) -> String {
        self.raw(name)
    }

    /// Whether the spec gives `name` (rather than leaving it at its default).
    pub fn given(&self, name: &str) -> bool {
        self.spec.params.contains_key(name)
    }

    /// A comma-separated list parameter (empty when the value is empty).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.raw(name).split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_form_round_trips() {
        let spec = SchedulerSpec::parse_cli("power-of-d:d=2").unwrap();
        assert_eq!(spec.name, "power-of-d");
        assert_eq!(spec.params["d"], ParamValue::Number(2.0));
        assert_eq!(spec.to_string(), "power-of-d:d=2");
        let spec = SchedulerSpec::parse_cli("east-west:west=gansu,max_west_wait=2h").unwrap();
        assert_eq!(spec.params["west"], ParamValue::Text("gansu".into()));
        assert!(SchedulerSpec::parse_cli("x:novalue").is_err());
        let twice = SchedulerSpec::parse_cli("power-of-d:d=2,d=3").unwrap_err();
        assert!(twice.contains("`d` is given twice"), "{twice}");
    }

    #[test]
    fn unknown_parameters_are_refused_with_the_known_ones() {
        const KNOWN: &[ParamInfo] = &[ParamInfo { name: "d", default: "2", help: "" }];
        let spec = SchedulerSpec::parse_cli("power-of-d:k=3").unwrap();
        let err = Params::new(&spec, KNOWN).err().unwrap();
        assert!(err.contains("`k`") && err.contains("known: d"), "{err}");
        let spec = SchedulerSpec::parse_cli("power-of-d").unwrap();
        assert_eq!(Params::new(&spec, KNOWN).unwrap().count("d", 1).unwrap(), 2);
    }
}
