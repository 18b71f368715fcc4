//! CSV records read line by line: a line without a quote is split on commas in place (the fast
//! path, nearly every line of real traces); a line with quotes, joined with the following lines
//! while its quotes are unbalanced (a quoted line break), is parsed by the `csv` crate.

use std::io::BufRead;

use crate::workload::trace::record::Record;

/// Reads the next non-empty record into `record`; `false` at the end of the input. `line`
/// counts the lines read; `at` is set to the record's first line.
pub fn next_record(
    input: &mut impl BufRead,
    line: &mut u64,
    at: &mut u64,
    record: &mut Record,
) -> std::io::Result<bool> {
    loop {
        let buffer = record.line_buffer();
        buffer.clear();
        if input.read_until(b'\n', buffer)? == 0 {
            return Ok(false);
        }
        *line += 1;
        *at = *line;
        if *line == 1 && buffer.starts_with(b"\xEF\xBB\xBF") {
            buffer.drain(..3);
        }
        if record.split_line() {
            if record.is_blank() {
                continue;
            }
            return Ok(true);
        }
        let mut text = record.line().to_vec();
        while text.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            text.push(b'\n');
            if input.read_until(b'\n', &mut text)? == 0 {
                break;
            }
            *line += 1;
            while matches!(text.last(), Some(b'\n' | b'\r')) {
                text.pop();
            }
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
        return Ok(true);
    }
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
        let (mut input, mut line, mut at, mut record) = (text.as_bytes(), 0, 0, Record::new());
        let mut out = Vec::new();
        while next_record(&mut input, &mut line, &mut at, &mut record).unwrap() {
            out.push((at, record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        out
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
