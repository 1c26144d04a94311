//! The parser: Go's `text/template/parse/parse.go`, over the lexer's tokens.
//!
//! It produces one [`Tree`] for the text itself and one per `define`/`block`, checks function
//! names against the host's set (`function "foo" not defined`), checks variables, and reports
//! errors with Go's texts (`template: NAME:LINE: unexpected "}" in operand`).

use std::rc::Rc;

use crate::ast::*;
use crate::error::Error;
use crate::lexer::{self, LexOptions, Token, TokenKind};

/// Parser settings.
#[derive(Clone, Debug)]
pub struct ParseOptions {
    pub left_delim: String,
    pub right_delim: String,
    /// Maximum nesting of parenthesised pipelines and control structures.
    pub max_depth: usize,
    /// Bytes of native stack the parser may use (nesting beyond it is the same error).
    pub max_stack: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            left_delim: "{{".into(),
            right_delim: "}}".into(),
            max_depth: 1000,
            max_stack: crate::eval::default_stack_budget(),
        }
    }
}

/// Parse `text` as the template `name`. Returns the trees of the text's own body (last) and of
/// every `define`/`block` in it, in the order they were completed.
pub fn parse(
    name: &str,
    text: &str,
    is_func: &dyn Fn(&str) -> bool,
    opts: &ParseOptions,
) -> Result<Vec<Tree>, Error> {
    parse_shared(name, Rc::from(text), is_func, opts)
}

/// [`parse`] of a text the caller already holds as `Rc<str>`: the trees share it (no copy).
pub fn parse_shared(
    name: &str,
    shared: Rc<str>,
    is_func: &dyn Fn(&str) -> bool,
    opts: &ParseOptions,
) -> Result<Vec<Tree>, Error> {
    let trees = parse_detached(name, &shared, is_func, opts)?;
    Ok(trees
        .into_iter()
        .map(|t| t.attach(shared.clone()))
        .collect())
}

/// [`parse`] into trees that do not hold the text yet ([`ParsedTree::attach`] gives it):
/// they can be made on another thread.
pub fn parse_detached(
    name: &str,
    text: &str,
    is_func: &dyn Fn(&str) -> bool,
    opts: &ParseOptions,
) -> Result<Vec<ParsedTree>, Error> {
    parse_detached_flagged(name, text, is_func, opts).map(|(trees, _)| trees)
}

/// [`parse_detached`], and whether the text defines a template named `name` itself (its
/// top-level tree and that definition then met in the tree set: the trees would differ
/// under another name).
pub(crate) fn parse_detached_flagged(
    name: &str,
    text: &str,
    is_func: &dyn Fn(&str) -> bool,
    opts: &ParseOptions,
) -> Result<(Vec<ParsedTree>, bool), Error> {
    // Names are 32-bit offsets into the text (`ast::Name`).
    if u32::try_from(text.len()).is_err() {
        return Err(Error::parse(
            name,
            0,
            format!("template too large ({} bytes; at most 4 GiB)", text.len()),
            None,
        ));
    }
    let lex_opts = LexOptions {
        left_delim: &opts.left_delim,
        right_delim: &opts.right_delim,
        break_ok: !is_func("break"),
        continue_ok: !is_func("continue"),
    };
    let lexed = lexer::lex(text, &lex_opts);
    let mut p = Parser {
        tokens: lexed.tokens,
        lex_error: lexed.error.unwrap_or_default(),
        src: text,
        idx: 0,
        hi: 0,
        parse_name: name.to_string(),
        is_func,
        vars: vec!["$"],
        range_depth: 0,
        depth: 0,
        max_depth: opts.max_depth.max(1),
        max_stack: opts.max_stack,
        stack_base: crate::eval::stack_addr(),
        tree_set: Vec::new(),
        action_pos: None,
        node_stack: Vec::new(),
        cmd_stack: Vec::new(),
        expr_stack: Vec::new(),
        t: Tables::default(),
    };
    let root = p.parse_top()?;
    let tree = ParsedTree {
        name: name.to_string(),
        parse_name: name.to_string(),
        root,
        tables: std::mem::take(&mut p.t),
    };
    let defines_own_name = p.tree_set.iter().any(|t| t.name == name);
    p.add(tree)?;
    Ok((p.tree_set, defines_own_name))
}

struct Parser<'f, 't> {
    tokens: Vec<Token>,
    /// The lexer's message for its final error token.
    lex_error: String,
    src: &'t str,
    idx: usize,
    hi: usize,
    parse_name: String,
    is_func: &'f dyn Fn(&str) -> bool,
    vars: Vec<&'t str>,
    range_depth: usize,
    depth: usize,
    max_depth: usize,
    max_stack: usize,
    stack_base: usize,
    tree_set: Vec<ParsedTree>,
    /// Where the action being parsed starts (for "unclosed action started at ...").
    action_pos: Option<usize>,
    /// Lists, pipelines and commands being built, innermost last: each is moved out into a
    /// vector of its exact size when complete (one allocation, no regrowth or shrinking;
    /// trees live as long as the template set).
    node_stack: Vec<Node>,
    cmd_stack: Vec<Command>,
    expr_stack: Vec<Expr>,
    /// The tables of the tree being parsed (a `define` or `block` body starts its own).
    t: Tables,
}

/// The elements of `stack` from `mark` on, moved into a vector of their exact size.
fn take_from<T>(stack: &mut Vec<T>, mark: usize) -> Box<[T]> {
    let mut v = Vec::with_capacity(stack.len() - mark);
    v.extend(stack.drain(mark..));
    v.into_boxed_slice()
}

type PResult<T> = Result<T, Error>;

/// What ends an item list.
enum Terminator {
    End(usize),
    Else(usize),
}

impl<'t> Parser<'_, 't> {
    // ---- token stream ---------------------------------------------------------------

    fn tok(&self, i: usize) -> Token {
        let i = i.min(self.tokens.len().saturating_sub(1));
        self.tokens[i]
    }

    /// A token's text (an error token's message is [`Parser::lex_error`]).
    fn val(&self, t: &Token) -> &'t str {
        t.text(self.src)
    }

    fn next(&mut self) -> Token {
        let t = self.tok(self.idx);
        self.hi = self
            .hi
            .max(self.idx.min(self.tokens.len().saturating_sub(1)));
        if self.idx < self.tokens.len() {
            self.idx += 1;
        }
        t
    }

    fn backup(&mut self) {
        self.idx = self.idx.saturating_sub(1);
    }

    fn peek(&mut self) -> Token {
        let t = self.next();
        self.backup_if(&t);
        t
    }

    /// Back up unless we were stuck on the final token (EOF/error repeat forever).
    fn backup_if(&mut self, _t: &Token) {
        self.backup();
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != TokenKind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn line_of(&self, pos: usize) -> usize {
        lexer::line_of(self.src, pos)
    }

    /// Line of the most recently lexed token (Go's `t.token[0].line`).
    fn cur_line(&self) -> usize {
        let t = self.tok(self.hi);
        self.line_of(t.start)
    }

    fn errorf(&self, msg: impl Into<String>) -> Error {
        Error::parse(&self.parse_name, self.cur_line(), msg.into(), None)
    }

    fn errorf_at(&self, msg: impl Into<String>, span: Span) -> Error {
        Error::parse(&self.parse_name, self.cur_line(), msg.into(), Some(span))
    }

    fn unexpected(&self, token: &Token, context: &str) -> Error {
        let span = Span::new(token.start, token.end);
        if token.kind == TokenKind::Error {
            let mut extra = String::new();
            let line = self.line_of(token.start);
            let action_line = self.action_pos.map(|p| self.line_of(p));
            if let Some(action_line) = action_line.filter(|l| *l != line) {
                extra = format!(" in action started at {}:{}", self.parse_name, action_line);
                if self.lex_error.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf_at(format!("{}{}", self.lex_error, extra), span);
        }
        self.errorf_at(
            format!(
                "unexpected {} in {}",
                token.describe(self.val(token)),
                context
            ),
            span,
        )
    }

    fn expect(&mut self, kind: TokenKind, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != kind {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn enter(&mut self) -> PResult<()> {
        let used = self.stack_base.abs_diff(crate::eval::stack_addr());
        if self.depth >= self.max_depth || used > self.max_stack {
            return Err(self.errorf("max expression depth exceeded"));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- trees -------------------------------------------------------------------------

    fn add(&mut self, tree: ParsedTree) -> PResult<()> {
        if let Some(i) = self.tree_set.iter().position(|t| t.name == tree.name) {
            if self.tree_set[i].root.is_empty_tree(self.src) {
                self.tree_set.remove(i);
                self.tree_set.push(tree);
                return Ok(());
            }
            if !tree.root.is_empty_tree(self.src) {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    crate::format::quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.tree_set.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<List> {
        let start = self.peek().start;
        let mut list = List {
            nodes: Box::default(),
            span: Span::new(start, start),
        };
        let mark = self.node_stack.len();
        loop {
            let t = self.peek();
            if t.kind == TokenKind::Eof {
                break;
            }
            if t.kind == TokenKind::LeftDelim {
                let delim_idx = self.idx;
                self.next();
                if self.next_non_space().kind == TokenKind::Define {
                    self.parse_definition(delim_idx)?;
                    continue;
                }
                self.idx = delim_idx;
            }
            match self.text_or_action()? {
                Item::Node(n) => self.node_stack.push(n),
                Item::End(_) => return Err(self.errorf("unexpected {{end}}")),
                Item::Else(_) => return Err(self.errorf("unexpected {{else}}")),
            }
        }
        list.span.set_end(self.src.len());
        list.nodes = take_from(&mut self.node_stack, mark);
        Ok(list)
    }

    fn parse_definition(&mut self, _start_idx: usize) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name_tok = self.next_non_space();
        if name_tok.kind != TokenKind::String && name_tok.kind != TokenKind::RawString {
            return Err(self.unexpected(&name_tok, CONTEXT));
        }
        let name = unquote(self.val(&name_tok)).map_err(|e| self.errorf(e))?;
        self.expect(TokenKind::RightDelim, CONTEXT)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let saved_tables = std::mem::take(&mut self.t);
        let (root, end) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        let tables = std::mem::replace(&mut self.t, saved_tables);
        if let Terminator::Else(_) = end {
            return Err(self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}")));
        }
        let tree = ParsedTree {
            name,
            parse_name: self.parse_name.clone(),
            root,
            tables,
        };
        self.add(tree)
    }

    fn item_list(&mut self) -> PResult<(List, Terminator)> {
        let start = self.peek_non_space().start;
        let mut list = List {
            nodes: Box::default(),
            span: Span::new(start, start),
        };
        let mark = self.node_stack.len();
        while self.peek_non_space().kind != TokenKind::Eof {
            match self.text_or_action()? {
                Item::Node(n) => {
                    list.span.set_end(n.span().end());
                    self.node_stack.push(n)
                }
                Item::End(p) => {
                    list.nodes = take_from(&mut self.node_stack, mark);
                    return Ok((list, Terminator::End(p)));
                }
                Item::Else(p) => {
                    list.nodes = take_from(&mut self.node_stack, mark);
                    return Ok((list, Terminator::Else(p)));
                }
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let t = self.next_non_space();
        match t.kind {
            // The lexer's text token is the source between `start` and `end`.
            TokenKind::Text => Ok(Item::Node(Node::Text {
                span: Span::new(t.start, t.end),
            })),
            TokenKind::LeftDelim => {
                self.action_pos = Some(t.start);
                let r = self.action(t.start);
                self.action_pos = None;
                r
            }
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn action(&mut self, delim_start: usize) -> PResult<Item> {
        let t = self.next_non_space();
        match t.kind {
            TokenKind::Block => return self.block_control(delim_start).map(Item::Node),
            TokenKind::Break | TokenKind::Continue => {
                let is_break = t.kind == TokenKind::Break;
                let what = if is_break {
                    "{{break}}"
                } else {
                    "{{continue}}"
                };
                let end = self.next_non_space();
                if end.kind != TokenKind::RightDelim {
                    return Err(self.unexpected(&end, what));
                }
                if self.range_depth == 0 {
                    return Err(self.errorf(format!("{what} outside {{{{range}}}}")));
                }
                let span = Span::new(delim_start, end.end);
                return Ok(Item::Node(if is_break {
                    Node::Break { span }
                } else {
                    Node::Continue { span }
                }));
            }
            TokenKind::Else => return self.else_control(),
            TokenKind::End => {
                let e = self.expect(TokenKind::RightDelim, "end")?;
                return Ok(Item::End(e.end));
            }
            TokenKind::If => return self.control(Ctl::If, delim_start).map(Item::Node),
            TokenKind::Range => return self.control(Ctl::Range, delim_start).map(Item::Node),
            TokenKind::Template => return self.template_control(delim_start).map(Item::Node),
            TokenKind::With => return self.control(Ctl::With, delim_start).map(Item::Node),
            _ => {}
        }
        self.backup();
        let pos = self.peek().start;
        let pipe = self.pipeline("command", TokenKind::RightDelim)?;
        let end = self.tok(self.idx.saturating_sub(1)).end;
        Ok(Item::Node(Node::Action(Box::new(Action {
            pos: pos as u32,
            span: Span::new(delim_start, end),
            pipe,
        }))))
    }

    fn else_control(&mut self) -> PResult<Item> {
        let peek = self.peek_non_space();
        if peek.kind == TokenKind::If || peek.kind == TokenKind::With {
            return Ok(Item::Else(peek.start));
        }
        let t = self.expect(TokenKind::RightDelim, "else")?;
        Ok(Item::Else(t.start))
    }

    fn control(&mut self, ctl: Ctl, delim_start: usize) -> PResult<Node> {
        self.enter()?;
        let n_vars = self.vars.len();
        let r = self.control_inner(ctl, delim_start);
        self.vars.truncate(n_vars);
        self.leave();
        r
    }

    fn control_inner(&mut self, ctl: Ctl, delim_start: usize) -> PResult<Node> {
        let context = ctl.name();
        let pipe = self.pipeline(context, TokenKind::RightDelim)?;
        if ctl == Ctl::Range {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if ctl == Ctl::Range {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        let mut end = match next {
            Terminator::End(e) => e,
            Terminator::Else(epos) => {
                let pk = self.peek();
                if ctl == Ctl::If && pk.kind == TokenKind::If {
                    self.next();
                    let n = self.control(Ctl::If, epos)?;
                    let e = n.span().end();
                    else_list = Some(List {
                        span: Span::new(epos, e),
                        nodes: Box::new([n]),
                    });
                    e
                } else if ctl == Ctl::With && pk.kind == TokenKind::With {
                    self.next();
                    let n = self.control(Ctl::With, epos)?;
                    let e = n.span().end();
                    else_list = Some(List {
                        span: Span::new(epos, e),
                        nodes: Box::new([n]),
                    });
                    e
                } else {
                    let (l, next) = self.item_list()?;
                    else_list = Some(l);
                    match next {
                        Terminator::End(e) => e,
                        Terminator::Else(_) => {
                            return Err(self.errorf("expected end; found {{else}}"));
                        }
                    }
                }
            }
        };
        if end < delim_start {
            end = delim_start;
        }
        let b = Box::new(Branch {
            span: Span::new(delim_start, end),
            pipe,
            list,
            else_list,
        });
        Ok(match ctl {
            Ctl::If => Node::If(b),
            Ctl::Range => Node::Range(b),
            Ctl::With => Node::With(b),
        })
    }

    fn parse_template_name(&mut self, t: &Token, context: &str) -> PResult<String> {
        match t.kind {
            TokenKind::String | TokenKind::RawString => {
                unquote(self.val(t)).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn template_control(&mut self, delim_start: usize) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let t = self.next_non_space();
        let name = self.parse_template_name(&t, CONTEXT)?;
        let mut pipe = None;
        let nt = self.next_non_space();
        if nt.kind != TokenKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, TokenKind::RightDelim)?);
        }
        let end = self.tok(self.idx.saturating_sub(1)).end;
        Ok(Node::Template(Box::new(TemplateCall {
            pos: t.start as u32,
            span: Span::new(delim_start, end),
            name,
            pipe,
        })))
    }

    fn block_control(&mut self, delim_start: usize) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let t = self.next_non_space();
        let name = self.parse_template_name(&t, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, TokenKind::RightDelim)?;
        let line_after_pipe = self.cur_line();
        self.enter()?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let saved_tables = std::mem::take(&mut self.t);
        let r = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_range;
        let tables = std::mem::replace(&mut self.t, saved_tables);
        self.leave();
        let (root, end) = r?;
        let end = match end {
            Terminator::End(e) => e,
            Terminator::Else(_) => {
                return Err(Error::parse(
                    &self.parse_name,
                    line_after_pipe,
                    format!("unexpected {{{{else}}}} in {CONTEXT}"),
                    None,
                ))
            }
        };
        self.add(ParsedTree {
            name: name.clone(),
            parse_name: self.parse_name.clone(),
            root,
            tables,
        })?;
        Ok(Node::Template(Box::new(TemplateCall {
            pos: t.start as u32,
            span: Span::new(delim_start, end),
            name,
            pipe: Some(pipe),
        })))
    }

    // ---- pipelines ---------------------------------------------------------------------

    /// Moves the expressions of `expr_stack` from `mark` on to the tree's table: a
    /// pipeline's nested pipelines are complete before it, so its own are contiguous.
    fn flush_exprs(&mut self, mark: usize) -> Run {
        let start = self.t.exprs.len();
        self.t.exprs.extend(self.expr_stack.drain(mark..));
        Run::new(start, self.t.exprs.len() - start)
    }

    /// [`Parser::flush_exprs`] for the commands of `cmd_stack`.
    fn flush_cmds(&mut self, mark: usize) -> Run {
        let start = self.t.cmds.len();
        self.t.cmds.extend(self.cmd_stack.drain(mark..));
        Run::new(start, self.t.cmds.len() - start)
    }

    fn pipeline(&mut self, context: &str, end: TokenKind) -> PResult<Pipe> {
        let first = self.peek_non_space();
        let mut pipe = Pipe {
            span: Span::new(first.start, first.start),
            is_assign: false,
            decl: Run::default(),
            cmds: Run::default(),
        };
        // Declarations.
        let decl_mark = self.expr_stack.len();
        loop {
            let v = self.peek_non_space();
            if v.kind != TokenKind::Variable {
                break;
            }
            let v_idx = self.idx;
            self.next();
            let next = self.peek_non_space();
            match next.kind {
                TokenKind::Assign | TokenKind::Declare => {
                    pipe.is_assign = next.kind == TokenKind::Assign;
                    self.next_non_space();
                    self.expr_stack.push(var_expr(&v, &mut self.t.names));
                    self.vars.push(self.val(&v));
                    break;
                }
                TokenKind::Char if self.val(&next) == "," => {
                    self.next_non_space();
                    self.expr_stack.push(var_expr(&v, &mut self.t.names));
                    self.vars.push(self.val(&v));
                    if context == "range" && self.expr_stack.len() - decl_mark < 2 {
                        match self.peek_non_space().kind {
                            TokenKind::Variable | TokenKind::RightDelim | TokenKind::RightParen => {
                                continue;
                            }
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    self.idx = v_idx;
                    break;
                }
            }
        }
        pipe.decl = self.flush_exprs(decl_mark);
        let cmd_mark = self.cmd_stack.len();
        loop {
            let t = self.next_non_space();
            if t.kind == end {
                pipe.span.set_end(t.start);
                pipe.cmds = self.flush_cmds(cmd_mark);
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match t.kind {
                TokenKind::Bool
                | TokenKind::CharConstant
                | TokenKind::Complex
                | TokenKind::Dot
                | TokenKind::Field
                | TokenKind::Identifier
                | TokenKind::Number
                | TokenKind::Nil
                | TokenKind::RawString
                | TokenKind::String
                | TokenKind::Variable
                | TokenKind::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    self.cmd_stack.push(c);
                    if self.cmd_stack.len() - cmd_mark > 100_000 {
                        return Err(self.errorf("pipeline too long"));
                    }
                }
                _ => return Err(self.unexpected(&t, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.of(&self.t.cmds).iter().enumerate().skip(1) {
            if let Some(a) = c.args.of(&self.t.exprs).first() {
                if matches!(
                    a.kind,
                    ExprKind::Bool(_)
                        | ExprKind::Dot
                        | ExprKind::Nil
                        | ExprKind::Number(_)
                        | ExprKind::String { .. }
                        | ExprKind::LongString
                ) {
                    return Err(self.errorf(format!(
                        "non executable command in pipeline stage {}",
                        i + 1
                    )));
                }
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space().start;
        let mut cmd = Command {
            span: Span::new(start, start),
            args: Run::default(),
        };
        let mark = self.expr_stack.len();
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.span.set_end(op.span.end());
                self.expr_stack.push(op);
            }
            let t = self.next();
            match t.kind {
                TokenKind::Space => continue,
                TokenKind::RightDelim | TokenKind::RightParen => self.backup(),
                TokenKind::Pipe => {}
                _ => return Err(self.unexpected(&t, "operand")),
            }
            break;
        }
        if self.expr_stack.len() == mark {
            return Err(self.errorf("empty command"));
        }
        cmd.args = self.flush_exprs(mark);
        Ok(cmd)
    }

    /// A field or variable term `first` and the fields that follow it (`.a.b.c`, `$x.a`):
    /// the names and the end (Go's position follows from the names, see [`Expr::pos`]).
    fn names_with_fields(&mut self, first: Name, t: &Token) -> (Names, usize) {
        let start = self.t.names.len();
        self.t.names.push(first);
        let mut end = t.end;
        while self.peek().kind == TokenKind::Field {
            let f = self.next();
            end = f.end;
            self.t.names.push(Name::new(f.start + 1, f.end));
        }
        (Names::new(start, self.t.names.len() - start), end)
    }

    fn operand(&mut self) -> PResult<Option<Expr>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != TokenKind::Field {
            return Ok(Some(node));
        }
        let start = self.t.names.len();
        let mut end = node.span.end();
        while self.peek().kind == TokenKind::Field {
            let f = self.next();
            end = f.end;
            self.t.names.push(Name::new(f.start + 1, f.end));
        }
        let fields = Names::new(start, self.t.names.len() - start);
        let span = Span::new(node.span.start(), end);
        let kind = match node.kind {
            // `term` took the fields that follow a field or a variable.
            ExprKind::Field(_) | ExprKind::Variable(_) => unreachable!("term took the fields"),
            ExprKind::Bool(_)
            | ExprKind::String { .. }
            | ExprKind::LongString
            | ExprKind::Number(_)
            | ExprKind::Nil
            | ExprKind::Dot => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::format::quote(&node.display(self.t.src(self.src)).to_string())
                )));
            }
            _ => {
                self.t.chains.push(Chain {
                    operand: node,
                    fields,
                });
                ExprKind::Chain((self.t.chains.len() - 1) as u32)
            }
        };
        Ok(Some(Expr { span, kind }))
    }

    fn term(&mut self) -> PResult<Option<Expr>> {
        let t = self.next_non_space();
        let val = self.val(&t);
        let span = Span::new(t.start, t.end);
        let e = |kind| Ok(Some(Expr { span, kind }));
        match t.kind {
            TokenKind::Identifier => {
                if !(self.is_func)(val) {
                    return Err(self.errorf_at(
                        format!("function {} not defined", crate::format::quote(val)),
                        span,
                    ));
                }
                e(ExprKind::Identifier(Name::new(t.start, t.end)))
            }
            TokenKind::Dot => e(ExprKind::Dot),
            TokenKind::Nil => e(ExprKind::Nil),
            TokenKind::Variable => {
                if !self.vars.contains(&val) {
                    return Err(self.errorf_at(
                        format!("undefined variable {}", crate::format::quote(val)),
                        span,
                    ));
                }
                let (ids, end) = self.names_with_fields(Name::new(t.start, t.end), &t);
                Ok(Some(Expr {
                    span: Span::new(t.start, end),
                    kind: ExprKind::Variable(ids),
                }))
            }
            TokenKind::Field => {
                let (ids, end) = self.names_with_fields(Name::new(t.start + 1, t.end), &t);
                Ok(Some(Expr {
                    span: Span::new(t.start, end),
                    kind: ExprKind::Field(ids),
                }))
            }
            TokenKind::Bool => e(ExprKind::Bool(val == "true")),
            TokenKind::CharConstant | TokenKind::Complex | TokenKind::Number => {
                let n = new_number(val, t.kind).map_err(|m| self.errorf_at(m, span))?;
                self.t.numbers.push(n);
                e(ExprKind::Number((self.t.numbers.len() - 1) as u32))
            }
            TokenKind::LeftParen => {
                self.enter()?;
                let r = self.pipeline("parenthesized pipeline", TokenKind::RightParen);
                self.leave();
                let p = r?;
                let end = self.tok(self.idx.saturating_sub(1)).end;
                Ok(Some(Expr {
                    span: Span::new(t.start, end),
                    kind: ExprKind::Pipe({
                        self.t.pipes.push(p);
                        (self.t.pipes.len() - 1) as u32
                    }),
                }))
            }
            TokenKind::String | TokenKind::RawString => {
                let s = unquote(val).map_err(|m| self.errorf_at(m, span))?;
                if s.len() >= LONG_LITERAL && val.get(1..val.len() - 1) == Some(s.as_str()) {
                    return e(ExprKind::LongString);
                }
                self.t.literals.push(s);
                e(ExprKind::String {
                    lit: (self.t.literals.len() - 1) as u32,
                })
            }
            _ => {
                self.backup();
                Ok(None)
            }
        }
    }
}

enum Item {
    Node(Node),
    End(usize),
    Else(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctl {
    If,
    Range,
    With,
}

impl Ctl {
    fn name(self) -> &'static str {
        match self {
            Ctl::If => "if",
            Ctl::Range => "range",
            Ctl::With => "with",
        }
    }
}

fn var_expr(t: &Token, names: &mut Vec<Name>) -> Expr {
    names.push(Name::new(t.start, t.end));
    Expr {
        span: Span::new(t.start, t.end),
        kind: ExprKind::Variable(Names::new(names.len() - 1, 1)),
    }
}

// ---- literals -------------------------------------------------------------------------

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` literals.
pub fn unquote(s: &str) -> Result<String, String> {
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SYNTAX.into());
    }
    let q = b[0];
    if q != b[b.len() - 1] {
        return Err(SYNTAX.into());
    }
    let inner = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if inner.contains('`') {
                return Err(SYNTAX.into());
            }
            if !inner.contains('\r') {
                return Ok(inner.to_string());
            }
            Ok(inner.replace('\r', ""))
        }
        // Most literals have no escapes: the text itself (a quote or a newline in it is the
        // syntax error below).
        b'"' if !inner.bytes().any(|c| matches!(c, b'\\' | b'"' | b'\n')) => Ok(inner.to_string()),
        b'"' => {
            let mut out = String::with_capacity(inner.len());
            let mut rest = inner;
            while !rest.is_empty() {
                if rest.starts_with('"') || rest.starts_with('\n') {
                    return Err(SYNTAX.into());
                }
                let (c, tail) = unquote_char(rest, '"')?;
                match c {
                    Unq::Char(c) => out.push(c),
                    Unq::Byte(b) => {
                        // Go strings may hold arbitrary bytes; we keep valid UTF-8 only.
                        out.push(
                            char::from_u32(b as u32)
                                .filter(|_| b < 0x80)
                                .unwrap_or('\u{FFFD}'),
                        )
                    }
                }
                rest = tail;
            }
            Ok(out)
        }
        _ => Err(SYNTAX.into()),
    }
}

enum Unq {
    Char(char),
    Byte(u8),
}

/// Go's `strconv.UnquoteChar`.
fn unquote_char(s: &str, quote: char) -> Result<(Unq, &str), String> {
    const SYNTAX: &str = "invalid syntax";
    let mut chars = s.chars();
    let c = chars.next().ok_or(SYNTAX)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(SYNTAX.into());
    }
    if c != '\\' {
        return Ok((Unq::Char(c), chars.as_str()));
    }
    let c = chars.next().ok_or(SYNTAX)?;
    let rest = chars.as_str();
    let simple = match c {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if c != quote {
                return Err(SYNTAX.into());
            }
            Some(c)
        }
        _ => None,
    };
    if let Some(ch) = simple {
        return Ok((Unq::Char(ch), rest));
    }
    match c {
        'x' | 'u' | 'U' => {
            let n = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            if rest.len() < n || !rest.is_char_boundary(n) {
                return Err(SYNTAX.into());
            }
            let v = u32::from_str_radix(&rest[..n], 16).map_err(|_| SYNTAX)?;
            if rest[..n].starts_with(['+', '-']) {
                return Err(SYNTAX.into());
            }
            if c == 'x' {
                return Ok((Unq::Byte(v as u8), &rest[n..]));
            }
            let ch = char::from_u32(v).ok_or(SYNTAX)?;
            Ok((Unq::Char(ch), &rest[n..]))
        }
        '0'..='7' => {
            if rest.len() < 2 || !rest.is_char_boundary(2) {
                return Err(SYNTAX.into());
            }
            let digits = format!("{c}{}", &rest[..2]);
            if !digits.bytes().all(|d| (b'0'..=b'7').contains(&d)) {
                return Err(SYNTAX.into());
            }
            let v = u32::from_str_radix(&digits, 8).map_err(|_| SYNTAX)?;
            if v > 255 {
                return Err(SYNTAX.into());
            }
            Ok((Unq::Byte(v as u8), &rest[2..]))
        }
        _ => Err(SYNTAX.into()),
    }
}

/// Go's `parse.newNumber`.
pub fn new_number(text: &str, kind: TokenKind) -> Result<Number, String> {
    let mut n = Number {
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int: 0,
        uint: 0,
        float: 0.0,
    };
    match kind {
        TokenKind::CharConstant => {
            let inner = &text[1..];
            let (c, tail) = unquote_char(inner, '\'')?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let r = match c {
                Unq::Char(c) => c as u32,
                Unq::Byte(b) => b as u32,
            };
            n.int = r as i64;
            n.uint = r as u64;
            n.float = r as f64;
            n.is_int = true;
            n.is_uint = true;
            n.is_float = true;
            return Ok(n);
        }
        TokenKind::Complex => {
            return Err(format!("complex constants are not supported: {text}"));
        }
        _ => {}
    }
    if text.ends_with('i') {
        return Err(format!("complex constants are not supported: {text}"));
    }
    // Most numbers in charts are short plain decimals (`8080`, `1`): no sign, base prefix,
    // underscore or leading zero, and at most 18 digits, so they fit every kind exactly; Go's
    // three parses (ParseUint, ParseInt, ParseFloat) agree on them.
    if let Some(v) = plain_decimal(text) {
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        n.int = v as i64;
        n.uint = v;
        n.float = v as f64;
        return Ok(n);
    }
    let u = parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = parse_int(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::format::quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if !n.is_int
            && f.fract() == 0.0
            && (-9.223372036854776e18..9.223372036854776e18).contains(&f)
        {
            n.is_int = true;
            n.int = f as i64;
        }
        if !n.is_uint && f.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&f) {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::format::quote(text)
        ));
    }
    Ok(n)
}

/// `text` as a decimal of 1 to 18 digits, without a leading zero unless it is `0`.
fn plain_decimal(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 18 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    b.iter().try_fold(0u64, |v, &c| {
        c.is_ascii_digit().then(|| v * 10 + u64::from(c - b'0'))
    })
}

/// Underscores are allowed only between digits or after a base prefix (Go's `underscoreOK`).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        i = 1;
    }
    let mut hex = false;
    if b.len() - i >= 2
        && b[i] == b'0'
        && matches!(b[i + 1].to_ascii_lowercase(), b'b' | b'o' | b'x')
    {
        hex = b[i + 1].eq_ignore_ascii_case(&b'x');
        i += 2;
        saw = b'0';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

fn split_base(s: &str) -> (u32, String, bool) {
    // returns base, digits (without prefix and underscores), had_prefix
    let lower = s.to_ascii_lowercase();
    if let Some(r) = lower.strip_prefix("0x") {
        (16, r.replace('_', ""), true)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.replace('_', ""), true)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.replace('_', ""), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].replace('_', ""), true)
    } else {
        (10, lower.replace('_', ""), false)
    }
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || s.starts_with(['+', '-']) {
        return None;
    }
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let (base, digits, prefix) = split_base(s);
    if s.contains('_') && !prefix && base == 10 {
        // fine: decimal with underscores is allowed in base 0
    }
    if digits.is_empty() {
        return if prefix && base == 8 && s.len() == 1 {
            Some(0)
        } else {
            None
        };
    }
    u64::from_str_radix(&digits, base).ok()
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = if let Some(r) = s.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = s.strip_prefix('+') {
        (false, r)
    } else {
        (false, s)
    };
    let u = parse_uint(body)?;
    if neg {
        if u <= 1u64 << 63 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// `strconv.ParseFloat(s, 64)` for the forms the lexer produces (decimal and hex floats).
pub fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean = s.replace('_', "");
    let (neg, body) = if let Some(r) = clean.strip_prefix('-') {
        (true, r.to_string())
    } else if let Some(r) = clean.strip_prefix('+') {
        (false, r.to_string())
    } else {
        (false, clean.clone())
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        parse_hex_float(h)?
    } else {
        if lower.is_empty()
            || !lower
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'+' || c == b'-')
            || lower.starts_with('e')
            || lower == "."
        {
            return None;
        }
        lower.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        // Go returns ±Inf with ErrRange; the parser then rejects it.
        return None;
    }
    Some(if neg { -v } else { v })
}

fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = match h.find('p') {
        Some(i) => (&h[..i], h[i + 1..].parse::<i32>().ok()?),
        None => (h, 0),
    };
    if mant.is_empty() || mant == "." {
        return None;
    }
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = 0f64;
    for c in ip.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in fp.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<String, String> {
        let f = |n: &str| matches!(n, "printf" | "len" | "and" | "or" | "not" | "eq");
        parse("t", s, &f, &ParseOptions::default())
            .map(|ts| ts.last().map(|t| t.root_string()).unwrap_or_default())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn basics() {
        assert_eq!(p("a{{.x.y}}b").unwrap(), "a{{.x.y}}b");
        assert_eq!(
            p("{{if .a}}x{{else if .b}}y{{else}}z{{end}}").unwrap(),
            "{{if .a}}x{{else}}{{if .b}}y{{else}}z{{end}}{{end}}"
        );
        assert_eq!(
            p("{{range $i, $v := .}}{{$v}}{{end}}").unwrap(),
            "{{range $i, $v := .}}{{$v}}{{end}}"
        );
        assert_eq!(
            p("{{ (printf \"%d\" 1).x }}").unwrap(),
            "{{(printf \"%d\" 1).x}}"
        );
        assert_eq!(
            p("{{foo}}").unwrap_err(),
            "template: t:1: function \"foo\" not defined"
        );
        assert_eq!(p("{{if .}}").unwrap_err(), "template: t:1: unexpected EOF");
        assert_eq!(
            p("{{ . }"),
            Err("template: t:1: unexpected \"}\" in operand".into())
        );
        assert_eq!(
            p("{{$x}}").unwrap_err(),
            "template: t:1: undefined variable \"$x\""
        );
        assert_eq!(
            p("{{break}}").unwrap_err(),
            "template: t:1: {{break}} outside {{range}}"
        );
    }

    #[test]
    fn numbers() {
        let n = new_number("0x1F", TokenKind::Number).unwrap();
        assert_eq!(n.int, 31);
        let n = new_number("1_000", TokenKind::Number).unwrap();
        assert_eq!(n.int, 1000);
        let n = new_number("1.0", TokenKind::Number).unwrap();
        assert!(n.is_int && n.is_float);
        let n = new_number("1.5", TokenKind::Number).unwrap();
        assert!(!n.is_int && n.is_float);
        let n = new_number("'a'", TokenKind::CharConstant).unwrap();
        assert_eq!(n.int, 97);
        let n = new_number("0x1p-2", TokenKind::Number).unwrap();
        assert_eq!(n.float, 0.25);
        let n = new_number("0o17", TokenKind::Number).unwrap();
        assert_eq!(n.int, 15);
        let n = new_number("017", TokenKind::Number).unwrap();
        assert_eq!(n.int, 15);
    }

    /// The short path for plain decimals gives what Go's three parses give, and takes no
    /// other text.
    #[test]
    fn plain_decimals_parse_as_the_general_path_does() {
        let mut texts: Vec<String> = (0..20_000u64).map(|v| v.to_string()).collect();
        for t in [
            "00",
            "01",
            "007",
            "0x1",
            "0b1",
            "0o7",
            "1_0",
            "-1",
            "+1",
            "1e3",
            "1.0",
            "1i",
            "",
            "999999999999999999",
            "1000000000000000000",
            "9223372036854775807",
            "18446744073709551615",
            "18446744073709551616",
            "12a",
            "١٢",
        ] {
            texts.push(t.to_string());
        }
        for t in &texts {
            match plain_decimal(t) {
                Some(v) => {
                    assert_eq!(parse_uint(t), Some(v), "{t}");
                    assert_eq!(parse_int(t), Some(v as i64), "{t}");
                    assert_eq!(parse_float(t), Some(v as f64), "{t}");
                    assert!(!t.starts_with('0') || t == "0", "{t}");
                }
                None => assert!(
                    t.len() > 18
                        || !t.bytes().all(|b| b.is_ascii_digit())
                        || t.starts_with('0')
                        || t.is_empty(),
                    "{t}"
                ),
            }
        }
    }
}
