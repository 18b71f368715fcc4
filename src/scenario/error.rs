//! Scenario errors: each names the file, the line and column where known, the field, the bad
//! value, and what is allowed.

use std::fmt;
use std::path::PathBuf;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario file {}: {source}", path.display())]
    Read {
        /// The path asked for.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file's content is invalid.
    #[error("{0}")]
    Invalid(Box<InvalidScenario>),
    /// A command-line override (`--set`, `--load-scale`) is invalid: it is named in the text.
    #[error("{0}")]
    Override(String),
}

/// An invalid scenario: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidScenario {
    /// The file (or `<built-in ...>` for embedded data).
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// Dotted path of the field, e.g. `classes[0].units.sigma` (empty for syntax errors).
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = self.file.clone();
        if let Some(line) = self.line {
            text.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                text.push_str(&format!(":{column}"));
            }
        }
        if self.field.is_empty() {
            text.push_str(&format!(": {}", self.message));
        } else {
            text.push_str(&format!(": field `{}`: {}", self.field, self.message));
        }
        f.write_str(&shorten_values(&text))
    }
}

/// A number as messages show it: plain when ordinary, in scientific notation when huge or tiny.
pub fn number(value: f64) -> String {
    if value != 0.0 && value.is_finite() && !(1e-6..1e15).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

/// Longest quoted value an error message shows in full, in characters.
pub const SHOWN_VALUE_CHARS: usize = 60;

/// An error message on one line, with every quoted value (`"..."` or `` `...` ``) longer
/// than [`SHOWN_VALUE_CHARS`] cut to its start and an ellipsis, and line breaks turned into
/// spaces.
pub fn shorten_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * 1024));
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            // A long run of digits (a huge number printed in full): its start and an ellipsis.
            let mut digits = String::from(c);
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                digits.push(d);
            }
            if digits.len() > SHOWN_VALUE_CHARS {
                digits.truncate(20);
                digits.push('…');
            }
            out.push_str(&digits);
            continue;
        }
        if c != '"' && c != '`' && !c.is_whitespace() {
            // A long unquoted word (an id in a list, a path): its start, an ellipsis, its end.
            let mut word = String::from(c);
            while let Some(d) = chars.next_if(|&d| d != '"' && d != '`' && !d.is_whitespace()) {
                word.push(d);
            }
            let n = word.chars().count();
            if n > 2 * SHOWN_VALUE_CHARS {
                let head: String = word.chars().take(SHOWN_VALUE_CHARS).collect();
                let tail: String = word.chars().skip(n - 20).collect();
                word = format!("{head}…{tail}");
            }
            out.push_str(&word);
            continue;
        }
        if c != '"' && c != '`' {
            out.push(if c == '\n' || c == '\r' { ' ' } else { c });
            continue;
        }
        // A quoted value: read to its closing quote (a backslash escapes in "...").
        let mut inner = String::new();
        let mut closed = false;
        while let Some(d) = chars.next() {
            if d == c {
                closed = true;
                break;
            }
            inner.push(d);
            if c == '"'
                && d == '\\'
                && let Some(escaped) = chars.next()
            {
                inner.push(escaped);
            }
        }
        out.push(c);
        if inner.chars().count() > SHOWN_VALUE_CHARS {
            let kept: String = inner.chars().take(SHOWN_VALUE_CHARS - 3).collect();
            let kept = kept.strip_suffix('\\').unwrap_or(&kept);
            out.push_str(kept);
            out.push('…');
        } else {
            out.push_str(&inner.replace(['\n', '\r'], " "));
        }
        if closed {
            out.push(c);
        }
    }
    out
}

/// A validation failure before it is located in the source: a field path and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl FieldError {
    /// A failure of the field at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { path: path.into(), message: message.into() }
    }
}

/// Shorthand for validation results.
pub type FieldResult<T> = Result<T, FieldError>;

/// Names joined with ", ", at most 20 of them (each cut to [`SHOWN_VALUE_CHARS`]), then how
/// many more there are.
pub fn shorten_list(names: &[&str]) -> String {
    const SHOWN: usize = 20;
    let cut = |name: &str| match name.char_indices().nth(SHOWN_VALUE_CHARS - 3) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_string(),
    };
    let mut text = names.iter().take(SHOWN).map(|n| cut(n)).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_cut_with_an_ellipsis() {
        let long = "x".repeat(100_000);
        let message = shorten_values(&format!("bad value {long:?}: expected \"a\""));
        assert_eq!(message, format!("bad value \"{}…\": expected \"a\"", "x".repeat(57)));
        let field = shorten_values(&format!("field `classes[0].origins.{long}`: unknown"));
        assert!(field.len() < 100 && field.ends_with("…`: unknown"), "{field}");
        assert_eq!(shorten_values("a \"b\\\"c\" d\ne"), "a \"b\\\"c\" d e");
        let huge = shorten_values(&format!("bad value {}", 1e308));
        assert_eq!(huge, "bad value 10000000000000000000…");
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(0.5), "0.5");
        let word = shorten_values(&format!("known regions: r0, {long}, r2"));
        assert!(word.len() < 120 && word.ends_with("xx, r2"), "{word}");
        assert_eq!(shorten_list(&["a", &long]), format!("a, {}…", "x".repeat(57)));
    }
}
