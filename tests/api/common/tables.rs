//! Table-driven tests: a named GraphQL call, the role sets the tables use, and small readers.

use reverse_mentoring::auth::Role;
use serde_json::Value;

/// Directory readers.
pub const READERS: &[Role] = &[Role::Admin, Role::Coordinator, Role::Analyst];
/// Directory readers and participants (who see their own rows).
pub const READERS_AND_PARTICIPANTS: &[Role] = &[Role::Admin, Role::Coordinator, Role::Analyst, Role::Participant];
/// Those who manage programs and matching.
pub const MANAGERS: &[Role] = &[Role::Admin, Role::Coordinator];
/// Managers and participants (acting for themselves).
pub const MANAGERS_AND_PARTICIPANTS: &[Role] = &[Role::Admin, Role::Coordinator, Role::Participant];
/// Admins only.
pub const ADMIN: &[Role] = &[Role::Admin];
/// `node(id:)` asking only for the id.
pub const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";

/// One GraphQL call of a table, named for failure messages.
pub struct Op {
    /// What the call is, in failure messages.
    pub name: &'static str,
    /// The document.
    pub doc: &'static str,
    /// Its variables.
    pub vars: Value,
}

/// A named call.
pub fn op(name: &'static str, doc: &'static str, vars: Value) -> Op {
    Op { name, doc, vars }
}

/// The string at a JSON pointer, or a panic naming it.
pub fn text_at(value: &Value, pointer: &str) -> String {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no {pointer} in {value}")).to_owned()
}
