//! The parse tree: Go's `text/template/parse` nodes, each with a span.
//!
//! Every node has `span` (the byte range it covers in the source, for editors) and `pos`, the
//! byte offset Go reports in error messages (Go's `Node.Position()`, which for a field chain
//! such as `.Values.a.b` is the offset of the second field).

use std::fmt;
use std::rc::Rc;

/// A byte range in the template source. 32-bit, as in every node (the parser refuses a text
/// of 4 GiB or more).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    pub(crate) fn set_end(&mut self, end: usize) {
        self.end = end as u32;
    }
}

/// An identifier, field or variable name: where it is in the tree's source ([`Tree::text`]).
/// Trees hold no string of their own per name (a large chart has tens of thousands of them);
/// 32-bit offsets, since the parser refuses a text of 4 GiB or more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Name {
    start: u32,
    end: u32,
}

impl Name {
    /// The name at `range` of the source (the parser checked that the text fits in `u32`).
    pub(crate) fn new(start: usize, end: usize) -> Name {
        Name {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The name's text in `src`, the source of the tree it belongs to.
    pub fn get<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// `len` entries from `start` of one of a tree's tables: the names of a field chain or a
/// variable ([`Tree::names`]), the arguments of a command and the declarations of a pipeline
/// ([`Tree::exprs`]), the commands of a pipeline ([`Tree::cmds`]). One table per tree rather
/// than an allocation per chain, command and pipeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Run {
    start: u32,
    len: u32,
}

/// The names of a field chain or a variable (`.a.b`, `$x.a`) in [`Tree::names`].
pub type Names = Run;

impl Run {
    /// Entries `start..start + len` of a table.
    pub(crate) fn new(start: usize, len: usize) -> Run {
        Run {
            start: start as u32,
            len: len as u32,
        }
    }

    /// The entries, from `table` (the tree's table this run indexes).
    pub fn of<'a, T>(&self, table: &'a [T]) -> &'a [T] {
        table
            .get(self.start as usize..self.start as usize + self.len as usize)
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What a node needs to print itself: the tree's source text and tables.
#[derive(Clone, Copy)]
pub struct Src<'a> {
    pub text: &'a str,
    pub names: &'a [Name],
    pub exprs: &'a [Expr],
    pub cmds: &'a [Command],
    pub pipes: &'a [Pipe],
    pub chains: &'a [Chain],
}

/// One parsed template: the body of a file, a `define` or a `block`.
#[derive(Debug)]
pub struct Tree {
    /// The template's name (`define "name"`, or the file's name).
    pub name: String,
    /// The name of the top-level template being parsed when this tree was made (the file).
    pub parse_name: String,
    /// The whole source text the tree was parsed from.
    pub text: Rc<str>,
    pub root: List,
    /// The values of the tree's string literals ([`ExprKind::String`]'s `lit` indexes it).
    pub literals: Box<[Rc<str>]>,
    /// The bytes of the tree's text nodes, in branches and loop bodies too: about what an
    /// execution writes (the room its output buffer starts with).
    pub text_bytes: usize,
    /// The names of the tree's field chains and variables ([`Names`] index it).
    pub names: Box<[Name]>,
    /// The arguments of the tree's commands and the declarations of its pipelines.
    pub exprs: Box<[Expr]>,
    /// The commands of the tree's pipelines.
    pub cmds: Box<[Command]>,
    /// The tree's numeric constants ([`ExprKind::Number`] indexes it).
    pub numbers: Box<[Number]>,
    /// The tree's parenthesized pipelines ([`ExprKind::Pipe`] indexes it).
    pub pipes: Box<[Pipe]>,
    /// The tree's chained operands ([`ExprKind::Chain`] indexes it).
    pub chains: Box<[Chain]>,
}

/// A [`Tree`] before it is given its source text: what the parser makes. It holds nothing
/// shared, so a host can parse on several threads and install the trees on one
/// ([`crate::Templates::add_parsed`]).
#[derive(Debug)]
pub struct ParsedTree {
    pub name: String,
    pub parse_name: String,
    pub root: List,
    pub(crate) tables: Tables,
}

/// A tree's tables as the parser fills them (see [`Tree`]; a `define` or `block` body
/// starts its own).
#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub literals: Vec<String>,
    pub names: Vec<Name>,
    pub exprs: Vec<Expr>,
    pub cmds: Vec<Command>,
    pub numbers: Vec<Number>,
    pub pipes: Vec<Pipe>,
    pub chains: Vec<Chain>,
}

impl Tables {
    /// What a node of these tables needs to print itself, `text` being their source.
    pub fn src<'a>(&'a self, text: &'a str) -> Src<'a> {
        Src {
            text,
            names: &self.names,
            exprs: &self.exprs,
            cmds: &self.cmds,
            pipes: &self.pipes,
            chains: &self.chains,
        }
    }
}

impl ParsedTree {
    /// The tree of `text`, the source this tree was parsed from.
    pub fn attach(self, text: Rc<str>) -> Tree {
        self.attach_with(text, Rc::from)
    }

    /// [`ParsedTree::attach`], with the string literals' values shared through `interned`
    /// (a chart repeats a few hundred literals thousands of times: template names, keys).
    pub fn attach_interned(
        self,
        text: Rc<str>,
        interned: &mut std::collections::HashSet<Rc<str>, impl std::hash::BuildHasher>,
    ) -> Tree {
        self.attach_with(text, |s| match interned.get(s.as_str()) {
            Some(rc) => rc.clone(),
            None => {
                let rc: Rc<str> = Rc::from(s);
                interned.insert(rc.clone());
                rc
            }
        })
    }

    /// The tree of `text`, each string literal's value made by `literal`.
    fn attach_with(self, text: Rc<str>, literal: impl FnMut(String) -> Rc<str>) -> Tree {
        let t = self.tables;
        Tree {
            text_bytes: text_bytes(&self.root),
            name: self.name,
            parse_name: self.parse_name,
            text,
            root: self.root,
            literals: t.literals.into_iter().map(literal).collect(),
            names: t.names.into_boxed_slice(),
            exprs: t.exprs.into_boxed_slice(),
            cmds: t.cmds.into_boxed_slice(),
            numbers: t.numbers.into_boxed_slice(),
            pipes: t.pipes.into_boxed_slice(),
            chains: t.chains.into_boxed_slice(),
        }
    }
}

/// See [`Tree::text_bytes`].
fn text_bytes(list: &List) -> usize {
    let branch = |b: &Branch| text_bytes(&b.list) + b.else_list.as_ref().map_or(0, text_bytes);
    list.nodes
        .iter()
        .map(|n| match n {
            Node::Text { span } => span.range().len(),
            Node::If(b) | Node::Range(b) | Node::With(b) => branch(b),
            _ => 0,
        })
        .sum()
}

impl Tree {
    /// Go's `parse.IsEmptyTree` of the root.
    pub fn is_empty(&self) -> bool {
        self.root.is_empty_tree(&self.text)
    }

    /// Go's `String()` of the tree's body.
    pub fn root_string(&self) -> String {
        self.root.display(self.src()).to_string()
    }

    /// The tree's source text and name table, for printing its nodes.
    pub fn src(&self) -> Src<'_> {
        Src {
            text: &self.text,
            names: &self.names,
            exprs: &self.exprs,
            cmds: &self.cmds,
            pipes: &self.pipes,
            chains: &self.chains,
        }
    }
}

/// A sequence of nodes.
#[derive(Debug, Default)]
pub struct List {
    pub nodes: Box<[Node]>,
    pub span: Span,
}

impl List {
    /// `src`: the text of the tree the list belongs to.
    pub fn is_empty_tree(&self, src: &str) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Text { span } => src[span.range()]
                .trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
                .is_empty(),
            _ => false,
        })
    }
}

/// An element of a list.
#[derive(Debug)]
pub enum Node {
    /// Text between actions: the bytes `span` of the tree's source ([`Tree::text`]).
    Text {
        span: Span,
    },
    Action(Box<Action>),
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    Template(Box<TemplateCall>),
    Break {
        span: Span,
    },
    Continue {
        span: Span,
    },
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text { span } | Node::Break { span } | Node::Continue { span } => *span,
            Node::Action(a) => a.span,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.span,
            Node::Template(t) => t.span,
        }
    }

    /// Go's `Node.Position()`.
    pub fn pos(&self) -> usize {
        match self {
            Node::Text { span } | Node::Break { span } | Node::Continue { span } => span.start(),
            Node::Action(a) => a.pos as usize,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.span.start(),
            Node::Template(t) => t.pos as usize,
        }
    }
}

/// `{{pipeline}}`
#[derive(Debug)]
pub struct Action {
    pub pos: u32,
    pub span: Span,
    pub pipe: Pipe,
}

/// `if`, `range`, `with`.
#[derive(Debug)]
pub struct Branch {
    pub span: Span,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// `{{template "name" pipeline}}` (also what `block` leaves in place).
#[derive(Debug)]
pub struct TemplateCall {
    pub pos: u32,
    pub span: Span,
    pub name: String,
    pub pipe: Option<Pipe>,
}

/// A pipeline with optional declarations: `$x := a | b c`.
#[derive(Debug)]
pub struct Pipe {
    /// Its start is Go's position of the pipeline.
    pub span: Span,
    pub is_assign: bool,
    /// The declared variables, in [`Tree::exprs`].
    pub decl: Run,
    /// The commands, in [`Tree::cmds`].
    pub cmds: Run,
}

/// One command of a pipeline: operands separated by spaces.
#[derive(Debug)]
pub struct Command {
    /// Its start is Go's position of the command.
    pub span: Span,
    /// The operands, in [`Tree::exprs`].
    pub args: Run,
}

/// An operand. 20 bytes, 32-bit aligned: what a node does not hold inline (numbers,
/// parenthesized pipelines, chains) is in one of its tree's tables, indexed by `u32`, and Go's
/// position is worked out from the span and names ([`Expr::pos`]) (a large chart has tens of
/// thousands of operands).
#[derive(Debug)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Debug)]
pub enum ExprKind {
    /// A function name.
    Identifier(Name),
    /// `$`, `$x`, `$x.a.b` (the first element includes the `$`).
    Variable(Names),
    Dot,
    Nil,
    /// `.a.b` (identifiers without dots).
    Field(Names),
    /// `(pipe).a.b`, `fn.a`: the operand and the fields, in [`Tree::chains`].
    Chain(u32),
    Bool(bool),
    /// A numeric constant, in [`Tree::numbers`]; its text is the expression's span.
    Number(u32),
    /// A string literal: its value is the tree's `literals[lit]`; its source text (for
    /// messages) is the expression's span.
    String {
        lit: u32,
    },
    /// A long string literal with no escapes: its value is its source text between the
    /// quotes, not a copy in [`Tree::literals`] (a chart's dashboards are such literals, a
    /// third of its template text; see [`LONG_LITERAL`]).
    LongString,
    /// A parenthesized pipeline, in [`Tree::pipes`].
    Pipe(u32),
}

/// The length from which a string literal whose value is its own source text is left there
/// ([`ExprKind::LongString`]). Shorter ones are shared through [`Tree::literals`]: a chart
/// repeats them (template names, keys), and each use takes no copy.
pub const LONG_LITERAL: usize = 64;

impl Expr {
    /// Go's `Node.Position()`: the start, but for a field chain the second field's (`.a.b`,
    /// `$x.a`) and for a chain its first field's (`(pipe).a`); `src` holds the tree's names.
    pub fn pos(&self, src: Src<'_>) -> usize {
        // Each field's name starts after its dot, where Go's position is.
        let field = |n: Option<&Name>| n.map(|n| n.start as usize - 1);
        let pos = match self.kind {
            ExprKind::Variable(ids) | ExprKind::Field(ids) => field(ids.of(src.names).get(1)),
            ExprKind::Chain(i) => src
                .chain(i)
                .and_then(|c| field(c.fields.of(src.names).first())),
            _ => None,
        };
        pos.unwrap_or(self.span.start())
    }

    /// The value of a string literal [`ExprKind::LongString`] in `text`, its tree's source.
    pub fn long_string<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.span.start() + 1..self.span.end().saturating_sub(1))
            .unwrap_or_default()
    }
}

/// `(pipe).a.b`, `fn.a`: an operand followed by fields.
#[derive(Debug)]
pub struct Chain {
    pub operand: Expr,
    pub fields: Names,
}

impl<'a> Src<'a> {
    /// The parenthesized pipeline `i` ([`ExprKind::Pipe`]).
    pub fn pipe(&self, i: u32) -> Option<&'a Pipe> {
        self.pipes.get(i as usize)
    }

    /// The chain `i` ([`ExprKind::Chain`]).
    pub fn chain(&self, i: u32) -> Option<&'a Chain> {
        self.chains.get(i as usize)
    }
}

/// A numeric constant with Go's flags: which Go types it can represent exactly. Its text is
/// the expression's span.
#[derive(Debug, Clone)]
pub struct Number {
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
}

// ---- Go's String() forms, used in error messages ---------------------------------------

impl fmt::Display for WithSource<'_, Expr> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let src = self.src;
        match &self.node.kind {
            ExprKind::Identifier(s) => f.write_str(s.get(src.text)),
            ExprKind::Variable(ids) => {
                for (i, id) in ids.of(src.names).iter().enumerate() {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(id.get(src.text))?;
                }
                Ok(())
            }
            ExprKind::Dot => f.write_str("."),
            ExprKind::Nil => f.write_str("nil"),
            ExprKind::Field(ids) => {
                for id in ids.of(src.names) {
                    write!(f, ".{}", id.get(src.text))?;
                }
                Ok(())
            }
            ExprKind::Chain(i) => {
                let Some(chain) = src.chain(*i) else {
                    return Ok(());
                };
                let node = &chain.operand;
                if let ExprKind::Pipe(p) = node.kind {
                    if let Some(p) = src.pipe(p) {
                        write!(f, "({})", p.display(src))?;
                    }
                } else {
                    write!(f, "{}", node.display(src))?;
                }
                for id in chain.fields.of(src.names) {
                    write!(f, ".{}", id.get(src.text))?;
                }
                Ok(())
            }
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Number(_) | ExprKind::String { .. } | ExprKind::LongString => {
                f.write_str(src.text.get(self.node.span.range()).unwrap_or_default())
            }
            ExprKind::Pipe(p) => match src.pipe(*p) {
                Some(p) => write!(f, "{}", p.display(src)),
                None => Ok(()),
            },
        }
    }
}

impl fmt::Display for WithSource<'_, Command> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.node.args.of(self.src.exprs).iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let ExprKind::Pipe(p) = a.kind {
                if let Some(p) = self.src.pipe(p) {
                    write!(f, "({})", p.display(self.src))?;
                }
            } else {
                write!(f, "{}", a.display(self.src))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for WithSource<'_, Pipe> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pipe = self.node;
        if !pipe.decl.is_empty() {
            for (i, v) in pipe.decl.of(self.src.exprs).iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", v.display(self.src))?;
            }
            f.write_str(if pipe.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in pipe.cmds.of(self.src.cmds).iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{}", c.display(self.src))?;
        }
        Ok(())
    }
}

/// A list or node with the source its text nodes are in: Go's `String()` form.
pub struct WithSource<'a, T> {
    node: &'a T,
    src: Src<'a>,
}

/// `display(src)` for each node type: Go's `String()`, `src` being the text of the tree the
/// node belongs to.
macro_rules! display_with_source {
    ($($t:ty),*) => {$(
        impl $t {
            /// Go's `String()`; `src` is the text of the tree this belongs to.
            pub fn display<'a>(&'a self, src: Src<'a>) -> WithSource<'a, $t> {
                WithSource { node: self, src }
            }
        }
    )*};
}

display_with_source!(List, Node, Expr, Command, Pipe);

impl fmt::Display for WithSource<'_, List> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.node.nodes {
            write!(f, "{}", n.display(self.src))?;
        }
        Ok(())
    }
}

impl fmt::Display for WithSource<'_, Node> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let src = self.src;
        match self.node {
            Node::Text { span } => f.write_str(src.text.get(span.range()).unwrap_or_default()),
            Node::Action(a) => write!(f, "{{{{{}}}}}", a.pipe.display(src)),
            Node::If(b) => write_branch(f, "if", b, src),
            Node::Range(b) => write_branch(f, "range", b, src),
            Node::With(b) => write_branch(f, "with", b, src),
            Node::Template(t) => match &t.pipe {
                None => write!(f, "{{{{template {}}}}}", crate::format::quote(&t.name)),
                Some(p) => write!(
                    f,
                    "{{{{template {} {}}}}}",
                    crate::format::quote(&t.name),
                    p.display(src)
                ),
            },
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}

fn write_branch(f: &mut fmt::Formatter<'_>, name: &str, b: &Branch, src: Src<'_>) -> fmt::Result {
    write!(
        f,
        "{{{{{name} {}}}}}{}",
        b.pipe.display(src),
        b.list.display(src)
    )?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{}", e.display(src))?;
    }
    f.write_str("{{end}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large chart's trees hold tens of thousands of operands: what one costs is kept.
    #[test]
    fn operands_stay_small() {
        assert_eq!(std::mem::size_of::<ExprKind>(), 12);
        assert_eq!(std::mem::size_of::<Expr>(), 20);
        assert_eq!(std::mem::size_of::<Command>(), 16);
        assert_eq!(std::mem::size_of::<Action>(), 40);
    }

    /// Go's positions of operands (`Node.Position()`), which error messages carry: the start,
    /// but a field chain's second field and a chain's first field.
    #[test]
    fn operand_positions_are_gos() {
        let text = "{{ .a.b }}{{ .c }}{{ $x := 1 }}{{ $x.d.e }}{{ $x }}{{ (.f).g.h }}{{ \"s\" }}";
        let f = |_: &str| false;
        let trees = crate::parser::parse("t", text, &f, &Default::default()).unwrap();
        let tree = trees.last().unwrap();
        let src = tree.src();
        // The commands in table order: the parenthesized `.f` before the chain it is in.
        let positions: Vec<usize> = tree
            .cmds
            .iter()
            .map(|c| c.args.of(&tree.exprs)[0].pos(src))
            .collect();
        let at = |s: &str| text.find(s).unwrap();
        assert_eq!(
            positions,
            [
                at(".b"),
                at(".c"),
                at("1 }"),
                at(".d"),
                at("$x }"),
                at(".f)"),
                at(".g"),
                at("\"s")
            ]
        );
    }
}
