//! Trace errors: each names the file, the line, the column, the value and what was expected.

/// Longest value quoted in an error message.
const SHOWN: usize = 40;

/// Shortens a value for an error message.
pub fn shorten(value: &str) -> String {
    if value.chars().count() <= SHOWN {
        value.to_string()
    } else {
        format!("{}...", value.chars().take(SHOWN).collect::<String>())
    }
}

/// A row that cannot be read: where, which column, the value and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// The trace file as named in the scenario.
    pub file: String,
    /// 1-based line of the row.
    pub line: u64,
    /// The column's name.
    pub column: String,
    /// The value found (shortened).
    pub value: String,
    /// What the column must hold.
    pub expected: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: column `{}`: bad value {:?}: expected {}",
            self.file, self.line, self.column, self.value, self.expected
        )
    }
}

/// Why a trace cannot be replayed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TraceError {
    /// The file cannot be opened or read.
    #[error("cannot read trace {file}: {message}")]
    Io {
        /// The trace file.
        file: String,
        /// The I/O or decoding error.
        message: String,
    },
    /// The header lacks a column the format or the mapping needs.
    #[error("trace {file}: {message}")]
    Header {
        /// The trace file.
        file: String,
        /// What is missing and what the file has.
        message: String,
    },
    /// A row cannot be read (with `on_bad_row = "error"`).
    #[error("{0} (set on_bad_row = \"skip\" to skip such rows)")]
    BadRow(BadRow),
    /// A row is earlier than a row before it.
    #[error(
        "{file}:{line}: submit time {submit}s is earlier than {previous}s on an earlier row: rows must be in submit \
         order (or set reorder_window to at least the gap)"
    )]
    OutOfOrder {
        /// The trace file.
        file: String,
        /// 1-based line of the row.
        line: u64,
        /// Its submit time, seconds of trace time.
        submit: f64,
        /// The latest submit time already passed on, seconds.
        previous: f64,
    },
}
