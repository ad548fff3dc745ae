//! A mentoring relationship (a match) and a self-service match request: their states
//! and the only moves between them.
//!
//! Match: PROPOSED -> ACTIVE -> COMPLETED | ENDED_EARLY, or PROPOSED -> DECLINED.
//! Request: PENDING -> ACCEPTED (becomes an ACTIVE match) | DECLINED | EXPIRED | WITHDRAWN.

use chrono::{Months, NaiveDate};

use super::{DomainError, text_enum};

text_enum! {
    /// Where a relationship stands.
    MatchStatus {
        /// Suggested by the engine, awaiting a coordinator.
        Proposed => "PROPOSED",
        /// Running.
        Active => "ACTIVE",
        /// Ran its course.
        Completed => "COMPLETED",
        /// Stopped before its planned end.
        EndedEarly => "ENDED_EARLY",
        /// A coordinator turned the proposal down.
        Declined => "DECLINED",
    }
}

impl MatchStatus {
    /// Whether the pair holds (or is about to hold) one of the mentor's slots.
    pub fn uses_capacity(self) -> bool {
        matches!(self, MatchStatus::Proposed | MatchStatus::Active)
    }

    /// Whether the two people had a relationship (so they are never paired again).
    pub fn was_relationship(self) -> bool {
        matches!(self, MatchStatus::Active | MatchStatus::Completed | MatchStatus::EndedEarly)
    }
}

text_enum! {
    /// How a match came about.
    MatchSource {
        /// The optimal assignment proposed it.
        Engine => "ENGINE",
        /// A coordinator paired the two by hand.
        Manual => "MANUAL",
        /// The mentee asked and the mentor accepted.
        Request => "REQUEST",
        /// Imported from an earlier program's records.
        Imported => "IMPORTED",
    }
}

text_enum! {
    /// Where a self-service request stands.
    RequestStatus {
        Pending => "PENDING",
        Accepted => "ACCEPTED",
        Declined => "DECLINED",
        Expired => "EXPIRED",
        Withdrawn => "WITHDRAWN",
    }
}

text_enum! {
    /// Why a relationship stopped before its planned end.
    EndEarlyReason {
        /// Either person left the company (set when a departure is recorded).
        LeftCompany => "LEFT_COMPANY",
        /// The program was cancelled.
        ProgramCancelled => "PROGRAM_CANCELLED",
        /// They could not find time.
        Scheduling => "SCHEDULING",
        /// The pair did not work.
        Mismatch => "MISMATCH",
        /// Personal reasons.
        Personal => "PERSONAL",
        /// Anything else (say what in the note).
        Other => "OTHER",
    }
}

text_enum! {
    /// One side of a pair.
    PairSide {
        Mentor => "MENTOR",
        Mentee => "MENTEE",
    }
}

/// Checks a relationship can end now, completed or early.
pub fn end(from: MatchStatus, to: MatchStatus) -> Result<MatchStatus, DomainError> {
    match (from, to) {
        (MatchStatus::Active, MatchStatus::Completed | MatchStatus::EndedEarly) => Ok(to),
        (MatchStatus::Active, _) => Err(illegal(format!("an ACTIVE match ends COMPLETED or ENDED_EARLY, not {to}"))),
        _ => Err(illegal(format!("only an ACTIVE match can end; this one is {from}"))),
    }
}

/// Checks a new planned end: later than the current one, on a running relationship.
pub fn extend(status: MatchStatus, current: Option<NaiveDate>, new_end: NaiveDate) -> Result<(), DomainError> {
    if status != MatchStatus::Active {
        return Err(illegal(format!("only an ACTIVE match can be extended; this one is {status}")));
    }
    match current {
        Some(current) if new_end <= current => {
            Err(super::invalid(format!("the new planned end {new_end} must be after the current one {current}")))
        }
        _ => Ok(()),
    }
}

/// Checks what a pair agrees to work on: up to 10 short items.
pub fn pair_objectives(items: &[String]) -> Result<Vec<String>, DomainError> {
    if items.len() > 10 {
        return Err(super::invalid(format!("at most 10 objectives per pair, got {}", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| super::text::required(&format!("objectives[{index}]"), item, 300))
        .collect()
}

/// Checks a proposal can be approved or declined.
pub fn decide_proposal(from: MatchStatus, to: MatchStatus) -> Result<MatchStatus, DomainError> {
    match (from, to) {
        (MatchStatus::Proposed, MatchStatus::Active | MatchStatus::Declined) => Ok(to),
        (MatchStatus::Proposed, _) => {
            Err(illegal(format!("a proposal can only be approved or declined, not made {to}")))
        }
        _ => Err(illegal(format!("only a PROPOSED match can be approved or declined; this one is {from}"))),
    }
}

/// Checks a request can move from `from` to `to`.
pub fn answer_request(from: RequestStatus, to: RequestStatus) -> Result<RequestStatus, DomainError> {
    match (from, to) {
        (RequestStatus::Pending, RequestStatus::Accepted | RequestStatus::Declined | RequestStatus::Withdrawn) => {
            Ok(to)
        }
        (RequestStatus::Expired, _) => Err(illegal("the request expired before it was answered".into())),
        _ => Err(illegal(format!("a {from} request cannot become {to}"))),
    }
}

/// The planned end of a relationship starting on `start` that runs `months`.
pub fn planned_end(start: NaiveDate, months: i32) -> NaiveDate {
    let months = u32::try_from(months.max(1)).unwrap_or(1);
    start.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// A relationship starts today, or on the program's first day if that is later.
pub fn start_date(today: NaiveDate, program_starts_on: NaiveDate) -> NaiveDate {
    today.max(program_starts_on)
}

fn illegal(message: String) -> DomainError {
    DomainError::IllegalTransition(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn only_proposals_are_approved_or_declined() {
        assert_eq!(decide_proposal(MatchStatus::Proposed, MatchStatus::Active), Ok(MatchStatus::Active));
        assert_eq!(decide_proposal(MatchStatus::Proposed, MatchStatus::Declined), Ok(MatchStatus::Declined));
        assert!(
            decide_proposal(MatchStatus::Active, MatchStatus::Active)
                .unwrap_err()
                .to_string()
                .contains("this one is ACTIVE")
        );
        assert!(decide_proposal(MatchStatus::Proposed, MatchStatus::Completed).is_err());
    }

    #[test]
    fn pending_requests_are_answered_once_and_expired_ones_never() {
        assert_eq!(answer_request(RequestStatus::Pending, RequestStatus::Accepted), Ok(RequestStatus::Accepted));
        assert!(answer_request(RequestStatus::Accepted, RequestStatus::Declined).is_err());
        assert!(
            answer_request(RequestStatus::Expired, RequestStatus::Accepted)
                .unwrap_err()
                .to_string()
                .contains("expired")
        );
    }

    #[test]
    fn relationships_run_the_default_length_from_their_start() {
        assert_eq!(planned_end(date(2027, 1, 31), 6), date(2027, 7, 31));
        assert_eq!(planned_end(date(2027, 8, 31), 6), date(2028, 2, 29));
        assert_eq!(start_date(date(2026, 11, 22), date(2027, 1, 11)), date(2027, 1, 11));
        assert_eq!(start_date(date(2027, 2, 1), date(2027, 1, 11)), date(2027, 2, 1));
    }

    #[test]
    fn only_active_relationships_end_or_extend() {
        assert_eq!(end(MatchStatus::Active, MatchStatus::Completed), Ok(MatchStatus::Completed));
        assert!(
            end(MatchStatus::Proposed, MatchStatus::Completed)
                .unwrap_err()
                .to_string()
                .contains("this one is PROPOSED")
        );
        assert!(end(MatchStatus::Completed, MatchStatus::EndedEarly).is_err());
        assert!(extend(MatchStatus::Active, Some(date(2027, 6, 1)), date(2027, 9, 1)).is_ok());
        assert!(extend(MatchStatus::Active, Some(date(2027, 6, 1)), date(2027, 5, 1)).is_err());
        assert!(extend(MatchStatus::Completed, Some(date(2027, 6, 1)), date(2027, 9, 1)).is_err());
    }

    #[test]
    fn pair_objectives_are_few_and_short() {
        assert_eq!(pair_objectives(&[" Ship a TikTok ".into()]), Ok(vec!["Ship a TikTok".into()]));
        assert!(pair_objectives(&vec!["x".to_owned(); 11]).is_err());
        assert!(pair_objectives(&["".into()]).unwrap_err().to_string().contains("objectives[0]"));
    }

    #[test]
    fn proposals_and_active_pairs_hold_a_slot() {
        assert!(MatchStatus::Proposed.uses_capacity() && MatchStatus::Active.uses_capacity());
        assert!(!MatchStatus::Declined.uses_capacity() && !MatchStatus::Completed.uses_capacity());
        assert!(MatchStatus::Completed.was_relationship() && !MatchStatus::Declined.was_relationship());
    }
}
