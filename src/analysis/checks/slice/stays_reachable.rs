//! What makes a dropped slot harmless: it was cleared, it is still in use, or it is about to be
//! overwritten.

use tree_sitter::Node;

use super::shapes::{is_slice_of, named_children, norm, Form, Reslice};
use super::Checker;
use crate::analysis::summary::{Callee, UseKind};
use crate::analysis::syntax::{self, text, unparen, Fields};

impl<'a, 't> Checker<'a, 't> {
    /// True when the function clears the slots the statement drops: before it (on an earlier
    /// line, or on earlier passes of a loop: `r[i] = nil` for each `i`, then `r = r[n:]`), or in
    /// a closure of the function; after it for a removal with append, which leaves its stale
    /// slot at the new length. A clear of another slot does not count: `x[i] = nil` before
    /// `copy(x[i:], x[i+1:])` leaves the last slot holding a stale copy.
    pub(super) fn already_cleared(&self, r: &Reslice) -> bool {
        let names = self.names(r);
        let at = r.statement.start_byte();
        let mut cleared = false;
        self.clears(
            self.decl,
            &names,
            r.statement,
            &mut |site, slot, in_closure| {
                let placed = match r.form {
                    Form::Middle { .. } => site.start_byte() > r.statement.end_byte(),
                    _ => site.end_byte() <= at,
                };
                let covers = self.covers_dropped(slot, site, r) || in_finished_loop(site, at);
                if (placed || in_closure) && covers {
                    cleared = true;
                }
            },
        );
        cleared
    }

    /// Calls `found(site, slot, in_closure)` for each statement in `node` that clears elements
    /// of the slice: `x[k] = nil` (or `x[k].f = nil`) with the slot's index `k`, and
    /// `clear(x[...])` or a helper named for it (`clearInstrs(x[n:])`) with none.
    fn clears(
        &self,
        node: Node<'t>,
        names: &[String],
        func_scope: Node,
        found: &mut dyn FnMut(Node<'t>, Option<Node<'t>>, bool),
    ) {
        let source = self.source;
        for &n in &self.assignments {
            let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                continue;
            };
            let lefts = named_children(left);
            let rights = named_children(right);
            for (l, v) in lefts.iter().zip(rights.iter()) {
                // `x[n].f = nil` clears a field of the dropped element.
                let mut l = unparen(*l);
                while l.kind() == "selector_expression" {
                    match l.field("operand") {
                        Some(o) => l = unparen(o),
                        None => break,
                    }
                }
                if l.kind() == "index_expression"
                    && l.field("operand")
                        .is_some_and(|o| is_slice_of(o, names, source))
                    && self.is_zero_value(*v, func_scope)
                {
                    found(n, l.field("index"), in_closure(n, node));
                }
            }
        }
        // `clear(x[n:])`, or a helper named for it: `clearInstrs(x[n:])`.
        for &n in &self.clear_calls {
            let arg = n.field("arguments").and_then(|a| a.named_child(0));
            if arg.is_some_and(|a| is_slice_of(a, names, source)) {
                found(n, None, in_closure(n, node));
            }
        }
    }

    /// Whether a clear of `slot` (`None`: a range, as `clear` takes) at `site` covers the
    /// slots `r` drops: the first for a pop from the front, the new length's for a shrink, and
    /// any slot for an index that a loop runs through.
    fn covers_dropped(&self, slot: Option<Node<'t>>, site: Node<'t>, r: &Reslice) -> bool {
        let source = self.source;
        let Some(slot) = slot else {
            return true;
        };
        if self.is_loop_variable(slot, site) || self.is_literal_parameter(slot, site) {
            return true;
        }
        let k = norm(slot, source);
        match r.form {
            Form::Front { start } => k == "0" || k == format!("{}-1", norm(start, source)),
            Form::Back { end } => {
                let end_text = norm(end, source);
                k == end_text
                    || (self.is_last_slot(end, r)
                        && self.names(r).iter().any(|n| k == format!("len({n})-1")))
            }
            Form::Middle { .. } => true,
        }
    }

    /// `i` in `x[i] = nil` is a parameter of a function literal around `site`: a helper that
    /// moves or takes the element at any index and clears its slot
    /// (`take := func(i int) { out = append(out, x[i]); x[i] = T{} }`), called for each slot
    /// the function drops.
    fn is_literal_parameter(&self, index: Node<'t>, site: Node<'t>) -> bool {
        self.literal_with_parameter(index)
            .is_some_and(|l| l.byte_range().contains(&site.start_byte()))
    }

    /// Where the variable `n` names (through parentheses) is declared in the declaration
    /// checked; `None` for anything else, or a name declared outside it.
    pub(super) fn declaration_of(&self, n: Node<'t>) -> Option<Node<'t>> {
        let n = unparen(n);
        if n.kind() != "identifier" {
            return None;
        }
        syntax::declaration_in_scope(n, self.decl, self.source)
    }

    /// The function literal of which `n` names a parameter.
    pub(super) fn literal_with_parameter(&self, n: Node<'t>) -> Option<Node<'t>> {
        self.declaration_of(n)?
            .parent()
            .filter(|p| p.kind() == "parameter_declaration")?
            .parent()?
            .parent()
            .filter(|f| f.kind() == "func_literal")
    }

    /// `i` in `x[i] = nil` is declared by a loop around `site` (`for i := range x`): the loop
    /// clears every slot it runs through.
    fn is_loop_variable(&self, index: Node<'t>, site: Node<'t>) -> bool {
        let index = unparen(index);
        let Some(declaration) = self.declaration_of(index) else {
            return false;
        };
        // range_clause → for_statement; short_var_declaration → for_clause → for_statement.
        let Some(statement) = declaration.parent().and_then(|list| list.parent()) else {
            return false;
        };
        let loop_stmt = match statement.kind() {
            "range_clause" => statement.parent(),
            "short_var_declaration" => statement
                .parent()
                .filter(|c| c.kind() == "for_clause")
                .and_then(|c| c.parent()),
            _ => None,
        };
        if loop_stmt.is_some_and(|l| {
            l.kind() == "for_statement" && l.byte_range().contains(&site.start_byte())
        }) {
            return true;
        }
        // `i := 0; for ; i < len(x); i++ { ...; x[i] = nil }`: declared before, counted by the loop.
        let name = text(index, self.source);
        let mut cur = site.parent();
        while let Some(n) = cur {
            if n.kind() == "for_statement" {
                let mut cursor = n.walk();
                let counts = n
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "for_clause")
                    .filter_map(|c| c.field("update"))
                    .any(|u| syntax::identifiers_named(u, self.source, name).len() == 1);
                if counts {
                    return true;
                }
            }
            if n == self.decl {
                break;
            }
            cur = n.parent();
        }
        false
    }

    /// A pop of a stack used as a bracket: the function is `pop...`, and every function of
    /// the package that calls it also calls a `push...` (`pushPos(p); defer popPos()`). The
    /// stack goes back to its depth within that call, and the next push takes the slot.
    pub(super) fn pops_a_bracket(&self, r: &Reslice) -> bool {
        if !self.is_pop(r) {
            return false;
        }
        let Some(func) = self.decl_name() else {
            return false;
        };
        if !func.to_ascii_lowercase().starts_with("pop") {
            return false;
        }
        let mut callers = 0;
        for file in self.module.index.package_files(self.module.package_path) {
            for (_, _, decl) in file.summary.iter() {
                let calls = |wanted: &dyn Fn(&str) -> bool| {
                    decl.calls.iter().any(|c| match &c.callee {
                        Callee::Method(name) => wanted(name),
                        Callee::Function(name) => name.package.is_none() && wanted(&name.name),
                    })
                };
                if !calls(&|n| n == func) {
                    continue;
                }
                if !calls(&|n| n.to_ascii_lowercase().starts_with("push")) {
                    return false;
                }
                callers += 1;
            }
        }
        callers > 0
    }

    /// A pop whose element moves to another list in the same block
    /// (`dead = append(dead, b)` where `b` is `x[0]`): it is still reachable from there, so the
    /// stale slot keeps nothing alive that would otherwise be freed.
    pub(super) fn moves_element(&self, r: &Reslice) -> bool {
        if !self.is_pop(r) {
            return false;
        }
        let source = self.source;
        let names = self.names(r);
        let target = norm(r.target, source);
        let is_dropped_slot = |n: Node| {
            let n = unparen(n);
            n.kind() == "index_expression"
                && n.field("operand")
                    .is_some_and(|o| names.contains(&norm(o, source)))
        };
        // Names for the dropped element: assigned from its slot, or compared with it in a
        // condition around the statement (`if b == x[0] {`).
        let mut aliases: Vec<String> = Vec::new();
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if n.kind() == "if_statement" {
                if let Some(c) = n.field("condition") {
                    syntax::walk(c, |e| {
                        if e.kind() == "binary_expression"
                            && e.field("operator")
                                .is_some_and(|op| text(op, source) == "==")
                        {
                            let (l, rr) = (e.field("left"), e.field("right"));
                            if let (Some(l), Some(rr)) = (l, rr) {
                                if is_dropped_slot(rr) {
                                    aliases.push(norm(l, source));
                                } else if is_dropped_slot(l) {
                                    aliases.push(norm(rr, source));
                                }
                            }
                        }
                        true
                    });
                }
            }
            if syntax::is_function(n.kind()) {
                break;
            }
            cur = n.parent();
        }
        let mut prev = r.statement.prev_named_sibling();
        while let Some(statement) = prev {
            if statement.kind() == "short_var_declaration"
                || statement.kind() == "assignment_statement"
            {
                let (left, right) = (statement.field("left"), statement.field("right"));
                if let (Some(left), Some(right)) = (left, right) {
                    for (l, v) in named_children(left)
                        .iter()
                        .zip(named_children(right).iter())
                    {
                        if is_dropped_slot(*v) {
                            aliases.push(norm(*l, source));
                        }
                        // `Y = append(Y, e)` with `e` the element, `Y` another list.
                        let appended = unparen(*v).kind() == "call_expression"
                            && unparen(*v)
                                .field("function")
                                .is_some_and(|f| text(f, source) == "append")
                            && norm(*l, source) != target;
                        if appended {
                            let args = unparen(*v).field("arguments").map(named_children);
                            let moves = args.is_some_and(|a| {
                                a.iter().skip(1).any(|e| {
                                    is_dropped_slot(*e) || aliases.contains(&norm(*e, source))
                                })
                            });
                            if moves {
                                return true;
                            }
                        }
                    }
                }
            }
            prev = statement.prev_named_sibling();
        }
        false
    }

    /// `x = x[:0]` on a buffer the file appends to elsewhere: emptied to be filled again, and
    /// the refill takes the slots (a reused buffer, not a leak).
    pub(super) fn reused_buffer(&self, r: &Reslice) -> bool {
        let Form::Back { end } = r.form else {
            return false;
        };
        if norm(end, self.source) != "0" {
            return false;
        }
        self.appended_elsewhere(r, &|_| true)
    }

    /// A removal that leaves stale copies (from the middle, or by moving elements down) in a
    /// list the code appends to, in this function or another of the file: the next append takes
    /// the stale slot, and until then it duplicates an element that is still in the list.
    pub(super) fn stale_copy_overwritten(&self, r: &Reslice, moved: bool) -> bool {
        if !moved && !matches!(r.form, Form::Middle { .. }) {
            return false;
        }
        let source = self.source;
        let target = norm(r.target, source);
        let appends_here = self
            .assignments
            .iter()
            .any(|&n| n != r.statement && assigns_an_append(n, &target, source));
        appends_here || self.appended_elsewhere(r, &|_| true)
    }

    /// A drop from the front of a list that nothing in the file appends to: a cursor over what
    /// the owner was given when it was made (the files a reader reads in turn). It only
    /// shrinks, and is done when it is empty; nothing repeats.
    pub(super) fn consumes_fixed_input(&self, r: &Reslice) -> bool {
        if !matches!(r.form, Form::Front { .. }) {
            return false;
        }
        let source = self.source;
        let target = norm(r.target, source);
        let appends_here = self
            .assignments
            .iter()
            .any(|&n| assigns_an_append(n, &target, source));
        !appends_here && !self.appended_elsewhere(r, &|_| true)
    }

    /// A pop in the same function as an append to the slice: it undoes that append (the
    /// element goes back to the caller, to be retried), or a later one refills the slot.
    pub(super) fn pops_an_append(&self, r: &Reslice) -> bool {
        if !matches!(r.form, Form::Back { .. }) || !self.is_pop(r) {
            return false;
        }
        let source = self.source;
        let target = norm(r.target, source);
        let func = syntax::enclosing_function(r.statement).unwrap_or(self.decl);
        let within = func.byte_range();
        self.assignments
            .iter()
            .any(|&n| within.contains(&n.start_byte()) && appends_to(n, &target, source))
    }

    /// A pop that takes the element in a function that lends it (`borrow`, `acquire`, `get`,
    /// `take`), from a list the file's `release`/`put`/`return` function appends to: a pool,
    /// whose elements come back.
    pub(super) fn lends_from_pool(&self, r: &Reslice) -> bool {
        if !self.is_pop(r) {
            return false;
        }
        let lends = self.decl_name().is_some_and(|f| {
            let f = f.to_ascii_lowercase();
            ["borrow", "acquire", "get", "take", "checkout"]
                .iter()
                .any(|w| f.starts_with(w))
        });
        lends
            && self.appended_elsewhere(r, &|f| {
                let f = f.to_ascii_lowercase();
                [
                    "release", "put", "return", "recycle", "free", "giveback", "checkin",
                ]
                .iter()
                .any(|w| f.starts_with(w))
            })
    }

    /// The `Pop` method of a `container/heap` implementation that nothing in its package or the
    /// packages importing it calls without pushing in the same function: neither `heap.Pop`
    /// nor `heap.Remove` (which call it) nor a `Pop()` call. The heap's entries are never
    /// popped for good: the method's stale slot is refilled before the call that popped ends,
    /// or never holds anything.
    pub(super) fn heap_never_popped_for_good(&self) -> bool {
        if self.decl_name() != Some("Pop") || self.decl.kind() != "method_declaration" {
            return false;
        }
        let files = self.module.index.package_files(self.module.package_path);
        // A heap: the receiver's type has the other methods of heap.Interface.
        let receiver = self
            .decl
            .field("receiver")
            .and_then(|r| r.named_child(0))
            .and_then(|p| p.field("type"))
            .map(|t| text(t, self.source).trim_start_matches('*').to_string());
        let has = |method: &str| {
            files.iter().any(|f| {
                f.summary.iter().any(|(_, _, d)| {
                    d.methods
                        .iter()
                        .any(|m| m.name == method && Some(&m.receiver_type) == receiver.as_ref())
                })
            })
        };
        if !(has("Less") && has("Swap") && has("Push")) {
            return false;
        }
        // The heap may be popped by the packages that use it.
        let mut callers = files.clone();
        callers.extend(self.module.index.importers_of(self.module.package_path));
        // A pop that is followed by a push in the same function leaves no stale slot once the
        // call is over: the push appends into the slot the pop freed (a weighted round robin
        // pops the next handler and pushes it back).
        let popped_for_good = callers.iter().any(|f| {
            let heap: Vec<&str> = f.summary.local_names_of("container/heap").collect();
            let calls = |d: &crate::analysis::summary::DeclSummary, names: &[&str]| {
                d.calls.iter().any(|c| match &c.callee {
                    Callee::Method(name) => names[0] == name,
                    Callee::Function(name) => {
                        names.contains(&name.name.as_str())
                            && name.package.as_deref().is_some_and(|p| heap.contains(&p))
                    }
                })
            };
            f.summary
                .iter()
                .any(|(_, _, d)| calls(d, &["Pop", "Remove"]) && !calls(d, &["Push"]))
        });
        !popped_for_good
    }

    /// A pop from the front (`x[1:]`) or the back (`x[:len(x)-1]`): one element.
    pub(super) fn is_pop(&self, r: &Reslice) -> bool {
        match r.form {
            Form::Back { end } => self.is_last_slot(end, r),
            Form::Front { start } => norm(start, self.source) == "1",
            Form::Middle { .. } => false,
        }
    }

    /// The name of the function or method the statement is in.
    pub(super) fn decl_name(&self) -> Option<&'a str> {
        self.decl.field("name").map(|n| text(n, self.source))
    }

    /// Some function of the package, whose name `wanted` accepts, appends to the same list: the
    /// same field (`.chans = append(` for `r.chans = r.chans[:0]`), the same package-level
    /// variable, or (for `*h`) the same spelling in this file.
    fn appended_elsewhere(&self, r: &Reslice<'t>, wanted: &dyn Fn(&str) -> bool) -> bool {
        let source = self.source;
        let mut target = unparen(r.target);
        while target.kind() == "index_expression" {
            match target.field("operand") {
                Some(o) => target = unparen(o),
                None => break,
            }
        }
        let index = self.module.index;
        let package = self.module.package_path;
        let named = |f: &crate::analysis::summary::DeclSummary| {
            f.func.as_ref().is_some_and(|f| wanted(&f.name))
        };
        match target.kind() {
            "selector_expression" if self.package_of_node(target).is_none() => {
                let Some(field) = target.field("field").map(|f| text(f, source)) else {
                    return false;
                };
                index.package_files(package).iter().any(|f| {
                    !f.is_test()
                        && f.summary.iter().any(|(_, _, d)| {
                            named(d) && d.appended_fields.iter().any(|a| a == field)
                        })
                })
            }
            "identifier" | "selector_expression" => {
                let (package, name) = match self.package_of_node(target) {
                    Some((path, name)) => (path, name),
                    None => (package.to_string(), text(target, source).to_string()),
                };
                index.users_of(&package, &name).iter().any(|user| {
                    !user.is_test()
                        && user.summary.iter().any(|(_, _, d)| {
                            named(d)
                                && d.uses.iter().any(|u| {
                                    u.kind == UseKind::Append
                                        && user.refers_to(&u.target, &package, &name)
                                })
                        })
                })
            }
            _ => self.appended_in_file(r, wanted),
        }
    }

    /// `pkg.Name`: the import path and the name, when `pkg` is an imported package (and not
    /// a variable of the same name).
    fn package_of_node(&self, n: Node<'t>) -> Option<(String, String)> {
        if n.kind() != "selector_expression" {
            return None;
        }
        let field = n.field("field")?;
        let path = self.package_of_unshadowed(n.field("operand")?)?;
        Some((path, text(field, self.source).to_string()))
    }

    /// Another function of this file, whose name `wanted` accepts, assigns an append to the
    /// same spelling (`*h = append(*h, x)` in `Push`).
    fn appended_in_file(&self, r: &Reslice, wanted: &dyn Fn(&str) -> bool) -> bool {
        let source = self.source;
        let target = norm(r.target, source);
        let root = self.root();
        let mut cursor = root.walk();
        let found = root.named_children(&mut cursor).any(|decl| {
            decl != self.decl
                && syntax::is_function(decl.kind())
                && decl.field("name").is_some_and(|n| wanted(text(n, source)))
                && {
                    let mut appends = false;
                    syntax::walk(decl, |n| {
                        appends |= n.kind() == "assignment_statement"
                            && assigns_an_append(n, &target, source);
                        !appends
                    });
                    appends
                }
        });
        found
    }

    /// `nil`, `T{}`, `*new(T)`, or a variable declared `var zero T` (with no value).
    pub(super) fn is_zero_value(&self, value: Node, scope: Node) -> bool {
        let source = self.source;
        let value = unparen(value);
        match value.kind() {
            "nil" => true,
            "composite_literal" => value
                .field("body")
                .is_some_and(|b| b.named_child_count() == 0),
            "unary_expression" => {
                text(value, source).starts_with('*')
                    && value.field("operand").is_some_and(|o| {
                        o.kind() == "call_expression"
                            && o.field("function")
                                .is_some_and(|f| text(f, source) == "new")
                    })
            }
            "identifier" => {
                let name = text(value, source);
                let func = syntax::enclosing_function(scope).unwrap_or(self.decl);
                syntax::identifiers_named(func, source, name)
                    .iter()
                    .any(|id| {
                        id.parent().is_some_and(|p| {
                            p.kind() == "var_spec"
                                && p.field("value").is_none()
                                && p.field("type").is_some()
                        })
                    })
            }
            _ => false,
        }
    }

    /// `e := &x[0]` before `x = x[1:]`: the dropped slot is handed out by address (a batch
    /// allocator), so it is in use, not forgotten. The address of another element says nothing
    /// about the dropped one.
    pub(super) fn hands_out_slots(&self, r: &Reslice) -> bool {
        let source = self.source;
        let names = self.names(r);
        self.addresses.iter().any(|&n| {
            let operand = n.field("operand").map(unparen);
            operand
                .filter(|o| o.kind() == "index_expression")
                .is_some_and(|slot| {
                    slot.field("operand")
                        .is_some_and(|o| is_slice_of(o, &names, source))
                        && self.covers_dropped(slot.field("index"), n, r)
                })
        })
    }

    /// A truncation or pop followed by appends to the same slice later in the function, or
    /// anywhere in a loop around it (the next pass): the dropped slots are overwritten by the
    /// refill (`b.buf = b.buf[:0]`, then `b.buf = append(b.buf, ...)`).
    pub(super) fn refilled(&self, r: &Reslice) -> bool {
        if !matches!(r.form, Form::Back { .. }) {
            return false;
        }
        let source = self.source;
        let target = norm(r.target, source);
        let loop_around = syntax::enclosing_function(r.statement)
            .and_then(|f| syntax::enclosing_loop(r.statement, f));
        self.assignments.iter().any(|&n| {
            let placed = n.start_byte() > r.statement.end_byte()
                || loop_around.is_some_and(|l| l.byte_range().contains(&n.start_byte()));
            placed && appends_to(n, &target, source)
        })
    }

    /// The statement drains the slice within this call: it sits in a loop that runs while the
    /// slice is not empty (`for len(x) > 0 { ...; x = x[1:] }`) and that nothing else leaves
    /// (no `break`, `return` or `goto` in it). When the loop ends the slice is empty, its work
    /// done. A loop that stops at the first element it keeps is no drain.
    pub(super) fn drained(&self, r: &Reslice) -> bool {
        let source = self.source;
        let names = self.names(r);
        let tests_nonempty = |cond: Node| {
            let c = norm(cond, source);
            names.iter().any(|x| {
                let len = format!("len({x})");
                c == format!("{len}>0")
                    || c == format!("{len}!=0")
                    || c == format!("0<{len}")
                    || c == format!("{len}>=1")
            })
        };
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if syntax::is_function(n.kind()) {
                return false;
            }
            if n.kind() == "for_statement" {
                let mut cursor = n.walk();
                let condition = n.named_children(&mut cursor).find_map(|c| match c.kind() {
                    "for_clause" => c.field("condition"),
                    "block" | "range_clause" | "comment" => None,
                    _ => Some(c),
                });
                let left_early = syntax::has_break_to(n, source)
                    || n.field("body").is_some_and(|b| {
                        syntax::contains_statement(b, &["return_statement", "goto_statement"])
                    });
                return condition.is_some_and(tests_nonempty) && !left_early;
            }
            cur = n.parent();
        }
        false
    }

    /// A pop from a free list (`free`, `idle`, `pool`, `spare` in its name) that takes the
    /// element first: the element is in use, and goes back onto the list when it is released.
    pub(super) fn pops_free_list(&self, r: &Reslice) -> bool {
        let source = self.source;
        let is_pop = match r.form {
            Form::Back { end } => self.is_last_slot(end, r),
            Form::Front { start } => norm(start, source) == "1",
            Form::Middle { .. } => false,
        };
        let target = text(r.target, source).to_ascii_lowercase();
        let field = target.rsplit('.').next().unwrap_or(&target);
        let named_free = ["free", "idle", "pool", "spare", "avail", "recycl"]
            .iter()
            .any(|w| field.contains(w));
        if !is_pop || !named_free {
            return false;
        }
        // `c := x[last]` (or `x[0]`) before the pop: the element is taken.
        let names = self.names(r);
        r.statement.prev_named_sibling().is_some_and(|prev| {
            let mut takes = false;
            syntax::walk(prev, |n| {
                if n.kind() == "index_expression"
                    && n.field("operand")
                        .is_some_and(|o| names.contains(&norm(o, source)))
                {
                    takes = true;
                }
                !takes
            });
            takes
        })
    }

    /// `x = x[:n]` where `n` may exceed the length: the function looks at the capacity
    /// (`if cap(x) >= n { x = x[:n] }`), a condition around it reads `len(x) < n`, or the next
    /// statement clears the new length (a resize for reuse).
    pub(super) fn may_regrow(&self, r: &Reslice) -> bool {
        let Form::Back { end } = r.form else {
            return false;
        };
        let source = self.source;
        if norm(end, source) == "0" || self.is_last_slot(end, r) {
            return false;
        }
        let names = self.names(r);
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let func_text: String = text(func, source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if names
            .iter()
            .any(|n| func_text.contains(&format!("cap({n})")))
        {
            return true;
        }
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if n == func {
                break;
            }
            if n.kind() == "if_statement" {
                if let Some(cond) = n.field("condition") {
                    let cond = norm(cond, source);
                    let grows = names.iter().any(|x| {
                        cond.contains(&format!("len({x})<")) || cond.contains(&format!(">len({x})"))
                    });
                    if grows {
                        return true;
                    }
                }
            }
            cur = n.parent();
        }
        r.statement.next_named_sibling().is_some_and(|next| {
            next.kind() == "expression_statement"
                && names
                    .iter()
                    .any(|x| norm(next, source) == format!("clear({x})"))
        })
    }
}

/// Whether `n`, found while walking `root`, lies in a function literal inside it: a closure
/// that may run at another time than the code around it.
fn in_closure(n: Node, root: Node) -> bool {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if p == root {
            return false;
        }
        if p.kind() == "func_literal" {
            return true;
        }
        cur = p.parent();
    }
    false
}

/// `x = append(x, ...)` (or `append(x[:0], ...)`) with `x` spelled `target`.
fn appends_to(assignment: Node, target: &str, source: &str) -> bool {
    let value = assignment
        .field("right")
        .and_then(|v| v.named_child(0))
        .map(unparen);
    let to_target = assignment
        .field("left")
        .and_then(|l| l.named_child(0))
        .is_some_and(|l| norm(l, source) == target);
    to_target
        && value.is_some_and(|v| {
            v.kind() == "call_expression"
                && v.field("function")
                    .is_some_and(|f| text(f, source) == "append")
                && v.field("arguments")
                    .and_then(|a| a.named_child(0))
                    .is_some_and(|first| {
                        let first = norm(first, source);
                        first == target || first.starts_with(&format!("{target}[:"))
                    })
        })
}

/// `site` is in a loop that ends before `at`: the loop ran through the slots on its passes
/// (`for i := range r { ...; r[i] = nil }`, then `r = r[n:]`).
fn in_finished_loop(site: Node, at: usize) -> bool {
    let mut cur = site.parent();
    while let Some(n) = cur {
        if syntax::is_function(n.kind()) {
            return false;
        }
        if n.kind() == "for_statement" && n.end_byte() <= at {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// `target = append(...)`, whatever it appends to: `t.idle[k] = append(idles, c)` puts a new
/// element in the list `target` names.
fn assigns_an_append(assignment: Node, target: &str, source: &str) -> bool {
    let to_target = assignment
        .field("left")
        .and_then(|l| l.named_child(0))
        .is_some_and(|l| norm(l, source) == target);
    to_target
        && assignment
            .field("right")
            .and_then(|v| v.named_child(0))
            .map(unparen)
            .is_some_and(|v| {
                v.kind() == "call_expression"
                    && v.field("function")
                        .is_some_and(|f| text(f, source) == "append")
            })
}
