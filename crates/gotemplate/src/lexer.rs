//! The lexer: Go's `text/template/parse/lex.go` state machine, run eagerly into a token vector.
//!
//! Tokens carry byte offsets into the source; lines are derived from them. Lexing stops at the
//! first error, which becomes the last token (as Go's lexer stops its goroutine).

/// What kind of token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Error,
    Bool,
    /// A printable ASCII character inside an action (`,` and friends).
    Char,
    CharConstant,
    Complex,
    /// `=`
    Assign,
    /// `:=`
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl TokenKind {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            TokenKind::Block
                | TokenKind::Break
                | TokenKind::Continue
                | TokenKind::Dot
                | TokenKind::Define
                | TokenKind::Else
                | TokenKind::End
                | TokenKind::If
                | TokenKind::Nil
                | TokenKind::Range
                | TokenKind::Template
                | TokenKind::With
        )
    }
}

/// One token: kind and byte range in the source (its text is `&src[start..end]`).
///
/// Tokens are plain spans (no allocation per token, and the parser copies them freely);
/// lexing stops at the first error, whose message is [`Lexed::error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `src` (the text it was lexed from).
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or_default()
    }

    /// Go's `item.String()`, used in "unexpected X in Y" messages. `val` is the token's text,
    /// or for an error token the lexer's message.
    pub fn describe(&self, val: &str) -> String {
        match self.kind {
            TokenKind::Eof => "EOF".into(),
            TokenKind::Error => val.to_string(),
            k if k.is_keyword() => format!("<{val}>"),
            _ => {
                if val.chars().count() > 10 {
                    let head: String = val.chars().take(10).collect();
                    format!("{}...", crate::format::quote(&head))
                } else {
                    crate::format::quote(val)
                }
            }
        }
    }
}

/// What [`lex`] gives: the tokens, ending with `Eof` or `Error`, and the error's message.
#[derive(Clone, Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub error: Option<String>,
}

/// Options of the lexer.
#[derive(Clone, Debug)]
pub struct LexOptions<'a> {
    pub left_delim: &'a str,
    pub right_delim: &'a str,
    /// `break` is a keyword (no function of that name).
    pub break_ok: bool,
    pub continue_ok: bool,
}

impl Default for LexOptions<'_> {
    fn default() -> Self {
        LexOptions {
            left_delim: "{{",
            right_delim: "}}",
            break_ok: true,
            continue_ok: true,
        }
    }
}

const SPACE_CHARS: &[char] = &[' ', '\t', '\r', '\n'];

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// ASCII letters, digits and `_` (Go's `isAlphaNumeric` on ASCII).
fn is_alnum_byte(b: u8) -> bool {
    ALNUM[b as usize]
}

/// [`is_alnum_byte`] as a table: identifiers and field names are most of an action's bytes,
/// and one load per byte is a third of the range tests' instructions.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Whether `s` starts with the delimiter `d`: the usual two-byte delimiters compared in
/// place (`starts_with` of a slice whose length is known only at run time calls `memcmp`,
/// and the lexer asks at nearly every token).
#[inline(always)]
fn starts_with_delim(s: &[u8], d: &[u8]) -> bool {
    match *d {
        [a, b] => s.len() >= 2 && s[0] == a && s[1] == b,
        _ => s.starts_with(d),
    }
}

fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return is_alnum_byte(c as u8);
    }
    c.is_alphabetic() || is_nd(c)
}

fn is_nd(c: char) -> bool {
    // Decimal digit blocks (Nd) outside ASCII: a practical subset.
    let n = c as u32;
    matches!(n,
        0x660..=0x669 | 0x6F0..=0x6F9 | 0x7C0..=0x7C9 | 0x966..=0x96F | 0x9E6..=0x9EF
        | 0xA66..=0xA6F | 0xAE6..=0xAEF | 0xB66..=0xB6F | 0xBE6..=0xBEF | 0xC66..=0xC6F
        | 0xCE6..=0xCEF | 0xD66..=0xD6F | 0xE50..=0xE59 | 0xED0..=0xED9 | 0xF20..=0xF29
        | 0x1040..=0x1049 | 0x17E0..=0x17E9 | 0x1810..=0x1819 | 0xFF10..=0xFF19)
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space_byte(s[1])
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space_byte(s[0]) && s[1] == b'-'
}

/// Lex a whole template.
pub fn lex(input: &str, opts: &LexOptions<'_>) -> Lexed {
    let mut l = Lexer {
        input,
        bytes: input.as_bytes(),
        left: if opts.left_delim.is_empty() {
            b"{{"
        } else {
            opts.left_delim.as_bytes()
        },
        right: if opts.right_delim.is_empty() {
            b"}}"
        } else {
            opts.right_delim.as_bytes()
        },
        left_first: if opts.left_delim.is_empty() {
            '{'
        } else {
            opts.left_delim.chars().next().unwrap_or('{')
        },
        break_ok: opts.break_ok,
        continue_ok: opts.continue_ok,
        pos: 0,
        start: 0,
        paren_depth: 0,
        // About one token per ten bytes in chart templates: fewer regrowths of the vector.
        items: Vec::with_capacity(input.len() / 10 + 8),
        error: None,
    };
    l.run();
    Lexed {
        tokens: l.items,
        error: l.error,
    }
}

struct Lexer<'a> {
    input: &'a str,
    bytes: &'a [u8],
    left: &'a [u8],
    /// The left delimiter's first character.
    left_first: char,
    right: &'a [u8],
    break_ok: bool,
    continue_ok: bool,
    pos: usize,
    start: usize,
    paren_depth: usize,
    items: Vec<Token>,
    error: Option<String>,
}

#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Done,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn rest_bytes(&self) -> &'a [u8] {
        &self.bytes[self.pos..]
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        // Actions are almost always ASCII: skip the UTF-8 decoder for it.
        match self.bytes.get(self.pos) {
            Some(&b) if b < 0x80 => Some(b as char),
            _ => self.rest().chars().next(),
        }
    }

    fn backup(&mut self, c: Option<char>) {
        if let Some(c) = c {
            self.pos -= c.len_utf8();
        }
    }

    fn emit(&mut self, kind: TokenKind) {
        self.items.push(Token {
            kind,
            start: self.start,
            end: self.pos,
        });
        self.start = self.pos;
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn errorf(&mut self, msg: String) -> State {
        self.items.push(Token {
            kind: TokenKind::Error,
            start: self.start,
            end: self.pos.max(self.start),
        });
        self.error = Some(msg);
        State::Done
    }

    /// Consume one byte of `valid` (all ASCII).
    fn accept(&mut self, valid: &[u8]) -> bool {
        match self.bytes.get(self.pos) {
            Some(b) if valid.contains(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// Consume bytes of `valid` (all ASCII) while there are.
    fn accept_run(&mut self, valid: &[u8]) {
        while let Some(b) = self.bytes.get(self.pos) {
            if !valid.contains(b) {
                break;
            }
            self.pos += 1;
        }
    }

    fn run(&mut self) {
        let mut state = State::Text;
        loop {
            state = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Done => break,
            };
        }
    }

    /// Byte offset (from `pos`) of the next left delimiter.
    fn find_left(&self) -> Option<usize> {
        let rest = self.rest();
        let first = self.left_first;
        // Search for the delimiter's first character (`str::find` of a char is a memchr),
        // then check the rest: cheaper than a substring search per text run.
        let mut from = 0;
        while let Some(i) = rest[from..].find(first) {
            if starts_with_delim(&rest.as_bytes()[from + i..], self.left) {
                return Some(from + i);
            }
            from += i + first.len_utf8();
        }
        None
    }

    fn lex_text(&mut self) -> State {
        if let Some(x) = self.find_left() {
            let ldn = self.left.len();
            self.pos += x;
            let mut trim = 0;
            if has_left_trim_marker(&self.bytes[self.pos + ldn..]) {
                let text = &self.input[self.start..self.pos];
                trim = text.len() - text.trim_end_matches(SPACE_CHARS).len();
            }
            self.pos -= trim;
            if self.pos > self.start {
                self.emit(TokenKind::Text);
            }
            self.pos += trim;
            self.ignore();
            return State::LeftDelim;
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.emit(TokenKind::Text);
        }
        self.emit(TokenKind::Eof);
        State::Done
    }

    #[inline]
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest_bytes();
        if starts_with_delim(rest, self.right) {
            return (true, false);
        }
        if has_right_trim_marker(rest) && starts_with_delim(&rest[2..], self.right) {
            return (true, true);
        }
        (false, false)
    }

    fn skip_spaces(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|&b| is_space_byte(b)) {
            self.pos += 1;
        }
    }

    fn lex_left_delim(&mut self) -> State {
        self.pos += self.left.len();
        let trim = has_left_trim_marker(self.rest_bytes());
        let after = if trim { 2 } else { 0 };
        if self.bytes[self.pos + after..].starts_with(b"/*") {
            self.pos += after;
            self.ignore();
            return State::Comment;
        }
        self.emit(TokenKind::LeftDelim);
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        State::InsideAction
    }

    fn lex_comment(&mut self) -> State {
        self.pos += 2;
        let Some(i) = self.rest().find("*/") else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += i + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        if trim {
            self.pos += 2;
        }
        self.pos += self.right.len();
        if trim {
            self.skip_spaces();
        }
        self.ignore();
        State::Text
    }

    fn lex_right_delim(&mut self) -> State {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += self.right.len();
        self.emit(TokenKind::RightDelim);
        if trim {
            self.skip_spaces();
            self.ignore();
        }
        State::Text
    }

    fn lex_inside_action(&mut self) -> State {
        // Most steps start with neither a space nor the delimiter's first byte: check that
        // byte before the full delimiter test.
        let Some(&b) = self.bytes.get(self.pos) else {
            return self.errorf("unclosed action".into());
        };
        if (b == self.right[0] || is_space_byte(b)) && self.at_right_delim().0 {
            if self.paren_depth == 0 {
                return State::RightDelim;
            }
            return self.errorf("unclosed left paren".into());
        }
        if is_alnum_byte(b) && !b.is_ascii_digit() {
            return self.lex_identifier();
        }
        let r = self.next();
        match r {
            None => self.errorf("unclosed action".into()),
            Some(c) if is_space(c) => {
                self.backup(r);
                self.lex_space()
            }
            Some('=') => {
                self.emit(TokenKind::Assign);
                State::InsideAction
            }
            Some(':') => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(TokenKind::Declare);
                State::InsideAction
            }
            Some('|') => {
                self.emit(TokenKind::Pipe);
                State::InsideAction
            }
            Some('"') => self.lex_quote(),
            Some('`') => self.lex_raw_quote(),
            Some('$') => self.lex_variable(),
            Some('\'') => self.lex_char(),
            Some('.') => {
                // ".field" vs ".5"
                if let Some(&b) = self.bytes.get(self.pos) {
                    if !b.is_ascii_digit() {
                        return self.lex_field_or_variable(TokenKind::Field);
                    }
                }
                self.backup(r);
                self.lex_number()
            }
            Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                self.backup(r);
                self.lex_number()
            }
            Some(c) if is_alnum(c) => {
                self.backup(r);
                self.lex_identifier()
            }
            Some('(') => {
                self.emit(TokenKind::LeftParen);
                self.paren_depth += 1;
                State::InsideAction
            }
            Some(')') => {
                if self.paren_depth == 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(TokenKind::RightParen);
                self.paren_depth -= 1;
                State::InsideAction
            }
            Some(c) if c.is_ascii() && (' '..='~').contains(&c) => {
                self.emit(TokenKind::Char);
                State::InsideAction
            }
            Some(c) => self.errorf(format!(
                "unrecognized character in action: {}",
                go_sharp_u(c)
            )),
        }
    }

    fn lex_space(&mut self) -> State {
        let start = self.pos;
        self.skip_spaces();
        // Spaces are one byte each.
        let num = self.pos - start;
        // A trim-marked closing delimiter: " -}}".
        let before = self.pos - 1;
        if has_right_trim_marker(&self.bytes[before..])
            && starts_with_delim(&self.bytes[before + 2..], self.right)
        {
            self.pos = before;
            if num == 1 {
                return State::RightDelim;
            }
        }
        self.emit(TokenKind::Space);
        State::InsideAction
    }

    fn keyword(&self, word: &str) -> Option<TokenKind> {
        Some(match word {
            "." => TokenKind::Dot,
            "block" => TokenKind::Block,
            "break" if self.break_ok => TokenKind::Break,
            "continue" if self.continue_ok => TokenKind::Continue,
            "define" => TokenKind::Define,
            "else" => TokenKind::Else,
            "end" => TokenKind::End,
            "if" => TokenKind::If,
            "range" => TokenKind::Range,
            "nil" => TokenKind::Nil,
            "template" => TokenKind::Template,
            "with" => TokenKind::With,
            _ => return None,
        })
    }

    /// Consume alphanumeric characters (ASCII bytes without decoding); returns the
    /// character after them (not consumed).
    fn scan_alnum(&mut self) -> Option<char> {
        loop {
            let rest = &self.bytes[self.pos..];
            let n = rest
                .iter()
                .position(|&b| !is_alnum_byte(b))
                .unwrap_or(rest.len());
            self.pos += n;
            match rest.get(n) {
                Some(&b) if b < 0x80 => return Some(b as char),
                None => return None,
                Some(_) => {
                    let c = self.peek();
                    match c {
                        Some(c) if is_alnum(c) => self.pos += c.len_utf8(),
                        _ => return c,
                    }
                }
            }
        }
    }

    fn lex_identifier(&mut self) -> State {
        let r = self.scan_alnum();
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", go_sharp_u_opt(r)));
        }
        let word = &self.input[self.start..self.pos];
        if let Some(k) = self.keyword(word) {
            self.emit(k);
        } else if word.starts_with('.') {
            self.emit(TokenKind::Field);
        } else if word == "true" || word == "false" {
            self.emit(TokenKind::Bool);
        } else {
            self.emit(TokenKind::Identifier);
        }
        State::InsideAction
    }

    fn lex_variable(&mut self) -> State {
        if self.at_terminator() {
            self.emit(TokenKind::Variable);
            return State::InsideAction;
        }
        self.lex_field_or_variable(TokenKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: TokenKind) -> State {
        if self.at_terminator() {
            self.emit(if kind == TokenKind::Variable {
                TokenKind::Variable
            } else {
                TokenKind::Dot
            });
            return State::InsideAction;
        }
        let r = self.scan_alnum();
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", go_sharp_u_opt(r)));
        }
        self.emit(kind);
        State::InsideAction
    }

    #[inline]
    fn at_terminator(&self) -> bool {
        match self.bytes.get(self.pos) {
            None => true,
            Some(&b) if is_space_byte(b) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => starts_with_delim(self.rest_bytes(), self.right),
        }
    }

    fn lex_char(&mut self) -> State {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    Some('\n') | None => {
                        return self.errorf("unterminated character constant".into())
                    }
                    _ => {}
                },
                Some('\n') | None => return self.errorf("unterminated character constant".into()),
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(TokenKind::CharConstant);
        State::InsideAction
    }

    fn lex_number(&mut self) -> State {
        if !self.scan_number() {
            let t = crate::format::quote(&self.input[self.start..self.pos]);
            return self.errorf(format!("bad number syntax: {t}"));
        }
        if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let t = crate::format::quote(&self.input[self.start..self.pos]);
                return self.errorf(format!("bad number syntax: {t}"));
            }
            self.emit(TokenKind::Complex);
        } else {
            self.emit(TokenKind::Number);
        }
        State::InsideAction
    }

    fn scan_number(&mut self) -> bool {
        const DECIMAL: &[u8] = b"0123456789_";
        const HEX: &[u8] = b"0123456789abcdefABCDEF_";
        self.accept(b"+-");
        let mut digits = DECIMAL;
        if self.accept(b"0") {
            if self.accept(b"xX") {
                digits = HEX;
            } else if self.accept(b"oO") {
                digits = b"01234567_";
            } else if self.accept(b"bB") {
                digits = b"01_";
            }
        }
        self.accept_run(digits);
        if self.accept(b".") {
            self.accept_run(digits);
        }
        if digits.len() == DECIMAL.len() && self.accept(b"eE") {
            self.accept(b"+-");
            self.accept_run(DECIMAL);
        }
        if digits.len() == HEX.len() && self.accept(b"pP") {
            self.accept(b"+-");
            self.accept_run(DECIMAL);
        }
        self.accept(b"i");
        if let Some(c) = self.peek() {
            if is_alnum(c) {
                self.next();
                return false;
            }
        }
        true
    }

    fn lex_quote(&mut self) -> State {
        // Bytes: '\\', '\n' and '"' never occur inside a multi-byte character.
        loop {
            match self.bytes.get(self.pos) {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.next() {
                        Some('\n') | None => {
                            return self.errorf("unterminated quoted string".into())
                        }
                        _ => {}
                    }
                }
                Some(b'\n') | None => {
                    if self.pos < self.bytes.len() {
                        self.pos += 1;
                    }
                    return self.errorf("unterminated quoted string".into());
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += 1,
            }
        }
        self.emit(TokenKind::String);
        State::InsideAction
    }

    fn lex_raw_quote(&mut self) -> State {
        match self.rest().find('`') {
            None => {
                self.pos = self.bytes.len();
                return self.errorf("unterminated raw quoted string".into());
            }
            Some(i) => self.pos += i + 1,
        }
        self.emit(TokenKind::RawString);
        State::InsideAction
    }
}

/// Go's `%#U` of a rune: `U+0041 'A'`.
pub(crate) fn go_sharp_u(c: char) -> String {
    if crate::format::is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

fn go_sharp_u_opt(c: Option<char>) -> String {
    match c {
        Some(c) => go_sharp_u(c),
        None => "U+FFFFFFFFFFFFFFFF".into(),
    }
}

/// 1-based line of a byte offset.
pub fn line_of(src: &str, pos: usize) -> usize {
    let pos = pos.min(src.len());
    1 + src.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Go's ErrorContext column: 0-based byte offset in the line (1-based from the second line on,
/// as Go computes `pos - (lastNewline+1)`; both are byte counts).
pub fn col_of(src: &str, pos: usize) -> usize {
    let pos = pos.min(src.len());
    match src.as_bytes()[..pos].iter().rposition(|&b| b == b'\n') {
        None => pos,
        Some(nl) => pos - (nl + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(TokenKind, String)> {
        lex(s, &LexOptions::default())
            .tokens
            .into_iter()
            .map(|t| (t.kind, t.text(s).to_string()))
            .collect()
    }

    #[test]
    fn trim_and_numbers() {
        use TokenKind::*;
        assert_eq!(
            kinds("a  {{- 3 -}}  b"),
            vec![
                (Text, "a".into()),
                (LeftDelim, "{{".into()),
                (Number, "3".into()),
                (RightDelim, "}}".into()),
                (Text, "b".into()),
                (Eof, "".into())
            ]
        );
        assert_eq!(
            kinds("{{-3}}"),
            vec![
                (LeftDelim, "{{".into()),
                (Number, "-3".into()),
                (RightDelim, "}}".into()),
                (Eof, "".into())
            ]
        );
        assert_eq!(
            kinds("x {{- /* c */ -}} y"),
            vec![(Text, "x".into()), (Text, "y".into()), (Eof, "".into())]
        );
    }

    #[test]
    fn fields() {
        use TokenKind::*;
        let k: Vec<_> = kinds("{{.a.b $x.c $}}").into_iter().map(|x| x.0).collect();
        assert_eq!(
            k,
            vec![LeftDelim, Field, Field, Space, Variable, Field, Space, Variable, RightDelim, Eof]
        );
    }
}
