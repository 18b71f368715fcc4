//! CSV records read line by line: a line without a quote is split on commas in place (the fast
//! path, nearly every line of real traces); a line with quotes, joined with the following lines
//! while its quotes are unbalanced (a quoted line break), is parsed by the `csv` crate.

use std::io::BufRead;

use crate::workload::trace::record::{Record, Scan, trim_line_end};

/// Reads the next non-empty record into `record`; `false` at the end of the input. `line`
/// counts the lines read; `at` is set to the record's first line.
pub fn next_record(
    input: &mut impl BufRead,
    line: &mut u64,
    at: &mut u64,
    record: &mut Record,
) -> std::io::Result<bool> {
    loop {
        record.clear();
        let Some(split) = next_line(input, record)? else {
            return Ok(false);
        };
        *line += 1;
        *at = *line;
        if *line == 1 && split && record.line().starts_with(BYTE_ORDER_MARK) {
            record.drop_prefix(BYTE_ORDER_MARK.len());
        }
        if !split {
            return read_quoted(input, line, *at, record).map(|()| true);
        }
        if !record.is_blank() {
            return Ok(true);
        }
    }
}

/// The UTF-8 byte order mark some files begin with.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads one line straight from the input's buffer, split on commas in the same pass:
/// `Some(true)` when split, `Some(false)` when the line holds a quote (the record then holds
/// the line's bytes up to the unread rest of the input), `None` at the end of the input.
#[inline]
fn next_line(input: &mut impl BufRead, record: &mut Record) -> std::io::Result<Option<bool>> {
    let mut started = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            // As `read_until` does: a read cut short by a signal is tried again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if !started {
                return Ok(None);
            }
            record.finish();
            return Ok(Some(true));
        }
        started = true;
        match record.scan(chunk) {
            Scan::Line(used) => {
                input.consume(used);
                return Ok(Some(true));
            }
            Scan::Partial => {
                let used = chunk.len();
                input.consume(used);
            }
            Scan::Quote => return Ok(Some(false)),
        }
    }
}

/// Reads a line with quotes, starting with the bytes in `record`, joined with the following
/// lines while its quotes are unbalanced (a quoted line break), with the `csv` crate.
fn read_quoted(input: &mut impl BufRead, line: &mut u64, at: u64, record: &mut Record) -> std::io::Result<()> {
    let mut text = record.take_bytes();
    input.read_until(b'\n', &mut text)?;
    if at == 1 && text.starts_with(BYTE_ORDER_MARK) {
        text.drain(..BYTE_ORDER_MARK.len());
    }
    trim_line_end(&mut text);
    while text.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        text.push(b'\n');
        if input.read_until(b'\n', &mut text)? == 0 {
            let what = format!("line {at}: a quoted field is not closed before the end of the file");
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, what));
        }
        *line += 1;
        trim_line_end(&mut text);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&text[..]);
    let mut parsed = csv::ByteRecord::new();
    reader
        .read_byte_record(&mut parsed)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("line {at}: {e}")))?;
    record.clear();
    for field in parsed.iter() {
        record.push_field(field);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as the `csv` crate reads it (the independent reference).
    fn by_csv_crate(text: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
    }

    fn by_lines(text: &str) -> Vec<(u64, Vec<String>)> {
        by_lines_buffered(text, text.len().max(1))
    }

    /// Every record and its first line, read through a buffer of `capacity` bytes.
    fn by_lines_buffered(text: &str, capacity: usize) -> Vec<(u64, Vec<String>)> {
        let mut input = std::io::BufReader::with_capacity(capacity, text.as_bytes());
        let (mut line, mut at, mut record) = (0, 0, Record::new());
        let mut out = Vec::new();
        while next_record(&mut input, &mut line, &mut at, &mut record).unwrap() {
            out.push((at, record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        out
    }

    /// Every record and its first line as the `csv` crate reads them (CRLF as LF: a quoted line
    /// break is read as a line feed). The crate's position of a record is where its search
    /// began, before the blank lines it skipped: those are counted here.
    fn by_csv_crate_with_lines(text: &str) -> Vec<(u64, Vec<String>)> {
        let text = text.replace("\r\n", "\n");
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                let start = r.position().unwrap();
                let blank = text.as_bytes()[start.byte() as usize..].iter().take_while(|&&b| b == b'\n').count();
                (start.line() + blank as u64, r.iter().map(String::from).collect())
            })
            .collect()
    }

    /// A random field: plain text, empty, spaces, or now and then quoted with a comma, an
    /// escaped quote or a line break inside.
    fn random_field(state: &mut u64) -> String {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let pick = *state >> 33;
        let plain: String = (0..pick % 40).map(|i| (b'a' + ((pick >> (i % 20)) % 26) as u8) as char).collect();
        match pick % 23 {
            0..=2 => String::new(),
            3 => format!(" {plain} "),
            4 => format!("\"{plain},{plain}\""),
            5 => format!("\"say \"\"{plain}\"\"\""),
            6 => format!("\"two\nlines {plain}\""),
            _ => plain,
        }
    }

    #[test]
    fn random_texts_agree_with_the_csv_crate_through_any_buffer() {
        // Lines of 0 to 12 fields (long ones: up to about 500 bytes), LF or CRLF line ends,
        // blank lines, the last line with or without its line feed, read through buffers of 1
        // to 64 bytes (lines much longer than the buffer) and one large buffer.
        let mut state: u64 = 11;
        for case in 0..600 {
            let mut text = String::new();
            for _ in 0..(case % 9) {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let fields: Vec<String> = (0..(state >> 60) % 13).map(|_| random_field(&mut state)).collect();
                text.push_str(&fields.join(","));
                text.push_str(if (state >> 40).is_multiple_of(3) { "\r\n" } else { "\n" });
            }
            if (state >> 45).is_multiple_of(2) {
                text.push_str("last,line");
            }
            let expected = by_csv_crate_with_lines(&text);
            assert_eq!(by_lines(&text), expected, "{text:?}");
            let capacity = 1 + (state >> 50) as usize % 64;
            assert_eq!(by_lines_buffered(&text, capacity), expected, "buffer {capacity}: {text:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped_from_the_first_line_only() {
        let text = "\u{feff}a,b\n\u{feff}c,d\n";
        let expected =
            vec![(1, vec!["a".to_string(), "b".to_string()]), (2, vec!["\u{feff}c".to_string(), "d".to_string()])];
        assert_eq!(by_lines(text), expected);
        let quoted = "\u{feff}\"a\",b\n";
        assert_eq!(by_lines(quoted), vec![(1, vec!["a".to_string(), "b".to_string()])]);
        assert_eq!(by_lines_buffered(text, 2), expected);
    }

    /// A reader whose every other read is cut short by a signal.
    struct Interrupting<'a> {
        text: &'a [u8],
        cut: bool,
    }

    impl std::io::Read for Interrupting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.cut = !self.cut;
            if self.cut {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.text.len()).min(3);
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    #[test]
    fn an_interrupted_read_is_tried_again() {
        let text = "a,b\n\"q,1\",2\nlast,line";
        let mut input = std::io::BufReader::with_capacity(4, Interrupting { text: text.as_bytes(), cut: false });
        let (mut line, mut at, mut record) = (0, 0, Record::new());
        let mut got = Vec::new();
        while next_record(&mut input, &mut line, &mut at, &mut record).unwrap() {
            got.push((at, record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect::<Vec<_>>()));
        }
        assert_eq!(got, by_lines(text));
    }

    #[test]
    fn a_quote_left_open_is_an_error_naming_its_line() {
        let text = "a,b\n\"open,1\n2,3\n";
        let mut input = std::io::BufReader::new(text.as_bytes());
        let (mut line, mut at, mut record) = (0, 0, Record::new());
        assert!(next_record(&mut input, &mut line, &mut at, &mut record).unwrap());
        let e = next_record(&mut input, &mut line, &mut at, &mut record).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(e.to_string(), "line 2: a quoted field is not closed before the end of the file");
    }

    #[test]
    fn agrees_with_the_csv_crate() {
        let text = "a,b,c\r\n1,,3\n\n\"x, y\",\"say \"\"hi\"\"\",z\n\"multi\r\nline\",2,3\nlast,row,here";
        let ours = by_lines(text);
        let records: Vec<Vec<String>> = ours.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(records, by_csv_crate(&text.replace("\r\n", "\n")));
        // Lines: the quoted line break makes record 4 span lines 5-6.
        assert_eq!(ours.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2, 4, 5, 7]);
    }
}
