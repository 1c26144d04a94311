//! A port of the parts of go-yaml v2's emitter (`emitterc.go`) and encoder (`encode.go`) that
//! `yaml.Marshal` of plain data reaches: block mappings and sequences, empty flow collections,
//! and the plain / single-quoted / double-quoted / literal scalar writers with their style
//! selection (`yaml_emitter_analyze_scalar`, `yaml_emitter_select_scalar_style`) and 80-column
//! folding. Columns count characters, as the C/Go emitter does.

use super::resolve;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// A node as go-yaml's encoder sees it.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// A scalar with the style the encoder asks for.
    Scalar(String, Style),
    Seq(Vec<Node>),
    /// Keys in emission order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A Go string as go-yaml v2's `encoder.stringv` emits it (valid UTF-8, no tag).
    pub(crate) fn string(s: &str) -> Node {
        Node::string_v(s, false)
    }

    /// The same for go-yaml v2 or v3.
    pub(crate) fn string_v(s: &str, v3: bool) -> Node {
        let plain = if v3 {
            resolve::plain_is_string_v3(s)
        } else {
            resolve::plain_is_string(s)
        };
        let style = if s.contains('\n') {
            Style::Literal
        } else if plain {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        Node::Scalar(s.to_string(), style)
    }

    pub(crate) fn plain(s: impl Into<String>) -> Node {
        Node::Scalar(s.into(), Style::Plain)
    }
}

#[derive(Default, Clone, Copy, Debug, PartialEq)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_blankz(c: char) -> bool {
    is_blank(c) || is_break(c) || c == '\0'
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

/// What go-yaml's scalar analysis notes while it walks a text.
#[derive(Default)]
struct Seen {
    block_indicators: bool,
    flow_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    tab_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
    previous_space: bool,
    previous_break: bool,
    preceded_by_whitespace: bool,
}

impl Seen {
    /// One character: `first` and `last` in the text, and whether a blank (or the end)
    /// follows it.
    fn step(&mut self, c: char, first: bool, last: bool, followed_by_whitespace: bool, v3: bool) {
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    self.flow_indicators = true;
                    self.block_indicators = true;
                }
                '?' | ':' => {
                    self.flow_indicators = true;
                    if followed_by_whitespace {
                        self.block_indicators = true;
                    }
                }
                '-' if followed_by_whitespace => {
                    self.flow_indicators = true;
                    self.block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => self.flow_indicators = true,
                ':' => {
                    self.flow_indicators = true;
                    if followed_by_whitespace {
                        self.block_indicators = true;
                    }
                }
                '#' if self.preceded_by_whitespace => {
                    self.flow_indicators = true;
                    self.block_indicators = true;
                }
                _ => {}
            }
        }
        if v3 && c == '\t' {
            self.tab_characters = true;
        } else if !is_printable(c) {
            self.special_characters = true;
        }
        if c == ' ' {
            if first {
                self.leading_space = true;
            }
            if last {
                self.trailing_space = true;
            }
            if self.previous_break {
                self.break_space = true;
            }
            self.previous_space = true;
            self.previous_break = false;
        } else if is_break(c) {
            self.line_breaks = true;
            if first {
                self.leading_break = true;
            }
            if last {
                self.trailing_break = true;
            }
            if self.previous_space {
                self.space_break = true;
            }
            self.previous_space = false;
            self.previous_break = true;
        } else {
            self.previous_space = false;
            self.previous_break = false;
        }
        self.preceded_by_whitespace = is_blankz(c);
    }
}

/// An ASCII byte that [`Seen::step`] only notes as "not a space, break or blank" when it is
/// not a text's first: printable and no indicator.
fn is_plain_ascii(b: u8) -> bool {
    (0x20..=0x7E).contains(&b)
        && !matches!(
            b,
            b' ' | b',' | b'?' | b'[' | b']' | b'{' | b'}' | b':' | b'#'
        )
}

fn analyze(value: &str, v3: bool) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut seen = Seen {
        preceded_by_whitespace: true,
        ..Seen::default()
    };
    if value.starts_with("---") || value.starts_with("...") {
        seen.block_indicators = true;
        seen.flow_indicators = true;
    }
    // go-yaml walks the text by index with a look at the next character. An ASCII text is
    // walked by bytes, skipping runs of plain bytes (most of a chart's long descriptions);
    // nothing is copied (a vector of chars for every scalar written was most of `toYaml`).
    if value.is_ascii() {
        let b = value.as_bytes();
        let n = b.len();
        let mut i = 0;
        while i < n {
            if i > 0 && is_plain_ascii(b[i]) {
                while i < n && is_plain_ascii(b[i]) {
                    i += 1;
                }
                seen.previous_space = false;
                seen.previous_break = false;
                seen.preceded_by_whitespace = false;
                continue;
            }
            let next = b.get(i + 1).map(|&c| char::from(c));
            seen.step(
                char::from(b[i]),
                i == 0,
                next.is_none(),
                next.is_none_or(is_blank),
                v3,
            );
            i += 1;
        }
    } else {
        let mut it = value.chars().peekable();
        let mut first = true;
        while let Some(c) = it.next() {
            let next = it.peek().copied();
            seen.step(c, first, next.is_none(), next.is_none_or(is_blank), v3);
            first = false;
        }
    }
    let Seen {
        block_indicators,
        flow_indicators,
        line_breaks,
        special_characters,
        tab_characters,
        leading_space,
        leading_break,
        trailing_space,
        trailing_break,
        break_space,
        space_break,
        ..
    } = seen;
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Emitter options: go-yaml v2 as used by `yaml.Marshal` (indent 2, width 80, unicode).
pub(crate) struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    flow_level: u32,
    mapping_context: bool,
    simple_key_context: bool,
    best_indent: i32,
    best_width: usize,
    /// go-yaml v3 (`toYamlPretty`): indented sequences, no folding, tabs allowed in literal
    /// blocks, `indention` tracked by line breaks.
    v3: bool,
}

impl Emitter {
    pub(crate) fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            flow_level: 0,
            mapping_context: false,
            simple_key_context: false,
            best_indent: 2,
            best_width: 80,
            v3: false,
        }
    }

    /// A whole `yaml.Marshal` document: the node, then the implicit document end.
    pub(crate) fn document(mut self, node: &Node) -> String {
        self.emit_node(node, true, false, false, false);
        self.write_indent();
        self.out
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.v3 {
            self.indention = true;
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            if self.v3 {
                self.indention = true;
            }
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            self.indent += self.best_indent;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        if !self.v3 {
            self.indention = true;
        }
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn emit_node(&mut self, node: &Node, _root: bool, _seq: bool, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Scalar(v, style) => self.emit_scalar(v, *style),
            Node::Seq(items) => {
                if self.flow_level > 0 || items.is_empty() {
                    self.emit_flow_empty("[", "]");
                } else {
                    self.emit_block_sequence(items);
                }
            }
            Node::Map(entries) => {
                if self.flow_level > 0 || entries.is_empty() {
                    self.emit_flow_empty("{", "}");
                } else {
                    self.emit_block_mapping(entries);
                }
            }
        }
    }

    fn emit_flow_empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn emit_block_sequence(&mut self, items: &[Node]) {
        let indentless = !self.v3 && self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, false, true, false, false);
        }
        self.pop_indent();
    }

    fn emit_block_mapping(&mut self, entries: &[(Node, Node)]) {
        self.increase_indent(false, false);
        for (k, v) in entries {
            self.write_indent();
            if Self::simple_key(k) {
                self.emit_node(k, false, false, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(k, false, false, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(v, false, false, true, false);
        }
        self.pop_indent();
    }

    fn simple_key(k: &Node) -> bool {
        match k {
            Node::Scalar(v, _) => !analyze(v, false).multiline && v.len() <= 128,
            Node::Seq(items) => items.is_empty(),
            Node::Map(entries) => entries.is_empty(),
        }
    }

    fn emit_scalar(&mut self, value: &str, requested: Style) {
        let a = analyze(value, self.v3);
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = Style::SingleQuoted;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::SingleQuoted => self.write_single(value, allow_breaks),
            Style::DoubleQuoted => self.write_double(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !(self.whitespace || (self.v3 && value.is_empty())) {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > self.best_width && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !(self.v3 && value.is_empty()) {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let blen = value.len();
        let mut byte_i = 0;
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && byte_i > 0
                    && byte_i + 1 < blen
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            byte_i += c.len_utf8();
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let bom = value.starts_with('\u{feff}');
        let blen = value.len();
        let mut byte_i = 0;
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let v = c as u32;
                let esc = match v {
                    0x00 => Some('0'),
                    0x07 => Some('a'),
                    0x08 => Some('b'),
                    0x09 => Some('t'),
                    0x0A => Some('n'),
                    0x0B => Some('v'),
                    0x0C => Some('f'),
                    0x0D => Some('r'),
                    0x1B => Some('e'),
                    0x22 => Some('"'),
                    0x5C => Some('\\'),
                    0x85 => Some('N'),
                    0xA0 => Some('_'),
                    0x2028 => Some('L'),
                    0x2029 => Some('P'),
                    _ => None,
                };
                match esc {
                    Some(e) => self.put(e),
                    None => {
                        let (p, w) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(p);
                        for k in (0..w).rev() {
                            let d = (v >> (k * 4)) & 0xF;
                            self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && byte_i > 0
                    && byte_i + 1 < blen
                {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            byte_i += c.len_utf8();
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_hints(&mut self, value: &str) {
        let first = value.chars().next();
        if let Some(c) = first {
            if c == ' ' || is_break(c) {
                let hint = char::from_digit(self.best_indent as u32, 10).unwrap_or('2');
                self.write_indicator(&hint.to_string(), false, false, false);
            }
        }
        let mut chars = value.chars().rev();
        let chomp = match chars.next() {
            None => Some('-'),
            Some(last) if !is_break(last) => Some('-'),
            Some(_) => match chars.next() {
                None => Some('+'),
                Some(prev) if is_break(prev) => Some('+'),
                Some(_) => None,
            },
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

impl Emitter {
    /// go-yaml v3's emitter as `yaml.v3` `Encoder` with `SetIndent(2)` configures it.
    pub(crate) fn v3() -> Emitter {
        let mut e = Emitter::new();
        e.v3 = true;
        e.best_width = usize::MAX;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk as go-yaml writes it (yaml_emitter_analyze_scalar), one char at a time by
    /// index: the reference for [`analyze`]'s byte runs.
    fn analyze_by_index(value: &str, v3: bool) -> Analysis {
        let chars: Vec<char> = value.chars().collect();
        let mut seen = Seen {
            preceded_by_whitespace: true,
            ..Seen::default()
        };
        let n = chars.len();
        for (i, &c) in chars.iter().enumerate() {
            let followed = i + 1 >= n || is_blank(chars[i + 1]);
            seen.step(c, i == 0, i + 1 == n, followed, v3);
        }
        let mut whole = seen;
        if value.starts_with("---") || value.starts_with("...") {
            whole.block_indicators = true;
            whole.flow_indicators = true;
        }
        let a = analyze(value, v3);
        if value.is_empty() {
            return a;
        }
        let mut b = Analysis {
            multiline: whole.line_breaks,
            flow_plain_allowed: true,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if whole.leading_space
            || whole.leading_break
            || whole.trailing_space
            || whole.trailing_break
        {
            b.flow_plain_allowed = false;
            b.block_plain_allowed = false;
        }
        if whole.trailing_space {
            b.block_allowed = false;
        }
        if whole.break_space
            || whole.space_break
            || whole.tab_characters
            || whole.special_characters
        {
            b.flow_plain_allowed = false;
            b.block_plain_allowed = false;
            b.single_quoted_allowed = false;
        }
        if whole.space_break || whole.special_characters {
            b.block_allowed = false;
        }
        if whole.line_breaks {
            b.flow_plain_allowed = false;
            b.block_plain_allowed = false;
        }
        if whole.flow_indicators {
            b.flow_plain_allowed = false;
        }
        if whole.block_indicators {
            b.block_plain_allowed = false;
        }
        b
    }

    /// Every text of up to four characters from an alphabet of the characters the analysis
    /// tells apart (indicators, blanks, breaks, a tab, control and non-ASCII characters), and
    /// longer texts around plain runs: the byte walk agrees with the walk by index.
    #[test]
    fn byte_runs_agree_with_the_walk_by_index() {
        let alphabet = [
            'a', '-', ' ', '\t', '\n', '\r', ':', '#', ',', '?', '[', '{', '&', '\'', '"', '\u{1}',
            '\u{85}', 'é', '\u{2028}', '.',
        ];
        let mut texts = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for t in &frontier {
                for &c in &alphabet {
                    let mut u = t.clone();
                    u.push(c);
                    next.push(u);
                }
            }
            texts.extend(next.iter().cloned());
            frontier = next;
        }
        for t in frontier.iter().step_by(7) {
            texts.push(format!("{t}plain-text.run_of/bytes{t}"));
            texts.push(format!("word {t} word"));
            texts.push(format!("---{t}"));
        }
        for t in &texts {
            for v3 in [false, true] {
                assert_eq!(analyze(t, v3), analyze_by_index(t, v3), "{t:?} v3={v3}");
            }
        }
    }
}
