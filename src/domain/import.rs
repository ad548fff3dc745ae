//! Reading an HRIS people file (Workday, SAP SuccessFactors, BambooHR exports): which column
//! holds what, one row into a directory entry, and the checks that need the whole file (an
//! employee id twice, a manager nobody knows, a cycle in the manager chain). Pure: the store
//! decides what each entry changes.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::person::Generation;

/// Most rows one import may carry: all of them are written in one transaction.
pub const MAX_ROWS: usize = 100_000;

/// What a column of the file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonField {
    /// The HRIS key (required).
    EmployeeId,
    /// Display name (required for new people).
    Name,
    /// Work e-mail.
    Email,
    /// Department.
    Department,
    /// Job title.
    JobTitle,
    /// Seniority band 1-15.
    Level,
    /// The manager's employee id.
    ManagerEmployeeId,
    /// First day of employment.
    HiredOn,
    /// Last working day.
    LeftOn,
    /// Self-declared generation.
    Generation,
}

impl PersonField {
    /// Every field, in the order reports list changes.
    pub const ALL: [PersonField; 10] = [
        PersonField::EmployeeId,
        PersonField::Name,
        PersonField::Email,
        PersonField::Department,
        PersonField::JobTitle,
        PersonField::Level,
        PersonField::ManagerEmployeeId,
        PersonField::HiredOn,
        PersonField::LeftOn,
        PersonField::Generation,
    ];

    /// The field's name in the API (and its default column name).
    pub fn name(self) -> &'static str {
        match self {
            PersonField::EmployeeId => "employeeId",
            PersonField::Name => "name",
            PersonField::Email => "email",
            PersonField::Department => "department",
            PersonField::JobTitle => "jobTitle",
            PersonField::Level => "level",
            PersonField::ManagerEmployeeId => "managerEmployeeId",
            PersonField::HiredOn => "hiredOn",
            PersonField::LeftOn => "leftOn",
            PersonField::Generation => "generation",
        }
    }

    /// The field an API name names (any case).
    pub fn parse(name: &str) -> Option<PersonField> {
        PersonField::ALL.into_iter().find(|field| field.name().eq_ignore_ascii_case(name))
    }
}

/// A column name compared without case, spaces, dashes or underscores ("Employee ID" = "employee_id").
pub(crate) fn folded(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Which field each column of a file holds, from its header row and a source's column names
/// (a field without one is found under its own name, `employeeId` or `employee_id`).
#[derive(Debug, Clone)]
pub struct Columns {
    fields: Vec<Option<PersonField>>,
}

impl Columns {
    /// Reads the header; refuses a file without an employee id column or with a field twice.
    pub fn from_header(header: &[String], names: &HashMap<PersonField, String>) -> Result<Columns, String> {
        let wanted: Vec<(PersonField, String)> = PersonField::ALL
            .into_iter()
            .map(|field| (field, folded(names.get(&field).map_or(field.name(), String::as_str))))
            .collect();
        let mut fields = Vec::with_capacity(header.len());
        let mut seen = HashSet::new();
        for column in header {
            let name = folded(column);
            let field = wanted.iter().find(|(_, wanted)| *wanted == name).map(|(field, _)| *field);
            if let Some(field) = field
                && !seen.insert(field)
            {
                return Err(format!("the header names {} twice", field.name()));
            }
            fields.push(field);
        }
        if !seen.contains(&PersonField::EmployeeId) {
            let expected = names.get(&PersonField::EmployeeId).map_or("employeeId", String::as_str);
            return Err(format!("the header has no employee id column (expected '{expected}')"));
        }
        Ok(Columns { fields })
    }

    /// Whether the file has a column for `field`: fields without one are left as they are.
    pub fn has(&self, field: PersonField) -> bool {
        self.fields.contains(&Some(field))
    }

    /// Reads one row (line `line` of the file).
    pub fn row(&self, line: u64, cells: &[String]) -> Result<PersonRow, RowError> {
        let cell = |field: PersonField| -> Option<&str> {
            let index = self.fields.iter().position(|column| *column == Some(field))?;
            Some(cells.get(index).map_or("", |cell| cell.trim()))
        };
        let employee_id = cell(PersonField::EmployeeId).unwrap_or_default().to_owned();
        let refuse = |reason: String| RowError { line, employee_id: employee_id.clone(), reason };
        if cells.len() > self.fields.len() {
            return Err(refuse(format!("{} cells, the header has {}", cells.len(), self.fields.len())));
        }
        let text =
            |field: PersonField| cell(field).map(|value| Some(value.to_owned()).filter(|value| !value.is_empty()));
        let date = |field: PersonField| -> Result<Option<Option<NaiveDate>>, RowError> {
            match cell(field) {
                None => Ok(None),
                Some("") => Ok(Some(None)),
                Some(value) => value
                    .parse::<NaiveDate>()
                    .map(|day| Some(Some(day)))
                    .map_err(|_| refuse(format!("{} '{value}' is not a date (YYYY-MM-DD)", field.name()))),
            }
        };
        let level = match cell(PersonField::Level) {
            None => None,
            Some(value) => Some(
                value
                    .parse::<i32>()
                    .map_err(|_| refuse(format!("level '{value}' is not a whole number from 1 to 15")))?,
            ),
        };
        let generation = match cell(PersonField::Generation) {
            None => None,
            Some("") => Some(None),
            Some(value) => {
                let canonical: String = value
                    .trim()
                    .chars()
                    .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_uppercase() })
                    .collect();
                let canonical = if canonical == "MILLENNIALS" { "MILLENNIAL".to_owned() } else { canonical };
                Some(Some(canonical.parse::<Generation>().map_err(|_| {
                    let known: Vec<&str> = Generation::ALL.iter().map(|generation| generation.as_str()).collect();
                    refuse(format!("generation '{value}' is not one of {}", known.join(", ")))
                })?))
            }
        };
        Ok(PersonRow {
            line,
            employee_id: employee_id.clone(),
            name: text(PersonField::Name),
            email: text(PersonField::Email),
            department: text(PersonField::Department),
            job_title: text(PersonField::JobTitle),
            level,
            manager_employee_id: text(PersonField::ManagerEmployeeId),
            hired_on: date(PersonField::HiredOn)?,
            left_on: date(PersonField::LeftOn)?,
            generation,
        })
    }
}

/// One row of the file: `None` where the file has no such column (left as it is), `Some(None)`
/// where the cell is empty (cleared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// The employee id.
    pub employee_id: String,
    /// Display name.
    pub name: Option<Option<String>>,
    /// Work e-mail.
    pub email: Option<Option<String>>,
    /// Department.
    pub department: Option<Option<String>>,
    /// Job title.
    pub job_title: Option<Option<String>>,
    /// Seniority band (a level cannot be cleared).
    pub level: Option<i32>,
    /// The manager's employee id.
    pub manager_employee_id: Option<Option<String>>,
    /// First day of employment.
    pub hired_on: Option<Option<NaiveDate>>,
    /// Last working day.
    pub left_on: Option<Option<NaiveDate>>,
    /// Generation.
    pub generation: Option<Option<Generation>>,
}

/// Why a row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Its line in the file.
    pub line: u64,
    /// Its employee id, as far as it could be read.
    pub employee_id: String,
    /// What is wrong, in words the HR team can act on.
    pub reason: String,
}

/// The first cycle in the manager chains `managers` (employee id -> manager's employee id), as
/// the chain that closes it: `["E1", "E2", "E3", "E1"]`.
pub fn manager_cycle(managers: &HashMap<String, String>) -> Option<Vec<String>> {
    let mut done: HashSet<&str> = HashSet::new();
    let mut starts: Vec<&String> = managers.keys().collect();
    starts.sort();
    for start in starts {
        let mut chain: Vec<&str> = Vec::new();
        let mut on_chain: HashMap<&str, usize> = HashMap::new();
        let mut at = start.as_str();
        while !done.contains(at) {
            if let Some(position) = on_chain.get(at) {
                let mut cycle: Vec<String> = chain[*position..].iter().map(|id| (*id).to_owned()).collect();
                cycle.push(at.to_owned());
                return Some(cycle);
            }
            on_chain.insert(at, chain.len());
            chain.push(at);
            match managers.get(at) {
                Some(manager) => at = manager.as_str(),
                None => break,
            }
        }
        done.extend(chain);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn columns_are_found_by_their_own_name_or_the_sources() {
        let columns = Columns::from_header(
            &header(&["Employee ID", "Full Name", "LEVEL", "Hire Date", "Notes"]),
            &HashMap::from([
                (PersonField::Name, "Full Name".to_owned()),
                (PersonField::HiredOn, "hire_date".to_owned()),
            ]),
        )
        .unwrap();
        assert!(
            columns.has(PersonField::Name) && columns.has(PersonField::HiredOn) && !columns.has(PersonField::Email)
        );
        let row = columns.row(2, &header(&["E1", "Ada", "4", "2024-02-29", "ignored"])).unwrap();
        assert_eq!(
            (row.name, row.level, row.hired_on),
            (Some(Some("Ada".into())), Some(4), Some(NaiveDate::from_ymd_opt(2024, 2, 29)))
        );
        assert_eq!(row.email, None, "no column: left as it is");
        let err = Columns::from_header(&header(&["name"]), &HashMap::new()).unwrap_err();
        assert!(err.contains("no employee id column"), "{err}");
        assert!(
            Columns::from_header(&header(&["employee_id", "EmployeeId"]), &HashMap::new())
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn empty_cells_clear_and_bad_cells_name_the_field() {
        let columns =
            Columns::from_header(&header(&["employeeId", "email", "leftOn", "generation", "level"]), &HashMap::new())
                .unwrap();
        let row = columns.row(3, &header(&["E1", "", "", "Gen Z", "2"])).unwrap();
        assert_eq!((row.email, row.left_on, row.generation), (Some(None), Some(None), Some(Some(Generation::GenZ))));
        for (cells, words) in [
            (["E1", "", "31/01/2026", "", "2"], "leftOn '31/01/2026' is not a date"),
            (["E1", "", "", "Zoomer", "2"], "generation 'Zoomer' is not one of"),
            (["E1", "", "", "", "two"], "level 'two' is not a whole number"),
        ] {
            let error = columns.row(4, &header(&cells)).unwrap_err();
            assert_eq!((error.line, error.employee_id.as_str()), (4, "E1"));
            assert!(error.reason.contains(words), "{}", error.reason);
        }
    }

    #[test]
    fn a_cycle_in_the_manager_chain_is_named() {
        let chains = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs.iter().map(|(person, manager)| ((*person).to_owned(), (*manager).to_owned())).collect()
        };
        assert_eq!(manager_cycle(&chains(&[("E2", "E1"), ("E3", "E2"), ("E4", "E1")])), None);
        assert_eq!(
            manager_cycle(&chains(&[("E1", "E2"), ("E2", "E3"), ("E3", "E1"), ("E9", "E1")])),
            Some(vec!["E1".into(), "E2".into(), "E3".into(), "E1".into()])
        );
    }
}
