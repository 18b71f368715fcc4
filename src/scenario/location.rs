//! Finds where a field path (`classes[0].units.sigma`) or a byte offset sits in TOML source.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        while let Some((index, after)) = rest.split_once(']') {
            if let Ok(i) = index.parse() {
                out.push(Segment::Index(i));
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    out
}

/// The byte offset of the deepest part of `path` present in `source` (the key where the path
/// ends at a key). `None` when the source does not parse or nothing of the path is there.
pub fn find_path(source: &str, path: &str) -> Option<usize> {
    let root = DeTable::parse(source).ok()?;
    let mut best: Option<usize> = None;
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    let mut table = Some(root.get_ref());
    for segment in segments(path) {
        match segment {
            Segment::Key(key) => {
                let t = table.take().or_else(|| value.and_then(|v| v.get_ref().as_table()))?;
                let Some((k, v)) = t.iter().find(|(k, _)| k.get_ref() == key) else {
                    return best;
                };
                best = Some(k.span().start);
                value = Some(v);
            }
            Segment::Index(i) => {
                table = None;
                let Some(v) = value.and_then(|v| v.get_ref().get(i)) else {
                    return best;
                };
                best = Some(v.span().start);
                value = Some(v);
            }
        }
    }
    best
}

/// The dotted path of the innermost key or value whose span holds `offset`.
///
/// Sections (`[network]`, `[[classes]]`) carry only their header's span, so an offset inside
/// a section's body belongs to the last section header before it.
pub fn path_at(source: &str, offset: usize) -> Option<String> {
    fn walk(value: &DeValue<'_>, offset: usize, path: &mut String) {
        let push = |path: &mut String, key: &str| {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
        };
        match value {
            DeValue::Table(t) => {
                for (k, v) in t.iter() {
                    if k.span().contains(&offset) || v.span().contains(&offset) {
                        push(path, k.get_ref());
                        walk(v.get_ref(), offset, path);
                        return;
                    }
                }
                // Not inside a key or inline value: the last section header before `offset`.
                let mut candidates: Vec<(usize, String, &DeValue<'_>)> = Vec::new();
                for (k, v) in t.iter() {
                    match v.get_ref() {
                        DeValue::Table(_) => candidates.push((v.span().start, k.get_ref().to_string(), v.get_ref())),
                        DeValue::Array(a) => {
                            for (i, e) in a.iter().enumerate() {
                                if e.get_ref().is_table() {
                                    candidates.push((e.span().start, format!("{}[{i}]", k.get_ref()), e.get_ref()));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                let best =
                    candidates.into_iter().filter(|(start, _, _)| *start <= offset).max_by_key(|(start, _, _)| *start);
                if let Some((_, key, inner)) = best {
                    push(path, &key);
                    walk(inner, offset, path);
                }
            }
            DeValue::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    if v.span().contains(&offset) {
                        path.push_str(&format!("[{i}]"));
                        walk(v.get_ref(), offset, path);
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    let (root, _) = DeTable::parse_recoverable(source);
    let mut path = String::new();
    walk(&DeValue::Table(root.into_inner()), offset, &mut path);
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name = \"x\"\n[[classes]]\nname = \"a\"\n[[classes]]\nname = \"b\"\nunits = { dist = \"lognormal\", sigma = -1 }\n";

    #[test]
    fn finds_nested_paths() {
        let at = find_path(SOURCE, "classes[1].units.sigma").unwrap();
        assert_eq!(line_column(SOURCE, at), (6, 31));
        let at = find_path(SOURCE, "classes[1].missing").unwrap();
        assert_eq!(line_column(SOURCE, at).0, 4);
        assert_eq!(line_column(SOURCE, find_path(SOURCE, "name").unwrap()), (1, 1));
    }

    #[test]
    fn names_the_path_at_an_offset() {
        let offset = SOURCE.find("-1").unwrap();
        assert_eq!(path_at(SOURCE, offset).as_deref(), Some("classes[1].units.sigma"));
    }
}
