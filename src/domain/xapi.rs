//! Training records as xAPI 1.0.3 statements: what each kind of record says to a learning
//! platform, the stable ids that make a re-derivation give the same statements, and how a
//! changed record becomes a voiding statement and a new one, never an edited statement.
//!
//! Agenda, notes, comments and names of people never appear: a person is their employee id.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::relationship::{MatchStatus, PairSide};
use super::{DomainError, invalid, text_enum};

/// The xAPI version every statement and response carries.
pub const VERSION: &str = "1.0.3";

/// Verb IRIs.
pub mod verbs {
    /// An accepted enrolment.
    pub const REGISTERED: &str = "http://adlnet.gov/expapi/verbs/registered";
    /// A meeting held, for each of the two people.
    pub const ATTENDED: &str = "http://adlnet.gov/expapi/verbs/attended";
    /// A confirmed learning.
    pub const ACHIEVED: &str = "https://w3id.org/xapi/tla/verbs/achieved";
    /// A completed relationship, for each of the two people; a completed course, from the LMS.
    pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
    /// A passed course, from the LMS.
    pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
    /// A statement withdrawn because its record changed or went away.
    pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
}

const MEETING_TYPE: &str = "http://adlnet.gov/expapi/activities/meeting";
const COMPETENCY_TYPE: &str = "https://w3id.org/xapi/tla/activity-types/competency";
const PROGRAM_TYPE: &str = "http://adlnet.gov/expapi/activities/course";
const RELATIONSHIP_TYPE: &str = "http://id.tincanapi.com/activitytype/mentoring";

/// The namespace of every UUIDv5 this service derives (statement ids, registrations).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_2c3a_8b4e_4f5a_9c7d_0e1f_2a3b_4c5d);

/// Where a deployment's IRIs live: activities, extensions and the accounts' home page all
/// start with one configured base URL, so statements from two deployments never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    base: String,
    actors: ActorForm,
}

text_enum! {
    /// How statements name people, chosen per organisation.
    ActorForm {
        /// `account {homePage: the service, name: employee id}`.
        Account => "ACCOUNT",
        /// `mbox: mailto:e-mail`, for people with an e-mail (others by account).
        Mbox => "MBOX",
    }
}

/// A person as statements name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Learner<'a> {
    pub employee_id: &'a str,
    pub email: Option<&'a str>,
}

/// Where IRIs live unless configured: the service on its default address.
pub const DEFAULT_BASE: &str = "http://localhost:8080/xapi";

impl Default for Identity {
    fn default() -> Identity {
        Identity { base: DEFAULT_BASE.to_owned(), actors: ActorForm::Account }
    }
}

impl Identity {
    /// An identity under `base`, an absolute http(s) URL.
    pub fn new(base: &str) -> Result<Identity, DomainError> {
        let base = base.trim().trim_end_matches('/');
        let rest = base.strip_prefix("https://").or_else(|| base.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !base.contains(char::is_whitespace) => {
                Ok(Identity { base: base.to_owned(), actors: ActorForm::Account })
            }
            _ => Err(invalid(format!("the xAPI base '{base}' must be an absolute http(s) URL"))),
        }
    }

    /// The same identity naming people the way an organisation chose.
    pub fn naming(&self, actors: ActorForm) -> Identity {
        Identity { actors, ..self.clone() }
    }

    /// The accounts' home page: the service itself.
    pub fn home_page(&self) -> &str {
        &self.base
    }

    fn activity(&self, org: &str, kind: &str, id: i64) -> String {
        format!("{}/activities/{}/{kind}/{id}", self.base, escape(org))
    }

    fn extension(&self, name: &str) -> String {
        format!("{}/extensions/{name}", self.base)
    }

    /// The statements' authority: this service.
    pub fn authority(&self) -> Value {
        json!({ "objectType": "Agent", "account": { "homePage": self.base, "name": "reverse-mentoring" } })
    }

    /// The key statements about `person` are filtered by.
    pub fn agent_key(&self, person: Learner<'_>) -> String {
        self.agent(person).1
    }

    fn agent(&self, person: Learner<'_>) -> (Value, String) {
        match (self.actors, person.email) {
            (ActorForm::Mbox, Some(email)) => {
                let mbox = format!("mailto:{email}");
                (json!({ "objectType": "Agent", "mbox": mbox }), format!("mbox:{mbox}"))
            }
            _ => {
                let account = json!({ "homePage": self.base, "name": person.employee_id });
                (json!({ "objectType": "Agent", "account": account }), account_key(&self.base, person.employee_id))
            }
        }
    }
}

/// The key an account agent is filtered by.
pub fn account_key(home_page: &str, name: &str) -> String {
    format!("account:{home_page}|{name}")
}

/// Percent-encodes an organisation id for an IRI path segment.
fn escape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The registration UUID of a relationship or an enrolment, the same on every derivation.
pub fn registration(org: &str, kind: &str, id: i64) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{org}/{kind}/{id}").as_bytes())
}

/// An ISO 8601 duration of whole minutes (`PT1H30M`).
pub fn minutes_duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, minutes) => format!("PT{minutes}M"),
        (hours, 0) => format!("PT{hours}H"),
        (hours, minutes) => format!("PT{hours}H{minutes}M"),
    }
}

/// The instant as xAPI writes it: RFC 3339, UTC, microseconds (the precision `stored` is kept
/// in, so a client's `since` taken from one statement never matches it again).
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// A relationship as its statements see it.
#[derive(Debug, Clone)]
pub struct Relationship<'a> {
    pub id: i64,
    pub program_id: i64,
    pub status: MatchStatus,
    pub mentor: Learner<'a>,
    pub mentee: Learner<'a>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// A meeting held.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: i64,
    pub held_at: DateTime<Utc>,
    pub minutes: i32,
}

/// A skill learned by one side.
#[derive(Debug, Clone)]
pub struct Learning<'a> {
    pub id: i64,
    pub learner: PairSide,
    pub skill_id: i64,
    pub skill_name: &'a str,
    /// The skill's IRI elsewhere (e.g. ESCO), used as the activity id when present.
    pub skill_uri: Option<&'a str>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// An enrolment in a program.
#[derive(Debug, Clone)]
pub struct Enrollment<'a> {
    pub id: i64,
    pub program_id: i64,
    pub program_name: &'a str,
    pub person: Learner<'a>,
    pub accepted: bool,
    pub enrolled_at: DateTime<Utc>,
}

/// A statement derived from a record, before it is given its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// The record it says something about, e.g. `meeting:42:MENTOR`; at most one live
    /// statement per source.
    pub source: String,
    pub verb: &'static str,
    /// The actor's key.
    pub agent: String,
    /// The object activity's IRI.
    pub activity: String,
    pub registration: Option<Uuid>,
    /// The statement without `id`, `stored`, `authority` and `version`.
    pub statement: Value,
}

impl Derived {
    /// The statement's id: a UUIDv5 of the organisation, the source and the content, so the
    /// same record gives the same id on every derivation. `generation` separates a record
    /// that comes back to content it had before (that statement was voided: ids are never reused).
    pub fn id(&self, org: &str, generation: u32) -> Uuid {
        let mut name = format!("{org}\n{}\n{}", self.source, self.statement);
        if generation > 0 {
            name.push_str(&format!("\n{generation}"));
        }
        Uuid::new_v5(&NAMESPACE, name.as_bytes())
    }
}

/// The statements a relationship's records say: `attended` for both people per meeting,
/// `achieved` per confirmed learning, and `completed` for both people once it completed.
pub fn relationship_statements(
    identity: &Identity,
    org: &str,
    pair: &Relationship<'_>,
    meetings: &[Meeting],
    learnings: &[Learning<'_>],
) -> Vec<Derived> {
    if !pair.status.was_relationship() {
        return Vec::new();
    }
    let registration = registration(org, "relationship", pair.id);
    let program = identity.activity(org, "programs", pair.program_id);
    let relationship = identity.activity(org, "relationships", pair.id);
    let context = |instructor: Option<Learner<'_>>| {
        let mut context = json!({
            "registration": registration.to_string(),
            "contextActivities": {
                "parent": [{ "id": program, "definition": { "type": PROGRAM_TYPE } }],
                "grouping": [{ "id": relationship, "definition": { "type": RELATIONSHIP_TYPE } }],
            },
            "platform": "reverse-mentoring",
        });
        if let Some(instructor) = instructor {
            context["instructor"] = identity.agent(instructor).0;
        }
        context
    };
    let person = |side: PairSide| match side {
        PairSide::Mentor => pair.mentor,
        PairSide::Mentee => pair.mentee,
    };
    let other = |side: PairSide| match side {
        PairSide::Mentor => PairSide::Mentee,
        PairSide::Mentee => PairSide::Mentor,
    };
    let mut derived = Vec::new();
    for meeting in meetings {
        let activity = identity.activity(org, "meetings", meeting.id);
        for side in [PairSide::Mentor, PairSide::Mentee] {
            let (actor, agent) = identity.agent(person(side));
            let statement = json!({
                "actor": actor,
                "verb": { "id": verbs::ATTENDED, "display": { "en-US": "attended" } },
                "object": { "objectType": "Activity", "id": activity,
                            "definition": { "type": MEETING_TYPE, "name": { "en-US": "Mentoring meeting" } } },
                "result": { "duration": minutes_duration(i64::from(meeting.minutes)) },
                "context": context(None),
                "timestamp": instant(meeting.held_at),
            });
            derived.push(Derived {
                source: format!("meeting:{}:{side}", meeting.id),
                verb: verbs::ATTENDED,
                agent,
                activity: activity.clone(),
                registration: Some(registration),
                statement,
            });
        }
    }
    let skill_activity = |learning: &Learning<'_>| {
        learning.skill_uri.map_or_else(|| identity.activity(org, "skills", learning.skill_id), str::to_owned)
    };
    for learning in learnings {
        let Some(confirmed_at) = learning.confirmed_at else { continue };
        let (actor, agent) = identity.agent(person(learning.learner));
        let activity = skill_activity(learning);
        let statement = json!({
            "actor": actor,
            "verb": { "id": verbs::ACHIEVED, "display": { "en-US": "achieved" } },
            "object": { "objectType": "Activity", "id": activity,
                        "definition": { "type": COMPETENCY_TYPE, "name": { "en-US": learning.skill_name } } },
            "context": context(Some(person(other(learning.learner)))),
            "timestamp": instant(confirmed_at),
        });
        derived.push(Derived {
            source: format!("learning:{}", learning.id),
            verb: verbs::ACHIEVED,
            agent,
            activity,
            registration: Some(registration),
            statement,
        });
    }
    if let (MatchStatus::Completed, Some(started), Some(ended)) = (pair.status, pair.started_on, pair.ended_on) {
        let days = (ended - started).num_days() + 1;
        let minutes: i64 = meetings.iter().map(|meeting| i64::from(meeting.minutes)).sum();
        for side in [PairSide::Mentor, PairSide::Mentee] {
            let (actor, agent) = identity.agent(person(side));
            let mut skills: Vec<String> = learnings
                .iter()
                .filter(|learning| learning.learner == side && learning.confirmed_at.is_some())
                .map(skill_activity)
                .collect();
            skills.sort();
            skills.dedup();
            // The mentor teaches the mentee; in reverse mentoring the mentee teaches back, so
            // the mentor's own record names the mentee as the one who taught them.
            let statement = json!({
                "actor": actor,
                "verb": { "id": verbs::COMPLETED, "display": { "en-US": "completed" } },
                "object": { "objectType": "Activity", "id": relationship,
                            "definition": { "type": RELATIONSHIP_TYPE,
                                            "name": { "en-US": "Reverse-mentoring relationship" } } },
                "result": {
                    "completion": true,
                    "duration": format!("P{days}D"),
                    "extensions": {
                        identity.extension("meetings"): meetings.len(),
                        identity.extension("meeting-duration"): minutes_duration(minutes),
                        identity.extension("skills"): skills,
                    },
                },
                "context": {
                    "registration": registration.to_string(),
                    "instructor": identity.agent(person(other(side))).0,
                    "contextActivities": { "parent": [{ "id": program, "definition": { "type": PROGRAM_TYPE } }] },
                    "platform": "reverse-mentoring",
                    "extensions": { identity.extension("role"): side.as_str() },
                },
                "timestamp": instant(day_start(ended)),
            });
            derived.push(Derived {
                source: format!("relationship:{}:{side}", pair.id),
                verb: verbs::COMPLETED,
                agent,
                activity: relationship.clone(),
                registration: Some(registration),
                statement,
            });
        }
    }
    derived
}

/// The statement an accepted enrolment says: `registered` in the program.
pub fn enrollment_statements(identity: &Identity, org: &str, enrollment: &Enrollment<'_>) -> Vec<Derived> {
    if !enrollment.accepted {
        return Vec::new();
    }
    let registration = registration(org, "enrollment", enrollment.id);
    let (actor, agent) = identity.agent(enrollment.person);
    let activity = identity.activity(org, "programs", enrollment.program_id);
    let statement = json!({
        "actor": actor,
        "verb": { "id": verbs::REGISTERED, "display": { "en-US": "registered" } },
        "object": { "objectType": "Activity", "id": activity,
                    "definition": { "type": PROGRAM_TYPE, "name": { "en-US": enrollment.program_name } } },
        "context": { "registration": registration.to_string(), "platform": "reverse-mentoring" },
        "timestamp": instant(enrollment.enrolled_at),
    });
    vec![Derived {
        source: format!("enrollment:{}", enrollment.id),
        verb: verbs::REGISTERED,
        agent,
        activity,
        registration: Some(registration),
        statement,
    }]
}

/// A statement already in the log for one of the sources being derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub statement_id: Uuid,
    pub source: String,
    /// Whether this is a voiding statement.
    pub voiding: bool,
    /// Whether a voiding statement targets it.
    pub voided: bool,
}

/// What to append to the log so that it says what the records say now.
#[derive(Debug, Clone, PartialEq)]
pub enum Append {
    /// Void a live statement whose record changed or went away.
    Void { target: Uuid },
    /// Issue a statement under this id.
    Issue { id: Uuid, derived: Derived },
}

/// Compares what the records say (`derived`) with what the log holds for the same sources
/// (`issued`, voided and voiding ones included), and gives the voids and new statements.
pub fn reconcile(org: &str, derived: Vec<Derived>, issued: &[Issued]) -> Vec<Append> {
    use std::collections::{BTreeMap, HashSet};
    let used: HashSet<Uuid> = issued.iter().map(|statement| statement.statement_id).collect();
    let mut live: BTreeMap<&str, Uuid> = issued
        .iter()
        .filter(|statement| !statement.voiding && !statement.voided)
        .map(|statement| (statement.source.as_str(), statement.statement_id))
        .collect();
    let (mut voids, mut issues) = (Vec::new(), Vec::new());
    for derived in derived {
        let current = live.remove(derived.source.as_str());
        let mut generation = 0;
        let id = loop {
            let id = derived.id(org, generation);
            if Some(id) == current || !used.contains(&id) {
                break id;
            }
            generation += 1;
        };
        if Some(id) == current {
            continue;
        }
        if let Some(target) = current {
            voids.push(Append::Void { target });
        }
        issues.push(Append::Issue { id, derived });
    }
    voids.extend(live.into_values().map(|target| Append::Void { target }));
    voids.extend(issues);
    voids
}

/// The voiding statement of `target`, issued by the same actor (a puller filtering by agent
/// sees the void of what it saw).
pub fn voiding(target: Uuid, actor: &Value) -> (Uuid, Value) {
    let id = Uuid::new_v5(&NAMESPACE, format!("void/{target}").as_bytes());
    let statement = json!({
        "actor": actor,
        "verb": { "id": verbs::VOIDED, "display": { "en-US": "voided" } },
        "object": { "objectType": "StatementRef", "id": target.to_string() },
    });
    (id, statement)
}

/// The statement as issued: its id, the authority and the version beside what it says.
pub fn issued_body(id: Uuid, mut statement: Value, identity: &Identity, timestamp: DateTime<Utc>) -> Value {
    if let Some(fields) = statement.as_object_mut() {
        fields.insert("id".into(), Value::String(id.to_string()));
        fields.insert("authority".into(), identity.authority());
        fields.insert("version".into(), Value::String(VERSION.into()));
        fields.entry("timestamp").or_insert_with(|| Value::String(instant(timestamp)));
    }
    statement
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Identity {
        Identity::new("https://mentoring.example.com/xapi/").unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn pair(status: MatchStatus) -> Relationship<'static> {
        Relationship {
            id: 7,
            program_id: 3,
            status,
            mentor: Learner { employee_id: "E1", email: Some("e1@acme.example") },
            mentee: Learner { employee_id: "E2", email: None },
            started_on: NaiveDate::from_ymd_opt(2026, 1, 1),
            ended_on: (status == MatchStatus::Completed).then(|| NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()),
        }
    }

    #[test]
    fn the_base_must_be_an_absolute_web_url() {
        assert_eq!(identity().home_page(), "https://mentoring.example.com/xapi");
        assert_eq!(Identity::new(DEFAULT_BASE).unwrap(), Identity::default());
        assert!(Identity::new("mentoring.example.com").is_err());
        assert!(Identity::new("https://").is_err());
        assert!(Identity::new("https://a b").is_err());
    }

    #[test]
    fn durations_are_iso_8601() {
        assert_eq!(minutes_duration(45), "PT45M");
        assert_eq!(minutes_duration(60), "PT1H");
        assert_eq!(minutes_duration(90), "PT1H30M");
        assert_eq!(minutes_duration(0), "PT0M");
    }

    #[test]
    fn a_relationship_says_attendance_achievements_and_completion() {
        let meetings = [Meeting { id: 11, held_at: at("2026-01-10T09:00:00Z"), minutes: 90 }];
        let learnings = [
            Learning {
                id: 21,
                learner: PairSide::Mentee,
                skill_id: 5,
                skill_name: "TikTok",
                skill_uri: None,
                confirmed_at: Some(at("2026-02-01T10:00:00Z")),
            },
            Learning {
                id: 22,
                learner: PairSide::Mentor,
                skill_id: 6,
                skill_name: "Negotiation",
                skill_uri: Some("http://data.europa.eu/esco/skill/abc"),
                confirmed_at: None,
            },
        ];
        let derived =
            relationship_statements(&identity(), "acme", &pair(MatchStatus::Completed), &meetings, &learnings);
        let sources: Vec<&str> = derived.iter().map(|statement| statement.source.as_str()).collect();
        assert_eq!(
            sources,
            ["meeting:11:MENTOR", "meeting:11:MENTEE", "learning:21", "relationship:7:MENTOR", "relationship:7:MENTEE"],
            "the unconfirmed learning says nothing yet"
        );
        let attended = &derived[0].statement;
        assert_eq!(attended["actor"]["account"]["name"], "E1");
        assert_eq!(attended["result"]["duration"], "PT1H30M");
        assert_eq!(attended["timestamp"], "2026-01-10T09:00:00.000000Z");
        assert_eq!(attended["object"]["id"], "https://mentoring.example.com/xapi/activities/acme/meetings/11");
        let achieved = &derived[2].statement;
        assert_eq!(achieved["actor"]["account"]["name"], "E2");
        assert_eq!(achieved["context"]["instructor"]["account"]["name"], "E1");
        assert_eq!(achieved["object"]["definition"]["type"], COMPETENCY_TYPE);
        let completed = &derived[4].statement;
        assert_eq!(completed["actor"]["account"]["name"], "E2");
        assert_eq!(completed["context"]["instructor"]["account"]["name"], "E1", "the mentor teaches the mentee");
        assert_eq!(completed["result"]["duration"], "P90D", "January 1 to March 31, both counted");
        let extensions = &completed["result"]["extensions"];
        assert_eq!(extensions["https://mentoring.example.com/xapi/extensions/meetings"], 1);
        assert_eq!(
            extensions["https://mentoring.example.com/xapi/extensions/skills"],
            json!(["https://mentoring.example.com/xapi/activities/acme/skills/5"])
        );
        assert_eq!(completed["context"]["registration"], registration("acme", "relationship", 7).to_string());
        assert!(
            relationship_statements(&identity(), "acme", &pair(MatchStatus::Proposed), &meetings, &learnings)
                .is_empty()
        );
        let running = relationship_statements(&identity(), "acme", &pair(MatchStatus::Active), &meetings, &learnings);
        assert_eq!(running.len(), 3, "no completion while running");
    }

    #[test]
    fn ids_are_stable_and_follow_the_content() {
        let meetings = [Meeting { id: 11, held_at: at("2026-01-10T09:00:00Z"), minutes: 60 }];
        let first = relationship_statements(&identity(), "acme", &pair(MatchStatus::Active), &meetings, &[]);
        let again = relationship_statements(&identity(), "acme", &pair(MatchStatus::Active), &meetings, &[]);
        assert_eq!(first[0].id("acme", 0), again[0].id("acme", 0));
        assert_ne!(first[0].id("acme", 0), first[0].id("globex", 0), "organisations never share ids");
        let longer = [Meeting { minutes: 75, ..meetings[0].clone() }];
        let changed = relationship_statements(&identity(), "acme", &pair(MatchStatus::Active), &longer, &[]);
        assert_ne!(first[0].id("acme", 0), changed[0].id("acme", 0));
    }

    #[test]
    fn a_change_voids_the_live_statement_and_issues_a_new_one() {
        let derive = |minutes| {
            let meetings = [Meeting { id: 11, held_at: at("2026-01-10T09:00:00Z"), minutes }];
            relationship_statements(&identity(), "acme", &pair(MatchStatus::Active), &meetings, &[])
                .into_iter()
                .take(1)
                .collect::<Vec<_>>()
        };
        let issue = |derived: &Derived, generation| Issued {
            statement_id: derived.id("acme", generation),
            source: derived.source.clone(),
            voiding: false,
            voided: false,
        };
        let sixty = derive(60);
        assert_eq!(
            reconcile("acme", sixty.clone(), &[]),
            vec![Append::Issue { id: sixty[0].id("acme", 0), derived: sixty[0].clone() }]
        );
        let live = [issue(&sixty[0], 0)];
        assert!(reconcile("acme", sixty.clone(), &live).is_empty(), "nothing changed, nothing appended");
        let ninety = derive(90);
        let appended = reconcile("acme", ninety.clone(), &live);
        assert_eq!(
            appended,
            vec![
                Append::Void { target: live[0].statement_id },
                Append::Issue { id: ninety[0].id("acme", 0), derived: ninety[0].clone() },
            ]
        );
        // Back to sixty minutes: the first statement was voided, so its id is not reused.
        let history = [
            Issued { voided: true, ..issue(&sixty[0], 0) },
            Issued { statement_id: Uuid::nil(), source: "meeting:11:MENTOR".into(), voiding: true, voided: false },
            issue(&ninety[0], 0),
        ];
        let back = reconcile("acme", sixty.clone(), &history);
        assert_eq!(back[1], Append::Issue { id: sixty[0].id("acme", 1), derived: sixty[0].clone() });
        assert_eq!(reconcile("acme", Vec::new(), &live), vec![Append::Void { target: live[0].statement_id }]);
    }

    #[test]
    fn only_an_accepted_enrolment_is_a_registration() {
        let mut enrollment = Enrollment {
            id: 4,
            program_id: 3,
            program_name: "Digital fluency",
            person: Learner { employee_id: "E9", email: None },
            accepted: false,
            enrolled_at: at("2026-01-02T08:00:00Z"),
        };
        assert!(enrollment_statements(&identity(), "acme", &enrollment).is_empty());
        enrollment.accepted = true;
        let derived = enrollment_statements(&identity(), "acme", &enrollment);
        assert_eq!(derived[0].verb, verbs::REGISTERED);
        assert_eq!(derived[0].statement["object"]["definition"]["name"]["en-US"], "Digital fluency");
        assert_eq!(derived[0].agent, "account:https://mentoring.example.com/xapi|E9");
    }

    #[test]
    fn an_organisation_may_name_people_by_mailbox() {
        let meetings = [Meeting { id: 11, held_at: at("2026-01-10T09:00:00Z"), minutes: 60 }];
        let by_mail = identity().naming(ActorForm::Mbox);
        let derived = relationship_statements(&by_mail, "acme", &pair(MatchStatus::Active), &meetings, &[]);
        assert_eq!(derived[0].statement["actor"], json!({ "objectType": "Agent", "mbox": "mailto:e1@acme.example" }));
        assert_eq!(derived[0].agent, "mbox:mailto:e1@acme.example");
        assert_eq!(derived[1].statement["actor"]["account"]["name"], "E2", "without an e-mail, by account");
        let by_account = relationship_statements(&identity(), "acme", &pair(MatchStatus::Active), &meetings, &[]);
        assert_ne!(derived[0].id("acme", 0), by_account[0].id("acme", 0));
    }

    #[test]
    fn organisation_ids_are_escaped_in_iris() {
        assert_eq!(escape("acme corp/eu"), "acme%20corp%2Feu");
        assert_eq!(escape("globex-1.eu_2"), "globex-1.eu_2");
    }
}
