//! A buffered channel filled past its capacity before anything could receive from it: made
//! here (`ch := make(chan T, 1)`, or a field of a struct made here, `c := &T{ch: make(chan T,
//! 1)}`), sent on more times than it holds by the statements that follow, before the channel
//! or its owner is handed to anyone. The send that does not fit waits for ever: no other code
//! has the channel, so nothing can ever receive from it.
//!
//! The sends counted are the statements of the block itself, in order, and the first sends of
//! a method of the owner called there (cockroach's `Compactor.Start`, which signals its channel
//! before it starts the worker that drains it). Counting stops at the first statement that
//! mentions the channel or its owner any other way.

use tree_sitter::Node;

use super::facts::FileFacts;
use super::{block_statements, chan_make, composite_literal_of, line_of, mentions, receiver_of};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Related, Severity};

/// A buffered channel made by a declaration of this function.
struct Made<'t> {
    /// The `:=` statement.
    declaration: Node<'t>,
    /// The variable: the channel, or the struct that holds it.
    name: String,
    /// The struct field holding the channel, and the struct's type.
    field: Option<(String, String)>,
    capacity: u64,
}

/// The findings in one declaration that makes a buffered channel.
pub fn check<'t>(
    decl: Node<'t>,
    source: &str,
    facts: &FileFacts<'t, '_>,
    findings: &mut Vec<Finding>,
) {
    let mut made = Vec::new();
    syntax::walk(decl, |n| {
        if n.kind() == "short_var_declaration" {
            made.extend(Made::of(n, source));
        }
        true
    });
    for m in made {
        findings.extend(judge(&m, source, facts));
    }
}

impl<'t> Made<'t> {
    fn of(declaration: Node<'t>, source: &str) -> Option<Made<'t>> {
        let left = declaration.field("left")?;
        let right = declaration.field("right")?;
        if left.named_child_count() != 1 || right.named_child_count() != 1 {
            return None;
        }
        let name = left.named_child(0).filter(|n| n.kind() == "identifier")?;
        let value = unparen(right.named_child(0)?);
        if let Some(capacity) = capacity(value, source) {
            return Some(Made {
                declaration,
                name: text(name, source).to_string(),
                field: None,
                capacity,
            });
        }
        // `&T{f: make(chan E, n)}` or `T{...}`.
        let literal = composite_literal_of(value)?;
        let ty = literal
            .field("type")
            .filter(|t| t.kind() == "type_identifier")?;
        let body = literal.field("body")?;
        let mut found = None;
        for element in body.named_children(&mut body.walk()) {
            if element.kind() != "keyed_element" {
                continue;
            }
            let (Some(key), Some(v)) = (element.named_child(0), element.named_child(1)) else {
                continue;
            };
            let v = unparen(
                v.named_child(0)
                    .filter(|_| v.kind() == "literal_element")
                    .unwrap_or(v),
            );
            let key = key
                .named_child(0)
                .filter(|_| key.kind() == "literal_element")
                .unwrap_or(key);
            if let Some(capacity) = capacity(v, source) {
                if found.is_some() {
                    return None; // two channels: one name would not tell them apart below
                }
                found = Some((text(key, source).to_string(), capacity));
            }
        }
        let (field, capacity) = found?;
        Some(Made {
            declaration,
            name: text(name, source).to_string(),
            field: Some((field, text(ty, source).to_string())),
            capacity,
        })
    }

    /// Whether `channel` (a send's) is this one, as named from `owner` (the variable, or a
    /// method's receiver).
    fn is_channel(&self, channel: Node, owner: &str, source: &str) -> bool {
        let channel = unparen(channel);
        match &self.field {
            None => channel.kind() == "identifier" && text(channel, source) == owner,
            Some((field, _)) => {
                channel.kind() == "selector_expression"
                    && channel.field("field").map(|f| text(f, source)) == Some(field.as_str())
                    && channel
                        .field("operand")
                        .map(unparen)
                        .is_some_and(|o| o.kind() == "identifier" && text(o, source) == owner)
            }
        }
    }

    fn spelled(&self) -> String {
        match &self.field {
            None => format!("`{}`", self.name),
            Some((field, _)) => format!("`{}.{field}`", self.name),
        }
    }
}

/// `make(chan T, n)` with `n` a decimal literal of at least 1.
fn capacity(value: Node, source: &str) -> Option<u64> {
    if chan_make(value, source)? {
        return None; // unbuffered: the `stuck` rule's
    }
    let n = value.field("arguments")?.named_child(1)?;
    (n.kind() == "int_literal")
        .then(|| text(n, source).parse::<u64>().ok())
        .flatten()
        .filter(|n| *n >= 1)
}

fn judge<'t>(m: &Made<'t>, source: &str, facts: &FileFacts<'t, '_>) -> Option<Finding> {
    let list = m.declaration.parent()?;
    let statements: Vec<Node> = list
        .named_children(&mut list.walk())
        .filter(|c| c.kind() != "comment")
        .skip_while(|s| *s != m.declaration)
        .skip(1)
        .collect();
    let mut sends: Vec<Node> = Vec::new();
    for s in statements {
        if s.kind() == "send_statement" {
            let channel = s.field("channel")?;
            let value = s.field("value")?;
            if !m.is_channel(channel, &m.name, source) || mentions(value, &m.name, source) {
                return None;
            }
            if sends.len() as u64 == m.capacity {
                return Some(full(m, s, None, &sends));
            }
            sends.push(s);
            continue;
        }
        if !mentions(s, &m.name, source) {
            continue;
        }
        // A method of the owner, called on it: its first sends count too; then nothing is
        // known (it may start the receiver).
        let (call, method) = owner_call(m, s, source, facts)?;
        let (receiver, _) = receiver_of(method, source)?;
        for t in block_statements(method.field("body")?) {
            if t.kind() == "send_statement" && m.is_channel(t.field("channel")?, &receiver, source)
            {
                if mentions(t.field("value")?, &receiver, source) {
                    return None;
                }
                if sends.len() as u64 == m.capacity {
                    return Some(full(m, call, Some(t), &sends));
                }
                sends.push(t);
            } else if mentions(t, &receiver, source) {
                return None;
            }
        }
        return None;
    }
    None
}

/// `x.m(...)` as a statement, with `m` a method of `x`'s type and `x` in no argument.
fn owner_call<'t>(
    m: &Made,
    s: Node<'t>,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<(Node<'t>, Node<'t>)> {
    let (_, ty) = m.field.as_ref()?;
    let call = s
        .named_child(0)
        .filter(|c| s.kind() == "expression_statement" && c.kind() == "call_expression")?;
    let function = call.field("function")?;
    let operand = function.field("operand").map(unparen)?;
    if function.kind() != "selector_expression"
        || operand.kind() != "identifier"
        || text(operand, source) != m.name
        || mentions(call.field("arguments")?, &m.name, source)
    {
        return None;
    }
    let method = facts.method_of(ty, text(function.field("field")?, source))?;
    Some((call, method))
}

fn full(m: &Made, at: Node, in_callee: Option<Node>, sends: &[Node]) -> Finding {
    let lines: Vec<String> = sends.iter().map(|s| line_of(*s).to_string()).collect();
    let held = format!(
        "{} (capacity {}, made at line {}) is already full (the {} at line{} {}) and nothing can \
         receive from it yet: no other code has been handed it",
        m.spelled(),
        m.capacity,
        line_of(m.declaration),
        if sends.len() == 1 { "send" } else { "sends" },
        if sends.len() == 1 { "" } else { "s" },
        lines.join(", ")
    );
    let (message, related) = match in_callee {
        None => (
            format!(
                "this send waits for ever: {held}; the goroutine and everything it references \
                 stay in memory"
            ),
            vec![],
        ),
        Some(send) => (
            format!(
                "this send, through this call, waits for ever: the method sends on the \
                 channel first (line {}), and {held}; the goroutine and everything it \
                 references stay in memory",
                line_of(send)
            ),
            vec![Related {
                path: None,
                range: send.byte_range(),
                message: "the send that does not fit".to_string(),
            }],
        ),
    };
    Finding {
        range: at.byte_range(),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message,
        related,
        fixes: vec![],
    }
}
