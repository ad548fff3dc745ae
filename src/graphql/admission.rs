//! Admission: what a GraphQL document costs and carries, worked out before async-graphql
//! validates or runs it, so one small request cannot exhaust the service.
//!
//! Validation itself walks every fragment spread, so a chain of fragments that each spread the
//! next twice costs 2^n before any limit of async-graphql's applies. Here each fragment is priced
//! once (memoised), list sizes count (`first`/`last`, or the default page, multiply what a
//! connection selects), and aliases, root fields, mutations, expanded spreads, directives and
//! tokens are capped; strings that cannot be stored (NUL and other control characters) are
//! refused wherever they appear, in literals or variables.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::{Value as ConstValue, Variables};

use crate::error::{Error, Result};

/// The caps a document must stay under; each is configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLimits {
    /// Highest cost: one per field, times the page size for what a connection selects.
    pub max_cost: u64,
    /// Most aliased fields in the document.
    pub max_aliases: usize,
    /// Most fields at the root of the operation, after fragments are expanded.
    pub max_root_fields: usize,
    /// Most mutations (root fields of a mutation) per request.
    pub max_mutations: usize,
    /// Most fragment spreads after expansion.
    pub max_fragment_spreads: u64,
    /// Most directives in the document.
    pub max_directives: usize,
    /// Most lexical tokens in the document.
    pub max_tokens: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            max_cost: 50_000,
            max_aliases: 100,
            max_root_fields: 50,
            max_mutations: 10,
            max_fragment_spreads: 500,
            max_directives: 50,
            max_tokens: 10_000,
        }
    }
}

/// Prices documents against the schema's connection fields and the limits.
#[derive(Debug, Clone)]
pub struct Admission {
    /// Each object's and interface's fields: the type they return and whether it is a
    /// connection. A name alone is not enough: `Query.skills` is a connection, `Person.skills`
    /// a plain list.
    fields: HashMap<String, HashMap<String, FieldShape>>,
    /// Names of the fields that are a connection somewhere, for a selection whose type is
    /// unknown (validation will refuse it anyway).
    connection_names: HashSet<String>,
    /// The root types of queries, mutations and subscriptions.
    roots: [String; 3],
    /// (field, argument) pairs typed `Int`, whose literals must fit in 32 bits even where the
    /// field is skipped (async-graphql checks them only where the field runs).
    int_arguments: HashSet<(String, String)>,
    limits: QueryLimits,
    default_page_size: u64,
}

/// What the admission knows of a field.
#[derive(Debug, Clone)]
struct FieldShape {
    /// The named type it returns, without list or non-null wrappers.
    returns: String,
    /// Whether it is a connection (its type ends in `Connection`).
    connection: bool,
}

/// What a selection set costs once its fragments are expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    cost: u64,
    spreads: u64,
    top_fields: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.cost = self.cost.saturating_add(other.cost);
        self.spreads = self.spreads.saturating_add(other.spreads);
        self.top_fields = self.top_fields.saturating_add(other.top_fields);
    }
}

impl Admission {
    /// Learns each type's fields from the schema's SDL, and which of them are connections (their
    /// type ends in `Connection`); a connection asked without `first`/`last` counts
    /// `default_page_size` rows.
    pub fn new(sdl: &str, limits: QueryLimits, default_page_size: u64) -> Admission {
        let mut fields: HashMap<String, HashMap<String, FieldShape>> = HashMap::new();
        let mut connection_names = HashSet::new();
        let mut int_arguments = HashSet::new();
        let mut roots = ["Query", "Mutation", "Subscription"].map(String::from);
        if let Ok(document) = async_graphql::parser::parse_schema(sdl) {
            for definition in document.definitions {
                let definition = match definition {
                    TypeSystemDefinition::Type(definition) => definition,
                    TypeSystemDefinition::Schema(schema) => {
                        let schema = &schema.node;
                        for (root, named) in
                            roots.iter_mut().zip([&schema.query, &schema.mutation, &schema.subscription])
                        {
                            if let Some(named) = named {
                                *root = named.node.to_string();
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                let own_fields = match &definition.node.kind {
                    TypeKind::Object(object) => &object.fields,
                    TypeKind::Interface(interface) => &interface.fields,
                    _ => continue,
                };
                let shapes = fields.entry(definition.node.name.node.to_string()).or_default();
                for field in own_fields {
                    let name = field.node.name.node.to_string();
                    for argument in &field.node.arguments {
                        if argument.node.ty.node.to_string().trim_end_matches('!') == "Int" {
                            int_arguments.insert((name.clone(), argument.node.name.node.to_string()));
                        }
                    }
                    let returns =
                        field.node.ty.node.to_string().trim_matches(|c| matches!(c, '[' | ']' | '!')).to_owned();
                    let connection = returns.ends_with("Connection");
                    if connection {
                        connection_names.insert(name.clone());
                    }
                    shapes.insert(name, FieldShape { returns, connection });
                }
            }
        }
        Admission { fields, connection_names, roots, int_arguments, limits, default_page_size }
    }

    /// Refuses a request over a limit, or carrying a string that cannot be stored, with
    /// BAD_USER_INPUT naming the limit or the field. A document that does not parse is left to
    /// async-graphql, which reports where. Otherwise gives the name of the operation that will
    /// run, when it has one (the document's only named operation when the request names none).
    pub fn check(&self, query: &str, operation_name: Option<&str>, variables: &Variables) -> Result<Option<String>> {
        for (name, value) in variables.iter() {
            refuse_control_chars_const(&format!("variables.{name}"), value)?;
        }
        let tokens = count_tokens(query, self.limits.max_tokens);
        if tokens > self.limits.max_tokens {
            return Err(over("tokens", self.limits.max_tokens as u64, "more"));
        }
        let Ok(document) = async_graphql::parser::parse_query(query) else { return Ok(None) };
        let mut census = Census { int_arguments: &self.int_arguments, variables, aliases: 0, directives: 0 };
        census.document(&document)?;
        if census.aliases > self.limits.max_aliases {
            return Err(over("aliases", self.limits.max_aliases as u64, &census.aliases.to_string()));
        }
        if census.directives > self.limits.max_directives {
            return Err(over("directives", self.limits.max_directives as u64, &census.directives.to_string()));
        }
        let Some(operation) = pick_operation(&document, operation_name) else { return Ok(None) };
        let mut pricer =
            Pricer { admission: self, document: &document, variables, memo: HashMap::new(), visiting: Vec::new() };
        let root = match operation.ty {
            OperationType::Query => &self.roots[0],
            OperationType::Mutation => &self.roots[1],
            OperationType::Subscription => &self.roots[2],
        };
        let tally = pricer.selection_set(&operation.selection_set.node, Some(root))?;
        let limits = &self.limits;
        if tally.spreads > limits.max_fragment_spreads {
            return Err(over(
                "fragment spreads after expansion",
                limits.max_fragment_spreads,
                &tally.spreads.to_string(),
            ));
        }
        if operation.ty == OperationType::Mutation && tally.top_fields > limits.max_mutations as u64 {
            return Err(over("mutations per request", limits.max_mutations as u64, &tally.top_fields.to_string()));
        }
        if tally.top_fields > limits.max_root_fields as u64 {
            return Err(over("root fields", limits.max_root_fields as u64, &tally.top_fields.to_string()));
        }
        if tally.cost > limits.max_cost {
            return Err(over("query cost (fields, times page sizes)", limits.max_cost, &tally.cost.to_string()));
        }
        let only_named = match &document.operations {
            DocumentOperations::Multiple(operations) if operations.len() == 1 => operations.keys().next(),
            _ => None,
        };
        Ok(operation_name.map(str::to_owned).or_else(|| only_named.map(ToString::to_string)))
    }
}

impl Admission {
    /// Whether the operation the request would run is a mutation (GET must not run one).
    pub fn is_mutation(&self, query: &str, operation_name: Option<&str>) -> bool {
        let Ok(document) = async_graphql::parser::parse_query(query) else { return false };
        match pick_operation(&document, operation_name) {
            Some(operation) => operation.ty == OperationType::Mutation,
            // Several operations and no name: refuse over GET if any of them is a mutation.
            None => document.operations.iter().any(|(_, operation)| operation.node.ty == OperationType::Mutation),
        }
    }
}

fn over(limit: &str, max: u64, found: &str) -> Error {
    Error::BadInput(format!("the query is over the limit of {max} {limit} (it has {found}); ask for less"))
}

fn pick_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a async_graphql::parser::types::OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// Prices selection sets, each fragment once.
struct Pricer<'a> {
    admission: &'a Admission,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    memo: HashMap<&'a str, Tally>,
    visiting: Vec<&'a str>,
}

impl<'a> Pricer<'a> {
    /// Prices a selection set on `parent` (None: a type the schema does not have).
    fn selection_set(&mut self, set: &'a SelectionSet, parent: Option<&'a str>) -> Result<Tally> {
        let mut tally = Tally::default();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => tally.add(self.field(&field.node, parent)?),
                Selection::InlineFragment(fragment) => {
                    let on = fragment.node.type_condition.as_ref().map(|condition| condition.node.on.node.as_str());
                    tally.add(self.selection_set(&fragment.node.selection_set.node, on.or(parent))?);
                }
                Selection::FragmentSpread(spread) => {
                    let mut inner = self.fragment(spread.node.fragment_name.node.as_str())?;
                    inner.spreads = inner.spreads.saturating_add(1);
                    tally.add(inner);
                }
            }
        }
        Ok(tally)
    }

    fn field(&mut self, field: &'a Field, parent: Option<&'a str>) -> Result<Tally> {
        let name = field.name.node.as_str();
        let admission = self.admission;
        let (connection, returns) = match parent.and_then(|parent| admission.fields.get(parent)?.get(name)) {
            Some(shape) => (shape.connection, Some(shape.returns.as_str())),
            None => (admission.connection_names.contains(name), None),
        };
        let children = self.selection_set(&field.selection_set.node, returns)?;
        let factor = if connection { self.page_size(field) } else { 1 };
        // Spreads are what validation walks, once per document whatever the page size; the rows
        // a page brings are priced by the cost.
        Ok(Tally {
            cost: children.cost.saturating_mul(factor).saturating_add(1),
            spreads: children.spreads,
            top_fields: 1,
        })
    }

    fn fragment(&mut self, name: &'a str) -> Result<Tally> {
        if let Some(tally) = self.memo.get(name) {
            return Ok(*tally);
        }
        if self.visiting.contains(&name) {
            return Err(Error::BadInput(format!("fragment {} spreads itself", short(name))));
        }
        // An unknown fragment is left to validation, which names it.
        let Some((_, definition)) = self.document.fragments.iter().find(|(key, _)| key.as_str() == name) else {
            return Ok(Tally::default());
        };
        self.visiting.push(name);
        let on = definition.node.type_condition.node.on.node.as_str();
        let tally = self.selection_set(&definition.node.selection_set.node, Some(on))?;
        self.visiting.pop();
        self.memo.insert(name, tally);
        Ok(tally)
    }

    /// The rows a connection field asks for: `first` or `last`, else the default page.
    fn page_size(&self, field: &Field) -> u64 {
        let asked = field.arguments.iter().find_map(|(name, value)| {
            if !matches!(name.node.as_str(), "first" | "last") {
                return None;
            }
            let resolved = value.node.clone().into_const_with(|variable| {
                Ok::<_, std::convert::Infallible>(self.variables.get(&variable).cloned().unwrap_or(ConstValue::Null))
            });
            match resolved {
                Ok(ConstValue::Number(number)) => number.as_u64(),
                _ => None,
            }
        });
        asked.unwrap_or(self.admission.default_page_size).max(1)
    }
}

/// Counts over the whole document: aliases, directives, and strings that cannot be stored.
struct Census<'a> {
    int_arguments: &'a HashSet<(String, String)>,
    variables: &'a Variables,
    aliases: usize,
    directives: usize,
}

impl Census<'_> {
    fn document(&mut self, document: &ExecutableDocument) -> Result<()> {
        for (_, operation) in document.operations.iter() {
            self.directives += operation.node.directives.len();
            self.selection_set(&operation.node.selection_set.node)?;
        }
        for fragment in document.fragments.values() {
            self.directives += fragment.node.directives.len();
            self.selection_set(&fragment.node.selection_set.node)?;
        }
        Ok(())
    }

    fn selection_set(&mut self, set: &SelectionSet) -> Result<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.aliases += usize::from(field.alias.is_some());
                    self.directives += field.directives.len();
                    for (name, value) in &field.arguments {
                        let path = format!("{}({}:)", short(field.name.node.as_str()), short(name.node.as_str()));
                        // Variables are checked on their own; here only what the document spells out.
                        let Ok(literal) =
                            value.node.clone().into_const_with(|_| Ok::<_, std::convert::Infallible>(ConstValue::Null));
                        refuse_control_chars_const(&path, &literal)?;
                        let key = (field.name.node.to_string(), name.node.to_string());
                        if let ConstValue::Number(number) = &literal
                            && self.int_arguments.contains(&key)
                            && number.as_i64().is_none_or(|value| i32::try_from(value).is_err())
                        {
                            return Err(Error::BadInput(format!(
                                "{path} must be a 32-bit Int (-2147483648 to 2147483647)"
                            )));
                        }
                    }
                    let children = &field.selection_set.node;
                    // async-graphql answers null (even for a non-null field) when every
                    // selection is skipped; the spec wants `{}`. Refuse it rather than lie.
                    if !children.items.is_empty() && self.all_skipped(children) {
                        return Err(Error::BadInput(format!(
                            "every selection under {} is skipped; select at least one field",
                            short(field.name.node.as_str())
                        )));
                    }
                    self.selection_set(children)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.directives += fragment.node.directives.len();
                    self.selection_set(&fragment.node.selection_set.node)?;
                }
                Selection::FragmentSpread(spread) => self.directives += spread.node.directives.len(),
            }
        }
        Ok(())
    }
}

impl Census<'_> {
    /// Whether `@skip`/`@include` leave nothing of `set` (an inline fragment counts as empty
    /// when all of its own selections are skipped).
    fn all_skipped(&self, set: &SelectionSet) -> bool {
        set.items.iter().all(|selection| match &selection.node {
            Selection::Field(field) => self.skipped(&field.node.directives),
            Selection::FragmentSpread(spread) => self.skipped(&spread.node.directives),
            Selection::InlineFragment(fragment) => {
                self.skipped(&fragment.node.directives) || self.all_skipped(&fragment.node.selection_set.node)
            }
        })
    }

    fn skipped(&self, directives: &[async_graphql::Positioned<async_graphql::parser::types::Directive>]) -> bool {
        directives.iter().any(|directive| {
            let condition = directive.node.get_argument("if").and_then(|value| {
                let resolved = value.node.clone().into_const_with(|variable| {
                    Ok::<_, std::convert::Infallible>(
                        self.variables.get(&variable).cloned().unwrap_or(ConstValue::Null),
                    )
                });
                match resolved {
                    Ok(ConstValue::Boolean(flag)) => Some(flag),
                    _ => None,
                }
            });
            matches!((directive.node.name.node.as_str(), condition), ("skip", Some(true)) | ("include", Some(false)))
        })
    }
}

/// Characters no text field may hold: NUL (PostgreSQL refuses it, SQLite cuts strings at it
/// in comparisons) and the other C0 controls and DEL, except tab, line feed and carriage return.
pub fn is_refused_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) && (c as u32) < 0x80
}

fn refused_text(path: &str, text: &str) -> Result<()> {
    match text.chars().find(|c| is_refused_char(*c)) {
        Some(c) => Err(Error::BadInput(format!(
            "{path} contains the control character U+{:04X}, which no text field accepts",
            c as u32
        ))),
        None => Ok(()),
    }
}

fn refuse_control_chars_const(path: &str, value: &ConstValue) -> Result<()> {
    match value {
        ConstValue::String(text) => refused_text(path, text),
        ConstValue::Enum(name) => refused_text(path, name.as_str()),
        ConstValue::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| refuse_control_chars_const(&format!("{path}[{index}]"), item)),
        ConstValue::Object(fields) => fields.iter().try_for_each(|(name, item)| {
            refused_text(path, name.as_str())?;
            refuse_control_chars_const(&format!("{path}.{}", short(name.as_str())), item)
        }),
        _ => Ok(()),
    }
}

/// At most 40 characters of something the client sent, so errors never echo a large input.
pub fn short(text: &str) -> String {
    prefix(text, 40)
}

/// At most `chars` characters of `text`, with an ellipsis when it was cut.
pub fn prefix(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Lexical tokens of a GraphQL document (names, numbers, strings, punctuators), counted up to
/// just past `stop` so a huge document costs no more than the limit.
fn count_tokens(query: &str, stop: usize) -> usize {
    let bytes = query.as_bytes();
    let (mut index, mut count) = (0, 0);
    while index < bytes.len() && count <= stop {
        let byte = bytes[index];
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => index += 1,
            b'#' => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'"' => {
                count += 1;
                let block = bytes[index..].starts_with(b"\"\"\"");
                index += if block { 3 } else { 1 };
                while index < bytes.len() {
                    if block && bytes[index..].starts_with(b"\"\"\"") {
                        index += 3;
                        break;
                    }
                    if !block && bytes[index] == b'"' {
                        index += 1;
                        break;
                    }
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
            }
            b'.' if bytes[index..].starts_with(b"...") => {
                count += 1;
                index += 3;
            }
            _ if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' => {
                count += 1;
                while index < bytes.len()
                    && (bytes[index].is_ascii_alphanumeric() || matches!(bytes[index], b'_' | b'.' | b'-' | b'+'))
                {
                    index += 1;
                }
            }
            _ => {
                count += 1;
                index += 1;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use async_graphql::Name;

    use super::*;

    const SDL: &str = "type Query { people(first: Int, last: Int): PersonConnection! viewer: Viewer!
            skills(first: Int): SkillConnection! }
        type Viewer { org: String! }
        type PersonConnection { edges: [PersonEdge!]! nodes: [Person!]! }
        type PersonEdge { node: Person! }
        type Person { name: String! skills: [PersonSkill!]! manager: Person }
        type PersonSkill { level: Int! }
        type SkillConnection { nodes: [Skill!]! }
        type Skill { name: String! }
        type Mutation { createSkill(name: String!): String! }";

    fn admission() -> Admission {
        Admission::new(SDL, QueryLimits::default(), 20)
    }

    fn check(query: &str) -> Result<Option<String>> {
        admission().check(query, None, &Variables::default())
    }

    #[test]
    fn the_operation_that_will_run_is_named() {
        assert_eq!(check("query Mine { viewer { org } }").unwrap().as_deref(), Some("Mine"));
        assert_eq!(check("{ viewer { org } }").unwrap(), None);
        let two = "query A { viewer { org } } query B { viewer { org } }";
        assert_eq!(admission().check(two, Some("B"), &Variables::default()).unwrap().as_deref(), Some("B"));
        assert_eq!(check(two).unwrap(), None, "async-graphql refuses it: no name to report");
    }

    fn refused(query: &str, words: &str) {
        match check(query) {
            Err(Error::BadInput(message)) => assert!(message.contains(words), "{message:?} should mention {words:?}"),
            other => panic!("expected a refusal mentioning {words:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_fragment_chain_that_doubles_is_priced_once_per_fragment_and_refused() {
        let mut query = String::from("{ ...F0 }");
        for level in 0..24 {
            query.push_str(&format!(" fragment F{level} on Query {{ ...F{next} ...F{next} }}", next = level + 1));
        }
        query.push_str(" fragment F24 on Query { __typename }");
        // Each fragment is priced once: an exponential walk would not return from 24 levels.
        refused(&query, "fragment spreads after expansion");
        refused("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", "fragment A spreads itself");
    }

    #[test]
    fn page_sizes_multiply_what_a_connection_selects() {
        assert!(check("{ people(first: 100) { edges { node { name } } } }").is_ok());
        let roots: String =
            (0..60).map(|n| format!("a{n}: people(first: 100) {{ edges {{ node {{ name }} }} }} ")).collect();
        refused(&format!("{{ {roots} }}"), "root fields");
        let aliases: String = (0..101).map(|n| format!("a{n}: org ")).collect();
        refused(&format!("{{ viewer {{ {aliases} }} }}"), "aliases");
        let nested = "{ a: people(first: 100) { edges { node { name skills } } } b: people(first: 100) { edges { node { name } } } }";
        assert!(check(nested).is_ok());
        let limits = QueryLimits { max_cost: 300, ..QueryLimits::default() };
        let tight = Admission::new(SDL, limits, 20);
        let default_page = "{ people { edges { node { name } } } }";
        assert!(tight.check(default_page, None, &Variables::default()).is_ok(), "20 x 3 + 1");
        let mut variables = Variables::default();
        variables.insert(Name::new("n"), ConstValue::from(100));
        let by_variable = "query($n: Int) { people(first: $n) { edges { node { name } } } }";
        let error = tight.check(by_variable, None, &variables).unwrap_err();
        assert_eq!(
            error,
            Error::BadInput(
                "the query is over the limit of 300 query cost (fields, times page sizes) (it has 301); ask for less"
                    .into()
            )
        );
    }

    #[test]
    fn a_fragment_in_a_page_is_one_spread_per_use_not_per_row() {
        let card = "fragment Card on Person { name skills { level } }";
        let dashboard = format!("{{ people(first: 100) {{ nodes {{ ...Card manager {{ ...Card }} }} }} }} {card}");
        let limits = QueryLimits { max_fragment_spreads: 2, ..QueryLimits::default() };
        let admission = Admission::new(SDL, limits, 20);
        assert!(admission.check(&dashboard, None, &Variables::default()).is_ok(), "two spreads, not 200");
    }

    #[test]
    fn a_field_is_priced_as_a_connection_only_on_the_type_where_it_is_one() {
        let limits = QueryLimits { max_cost: 400, ..QueryLimits::default() };
        let admission = Admission::new(SDL, limits, 20);
        let check = |query: &str| admission.check(query, None, &Variables::default());
        // `Person.skills` is a list, once per person; `Query.skills` is a connection.
        assert!(check("{ people(first: 100) { nodes { skills { level } } } }").is_ok(), "1 + 100 x 3");
        assert!(check("{ people(first: 100) { nodes { ... on Person { skills { level } } } } }").is_ok());
        assert!(
            check("query Q { ...P } fragment P on Query { people(first: 100) { nodes { skills { level } } } }").is_ok()
        );
        assert!(check("{ skills(first: 250) { nodes { name } } }").is_err(), "1 + 250 x 2");
    }

    #[test]
    fn mutations_root_fields_directives_and_tokens_are_capped() {
        let mutations: String = (0..11).map(|n| format!("m{n}: createSkill(name: \"s{n}\") ")).collect();
        refused(&format!("mutation {{ {mutations} }}"), "mutations per request");
        let ten: String = (0..10).map(|n| format!("m{n}: createSkill(name: \"s{n}\") ")).collect();
        assert!(check(&format!("mutation {{ {ten} }}")).is_ok());
        let roots: String = (0..51).map(|_| "viewer { org } ").collect();
        refused(&format!("{{ {roots} }}"), "root fields");
        let directives: String = (0..51).map(|_| "@skip(if: false) ").collect();
        refused(&format!("{{ viewer {directives} {{ org }} }}"), "directives");
        let long = format!("{{ viewer {{ {} }} }}", "org ".repeat(10_001));
        refused(&long, "tokens");
    }

    #[test]
    fn control_characters_are_refused_in_literals_and_variables_naming_where() {
        refused(
            "mutation { createSkill(name: \"a\\u0000b\") }",
            "createSkill(name:) contains the control character U+0000",
        );
        let mut variables = Variables::default();
        variables.insert(
            Name::new("people"),
            ConstValue::List(vec![ConstValue::Object(
                [(Name::new("name"), ConstValue::String("x\u{7}".into()))].into_iter().collect(),
            )]),
        );
        let error = admission().check("{ viewer { org } }", None, &variables).unwrap_err();
        assert!(error.message().contains("variables.people[0].name contains the control character U+0007"));
        assert!(check("mutation { createSkill(name: \"tab\\tand\\nnewline\") }").is_ok());
    }

    #[test]
    fn a_selection_skipped_whole_is_refused_not_answered_null() {
        refused("{ viewer { ... @skip(if: true) { org } } }", "every selection under viewer is skipped");
        refused("{ viewer { org @include(if: false) } }", "every selection under viewer is skipped");
        let mut variables = Variables::default();
        variables.insert(Name::new("hide"), ConstValue::Boolean(true));
        let by_variable = "query($hide: Boolean!) { viewer { org @skip(if: $hide) } }";
        assert!(admission().check(by_variable, None, &variables).is_err());
        assert!(check("{ viewer { org @skip(if: false) } }").is_ok());
        assert!(check("{ viewer { org @skip(if: true) __typename } }").is_ok());
    }

    #[test]
    fn int_literals_fit_in_32_bits_even_where_the_field_is_skipped() {
        refused(
            "{ people(first: 99999999999) @skip(if: true) { edges { node { name } } } }",
            "people(first:) must be a 32-bit Int",
        );
        refused("{ people(first: 2.5) { edges { node { name } } } }", "people(first:) must be a 32-bit Int");
        // The largest Int passes this check; its page is then priced (skipped or not) and too costly.
        refused("{ people(first: 2147483647) @skip(if: true) { edges { node { name } } } }", "query cost");
    }

    #[test]
    fn tokens_are_counted_like_the_lexer_does() {
        assert_eq!(count_tokens("{ people(first: 10) { name } }", 100), 11);
        assert_eq!(count_tokens("query { a(s: \"x y, z\") ...F } # comment", 100), 11);
        assert_eq!(short(&"x".repeat(100)).chars().count(), 41);
    }
}
