//! Serde's and the TOML parser's messages retold in the project's words: what was found and
//! what is allowed, with no Rust type names (`u64`, `struct RawClass`, `i128`).

/// The largest seed, as the scenario format allows it.
const U64_RANGE: &str = "a whole number from 0 to 18446744073709551615";

/// `message` with serde's type wording replaced; messages it does not know pass unchanged.
pub fn plain(message: &str) -> String {
    if message.contains("u64 value was too large") {
        return format!("bad value: too large; expected {U64_RANGE}");
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        let found = rest.split(',').next().unwrap_or("").trim();
        let expected = rest.split_once("expected ").map_or("", |(_, e)| e);
        return format!("bad value: an array of {found} item(s); expected {}", allowed(expected));
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            if found.ends_with(" as i128") {
                return format!(
                    "bad value {}: outside the range of TOML integers ({} to {})",
                    value(found.trim_end_matches(" as i128")),
                    i64::MIN,
                    i64::MAX
                );
            }
            return format!("bad value {}: expected {}", value(found), allowed(expected));
        }
    }
    message.to_string()
}

/// `integer `5`` -> `5`; `string "x"` -> `"x"`; `map` -> `a table`.
fn value(found: &str) -> String {
    for kind in ["integer ", "floating point ", "boolean ", "string ", "character "] {
        if let Some(v) = found.strip_prefix(kind) {
            return v.trim_matches('`').to_string();
        }
    }
    match found {
        "map" => "a table".into(),
        "sequence" => "an array".into(),
        other => other.to_string(),
    }
}

/// What serde expected, said as the scenario format says it.
fn allowed(expected: &str) -> String {
    let expected = expected.trim();
    if let Some(name) = expected.strip_prefix("struct ") {
        let name = name.split_whitespace().next().unwrap_or(name);
        return format!("{} (a TOML table)", table_name(name));
    }
    match expected {
        "u64" | "u32" | "usize" => U64_RANGE.into(),
        "i64" | "i32" => "a whole number".into(),
        "f64" | "f32" => "a number".into(),
        "a string" | "str" | "string" => "a string in quotes".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        "a boolean" | "bool" => "true or false".into(),
        other => other.to_string(),
    }
}

/// The scenario name of a raw table.
fn table_name(raw: &str) -> &'static str {
    match raw {
        "RawClass" => "a class",
        "RawHub" => "a hub",
        "RawRegion" => "a region",
        "RawWorld" => "the world section",
        "RawHubOverride" => "a hub override",
        "RawNetwork" => "the network section",
        "RawPair" => "a network pair",
        "RawNode" => "a network node",
        "RawLink" => "a network link",
        "RawRoute" => "a network route",
        "RawQueue" => "the queue section",
        "RawEnergy" => "the energy section",
        "RawSlo" => "an objective (slo)",
        "RawDiurnal" => "a diurnal profile",
        _ => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn serde_wording_is_retold() {
        let cases = [
            ("u64 value was too large", "bad value: too large; expected a whole number from 0 to 18446744073709551615"),
            ("invalid value: integer `-1`, expected u64", "bad value -1: expected a whole number from 0 to"),
            ("invalid type: integer `1`, expected struct RawClass", "bad value 1: expected a class (a TOML table)"),
            (
                "invalid length 0, expected struct RawClass with 14 elements",
                "bad value: an array of 0 item(s); expected a class (a TOML table)",
            ),
            (
                "invalid type: integer `99999999999999999999` as i128, expected any valid TOML value",
                "bad value 99999999999999999999: outside the range of TOML integers",
            ),
            ("invalid type: boolean `true`, expected f64", "bad value true: expected a number"),
            ("invalid type: string \"x\", expected u64", "bad value \"x\": expected a whole number"),
            ("missing field `name`", "missing field `name`"),
        ];
        for (serde, ours) in cases {
            let told = plain(serde);
            assert!(told.starts_with(ours), "{serde:?} -> {told:?}");
            for leak in ["u64", "i128", "f64", "struct", "Raw"] {
                assert!(!told.contains(leak), "{serde:?} -> {told:?} leaks {leak}");
            }
        }
    }
}
