//! Go's `fmt` and `strconv` formatting as templates see it: `print`, `printf`, `println`, the
//! default output of `{{ . }}`, and float formatting that other layers (`toJson`) reuse.
//!
//! The structure follows Go's `fmt/print.go` and `fmt/format.go`: a printer with flags, one
//! argument at a time, with Go's inline error texts (`%!d(string=abc)`, `%!s(MISSING)`,
//! `%!(EXTRA int=1)`) instead of failures.

use crate::value::Value;

/// `fmt.Sprint`: operands formatted with `%v`, a space between two operands when neither is a
/// string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln`: operands formatted with `%v`, always separated by a space, and a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprint(v)` of one value: Go's `%v`.
pub fn format_value(v: &Value) -> String {
    let mut p = Printer::default();
    p.print_arg(v, 'v');
    p.buf
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// `strconv.FormatFloat(f, fmt, prec, 64)` for `fmt` in `e E f F g G` (`prec` -1 = shortest).
/// Other format letters fall back to `g`.
pub fn format_float(f: f64, fmt: char, prec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = f.is_sign_negative();
    let abs = f.abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let shortest = prec < 0;
    match fmt {
        'e' | 'E' => {
            let d = if shortest {
                Decimal::shortest(abs)
            } else {
                Decimal::significant(abs, prec as usize + 1)
            };
            let p = if shortest {
                d.digits.len().saturating_sub(1)
            } else {
                prec as usize
            };
            fmt_e(&mut out, &d, p, fmt);
        }
        'f' | 'F' => {
            if shortest {
                let d = Decimal::shortest(abs);
                let p = (d.digits.len() as i32 - d.dp).max(0) as usize;
                fmt_f(&mut out, &d, p);
            } else {
                out.push_str(&format!("{:.*}", prec as usize, abs));
            }
        }
        _ => {
            let upper = fmt == 'G';
            let (d, mut p) = if shortest {
                let d = Decimal::shortest(abs);
                let n = d.digits.len() as i32;
                (d, n)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (Decimal::significant(abs, p as usize), p)
            };
            let nd = d.digits.len() as i32;
            let mut eprec = p;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                fmt_e(
                    &mut out,
                    &d,
                    (p - 1).max(0) as usize,
                    if upper { 'E' } else { 'e' },
                );
            } else {
                if p > d.dp {
                    p = nd;
                }
                fmt_f(&mut out, &d, (p - d.dp).max(0) as usize);
            }
        }
    }
    out
}

/// Decimal digits of a non-negative finite float: value = 0.d1d2d3... * 10^dp, no trailing
/// zeros; zero has no digits.
struct Decimal {
    digits: Vec<u8>,
    dp: i32,
}

impl Decimal {
    fn from_exp_string(s: &str) -> Decimal {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal { digits, dp: 0 };
        }
        Decimal {
            digits,
            dp: exp + 1,
        }
    }

    fn shortest(abs: f64) -> Decimal {
        Decimal::from_exp_string(&format!("{abs:e}"))
    }

    fn significant(abs: f64, n: usize) -> Decimal {
        Decimal::from_exp_string(&format!("{:.*e}", n.saturating_sub(1), abs))
    }
}

fn fmt_e(out: &mut String, d: &Decimal, prec: usize, fmt: char) {
    let first = d.digits.first().copied().unwrap_or(b'0');
    out.push(first as char);
    if prec > 0 {
        out.push('.');
        let mut i = 1;
        let m = d.digits.len().min(prec + 1);
        while i < m {
            out.push(d.digits[i] as char);
            i += 1;
        }
        while i <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(fmt);
    let exp = if d.digits.is_empty() { 0 } else { d.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn fmt_f(out: &mut String, d: &Decimal, prec: usize) {
    if d.dp > 0 {
        let dp = d.dp as usize;
        let m = d.digits.len().min(dp);
        for &c in &d.digits[..m] {
            out.push(c as char);
        }
        for _ in m..dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i as i32 - 1;
            let c = if j >= 0 && (j as usize) < d.digits.len() {
                d.digits[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes(), '"', false)
}

/// `strconv.QuoteToASCII`.
pub fn quote_ascii(s: &str) -> String {
    quote_bytes(s.as_bytes(), '"', true)
}

/// `strconv.QuoteRune`.
pub fn quote_rune(r: char) -> String {
    let mut buf = [0u8; 4];
    quote_bytes(r.encode_utf8(&mut buf).as_bytes(), '\'', false)
}

fn quote_bytes(s: &[u8], q: char, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape_rune(&mut out, c, q, ascii);
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push(q);
    out
}

fn escape_rune(out: &mut String, r: char, q: char, ascii: bool) {
    if r == q || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii {
        if r.is_ascii() && is_print(r) {
            out.push(r);
            return;
        }
    } else if is_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        _ => {
            let n = r as u32;
            if n < 0x20 || n == 0x7f {
                out.push_str(&format!("\\x{n:02x}"));
            } else if n < 0x10000 {
                out.push_str(&format!("\\u{n:04x}"));
            } else {
                out.push_str(&format!("\\U{n:08x}"));
            }
        }
    }
}

/// An approximation of Go's `unicode.IsPrint`: graphic characters and the ASCII space;
/// control, format, separator (other than U+0020) and private-use characters are not.
pub(crate) fn is_print(r: char) -> bool {
    let n = r as u32;
    if n < 0x80 {
        return (0x20..0x7f).contains(&n);
    }
    if r.is_control() {
        return false;
    }
    !matches!(n,
        0xA0 | 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x1680
        | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x2064 | 0x2066..=0x206F
        | 0x3000 | 0xD800..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x1D173..=0x1D17A
        | 0xE0001 | 0xE0020..=0xE007F | 0xF0000..)
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
}

const MAX_WIDTH: i64 = 1_000_000;

fn parse_num(b: &[u8], mut i: usize, end: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: i64 = 0;
    while i < end && b[i].is_ascii_digit() {
        if n > MAX_WIDTH {
            // Go: too large a number: not a number at all.
            return (None, end);
        }
        n = n * 10 + (b[i] - b'0') as i64;
        i += 1;
    }
    if i == start || n > MAX_WIDTH {
        (None, i)
    } else {
        (Some(n as usize), i)
    }
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num < args.len() {
        let (num, ok) = match &args[arg_num] {
            Value::Int(i) | Value::Int64(i) => (*i, true),
            _ => (0, false),
        };
        if !(-MAX_WIDTH..=MAX_WIDTH).contains(&num) {
            return (0, false, arg_num + 1);
        }
        (num, ok, arg_num + 1)
    } else {
        (0, false, arg_num)
    }
}

impl Printer {
    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let b = format.as_bytes();
        let end = b.len();
        let mut arg_num = 0usize;
        let mut reordered = false;
        let mut i = 0usize;
        while i < end {
            let mut good_arg_num = true;
            let lasti = i;
            while i < end && b[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1; // skip %
            self.f = Flags::default();
            while i < end {
                match b[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            // Argument index, then width.
            let mut after_index;
            (arg_num, i, after_index) =
                self.arg_number(arg_num, b, i, args.len(), &mut reordered, &mut good_arg_num);
            if i < end && b[i] == b'*' {
                i += 1;
                let (w, ok, n) = int_from_arg(args, arg_num);
                arg_num = n;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                    self.f.wid = None;
                } else if w < 0 {
                    self.f.wid = Some((-w) as usize);
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = Some(w as usize);
                }
                after_index = false;
            } else {
                let (w, ni) = parse_num(b, i, end);
                self.f.wid = w;
                i = ni;
                if after_index && w.is_some() {
                    good_arg_num = false;
                }
            }
            // Precision.
            if i < end && b[i] == b'.' {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, i, after_index) =
                    self.arg_number(arg_num, b, i, args.len(), &mut reordered, &mut good_arg_num);
                if i < end && b[i] == b'*' {
                    i += 1;
                    let (p, ok, n) = int_from_arg(args, arg_num);
                    arg_num = n;
                    if p < 0 || !ok {
                        self.f.prec = None;
                    } else {
                        self.f.prec = Some(p as usize);
                    }
                    if !ok {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, ni) = parse_num(b, i, end);
                    i = ni;
                    self.f.prec = Some(p.unwrap_or(0));
                }
            }
            if !after_index {
                (arg_num, i, after_index) =
                    self.arg_number(arg_num, b, i, args.len(), &mut reordered, &mut good_arg_num);
            }
            let _ = after_index;
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = match format[i..].chars().next() {
                Some(c) => c,
                None => break,
            };
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !good_arg_num {
                self.bad_arg(verb, "BADINDEX");
            } else if arg_num >= args.len() {
                self.bad_arg(verb, "MISSING");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn bad_arg(&mut self, verb: char, what: &str) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        self.buf.push_str(what);
        self.buf.push(')');
    }

    fn arg_number(
        &mut self,
        arg_num: usize,
        b: &[u8],
        i: usize,
        num_args: usize,
        reordered: &mut bool,
        good: &mut bool,
    ) -> (usize, usize, bool) {
        if i >= b.len() || b[i] != b'[' {
            return (arg_num, i, false);
        }
        *reordered = true;
        let rest = &b[i..];
        // parseArgNumber
        let (index, wid, ok) = {
            if rest.len() < 3 {
                (0i64, 1usize, false)
            } else {
                let mut res = (0i64, 1usize, false);
                for j in 1..rest.len() {
                    if rest[j] == b']' {
                        let (w, newi) = parse_num(rest, 1, j);
                        res = match w {
                            Some(w) if newi == j => (w as i64 - 1, j + 1, true),
                            _ => (0, j + 1, false),
                        };
                        break;
                    }
                }
                res
            }
        };
        if ok && 0 <= index && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        *good = false;
        (arg_num, i + wid, ok)
    }

    fn bad_verb(&mut self, verb: char, arg: Option<&Value>) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match arg {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&v.type_name());
                self.buf.push('=');
                self.print_value(v, 'v', 0);
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        if verb == 'T' {
            let t = arg.type_name();
            self.fmt_s(&t);
            return;
        }
        if verb == 'p' {
            self.bad_verb(verb, Some(arg));
            return;
        }
        self.print_value(arg, verb, 0);
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        match v {
            Value::Nil => {
                // A nil interface inside a container.
                if depth == 0 {
                    self.print_arg(v, verb)
                } else {
                    self.pad_str("<nil>")
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer_verb(*i as u64, true, verb, v),
            Value::Float(x) => self.fmt_float_verb(*x, verb, v),
            Value::String(s) => match verb {
                'v' => {
                    if self.f.sharp_v {
                        self.fmt_q(s)
                    } else {
                        self.fmt_s(s)
                    }
                }
                's' => self.fmt_s(s),
                'x' => self.fmt_sx(s.as_bytes(), false),
                'X' => self.fmt_sx(s.as_bytes(), true),
                'q' => self.fmt_q(s),
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Bytes(bytes) => self.fmt_bytes(bytes, verb, v),
            Value::List(items) => {
                if self.f.sharp_v {
                    self.buf.push_str("[]interface {}{");
                    for (k, item) in items.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_nested(item, verb, depth);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (k, item) in items.iter().enumerate() {
                        if k > 0 {
                            self.buf.push(' ');
                        }
                        self.print_nested(item, verb, depth);
                    }
                    self.buf.push(']');
                }
            }
            Value::Map(m) => {
                let m = m.borrow();
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                for (k, (key, val)) in m.iter().enumerate() {
                    if k > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    self.print_value(&Value::String(key.as_str().into()), verb, depth + 1);
                    self.buf.push(':');
                    self.print_nested(val, verb, depth);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Object(o) => {
                let s = o.display();
                self.pad_str(&s);
            }
        }
    }

    fn print_nested(&mut self, v: &Value, verb: char, depth: usize) {
        if v.is_nil() && self.f.sharp_v {
            self.buf.push_str("interface {}(nil)");
        } else {
            self.print_value(v, verb, depth + 1);
        }
    }

    // ---- padding -----------------------------------------------------------------------

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    fn pad_str(&mut self, s: &str) {
        let width = match self.f.wid {
            Some(w) => w,
            None => {
                self.buf.push_str(s);
                return;
            }
        };
        let n = s.chars().count();
        if n >= width {
            self.buf.push_str(s);
            return;
        }
        if self.f.minus {
            self.buf.push_str(s);
            let z = self.f.zero;
            self.f.zero = false;
            self.write_padding(width - n);
            self.f.zero = z;
        } else {
            self.write_padding(width - n);
            self.buf.push_str(s);
        }
    }

    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if let Some(p) = self.f.prec {
            if let Some((idx, _)) = s.char_indices().nth(p) {
                return &s[..idx];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad_str(s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        let q = if self.f.sharp && can_backquote(s) {
            format!("`{s}`")
        } else if self.f.plus {
            quote_ascii(s)
        } else {
            quote(s)
        };
        self.pad_str(&q);
    }

    fn fmt_sx(&mut self, b: &[u8], upper: bool) {
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let len = match self.f.prec {
            Some(p) if p < b.len() => p,
            _ => b.len(),
        };
        let mut out = String::new();
        if len == 0 {
            // Go pads an empty string with the width only.
            let w = self.f.wid.unwrap_or(0);
            let z = self.f.zero;
            self.f.zero = false;
            self.write_padding(w);
            self.f.zero = z;
            return;
        }
        for (i, &c) in b[..len].iter().enumerate() {
            if self.f.space && i > 0 {
                out.push(' ');
            }
            if self.f.sharp && (self.f.space || i == 0) {
                out.push('0');
                out.push(if upper { 'X' } else { 'x' });
            }
            out.push(digits[(c >> 4) as usize] as char);
            out.push(digits[(c & 0xf) as usize] as char);
        }
        self.pad_str(&out);
    }

    fn fmt_bytes(&mut self, bytes: &[u8], verb: char, v: &Value) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str("[]byte{");
                    for (i, b) in bytes.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.buf.push_str(&format!("0x{b:x}"));
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push('[');
                for (i, b) in bytes.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_integer(*b as u64, 10, false, verb, false);
                }
                self.buf.push(']');
            }
            's' => {
                let s = String::from_utf8_lossy(bytes).into_owned();
                self.fmt_s(&s)
            }
            'x' => self.fmt_sx(bytes, false),
            'X' => self.fmt_sx(bytes, true),
            'q' => {
                let q = quote_bytes(bytes, '"', self.f.plus);
                self.pad_str(&q)
            }
            _ => {
                let _ = v;
                self.buf.push('[');
                for (i, b) in bytes.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    let bv = Value::Int(*b as i64);
                    self.fmt_integer_verb_typed(*b as u64, false, verb, &bv, "uint8");
                }
                self.buf.push(']');
            }
        }
    }

    // ---- integers ----------------------------------------------------------------------

    fn fmt_integer_verb(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, false),
            'b' => self.fmt_integer(u, 2, signed, verb, false),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, false),
            'x' => self.fmt_integer(u, 16, signed, verb, false),
            'X' => self.fmt_integer(u, 16, signed, verb, true),
            'c' => {
                let c = char::from_u32(u as u32)
                    .filter(|_| u <= 0x10FFFF)
                    .unwrap_or('\u{FFFD}');
                let s = c.to_string();
                self.pad_str(&s);
            }
            'q' => {
                let c = char::from_u32(u as u32)
                    .filter(|_| u <= 0x10FFFF)
                    .unwrap_or('\u{FFFD}');
                let s = if self.f.plus {
                    let mut buf = [0u8; 4];
                    quote_bytes(c.encode_utf8(&mut buf).as_bytes(), '\'', true)
                } else {
                    quote_rune(c)
                };
                self.pad_str(&s);
            }
            'U' => {
                let mut s = format!("U+{:04X}", u);
                if self.f.sharp {
                    if let Some(c) = char::from_u32(u as u32).filter(|c| is_print(*c)) {
                        s.push_str(&format!(" '{c}'"));
                    }
                }
                self.pad_str(&s);
            }
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_integer_verb_typed(&mut self, u: u64, signed: bool, verb: char, v: &Value, ty: &str) {
        match verb {
            'v' | 'd' | 'b' | 'o' | 'O' | 'x' | 'X' | 'c' | 'q' | 'U' => {
                self.fmt_integer_verb(u, signed, verb, v)
            }
            _ => {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push('(');
                self.buf.push_str(ty);
                self.buf.push('=');
                self.fmt_integer(u, 10, signed, 'v', false);
                self.buf.push(')');
            }
        }
    }

    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, upper: bool) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let z = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = z;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid.is_some() {
            prec = self.f.wid.unwrap_or(0);
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let mut rev: Vec<u8> = Vec::with_capacity(24);
        loop {
            rev.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => {
                    rev.push(b'b');
                    rev.push(b'0');
                }
                8 if rev.last() != Some(&b'0') => {
                    rev.push(b'0');
                }
                16 => {
                    rev.push(if upper { b'X' } else { b'x' });
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.push(b'o');
            rev.push(b'0');
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s: String = rev.into_iter().map(|b| b as char).collect();
        let z = self.f.zero;
        self.f.zero = false;
        self.pad_str(&s);
        self.f.zero = z;
    }

    // ---- floats ------------------------------------------------------------------------

    fn fmt_float_verb(&mut self, x: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(x, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(x, verb, -1),
            'f' | 'e' | 'E' | 'F' => self.fmt_float(x, verb, 6),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_float(&mut self, x: f64, verb: char, prec: i32) {
        let prec = match self.f.prec {
            Some(p) => p as i32,
            None => prec,
        };
        let fmt = match verb {
            'F' => 'f',
            'b' | 'x' | 'X' => 'g',
            c => c,
        };
        let body = format_float(x, fmt, prec);
        let mut num = if body.starts_with('-') || body.starts_with('+') {
            body
        } else {
            format!("+{body}")
        };
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        if num[1..].starts_with('I') || num[1..].starts_with('N') {
            let z = self.f.zero;
            self.f.zero = false;
            if num[1..].starts_with('N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad_str(&num);
            self.f.zero = z;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits = 0usize;
            if matches!(verb, 'v' | 'g' | 'G') {
                digits = if prec < 0 { 6 } else { prec as usize };
            }
            let (head, tail) = match num.find(['e', 'E']) {
                Some(p) => (num[..p].to_string(), num[p..].to_string()),
                None => (num.clone(), String::new()),
            };
            let mut head = head;
            let mut saw_point = false;
            let mut count = 0usize;
            for (i, c) in head[1..].char_indices() {
                if c == '.' {
                    saw_point = true;
                } else if c.is_ascii_digit() && (count > 0 || c != '0' || i > 0) {
                    count += 1;
                }
            }
            if !saw_point {
                if head.len() == 2 && head.ends_with('0') {
                    count = 1;
                }
                head.push('.');
            }
            while digits > count {
                head.push('0');
                count += 1;
            }
            num = head + &tail;
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero && !self.f.minus {
                if let Some(w) = self.f.wid {
                    let n = num.chars().count();
                    if w > n {
                        let sign = num.remove(0);
                        self.buf.push(sign);
                        self.write_padding(w - n);
                        self.buf.push_str(&num);
                        return;
                    }
                }
            }
            self.pad_str(&num);
            return;
        }
        self.pad_str(&num[1..]);
    }
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()))
}

#[cfg(test)]
#[allow(clippy::approx_constant)]
mod tests {
    use super::*;

    fn i(n: i64) -> Value {
        Value::Int(n)
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn floats() {
        assert_eq!(format_float(1e6, 'g', -1), "1e+06");
        assert_eq!(format_float(1234567.0, 'g', -1), "1.234567e+06");
        assert_eq!(format_float(100000.0, 'g', -1), "100000");
        assert_eq!(format_float(3.0, 'g', -1), "3");
        assert_eq!(format_float(0.0001, 'g', -1), "0.0001");
        assert_eq!(format_float(0.00001, 'g', -1), "1e-05");
        assert_eq!(format_float(0.0, 'g', -1), "0");
        assert_eq!(format_float(-1.5, 'g', -1), "-1.5");
        assert_eq!(format_float(1000.0, 'g', 3), "1e+03");
        assert_eq!(format_float(1.0, 'g', 3), "1");
        assert_eq!(format_float(3.14159, 'f', 2), "3.14");
        assert_eq!(format_float(1e21, 'f', -1), "1000000000000000000000");
        assert_eq!(format_float(1.5, 'e', 3), "1.500e+00");
        assert_eq!(format_float(0.0, 'e', -1), "0e+00");
        assert_eq!(format_float(1e100, 'e', -1), "1e+100");
    }

    #[test]
    fn printf() {
        assert_eq!(sprintf("%d", &[s("abc")]), "%!d(string=abc)");
        assert_eq!(sprintf("%s", &[]), "%!s(MISSING)");
        assert_eq!(sprintf("x", &[i(1)]), "x%!(EXTRA int=1)");
        assert_eq!(sprintf("%d", &[Value::Float(3.0)]), "%!d(float64=3)");
        assert_eq!(
            sprintf("%05d|%-5s|%x", &[i(42), s("ab"), s("hi")]),
            "00042|ab   |6869"
        );
        assert_eq!(
            sprintf("%.2f %5.1f", &[Value::Float(3.14159), Value::Float(2.0)]),
            "3.14   2.0"
        );
        assert_eq!(sprintf("%q", &[s("a\tb\"")]), "\"a\\tb\\\"\"");
        assert_eq!(
            sprintf("%v %t %%", &[Value::Nil, Value::Bool(true)]),
            "<nil> true %"
        );
        assert_eq!(sprintf("%*d", &[i(4), i(7)]), "   7");
        assert_eq!(sprintf("%c%c", &[i(72), i(105)]), "Hi");
        assert_eq!(sprintf("%#x %#o %b", &[i(255), i(8), i(5)]), "0xff 010 101");
        assert_eq!(sprintf("%+d % d", &[i(5), i(5)]), "+5  5");
        assert_eq!(sprintf("%5d", &[s("abc")]), "%!d(string=  abc)");
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(sprintf("%[2]d %[1]d", &[i(1), i(2)]), "2 1");
    }

    #[test]
    fn sprint_spacing() {
        assert_eq!(sprint(&[s("a"), s("b")]), "ab");
        assert_eq!(sprint(&[i(1), i(2)]), "1 2");
        assert_eq!(sprint(&[s("a"), i(1), i(2), s("b")]), "a1 2b");
        assert_eq!(sprintln(&[s("a"), s("b")]), "a b\n");
    }

    #[test]
    fn containers() {
        let mut m = crate::value::Map::new();
        m.insert("b".into(), i(2));
        m.insert("a".into(), Value::Nil);
        assert_eq!(format_value(&Value::map(m)), "map[a:<nil> b:2]");
        assert_eq!(
            format_value(&Value::list(vec![s("a"), Value::Float(1e6)])),
            "[a 1e+06]"
        );
        assert_eq!(
            format_value(&Value::Bytes(vec![1u8, 2, 3].into())),
            "[1 2 3]"
        );
        assert_eq!(
            sprintf("%d", &[Value::list(vec![s("a"), i(1)])]),
            "[%!d(string=a) 1]"
        );
    }

    fn f(x: f64) -> Value {
        Value::Float(x)
    }

    /// Expected texts taken from helm v4.1.4 (Go 1.25) rendering the same printf calls.
    #[test]
    fn printf_agrees_with_go() {
        let l = |v: Vec<Value>| Value::list(v);
        assert_eq!(
            sprintf(
                "%+v|%#v|%#v|%#v",
                &[i(5), s("a"), f(1.0), l(vec![i(1), s("a")])]
            ),
            "5|\"a\"|1|[]interface {}{1, \"a\"}"
        );
        assert_eq!(
            sprintf(
                "%6.2f|%-8.3e|%g|%G|%.3g|%08.3f|%+.1f|% d",
                &[
                    f(3.14159),
                    f(1234.5),
                    f(0.000012),
                    f(1e21),
                    f(1000.0),
                    f(-3.14159),
                    f(2.25),
                    i(5)
                ]
            ),
            "  3.14|1.234e+03|1.2e-05|1E+21|1e+03|-003.142|+2.2| 5"
        );
        assert_eq!(
            sprintf(
                "%x|%X|%o|%O|%b|%c|%q|%U|%#U",
                &[i(255), i(255), i(8), i(8), i(5), i(65), i(65), i(65), i(65)]
            ),
            "ff|FF|10|0o10|101|A|'A'|U+0041|U+0041 'A'"
        );
        assert_eq!(
            sprintf("%t|%t|%s", &[Value::Bool(true), i(1), Value::Bool(true)]),
            "true|%!t(int=1)|%!s(bool=true)"
        );
        assert_eq!(
            sprintf(
                "%5.1s|%-5q|%x|% x|%#x",
                &[s("abc"), s("a"), s("hello"), s("hi"), s("hi")]
            ),
            "    a|\"a\"  |68656c6c6f|68 69|0x6869"
        );
        assert_eq!(sprintf("%d %d", &[i(1)]), "1 %!d(MISSING)");
        assert_eq!(sprintf("%!", &[]), "%!!(MISSING)");
        assert_eq!(
            sprintf("%z|%d|%s", &[i(3), Value::Nil, Value::Nil]),
            "%!z(int=3)|%!d(<nil>)|%!s(<nil>)"
        );
        assert_eq!(
            sprintf(
                "%v %v|%e|%.0f %.0f %.2f",
                &[f(1e6), f(1e-5), f(0.0), f(2.5), f(3.5), f(0.125)]
            ),
            "1e+06 1e-05|0.000000e+00|2 4 0.12"
        );
        assert_eq!(
            sprintf(
                "%T %T %T %T|%5t|%-7v|",
                &[
                    i(1),
                    f(1.5),
                    s("a"),
                    Value::Nil,
                    Value::Bool(true),
                    Value::Nil
                ]
            ),
            "int float64 string <nil>| true|<nil>  |"
        );
        assert_eq!(
            sprintf("%q|%+q|%#q", &[s("héllo\x01\u{a0}"), s("héllo"), s("a\"b")]),
            "\"héllo\\x01\\u00a0\"|\"h\\u00e9llo\"|`a\"b`"
        );
        assert_eq!(
            sprintf("%05s|%-05d|%05.1f|%x", &[s("ab"), i(3), f(-2.5), i(-255)]),
            "000ab|3    |-02.5|-ff"
        );
        assert_eq!(
            sprintf("%[1]d %[1]x %[3]s", &[i(10), s("x"), s("y")]),
            "10 a y"
        );
        assert_eq!(sprintf("%[5]d", &[i(1)]), "%!d(BADINDEX)");
        assert_eq!(
            sprintf("%.*f|%*d", &[i(2), f(3.14159), i(-4), i(7)]),
            "3.14|7   "
        );
        assert_eq!(
            sprint(&[i(1), i(2), s("a"), s("b"), i(3), Value::Nil, i(4)]),
            "1 2ab3 <nil> 4"
        );
        assert_eq!(sprint(&[l(vec![]), Value::empty_map()]), "[] map[]");
        assert_eq!(
            sprintf(
                "%#g|%#.3g|%#f|%#e|%#.0f",
                &[f(1.0), f(2.0), f(3.0), f(4.0), f(5.0)]
            ),
            "1.00000|2.00|3.000000|4.000000e+00|5."
        );
    }
}
