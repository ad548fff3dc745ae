//! Checks on free text shared by every aggregate: required names, length limits, e-mail and URI shape.

use super::{DomainError, invalid};

/// Trims a required text field and checks it is non-empty and at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(format!("{field} must not be empty")));
    }
    limited(field, trimmed, max)
}

/// Trims an optional text field; blank becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => limited(field, text, max).map(Some),
    }
}

/// Checks a length limit without trimming (descriptions keep their layout).
pub fn limited(field: &str, value: &str, max: usize) -> Result<String, DomainError> {
    let length = value.chars().count();
    if length > max {
        return Err(invalid(format!("{field} is {length} characters long; at most {max} are allowed")));
    }
    Ok(value.to_owned())
}

/// A light e-mail check: one `@` with text on both sides and a dot in the domain.
/// Directories hold odd but valid addresses, so this only rejects obvious mistakes.
pub fn email(field: &str, value: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(address) = optional(field, value, 320)? else { return Ok(None) };
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !address.contains(char::is_whitespace)
        }
        None => false,
    };
    if valid { Ok(Some(address)) } else { Err(invalid(format!("{field} '{address}' is not an e-mail address"))) }
}

/// An absolute http(s) or urn URI, such as an ESCO skill IRI.
pub fn uri(field: &str, value: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(uri) = optional(field, value, 500)? else { return Ok(None) };
    let scheme_ok = ["http://", "https://", "urn:"].iter().any(|scheme| uri.starts_with(scheme));
    if scheme_ok && !uri.contains(char::is_whitespace) {
        Ok(Some(uri))
    } else {
        Err(invalid(format!("{field} '{uri}' must be an absolute http(s):// or urn: URI")))
    }
}

/// A number within an inclusive range.
pub fn in_range(field: &str, value: i32, min: i32, max: i32) -> Result<i32, DomainError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(format!("{field} must be between {min} and {max}, got {value}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required("name", "  Ada  ", 10), Ok("Ada".into()));
        assert_eq!(required("name", "   ", 10), Err(invalid("name must not be empty")));
        assert!(required("name", &"x".repeat(11), 10).unwrap_err().to_string().contains("at most 10"));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(email("email", Some("ada@acme.example")), Ok(Some("ada@acme.example".into())));
        assert_eq!(email("email", Some("")), Ok(None));
        for bad in ["ada", "@acme.com", "ada@acme", "ada@.com", "a da@acme.com", "a@b@c.com"] {
            assert!(email("email", Some(bad)).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn uris_must_be_absolute() {
        assert!(uri("externalUri", Some("http://data.europa.eu/esco/skill/abc")).is_ok());
        assert!(uri("externalUri", Some("urn:esco:skill:1")).is_ok());
        assert!(uri("externalUri", Some("esco/skill")).is_err());
    }

    #[test]
    fn ranges_are_inclusive() {
        assert_eq!(in_range("level", 1, 1, 5), Ok(1));
        assert_eq!(in_range("level", 5, 1, 5), Ok(5));
        assert!(in_range("level", 6, 1, 5).is_err());
    }
}
