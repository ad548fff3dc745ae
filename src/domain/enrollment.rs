//! Enrolments: a person joins a program as a mentor or a mentee, and is accepted or withdraws.

use super::{DomainError, text, text_enum};

text_enum! {
    /// The side a person takes in a program.
    EnrollmentRole {
        Mentor => "MENTOR",
        Mentee => "MENTEE",
    }
}

text_enum! {
    /// Where an enrolment stands.
    EnrollmentStatus {
        Applied => "APPLIED",
        Accepted => "ACCEPTED",
        Withdrawn => "WITHDRAWN",
    }
}

/// The most mentees one mentor may take on in a program.
pub const MAX_CAPACITY: i32 = 10;

/// Checks the capacity a role may carry: mentors 1 to [`MAX_CAPACITY`] (default 1), mentees none.
pub fn capacity(role: EnrollmentRole, capacity: Option<i32>) -> Result<Option<i32>, DomainError> {
    match (role, capacity) {
        (EnrollmentRole::Mentor, None) => Ok(Some(1)),
        (EnrollmentRole::Mentor, Some(value)) => text::in_range("capacity", value, 1, MAX_CAPACITY).map(Some),
        (EnrollmentRole::Mentee, None) => Ok(None),
        (EnrollmentRole::Mentee, Some(_)) => Err(super::invalid("capacity applies to mentors only")),
    }
}

/// Personal goals, free text.
pub fn goals(value: Option<&str>) -> Result<String, DomainError> {
    text::limited("goals", value.unwrap_or("").trim(), 2_000)
}

/// The next status of an enrolment, or why not.
pub fn transition(from: EnrollmentStatus, to: EnrollmentStatus) -> Result<EnrollmentStatus, DomainError> {
    use EnrollmentStatus::*;
    match (from, to) {
        (Applied, Accepted) | (Applied, Withdrawn) | (Accepted, Withdrawn) => Ok(to),
        (Withdrawn, _) => Err(DomainError::IllegalTransition(format!(
            "a withdrawn enrolment cannot become {to}; enrol again instead"
        ))),
        _ => Err(DomainError::IllegalTransition(format!("an enrolment cannot go from {from} to {to}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnrollmentStatus::*;

    #[test]
    fn mentors_carry_a_capacity_and_mentees_do_not() {
        assert_eq!(capacity(EnrollmentRole::Mentor, None), Ok(Some(1)));
        assert_eq!(capacity(EnrollmentRole::Mentor, Some(3)), Ok(Some(3)));
        assert!(capacity(EnrollmentRole::Mentor, Some(0)).is_err());
        assert!(capacity(EnrollmentRole::Mentee, Some(2)).is_err());
    }

    #[test]
    fn applications_are_accepted_or_withdrawn_and_withdrawal_is_final() {
        assert_eq!(transition(Applied, Accepted), Ok(Accepted));
        assert_eq!(transition(Accepted, Withdrawn), Ok(Withdrawn));
        assert!(transition(Withdrawn, Accepted).is_err());
        assert!(transition(Accepted, Applied).is_err());
        assert!(transition(Accepted, Accepted).is_err());
    }
}
