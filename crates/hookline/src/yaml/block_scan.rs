//! A line scan that proves a plain block-style document well-formed without the full
//! scanner, for [`super::from_str_head`]: a CRD is megabytes of schema (`key: value` lines,
//! `- ` entries and `|-` descriptions) of which `SimpleHead` reads only the root's
//! `apiVersion`, `kind` and `metadata` entries, yet Helm still parses all of it
//! (`pkg/action/install.go` `installCRDs` builds every CRD document through
//! `KubeClient.Build`), so an invalid document must still fail.
//!
//! The scan accepts only a subset of YAML that go-yaml v2's scanner (`scannerc.go`) takes
//! without an error and that the head decode takes without looking at it: block mappings with
//! plain ASCII keys, block sequences (indented or not), single-line plain and quoted scalars,
//! `|`/`>` block scalars without an indentation indicator, and empty `[]`/`{}`. Anything else
//! (tabs, carriage returns, Unicode line breaks, flow collections, anchors, aliases, tags,
//! complex keys, multi-line plain or quoted scalars, a root that is not a mapping, nesting
//! near the depth limit) leaves the document to the parser, which reports what is wrong in
//! Helm's words. Scalars outside the head are checked as [`super::load`]'s head build
//! checks them (`check` below).

use super::words::{leading_spaces, newline_from};

/// One open block collection: the column of its keys or `- ` entries.
#[derive(Clone, Copy)]
struct Frame {
    indent: usize,
    seq: bool,
}

/// What the scan expects of the next content line.
enum Next {
    /// A line of the open collections.
    Entry,
    /// After `key:` with nothing on the line (at the key's column): a nested collection, an
    /// indentless sequence at the key's column, or nothing (a null value).
    Value { key_indent: usize },
    /// More lines of a quoted scalar (`quote` is `'` or `"`) whose collection is at `parent`.
    Quoted { quote: u8, parent: usize },
    /// More lines of a plain scalar whose collection is at `parent`; `alpha`: the scalar
    /// starts with a letter (the only kind the head decode takes without resolving it).
    Plain { parent: usize, alpha: bool },
    /// The lines of a block scalar whose collection is at `parent`: `indent` once known.
    Block {
        parent: usize,
        indent: Option<usize>,
        leading_max: usize,
    },
}

/// Where the root's head entries are in `src` (byte ranges, in order) when the scan proves
/// the document well-formed and every scalar outside them accepted by `check(text, plain,
/// is_key)` (the head build's check of a skipped scalar, see `build_head`); `None` leaves the
/// document to the parser. `is_head_key` tells a root key that the decode builds.
/// What [`head_ranges`] found: no content at all, or the root mapping's head entries.
pub(super) enum Head {
    Empty,
    Entries(Vec<(usize, usize)>),
}

pub(super) fn head_ranges(
    src: &str,
    max_depth: usize,
    check: &mut dyn FnMut(&str, bool, bool) -> bool,
    is_head_key: fn(&str) -> bool,
) -> Option<Head> {
    // Characters the scan does not follow: tabs and CR (indentation and line-break rules),
    // NEL, LS, PS (go-yaml's other line breaks), BOM.
    let b = src.as_bytes();
    if has_special_char(b) {
        return None;
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut next = Next::Entry;
    // Root entries: (start of the key's line, whether the decode builds it).
    let mut roots: Vec<(usize, bool)> = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let end = newline_from(b, pos);
        let line = &src[pos..end];
        let start = pos;
        pos = end + 1;
        let indent = leading_spaces(line.as_bytes());
        let rest = &line[indent..];
        if let Next::Block {
            parent,
            indent: block_indent,
            leading_max,
        } = &mut next
        {
            // go-yaml's `yaml_parser_scan_block_scalar_breaks`: the indentation is the largest
            // of the leading empty lines', the first text line's and one more than the
            // collection's; a text line less indented ends the scalar.
            match *block_indent {
                None if rest.is_empty() => {
                    *leading_max = (*leading_max).max(indent);
                    continue;
                }
                None => {
                    let m = (*leading_max).max(indent).max(*parent + 1);
                    *block_indent = Some(m);
                    if indent >= m {
                        continue;
                    }
                }
                Some(m) => {
                    if rest.is_empty() || indent >= m {
                        continue;
                    }
                }
            }
            next = Next::Entry;
        }
        if let Next::Quoted { quote, parent } = next {
            // scannerc.go `yaml_parser_scan_flow_scalar`: blank lines fold; a line of the
            // scalar less indented than its collection is left to the parser.
            if rest.is_empty() {
                continue;
            }
            if indent <= parent {
                return None;
            }
            match quoted_end(rest, quote)? {
                Quote::Open => continue,
                Quote::Closed(end) => {
                    comment_or_nothing(&rest[end..])?;
                    next = Next::Entry;
                    continue;
                }
            }
        }
        if let Next::Plain { parent, alpha } = next {
            // scannerc.go `yaml_parser_scan_plain_scalar`: a line indented more than the
            // collection goes on with the scalar, up to a comment; a `: ` in it is an error.
            if rest.is_empty() {
                continue;
            }
            if indent > parent && !rest.starts_with('#') {
                if !alpha {
                    return None;
                }
                let (_, comment, indicator) = plain_text(rest);
                if indicator {
                    return None;
                }
                if comment {
                    next = Next::Entry;
                }
                continue;
            }
            next = Next::Entry;
        }
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        // (Every line below sets what the next must be.)
        if let Next::Value { key_indent } = next {
            let dash = is_entry(rest);
            if indent > key_indent {
                // A flow collection on its own line is the value.
                if rest.starts_with(['[', '{']) {
                    next = value(rest, key_indent, check)?;
                    continue;
                }
                // A nested collection; a scalar on its own line is left to the parser.
                if !dash && key_of(rest).is_none() {
                    return None;
                }
                frames.push(Frame { indent, seq: dash });
            } else if indent == key_indent && dash {
                // An indentless sequence (go-yaml keeps the mapping's indentation for it).
                frames.push(Frame { indent, seq: true });
            }
        }
        // Close what this line's indentation ends; an indentless sequence ends at a line of
        // its column that is no entry.
        while let Some(top) = frames.last() {
            let closes = top.indent > indent
                || (top.seq
                    && top.indent == indent
                    && !is_entry(rest)
                    && frames.len() >= 2
                    && frames[frames.len() - 2].indent == indent);
            if !closes {
                break;
            }
            frames.pop();
        }
        if frames.is_empty() {
            // The first line: the root mapping at column 0 (the root is never closed).
            if indent != 0 {
                return None;
            }
            frames.push(Frame {
                indent: 0,
                seq: false,
            });
        }
        let top = *frames.last()?;
        if top.indent != indent {
            return None;
        }
        // Room for one more collection (`- key:`, `[]`) below go-yaml's depth limit, which
        // is then the parser's to report.
        if frames.len() + 3 > max_depth {
            return None;
        }
        let mut col = indent;
        let mut body = rest;
        // the entry's key, when the line is a sequence entry
        let mut keyed = None;
        if top.seq {
            if !is_entry(body) || body.len() < 2 {
                return None;
            }
            let after = &body[2..];
            let item = after.trim_start_matches(' ');
            col += 2 + (after.len() - item.len());
            body = item;
            if is_entry(body) || body.is_empty() {
                return None;
            }
            keyed = key_of(body);
            if keyed.is_none() {
                next = value(body, top.indent, check)?;
                continue;
            }
            // `- key: ...`: a mapping at the key's column.
            frames.push(Frame {
                indent: col,
                seq: false,
            });
        }
        let (key, plain, after) = match keyed {
            Some(k) => k,
            None => key_of(body)?,
        };
        if !check(key, plain, true) {
            return None;
        }
        if frames.len() == 1 {
            roots.push((start, is_head_key(key)));
        }
        let v = after.trim_start_matches(' ');
        if v.is_empty() || v.starts_with('#') {
            next = Next::Value { key_indent: col };
            continue;
        }
        // A root head entry's value is the decoder's to read (and check).
        let parent = frames.last()?.indent;
        let head = frames.len() == 1 && roots.last().is_some_and(|r| r.1);
        next = if head {
            value(v, parent, &mut |_, _, _| true)?
        } else {
            value(v, parent, check)?
        };
    }
    if matches!(next, Next::Quoted { .. }) {
        // a quoted scalar the document does not close
        return None;
    }
    if roots.is_empty() {
        // comments and blank lines only (a root without a key line was refused above)
        return Some(Head::Empty);
    }
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, &(start, head)) in roots.iter().enumerate() {
        if head {
            let end = roots.get(i + 1).map_or(b.len(), |r| r.0);
            ranges.push((start, end));
        }
    }
    Some(Head::Entries(ranges))
}

/// Whether `b` holds a tab, a CR, or a character go-yaml reads as a line break or a BOM
/// (NEL `C2 85`, LS `E2 80 A8`, PS `E2 80 A9`, BOM `EF BB BF`).
fn has_special_char(b: &[u8]) -> bool {
    const N: usize = 16;
    let special = |i: usize| match b[i] {
        b'\t' | b'\r' => true,
        0xC2 => b.get(i + 1) == Some(&0x85),
        0xE2 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)),
        0xEF => b.get(i + 1) == Some(&0xBB) && b.get(i + 2) == Some(&0xBF),
        _ => false,
    };
    let chunks = b.chunks_exact(N);
    let tail = b.len() - chunks.remainder().len();
    // N bytes at a time: most text is printable ASCII and newlines only.
    for (n, chunk) in chunks.enumerate() {
        let plain = chunk.iter().fold(true, |ok, &c| {
            ok & ((0x20..0x7F).contains(&c) | (c == b'\n'))
        });
        if !plain && (n * N..n * N + N).any(special) {
            return true;
        }
    }
    (tail..b.len()).any(special)
}

/// A block sequence entry: `- ` or a lone `-`.
fn is_entry(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// The characters of a plain key (`[A-Za-z0-9_.$/-]`), by byte.
const KEY_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'/' | b'-');
        c += 1;
    }
    t
};

/// `key:` followed by a space or the line's end, the key a plain ASCII word
/// (`[A-Za-z][A-Za-z0-9_.$/-]*`) or a quoted one without escapes, shorter than go-yaml's
/// 1024-character simple key limit: the key's text, whether it is plain, and what follows the
/// colon.
fn key_of(rest: &str) -> Option<(&str, bool, &str)> {
    let b = rest.as_bytes();
    let first = *b.first()?;
    let (key, plain, n) = if first == b'"' || first == b'\'' {
        let close = 1 + b[1..].iter().position(|&c| c == first)?;
        let key = &rest[1..close];
        // `''` (a quote in a single-quoted key) and escapes are left to the parser
        if b.get(close + 1) == Some(&first) || first == b'"' && key.contains('\\') {
            return None;
        }
        (key, false, close + 1)
    } else if first.is_ascii_alphabetic() {
        let n = b.iter().position(|&c| !KEY_CHAR[usize::from(c)])?;
        (&rest[..n], true, n)
    } else {
        return None;
    };
    if b.get(n) != Some(&b':') || n > 1000 {
        return None;
    }
    match b.get(n + 1) {
        None | Some(b' ') => Some((key, plain, &rest[n + 1..])),
        _ => None,
    }
}

/// A flow sequence on one line (`[a, "b", 'c']`) of scalars: plain words or quoted
/// scalars; its end. Flow mappings and anything else are left to the parser.
fn flow_sequence_end(v: &str, check: &mut dyn FnMut(&str, bool, bool) -> bool) -> Option<usize> {
    let b = v.as_bytes();
    let mut i = 1;
    loop {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        match *b.get(i)? {
            b']' => return Some(i + 1),
            q @ (b'"' | b'\'') => match quoted_end(&v[i + 1..], q)? {
                Quote::Closed(end) => i += 1 + end,
                Quote::Open => return None,
            },
            c if c.is_ascii_alphanumeric() => {
                // a plain scalar of flow context, kept to characters with no meaning there
                let n = b[i..].iter().position(|&c| {
                    !(c.is_ascii_alphanumeric() || matches!(c, b' ' | b'_' | b'.' | b'/' | b'-'))
                })?;
                let item = v[i..i + n].trim_end_matches(' ');
                if !check(item, true, false) {
                    return None;
                }
                i += n;
            }
            _ => return None,
        }
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        match *b.get(i)? {
            b',' => i += 1,
            b']' => return Some(i + 1),
            _ => return None,
        }
    }
}

/// A value on a key's (or an entry's) line, in a collection at column `parent`: what the
/// next line must be.
fn value(v: &str, parent: usize, check: &mut dyn FnMut(&str, bool, bool) -> bool) -> Option<Next> {
    let b = v.as_bytes();
    match b[0] {
        b'|' | b'>' => {
            let header = v.trim_end_matches(' ');
            if !matches!(&header[1..], "" | "-" | "+") {
                return None;
            }
            Some(Next::Block {
                parent,
                indent: None,
                leading_max: 0,
            })
        }
        b'\'' | b'"' => match quoted_end(&v[1..], b[0])? {
            Quote::Open => Some(Next::Quoted {
                quote: b[0],
                parent,
            }),
            Quote::Closed(end) => {
                comment_or_nothing(&v[1 + end..])?;
                Some(Next::Entry)
            }
        },
        b'{' => {
            if !v.starts_with("{}") {
                return None;
            }
            comment_or_nothing(&v[2..])?;
            Some(Next::Entry)
        }
        b'[' => {
            let end = flow_sequence_end(v, check)?;
            comment_or_nothing(&v[end..])?;
            Some(Next::Entry)
        }
        b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' => None,
        b'-' | b'?' | b':' if b.len() == 1 || b[1] == b' ' => None,
        _ => {
            // A plain scalar ends at ` #` (a comment); a `: ` or a final `:` in it is an
            // error the parser reports. It may go on over the next lines.
            let (text, comment, indicator) = plain_text(v);
            if indicator || !check(text, true, false) {
                return None;
            }
            Some(if comment {
                Next::Entry
            } else {
                Next::Plain {
                    parent,
                    alpha: text.as_bytes()[0].is_ascii_alphabetic(),
                }
            })
        }
    }
}

/// A plain scalar's text on a line (trailing spaces left out), whether a comment (` #`)
/// ends it, and whether a `: ` or a final `:` is in it (a mapping value where go-yaml allows
/// none).
fn plain_text(line: &str) -> (&str, bool, bool) {
    let b = line.as_bytes();
    let mut indicator = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'#' if i > 0 && b[i - 1] == b' ' => {
                return (line[..i - 1].trim_end_matches(' '), true, indicator);
            }
            b':' if matches!(b.get(i + 1), None | Some(b' ')) => indicator = true,
            _ => {}
        }
    }
    (line.trim_end_matches(' '), false, indicator)
}

/// Where a quoted scalar's line ends it.
enum Quote {
    /// Just past the closing quote.
    Closed(usize),
    /// The scalar goes on to the next line.
    Open,
}

/// The rest of a line inside a scalar quoted with `q` (`'` or `"`): where the scalar closes
/// on it; `None` for an escape the scan does not check (`\x`, `\u`, `\U`: the parser checks
/// their digits and code point) or one go-yaml rejects.
fn quoted_end(line: &str, q: u8) -> Option<Quote> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' if q == b'\'' => {
                if b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Some(Quote::Closed(i + 1));
            }
            b'"' if q == b'"' => return Some(Quote::Closed(i + 1)),
            b'\\' if q == b'"' => {
                // scannerc.go's escapes; a backslash at the line's end joins the next line
                let Some(&e) = b.get(i + 1) else {
                    return Some(Quote::Open);
                };
                if !matches!(
                    e,
                    b'0' | b'a'
                        | b'b'
                        | b't'
                        | b'n'
                        | b'v'
                        | b'f'
                        | b'r'
                        | b'e'
                        | b' '
                        | b'"'
                        | b'\''
                        | b'\\'
                        | b'N'
                        | b'_'
                        | b'L'
                        | b'P'
                ) {
                    return None;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    Some(Quote::Open)
}

/// Nothing but spaces, or spaces and then a comment.
fn comment_or_nothing(rest: &str) -> Option<()> {
    let t = rest.trim_start_matches(' ');
    (t.is_empty() || (t.len() < rest.len() && t.starts_with('#'))).then_some(())
}

#[cfg(test)]
mod tests {
    use super::super::load::{from_str_head_parsed, from_str_head_scanned};
    use super::super::LoadLimits;

    /// The scan's answer, when it gives one, is the parser's.
    fn agrees(src: &str) -> bool {
        let limits = LoadLimits::default();
        let Some(scanned) = from_str_head_scanned(src, limits) else {
            return false;
        };
        match from_str_head_parsed(src, limits) {
            Ok(parsed) => assert_eq!(scanned, parsed, "{src}"),
            Err(e) => panic!("the scan took a document the parser rejects ({e}):\n{src}"),
        }
        true
    }

    const CRD: &str = "# a comment\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n    controller-gen.kubebuilder.io/version: v0.17.2\n    weight: -5\n  name: things.example.com\n  labels: {}\nspec:\n  group: example.com\n  names:\n    categories:\n    - all\n    kind: Thing\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        description: |-\n          A thing.\n\n          With: colons, # hashes, - dashes and 'quotes'.\n        properties:\n          size:\n            default: 10\n            pattern: '^[a-z]+(-[a-z]+)*$'\n            format: \"int\\\"32\"\n            enum:\n              - a\n              - \"b\"\n            x-kubernetes-int-or-string: true\n          note:\n            description: >\n              folded\n              text\n            type: string # trailing comment\n        required: []\n        type: object\n    served: true\nstatus: {}\n";

    #[test]
    fn a_plain_crd_is_scanned_as_parsed() {
        assert!(agrees(CRD));
        // keys of the head in any case, and no head at all
        assert!(agrees(&CRD.replace("kind:", "Kind:")));
        assert!(agrees("spec:\n  a: 1\n"));
        assert!(agrees("# only a comment\n\n"));
        assert!(agrees(""));
        // quoted keys, flow sequences of scalars, an empty flow collection on its own line
        assert!(agrees(
            "kind: A\nmetadata:\n  \"helm.sh/hook\": x\n  'a b': 'c'\nx: [\"v1\", v1beta1 , '', 2]  # c\ny:\n    {}\nz: [ ]\n"
        ));
        // quoted scalars over several lines
        assert!(agrees(
            "kind: A\nx: 'it''s\n\n   on ''x'': y\n  '  # c\ny: \"a \\\"b\\\n  c\\\\\n d\"\nz: 1\n"
        ));
        // plain scalars over several lines, up to a comment
        assert!(agrees(
            "kind: A\nx: some words\n  and more - [x] 'y'\n\n   #c\ny:\n- a\n  b # c\nz: 1\n"
        ));
        // an empty value, an indentless sequence after it, nested sequences of mappings
        assert!(agrees(
            "kind: A\nx:\ny:\n- a: 1\n  b:\n  - c\n  d: 2\n- e\nz: \"\"\n"
        ));
    }

    #[test]
    fn what_the_scan_does_not_follow_is_left_to_the_parser() {
        for src in [
            "kind: A\nx: &a 1\n",
            "kind: A\nx: *a\n",
            "kind: A\nx: !!str 1\n",
            "kind: A\nx:\n  multi\n  line\n",
            "kind: A\nx: 'multi\nline'\n",
            "kind: A\nx: 'open\n",
            "kind: A\nx: \"a\\q\"\n",
            "kind: A\nx:\tvalue\n",
            "kind: A\r\nx: 1\r\n",
            "- kind: A\n",
            "kind: A\n\"x\\\"\": 1\n",
            "kind: A\n'x''y': 1\n",
            "kind: A\n\"<<\": {}\n",
            "kind: A\nx: [a, {b: c}]\n",
            "kind: A\nx: [a: b]\n",
            "kind: A\nx: [a\n",
            "kind: A\nx: [a,, b]\n",
            "kind: A\nx:\n[]\n",
            "kind: A\nnull: 1\n",
            "kind: A\n<<: {}\n",
            "kind: A\nx: .nan\n",
            "kind: A\nx: \"\\u0041\"\n",
            "kind: A\nx: |2\n   a\n",
            "kind: A\nx: a: b\n",
            "kind: A\nx: a:\n",
            "kind: A\nx: @a\n",
            "kind: A\nx: - a\n",
            "kind: A\n  x: 1\n",
            "kind: A\nx:\n  - a\n - b\n",
            "  kind: A\n",
        ] {
            assert!(!agrees(src), "{src}");
            // and the parser's answer stands
            let _ = super::super::load::from_str_head(src);
        }
    }

    /// go-yaml's depth limit is the parser's to report.
    #[test]
    fn deep_documents_are_left_to_the_parser() {
        let mut src = String::from("kind: A\n");
        for d in 0..400 {
            src.push_str(&" ".repeat(d));
            src.push_str("a:\n");
        }
        assert!(!agrees(&src));
        assert!(super::super::load::from_str_head(&src).is_err());
    }

    /// Small random edits of documents the scan takes (the characters YAML gives a meaning,
    /// line breaks, indentation): whatever the scan still takes, the parser takes the same way.
    #[test]
    fn edited_documents_agree_with_the_parser() {
        let seeds = [
            CRD,
            "kind: A\nmetadata:\n  name: x\n  annotations:\n    a: \"1\"\nspec:\n  list:\n  - a: |\n      text\n    b: c\n  - plain words\n",
            "kind: A\nmetadata:\n  annotations:\n    \"helm.sh/hook\": test\n    'b': \"\"\nspec:\n  x: [\"v1\", v2, 'v3']\n  y:\n    {}\n  z:\n  - [a]\n",
        ];
        let pieces = [
            " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "'", "\"", "|", ">", "|-", "[]",
            "{}", "[", "{", "&a", "*a", "!", "\\", "~", "?", "null", "1", ".5", "x", "\n  ",
            "\n- ", "%", "@", ",", "[a, 'b']", "]", "\"k\": ", "''", "<<", ".inf", "\u{85}", "\t",
            "é",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rand = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut taken = 0;
        for round in 0..9000 {
            let mut doc = seeds[round % seeds.len()].to_string();
            for _ in 0..1 + rand(3) {
                let mut at = rand(doc.len() + 1);
                while !doc.is_char_boundary(at) {
                    at -= 1;
                }
                match rand(3) {
                    0 => doc.insert_str(at, pieces[rand(pieces.len())]),
                    1 => {
                        let mut to = (at + 1 + rand(4)).min(doc.len());
                        while !doc.is_char_boundary(to) {
                            to += 1;
                        }
                        doc.replace_range(at..to, "");
                    }
                    _ => {
                        let mut to = (at + 1 + rand(4)).min(doc.len());
                        while !doc.is_char_boundary(to) {
                            to += 1;
                        }
                        doc.replace_range(at..to, pieces[rand(pieces.len())]);
                    }
                }
            }
            taken += usize::from(agrees(&doc));
        }
        // The edits must leave the scan work to do (else this test checks nothing).
        assert!(taken > 1000, "{taken}");
    }

    /// Every CRD file of the corpus (when ../shared is present): each document scanned, when
    /// the scan takes it, as parsed.
    #[test]
    fn corpus_crds_agree_with_the_parser() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.to_string_lossy().contains("/crds/")
                    && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                {
                    files.push(p);
                }
            }
        }
        let (mut docs, mut taken) = (0, 0);
        for f in files {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            for doc in crate::manifest::split_document_slices(&text) {
                docs += 1;
                taken += usize::from(agrees(doc));
            }
        }
        eprintln!("corpus CRDs: {taken} of {docs} documents scanned");
    }
}
