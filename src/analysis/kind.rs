//! Node kinds by number. `Node::kind` measures and validates a C string on every call, and a
//! `match` on it compares strings: the walks that look at every node of a file (the summary's,
//! first of all) read the kind's number once and look its [`Kind`] up in a table.

use std::sync::LazyLock;

use tree_sitter::Node;

macro_rules! kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// The named node kinds of tree-sitter-go that the hot walks tell apart; every other
        /// kind, anonymous nodes and errors included, is [`Kind::Other`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            Other,
            $($variant,)*
        }

        const NAMES: &[(Kind, &str)] = &[$((Kind::$variant, $name),)*];
    };
}

kinds! {
    Identifier = "identifier",
    FieldIdentifier = "field_identifier",
    TypeIdentifier = "type_identifier",
    ParenthesizedExpression = "parenthesized_expression",
    SelectorExpression = "selector_expression",
    CallExpression = "call_expression",
    IndexExpression = "index_expression",
    SliceExpression = "slice_expression",
    UnaryExpression = "unary_expression",
    BinaryExpression = "binary_expression",
    CompositeLiteral = "composite_literal",
    LiteralValue = "literal_value",
    KeyedElement = "keyed_element",
    LiteralElement = "literal_element",
    ExpressionList = "expression_list",
    ArgumentList = "argument_list",
    VariadicArgument = "variadic_argument",
    FuncLiteral = "func_literal",
    FunctionDeclaration = "function_declaration",
    MethodDeclaration = "method_declaration",
    ParameterDeclaration = "parameter_declaration",
    VariadicParameterDeclaration = "variadic_parameter_declaration",
    VarSpec = "var_spec",
    ConstSpec = "const_spec",
    ShortVarDeclaration = "short_var_declaration",
    AssignmentStatement = "assignment_statement",
    IncStatement = "inc_statement",
    DecStatement = "dec_statement",
    ReturnStatement = "return_statement",
    SendStatement = "send_statement",
    ReceiveStatement = "receive_statement",
    RangeClause = "range_clause",
    ForStatement = "for_statement",
    ForClause = "for_clause",
    IfStatement = "if_statement",
    Block = "block",
    FieldDeclaration = "field_declaration",
    Comment = "comment",
    StructType = "struct_type",
    InterfaceType = "interface_type",
    FunctionType = "function_type",
    PointerType = "pointer_type",
    SliceType = "slice_type",
    ArrayType = "array_type",
    MapType = "map_type",
    ChannelType = "channel_type",
    QualifiedType = "qualified_type",
    GenericType = "generic_type",
    TypeParameterList = "type_parameter_list",
    IntLiteral = "int_literal",
    FloatLiteral = "float_literal",
    RuneLiteral = "rune_literal",
    True = "true",
    False = "false",
    PackageClause = "package_clause",
    ImportDeclaration = "import_declaration",
    ImportSpec = "import_spec",
    PackageIdentifier = "package_identifier",
    Dot = "dot",
    TypeDeclaration = "type_declaration",
    VarDeclaration = "var_declaration",
    ConstDeclaration = "const_declaration",
    InterpretedStringLiteral = "interpreted_string_literal",
    RawStringLiteral = "raw_string_literal",
}

/// [`Kind`] by kind number.
static TABLE: LazyLock<Vec<Kind>> = LazyLock::new(|| {
    let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
    let mut table = vec![Kind::Other; language.node_kind_count()];
    for &(kind, name) in NAMES {
        let id = usize::from(language.id_for_node_kind(name, true));
        // A misspelled name (or a grammar that renamed a kind) fails every test at once.
        assert!(
            id != 0,
            "`{name}` is not a named node kind of tree-sitter-go"
        );
        table[id] = kind;
    }
    table
});

impl Kind {
    pub fn of(node: Node) -> Kind {
        TABLE
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(Kind::Other)
    }

    /// A literal's kind: a string, number, rune, `true` or `false`.
    pub fn is_literal(self) -> bool {
        matches!(
            self,
            Kind::InterpretedStringLiteral
                | Kind::RawStringLiteral
                | Kind::IntLiteral
                | Kind::RuneLiteral
                | Kind::FloatLiteral
                | Kind::True
                | Kind::False
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_its_name() {
        let src = "package p\nfunc f(a []int) { for i := range a { a[i]++ }; g(a[1:], \"s\") }\n";
        let tree = crate::analysis::parse(src);
        let mut seen = 0;
        crate::analysis::syntax::walk(tree.root_node(), |n| {
            match NAMES.iter().find(|(_, name)| *name == n.kind()) {
                Some(&(kind, _)) if n.is_named() => {
                    assert_eq!(Kind::of(n), kind, "{}", n.kind());
                    seen += 1;
                }
                _ => assert_eq!(Kind::of(n), Kind::Other, "{}", n.kind()),
            }
            true
        });
        assert!(seen > 15, "{seen}");
    }
}
