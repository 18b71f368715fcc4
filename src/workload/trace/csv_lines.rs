//! CSV records read line by line: a line without a quote is split on commas directly (the fast
//! path, nearly every line of real traces); a line with quotes, joined with the following lines
//! while its quotes are unbalanced (a quoted line break), is parsed by the `csv` crate.

use std::io::BufRead;

use csv::ByteRecord;

/// Reads the next non-empty record into `record`; `false` at the end of the input. `line`
/// counts the lines read; `at` is set to the record's first line.
pub fn next_record(
    input: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    line: &mut u64,
    at: &mut u64,
    record: &mut ByteRecord,
) -> std::io::Result<bool> {
    loop {
        buffer.clear();
        if input.read_until(b'\n', buffer)? == 0 {
            return Ok(false);
        }
        *line += 1;
        *at = *line;
        if *line == 1 && buffer.starts_with(b"\xEF\xBB\xBF") {
            buffer.drain(..3);
        }
        let quoted = buffer.contains(&b'"');
        if quoted {
            while buffer.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
                if input.read_until(b'\n', buffer)? == 0 {
                    break;
                }
                *line += 1;
            }
        }
        let text = trim_line_end(buffer);
        if text.is_empty() {
            continue;
        }
        if !quoted {
            record.clear();
            for field in text.split(|&b| b == b',') {
                record.push_field(field);
            }
            return Ok(true);
        }
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
        return match reader.read_byte_record(record) {
            Ok(_) => Ok(true),
            Err(e) => Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("line {at}: {e}"))),
        };
    }
}

fn trim_line_end(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &bytes[..end]
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
        let (mut input, mut buffer, mut line, mut at, mut record) =
            (text.as_bytes(), Vec::new(), 0, 0, ByteRecord::new());
        let mut out = Vec::new();
        while next_record(&mut input, &mut buffer, &mut line, &mut at, &mut record).unwrap() {
            out.push((at, record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        out
    }

    #[test]
    fn agrees_with_the_csv_crate() {
        let text = "a,b,c\r\n1,,3\n\n\"x, y\",\"say \"\"hi\"\"\",z\n\"multi\nline\",2,3\nlast,row,here";
        let ours = by_lines(text);
        let records: Vec<Vec<String>> = ours.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(records, by_csv_crate(text));
        // Lines: the quoted line break makes record 4 span lines 5-6.
        assert_eq!(ours.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2, 4, 5, 7]);
    }
}
