//! Opaque global ids (`Node.id`) and connection cursors: base64url of `Type:number`,
//! so clients never build ids by hand and the store's keys can change later.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::admission::short;
use crate::error::{Error, Result};

/// The kinds of object that have global ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person.
    Person,
    /// A catalogue skill.
    Skill,
    /// A program.
    Program,
    /// An enrolment.
    Enrollment,
    /// An audit event.
    AuditEvent,
    /// A mentoring relationship.
    Match,
    /// A self-service match request.
    MatchRequest,
    /// A logged meeting.
    Meeting,
    /// A skill learned in a match.
    Learning,
    /// One side's feedback on a match.
    Feedback,
    /// A SCIM client's secret.
    ScimToken,
    /// An LMS's or LRS's Basic-auth client.
    LrsClient,
    /// A program's preparation course.
    PreparationCourse,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Person => "Person",
            Kind::Skill => "Skill",
            Kind::Program => "Program",
            Kind::Enrollment => "Enrollment",
            Kind::AuditEvent => "AuditEvent",
            Kind::Match => "Match",
            Kind::MatchRequest => "MatchRequest",
            Kind::Meeting => "Meeting",
            Kind::Learning => "Learning",
            Kind::Feedback => "Feedback",
            Kind::ScimToken => "ScimToken",
            Kind::LrsClient => "LrsClient",
            Kind::PreparationCourse => "PreparationCourse",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        [
            Kind::Person,
            Kind::Skill,
            Kind::Program,
            Kind::Enrollment,
            Kind::AuditEvent,
            Kind::Match,
            Kind::MatchRequest,
            Kind::Meeting,
            Kind::Learning,
            Kind::Feedback,
            Kind::ScimToken,
            Kind::LrsClient,
            Kind::PreparationCourse,
        ]
        .into_iter()
        .find(|kind| kind.name() == name)
    }
}

/// The global id of row `id` of `kind`.
pub fn encode(kind: Kind, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Reads any global id.
pub fn decode_any(id: &str) -> Result<(Kind, i64)> {
    let malformed = || Error::BadInput(format!("'{}' is not an id this service issued", short(id)));
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (kind, number) = text.split_once(':').ok_or_else(malformed)?;
    let kind = Kind::parse(kind).ok_or_else(malformed)?;
    let number = number.parse::<i64>().ok().filter(|number| *number > 0).ok_or_else(malformed)?;
    Ok((kind, number))
}

/// Reads a global id that must be of `kind`; `field` names the argument in the error.
pub fn decode(field: &str, id: &ID, kind: Kind) -> Result<i64> {
    let (found, number) = decode_any(id)
        .map_err(|_| Error::BadInput(format!("{field}: '{}' is not an id this service issued", short(id.as_str()))))?;
    if found != kind {
        return Err(Error::BadInput(format!("{field}: expected a {} id, got a {} id", kind.name(), found.name())));
    }
    Ok(number)
}

/// A connection cursor for row `id` of `kind`: it is only accepted back by connections of that kind.
pub fn cursor(kind: Kind, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{}:{id}", kind.name()))
}

/// Reads a cursor this service issued for a connection of `kind`.
pub fn decode_cursor(field: &str, cursor: &str, kind: Kind) -> Result<i64> {
    let text = URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|bytes| String::from_utf8(bytes).ok());
    let parts = text.as_deref().and_then(|text| text.strip_prefix("cursor:")).and_then(|rest| rest.split_once(':'));
    match parts {
        Some((found, number)) if found == kind.name() => number
            .parse()
            .map_err(|_| Error::BadInput(format!("{field}: '{}' is not a cursor this service issued", short(cursor)))),
        Some((found, _)) => Err(Error::BadInput(format!(
            "{field}: this cursor belongs to a list of {}, not of {}",
            short(found),
            kind.name()
        ))),
        None => Err(Error::BadInput(format!("{field}: '{}' is not a cursor this service issued", short(cursor)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_kind() {
        let id = encode(Kind::Program, 42);
        assert_eq!(decode("id", &id, Kind::Program), Ok(42));
        let error = decode("id", &id, Kind::Person).unwrap_err();
        assert_eq!(error, Error::BadInput("id: expected a Person id, got a Program id".into()));
    }

    #[test]
    fn malformed_ids_and_cursors_are_bad_input() {
        for bad in ["", "!!!", "UGVyc29u", "UGVyc29uOi0x", "Zm9vOjE"] {
            assert!(matches!(decode_any(bad), Err(Error::BadInput(_))), "{bad}");
        }
        assert_eq!(decode_cursor("after", &cursor(Kind::Skill, 7), Kind::Skill), Ok(7));
        assert!(decode_cursor("after", "nope", Kind::Skill).is_err());
        let elsewhere = decode_cursor("after", &cursor(Kind::Skill, 7), Kind::Person).unwrap_err();
        assert_eq!(elsewhere, Error::BadInput("after: this cursor belongs to a list of Skill, not of Person".into()));
        let huge = "x".repeat(100_000);
        assert!(decode_cursor("after", &huge, Kind::Person).unwrap_err().message().len() < 100, "no echo");
    }
}
