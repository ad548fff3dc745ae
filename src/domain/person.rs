//! People from the company directory: who they are, their seniority and generation,
//! and whether they still work here (retention is measured from `left_on`).

use chrono::NaiveDate;

use super::{DomainError, invalid, text, text_enum};

/// Most entries one batch mutation may carry (people, person skills, enrolments, meetings);
/// larger loads are split by the caller.
pub const MAX_BATCH: usize = 1_000;

/// Refuses a batch of `len` entries of `what` that is empty or over [`MAX_BATCH`].
pub fn check_batch_size(what: &str, len: usize) -> Result<(), DomainError> {
    if len == 0 || len > MAX_BATCH {
        return Err(invalid(format!("send between 1 and {MAX_BATCH} {what} per call, got {len}")));
    }
    Ok(())
}
/// Seniority bands run from 1 (entry level) to this value (executive).
pub const MAX_LEVEL: i32 = 15;
/// Level of a person a directory creates without one (SCIM or a file without a level column),
/// until the directory or an admin sets it.
pub const DEFAULT_LEVEL: i32 = 1;

text_enum! {
    /// A self-declared generation; younger generations have a higher rank.
    Generation {
        BabyBoomer => "BABY_BOOMER",
        GenX => "GEN_X",
        Millennial => "MILLENNIAL",
        GenZ => "GEN_Z",
        GenAlpha => "GEN_ALPHA",
    }
}

impl Generation {
    /// Higher is younger; the matching rules compare ranks.
    pub fn rank(self) -> u8 {
        match self {
            Generation::BabyBoomer => 1,
            Generation::GenX => 2,
            Generation::Millennial => 3,
            Generation::GenZ => 4,
            Generation::GenAlpha => 5,
        }
    }
}

text_enum! {
    /// Whether a person is still employed.
    EmploymentStatus {
        Active => "ACTIVE",
        Left => "LEFT",
    }
}

/// A directory entry as an import sends it, before validation.
#[derive(Debug, Clone, Default)]
pub struct PersonDraft {
    /// The HRIS key, unique within the organisation.
    pub employee_id: String,
    /// Display name.
    pub name: String,
    /// Work e-mail (contact detail: hidden from analysts).
    pub email: Option<String>,
    /// Department or business unit.
    pub department: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Seniority band, 1 (entry) to [`MAX_LEVEL`].
    pub level: i32,
    /// The manager's employee id, which may arrive in a later batch.
    pub manager_employee_id: Option<String>,
    /// Self-declared generation.
    pub generation: Option<Generation>,
    /// First day of employment.
    pub hired_on: Option<NaiveDate>,
    /// Last working day, for people who left or are leaving.
    pub left_on: Option<NaiveDate>,
}

/// A directory entry that passed every check; this is what the store writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// The HRIS key.
    pub employee_id: String,
    /// Display name.
    pub name: String,
    /// Work e-mail.
    pub email: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Seniority band.
    pub level: i32,
    /// Manager's employee id.
    pub manager_employee_id: Option<String>,
    /// Generation.
    pub generation: Option<Generation>,
    /// First day of employment.
    pub hired_on: Option<NaiveDate>,
    /// Last working day (the status follows from it and today's date, see `timeline`).
    pub left_on: Option<NaiveDate>,
}

impl PersonDraft {
    /// Checks every field; the error names the field and what is wrong with it.
    pub fn validate(&self) -> Result<PersonRecord, DomainError> {
        let employee_id = employee_id("employeeId", &self.employee_id)?;
        let manager_employee_id = match &self.manager_employee_id {
            Some(id) if !id.trim().is_empty() => Some(employee_id_of("managerEmployeeId", id)?),
            _ => None,
        };
        if manager_employee_id.as_deref() == Some(employee_id.as_str()) {
            return Err(invalid(format!("employee {employee_id} cannot be their own manager")));
        }
        check_departure(self.hired_on, self.left_on)?;
        Ok(PersonRecord {
            name: text::required("name", &self.name, 200)?,
            email: text::email("email", self.email.as_deref())?,
            department: text::optional("department", self.department.as_deref(), 120)?,
            job_title: text::optional("jobTitle", self.job_title.as_deref(), 120)?,
            level: text::in_range("level", self.level, 1, MAX_LEVEL)?,
            manager_employee_id,
            generation: self.generation,
            hired_on: self.hired_on,
            left_on: self.left_on,
            employee_id,
        })
    }
}

/// Checks an employee id: non-empty, at most 64 characters, no spaces.
pub fn employee_id(field: &str, value: &str) -> Result<String, DomainError> {
    employee_id_of(field, value)
}

fn employee_id_of(field: &str, value: &str) -> Result<String, DomainError> {
    let id = text::required(field, value, 64)?;
    if id.contains(char::is_whitespace) {
        return Err(invalid(format!("{field} '{id}' must not contain spaces")));
    }
    Ok(id)
}

/// A departure cannot precede the hire date.
pub fn check_departure(hired_on: Option<NaiveDate>, left_on: Option<NaiveDate>) -> Result<(), DomainError> {
    match (hired_on, left_on) {
        (Some(hired), Some(left)) if left < hired => Err(invalid(format!("leftOn {left} is before hiredOn {hired}"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> PersonDraft {
        PersonDraft { employee_id: "E1".into(), name: "Ada".into(), level: 3, ..Default::default() }
    }

    #[test]
    fn a_batch_holds_between_one_and_max_batch_entries() {
        assert!(check_batch_size("meetings", 1).is_ok());
        assert!(check_batch_size("meetings", MAX_BATCH).is_ok());
        let over = check_batch_size("meetings", MAX_BATCH + 1).unwrap_err();
        assert_eq!(over, invalid("send between 1 and 1000 meetings per call, got 1001"));
        assert!(check_batch_size("meetings", 0).is_err());
    }

    #[test]
    fn a_valid_entry_keeps_its_departure_date() {
        let left = PersonDraft { left_on: NaiveDate::from_ymd_opt(2026, 1, 31), ..draft() };
        assert_eq!(left.validate().unwrap().left_on, NaiveDate::from_ymd_opt(2026, 1, 31));
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            (PersonDraft { employee_id: " ".into(), ..draft() }, "employeeId must not be empty"),
            (PersonDraft { employee_id: "E 1".into(), ..draft() }, "must not contain spaces"),
            (PersonDraft { name: "".into(), ..draft() }, "name must not be empty"),
            (PersonDraft { level: 0, ..draft() }, "level must be between 1 and 15"),
            (PersonDraft { manager_employee_id: Some("E1".into()), ..draft() }, "own manager"),
            (PersonDraft { email: Some("nope".into()), ..draft() }, "not an e-mail"),
            (
                PersonDraft {
                    hired_on: NaiveDate::from_ymd_opt(2024, 1, 1),
                    left_on: NaiveDate::from_ymd_opt(2023, 1, 1),
                    ..draft()
                },
                "before hiredOn",
            ),
        ];
        for (draft, expected) in cases {
            let error = draft.validate().unwrap_err().to_string();
            assert!(error.contains(expected), "{error:?} should mention {expected:?}");
        }
    }

    #[test]
    fn younger_generations_rank_higher() {
        assert!(Generation::GenZ.rank() > Generation::Millennial.rank());
        assert!(Generation::Millennial.rank() > Generation::BabyBoomer.rank());
    }
}
