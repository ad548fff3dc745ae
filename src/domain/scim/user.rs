//! The SCIM User resource as the service stores it: reading a resource the directory sends,
//! writing one back, and applying PATCH operations. A PATCH (and a PUT, which is a path-less
//! replace of the attributes it sends) works on the resource's JSON and the result is read like
//! a new one, so every route to a stored value passes the same checks.
//!
//! Attribute names compare without regard to case (RFC 7643 2.1). Attributes the service does
//! not store (phone numbers, addresses, locale...) are ignored rather than refused, as the
//! identity providers' default mappings send them.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::ScimError;
use super::filter::{AttrPath, CompareOp, Filter, Literal, parse_path};
use crate::domain::person::Generation;

/// The core User schema.
pub const CORE: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise extension (RFC 7643 4.3).
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The service's own extension: what reverse mentoring needs beyond the directory's usual fields.
pub const PROFILE: &str = "urn:reverse-mentoring:params:scim:schemas:extension:profile:2.0:User";
/// A PATCH request's message schema.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Where an attribute lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    Core,
    Enterprise,
    Profile,
}

impl Schema {
    fn urn(self) -> &'static str {
        match self {
            Schema::Core => CORE,
            Schema::Enterprise => ENTERPRISE,
            Schema::Profile => PROFILE,
        }
    }

    fn of_urn(urn: &str) -> Option<Schema> {
        [Schema::Core, Schema::Enterprise, Schema::Profile]
            .into_iter()
            .find(|schema| schema.urn().eq_ignore_ascii_case(urn))
    }
}

/// How an attribute holds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Simple,
    Complex,
    MultiValued,
}

/// The attributes the service stores or reads, in their canonical spelling.
const ATTRIBUTES: &[(Schema, &str, Shape)] = &[
    (Schema::Core, "userName", Shape::Simple),
    (Schema::Core, "externalId", Shape::Simple),
    (Schema::Core, "displayName", Shape::Simple),
    (Schema::Core, "name", Shape::Complex),
    (Schema::Core, "emails", Shape::MultiValued),
    (Schema::Core, "title", Shape::Simple),
    (Schema::Core, "active", Shape::Simple),
    (Schema::Enterprise, "employeeNumber", Shape::Simple),
    (Schema::Enterprise, "department", Shape::Simple),
    (Schema::Enterprise, "manager", Shape::Complex),
    (Schema::Profile, "level", Shape::Simple),
    (Schema::Profile, "generation", Shape::Simple),
    (Schema::Profile, "hiredOn", Shape::Simple),
];

/// Attributes the service assigns; a PATCH that targets them is refused.
const READ_ONLY: &[&str] = &["id", "meta", "groups"];

/// What a User resource says about a person, as far as the service stores it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserFields {
    /// The directory's login name, unique in the organisation without regard to case.
    pub user_name: Option<String>,
    /// The directory's own id for the person.
    pub external_id: Option<String>,
    /// The display name (else `name.formatted`, else given and family names).
    pub display_name: Option<String>,
    /// The work e-mail (else the primary one, else the first).
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Whether the account is enabled; `false` is a departure.
    pub active: Option<bool>,
    /// The enterprise extension's employee number: the employee id.
    pub employee_number: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// The manager's SCIM id.
    pub manager: Option<String>,
    /// Seniority band.
    pub level: Option<i32>,
    /// Self-declared generation.
    pub generation: Option<Generation>,
    /// First day of employment.
    pub hired_on: Option<NaiveDate>,
}

impl UserFields {
    /// Reads a resource (a POST body, or the result of a PATCH or PUT).
    pub fn read(resource: &Value) -> Result<UserFields, ScimError> {
        let core = resource.as_object().ok_or_else(|| ScimError::invalid_syntax("a User must be a JSON object"))?;
        let extension = |schema: Schema| -> Result<Option<&Map<String, Value>>, ScimError> {
            match find(core, schema.urn()) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Object(map)) => Ok(Some(map)),
                Some(_) => Err(ScimError::invalid_syntax(format!("{} must be an object", schema.urn()))),
            }
        };
        let (enterprise, profile) = (extension(Schema::Enterprise)?, extension(Schema::Profile)?);
        let name = match find(core, "name") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => return Err(ScimError::invalid_value("name must be an object")),
        };
        let from_name = |key: &str| name.map(|map| string(map, key, &format!("name.{key}"))).transpose();
        let given_and_family = {
            let parts: Vec<String> =
                [from_name("givenName")?.flatten(), from_name("familyName")?.flatten()].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        };
        let display_name =
            string(core, "displayName", "displayName")?.or(from_name("formatted")?.flatten()).or(given_and_family);
        let in_extension = |map: Option<&Map<String, Value>>, key: &str| {
            map.map(|map| string(map, key, key)).transpose().map(Option::flatten)
        };
        Ok(UserFields {
            user_name: string(core, "userName", "userName")?,
            external_id: string(core, "externalId", "externalId")?,
            display_name,
            email: work_email(find(core, "emails"))?,
            title: string(core, "title", "title")?,
            active: boolean(find(core, "active"), "active")?,
            employee_number: in_extension(enterprise, "employeeNumber")?,
            department: in_extension(enterprise, "department")?,
            manager: manager(enterprise.and_then(|map| find(map, "manager")))?,
            level: profile.map(|map| level(find(map, "level"))).transpose()?.flatten(),
            generation: in_extension(profile, "generation")?
                .map(|text| {
                    text.to_ascii_uppercase().parse::<Generation>().map_err(|_| {
                        let known: Vec<&str> = Generation::ALL.iter().map(|generation| generation.as_str()).collect();
                        ScimError::invalid_value(format!("generation '{text}' is not one of {}", known.join(", ")))
                    })
                })
                .transpose()?,
            hired_on: in_extension(profile, "hiredOn")?
                .map(|text| {
                    text.get(..10).and_then(|day| day.parse::<NaiveDate>().ok()).ok_or_else(|| {
                        ScimError::invalid_value(format!(
                            "hiredOn '{text}' is not a date (YYYY-MM-DD or an RFC 3339 date-time)"
                        ))
                    })
                })
                .transpose()?,
        })
    }

    /// The resource's attributes (without `id`, `schemas` and `meta`) as JSON; `manager_location`
    /// is the manager's resource URL when there is a manager.
    pub fn attributes(&self, manager_location: Option<&str>) -> Map<String, Value> {
        let mut core = Map::new();
        let put = |map: &mut Map<String, Value>, key: &str, value: Option<Value>| {
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        };
        put(&mut core, "userName", self.user_name.clone().map(Value::from));
        put(&mut core, "externalId", self.external_id.clone().map(Value::from));
        put(&mut core, "displayName", self.display_name.clone().map(Value::from));
        put(&mut core, "emails", self.email.clone().map(|email| json!([{ "value": email, "type": "work" }])));
        put(&mut core, "title", self.title.clone().map(Value::from));
        put(&mut core, "active", self.active.map(Value::from));
        let mut enterprise = Map::new();
        put(&mut enterprise, "employeeNumber", self.employee_number.clone().map(Value::from));
        put(&mut enterprise, "department", self.department.clone().map(Value::from));
        put(
            &mut enterprise,
            "manager",
            self.manager.clone().map(|id| match manager_location {
                Some(location) => json!({ "value": id, "$ref": location }),
                None => json!({ "value": id }),
            }),
        );
        let mut profile = Map::new();
        put(&mut profile, "level", self.level.map(Value::from));
        put(&mut profile, "generation", self.generation.map(|generation| Value::from(generation.as_str())));
        put(&mut profile, "hiredOn", self.hired_on.map(|day| Value::from(format!("{day}T00:00:00Z"))));
        for (schema, map) in [(ENTERPRISE, enterprise), (PROFILE, profile)] {
            if !map.is_empty() {
                core.insert(schema.to_owned(), Value::Object(map));
            }
        }
        core
    }

    /// The fields after a PUT: every attribute sent replaces the stored one, and what the
    /// directory does not send is left as it is. `id`, `meta` and `schemas` are ignored.
    pub fn replaced(&self, body: &Value) -> Result<UserFields, ScimError> {
        let mut sent =
            body.as_object().cloned().ok_or_else(|| ScimError::invalid_syntax("a User must be a JSON object"))?;
        sent.retain(|key, _| !["id", "meta", "schemas"].iter().any(|ignored| key.eq_ignore_ascii_case(ignored)));
        let mut document = self.attributes(None);
        apply(&mut document, Operation::Replace, None, &Value::Object(sent))?;
        UserFields::read(&Value::Object(document))
    }

    /// The fields after a PATCH request (RFC 7644 3.5.2), all operations or none.
    pub fn patched(&self, request: &Value) -> Result<UserFields, ScimError> {
        let operations = request
            .as_object()
            .and_then(|request| find(request, "Operations"))
            .and_then(Value::as_array)
            .ok_or_else(|| ScimError::invalid_syntax("a PATCH request needs an \"Operations\" array"))?;
        let mut document = self.attributes(None);
        for (index, operation) in operations.iter().enumerate() {
            let at =
                |error: ScimError| ScimError { detail: format!("operation {}: {}", index + 1, error.detail), ..error };
            let object =
                operation.as_object().ok_or_else(|| at(ScimError::invalid_syntax("an operation must be an object")))?;
            let op = match find(object, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                Some("add") => Operation::Add,
                Some("replace") => Operation::Replace,
                Some("remove") => Operation::Remove,
                _ => return Err(at(ScimError::invalid_syntax("\"op\" must be add, replace or remove"))),
            };
            let value = find(object, "value").unwrap_or(&Value::Null);
            let path = match find(object, "path") {
                None | Some(Value::Null) => None,
                // A whole extension: `"path": "urn:...:enterprise:2.0:User"`.
                Some(Value::String(path)) if Schema::of_urn(path).is_some_and(|schema| schema != Schema::Core) => {
                    let key = canonical_key(&document, path);
                    if op == Operation::Remove {
                        document.remove(&key);
                    } else {
                        let mut whole = Map::new();
                        whole.insert(key, value.clone());
                        apply(&mut document, op, None, &Value::Object(whole)).map_err(at)?;
                    }
                    continue;
                }
                Some(Value::String(path)) => Some(parse_path(path).map_err(at)?),
                Some(_) => return Err(at(ScimError::invalid_path("\"path\" must be a string"))),
            };
            if op != Operation::Remove && value.is_null() && path.is_some() {
                return Err(at(ScimError::invalid_value("add and replace need a \"value\"")));
            }
            apply(&mut document, op, path.as_ref(), value).map_err(at)?;
        }
        UserFields::read(&Value::Object(document))
    }
}

/// Narrows a resource to the `attributes` asked for, or drops the `excluded` ones (RFC 7644
/// 3.4.2.5); `id` and `schemas` are always returned. Names may be `name.sub` or URN-qualified.
pub fn project(resource: &mut Map<String, Value>, attributes: &[&str], excluded: &[&str]) {
    let place = |name: &str| -> (Option<&'static str>, String, Option<String>) {
        if let Some(schema) = Schema::of_urn(name) {
            return (Some(schema.urn()), String::new(), None);
        }
        let (urn, attribute, sub) = super::filter::split_attribute(name);
        let schema = urn.as_deref().and_then(Schema::of_urn).filter(|schema| *schema != Schema::Core);
        (schema.map(Schema::urn), attribute, sub)
    };
    if !attributes.is_empty() {
        let mut kept = Map::new();
        for name in attributes {
            let (schema, attribute, sub) = place(name);
            let (source, target) = match schema {
                Some(urn) => {
                    let Some(Value::Object(source)) = find(resource, urn) else { continue };
                    if attribute.is_empty() {
                        kept.insert(urn.to_owned(), Value::Object(source.clone()));
                        continue;
                    }
                    let target = kept.entry(urn.to_owned()).or_insert_with(|| json!({}));
                    (source, target.as_object_mut().expect("made an object above"))
                }
                None => (&*resource, &mut kept),
            };
            let key = canonical_key(source, &attribute);
            match (source.get(&key), sub) {
                (Some(Value::Object(inner)), Some(sub)) => {
                    let sub_key = canonical_key(inner, &sub);
                    if let Some(value) = inner.get(&sub_key) {
                        let entry = target.entry(key).or_insert_with(|| json!({}));
                        if let Value::Object(entry) = entry {
                            entry.insert(sub_key, value.clone());
                        }
                    }
                }
                (Some(value), _) => {
                    target.insert(key, value.clone());
                }
                (None, _) => {}
            }
        }
        for always in ["schemas", "id"] {
            if let Some(value) = resource.get(always) {
                kept.insert(always.to_owned(), value.clone());
            }
        }
        *resource = kept;
    }
    for name in excluded {
        let (schema, attribute, sub) = place(name);
        if schema.is_none() && ["schemas", "id"].iter().any(|always| always.eq_ignore_ascii_case(&attribute)) {
            continue;
        }
        let container = match schema {
            Some(urn) if attribute.is_empty() => {
                let key = canonical_key(resource, urn);
                resource.remove(&key);
                continue;
            }
            Some(urn) => match resource.get_mut(&canonical_key(resource, urn)) {
                Some(Value::Object(inner)) => inner,
                _ => continue,
            },
            None => &mut *resource,
        };
        let key = canonical_key(container, &attribute);
        match sub {
            Some(sub) => {
                if let Some(inner) = container.get_mut(&key) {
                    remove_key(inner, &sub);
                }
            }
            None => {
                container.remove(&key);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Add,
    Replace,
    Remove,
}

/// One attribute a path resolves to.
struct Target {
    schema: Schema,
    attribute: &'static str,
    shape: Shape,
    value_filter: Option<Filter>,
    sub: Option<String>,
}

/// The stored attribute `path` names; `None` for one the service does not store.
fn resolve(path: &AttrPath) -> Result<Option<Target>, ScimError> {
    let schema = match &path.urn {
        Some(urn) => match Schema::of_urn(urn) {
            Some(schema) => Some(schema),
            None => return Ok(None),
        },
        None => None,
    };
    if schema.is_none_or(|schema| schema == Schema::Core)
        && READ_ONLY.iter().any(|read_only| read_only.eq_ignore_ascii_case(&path.name))
    {
        return Err(ScimError::mutability(format!("{} is read-only", path.name)));
    }
    // Un-prefixed names are core attributes first; some clients leave extension URNs out.
    let found = ATTRIBUTES
        .iter()
        .find(|(owner, name, _)| schema.is_none_or(|schema| schema == *owner) && name.eq_ignore_ascii_case(&path.name));
    Ok(found.map(|(schema, attribute, shape)| Target {
        schema: *schema,
        attribute,
        shape: *shape,
        value_filter: path.value_filter.as_deref().cloned(),
        sub: path.sub.clone(),
    }))
}

/// Applies one operation to the resource's attributes.
fn apply(
    document: &mut Map<String, Value>,
    op: Operation,
    path: Option<&AttrPath>,
    value: &Value,
) -> Result<(), ScimError> {
    let Some(path) = path else {
        if op == Operation::Remove {
            return Err(ScimError::no_target("remove needs a \"path\""));
        }
        let Value::Object(entries) = value else {
            return Err(ScimError::invalid_value("without a \"path\", the value must be an object of attributes"));
        };
        for (key, value) in entries {
            match Schema::of_urn(key) {
                // `{"urn:...:enterprise:2.0:User": {"department": "..."}}`
                Some(schema) if schema != Schema::Core || value.is_object() => {
                    let Value::Object(inner) = value else {
                        return Err(ScimError::invalid_value(format!("{key} must be an object")));
                    };
                    for (name, value) in inner {
                        let path = parse_path(&format!("{}:{name}", schema.urn()))?;
                        apply(document, op, Some(&path), value)?;
                    }
                }
                _ => apply(document, op, Some(&parse_path(key)?), value)?,
            }
        }
        return Ok(());
    };
    let Some(target) = resolve(path)? else { return Ok(()) };
    let container = container(document, target.schema);
    let key = canonical_key(container, target.attribute);
    if op == Operation::Remove {
        return remove(container, &key, &target);
    }
    match (target.shape, &target.value_filter, &target.sub) {
        (Shape::MultiValued, Some(filter), sub) => {
            let elements = elements(container, &key);
            let mut matched = false;
            for element in elements.iter_mut().filter(|element| element_matches(filter, element)) {
                matched = true;
                set_in_element(element, sub.as_deref(), value, op);
            }
            if !matched {
                let mut element = Value::Object(equalities(filter));
                set_in_element(&mut element, sub.as_deref(), value, op);
                elements.push(element);
            }
        }
        (Shape::MultiValued, None, Some(sub)) => {
            let elements = elements(container, &key);
            if elements.is_empty() {
                elements.push(json!({}));
            }
            for element in elements.iter_mut() {
                set_in_element(element, Some(sub), value, op);
            }
        }
        (Shape::MultiValued, None, None) => {
            let mut new = match value {
                Value::Array(values) => values.clone(),
                Value::Null => Vec::new(),
                other => vec![other.clone()],
            };
            let elements = elements(container, &key);
            if op == Operation::Add {
                elements.append(&mut new);
            } else {
                *elements = new;
            }
        }
        (Shape::Complex, _, Some(sub)) => {
            let entry = container.entry(key).or_insert_with(|| json!({}));
            if !entry.is_object() {
                // A manager given as a bare id is `{"value": id}`.
                *entry = json!({ "value": entry.clone() });
            }
            set_in_element(entry, Some(sub), value, op);
        }
        (Shape::Complex, _, None) => match (container.get_mut(&key), value, op) {
            (Some(Value::Object(existing)), Value::Object(new), Operation::Add) => {
                existing.extend(new.iter().map(|(key, value)| (key.clone(), value.clone())));
            }
            _ => {
                container.insert(key, value.clone());
            }
        },
        (Shape::Simple, _, Some(sub)) => {
            return Err(ScimError::invalid_path(format!("{} has no sub-attribute {sub}", target.attribute)));
        }
        (Shape::Simple, _, None) => {
            container.insert(key, value.clone());
        }
    }
    Ok(())
}

fn remove(container: &mut Map<String, Value>, key: &str, target: &Target) -> Result<(), ScimError> {
    match (&target.value_filter, &target.sub) {
        (Some(filter), sub) => {
            let elements = elements(container, key);
            match sub {
                Some(sub) => elements
                    .iter_mut()
                    .filter(|element| element_matches(filter, element))
                    .for_each(|element| remove_key(element, sub)),
                None => elements.retain(|element| !element_matches(filter, element)),
            }
        }
        (None, Some(sub)) => match container.get_mut(key) {
            Some(Value::Array(elements)) => elements.iter_mut().for_each(|element| remove_key(element, sub)),
            Some(element) => remove_key(element, sub),
            None => {}
        },
        (None, None) => {
            container.remove(key);
        }
    }
    Ok(())
}

fn remove_key(element: &mut Value, name: &str) {
    if let Value::Object(map) = element {
        let key = canonical_key(map, name);
        map.remove(&key);
    }
}

fn set_in_element(element: &mut Value, sub: Option<&str>, value: &Value, op: Operation) {
    match (sub, element) {
        (Some(sub), Value::Object(map)) => {
            let key = canonical_key(map, sub);
            map.insert(key, value.clone());
        }
        (None, Value::Object(map)) if op == Operation::Add => {
            if let Value::Object(new) = value {
                map.extend(new.iter().map(|(key, value)| (key.clone(), value.clone())));
            }
        }
        (_, element) => *element = value.clone(),
    }
}

/// The object an attribute of `schema` lives in: the resource itself, or its extension object.
fn container(document: &mut Map<String, Value>, schema: Schema) -> &mut Map<String, Value> {
    if schema == Schema::Core {
        return document;
    }
    let key = canonical_key(document, schema.urn());
    let entry = document.entry(key).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    entry.as_object_mut().expect("made an object above")
}

/// The multi-valued attribute at `key` as a list (a single value becomes a list of one).
fn elements<'m>(container: &'m mut Map<String, Value>, key: &str) -> &'m mut Vec<Value> {
    let entry = container.entry(key.to_owned()).or_insert_with(|| json!([]));
    if !entry.is_array() {
        *entry = if entry.is_null() { json!([]) } else { json!([entry.clone()]) };
    }
    entry.as_array_mut().expect("made an array above")
}

/// The key `name` already has in `map` (any case), else `name`: one key per attribute.
fn canonical_key(map: &Map<String, Value>, name: &str) -> String {
    map.keys().find(|key| key.eq_ignore_ascii_case(name)).cloned().unwrap_or_else(|| name.to_owned())
}

fn find<'m>(map: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
    map.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value)
}

/// Whether one value of a multi-valued attribute passes a value filter (`type eq "work"`).
fn element_matches(filter: &Filter, element: &Value) -> bool {
    let Value::Object(map) = element else { return false };
    match filter {
        Filter::And(left, right) => element_matches(left, element) && element_matches(right, element),
        Filter::Or(left, right) => element_matches(left, element) || element_matches(right, element),
        Filter::Not(inner) => !element_matches(inner, element),
        Filter::Present(path) => find(map, &path.name).is_some_and(|value| !value.is_null()),
        Filter::Has(..) => false,
        Filter::Compare(path, op, literal) => {
            let value = find(map, &path.name).unwrap_or(&Value::Null);
            match (value, literal) {
                (Value::String(text), Literal::Text(wanted)) => {
                    let (text, wanted) = (text.to_lowercase(), wanted.to_lowercase());
                    match op {
                        CompareOp::Eq => text == wanted,
                        CompareOp::Ne => text != wanted,
                        CompareOp::Co => text.contains(&wanted),
                        CompareOp::Sw => text.starts_with(&wanted),
                        CompareOp::Ew => text.ends_with(&wanted),
                        CompareOp::Gt => text > wanted,
                        CompareOp::Ge => text >= wanted,
                        CompareOp::Lt => text < wanted,
                        CompareOp::Le => text <= wanted,
                    }
                }
                (Value::Bool(flag), Literal::Bool(wanted)) => match op {
                    CompareOp::Eq => flag == wanted,
                    CompareOp::Ne => flag != wanted,
                    _ => false,
                },
                (Value::Null, Literal::Null) => *op == CompareOp::Eq,
                _ => *op == CompareOp::Ne,
            }
        }
    }
}

/// The `attr eq value` parts of a value filter, as the new value an add creates when none matched.
fn equalities(filter: &Filter) -> Map<String, Value> {
    let mut map = Map::new();
    match filter {
        Filter::And(left, right) => {
            map.extend(equalities(left));
            map.extend(equalities(right));
        }
        Filter::Compare(path, CompareOp::Eq, Literal::Text(text)) => {
            map.insert(path.name.clone(), Value::from(text.clone()));
        }
        Filter::Compare(path, CompareOp::Eq, Literal::Bool(flag)) => {
            map.insert(path.name.clone(), Value::from(*flag));
        }
        _ => {}
    }
    map
}

fn string(map: &Map<String, Value>, key: &str, label: &str) -> Result<Option<String>, ScimError> {
    match find(map, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.trim().to_owned()).filter(|text| !text.is_empty())),
        Some(_) => Err(ScimError::invalid_value(format!("{label} must be a string"))),
    }
}

/// `true`/`false`, or the strings Entra ID sends ("True", "False").
fn boolean(value: Option<&Value>, label: &str) -> Result<Option<bool>, ScimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(ScimError::invalid_value(format!("{label} must be true or false, not {other}"))),
    }
}

fn level(value: Option<&Value>) -> Result<Option<i32>, ScimError> {
    let number = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number.as_i64(),
        Some(Value::String(text)) => text.trim().parse::<i64>().ok(),
        Some(_) => None,
    };
    number
        .and_then(|number| i32::try_from(number).ok())
        .map(Some)
        .ok_or_else(|| ScimError::invalid_value("level must be a whole number"))
}

/// The work e-mail, else the primary one, else the first.
fn work_email(value: Option<&Value>) -> Result<Option<String>, ScimError> {
    let elements: Vec<&Map<String, Value>> = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(map)) => vec![map],
        Some(_) => return Err(ScimError::invalid_value("emails must be a list of {value, type}")),
    };
    let is = |map: &&Map<String, Value>, key: &str, wanted: &Value| {
        find(map, key).is_some_and(|value| match (value, wanted) {
            (Value::String(a), Value::String(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        })
    };
    let chosen = elements
        .iter()
        .find(|map| is(map, "type", &Value::from("work")))
        .or_else(|| elements.iter().find(|map| is(map, "primary", &Value::Bool(true))))
        .or_else(|| elements.first());
    chosen.map(|map| string(map, "value", "emails.value")).transpose().map(Option::flatten)
}

/// The manager's id: `{"value": id}`, or the bare id Entra ID sends in a PATCH.
fn manager(value: Option<&Value>) -> Result<Option<String>, ScimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) => Ok(Some(id.trim().to_owned()).filter(|id| !id.is_empty())),
        Some(Value::Object(map)) => string(map, "value", "manager.value"),
        Some(_) => Err(ScimError::invalid_value("manager must be {\"value\": id}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> UserFields {
        UserFields::read(&json!({
            "schemas": [CORE, ENTERPRISE],
            "userName": "ada@example.com",
            "externalId": "ext-1",
            "name": { "givenName": "Ada", "familyName": "Lovelace" },
            "emails": [{ "value": "home@example.com", "type": "home" }, { "value": "ada@example.com", "type": "work" }],
            "active": true,
            ENTERPRISE: { "employeeNumber": "E1", "department": "R&D", "manager": { "value": "m-1" } },
            PROFILE: { "level": 4, "generation": "gen_z", "hiredOn": "2024-03-01" }
        }))
        .unwrap()
    }

    #[test]
    fn a_resource_reads_into_what_is_stored() {
        let ada = ada();
        assert_eq!(ada.display_name.as_deref(), Some("Ada Lovelace"), "given and family names when no displayName");
        assert_eq!(ada.email.as_deref(), Some("ada@example.com"), "the work address");
        assert_eq!(ada.employee_number.as_deref(), Some("E1"));
        assert_eq!(ada.manager.as_deref(), Some("m-1"));
        assert_eq!((ada.level, ada.generation), (Some(4), Some(Generation::GenZ)));
        assert_eq!(ada.hired_on, NaiveDate::from_ymd_opt(2024, 3, 1));
        let written = Value::Object(ada.attributes(Some("https://x/Users/m-1")));
        assert_eq!(written[ENTERPRISE]["manager"], json!({ "value": "m-1", "$ref": "https://x/Users/m-1" }));
        assert_eq!(UserFields::read(&written).unwrap(), ada, "what is written reads back the same");
    }

    #[test]
    fn entra_patches_with_capitalised_ops_string_booleans_and_urn_paths() {
        let request = json!({ "schemas": [PATCH_OP], "Operations": [
            { "op": "Replace", "path": "active", "value": "False" },
            { "op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": "m-2" },
            { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada@new.example" },
            { "op": "Replace", "value": { "displayName": "Ada L.", format!("{ENTERPRISE}:department"): "Ops",
                                          "preferredLanguage": "en-GB" } }
        ]});
        let patched = ada().patched(&request).unwrap();
        assert_eq!(patched.active, Some(false));
        assert_eq!(patched.manager.as_deref(), Some("m-2"));
        assert_eq!(patched.email.as_deref(), Some("ada@new.example"));
        assert_eq!(patched.display_name.as_deref(), Some("Ada L."));
        assert_eq!(patched.department.as_deref(), Some("Ops"));
        assert_eq!(patched.level, Some(4), "untouched attributes stay");
    }

    #[test]
    fn okta_deactivates_with_a_pathless_replace_and_removes_by_path() {
        let off = ada().patched(&json!({ "Operations": [{ "op": "replace", "value": { "active": false } }] })).unwrap();
        assert_eq!(off.active, Some(false));
        let removed = ada()
            .patched(&json!({ "Operations": [
                { "op": "remove", "path": format!("{ENTERPRISE}:manager") },
                { "op": "remove", "path": "emails[type eq \"work\"]" },
                { "op": "replace", "value": { PROFILE: { "level": "7" } } }
            ]}))
            .unwrap();
        assert_eq!((removed.manager, removed.email, removed.level), (None, None, Some(7)));
    }

    #[test]
    fn put_replaces_what_it_sends_and_keeps_the_rest() {
        let put =
            ada().replaced(&json!({ "id": "ignored", "userName": "ada2@example.com", "title": "Engineer" })).unwrap();
        assert_eq!(put.user_name.as_deref(), Some("ada2@example.com"));
        assert_eq!(put.title.as_deref(), Some("Engineer"));
        assert_eq!(put.department.as_deref(), Some("R&D"));
    }

    #[test]
    fn bad_operations_are_refused_in_scims_words() {
        for (request, scim_type) in [
            (json!({}), "invalidSyntax"),
            (json!({ "Operations": [{ "op": "move", "path": "title", "value": "x" }] }), "invalidSyntax"),
            (json!({ "Operations": [{ "op": "remove" }] }), "noTarget"),
            (json!({ "Operations": [{ "op": "replace", "path": "id", "value": "x" }] }), "mutability"),
            (json!({ "Operations": [{ "op": "replace", "path": "meta.created", "value": "x" }] }), "mutability"),
            (json!({ "Operations": [{ "op": "replace", "path": "active", "value": "maybe" }] }), "invalidValue"),
            (json!({ "Operations": [{ "op": "replace", "path": "title[", "value": "x" }] }), "invalidPath"),
            (
                json!({ "Operations": [{ "op": "replace", "value": { PROFILE: { "generation": "X" } } }] }),
                "invalidValue",
            ),
        ] {
            let error = ada().patched(&request).unwrap_err();
            assert_eq!(error.scim_type, Some(scim_type), "{request}: {}", error.detail);
        }
    }

    #[test]
    fn projections_keep_or_drop_attributes_and_always_keep_the_id() {
        let mut resource = ada().attributes(None);
        resource.insert("id".into(), json!("x"));
        resource.insert("schemas".into(), json!([CORE]));
        let mut narrowed = resource.clone();
        project(&mut narrowed, &["userName", &format!("{ENTERPRISE}:department")], &[]);
        assert_eq!(
            Value::Object(narrowed),
            json!({ "id": "x", "schemas": [CORE], "userName": "ada@example.com", ENTERPRISE: { "department": "R&D" } })
        );
        project(&mut resource, &[], &["emails", "id", PROFILE]);
        assert!(resource.contains_key("id") && !resource.contains_key("emails") && !resource.contains_key(PROFILE));
    }
}
