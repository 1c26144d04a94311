//! The validator: santhosh-tekuri/jsonschema v6 `validator.go`, keyword by keyword and in its
//! order, over the schema document itself (no separate compiled form).
//!
//! Where the Go library iterates a Go map (object properties, `patternProperties`,
//! `dependentSchemas`, ...), its error order is random from run to run; Hookline uses the
//! sorted order, which is one of the orders Helm prints.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use gotemplate::{Map, MapRef, Value};

use super::formats;
use super::number::Dec;
use super::output::{quote, Kind, VError};

/// Schema nesting beyond this is reported instead of recursing (a `$ref` chain that never
/// reaches a value keeps the stack bounded).
const MAX_DEPTH: usize = 400;

pub struct Validator<'a> {
    root: &'a Value,
    /// 4, 6, 7, 2019 or 2020.
    pub draft: u32,
    anchors: HashMap<String, Value>,
    /// Active (schema, value depth) pairs, for `$ref` cycles (validator.go `checkCycle`).
    active: Vec<(usize, usize)>,
    /// The fragment of the `$ref` being followed (for the cycle message).
    following: String,
}

/// Properties and items not yet evaluated (`uneval`); `None` when not tracked.
#[derive(Clone, Debug, Default)]
pub struct Uneval {
    props: Option<BTreeSet<String>>,
    items: Option<BTreeSet<usize>>,
}

impl Uneval {
    fn of(v: &Value, track: bool) -> Uneval {
        if !track {
            return Uneval::default();
        }
        match v {
            Value::Map(m) => Uneval {
                props: Some(m.borrow().keys().cloned().collect()),
                items: None,
            },
            Value::List(l) => Uneval {
                props: None,
                items: Some((0..l.len()).collect()),
            },
            _ => Uneval::default(),
        }
    }

    /// `uneval.merge`: what a passing subschema evaluated counts as evaluated here.
    fn merge(&mut self, other: &Uneval) {
        if let Some(p) = &mut self.props {
            match &other.props {
                Some(o) => p.retain(|k| o.contains(k)),
                None => p.clear(),
            }
        }
        if let Some(i) = &mut self.items {
            match &other.items {
                Some(o) => i.retain(|k| o.contains(k)),
                None => i.clear(),
            }
        }
    }
}

type Res = Result<Uneval, VError>;

fn get<'m>(m: &'m Map, k: &str) -> Option<&'m Value> {
    m.get(k)
}

fn as_usize(v: Option<&Value>) -> Option<usize> {
    match v? {
        Value::Int(i) | Value::Int64(i) if *i >= 0 => Some(*i as usize),
        Value::Float(f) if *f >= 0.0 && f.fract() == 0.0 => Some(*f as usize),
        _ => None,
    }
}

/// The names of `reqd` (a schema's string list) that `obj` lacks, in `reqd`'s order
/// (validator.go `findMissing`).
fn missing(obj: &Map, reqd: Option<&Value>) -> Vec<String> {
    strings(reqd)
        .into_iter()
        .filter(|p| !obj.contains_key(p))
        .collect()
}

fn as_dec(v: Option<&Value>) -> Option<Dec> {
    Dec::from_value(v?)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::List(l)) => l
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// schema.go `typeOf`.
pub fn type_of(v: &Value) -> Result<&'static str, &'static str> {
    Ok(match v {
        Value::Nil => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Bytes(_) => return Err("[]uint8"),
        _ => return Err("interface {}"),
    })
}

const TYPE_ORDER: [&str; 7] = [
    "null", "boolean", "number", "integer", "string", "array", "object",
];

fn is_integer(v: &Value) -> bool {
    Dec::from_value(v).is_some_and(|d| d.is_integer())
}

/// util.go `equals`.
pub fn equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equals(v, w)))
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| equals(v, w))
        }
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        _ => match (Dec::from_value(a), Dec::from_value(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// kind.go `display`, for enum and const values.
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::List(_) | Value::Map(_) => "value".into(),
        Value::Nil => "<nil>".into(),
        other => gotemplate::format::format_value(other),
    }
}

fn is_primitive(v: &Value) -> bool {
    !matches!(v, Value::List(_) | Value::Map(_))
}

/// The draft a root schema's `$schema` names (draft.go `draftFromURL`); `None` for a URL
/// the library would try to load as a custom metaschema.
pub fn draft_of(root: &Value) -> Option<u32> {
    let Value::Map(m) = root else {
        return Some(2020);
    };
    let Some(Value::String(url)) = m.borrow().get("$schema").cloned() else {
        return Some(2020);
    };
    let (u, frag) = url.split_once('#').unwrap_or((&url, ""));
    if !frag.is_empty() {
        return None;
    }
    let u = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"))
        .unwrap_or(u);
    match u {
        "json-schema.org/schema" | "json-schema.org/draft/2020-12/schema" => Some(2020),
        "json-schema.org/draft/2019-09/schema" => Some(2019),
        "json-schema.org/draft-07/schema" => Some(7),
        "json-schema.org/draft-06/schema" => Some(6),
        "json-schema.org/draft-04/schema" => Some(4),
        _ => None,
    }
}

impl<'a> Validator<'a> {
    pub fn new(root: &'a Value, draft: u32) -> Validator<'a> {
        let mut anchors = HashMap::new();
        collect_anchors(root, draft, &mut anchors, 0);
        Validator {
            root,
            draft,
            anchors,
            active: Vec::new(),
            following: String::new(),
        }
    }

    fn track(&self) -> bool {
        self.draft >= 2019
    }

    /// Validate `v` at `at` against `sch` (validator.go `validate`).
    pub fn validate(&mut self, sch: &Value, v: &Value, at: &mut Vec<String>) -> Res {
        let m: MapRef = match sch {
            Value::Bool(true) => return Ok(Uneval::of(v, self.track())),
            Value::Bool(false) => return Err(VError::new(at, Kind::FalseSchema)),
            Value::Map(m) => m.clone(),
            _ => return Ok(Uneval::of(v, self.track())),
        };
        let key = Rc::as_ptr(&m) as *const () as usize;
        let depth = at.len();
        for &(k, d) in self.active.iter().rev() {
            if d != depth {
                break;
            }
            if k == key {
                return Err(VError::new(at, Kind::RefCycle(self.following.clone())));
            }
        }
        if self.active.len() >= MAX_DEPTH {
            return Err(VError::new(at, Kind::RefCycle(self.following.clone())));
        }
        self.active.push((key, depth));
        let r = self.validate_map(&m.borrow(), v, at);
        self.active.pop();
        r
    }

    fn validate_map(&mut self, s: &Map, v: &Value, at: &mut Vec<String>) -> Res {
        let t = match type_of(v) {
            Ok(t) => t,
            Err(go_type) => return Err(VError::new(at, Kind::InvalidJsonValue(go_type))),
        };
        let old_ref = self.draft < 2019 && get(s, "$ref").is_some();

        // type --
        if !old_ref {
            let mut types: Vec<&'static str> = Vec::new();
            match get(s, "type") {
                Some(Value::String(x)) => types.extend(TYPE_ORDER.iter().filter(|t| **t == &**x)),
                Some(Value::List(l)) => {
                    for t in TYPE_ORDER {
                        if l.iter().any(|x| matches!(x, Value::String(s) if &**s == t)) {
                            types.push(t);
                        }
                    }
                }
                _ => {}
            }
            if !types.is_empty() {
                let ok = types.contains(&t)
                    || (types.contains(&"integer") && t == "number" && is_integer(v));
                if !ok {
                    return Err(VError::new(
                        at,
                        Kind::Type {
                            got: t,
                            want: types,
                        },
                    ));
                }
            }
        }

        // const --
        if self.draft >= 6 {
            if let Some(c) = s.get("const") {
                if !equals(v, c) {
                    let want = is_primitive(c).then(|| display(c));
                    return Err(VError::new(at, Kind::Const { want }));
                }
            }
        }

        if !old_ref {
            // enum --
            if let Some(Value::List(items)) = get(s, "enum") {
                let types: Vec<&str> = items.iter().filter_map(|i| type_of(i).ok()).collect();
                let matched = types.contains(&t) && items.iter().any(|i| equals(v, i));
                if !matched {
                    let want = items
                        .iter()
                        .all(is_primitive)
                        .then(|| items.iter().map(display).collect());
                    return Err(VError::new(at, Kind::Enum { want }));
                }
            }

            // format (asserted by default only before draft 2019: objcompiler.go assertFormat) --
            if self.draft < 2019 {
                if let (Some(Value::String(f)), Value::String(sv)) = (get(s, "format"), v) {
                    if let Some(err) = formats::check(f, sv) {
                        return Err(VError::new(
                            at,
                            Kind::Format {
                                got: display(v),
                                want: f.to_string(),
                                err,
                            },
                        ));
                    }
                }
            }
        }

        let mut errors: Vec<VError> = Vec::new();
        let mut uneval = Uneval::of(v, self.track());

        // $ref --
        if let Some(Value::String(r)) = get(s, "$ref") {
            let res = self.validate_ref(r, v, at);
            if self.draft < 2019 {
                return res.map(|_| uneval);
            }
            match res {
                Ok(u) => uneval.merge(&u),
                Err(e) => errors.push(e),
            }
        }

        match v {
            Value::Map(obj) => self.obj_validate(s, obj, at, &mut errors, &mut uneval),
            Value::List(arr) => self.arr_validate(s, arr, at, &mut errors, &mut uneval),
            Value::String(st) => self.str_validate(s, st, at, &mut errors),
            Value::Int(_) | Value::Int64(_) | Value::Float(_) => {
                self.num_validate(s, v, at, &mut errors)
            }
            _ => {}
        }

        if self.draft >= 2019 {
            for kw in ["$recursiveRef", "$dynamicRef"] {
                if let Some(Value::String(r)) = get(s, kw) {
                    match self.validate_ref(r, v, at) {
                        Ok(u) => uneval.merge(&u),
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
        self.cond_validate(s, v, at, &mut errors, &mut uneval);
        if self.draft >= 2019 {
            self.uneval_validate(s, v, at, &mut errors, &mut uneval);
        }

        match errors.len() {
            0 => Ok(uneval),
            1 => Err(errors.pop().expect("one error")),
            _ => {
                let mut g = VError::new(at, Kind::Group);
                g.causes = errors;
                Err(g)
            }
        }
    }

    /// `validateSelf`: another schema on the same value.
    fn validate_self(&mut self, sch: &Value, v: &Value, at: &mut Vec<String>) -> Res {
        self.validate(sch, v, at)
    }

    /// `validateVal`: a schema on a child value.
    fn validate_val(&mut self, sch: &Value, v: &Value, at: &mut Vec<String>, tok: String) -> Res {
        at.push(tok);
        let r = self.validate(sch, v, at);
        at.pop();
        r
    }

    fn validate_ref(&mut self, r: &str, v: &Value, at: &mut Vec<String>) -> Res {
        let target = match self.resolve(r) {
            Some(t) => t,
            None => {
                return Err(VError::new(
                    at,
                    Kind::Format {
                        got: quote(r),
                        want: "$ref".into(),
                        err: "Hookline resolves only references inside values.schema.json".into(),
                    },
                ))
            }
        };
        self.following = r
            .trim_start_matches(super::SCHEMA_URL)
            .trim_start_matches('#')
            .to_string();
        match self.validate_self(&target, v, at) {
            Ok(u) => Ok(u),
            Err(e) => {
                let mut refe = VError::new(at, Kind::Reference);
                if e.kind == Kind::Group {
                    refe.causes = e.causes;
                } else {
                    refe.causes.push(e);
                }
                Err(refe)
            }
        }
    }

    /// A `$ref` inside this document: `#`, a JSON pointer `#/...`, or an anchor `#name`.
    fn resolve(&self, r: &str) -> Option<Value> {
        // Helm's urnLoader: an unresolved URN is a permissive `true` schema.
        if r.starts_with("urn:") {
            return Some(Value::Bool(true));
        }
        let frag = r.strip_prefix('#').or_else(|| {
            // A reference to the document itself by its own name.
            r.strip_prefix(super::SCHEMA_URL)
                .or_else(|| r.strip_prefix("values.schema.json"))
                .map(|f| f.strip_prefix('#').unwrap_or(f))
        })?;
        let frag = percent_decode(frag)?;
        if frag.is_empty() {
            return Some(self.root.clone());
        }
        if let Some(ptr) = frag.strip_prefix('/') {
            let mut cur = self.root.clone();
            for tok in ptr.split('/') {
                let tok = tok.replace("~1", "/").replace("~0", "~");
                cur = match &cur {
                    Value::Map(m) => m.borrow().get(&tok)?.clone(),
                    Value::List(l) => l.get(tok.parse::<usize>().ok()?)?.clone(),
                    _ => return None,
                };
            }
            return Some(cur);
        }
        self.anchors.get(&frag).cloned()
    }

    fn obj_validate(
        &mut self,
        s: &Map,
        obj: &MapRef,
        at: &mut Vec<String>,
        errors: &mut Vec<VError>,
        uneval: &mut Uneval,
    ) {
        // The object itself, for the subschemas that see it whole (`dependencies`,
        // `dependentSchemas`).
        let whole = &Value::Map(obj.clone());
        let obj = obj.borrow().clone();
        if let Some(n) = as_usize(get(s, "minProperties")) {
            if obj.len() < n {
                errors.push(VError::new(at, Kind::MinProperties(obj.len(), n)));
            }
        }
        if let Some(n) = as_usize(get(s, "maxProperties")) {
            if obj.len() > n {
                errors.push(VError::new(at, Kind::MaxProperties(obj.len(), n)));
            }
        }
        let absent = missing(&obj, get(s, "required"));
        if !absent.is_empty() {
            errors.push(VError::new(at, Kind::Required(absent)));
        }

        if self.draft < 2019 {
            if let Some(Value::Map(deps)) = get(s, "dependencies") {
                let deps = deps.borrow().clone();
                for (pname, dep) in &deps {
                    if !obj.contains_key(pname) {
                        continue;
                    }
                    match dep {
                        Value::List(_) => dependency(&obj, pname, Some(dep), at, errors),
                        sch => {
                            if let Err(e) = self.validate_self(sch, whole, at) {
                                errors.push(e);
                            }
                        }
                    }
                }
            }
        }

        let props = match get(s, "properties") {
            Some(Value::Map(p)) => p.borrow().clone(),
            _ => Map::new(),
        };
        let patterns: Vec<(String, Value)> = match get(s, "patternProperties") {
            Some(Value::Map(p)) => p
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let additional = get(s, "additionalProperties").cloned();
        let mut not_allowed = Vec::new();
        for (pname, pvalue) in &obj {
            let mut evaluated = false;
            if let Some(sch) = props.get(pname) {
                evaluated = true;
                if let Err(e) = self.validate_val(sch, pvalue, at, pname.clone()) {
                    errors.push(e);
                }
            }
            for (pat, sch) in &patterns {
                if crate::funcs::regex::is_match(pat, pname).unwrap_or(false) {
                    evaluated = true;
                    if let Err(e) = self.validate_val(sch, pvalue, at, pname.clone()) {
                        errors.push(e);
                    }
                }
            }
            if !evaluated {
                match &additional {
                    Some(Value::Bool(false)) => {
                        evaluated = true;
                        not_allowed.push(pname.clone());
                    }
                    Some(Value::Bool(true)) => evaluated = true,
                    Some(sch @ Value::Map(_)) => {
                        evaluated = true;
                        if let Err(e) = self.validate_val(sch, pvalue, at, pname.clone()) {
                            errors.push(e);
                        }
                    }
                    _ => {}
                }
            }
            if evaluated {
                if let Some(p) = &mut uneval.props {
                    p.remove(pname);
                }
            }
        }
        if !not_allowed.is_empty() {
            errors.push(VError::new(at, Kind::AdditionalProperties(not_allowed)));
        }

        if self.draft == 4 {
            return;
        }
        if let Some(sch) = get(s, "propertyNames") {
            for pname in obj.keys() {
                let mut inner = Vec::new();
                if let Err(e) = self.validate(sch, &Value::from(pname.as_str()), &mut inner) {
                    // The library validates the name as a document of its own and relabels
                    // the error, so its location is the name's (`''`), not the object's.
                    let mut pe = VError::new(&[], Kind::PropertyNames(pname.clone()));
                    pe.causes = if e.kind == Kind::Group {
                        e.causes
                    } else {
                        vec![e]
                    };
                    errors.push(pe);
                }
            }
        }
        if self.draft < 2019 {
            return;
        }
        if let Some(Value::Map(ds)) = get(s, "dependentSchemas") {
            let ds = ds.borrow().clone();
            for (pname, sch) in &ds {
                if obj.contains_key(pname) {
                    match self.validate_self(sch, whole, at) {
                        Ok(u) => uneval.merge(&u),
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
        if let Some(Value::Map(dr)) = get(s, "dependentRequired") {
            let dr = dr.borrow().clone();
            for (pname, reqd) in &dr {
                if obj.contains_key(pname) {
                    dependency(&obj, pname, Some(reqd), at, errors);
                }
            }
        }
    }

    fn arr_validate(
        &mut self,
        s: &Map,
        arr: &Rc<Vec<Value>>,
        at: &mut Vec<String>,
        errors: &mut Vec<VError>,
        uneval: &mut Uneval,
    ) {
        if let Some(n) = as_usize(get(s, "minItems")) {
            if arr.len() < n {
                errors.push(VError::new(at, Kind::MinItems(arr.len(), n)));
            }
        }
        if let Some(n) = as_usize(get(s, "maxItems")) {
            if arr.len() > n {
                errors.push(VError::new(at, Kind::MaxItems(arr.len(), n)));
            }
        }
        if matches!(get(s, "uniqueItems"), Some(Value::Bool(true))) && arr.len() > 1 {
            'dup: for i in 1..arr.len() {
                for j in 0..i {
                    if equals(&arr[i], &arr[j]) {
                        errors.push(VError::new(at, Kind::UniqueItems(j, i)));
                        break 'dup;
                    }
                }
            }
        }
        let mut evaluate = |this: &mut Self, sch: &Value, idx: usize, tok: usize| {
            if let Some(items) = &mut uneval.items {
                items.remove(&idx);
            }
            if let Err(e) = this.validate_val(sch, &arr[idx], at, tok.to_string()) {
                errors.push(e);
            }
        };
        // The library names items after the first `evaluated` by their index in the rest of
        // the array (validator.go `arrValidate`: `range arr[evaluated:]`); so does Hookline.
        if self.draft < 2020 {
            match get(s, "items") {
                Some(Value::List(items)) => {
                    let evaluated = items.len().min(arr.len());
                    for i in 0..evaluated {
                        evaluate(self, &items[i], i, i);
                    }
                    match get(s, "additionalItems") {
                        Some(Value::Bool(false)) if evaluated != arr.len() => errors.push(
                            VError::new(at, Kind::AdditionalItems(arr.len() - evaluated)),
                        ),
                        Some(Value::Bool(_)) | None => {}
                        Some(sch) => {
                            for i in evaluated..arr.len() {
                                evaluate(self, sch, i, i - evaluated);
                            }
                        }
                    }
                }
                Some(sch) => {
                    for i in 0..arr.len() {
                        evaluate(self, sch, i, i);
                    }
                }
                None => {}
            }
        } else {
            let prefix = match get(s, "prefixItems") {
                Some(Value::List(p)) => p.clone(),
                _ => Rc::new(Vec::new()),
            };
            let evaluated = prefix.len().min(arr.len());
            for i in 0..evaluated {
                evaluate(self, &prefix[i], i, i);
            }
            if let Some(sch) = get(s, "items") {
                for i in evaluated..arr.len() {
                    evaluate(self, sch, i, i - evaluated);
                }
            }
        }
        if self.draft >= 6 {
            if let Some(sch) = get(s, "contains") {
                let mut errs = Vec::new();
                let mut matched = Vec::new();
                for (i, item) in arr.iter().enumerate() {
                    match self.validate_val(sch, item, at, i.to_string()) {
                        Ok(_) => {
                            matched.push(i);
                            if self.draft >= 2020 {
                                if let Some(items) = &mut uneval.items {
                                    items.remove(&i);
                                }
                            }
                        }
                        Err(e) => errs.push(e),
                    }
                }
                let min = if self.draft >= 2019 {
                    as_usize(get(s, "minContains"))
                } else {
                    None
                };
                let max = if self.draft >= 2019 {
                    as_usize(get(s, "maxContains"))
                } else {
                    None
                };
                if let Some(min) = min {
                    if matched.len() < min {
                        let mut e = VError::new(at, Kind::MinContains(matched.clone(), min));
                        e.causes = errs;
                        errors.push(e);
                    }
                } else if matched.is_empty() {
                    let mut e = VError::new(at, Kind::Contains);
                    e.causes = errs;
                    errors.push(e);
                }
                if let Some(max) = max {
                    if matched.len() > max {
                        errors.push(VError::new(at, Kind::MaxContains(matched, max)));
                    }
                }
            }
        }
    }

    fn str_validate(&mut self, s: &Map, st: &str, at: &[String], errors: &mut Vec<VError>) {
        let len = st.chars().count();
        if let Some(n) = as_usize(get(s, "minLength")) {
            if len < n {
                errors.push(VError::new(at, Kind::MinLength(len, n)));
            }
        }
        if let Some(n) = as_usize(get(s, "maxLength")) {
            if len > n {
                errors.push(VError::new(at, Kind::MaxLength(len, n)));
            }
        }
        if let Some(Value::String(p)) = get(s, "pattern") {
            if let Ok(matched) = crate::funcs::regex::is_match(p, st) {
                if !matched {
                    errors.push(VError::new(
                        at,
                        Kind::Pattern {
                            got: st.to_string(),
                            want: p.to_string(),
                        },
                    ));
                }
            }
        }
    }

    fn num_validate(&mut self, s: &Map, v: &Value, at: &[String], errors: &mut Vec<VError>) {
        let Some(num) = Dec::from_value(v) else {
            return;
        };
        let g = num.go_string();
        let mut minimum = as_dec(get(s, "minimum"));
        let mut maximum = as_dec(get(s, "maximum"));
        let (mut xmin, mut xmax) = (None, None);
        // Draft 4's boolean exclusiveMinimum/Maximum turn minimum/maximum exclusive
        // (objcompiler.go compileDraft4).
        match get(s, "exclusiveMaximum") {
            Some(Value::Bool(true)) => xmax = maximum.take(),
            other => xmax = xmax.or(as_dec(other)),
        }
        match get(s, "exclusiveMinimum") {
            Some(Value::Bool(true)) => xmin = minimum.take(),
            other => xmin = xmin.or(as_dec(other)),
        }
        if let Some(w) = minimum {
            if num < w {
                errors.push(VError::new(at, Kind::Minimum(g.clone(), w.go_string())));
            }
        }
        if let Some(w) = maximum {
            if num > w {
                errors.push(VError::new(at, Kind::Maximum(g.clone(), w.go_string())));
            }
        }
        if let Some(w) = xmin {
            if num <= w {
                errors.push(VError::new(
                    at,
                    Kind::ExclusiveMinimum(g.clone(), w.go_string()),
                ));
            }
        }
        if let Some(w) = xmax {
            if num >= w {
                errors.push(VError::new(
                    at,
                    Kind::ExclusiveMaximum(g.clone(), w.go_string()),
                ));
            }
        }
        if let Some(w) = as_dec(get(s, "multipleOf")) {
            if !num.is_multiple_of(&w) {
                errors.push(VError::new(at, Kind::MultipleOf(g, w.go_string())));
            }
        }
    }

    fn cond_validate(
        &mut self,
        s: &Map,
        v: &Value,
        at: &mut Vec<String>,
        errors: &mut Vec<VError>,
        uneval: &mut Uneval,
    ) {
        if let Some(sch) = get(s, "not") {
            if self.validate_self(sch, v, at).is_ok() {
                errors.push(VError::new(at, Kind::Not));
            }
        }
        if let Some(Value::List(all)) = get(s, "allOf") {
            let mut errs = Vec::new();
            for sch in all.iter() {
                match self.validate_self(sch, v, at) {
                    Ok(u) => uneval.merge(&u),
                    Err(e) => errs.push(e),
                }
            }
            if !errs.is_empty() {
                let mut e = VError::new(at, Kind::AllOf);
                e.causes = errs;
                errors.push(e);
            }
        }
        if let Some(Value::List(any)) = get(s, "anyOf") {
            let mut errs = Vec::new();
            let mut matched = false;
            for sch in any.iter() {
                match self.validate_self(sch, v, at) {
                    Ok(u) => {
                        matched = true;
                        uneval.merge(&u);
                    }
                    Err(e) => errs.push(e),
                }
            }
            if !matched {
                let mut e = VError::new(at, Kind::AnyOf);
                e.causes = errs;
                errors.push(e);
            }
        }
        if let Some(Value::List(one)) = get(s, "oneOf") {
            let mut errs = Vec::new();
            let mut matched: Option<usize> = None;
            for (i, sch) in one.iter().enumerate() {
                match self.validate_self(sch, v, at) {
                    Ok(u) => match matched {
                        None => {
                            matched = Some(i);
                            uneval.merge(&u);
                        }
                        Some(first) => {
                            errors.push(VError::new(at, Kind::OneOf(Some((first, i)))));
                            break;
                        }
                    },
                    Err(e) => {
                        if matched.is_none() {
                            errs.push(e)
                        }
                    }
                }
            }
            if matched.is_none() {
                let mut e = VError::new(at, Kind::OneOf(None));
                e.causes = errs;
                errors.push(e);
            }
        }
        if self.draft >= 7 {
            if let Some(cond) = get(s, "if") {
                let then = get(s, "then");
                let els = get(s, "else");
                match self.validate_self(cond, v, at) {
                    Ok(u) => {
                        uneval.merge(&u);
                        if let Some(t) = then.filter(|_| !matches!(cond, Value::Bool(false))) {
                            match self.validate_self(t, v, at) {
                                Ok(u) => uneval.merge(&u),
                                Err(e) => errors.push(e),
                            }
                        }
                    }
                    Err(_) => {
                        if let Some(e) = els.filter(|_| !matches!(cond, Value::Bool(true))) {
                            match self.validate_self(e, v, at) {
                                Ok(u) => uneval.merge(&u),
                                Err(e) => errors.push(e),
                            }
                        }
                    }
                }
            }
        }
    }

    fn uneval_validate(
        &mut self,
        s: &Map,
        v: &Value,
        at: &mut Vec<String>,
        errors: &mut Vec<VError>,
        uneval: &mut Uneval,
    ) {
        if let (Value::Map(obj), Some(sch)) = (v, get(s, "unevaluatedProperties")) {
            let obj = obj.borrow().clone();
            for pname in uneval.props.take().unwrap_or_default() {
                if let Some(pv) = obj.get(&pname) {
                    if let Err(e) = self.validate_val(sch, pv, at, pname.clone()) {
                        errors.push(e);
                    }
                }
            }
            uneval.props = Some(BTreeSet::new());
        }
        if let (Value::List(arr), Some(sch)) = (v, get(s, "unevaluatedItems")) {
            for i in uneval.items.take().unwrap_or_default() {
                if let Some(item) = arr.get(i) {
                    if let Err(e) = self.validate_val(sch, item, at, i.to_string()) {
                        errors.push(e);
                    }
                }
            }
            uneval.items = Some(BTreeSet::new());
        }
    }
}

/// `properties ... required, if ... exists` when `obj` lacks some of `reqd`.
fn dependency(
    obj: &Map,
    prop: &str,
    reqd: Option<&Value>,
    at: &[String],
    errors: &mut Vec<VError>,
) {
    let absent = missing(obj, reqd);
    if !absent.is_empty() {
        errors.push(VError::new(
            at,
            Kind::Dependency {
                prop: prop.to_string(),
                missing: absent,
            },
        ));
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Named anchors: `$anchor` (2019+), or an `$id`/`id` that is only a fragment (draft 4-7).
fn collect_anchors(v: &Value, draft: u32, out: &mut HashMap<String, Value>, depth: usize) {
    if depth > 200 {
        return;
    }
    match v {
        Value::Map(m) => {
            let m = m.borrow();
            let name = if draft >= 2019 {
                match m.get("$anchor").or_else(|| m.get("$dynamicAnchor")) {
                    Some(Value::String(a)) => Some(a.to_string()),
                    _ => None,
                }
            } else {
                let id = if draft == 4 { "id" } else { "$id" };
                match m.get(id) {
                    Some(Value::String(a)) => a.strip_prefix('#').map(str::to_string),
                    _ => None,
                }
            };
            if let Some(n) = name {
                out.entry(n).or_insert_with(|| v.clone());
            }
            for (k, child) in m.iter() {
                // `enum`/`const`/`default`/`examples` hold data, not schemas.
                if !matches!(k.as_str(), "enum" | "const" | "default" | "examples") {
                    collect_anchors(child, draft, out, depth + 1);
                }
            }
        }
        Value::List(l) => {
            for child in l.iter() {
                collect_anchors(child, draft, out, depth + 1);
            }
        }
        _ => {}
    }
}
