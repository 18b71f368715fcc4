//! Reading one field of a row: numbers, and timestamps as seconds.

/// A number (integer fast path; otherwise Rust's float syntax). `None` when empty or not a number.
#[inline]
pub fn number(bytes: &[u8]) -> Option<f64> {
    // Most fields hold a plain decimal without spaces: read it before trimming.
    if let Some(value) = plain_decimal(bytes) {
        return Some(value);
    }
    let bytes = bytes.trim_ascii();
    if bytes.is_empty() {
        return None;
    }
    if let Some(value) = plain_decimal(bytes) {
        return Some(value);
    }
    std::str::from_utf8(bytes).ok()?.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Powers of ten exactly representable as `f64`.
const POWERS_OF_TEN: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// `123` or `123.456` with at most 15 digits, fast and exact: digits / 10^decimals, one
/// correctly rounded division of two exactly represented numbers, so the result is the
/// correctly rounded value of the decimal, as `str::parse` gives. `None` for anything else.
#[inline]
fn plain_decimal(bytes: &[u8]) -> Option<f64> {
    // 15 digits and a dot at most; checked first, so the loops need no overflow test.
    if bytes.len() > 16 {
        return None;
    }
    let (whole, whole_digits) = leading_digits_after(0, bytes);
    let (digits, decimals) = match &bytes[whole_digits..] {
        [] => (whole, 0),
        [b'.', fraction @ ..] => {
            let (digits, fraction_digits) = leading_digits_after(whole, fraction);
            if fraction_digits != fraction.len() {
                return None;
            }
            (digits, fraction_digits)
        }
        _ => return None,
    };
    let count = whole_digits + decimals;
    if count == 0 || count > 15 {
        return None;
    }
    // Below 10^16, so exact as a signed integer (whose conversion is one instruction); an
    // integer needs no division (dividing by 1 would give the same value).
    let value = digits as i64 as f64;
    Some(if decimals == 0 { value } else { value / POWERS_OF_TEN[decimals] })
}

/// `value` followed by the digits `bytes` starts with, and how many digits were read.
#[inline]
fn leading_digits_after(mut value: u64, bytes: &[u8]) -> (u64, usize) {
    for (i, &b) in bytes.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return (value, i);
        }
        value = value * 10 + u64::from(digit);
    }
    (value, bytes.len())
}

/// Whether a field is empty (or only spaces).
#[inline]
pub fn is_empty(bytes: &[u8]) -> bool {
    bytes.trim_ascii().is_empty()
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0i64, |v, &b| v * 10 + i64::from(b - b'0')))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A timestamp `YYYY-MM-DD HH:MM:SS[.fraction]` (or with `T`) as seconds since 1970 (UTC).
pub fn timestamp(bytes: &[u8]) -> Option<f64> {
    let bytes = bytes.trim_ascii();
    if bytes.len() < 19 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b' ' | b'T') {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(&bytes[0..4])?, digits(&bytes[5..7])?, digits(&bytes[8..10])?);
    let (hour, minute, second) = (digits(&bytes[11..13])?, digits(&bytes[14..16])?, digits(&bytes[17..19])?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut seconds = (days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) as f64;
    let rest = &bytes[19..];
    if !rest.is_empty() {
        let fraction = rest.strip_prefix(b".")?;
        let value = digits(fraction)? as f64;
        seconds += value / 10f64.powi(fraction.len() as i32);
    }
    Some(seconds)
}

/// Reads times: numbers (in a unit of seconds) as they are, timestamps as seconds after the
/// first timestamp the clock read (trace time zero is the first row's).
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    /// Seconds per numeric unit (1 for seconds, 0.001 for milliseconds).
    unit: f64,
    /// The first timestamp read, seconds since 1970.
    origin: Option<f64>,
}

impl Clock {
    /// A clock reading numbers in units of `unit` seconds.
    pub fn new(unit: f64) -> Clock {
        Clock { unit, origin: None }
    }

    /// What a time field must hold.
    pub fn expected(&self) -> &'static str {
        "a number (of the time unit) or a timestamp YYYY-MM-DD HH:MM:SS[.fff]"
    }

    /// The time in `bytes`, seconds of trace time.
    #[inline]
    pub fn read(&mut self, bytes: &[u8]) -> Option<f64> {
        if let Some(value) = number(bytes) {
            return Some(value * self.unit);
        }
        let absolute = timestamp(bytes)?;
        Some(absolute - *self.origin.get_or_insert(absolute))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(b"42"), Some(42.0));
        assert_eq!(number(b" 7 "), Some(7.0));
        assert_eq!(number(b"-1"), Some(-1.0));
        assert_eq!(number(b"2.5e3"), Some(2500.0));
        assert_eq!(number(b""), None);
        assert_eq!(number(b"x1"), None);
        assert_eq!(number(b"inf"), None);
        assert_eq!(number(b"."), None);
        assert_eq!(number(b"1.2.3"), None);
        for text in ["1.", ".5", "007", "0.000", " 2.25", "3.5 ", "12345678901234567", "1234567890.123456", "+1", "1e3"]
        {
            assert_eq!(number(text.as_bytes()), text.trim().parse::<f64>().ok(), "{text}");
        }
    }

    #[test]
    fn plain_decimals_equal_the_standard_parse() {
        // A brute-force check against `str::parse` over many shapes of decimals.
        let mut state: u64 = 99;
        for _ in 0..200_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let digits = 1 + (state >> 60) as usize % 15;
            let value = (state >> 8) % 10u64.pow(digits as u32);
            let text = format!("{value:0digits$}");
            let point = (state >> 40) as usize % (digits + 1);
            let text = if point == digits { text } else { format!("{}.{}", &text[..point], &text[point..]) };
            assert_eq!(number(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
    }

    #[test]
    fn any_short_text_reads_as_the_standard_parse() {
        // Random texts of 0 to 18 bytes of digits, dots, signs, exponents and spaces: the fast
        // path (plain decimals up to 16 bytes) and the fallback against `str::parse`.
        let alphabet = b"0123456789012345.-+e ";
        let mut state: u64 = 3;
        for _ in 0..300_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (state >> 59) as usize % 19;
            let text: String = (0..len)
                .map(|i| alphabet[((state >> (3 * i % 57)) % alphabet.len() as u64) as usize] as char)
                .collect();
            let expected = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            assert_eq!(number(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn timestamps_against_known_epochs() {
        // 2023-11-16 00:00:00 UTC is 1700092800 (date -u -d 2023-11-16 +%s).
        assert_eq!(timestamp(b"2023-11-16 00:00:00"), Some(1_700_092_800.0));
        assert_eq!(timestamp(b"1970-01-01T00:00:01"), Some(1.0));
        assert_eq!(timestamp(b"2000-03-01 00:00:00"), Some(951_868_800.0));
        let t = timestamp(b"2023-11-16 18:15:46.6805900").unwrap();
        assert!((t - (1_700_092_800.0 + 18.0 * 3600.0 + 15.0 * 60.0 + 46.68059)).abs() < 1e-6);
        assert_eq!(timestamp(b"2023-13-16 00:00:00"), None);
        assert_eq!(timestamp(b"yesterday"), None);
    }
}
