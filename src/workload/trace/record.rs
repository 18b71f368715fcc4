//! One row of a trace: its bytes and where each field ends. A plain CSV line is read straight
//! into it and split in one pass; other layouts push their fields.

/// A row's fields, without a copy per field.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The fields, each followed by one separator byte.
    bytes: Vec<u8>,
    /// The end of each field in `bytes`.
    ends: Vec<usize>,
}

impl Record {
    /// An empty record.
    pub fn new() -> Record {
        Record::default()
    }

    /// Removes every field.
    #[inline]
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    /// Appends a field.
    #[inline]
    pub fn push_field(&mut self, field: &[u8]) {
        self.bytes.extend_from_slice(field);
        self.ends.push(self.bytes.len());
        self.bytes.push(b',');
    }

    /// The buffer a line is read into before [`Self::split_line`].
    #[inline]
    pub fn line_buffer(&mut self) -> &mut Vec<u8> {
        self.ends.clear();
        &mut self.bytes
    }

    /// Splits the line in the buffer on commas, after dropping its line end; `false` (and the
    /// fields unset) when the line holds a quote, for a real CSV parser to read.
    #[inline]
    pub fn split_line(&mut self) -> bool {
        while matches!(self.bytes.last(), Some(b'\n' | b'\r')) {
            self.bytes.pop();
        }
        let words = self.bytes.chunks_exact(8);
        let tail = words.remainder();
        let mut base = 0;
        for word in words {
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            if bytes_equal_to(word, b'"') != 0 {
                self.ends.clear();
                return false;
            }
            let mut commas = bytes_equal_to(word, b',');
            while commas != 0 {
                self.ends.push(base + commas.trailing_zeros() as usize / 8);
                commas &= commas - 1;
            }
            base += 8;
        }
        for (i, &b) in tail.iter().enumerate() {
            if b == b',' {
                self.ends.push(base + i);
            } else if b == b'"' {
                self.ends.clear();
                return false;
            }
        }
        self.ends.push(self.bytes.len());
        true
    }

    /// Whether the record holds nothing (an empty line).
    #[inline]
    pub fn is_blank(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The line as read (before splitting).
    pub fn line(&self) -> &[u8] {
        &self.bytes
    }

    /// Field `index`, if the row has it.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] + 1 };
        Some(&self.bytes[start..end])
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every field in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// The high bit of each byte of `word` (little-endian) that equals `byte`, the other bits clear:
/// eight bytes compared at once without a false match (no carry crosses a byte).
#[inline]
fn bytes_equal_to(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_where_equal = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((zero_where_equal & LOW7) + LOW7) | zero_where_equal | LOW7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_pushed_fields_read_back() {
        let mut r = Record::new();
        r.line_buffer().extend_from_slice(b"a,,bc,\r\n");
        assert!(r.split_line());
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![&b"a"[..], b"", b"bc", b""]);
        r.clear();
        r.push_field(b"x,y");
        r.push_field(b"");
        assert_eq!((r.get(0), r.get(1), r.get(2)), (Some(&b"x,y"[..]), Some(&b""[..]), None));
        r.line_buffer().extend_from_slice(b"\"q\",1\n");
        assert!(!r.split_line());
    }

    #[test]
    fn word_split_equals_a_byte_by_byte_split() {
        // Lines of every length to 40 with commas (and sometimes a quote) at varied places,
        // against `split` on commas and a search for a quote, the independent reference.
        let mut state: u64 = 7;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (state >> 58) as usize % 41;
            let line: Vec<u8> = (0..len)
                .map(|i| match (state >> (i % 60)) % 11 {
                    0 | 1 => b',',
                    2 if (state >> 20).is_multiple_of(7) => b'"',
                    k => b'a' + k as u8,
                })
                .collect();
            let mut r = Record::new();
            r.line_buffer().extend_from_slice(&line);
            let split = r.split_line();
            assert_eq!(split, !line.contains(&b'"'), "{line:?}");
            if split {
                assert_eq!(r.iter().collect::<Vec<_>>(), line.split(|&b| b == b',').collect::<Vec<_>>(), "{line:?}");
            }
        }
    }
}
