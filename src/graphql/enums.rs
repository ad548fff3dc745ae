//! The domain's enums as GraphQL enums (mirrors, converted both ways by `remote`).

use async_graphql::Enum;

use crate::domain;

/// A self-declared generation.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::person::Generation")]
pub enum Generation {
    BabyBoomer,
    GenX,
    Millennial,
    GenZ,
    GenAlpha,
}

/// Whether a person still works here.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::person::EmploymentStatus")]
pub enum EmploymentStatus {
    Active,
    Left,
}

/// A skill catalogue category.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::skill::SkillCategory")]
pub enum SkillCategory {
    Technology,
    SocialMedia,
    DigitalTools,
    Business,
    Leadership,
    Industry,
    CultureAndInclusion,
    Communication,
    Other,
}

/// OFFERS (can teach, level = proficiency) or WANTS (wants to learn, level = priority).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::skill::SkillRelation")]
pub enum SkillRelation {
    Offers,
    Wants,
}

/// The kind of mentoring a program runs.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::program::ProgramKind")]
pub enum ProgramKind {
    Reverse,
    CulturalReverse,
    Traditional,
}

/// Where a program is in DRAFT -> ENROLLING -> ACTIVE -> ENDED.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::program::ProgramStatus")]
pub enum ProgramStatus {
    Draft,
    Enrolling,
    Active,
    Ended,
}

/// Why a program ended.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::program::EndReason")]
pub enum EndReason {
    Completed,
    Cancelled,
}

/// What a program objective measures.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::program::ObjectiveKind")]
pub enum ObjectiveKind {
    RelationshipsFormed,
    SkillsLearnedPerMentee,
    MeetingsPerMonthPerMatch,
    ParticipantRetention,
    AverageSatisfaction,
}

/// The side a person takes in a program.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::enrollment::EnrollmentRole")]
pub enum EnrollmentRole {
    Mentor,
    Mentee,
}

/// Where an enrolment stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::enrollment::EnrollmentStatus")]
pub enum EnrollmentStatus {
    Applied,
    Accepted,
    Withdrawn,
}

/// Which seniority direction a program demands of its pairs.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::matching::SeniorityRule")]
pub enum SeniorityRule {
    None,
    MentorMoreJunior,
    MentorYoungerGeneration,
    MentorMoreJuniorOrYounger,
    MentorMoreJuniorAndYounger,
    MentorMoreSenior,
}

/// What the coordinator's assignment optimises.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::matching::MatchingObjective")]
pub enum MatchingObjective {
    Participation,
    Score,
}

/// Who forms pairs in a program.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::matching::MatchingMode")]
pub enum MatchingMode {
    Coordinator,
    SelfService,
    Both,
}

/// A role a token can grant.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    Admin,
    Coordinator,
    Analyst,
    Lms,
    Participant,
}

/// Where a relationship stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::relationship::MatchStatus")]
pub enum MatchStatus {
    Proposed,
    Active,
    Completed,
    EndedEarly,
    Declined,
}

/// How a match came about.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::relationship::MatchSource")]
pub enum MatchSource {
    Engine,
    Manual,
    Request,
    Imported,
}

/// Where a self-service request stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::relationship::RequestStatus")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Expired,
    Withdrawn,
}

/// A hard matching rule a pair can break.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::matching::Rule")]
pub enum MatchingRule {
    SamePerson,
    Seniority,
    ReportingLine,
    SameDepartment,
    PreviousRelationship,
    MentorCapacity,
    MenteeAlreadyMatched,
}

/// Why a mentee got no proposal.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::matching::UnmatchedReason")]
pub enum UnmatchedReason {
    NoEligibleMentor,
    CapacityUsedUp,
    BelowMinimumScore,
    PreparationNotCompleted,
}

/// How a meeting took place.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::record::MeetingFormat")]
pub enum MeetingFormat {
    InPerson,
    Video,
    Phone,
    Chat,
    Other,
}

/// One side of a pair.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::relationship::PairSide")]
pub enum PairSide {
    Mentor,
    Mentee,
}

/// Why a relationship stopped before its planned end.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::relationship::EndEarlyReason")]
pub enum EndEarlyReason {
    LeftCompany,
    ProgramCancelled,
    Scheduling,
    Mismatch,
    Personal,
    Other,
}

/// Parses a stored enum into its GraphQL mirror.
pub fn stored<D: std::str::FromStr, G: From<D>>(text: &str) -> crate::error::Result<G> {
    crate::store::parse_stored::<D>(text).map(G::from)
}
