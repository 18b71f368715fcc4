//! Reading a trace file record by record, lazily: CSV (with or without a header) or the
//! whitespace-separated Standard Workload Format; `.gz` files are decompressed as they are read.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::workload::trace::record::Record;

use crate::workload::trace::csv_lines;
use crate::workload::trace::error::TraceError;

/// How the records of a file are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Comma-separated with a header line naming the columns.
    CsvWithHeader,
    /// Comma-separated without a header: the columns get these names.
    CsvNamed(&'static [&'static str]),
    /// Whitespace-separated fields, `;` comment lines: the columns get these names.
    Whitespace(&'static [&'static str]),
    /// Philly's JSON list of jobs, flattened to these columns.
    PhillyJson(&'static [&'static str]),
}

enum Records {
    Csv { input: BufReader<Box<dyn Read + Send>>, line: u64, at: u64 },
    Whitespace { lines: BufReader<Box<dyn Read + Send>>, buffer: Vec<u8>, line: u64 },
    PhillyJson { input: BufReader<Box<dyn Read + Send>>, buffer: Vec<u8>, line: u64, at: u64 },
}

/// A trace file read one record at a time, in memory independent of its length.
pub struct RecordReader {
    file: String,
    records: Records,
    header: Vec<String>,
    record: Record,
    line: u64,
}

/// Bytes read from the file at a time.
const BUFFER: usize = 1 << 16;

fn open(path: &Path, file: &str) -> Result<Box<dyn Read + Send>, TraceError> {
    let handle = File::open(path).map_err(|e| TraceError::Io { file: file.to_string(), message: e.to_string() })?;
    // A plain file is read straight into the record reader's buffer (one copy, not two).
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUFFER, handle))))
    } else {
        Ok(Box::new(handle))
    }
}

impl RecordReader {
    /// Opens `path` (named `file` in messages) and reads its header.
    pub fn open(path: &Path, file: &str, layout: Layout) -> Result<RecordReader, TraceError> {
        let input = open(path, file)?;
        let io = |e: std::io::Error| TraceError::Io { file: file.to_string(), message: e.to_string() };
        let (records, header) = match layout {
            Layout::CsvWithHeader | Layout::CsvNamed(_) => {
                let mut records = Records::Csv { input: BufReader::with_capacity(BUFFER, input), line: 0, at: 0 };
                let header = match (layout, &mut records) {
                    (Layout::CsvNamed(names), _) => names.iter().map(|n| n.to_string()).collect(),
                    (_, Records::Csv { input, line, at }) => {
                        let mut first = Record::new();
                        csv_lines::next_record(input, line, at, &mut first).map_err(io)?;
                        first.iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect()
                    }
                    _ => unreachable!("a CSV layout reads CSV records"),
                };
                (records, header)
            }
            Layout::PhillyJson(names) => (
                Records::PhillyJson {
                    input: BufReader::with_capacity(BUFFER, input),
                    buffer: Vec::new(),
                    line: 0,
                    at: 0,
                },
                names.iter().map(|n| n.to_string()).collect(),
            ),
            Layout::Whitespace(names) => (
                Records::Whitespace { lines: BufReader::with_capacity(BUFFER, input), buffer: Vec::new(), line: 0 },
                names.iter().map(|n| n.to_string()).collect(),
            ),
        };
        Ok(RecordReader { file: file.to_string(), records, header, record: Record::new(), line: 0 })
    }

    /// The column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The 1-based line of the last record read.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The record read last.
    #[inline]
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// Reads the next record (see [`Self::record`]); `false` at the end of the file.
    #[inline]
    pub fn advance(&mut self) -> Result<bool, TraceError> {
        let more = match &mut self.records {
            Records::Csv { input, line, at } => {
                let more = csv_lines::next_record(input, line, at, &mut self.record)
                    .map_err(|e| TraceError::Io { file: self.file.clone(), message: e.to_string() })?;
                self.line = *at;
                more
            }
            Records::Whitespace { lines, buffer, line } => {
                next_whitespace_record(lines, buffer, line, &mut self.record)
                    .map_err(|e| TraceError::Io { file: self.file.clone(), message: e.to_string() })?;
                self.line = *line;
                !buffer.is_empty()
            }
            Records::PhillyJson { input, buffer, line, at } => {
                let more = crate::workload::trace::philly::next_record(input, buffer, line, at, &mut self.record)
                    .map_err(|e| TraceError::Io { file: self.file.clone(), message: e.to_string() })?;
                self.line = *at;
                more
            }
        };
        Ok(more)
    }
}

/// Reads lines until one with fields (not blank, not a `;` comment); `buffer` is left empty at
/// the end of the file.
fn next_whitespace_record(
    lines: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    line: &mut u64,
    record: &mut Record,
) -> std::io::Result<()> {
    loop {
        buffer.clear();
        if lines.read_until(b'\n', buffer)? == 0 {
            return Ok(());
        }
        *line += 1;
        let text = buffer.trim_ascii();
        if text.is_empty() || text.starts_with(b";") {
            continue;
        }
        record.clear();
        for field in text.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty()) {
            record.push_field(field);
        }
        return Ok(());
    }
}
