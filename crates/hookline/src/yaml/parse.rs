//! A YAML scanner and parser that behave like go-yaml v2's (`scannerc.go`, `parserc.go`, a
//! libyaml port): the same tokens, the same acceptance quirks (tab handling, unchecked
//! indentation of quoted-scalar continuation lines, NEL/LS/PS line breaks, simple keys limited
//! to one line and 1024 characters) and the same error problems and marks, so error messages
//! and their line numbers match Helm's.
//!
//! Written from the behaviour of the Go code. The scanner walks the UTF-8 bytes of the source;
//! its marks count characters like go-yaml's (index, 0-based line, 0-based column), so a
//! column after a multi-byte character is what Helm reports. Scalars that are one run of the
//! source (most of them) are slices of it, not copies.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub index: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scanner or parser error: go-yaml's `problem`, `problem_mark` and `context_mark`.
#[derive(Debug, Clone)]
pub(crate) struct ParseError {
    pub scanner: bool,
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
}

impl ParseError {
    /// The line go-yaml's `parser.fail` prints (0 = none).
    pub(crate) fn go_line(&self) -> usize {
        if self.problem_mark.line != 0 {
            self.problem_mark.line + usize::from(self.scanner)
        } else {
            self.context_mark.line
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    StreamStart,
    StreamEnd,
    VersionDirective(i32, i32),
    TagDirective(String, String),
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(Cow<'a, str>),
    Anchor(Cow<'a, str>),
    Tag(String, String),
    Scalar(Cow<'a, str>, ScalarStyle),
}

/// A token's kind without its text: what the parser looks at before it takes a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    StreamStart,
    StreamEnd,
    VersionDirective,
    TagDirective,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

impl Tok<'_> {
    fn k(&self) -> K {
        match self {
            Tok::StreamStart => K::StreamStart,
            Tok::StreamEnd => K::StreamEnd,
            Tok::VersionDirective(..) => K::VersionDirective,
            Tok::TagDirective(..) => K::TagDirective,
            Tok::DocumentStart => K::DocumentStart,
            Tok::DocumentEnd => K::DocumentEnd,
            Tok::BlockSequenceStart => K::BlockSequenceStart,
            Tok::BlockMappingStart => K::BlockMappingStart,
            Tok::BlockEnd => K::BlockEnd,
            Tok::FlowSequenceStart => K::FlowSequenceStart,
            Tok::FlowSequenceEnd => K::FlowSequenceEnd,
            Tok::FlowMappingStart => K::FlowMappingStart,
            Tok::FlowMappingEnd => K::FlowMappingEnd,
            Tok::BlockEntry => K::BlockEntry,
            Tok::FlowEntry => K::FlowEntry,
            Tok::Key => K::Key,
            Tok::Value => K::Value,
            Tok::Alias(_) => K::Alias,
            Tok::Anchor(_) => K::Anchor,
            Tok::Tag(..) => K::Tag,
            Tok::Scalar(..) => K::Scalar,
        }
    }
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Tok<'a>,
    start: Mark,
    end: Mark,
}

#[derive(Debug, Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

const MAX_FLOW_LEVEL: usize = 10000;
const MAX_INDENTS: usize = 10000;

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}
fn is_breakz(c: char) -> bool {
    is_break(c) || c == '\0'
}
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}
fn is_blankz(c: char) -> bool {
    is_blank(c) || is_breakz(c)
}
fn is_alpha(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

// Classes of ASCII bytes, for the runs the scanner takes a byte at a time: a run stops at
// a byte whose class shares a bit with the run's mask (the same answer as the run's `stop`
// function, which decides the other characters).
const BREAKZ: u8 = 1;
const BLANKZ: u8 = 2;
const COLON: u8 = 4;
const FLOW_INDICATOR: u8 = 8;
const SINGLE_QUOTE: u8 = 16;
const DOUBLE_QUOTE: u8 = 32;
const BACKSLASH: u8 = 64;
const NOT_ALPHA: u8 = 128;

const ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        let mut k = 0;
        if c == 0 || c == b'\r' || c == b'\n' {
            k |= BREAKZ | BLANKZ;
        }
        if c == b' ' || c == b'\t' {
            k |= BLANKZ;
        }
        if c == b':' {
            k |= COLON;
        }
        if matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}') {
            k |= FLOW_INDICATOR;
        }
        if c == b'\'' {
            k |= SINGLE_QUOTE;
        }
        if c == b'"' {
            k |= DOUBLE_QUOTE;
        }
        if c == b'\\' {
            k |= BACKSLASH;
        }
        if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
            k |= NOT_ALPHA;
        }
        t[i] = k;
        i += 1;
    }
    t
};

use super::words::{has_zero_byte, HIGH_BITS, LOW_BITS};

/// Length of the UTF-8 sequence a lead byte starts.
fn utf8_width(b: u8) -> usize {
    match b {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Errors are rare: boxed, they keep every `Result` on the hot path small.
type R<T> = Result<T, Box<ParseError>>;

/// A scalar's text while it is scanned: a byte span of the source as long as the text is
/// one run of it, a string of its own once it is not (folded lines, escapes).
#[derive(Debug)]
enum Text {
    Span(usize, usize),
    Owned(String),
}

impl Text {
    fn new() -> Text {
        Text::Span(0, 0)
    }

    fn is_empty(&self) -> bool {
        match self {
            Text::Span(a, b) => a == b,
            Text::Owned(s) => s.is_empty(),
        }
    }

    fn owned(&mut self, src: &str) -> &mut String {
        if let Text::Span(a, b) = *self {
            *self = Text::Owned(src[a..b].to_string());
        }
        match self {
            Text::Owned(s) => s,
            Text::Span(..) => unreachable!("made owned above"),
        }
    }

    /// Append `src[a..b]`.
    fn push_span(&mut self, src: &str, a: usize, b: usize) {
        if a == b {
            return;
        }
        match self {
            Text::Span(x, y) if x == y => {
                *x = a;
                *y = b;
            }
            Text::Span(_, y) if *y == a => *y = b,
            _ => self.owned(src).push_str(&src[a..b]),
        }
    }

    /// Append `t`; still a span when the source goes on with exactly `t`.
    fn push_str(&mut self, src: &str, t: &str) {
        if t.is_empty() {
            return;
        }
        match self {
            Text::Span(x, y) if x != y && src.as_bytes()[*y..].starts_with(t.as_bytes()) => {
                *y += t.len();
            }
            _ => self.owned(src).push_str(t),
        }
    }

    fn push(&mut self, src: &str, c: char) {
        self.push_str(src, c.encode_utf8(&mut [0; 4]));
    }

    fn clear(&mut self) {
        match self {
            Text::Span(a, b) => *b = *a,
            Text::Owned(s) => s.clear(),
        }
    }

    /// Append another text (of the same source).
    fn push_text(&mut self, src: &str, t: &Text) {
        match t {
            Text::Span(a, b) => self.push_span(src, *a, *b),
            Text::Owned(s) => self.push_str(src, s),
        }
    }

    fn finish(self, src: &str) -> Cow<'_, str> {
        match self {
            Text::Span(a, b) => Cow::Borrowed(&src[a..b]),
            Text::Owned(s) => Cow::Owned(s),
        }
    }
}

struct Scanner<'a> {
    /// The source without its byte order mark.
    src: &'a str,
    /// Byte offset of the next character (at most `src.len()`).
    pos: usize,
    mark: Mark,
    tokens: Vec<Token<'a>>,
    head: usize,
    tokens_parsed: usize,
    token_available: bool,
    stream_start_produced: bool,
    stream_end_produced: bool,
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    /// token number → index in `simple_keys` (few entries: one per flow level at most).
    simple_keys_by_tok: Vec<(usize, usize)>,
    flow_level: usize,
    /// The scalar scanners' line-break buffers, kept between scalars (no allocation per
    /// scalar that ends a line).
    leading_break: String,
    trailing_breaks: String,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Scanner<'a> {
        Scanner {
            src: src.strip_prefix('\u{feff}').unwrap_or(src),
            pos: 0,
            mark: Mark::default(),
            tokens: Vec::new(),
            head: 0,
            tokens_parsed: 0,
            token_available: false,
            stream_start_produced: false,
            stream_end_produced: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: Vec::new(),
            flow_level: 0,
            leading_break: String::new(),
            trailing_breaks: String::new(),
        }
    }

    /// The character `k` characters ahead; `'\0'` past the end.
    #[inline]
    fn ch(&self, k: usize) -> char {
        let b = self.src.as_bytes();
        let mut p = self.pos;
        for _ in 0..k {
            match b.get(p) {
                Some(&c) => p += utf8_width(c),
                None => return '\0',
            }
        }
        match b.get(p) {
            Some(&c) if c < 0x80 => c as char,
            Some(_) => self.src[p..].chars().next().unwrap_or('\0'),
            None => '\0',
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn err(&self, context_mark: Mark, problem: impl Into<String>) -> Box<ParseError> {
        Box::new(ParseError {
            scanner: true,
            problem: problem.into(),
            problem_mark: self.mark,
            context_mark,
        })
    }

    fn skip(&mut self) {
        if let Some(&c) = self.src.as_bytes().get(self.pos) {
            self.pos += utf8_width(c);
        }
        self.mark.index += 1;
        self.mark.column += 1;
    }

    fn skip_line(&mut self) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            self.pos += 2;
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
        } else if is_break(c) {
            self.pos += c.len_utf8();
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
        }
    }

    /// The next character into `s`.
    fn read(&mut self, s: &mut Text) {
        let a = self.pos;
        self.skip();
        s.push_span(self.src, a, self.pos);
    }

    fn read_string(&mut self, s: &mut String) {
        let a = self.pos;
        self.skip();
        s.push_str(&self.src[a..self.pos]);
    }

    /// Skip characters (on this line) while they are not `stop`; returns where the run began.
    /// One pass over the bytes instead of a call per character (block scalars and comments
    /// hold most of a chart's bytes). ASCII bytes stop the run when their class shares a bit
    /// with `mask`, which must give `stop`'s answer for them.
    fn skip_run(&mut self, mask: u8, stop: impl Fn(char) -> bool) -> usize {
        let b = self.src.as_bytes();
        let start = self.pos;
        let mut p = start;
        // characters skipped that are not single bytes, each counted once in the marks
        let mut extra = 0;
        loop {
            if mask == BREAKZ {
                // To the end of the line (comments, block scalar lines): eight bytes at a time
                // while none of them is a line break, NUL or the start of a non-ASCII character.
                while let Some(chunk) = b.get(p..p + 8) {
                    let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
                    if x & HIGH_BITS != 0
                        || has_zero_byte(x)
                        || has_zero_byte(x ^ (LOW_BITS * u64::from(b'\n')))
                        || has_zero_byte(x ^ (LOW_BITS * u64::from(b'\r')))
                    {
                        break;
                    }
                    p += 8;
                }
            }
            while let Some(&c) = b.get(p) {
                if c >= 0x80 || ASCII_CLASS[c as usize] & mask != 0 {
                    break;
                }
                debug_assert!(!stop(c as char));
                p += 1;
            }
            match b.get(p) {
                Some(&c) if c >= 0x80 => {}
                Some(&c) => {
                    debug_assert!(stop(c as char));
                    break;
                }
                None => break,
            }
            let ch = self.src[p..].chars().next().unwrap_or('\0');
            if stop(ch) {
                break;
            }
            p += ch.len_utf8();
            extra += ch.len_utf8() - 1;
        }
        // Past the end the Go scanner reads NUL, which every caller's `stop` stops at.
        let n = p - start - extra;
        self.pos = p;
        self.mark.index += n;
        self.mark.column += n;
        start
    }

    /// Skip at most `limit` spaces.
    fn skip_spaces(&mut self, limit: usize) {
        let b = &self.src.as_bytes()[self.pos..];
        let n = super::words::leading_spaces(&b[..b.len().min(limit)]);
        self.pos += n;
        self.mark.index += n;
        self.mark.column += n;
    }

    /// The number of blanks (spaces and tabs) here when another part of a scalar follows them
    /// on this line: an ASCII character that is not a line break, and for a plain scalar not
    /// `#` (a comment) nor a `:` before a blank (the value indicator); 0 otherwise. Inside a
    /// line such blanks join the scalar, as the scalar scanners' blank loops would join them
    /// one character at a time (words of long descriptions are most of a CRD).
    fn blanks_inside_line(&self, plain: bool) -> usize {
        let b = self.src.as_bytes();
        let mut p = self.pos;
        while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
            p += 1;
        }
        let Some(&c) = b.get(p) else { return 0 };
        if p == self.pos || c >= 0x80 || ASCII_CLASS[c as usize] & BREAKZ != 0 {
            return 0;
        }
        if plain {
            if c == b'#' {
                return 0;
            }
            if c == b':' {
                match b.get(p + 1) {
                    Some(&n) if n < 0x80 && ASCII_CLASS[n as usize] & BLANKZ == 0 => {}
                    _ => return 0,
                }
            }
        }
        p - self.pos
    }

    /// Take `n` ASCII characters (not line breaks) into `s`.
    fn read_ascii(&mut self, s: &mut Text, n: usize) {
        let a = self.pos;
        self.pos += n;
        self.mark.index += n;
        self.mark.column += n;
        s.push_span(self.src, a, self.pos);
    }

    /// `read` repeated while the characters (on this line) are not `stop`.
    fn read_run(&mut self, s: &mut Text, mask: u8, stop: impl Fn(char) -> bool) {
        let start = self.skip_run(mask, stop);
        s.push_span(self.src, start, self.pos);
    }

    /// Consume a line break into `s`: `\n` for CR LF, CR, LF and NEL; LS and PS are kept.
    fn read_line(&mut self, s: &mut String) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            s.push('\n');
            self.pos += 2;
            self.mark.index += 1;
        } else if c == '\r' || c == '\n' || c == '\u{85}' {
            s.push('\n');
            self.pos += c.len_utf8();
        } else if c == '\u{2028}' || c == '\u{2029}' {
            s.push(c);
            self.pos += c.len_utf8();
        } else {
            return;
        }
        self.mark.index += 1;
        self.mark.column = 0;
        self.mark.line += 1;
    }

    /// go-yaml's `yaml_insert_token`: at `pos` after the queue head, or appended when `pos` is
    /// `None` (Go's negative position, which also happens for a stale simple key whose token
    /// was already consumed).
    fn insert_token(&mut self, pos: Option<usize>, t: Token<'a>) {
        match pos {
            Some(p) if self.head + p <= self.tokens.len() => self.tokens.insert(self.head + p, t),
            _ => self.tokens.push(t),
        }
    }

    fn push(&mut self, kind: Tok<'a>, start: Mark, end: Mark) {
        self.insert_token(None, Token { kind, start, end });
    }

    // -- token queue ------------------------------------------------------------------------

    fn fetch_more_tokens(&mut self) -> R<()> {
        loop {
            if self.head != self.tokens.len() {
                let Some(idx) = self.simple_key_for(self.tokens_parsed) else {
                    break;
                };
                if !self.simple_key_is_valid(idx)? {
                    break;
                }
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    fn peek(&mut self) -> R<&Token<'a>> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        Ok(&self.tokens[self.head])
    }

    fn skip_token(&mut self) {
        self.take_token();
    }

    /// Consume the head token (after a `peek`) and return it.
    fn take_token(&mut self) -> Tok<'a> {
        self.token_available = false;
        self.tokens_parsed += 1;
        // entries for tokens already consumed are never looked up again
        let parsed = self.tokens_parsed;
        self.simple_keys_by_tok.retain(|e| e.0 >= parsed);
        let kind = std::mem::replace(&mut self.tokens[self.head].kind, Tok::BlockEnd);
        self.stream_end_produced = matches!(kind, Tok::StreamEnd);
        self.head += 1;
        if self.head > 64 && self.head * 2 > self.tokens.len() {
            self.tokens.drain(..self.head);
            self.head = 0;
        }
        kind
    }
    fn simple_key_for(&self, token_number: usize) -> Option<usize> {
        self.simple_keys_by_tok
            .iter()
            .find(|e| e.0 == token_number)
            .map(|e| e.1)
    }

    fn simple_key_is_valid(&mut self, idx: usize) -> R<bool> {
        let sk = self.simple_keys[idx];
        if !sk.possible {
            return Ok(false);
        }
        if sk.mark.line < self.mark.line || sk.mark.index + 1024 < self.mark.index {
            if sk.required {
                return Err(self.err(sk.mark, "could not find expected ':'"));
            }
            self.simple_keys[idx].possible = false;
            return Ok(false);
        }
        Ok(true)
    }

    fn save_simple_key(&mut self) -> R<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as isize;
        if self.simple_key_allowed {
            let sk = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + (self.tokens.len() - self.head),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len() - 1;
            self.simple_keys[last] = sk;
            self.simple_keys_by_tok.retain(|e| e.0 != sk.token_number);
            self.simple_keys_by_tok.push((sk.token_number, last));
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> R<()> {
        let i = self.simple_keys.len() - 1;
        if self.simple_keys[i].possible {
            if self.simple_keys[i].required {
                return Err(self.err(self.simple_keys[i].mark, "could not find expected ':'"));
            }
            self.simple_keys[i].possible = false;
            let tn = self.simple_keys[i].token_number;
            self.simple_keys_by_tok.retain(|e| e.0 != tn);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> R<()> {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.tokens_parsed + (self.tokens.len() - self.head),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_FLOW_LEVEL {
            let m = self.simple_keys[self.simple_keys.len() - 1].mark;
            return Err(self.err(m, format!("exceeded max depth of {MAX_FLOW_LEVEL}")));
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(sk) = self.simple_keys.pop() {
                self.simple_keys_by_tok.retain(|e| e.0 != sk.token_number);
            }
        }
    }

    fn roll_indent(
        &mut self,
        column: usize,
        number: Option<usize>,
        kind: Tok<'a>,
        mark: Mark,
    ) -> R<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        if self.indent < column as isize {
            self.indents.push(self.indent);
            self.indent = column as isize;
            if self.indents.len() > MAX_INDENTS {
                let m = self.simple_keys[self.simple_keys.len() - 1].mark;
                return Err(self.err(m, format!("exceeded max depth of {MAX_INDENTS}")));
            }
            let t = Token {
                kind,
                start: mark,
                end: mark,
            };
            let pos = number.and_then(|n| n.checked_sub(self.tokens_parsed));
            self.insert_token(pos, t);
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            let m = self.mark;
            self.push(Tok::BlockEnd, m, m);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_next_token(&mut self) -> R<()> {
        if !self.stream_start_produced {
            self.indent = -1;
            self.simple_keys.push(SimpleKey::default());
            self.simple_key_allowed = true;
            self.stream_start_produced = true;
            let m = self.mark;
            self.push(Tok::StreamStart, m, m);
            return Ok(());
        }
        self.scan_to_next_token();
        self.unroll_indent(self.mark.column as isize);
        let c = self.ch(0);
        if c == '\0' && self.at_end() {
            return self.fetch_stream_end();
        }
        let col0 = self.mark.column == 0;
        if col0 && c == '%' {
            return self.fetch_directive();
        }
        if col0 && c == '-' && self.ch(1) == '-' && self.ch(2) == '-' && is_blankz(self.ch(3)) {
            return self.fetch_document_indicator(Tok::DocumentStart);
        }
        if col0 && c == '.' && self.ch(1) == '.' && self.ch(2) == '.' && is_blankz(self.ch(3)) {
            return self.fetch_document_indicator(Tok::DocumentEnd);
        }
        match c {
            '[' => return self.fetch_flow_collection_start(Tok::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(Tok::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(Tok::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(Tok::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            _ => {}
        }
        if c == '-' && is_blankz(self.ch(1)) {
            return self.fetch_block_entry();
        }
        if c == '?' && (self.flow_level > 0 || is_blankz(self.ch(1))) {
            return self.fetch_key();
        }
        if c == ':' && (self.flow_level > 0 || is_blankz(self.ch(1))) {
            return self.fetch_value();
        }
        match c {
            '*' => return self.fetch_anchor(true),
            '&' => return self.fetch_anchor(false),
            '!' => return self.fetch_tag(),
            '|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            '>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            '\'' => return self.fetch_flow_scalar(true),
            '"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let n = self.ch(1);
        if !(is_blankz(c)
            || matches!(
                c,
                '-' | '?'
                    | ':'
                    | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '#'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ))
            || (c == '-' && !is_blank(n))
            || (self.flow_level == 0 && (c == '?' || c == ':') && !is_blankz(n))
        {
            return self.fetch_plain_scalar();
        }
        Err(self.err(self.mark, "found character that cannot start any token"))
    }

    fn fetch_stream_end(&mut self) -> R<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let m = self.mark;
        self.push(Tok::StreamEnd, m, m);
        Ok(())
    }

    fn fetch_directive(&mut self) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_directive()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: Tok<'a>) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        let end = self.mark;
        self.push(kind, start, end);
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: Tok<'a>) -> R<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(kind, start, end);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: Tok<'a>) -> R<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(kind, start, end);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(Tok::FlowEntry, start, end);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.err(
                    self.mark,
                    "block sequence entries are not allowed in this context",
                ));
            }
            let m = self.mark;
            self.roll_indent(m.column, None, Tok::BlockSequenceStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(Tok::BlockEntry, start, end);
        Ok(())
    }

    fn fetch_key(&mut self) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.err(self.mark, "mapping keys are not allowed in this context"));
            }
            let m = self.mark;
            self.roll_indent(m.column, None, Tok::BlockMappingStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(Tok::Key, start, end);
        Ok(())
    }

    fn fetch_value(&mut self) -> R<()> {
        let idx = self.simple_keys.len() - 1;
        if self.simple_key_is_valid(idx)? {
            let sk = self.simple_keys[idx];
            let t = Token {
                kind: Tok::Key,
                start: sk.mark,
                end: sk.mark,
            };
            self.insert_token(sk.token_number.checked_sub(self.tokens_parsed), t);
            self.roll_indent(
                sk.mark.column,
                Some(sk.token_number),
                Tok::BlockMappingStart,
                sk.mark,
            )?;
            self.simple_keys[idx].possible = false;
            self.simple_keys_by_tok.retain(|e| e.0 != sk.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(
                        self.err(self.mark, "mapping values are not allowed in this context")
                    );
                }
                let m = self.mark;
                self.roll_indent(m.column, None, Tok::BlockMappingStart, m)?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(Tok::Value, start, end);
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let mut s = Text::new();
        self.read_run(&mut s, NOT_ALPHA, |c| !is_alpha(c));
        let end = self.mark;
        let c = self.ch(0);
        if s.is_empty()
            || !(is_blankz(c) || matches!(c, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`'))
        {
            return Err(self.err(
                start,
                "did not find expected alphabetic or numeric character",
            ));
        }
        let kind = if alias {
            Tok::Alias(s.finish(self.src))
        } else {
            Tok::Anchor(s.finish(self.src))
        };
        self.push(kind, start, end);
        Ok(())
    }

    fn fetch_tag(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        let (handle, suffix);
        if self.ch(1) == '<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(false, "", start)?;
            if self.ch(0) != '>' {
                return Err(self.err(start, "did not find the expected '>'"));
            }
            self.skip();
            handle = String::new();
        } else {
            let h = self.scan_tag_handle(false, start)?;
            if h.starts_with('!') && h.len() > 1 && h.ends_with('!') {
                handle = h;
                suffix = self.scan_tag_uri(false, "", start)?;
            } else {
                let s = self.scan_tag_uri(false, &h, start)?;
                if s.is_empty() {
                    handle = String::new();
                    suffix = "!".to_string();
                } else {
                    handle = "!".to_string();
                    suffix = s;
                }
            }
        }
        if !is_blankz(self.ch(0)) {
            return Err(self.err(start, "did not find expected whitespace or line break"));
        }
        let end = self.mark;
        self.push(Tok::Tag(handle, suffix), start, end);
        Ok(())
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> R<String> {
        if self.ch(0) != '!' {
            return Err(self.err(start, "did not find expected '!'"));
        }
        let mut s = String::new();
        self.read_string(&mut s);
        while is_alpha(self.ch(0)) {
            self.read_string(&mut s);
        }
        if self.ch(0) == '!' {
            self.read_string(&mut s);
        } else if directive && s != "!" {
            return Err(self.err(start, "did not find expected '!'"));
        }
        Ok(s)
    }

    fn scan_tag_uri(&mut self, directive: bool, head: &str, start: Mark) -> R<String> {
        let mut s = String::new();
        let mut has_tag = !head.is_empty();
        if head.len() > 1 {
            s.push_str(&head[1..]);
        }
        loop {
            let c = self.ch(0);
            if !(is_alpha(c)
                || matches!(
                    c,
                    ';' | '/'
                        | '?'
                        | ':'
                        | '@'
                        | '&'
                        | '='
                        | '+'
                        | '$'
                        | ','
                        | '.'
                        | '!'
                        | '~'
                        | '*'
                        | '\''
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '%'
                ))
            {
                break;
            }
            if c == '%' {
                self.scan_uri_escapes(start, &mut s)?;
            } else {
                self.read_string(&mut s);
            }
            has_tag = true;
        }
        if !has_tag {
            let _ = directive;
            return Err(self.err(start, "did not find expected tag URI"));
        }
        Ok(s)
    }

    fn scan_uri_escapes(&mut self, start: Mark, s: &mut String) -> R<()> {
        let mut bytes = Vec::new();
        let mut w: usize = 1024;
        while w > 0 {
            let h1 = self.ch(1).to_digit(16);
            let h2 = self.ch(2).to_digit(16);
            let (Some(h1), Some(h2), '%') = (h1, h2, self.ch(0)) else {
                return Err(self.err(start, "did not find URI escaped octet"));
            };
            let octet = (h1 * 16 + h2) as u8;
            if w == 1024 {
                w = match octet {
                    0x00..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF7 => 4,
                    _ => return Err(self.err(start, "found an incorrect leading UTF-8 octet")),
                };
            } else if octet & 0xC0 != 0x80 {
                return Err(self.err(start, "found an incorrect trailing UTF-8 octet"));
            }
            bytes.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        s.push_str(&String::from_utf8_lossy(&bytes));
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let t = self.scan_block_scalar(literal)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_flow_scalar(single)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_plain_scalar()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn scan_to_next_token(&mut self) {
        loop {
            if self.mark.column == 0 && self.ch(0) == '\u{feff}' {
                self.skip();
            }
            let tabs = self.flow_level > 0 || !self.simple_key_allowed;
            loop {
                self.skip_spaces(usize::MAX);
                if !(tabs && self.ch(0) == '\t') {
                    break;
                }
                self.skip();
            }
            if self.ch(0) == '#' {
                self.skip_run(BREAKZ, is_breakz);
            }
            if is_break(self.ch(0)) {
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    fn scan_directive(&mut self) -> R<Token<'a>> {
        let start = self.mark;
        self.skip();
        let mut name = String::new();
        while is_alpha(self.ch(0)) {
            self.read_string(&mut name);
        }
        if name.is_empty() {
            return Err(self.err(start, "could not find expected directive name"));
        }
        if !is_blankz(self.ch(0)) {
            return Err(self.err(start, "found unexpected non-alphabetical character"));
        }
        let kind = if name == "YAML" {
            while is_blank(self.ch(0)) {
                self.skip();
            }
            let major = self.scan_version_number(start)?;
            if self.ch(0) != '.' {
                return Err(self.err(start, "did not find expected digit or '.' character"));
            }
            self.skip();
            let minor = self.scan_version_number(start)?;
            Tok::VersionDirective(major, minor)
        } else if name == "TAG" {
            while is_blank(self.ch(0)) {
                self.skip();
            }
            let handle = self.scan_tag_handle(true, start)?;
            if !is_blank(self.ch(0)) {
                return Err(self.err(start, "did not find expected whitespace"));
            }
            while is_blank(self.ch(0)) {
                self.skip();
            }
            let prefix = self.scan_tag_uri(true, "", start)?;
            if !is_blankz(self.ch(0)) {
                return Err(self.err(start, "did not find expected whitespace or line break"));
            }
            Tok::TagDirective(handle, prefix)
        } else {
            return Err(self.err(start, "found unknown directive name"));
        };
        let end = self.mark;
        while is_blank(self.ch(0)) {
            self.skip();
        }
        if self.ch(0) == '#' {
            self.skip_run(BREAKZ, is_breakz);
        }
        if !is_breakz(self.ch(0)) {
            return Err(self.err(start, "did not find expected comment or line break"));
        }
        if is_break(self.ch(0)) {
            self.skip_line();
        }
        Ok(Token { kind, start, end })
    }

    fn scan_version_number(&mut self, start: Mark) -> R<i32> {
        let mut v = 0;
        let mut len = 0;
        while let Some(d) = self.ch(0).to_digit(10) {
            len += 1;
            if len > 2 {
                return Err(self.err(start, "found extremely long version number"));
            }
            v = v * 10 + d as i32;
            self.skip();
        }
        if len == 0 {
            return Err(self.err(start, "did not find expected version number"));
        }
        Ok(v)
    }

    fn scan_block_scalar(&mut self, literal: bool) -> R<Token<'a>> {
        let start = self.mark;
        self.skip();
        let mut chomping = 0i32;
        let mut increment = 0usize;
        let c = self.ch(0);
        if c == '+' || c == '-' {
            chomping = if c == '+' { 1 } else { -1 };
            self.skip();
            if let Some(d) = self.ch(0).to_digit(10) {
                if d == 0 {
                    return Err(self.err(start, "found an indentation indicator equal to 0"));
                }
                increment = d as usize;
                self.skip();
            }
        } else if let Some(d) = c.to_digit(10) {
            if d == 0 {
                return Err(self.err(start, "found an indentation indicator equal to 0"));
            }
            increment = d as usize;
            self.skip();
            let c = self.ch(0);
            if c == '+' || c == '-' {
                chomping = if c == '+' { 1 } else { -1 };
                self.skip();
            }
        }
        while is_blank(self.ch(0)) {
            self.skip();
        }
        if self.ch(0) == '#' {
            self.skip_run(BREAKZ, is_breakz);
        }
        if !is_breakz(self.ch(0)) {
            return Err(self.err(start, "did not find expected comment or line break"));
        }
        if is_break(self.ch(0)) {
            self.skip_line();
        }
        let mut end = self.mark;
        let mut indent: usize = 0;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent as usize + increment
            } else {
                increment
            };
        }
        let src = self.src;
        let mut s = Text::new();
        let mut leading_break = std::mem::take(&mut self.leading_break);
        let mut trailing_breaks = std::mem::take(&mut self.trailing_breaks);
        leading_break.clear();
        trailing_breaks.clear();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        let mut leading_blank = false;
        while self.mark.column == indent && !self.at_end() {
            let trailing_blank = is_blank(self.ch(0));
            if !literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
                if trailing_breaks.is_empty() {
                    s.push(src, ' ');
                }
            } else {
                s.push_str(src, &leading_break);
            }
            leading_break.clear();
            s.push_str(src, &trailing_breaks);
            trailing_breaks.clear();
            leading_blank = is_blank(self.ch(0));
            // Past the end `ch` reads '\0', which `is_breakz` stops at.
            self.read_run(&mut s, BREAKZ, is_breakz);
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.push_str(src, &leading_break);
        }
        if chomping == 1 {
            s.push_str(src, &trailing_breaks);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.leading_break = leading_break;
        self.trailing_breaks = trailing_breaks;
        Ok(Token {
            kind: Tok::Scalar(s.finish(src), style),
            start,
            end,
        })
    }

    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut usize,
        breaks: &mut String,
        start: Mark,
        end: &mut Mark,
    ) -> R<()> {
        *end = self.mark;
        let mut max_indent = 0;
        loop {
            let limit = if *indent == 0 {
                usize::MAX
            } else {
                indent.saturating_sub(self.mark.column)
            };
            self.skip_spaces(limit);
            if self.mark.column > max_indent {
                max_indent = self.mark.column;
            }
            if (*indent == 0 || self.mark.column < *indent) && self.ch(0) == '\t' {
                return Err(self.err(
                    start,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !is_break(self.ch(0)) {
                break;
            }
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent;
            let min = (self.indent + 1).max(1) as usize;
            if *indent < min {
                *indent = min;
            }
        }
        Ok(())
    }

    fn doc_indicator_here(&self) -> bool {
        self.mark.column == 0
            && ((self.ch(0) == '-' && self.ch(1) == '-' && self.ch(2) == '-')
                || (self.ch(0) == '.' && self.ch(1) == '.' && self.ch(2) == '.'))
            && is_blankz(self.ch(3))
    }

    fn scan_flow_scalar(&mut self, single: bool) -> R<Token<'a>> {
        let start = self.mark;
        self.skip();
        let src = self.src;
        let mut s = Text::new();
        let mut leading_break = std::mem::take(&mut self.leading_break);
        let mut trailing_breaks = std::mem::take(&mut self.trailing_breaks);
        leading_break.clear();
        trailing_breaks.clear();
        let mut whitespaces = Text::new();
        loop {
            if self.doc_indicator_here() {
                return Err(self.err(start, "found unexpected document indicator"));
            }
            if self.at_end() {
                return Err(self.err(start, "found unexpected end of stream"));
            }
            let mut leading_blanks = false;
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if single && c == '\'' && self.ch(1) == '\'' {
                    s.push(src, '\'');
                    self.skip();
                    self.skip();
                } else if (single && c == '\'') || (!single && c == '"') {
                    break;
                } else if !single && c == '\\' && is_break(self.ch(1)) {
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == '\\' {
                    let mut code_length = 0;
                    let e = match self.ch(1) {
                        '0' => '\0',
                        'a' => '\u{7}',
                        'b' => '\u{8}',
                        't' | '\t' => '\t',
                        'n' => '\n',
                        'v' => '\u{b}',
                        'f' => '\u{c}',
                        'r' => '\r',
                        'e' => '\u{1b}',
                        ' ' => ' ',
                        '"' => '"',
                        '\'' => '\'',
                        '\\' => '\\',
                        'N' => '\u{85}',
                        '_' => '\u{a0}',
                        'L' => '\u{2028}',
                        'P' => '\u{2029}',
                        'x' => {
                            code_length = 2;
                            '\0'
                        }
                        'u' => {
                            code_length = 4;
                            '\0'
                        }
                        'U' => {
                            code_length = 8;
                            '\0'
                        }
                        _ => {
                            return Err(self.err(start, "found unknown escape character"));
                        }
                    };
                    if code_length == 0 {
                        s.push(src, e);
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        let mut value: u32 = 0;
                        for k in 0..code_length {
                            let Some(d) = self.ch(k).to_digit(16) else {
                                return Err(
                                    self.err(start, "did not find expected hexdecimal number")
                                );
                            };
                            value = (value << 4) + d;
                        }
                        let Some(ch) = char::from_u32(value) else {
                            return Err(
                                self.err(start, "found invalid Unicode character escape code")
                            );
                        };
                        s.push(src, ch);
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    // A run of characters that need none of the checks above.
                    let mask = if single {
                        BLANKZ | SINGLE_QUOTE
                    } else {
                        BLANKZ | DOUBLE_QUOTE | BACKSLASH
                    };
                    let stop = |c| {
                        is_blankz(c)
                            || (single && c == '\'')
                            || (!single && (c == '"' || c == '\\'))
                    };
                    self.read_run(&mut s, mask, stop);
                    // the next words of this line, with the blanks between them
                    loop {
                        let n = self.blanks_inside_line(false);
                        if n == 0 {
                            break;
                        }
                        self.read_ascii(&mut s, n);
                        self.read_run(&mut s, mask, stop);
                    }
                }
            }
            let c = self.ch(0);
            if (single && c == '\'') || (!single && c == '"') {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if self.ch(0) == ' ' {
                    let a = self.pos;
                    self.skip_spaces(usize::MAX);
                    if !leading_blanks {
                        whitespaces.push_span(src, a, self.pos);
                    }
                } else if is_blank(self.ch(0)) {
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else if !leading_blanks {
                    whitespaces.clear();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                } else {
                    self.read_line(&mut trailing_breaks);
                }
            }
            if leading_blanks {
                if leading_break.starts_with('\n') {
                    if trailing_breaks.is_empty() {
                        s.push(src, ' ');
                    } else {
                        s.push_str(src, &trailing_breaks);
                    }
                } else {
                    s.push_str(src, &leading_break);
                    s.push_str(src, &trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.push_text(src, &whitespaces);
                whitespaces.clear();
            }
        }
        self.skip();
        let end = self.mark;
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        self.leading_break = leading_break;
        self.trailing_breaks = trailing_breaks;
        Ok(Token {
            kind: Tok::Scalar(s.finish(src), style),
            start,
            end,
        })
    }

    fn scan_plain_scalar(&mut self) -> R<Token<'a>> {
        let src = self.src;
        let mut s = Text::new();
        let mut leading_break = std::mem::take(&mut self.leading_break);
        let mut trailing_breaks = std::mem::take(&mut self.trailing_breaks);
        leading_break.clear();
        trailing_breaks.clear();
        let mut whitespaces = Text::new();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            if self.doc_indicator_here() {
                break;
            }
            if self.ch(0) == '#' {
                break;
            }
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if (c == ':' && is_blankz(self.ch(1)))
                    || (self.flow_level > 0 && matches!(c, ',' | '?' | '[' | ']' | '{' | '}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.starts_with('\n') {
                            if trailing_breaks.is_empty() {
                                s.push(src, ' ');
                            } else {
                                s.push_str(src, &trailing_breaks);
                            }
                        } else {
                            s.push_str(src, &leading_break);
                            s.push_str(src, &trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.push_text(src, &whitespaces);
                        whitespaces.clear();
                    }
                }
                self.read(&mut s);
                // The characters that cannot end the scalar or need the checks above (with
                // the blanks and breaks pending already written out) are taken as one run.
                let flow = self.flow_level > 0;
                let mask = BLANKZ | COLON | if flow { FLOW_INDICATOR } else { 0 };
                let stop = |c| {
                    is_blankz(c)
                        || c == ':'
                        || (flow && matches!(c, ',' | '?' | '[' | ']' | '{' | '}'))
                };
                self.read_run(&mut s, mask, stop);
                if !flow {
                    // the next words of this line, with the blanks between them
                    loop {
                        let n = self.blanks_inside_line(true);
                        if n == 0 {
                            break;
                        }
                        self.read_ascii(&mut s, n);
                        self.read(&mut s);
                        self.read_run(&mut s, mask, stop);
                    }
                }
                end = self.mark;
            }
            if !(is_blank(self.ch(0)) || is_break(self.ch(0))) {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if self.ch(0) == ' ' {
                    // a run of spaces at once (the indentation of a continuation line)
                    let a = self.pos;
                    self.skip_spaces(usize::MAX);
                    if !leading_blanks {
                        whitespaces.push_span(src, a, self.pos);
                    }
                    continue;
                }
                if is_blank(self.ch(0)) {
                    if leading_blanks && (self.mark.column as isize) < indent && self.ch(0) == '\t'
                    {
                        return Err(
                            self.err(start, "found a tab character that violates indentation")
                        );
                    }
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else if !leading_blanks {
                    whitespaces.clear();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                } else {
                    self.read_line(&mut trailing_breaks);
                }
            }
            if self.flow_level == 0 && (self.mark.column as isize) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        self.leading_break = leading_break;
        self.trailing_breaks = trailing_breaks;
        Ok(Token {
            kind: Tok::Scalar(s.finish(src), ScalarStyle::Plain),
            start,
            end,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

/// A parse event, as go-yaml's decoder consumes them.
#[derive(Debug, Clone)]
pub(crate) enum Event<'a> {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(Cow<'a, str>),
    Scalar {
        value: Cow<'a, str>,
        tag: String,
        anchor: Option<Cow<'a, str>>,
        /// go-yaml's `implicit` (plain scalar without tag, or tag `!`).
        plain_implicit: bool,
        #[allow(dead_code)]
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<Cow<'a, str>>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<Cow<'a, str>>,
    },
    MappingEnd,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

pub(crate) struct Parser<'a> {
    sc: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(String, String)>,
    done: bool,
}

fn perr(problem: &str, problem_mark: Mark, context_mark: Mark) -> Box<ParseError> {
    Box::new(ParseError {
        scanner: false,
        problem: problem.to_string(),
        problem_mark,
        context_mark,
    })
}

/// The head token's kind and marks (its text stays in the queue until it is taken).
#[derive(Debug, Clone, Copy)]
struct Peek {
    kind: K,
    start: Mark,
    end: Mark,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> Parser<'a> {
        Parser {
            sc: Scanner::new(src),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
            done: false,
        }
    }

    fn peek(&mut self) -> R<Peek> {
        let t = self.sc.peek()?;
        Ok(Peek {
            kind: t.kind.k(),
            start: t.start,
            end: t.end,
        })
    }

    /// The head token's text, taking it out of the queue (after a `peek`).
    fn take(&mut self) -> Tok<'a> {
        self.sc.take_token()
    }

    fn skip(&mut self) {
        self.sc.skip_token();
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    /// The next event with its start mark; `None` after the stream end.
    pub(crate) fn next(&mut self) -> Option<R<(Event<'a>, Mark)>> {
        if self.done || self.sc.stream_end_produced || self.state == State::End {
            return None;
        }
        let r = self.step();
        if r.is_err() {
            self.done = true;
        }
        Some(r)
    }

    fn step(&mut self) -> R<(Event<'a>, Mark)> {
        match self.state {
            State::StreamStart => {
                let t = self.peek()?;
                if t.kind != K::StreamStart {
                    return Err(perr(
                        "did not find expected <stream-start>",
                        t.start,
                        Mark::default(),
                    ));
                }
                self.state = State::ImplicitDocumentStart;
                self.skip();
                Ok((Event::StreamStart, t.start))
            }
            State::ImplicitDocumentStart => self.document_start(true),
            State::DocumentStart => self.document_start(false),
            State::DocumentContent => {
                let t = self.peek()?;
                if matches!(
                    t.kind,
                    K::VersionDirective
                        | K::TagDirective
                        | K::DocumentStart
                        | K::DocumentEnd
                        | K::StreamEnd
                ) {
                    self.pop_state();
                    return Ok(empty_scalar(t.start));
                }
                self.node(true, false)
            }
            State::DocumentEnd => {
                let t = self.peek()?;
                if t.kind == K::DocumentEnd {
                    self.skip();
                }
                self.tag_directives.clear();
                self.state = State::DocumentStart;
                Ok((Event::DocumentEnd, t.start))
            }
            State::BlockNode => self.node(true, false),
            State::BlockSequenceFirstEntry => self.block_sequence_entry(true),
            State::BlockSequenceEntry => self.block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.block_mapping_key(true),
            State::BlockMappingKey => self.block_mapping_key(false),
            State::BlockMappingValue => self.block_mapping_value(),
            State::FlowSequenceFirstEntry => self.flow_sequence_entry(true),
            State::FlowSequenceEntry => self.flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => {
                let t = self.peek()?;
                if !matches!(t.kind, K::Value | K::FlowEntry | K::FlowSequenceEnd) {
                    self.states.push(State::FlowSequenceEntryMappingValue);
                    return self.node(false, false);
                }
                let m = t.end;
                self.skip();
                self.state = State::FlowSequenceEntryMappingValue;
                Ok(empty_scalar(m))
            }
            State::FlowSequenceEntryMappingValue => {
                let t = self.peek()?;
                if t.kind == K::Value {
                    self.skip();
                    let t = self.peek()?;
                    if !matches!(t.kind, K::FlowEntry | K::FlowSequenceEnd) {
                        self.states.push(State::FlowSequenceEntryMappingEnd);
                        return self.node(false, false);
                    }
                    self.state = State::FlowSequenceEntryMappingEnd;
                    return Ok(empty_scalar(t.start));
                }
                self.state = State::FlowSequenceEntryMappingEnd;
                Ok(empty_scalar(t.start))
            }
            State::FlowSequenceEntryMappingEnd => {
                let t = self.peek()?;
                self.state = State::FlowSequenceEntry;
                Ok((Event::MappingEnd, t.start))
            }
            State::FlowMappingFirstKey => self.flow_mapping_key(true),
            State::FlowMappingKey => self.flow_mapping_key(false),
            State::FlowMappingValue => self.flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.flow_mapping_value(true),
            State::End => Ok((Event::StreamEnd, self.sc.mark)),
        }
    }

    fn document_start(&mut self, implicit: bool) -> R<(Event<'a>, Mark)> {
        let mut t = self.peek()?;
        if !implicit {
            while t.kind == K::DocumentEnd {
                self.skip();
                t = self.peek()?;
            }
        }
        if implicit
            && !matches!(
                t.kind,
                K::VersionDirective | K::TagDirective | K::DocumentStart | K::StreamEnd
            )
        {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            return Ok((Event::DocumentStart, t.start));
        }
        if t.kind != K::StreamEnd {
            let start = t.start;
            self.process_directives()?;
            let t = self.peek()?;
            if t.kind != K::DocumentStart {
                return Err(perr(
                    "did not find expected <document start>",
                    t.start,
                    Mark::default(),
                ));
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.skip();
            return Ok((Event::DocumentStart, start));
        }
        self.state = State::End;
        self.skip();
        Ok((Event::StreamEnd, t.start))
    }

    fn process_directives(&mut self) -> R<()> {
        let mut version_seen = false;
        let mut t = self.peek()?;
        loop {
            match t.kind {
                K::VersionDirective => {
                    let Tok::VersionDirective(major, minor) = self.take() else {
                        unreachable!("peeked a version directive")
                    };
                    if version_seen {
                        return Err(perr(
                            "found duplicate %YAML directive",
                            t.start,
                            Mark::default(),
                        ));
                    }
                    if major != 1 || minor != 1 {
                        return Err(perr(
                            "found incompatible YAML document",
                            t.start,
                            Mark::default(),
                        ));
                    }
                    version_seen = true;
                }
                K::TagDirective => {
                    let Tok::TagDirective(handle, prefix) = self.take() else {
                        unreachable!("peeked a tag directive")
                    };
                    if self.tag_directives.iter().any(|(h, _)| *h == handle) {
                        return Err(perr(
                            "found duplicate %TAG directive",
                            t.start,
                            Mark::default(),
                        ));
                    }
                    self.tag_directives.push((handle, prefix));
                }
                _ => break,
            }
            t = self.peek()?;
        }
        for (h, p) in [("!", "!"), ("!!", "tag:yaml.org,2002:")] {
            if !self.tag_directives.iter().any(|(x, _)| x == h) {
                self.tag_directives.push((h.to_string(), p.to_string()));
            }
        }
        Ok(())
    }

    fn node(&mut self, block: bool, indentless_sequence: bool) -> R<(Event<'a>, Mark)> {
        let mut t = self.peek()?;
        if t.kind == K::Alias {
            self.pop_state();
            let Tok::Alias(name) = self.take() else {
                unreachable!("peeked an alias")
            };
            return Ok((Event::Alias(name), t.start));
        }
        let mut start = t.start;
        let mut anchor: Option<Cow<'a, str>> = None;
        let mut tag_parts: Option<(String, String, Mark)> = None;
        if t.kind == K::Anchor {
            start = t.start;
            if let Tok::Anchor(a) = self.take() {
                anchor = Some(a);
            }
            t = self.peek()?;
            if t.kind == K::Tag {
                if let Tok::Tag(h, s) = self.take() {
                    tag_parts = Some((h, s, t.start));
                }
                t = self.peek()?;
            }
        } else if t.kind == K::Tag {
            start = t.start;
            if let Tok::Tag(h, s) = self.take() {
                tag_parts = Some((h, s, t.start));
            }
            t = self.peek()?;
            if t.kind == K::Anchor {
                if let Tok::Anchor(a) = self.take() {
                    anchor = Some(a);
                }
                t = self.peek()?;
            }
        }
        let mut tag = String::new();
        if let Some((handle, suffix, tag_mark)) = tag_parts {
            if handle.is_empty() {
                tag = suffix;
            } else {
                match self.tag_directives.iter().find(|(h, _)| *h == handle) {
                    Some((_, prefix)) => tag = format!("{prefix}{suffix}"),
                    None => {
                        return Err(perr("found undefined tag handle", tag_mark, start));
                    }
                }
            }
        }
        if indentless_sequence && t.kind == K::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok((Event::SequenceStart { anchor }, start));
        }
        if t.kind == K::Scalar {
            self.pop_state();
            let Tok::Scalar(value, style) = self.take() else {
                unreachable!("peeked a scalar")
            };
            let plain_implicit = (tag.is_empty() && style == ScalarStyle::Plain) || tag == "!";
            return Ok((
                Event::Scalar {
                    value,
                    tag,
                    anchor,
                    plain_implicit,
                    style,
                },
                start,
            ));
        }
        match t.kind {
            K::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                return Ok((Event::SequenceStart { anchor }, start));
            }
            K::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                return Ok((Event::MappingStart { anchor }, start));
            }
            K::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                return Ok((Event::SequenceStart { anchor }, start));
            }
            K::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                return Ok((Event::MappingStart { anchor }, start));
            }
            _ => {}
        }
        if anchor.is_some() || !tag.is_empty() {
            self.pop_state();
            let plain_implicit = tag.is_empty();
            return Ok((
                Event::Scalar {
                    value: Cow::Borrowed(""),
                    tag,
                    anchor,
                    plain_implicit,
                    style: ScalarStyle::Plain,
                },
                start,
            ));
        }
        Err(perr("did not find expected node content", t.start, start))
    }

    fn block_sequence_entry(&mut self, first: bool) -> R<(Event<'a>, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let t = self.peek()?;
        if t.kind == K::BlockEntry {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, K::BlockEntry | K::BlockEnd) {
                self.states.push(State::BlockSequenceEntry);
                return self.node(true, false);
            }
            self.state = State::BlockSequenceEntry;
            return Ok(empty_scalar(m));
        }
        if t.kind == K::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.skip();
            return Ok((Event::SequenceEnd, t.start));
        }
        let ctx = self.marks.pop().unwrap_or_default();
        Err(perr("did not find expected '-' indicator", t.start, ctx))
    }

    fn indentless_sequence_entry(&mut self) -> R<(Event<'a>, Mark)> {
        let t = self.peek()?;
        if t.kind == K::BlockEntry {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, K::BlockEntry | K::Key | K::Value | K::BlockEnd) {
                self.states.push(State::IndentlessSequenceEntry);
                return self.node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(empty_scalar(m));
        }
        self.pop_state();
        Ok((Event::SequenceEnd, t.start))
    }

    fn block_mapping_key(&mut self, first: bool) -> R<(Event<'a>, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let t = self.peek()?;
        if t.kind == K::Key {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, K::Key | K::Value | K::BlockEnd) {
                self.states.push(State::BlockMappingValue);
                return self.node(true, true);
            }
            self.state = State::BlockMappingValue;
            return Ok(empty_scalar(m));
        }
        if t.kind == K::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.skip();
            return Ok((Event::MappingEnd, t.start));
        }
        let ctx = self.marks.pop().unwrap_or_default();
        Err(perr("did not find expected key", t.start, ctx))
    }

    fn block_mapping_value(&mut self) -> R<(Event<'a>, Mark)> {
        let t = self.peek()?;
        if t.kind == K::Value {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, K::Key | K::Value | K::BlockEnd) {
                self.states.push(State::BlockMappingKey);
                return self.node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(m));
        }
        self.state = State::BlockMappingKey;
        Ok(empty_scalar(t.start))
    }

    fn flow_sequence_entry(&mut self, first: bool) -> R<(Event<'a>, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let mut t = self.peek()?;
        if t.kind != K::FlowSequenceEnd {
            if !first {
                if t.kind == K::FlowEntry {
                    self.skip();
                    t = self.peek()?;
                } else {
                    let ctx = self.marks.pop().unwrap_or_default();
                    return Err(perr("did not find expected ',' or ']'", t.start, ctx));
                }
            }
            if t.kind == K::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip();
                return Ok((Event::MappingStart { anchor: None }, t.start));
            } else if t.kind != K::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip();
        Ok((Event::SequenceEnd, t.start))
    }

    fn flow_mapping_key(&mut self, first: bool) -> R<(Event<'a>, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let mut t = self.peek()?;
        if t.kind != K::FlowMappingEnd {
            if !first {
                if t.kind == K::FlowEntry {
                    self.skip();
                    t = self.peek()?;
                } else {
                    let ctx = self.marks.pop().unwrap_or_default();
                    return Err(perr("did not find expected ',' or '}'", t.start, ctx));
                }
            }
            if t.kind == K::Key {
                self.skip();
                let t = self.peek()?;
                if !matches!(t.kind, K::Value | K::FlowEntry | K::FlowMappingEnd) {
                    self.states.push(State::FlowMappingValue);
                    return self.node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(t.start));
            } else if t.kind != K::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip();
        Ok((Event::MappingEnd, t.start))
    }

    fn flow_mapping_value(&mut self, empty: bool) -> R<(Event<'a>, Mark)> {
        let t = self.peek()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(t.start));
        }
        if t.kind == K::Value {
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, K::FlowEntry | K::FlowMappingEnd) {
                self.states.push(State::FlowMappingKey);
                return self.node(false, false);
            }
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(t.start));
        }
        self.state = State::FlowMappingKey;
        Ok(empty_scalar(t.start))
    }
}

fn empty_scalar<'a>(m: Mark) -> (Event<'a>, Mark) {
    (
        Event::Scalar {
            value: Cow::Borrowed(""),
            tag: String::new(),
            anchor: None,
            plain_implicit: true,
            style: ScalarStyle::Plain,
        },
        m,
    )
}
