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

    /// Reads the start of a line from `chunk` (the input's buffered bytes) in one pass: field
    /// ends at commas are noted and the bytes appended up to the first line feed. Starts a new
    /// line when the record is [`Self::clear`]ed, else goes on with the line begun.
    #[inline]
    pub fn scan(&mut self, chunk: &[u8]) -> Scan {
        let base = self.bytes.len();
        let blocks = chunk.chunks_exact(BLOCK);
        let tail = blocks.remainder();
        let mut at = 0;
        for block in blocks {
            let [line_feeds, quotes, commas] = special_bytes(block.try_into().expect("a block"));
            // The bits of the bytes before the first line feed (all bits when there is none).
            let before = (line_feeds & line_feeds.wrapping_neg()).wrapping_sub(1);
            if quotes & before != 0 {
                return Scan::Quote;
            }
            let mut commas = commas & before;
            while commas != 0 {
                self.ends.push(base + at + commas.trailing_zeros() as usize);
                commas &= commas - 1;
            }
            if line_feeds != 0 {
                return self.end_line(chunk, at + line_feeds.trailing_zeros() as usize);
            }
            at += BLOCK;
        }
        for (i, &b) in tail.iter().enumerate() {
            match b {
                b',' => self.ends.push(base + at + i),
                b'"' => return Scan::Quote,
                b'\n' => return self.end_line(chunk, at + i),
                _ => {}
            }
        }
        self.bytes.extend_from_slice(chunk);
        Scan::Partial
    }

    /// Ends the line at the line feed at `chunk[line_feed]`, dropping carriage returns before it.
    #[inline]
    fn end_line(&mut self, chunk: &[u8], line_feed: usize) -> Scan {
        self.bytes.extend_from_slice(&chunk[..line_feed]);
        self.finish();
        Scan::Line(line_feed + 1)
    }

    /// Ends the line read so far (at a line feed or at the end of the input): drops its line
    /// end and sets the last field's end.
    #[inline]
    pub fn finish(&mut self) {
        trim_line_end(&mut self.bytes);
        self.ends.push(self.bytes.len());
    }

    /// Drops the first `count` bytes of a line scanned (a byte order mark: no separator in it).
    pub fn drop_prefix(&mut self, count: usize) {
        self.bytes.drain(..count);
        for end in &mut self.ends {
            *end -= count;
        }
    }

    /// The bytes scanned so far (to re-read a line with quotes from its start).
    pub fn take_bytes(&mut self) -> Vec<u8> {
        self.ends.clear();
        std::mem::take(&mut self.bytes)
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

/// Drops the line feeds and carriage returns that end `text`.
#[inline]
pub fn trim_line_end(text: &mut Vec<u8>) {
    while matches!(text.last(), Some(b'\n' | b'\r')) {
        text.pop();
    }
}

/// What [`Record::scan`] found in a chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scan {
    /// The line ends in the chunk: its first this many bytes (line feed included) were read.
    Line(usize),
    /// No line feed: the whole chunk was read, the line goes on.
    Partial,
    /// A quote before the line's end: nothing of the chunk was read (the line is for a real CSV
    /// parser).
    Quote,
}

/// Bytes looked at at once.
const BLOCK: usize = 16;

/// Where a block's line feeds, quotes and commas are: bit `i` of each mask for byte `i`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn special_bytes(block: &[u8; BLOCK]) -> [u32; 3] {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8};
    let half = |i: usize| i64::from_le_bytes(block[i..i + 8].try_into().expect("8 bytes"));
    // SAFETY: SSE2 is part of every x86-64 processor (a baseline feature of the target), and
    // these intrinsics compute on values only (no memory access): 16 bytes compared at once.
    unsafe {
        let bytes = _mm_set_epi64x(half(8), half(0));
        let where_equal = |byte: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte as i8))) as u32;
        [where_equal(b'\n'), where_equal(b'"'), where_equal(b',')]
    }
}

/// [`special_bytes`] byte by byte (other processors, and the reference in tests).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn special_bytes_by_byte(block: &[u8; BLOCK]) -> [u32; 3] {
    let mut masks = [0; 3];
    for (i, &b) in block.iter().enumerate() {
        for (mask, special) in masks.iter_mut().zip([b'\n', b'"', b',']) {
            *mask |= u32::from(b == special) << i;
        }
    }
    masks
}

#[cfg(not(target_arch = "x86_64"))]
use special_bytes_by_byte as special_bytes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanned_and_pushed_fields_read_back() {
        let mut r = Record::new();
        assert_eq!(r.scan(b"a,,bc,\r\nnext,line"), Scan::Line(8));
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![&b"a"[..], b"", b"bc", b""]);
        r.clear();
        r.push_field(b"x,y");
        r.push_field(b"");
        assert_eq!((r.get(0), r.get(1), r.get(2)), (Some(&b"x,y"[..]), Some(&b""[..]), None));
        r.clear();
        assert_eq!(r.scan(b"\"q\",1\n"), Scan::Quote);
        r.clear();
        assert_eq!(r.scan(b"1,2\n\"q\""), Scan::Line(4), "a quote after the line feed is the next line's");
    }

    /// The first line of `text` as a byte-by-byte reading gives it: `None` when it holds a quote,
    /// else its fields (split on commas after dropping the line end) and its length with the
    /// line feed.
    fn first_line_by_bytes(text: &[u8]) -> Option<(Vec<&[u8]>, usize)> {
        let end = text.iter().position(|&b| b == b'\n');
        let mut line = &text[..end.unwrap_or(text.len())];
        if line.contains(&b'"') {
            return None;
        }
        while let [rest @ .., b'\r'] = line {
            line = rest;
        }
        Some((line.split(|&b| b == b',').collect(), end.map_or(text.len(), |e| e + 1)))
    }

    #[test]
    fn block_masks_equal_byte_by_byte_ones() {
        let mut state: u64 = 9;
        for _ in 0..50_000 {
            let block: [u8; BLOCK] = std::array::from_fn(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                [b'\n', b'"', b',', b'a', (state >> 56) as u8][(state >> 33) as usize % 5]
            });
            assert_eq!(special_bytes(&block), special_bytes_by_byte(&block), "{block:?}");
        }
    }

    #[test]
    fn block_scan_equals_a_byte_by_byte_split() {
        // Texts of every length to 48 with commas, carriage returns, line feeds and sometimes a
        // quote at varied places, scanned in chunks of 1 to 40 bytes (a line going on across
        // chunks), against `split` on commas and searches for a quote and a line feed.
        let mut state: u64 = 7;
        for _ in 0..40_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (state >> 58) as usize % 49;
            let text: Vec<u8> = (0..len)
                .map(|i| match (state >> (i % 60)) % 13 {
                    0 | 1 => b',',
                    2 if (state >> 20).is_multiple_of(7) => b'"',
                    3 if (state >> 24).is_multiple_of(3) => b'\n',
                    4 if (state >> 28).is_multiple_of(3) => b'\r',
                    k => b'a' + k as u8,
                })
                .collect();
            let chunk = 1 + (state >> 32) as usize % 40;
            let (mut r, mut read, mut outcome) = (Record::new(), 0, Scan::Partial);
            while read < text.len() {
                let piece = &text[read..text.len().min(read + chunk)];
                outcome = r.scan(piece);
                match outcome {
                    Scan::Line(used) => read += used,
                    Scan::Partial => read += piece.len(),
                    Scan::Quote => {}
                }
                if outcome != Scan::Partial {
                    break;
                }
            }
            if outcome == Scan::Partial {
                r.finish();
            }
            match first_line_by_bytes(&text) {
                None => assert_eq!(outcome, Scan::Quote, "{text:?}"),
                Some((fields, length)) => {
                    assert_eq!(r.iter().collect::<Vec<_>>(), fields, "{text:?}");
                    assert_eq!(read, length, "{text:?}");
                }
            }
        }
    }
}
