//! Programs: a cohort of mentors and mentees with dates, rules and objectives,
//! and the lifecycle DRAFT -> ENROLLING -> ACTIVE -> ENDED that governs them.

use chrono::NaiveDate;

use super::matching::{MatchingRules, SeniorityRule};
use super::{DomainError, invalid, text, text_enum};

text_enum! {
    /// What kind of mentoring a program runs.
    ProgramKind {
        /// Juniors mentor seniors (technology, social media, new ways of working).
        Reverse => "REVERSE",
        /// People from under-represented groups mentor leaders on culture and inclusion.
        CulturalReverse => "CULTURAL_REVERSE",
        /// Seniors mentor juniors.
        Traditional => "TRADITIONAL",
    }
}

impl ProgramKind {
    /// The matching rules a new program of this kind starts with.
    pub fn default_rules(self) -> MatchingRules {
        let seniority = match self {
            ProgramKind::Reverse => SeniorityRule::MentorMoreJuniorOrYounger,
            ProgramKind::CulturalReverse => SeniorityRule::MentorMoreJunior,
            ProgramKind::Traditional => SeniorityRule::MentorMoreSenior,
        };
        MatchingRules { seniority, ..MatchingRules::default() }
    }
}

text_enum! {
    /// Where a program is in its life.
    ProgramStatus {
        Draft => "DRAFT",
        Enrolling => "ENROLLING",
        Active => "ACTIVE",
        Ended => "ENDED",
    }
}

text_enum! {
    /// Why a program ended.
    EndReason {
        /// It ran its course.
        Completed => "COMPLETED",
        /// Somebody pulled the plug.
        Cancelled => "CANCELLED",
    }
}

text_enum! {
    /// What a program promises to deliver; the metrics compare against these.
    ObjectiveKind {
        /// Relationships formed by the due date (target: a count).
        RelationshipsFormed => "RELATIONSHIPS_FORMED",
        /// Skills learned per mentee within `window_months` (target: a count).
        SkillsLearnedPerMentee => "SKILLS_LEARNED_PER_MENTEE",
        /// Meetings per month per match (target: a rate).
        MeetingsPerMonthPerMatch => "MEETINGS_PER_MONTH_PER_MATCH",
        /// Share of participants still employed `window_months` after the start (target: 0-1).
        ParticipantRetention => "PARTICIPANT_RETENTION",
        /// Average satisfaction on the 1-5 scale.
        AverageSatisfaction => "AVERAGE_SATISFACTION",
    }
}

/// The longest relationship a program may default to, in months.
pub const MAX_RELATIONSHIP_MONTHS: i32 = 36;

/// A program's editable fields, before validation.
#[derive(Debug, Clone)]
pub struct ProgramDraft {
    /// Display name.
    pub name: String,
    /// What the program is about.
    pub description: String,
    /// Starting day.
    pub starts_on: NaiveDate,
    /// Planned last day (tentative: it can be extended).
    pub ends_on: NaiveDate,
    /// Default length of a relationship in months.
    pub relationship_months: i32,
    /// Matching rules.
    pub rules: MatchingRules,
}

impl ProgramDraft {
    /// Checks names, lengths, dates and rules.
    pub fn validate(mut self) -> Result<ProgramDraft, DomainError> {
        self.name = text::required("name", &self.name, 200)?;
        self.description = text::limited("description", &self.description, 5_000)?;
        if self.ends_on < self.starts_on {
            return Err(invalid(format!("endsOn {} is before startsOn {}", self.ends_on, self.starts_on)));
        }
        text::in_range("relationshipMonths", self.relationship_months, 1, MAX_RELATIONSHIP_MONTHS)?;
        self.rules.validate().map_err(|message| invalid(format!("matchingRules: {message}")))?;
        Ok(self)
    }
}

/// One objective with its target.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// What is measured.
    pub kind: ObjectiveKind,
    /// The value to reach.
    pub target: f64,
    /// When it must be reached.
    pub due_on: Option<NaiveDate>,
    /// The horizon in months, for objectives measured over a window.
    pub window_months: Option<i32>,
}

impl Objective {
    /// Checks the target's range and the fields its kind needs.
    pub fn validate(&self) -> Result<(), DomainError> {
        let kind = self.kind;
        if !self.target.is_finite() {
            return Err(invalid(format!("{kind} target must be a number")));
        }
        let (min, max) = match kind {
            ObjectiveKind::RelationshipsFormed => (1.0, 100_000.0),
            ObjectiveKind::SkillsLearnedPerMentee => (0.1, 100.0),
            ObjectiveKind::MeetingsPerMonthPerMatch => (0.1, 31.0),
            ObjectiveKind::ParticipantRetention => (0.0, 1.0),
            ObjectiveKind::AverageSatisfaction => (1.0, 5.0),
        };
        if self.target < min || self.target > max {
            return Err(invalid(format!("{kind} target must be between {min} and {max}, got {}", self.target)));
        }
        let needs_window = matches!(kind, ObjectiveKind::SkillsLearnedPerMentee | ObjectiveKind::ParticipantRetention);
        match self.window_months {
            None if needs_window => Err(invalid(format!("{kind} needs windowMonths"))),
            Some(months) => text::in_range("windowMonths", months, 1, 120).map(|_| ()),
            None => Ok(()),
        }?;
        if kind == ObjectiveKind::RelationshipsFormed && self.due_on.is_none() {
            return Err(invalid(format!("{kind} needs dueOn")));
        }
        Ok(())
    }
}

/// Checks a whole objective list: each valid, each kind at most once.
pub fn validate_objectives(objectives: &[Objective]) -> Result<(), DomainError> {
    for (index, objective) in objectives.iter().enumerate() {
        objective.validate()?;
        if objectives[..index].iter().any(|earlier| earlier.kind == objective.kind) {
            return Err(invalid(format!("objective {} is listed twice", objective.kind)));
        }
    }
    Ok(())
}

/// The next status when a coordinator asks for `to`, or why not.
pub fn transition(from: ProgramStatus, to: ProgramStatus) -> Result<ProgramStatus, DomainError> {
    use ProgramStatus::*;
    match (from, to) {
        (Draft, Enrolling) | (Enrolling, Active) => Ok(to),
        (Ended, _) => Err(illegal(from, to, "an ended program cannot change")),
        (_, Ended) => Err(illegal(from, to, "use endProgram with a reason")),
        (Draft, Active) => Err(illegal(from, to, "open enrolment first")),
        _ => Err(illegal(from, to, "programs move DRAFT -> ENROLLING -> ACTIVE -> ENDED")),
    }
}

/// Checks that a program in `from` may end with `reason`.
pub fn end(from: ProgramStatus, reason: EndReason) -> Result<(), DomainError> {
    match (from, reason) {
        (ProgramStatus::Ended, _) => Err(illegal(from, ProgramStatus::Ended, "it has already ended")),
        (ProgramStatus::Active, _) | (_, EndReason::Cancelled) => Ok(()),
        (_, EndReason::Completed) => {
            Err(illegal(from, ProgramStatus::Ended, "only an ACTIVE program can complete; cancel it instead"))
        }
    }
}

/// Checks a new planned end: later than the current one, on a program still running.
pub fn extend(status: ProgramStatus, current_end: NaiveDate, new_end: NaiveDate) -> Result<(), DomainError> {
    if status == ProgramStatus::Ended {
        return Err(DomainError::IllegalTransition("an ended program cannot be extended".into()));
    }
    if new_end <= current_end {
        return Err(invalid(format!("the new end {new_end} must be after the current end {current_end}")));
    }
    Ok(())
}

fn illegal(from: ProgramStatus, to: ProgramStatus, why: &str) -> DomainError {
    DomainError::IllegalTransition(format!("a program cannot go from {from} to {to}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProgramStatus::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_lifecycle_only_moves_forward_one_step() {
        assert_eq!(transition(Draft, Enrolling), Ok(Enrolling));
        assert_eq!(transition(Enrolling, Active), Ok(Active));
        for (from, to) in [(Draft, Active), (Active, Enrolling), (Enrolling, Draft), (Ended, Active), (Active, Ended)] {
            let error = transition(from, to).unwrap_err();
            assert!(matches!(error, DomainError::IllegalTransition(_)), "{from} -> {to}");
            assert!(error.to_string().contains(&format!("from {from} to {to}")));
        }
    }

    #[test]
    fn only_running_programs_complete_but_any_unended_one_can_be_cancelled() {
        assert!(end(Active, EndReason::Completed).is_ok());
        assert!(end(Draft, EndReason::Cancelled).is_ok());
        assert!(end(Enrolling, EndReason::Completed).is_err());
        assert!(end(Ended, EndReason::Cancelled).is_err());
    }

    #[test]
    fn extending_needs_a_later_end_on_a_running_program() {
        assert!(extend(Active, date(2026, 6, 30), date(2026, 9, 30)).is_ok());
        assert!(extend(Active, date(2026, 6, 30), date(2026, 6, 30)).is_err());
        assert!(extend(Ended, date(2026, 6, 30), date(2026, 9, 30)).is_err());
    }

    #[test]
    fn objectives_check_their_ranges_and_needed_fields() {
        let retention =
            Objective { kind: ObjectiveKind::ParticipantRetention, target: 0.9, due_on: None, window_months: Some(12) };
        assert!(retention.validate().is_ok());
        assert!(Objective { target: 1.5, ..retention.clone() }.validate().is_err());
        assert!(Objective { window_months: None, ..retention.clone() }.validate().is_err());
        let formed =
            Objective { kind: ObjectiveKind::RelationshipsFormed, target: 20.0, due_on: None, window_months: None };
        assert!(formed.validate().unwrap_err().to_string().contains("dueOn"));
        assert!(validate_objectives(&[retention.clone(), retention]).unwrap_err().to_string().contains("twice"));
    }

    #[test]
    fn drafts_refuse_an_end_before_the_start() {
        let draft = ProgramDraft {
            name: "Digital fluency".into(),
            description: String::new(),
            starts_on: date(2026, 3, 1),
            ends_on: date(2026, 2, 1),
            relationship_months: 6,
            rules: MatchingRules::default(),
        };
        assert!(draft.validate().unwrap_err().to_string().contains("before startsOn"));
    }

    #[test]
    fn reverse_programs_default_to_junior_or_younger_mentors() {
        assert_eq!(ProgramKind::Reverse.default_rules().seniority, SeniorityRule::MentorMoreJuniorOrYounger);
        assert_eq!(ProgramKind::Traditional.default_rules().seniority, SeniorityRule::MentorMoreSenior);
    }
}
