//! A YAML scanner and parser that behave like go-yaml v2's (`scannerc.go`, `parserc.go`, a
//! libyaml port): the same tokens, the same acceptance quirks (tab handling, unchecked
//! indentation of quoted-scalar continuation lines, NEL/LS/PS line breaks, simple keys limited
//! to one line and 1024 characters) and the same error problems and marks, so error messages
//! and their line numbers match Helm's.
//!
//! Written from the behaviour of the Go code; positions are counted in characters like go-yaml's
//! marks (index, 0-based line, 0-based column).

use std::rc::Rc;

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
enum Tok {
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
    Alias(Rc<str>),
    Anchor(Rc<str>),
    Tag(Rc<str>, Rc<str>),
    Scalar(Rc<str>, ScalarStyle),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
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

type R<T> = Result<T, ParseError>;

struct Scanner {
    buf: Vec<char>,
    pos: usize,
    mark: Mark,
    tokens: Vec<Token>,
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
}

impl Scanner {
    fn new(src: &str) -> Scanner {
        let mut buf: Vec<char> = src.chars().collect();
        if buf.first() == Some(&'\u{feff}') {
            buf.remove(0);
        }
        Scanner {
            buf,
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
        }
    }

    fn ch(&self, k: usize) -> char {
        self.buf.get(self.pos + k).copied().unwrap_or('\0')
    }

    fn err(&self, context_mark: Mark, problem: impl Into<String>) -> ParseError {
        ParseError {
            scanner: true,
            problem: problem.into(),
            problem_mark: self.mark,
            context_mark,
        }
    }

    fn skip(&mut self) {
        self.pos += 1;
        self.mark.index += 1;
        self.mark.column += 1;
    }

    fn skip_line(&mut self) {
        if self.ch(0) == '\r' && self.ch(1) == '\n' {
            self.pos += 2;
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
        } else if is_break(self.ch(0)) {
            self.pos += 1;
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
        }
    }

    fn read(&mut self, s: &mut String) {
        s.push(self.ch(0));
        self.skip();
    }

    /// `read` repeated while the characters (on this line) are not `stop`: one copy of the
    /// run instead of a call per character (block scalars hold most of a chart's bytes).
    fn read_run(&mut self, s: &mut String, stop: impl Fn(char) -> bool) {
        let rest = &self.buf[self.pos.min(self.buf.len())..];
        let n = rest.iter().position(|&c| stop(c)).unwrap_or(rest.len());
        s.extend(&rest[..n]);
        self.pos += n;
        self.mark.index += n;
        self.mark.column += n;
    }

    fn read_line(&mut self, s: &mut String) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            s.push('\n');
            self.pos += 2;
            self.mark.index += 1;
        } else if c == '\r' || c == '\n' || c == '\u{85}' {
            s.push('\n');
            self.pos += 1;
        } else if c == '\u{2028}' || c == '\u{2029}' {
            s.push(c);
            self.pos += 1;
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
    fn insert_token(&mut self, pos: Option<usize>, t: Token) {
        match pos {
            Some(p) if self.head + p <= self.tokens.len() => self.tokens.insert(self.head + p, t),
            _ => self.tokens.push(t),
        }
    }

    fn push(&mut self, kind: Tok, start: Mark, end: Mark) {
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

    fn peek(&mut self) -> R<&Token> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        Ok(&self.tokens[self.head])
    }

    fn skip_token(&mut self) {
        self.token_available = false;
        self.tokens_parsed += 1;
        // entries for tokens already consumed are never looked up again
        let parsed = self.tokens_parsed;
        self.simple_keys_by_tok.retain(|e| e.0 >= parsed);
        self.stream_end_produced = self.tokens[self.head].kind == Tok::StreamEnd;
        self.head += 1;
        if self.head > 64 && self.head * 2 > self.tokens.len() {
            self.tokens.drain(..self.head);
            self.head = 0;
        }
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
        kind: Tok,
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
        if c == '\0' && self.pos >= self.buf.len() {
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

    fn fetch_document_indicator(&mut self, kind: Tok) -> R<()> {
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

    fn fetch_flow_collection_start(&mut self, kind: Tok) -> R<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.push(kind, start, end);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: Tok) -> R<()> {
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
        let mut s = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
        }
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
            Tok::Alias(s.into())
        } else {
            Tok::Anchor(s.into())
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
        self.push(Tok::Tag(handle.into(), suffix.into()), start, end);
        Ok(())
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> R<String> {
        if self.ch(0) != '!' {
            return Err(self.err(start, "did not find expected '!'"));
        }
        let mut s = String::new();
        self.read(&mut s);
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
        }
        if self.ch(0) == '!' {
            self.read(&mut s);
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
                self.read(&mut s);
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
            while self.ch(0) == ' '
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.ch(0) == '\t')
            {
                self.skip();
            }
            if self.ch(0) == '#' {
                while !is_breakz(self.ch(0)) {
                    self.skip();
                }
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

    fn scan_directive(&mut self) -> R<Token> {
        let start = self.mark;
        self.skip();
        let mut name = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut name);
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
            while !is_breakz(self.ch(0)) {
                self.skip();
            }
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

    fn scan_block_scalar(&mut self, literal: bool) -> R<Token> {
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
            while !is_breakz(self.ch(0)) {
                self.skip();
            }
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
        let mut s = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        let mut leading_blank = false;
        while self.mark.column == indent && !(self.ch(0) == '\0' && self.pos >= self.buf.len()) {
            let trailing_blank = is_blank(self.ch(0));
            if !literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
                if trailing_breaks.is_empty() {
                    s.push(' ');
                }
            } else {
                s.push_str(&leading_break);
            }
            leading_break.clear();
            s.push_str(&trailing_breaks);
            trailing_breaks.clear();
            leading_blank = is_blank(self.ch(0));
            // Past the end `ch` reads '\0', which `is_breakz` stops at.
            self.read_run(&mut s, is_breakz);
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.push_str(&leading_break);
        }
        if chomping == 1 {
            s.push_str(&trailing_breaks);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        Ok(Token {
            kind: Tok::Scalar(s.into(), style),
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
            while (*indent == 0 || self.mark.column < *indent) && self.ch(0) == ' ' {
                self.skip();
            }
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

    fn scan_flow_scalar(&mut self, single: bool) -> R<Token> {
        let start = self.mark;
        self.skip();
        let mut s = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = String::new();
        loop {
            if self.doc_indicator_here() {
                return Err(self.err(start, "found unexpected document indicator"));
            }
            if self.ch(0) == '\0' && self.pos >= self.buf.len() {
                return Err(self.err(start, "found unexpected end of stream"));
            }
            let mut leading_blanks = false;
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if single && c == '\'' && self.ch(1) == '\'' {
                    s.push('\'');
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
                    match self.ch(1) {
                        '0' => s.push('\0'),
                        'a' => s.push('\u{7}'),
                        'b' => s.push('\u{8}'),
                        't' | '\t' => s.push('\t'),
                        'n' => s.push('\n'),
                        'v' => s.push('\u{b}'),
                        'f' => s.push('\u{c}'),
                        'r' => s.push('\r'),
                        'e' => s.push('\u{1b}'),
                        ' ' => s.push(' '),
                        '"' => s.push('"'),
                        '\'' => s.push('\''),
                        '\\' => s.push('\\'),
                        'N' => s.push('\u{85}'),
                        '_' => s.push('\u{a0}'),
                        'L' => s.push('\u{2028}'),
                        'P' => s.push('\u{2029}'),
                        'x' => code_length = 2,
                        'u' => code_length = 4,
                        'U' => code_length = 8,
                        _ => {
                            return Err(self.err(start, "found unknown escape character"));
                        }
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
                        s.push(ch);
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.read(&mut s);
                }
            }
            let c = self.ch(0);
            if (single && c == '\'') || (!single && c == '"') {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
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
                        s.push(' ');
                    } else {
                        s.push_str(&trailing_breaks);
                    }
                } else {
                    s.push_str(&leading_break);
                    s.push_str(&trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.push_str(&whitespaces);
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
        Ok(Token {
            kind: Tok::Scalar(s.into(), style),
            start,
            end,
        })
    }

    fn scan_plain_scalar(&mut self) -> R<Token> {
        let mut s = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = String::new();
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
                                s.push(' ');
                            } else {
                                s.push_str(&trailing_breaks);
                            }
                        } else {
                            s.push_str(&leading_break);
                            s.push_str(&trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.push_str(&whitespaces);
                        whitespaces.clear();
                    }
                }
                self.read(&mut s);
                // The characters that cannot end the scalar or need the checks above (with
                // the blanks and breaks pending already written out) are taken as one run.
                let flow = self.flow_level > 0;
                self.read_run(&mut s, |c| {
                    is_blankz(c)
                        || c == ':'
                        || (flow && matches!(c, ',' | '?' | '[' | ']' | '{' | '}'))
                });
                end = self.mark;
            }
            if !(is_blank(self.ch(0)) || is_break(self.ch(0))) {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
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
        Ok(Token {
            kind: Tok::Scalar(s.into(), ScalarStyle::Plain),
            start,
            end,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

/// A parse event, as go-yaml's decoder consumes them.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(String),
    Scalar {
        value: String,
        tag: String,
        anchor: Option<String>,
        /// go-yaml's `implicit` (plain scalar without tag, or tag `!`).
        plain_implicit: bool,
        #[allow(dead_code)]
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
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

pub(crate) struct Parser {
    sc: Scanner,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(String, String)>,
    done: bool,
}

fn perr(problem: &str, problem_mark: Mark, context_mark: Mark) -> ParseError {
    ParseError {
        scanner: false,
        problem: problem.to_string(),
        problem_mark,
        context_mark,
    }
}

impl Parser {
    pub(crate) fn new(src: &str) -> Parser {
        Parser {
            sc: Scanner::new(src),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
            done: false,
        }
    }

    fn peek(&mut self) -> R<Token> {
        self.sc.peek().cloned()
    }

    fn skip(&mut self) {
        self.sc.skip_token();
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    /// The next event with its start mark; `None` after the stream end.
    pub(crate) fn next(&mut self) -> Option<R<(Event, Mark)>> {
        if self.done || self.sc.stream_end_produced || self.state == State::End {
            return None;
        }
        let r = self.step();
        if r.is_err() {
            self.done = true;
        }
        Some(r)
    }

    fn step(&mut self) -> R<(Event, Mark)> {
        match self.state {
            State::StreamStart => {
                let t = self.peek()?;
                if t.kind != Tok::StreamStart {
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
                    Tok::VersionDirective(..)
                        | Tok::TagDirective(..)
                        | Tok::DocumentStart
                        | Tok::DocumentEnd
                        | Tok::StreamEnd
                ) {
                    self.pop_state();
                    return Ok(empty_scalar(t.start));
                }
                self.node(true, false)
            }
            State::DocumentEnd => {
                let t = self.peek()?;
                if t.kind == Tok::DocumentEnd {
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
                if !matches!(t.kind, Tok::Value | Tok::FlowEntry | Tok::FlowSequenceEnd) {
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
                if t.kind == Tok::Value {
                    self.skip();
                    let t = self.peek()?;
                    if !matches!(t.kind, Tok::FlowEntry | Tok::FlowSequenceEnd) {
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

    fn document_start(&mut self, implicit: bool) -> R<(Event, Mark)> {
        let mut t = self.peek()?;
        if !implicit {
            while t.kind == Tok::DocumentEnd {
                self.skip();
                t = self.peek()?;
            }
        }
        if implicit
            && !matches!(
                t.kind,
                Tok::VersionDirective(..)
                    | Tok::TagDirective(..)
                    | Tok::DocumentStart
                    | Tok::StreamEnd
            )
        {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            return Ok((Event::DocumentStart, t.start));
        }
        if t.kind != Tok::StreamEnd {
            let start = t.start;
            self.process_directives()?;
            let t = self.peek()?;
            if t.kind != Tok::DocumentStart {
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
            match &t.kind {
                Tok::VersionDirective(major, minor) => {
                    if version_seen {
                        return Err(perr(
                            "found duplicate %YAML directive",
                            t.start,
                            Mark::default(),
                        ));
                    }
                    if *major != 1 || *minor != 1 {
                        return Err(perr(
                            "found incompatible YAML document",
                            t.start,
                            Mark::default(),
                        ));
                    }
                    version_seen = true;
                }
                Tok::TagDirective(handle, prefix) => {
                    if self.tag_directives.iter().any(|(h, _)| h == handle) {
                        return Err(perr(
                            "found duplicate %TAG directive",
                            t.start,
                            Mark::default(),
                        ));
                    }
                    self.tag_directives.push((handle.clone(), prefix.clone()));
                }
                _ => break,
            }
            self.skip();
            t = self.peek()?;
        }
        for (h, p) in [("!", "!"), ("!!", "tag:yaml.org,2002:")] {
            if !self.tag_directives.iter().any(|(x, _)| x == h) {
                self.tag_directives.push((h.to_string(), p.to_string()));
            }
        }
        Ok(())
    }

    fn node(&mut self, block: bool, indentless_sequence: bool) -> R<(Event, Mark)> {
        let mut t = self.peek()?;
        if let Tok::Alias(name) = &t.kind {
            self.pop_state();
            self.skip();
            return Ok((Event::Alias(name.to_string()), t.start));
        }
        let mut start = t.start;
        let mut anchor: Option<String> = None;
        let mut tag_parts: Option<(String, String, Mark)> = None;
        if let Tok::Anchor(a) = &t.kind {
            anchor = Some(a.to_string());
            start = t.start;
            self.skip();
            t = self.peek()?;
            if let Tok::Tag(h, s) = &t.kind {
                tag_parts = Some((h.to_string(), s.to_string(), t.start));
                self.skip();
                t = self.peek()?;
            }
        } else if let Tok::Tag(h, s) = &t.kind {
            tag_parts = Some((h.to_string(), s.to_string(), t.start));
            start = t.start;
            self.skip();
            t = self.peek()?;
            if let Tok::Anchor(a) = &t.kind {
                anchor = Some(a.to_string());
                self.skip();
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
        if indentless_sequence && t.kind == Tok::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok((Event::SequenceStart { anchor }, start));
        }
        if let Tok::Scalar(value, style) = &t.kind {
            let plain_implicit = (tag.is_empty() && *style == ScalarStyle::Plain) || tag == "!";
            self.pop_state();
            self.skip();
            return Ok((
                Event::Scalar {
                    value: value.to_string(),
                    tag,
                    anchor,
                    plain_implicit,
                    style: *style,
                },
                start,
            ));
        }
        match t.kind {
            Tok::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                return Ok((Event::SequenceStart { anchor }, start));
            }
            Tok::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                return Ok((Event::MappingStart { anchor }, start));
            }
            Tok::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                return Ok((Event::SequenceStart { anchor }, start));
            }
            Tok::BlockMappingStart if block => {
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
                    value: String::new(),
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

    fn block_sequence_entry(&mut self, first: bool) -> R<(Event, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let t = self.peek()?;
        if t.kind == Tok::BlockEntry {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, Tok::BlockEntry | Tok::BlockEnd) {
                self.states.push(State::BlockSequenceEntry);
                return self.node(true, false);
            }
            self.state = State::BlockSequenceEntry;
            return Ok(empty_scalar(m));
        }
        if t.kind == Tok::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.skip();
            return Ok((Event::SequenceEnd, t.start));
        }
        let ctx = self.marks.pop().unwrap_or_default();
        Err(perr("did not find expected '-' indicator", t.start, ctx))
    }

    fn indentless_sequence_entry(&mut self) -> R<(Event, Mark)> {
        let t = self.peek()?;
        if t.kind == Tok::BlockEntry {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(
                t.kind,
                Tok::BlockEntry | Tok::Key | Tok::Value | Tok::BlockEnd
            ) {
                self.states.push(State::IndentlessSequenceEntry);
                return self.node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(empty_scalar(m));
        }
        self.pop_state();
        Ok((Event::SequenceEnd, t.start))
    }

    fn block_mapping_key(&mut self, first: bool) -> R<(Event, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let t = self.peek()?;
        if t.kind == Tok::Key {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, Tok::Key | Tok::Value | Tok::BlockEnd) {
                self.states.push(State::BlockMappingValue);
                return self.node(true, true);
            }
            self.state = State::BlockMappingValue;
            return Ok(empty_scalar(m));
        }
        if t.kind == Tok::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.skip();
            return Ok((Event::MappingEnd, t.start));
        }
        let ctx = self.marks.pop().unwrap_or_default();
        Err(perr("did not find expected key", t.start, ctx))
    }

    fn block_mapping_value(&mut self) -> R<(Event, Mark)> {
        let t = self.peek()?;
        if t.kind == Tok::Value {
            let m = t.end;
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, Tok::Key | Tok::Value | Tok::BlockEnd) {
                self.states.push(State::BlockMappingKey);
                return self.node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(m));
        }
        self.state = State::BlockMappingKey;
        Ok(empty_scalar(t.start))
    }

    fn flow_sequence_entry(&mut self, first: bool) -> R<(Event, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let mut t = self.peek()?;
        if t.kind != Tok::FlowSequenceEnd {
            if !first {
                if t.kind == Tok::FlowEntry {
                    self.skip();
                    t = self.peek()?;
                } else {
                    let ctx = self.marks.pop().unwrap_or_default();
                    return Err(perr("did not find expected ',' or ']'", t.start, ctx));
                }
            }
            if t.kind == Tok::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip();
                return Ok((Event::MappingStart { anchor: None }, t.start));
            } else if t.kind != Tok::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip();
        Ok((Event::SequenceEnd, t.start))
    }

    fn flow_mapping_key(&mut self, first: bool) -> R<(Event, Mark)> {
        if first {
            let t = self.peek()?;
            self.marks.push(t.start);
            self.skip();
        }
        let mut t = self.peek()?;
        if t.kind != Tok::FlowMappingEnd {
            if !first {
                if t.kind == Tok::FlowEntry {
                    self.skip();
                    t = self.peek()?;
                } else {
                    let ctx = self.marks.pop().unwrap_or_default();
                    return Err(perr("did not find expected ',' or '}'", t.start, ctx));
                }
            }
            if t.kind == Tok::Key {
                self.skip();
                let t = self.peek()?;
                if !matches!(t.kind, Tok::Value | Tok::FlowEntry | Tok::FlowMappingEnd) {
                    self.states.push(State::FlowMappingValue);
                    return self.node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(t.start));
            } else if t.kind != Tok::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip();
        Ok((Event::MappingEnd, t.start))
    }

    fn flow_mapping_value(&mut self, empty: bool) -> R<(Event, Mark)> {
        let t = self.peek()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(t.start));
        }
        if t.kind == Tok::Value {
            self.skip();
            let t = self.peek()?;
            if !matches!(t.kind, Tok::FlowEntry | Tok::FlowMappingEnd) {
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

fn empty_scalar(m: Mark) -> (Event, Mark) {
    (
        Event::Scalar {
            value: String::new(),
            tag: String::new(),
            anchor: None,
            plain_implicit: true,
            style: ScalarStyle::Plain,
        },
        m,
    )
}
