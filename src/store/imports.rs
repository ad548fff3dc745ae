//! People imports from an HRIS file: every row checked against the file and the directory,
//! then written through the same path as `upsertPeople` in one transaction. A dry run is the
//! same run rolled back, so its report is exactly what the real run would do.

use std::collections::{HashMap, HashSet};

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use serde_json::json;

use super::audit::Change;
use super::departures::DepartureSource;
use super::entity::{import_source, person};
use super::people::Written;
use super::{Scoped, now, today};
use crate::domain::import::{PersonField, PersonRow, RowError, manager_cycle};
use crate::domain::person::{DEFAULT_LEVEL, EmploymentStatus, PersonDraft, employee_id};
use crate::domain::timeline::{Employment, departure_step};
use crate::error::{Error, Result};

/// Rows read and written per round trip.
const CHUNK: usize = 500;

/// A parsed file and what to do with it.
#[derive(Debug)]
pub struct PeopleImport {
    /// The rows that parsed.
    pub rows: Vec<PersonRow>,
    /// The rows that did not, with why.
    pub refused: Vec<RowError>,
    /// Check and report, write nothing.
    pub dry_run: bool,
    /// The file lists everyone employed: people it leaves out have left.
    pub full_snapshot: bool,
    /// The source's name, for the audit trail.
    pub source: Option<String>,
}

/// What an import did (or, in a dry run or with refused rows, would do).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Nothing was written: a dry run.
    pub dry_run: bool,
    /// The changes are stored (false for a dry run and whenever a row was refused).
    pub written: bool,
    /// Rows read, the header not counted.
    pub rows_read: usize,
    /// New people.
    pub created: usize,
    /// People whose entry changed, with the changed fields.
    pub changed: Vec<ChangedRow>,
    /// People whose entry is the same.
    pub unchanged: usize,
    /// Departures the import records: a `leftOn` in the file, or absence from a full snapshot.
    pub departures: Vec<DepartureRow>,
    /// Refused rows; any refusal means nothing is written.
    pub rejected: Vec<RejectedRow>,
}

/// One changed person.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedRow {
    /// Line in the file.
    pub line: u64,
    /// Employee id.
    pub employee_id: String,
    /// The fields that change.
    pub fields: Vec<&'static str>,
}

/// One departure.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartureRow {
    /// Employee id.
    pub employee_id: String,
    /// Their last working day.
    pub left_on: Option<chrono::NaiveDate>,
    /// `FILE` (a leftOn in the file) or `MISSING_FROM_SNAPSHOT`.
    pub reason: &'static str,
}

/// One refused row.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    /// Line in the file.
    pub line: u64,
    /// Employee id, as far as it could be read.
    pub employee_id: String,
    /// Why.
    pub reason: String,
}

impl From<RowError> for RejectedRow {
    fn from(error: RowError) -> RejectedRow {
        RejectedRow { line: error.line, employee_id: error.employee_id, reason: error.reason }
    }
}

impl Scoped<'_> {
    /// Imports `import` all or nothing; see [`ImportReport`].
    pub async fn import_people(&self, import: PeopleImport) -> Result<ImportReport> {
        let mut report = ImportReport {
            dry_run: import.dry_run,
            rows_read: import.rows.len() + import.refused.len(),
            rejected: import.refused.into_iter().map(RejectedRow::from).collect(),
            ..Default::default()
        };
        let txn = self.begin().await?;
        let directory: Vec<(String, Option<String>, String)> = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .select_only()
            .columns([person::Column::EmployeeId, person::Column::ManagerEmployeeId, person::Column::EmploymentStatus])
            .into_tuple()
            .all(&txn)
            .await?;
        let known: HashSet<&str> = directory.iter().map(|(id, _, _)| id.as_str()).collect();
        let rows = self.checked_rows(import.rows, &directory, &known, &mut report.rejected);
        for chunk in rows.chunks(CHUNK) {
            // Only people already in the directory are read back: a first import of 100,000 reads
            // none (and PostgreSQL, whose statistics still say the table is empty, would scan it).
            let ids: Vec<&str> =
                chunk.iter().map(|row| row.employee_id.as_str()).filter(|id| known.contains(id)).collect();
            let existing =
                if ids.is_empty() { HashMap::new() } else { self.people_by_employee_ids(&txn, &ids).await? };
            let mut records = Vec::with_capacity(chunk.len());
            let mut lines = Vec::with_capacity(chunk.len());
            for row in chunk {
                let current = existing.get(&row.employee_id);
                let refuse =
                    |reason: String| RejectedRow { line: row.line, employee_id: row.employee_id.clone(), reason };
                let record = match merged(row, current).validate() {
                    Ok(record) => record,
                    Err(error) => {
                        report.rejected.push(refuse(error.to_string()));
                        continue;
                    }
                };
                if let Some(current) = current
                    && let Err(error) = departure_step(
                        Employment { hired_on: record.hired_on, left_on: current.left_on },
                        record.left_on,
                        today(),
                    )
                {
                    report.rejected.push(refuse(error.to_string()));
                    continue;
                }
                lines.push(row.line);
                records.push(record);
            }
            if !report.rejected.is_empty() {
                continue;
            }
            let outcomes = self.write_people(&txn, &records, &existing, DepartureSource::DirectoryImport).await?;
            for ((outcome, record), line) in outcomes.into_iter().zip(&records).zip(lines) {
                match outcome {
                    Written::Created => report.created += 1,
                    Written::Unchanged => report.unchanged += 1,
                    Written::Changed(fields) => {
                        if fields.contains(&"leftOn") && record.left_on.is_some() {
                            let employee_id = record.employee_id.clone();
                            report.departures.push(DepartureRow {
                                employee_id,
                                left_on: record.left_on,
                                reason: "FILE",
                            });
                        }
                        report.changed.push(ChangedRow { line, employee_id: record.employee_id.clone(), fields });
                    }
                }
            }
        }
        if report.rejected.is_empty() && import.full_snapshot {
            let listed: HashSet<&str> = rows.iter().map(|row| row.employee_id.as_str()).collect();
            let missing: Vec<&str> = directory
                .iter()
                .filter(|(id, _, status)| status == EmploymentStatus::Active.as_str() && !listed.contains(id.as_str()))
                .map(|(id, _, _)| id.as_str())
                .collect();
            for chunk in missing.chunks(CHUNK) {
                for person in self.people_by_employee_ids(&txn, chunk).await?.into_values() {
                    let after = self.depart_now(&txn, &person, DepartureSource::DirectoryImport, |_| {}).await?;
                    let (employee_id, left_on) = (after.employee_id, after.left_on);
                    report.departures.push(DepartureRow { employee_id, left_on, reason: "MISSING_FROM_SNAPSHOT" });
                }
            }
        }
        report.rejected.sort_by_key(|row| row.line);
        if !report.rejected.is_empty() || import.dry_run {
            txn.rollback().await?;
            return Ok(report);
        }
        let details = json!({ "source": import.source, "rows": report.rows_read, "created": report.created,
                              "changed": report.changed.len(), "unchanged": report.unchanged,
                              "departures": report.departures.len(), "fullSnapshot": import.full_snapshot });
        self.audit(&txn, Change { action: "people.import", entity_type: "Person", entity_id: None, details }).await?;
        txn.commit().await?;
        report.written = true;
        Ok(report)
    }

    /// The rows that pass the checks needing the whole file (an employee id twice, a manager
    /// nobody knows, a cycle in the manager chains); the others go to `rejected`.
    fn checked_rows(
        &self,
        rows: Vec<PersonRow>,
        directory: &[(String, Option<String>, String)],
        known: &HashSet<&str>,
        rejected: &mut Vec<RejectedRow>,
    ) -> Vec<PersonRow> {
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let mut kept = Vec::with_capacity(rows.len());
        for row in rows {
            let refuse = |reason: String| RejectedRow { line: row.line, employee_id: row.employee_id.clone(), reason };
            if let Err(error) = employee_id("employeeId", &row.employee_id) {
                rejected.push(refuse(error.to_string()));
            } else if let Some(line) = first_line.get(&row.employee_id) {
                rejected.push(refuse(format!("employee {} is also on line {line}", row.employee_id)));
            } else {
                first_line.insert(row.employee_id.clone(), row.line);
                kept.push(row);
            }
        }
        let mut managers: HashMap<String, String> = directory
            .iter()
            .filter_map(|(id, manager, _)| manager.clone().map(|manager| (id.clone(), manager)))
            .collect();
        let mut checked = Vec::with_capacity(kept.len());
        for row in kept {
            if let Some(Some(manager)) = &row.manager_employee_id
                && !first_line.contains_key(manager)
                && !known.contains(manager.as_str())
            {
                rejected.push(RejectedRow {
                    line: row.line,
                    employee_id: row.employee_id.clone(),
                    reason: format!("manager {manager} is neither in the file nor in the directory"),
                });
                continue;
            }
            match &row.manager_employee_id {
                Some(Some(manager)) => {
                    managers.insert(row.employee_id.clone(), manager.clone());
                }
                Some(None) => {
                    managers.remove(&row.employee_id);
                }
                None => {}
            }
            checked.push(row);
        }
        if let Some(cycle) = manager_cycle(&managers) {
            let chain = cycle.join(" -> ");
            let on_cycle: HashSet<&String> = cycle.iter().collect();
            checked.retain(|row| {
                if on_cycle.contains(&row.employee_id) {
                    let reason = format!("the manager chain {chain} is a cycle");
                    rejected.push(RejectedRow { line: row.line, employee_id: row.employee_id.clone(), reason });
                    false
                } else {
                    true
                }
            });
        }
        checked
    }

    /// The column names of import source `name`.
    pub async fn import_source(&self, name: &str) -> Result<HashMap<PersonField, String>> {
        let row =
            import_source::Entity::find_by_id((self.org.to_owned(), name.to_owned())).one(self.db).await?.ok_or_else(
                || Error::NotFound(format!("no import source '{name}'; define it with setPeopleImportSource")),
            )?;
        columns_of(&row)
    }

    /// Every import source of the organisation, by name.
    pub async fn import_sources(&self) -> Result<Vec<(String, HashMap<PersonField, String>)>> {
        let rows = import_source::Entity::find().filter(import_source::Column::OrgId.eq(self.org)).all(self.db).await?;
        let mut sources: Vec<(String, HashMap<PersonField, String>)> =
            rows.iter().map(|row| Ok((row.name.clone(), columns_of(row)?))).collect::<Result<_>>()?;
        sources.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(sources)
    }

    /// Sets the column names of import source `name` (fields left out use their own names).
    pub async fn set_import_source(&self, name: &str, columns: HashMap<PersonField, String>) -> Result<()> {
        let name = crate::domain::text::required("name", name, 64)?;
        let mut stored = serde_json::Map::new();
        for (field, column) in &columns {
            let column = crate::domain::text::required(&format!("column of {}", field.name()), column, 120)?;
            stored.insert(field.name().to_owned(), json!(column));
        }
        let txn = self.begin().await?;
        let row = import_source::ActiveModel {
            org_id: Set(self.org.to_owned()),
            name: Set(name.clone()),
            columns: Set(serde_json::Value::Object(stored.clone()).to_string()),
            updated_at: Set(now()),
        };
        let exists = import_source::Entity::find_by_id((self.org.to_owned(), name.clone())).one(&txn).await?.is_some();
        if exists {
            row.update(&txn).await?;
        } else {
            row.insert(&txn).await?;
        }
        let details = json!({ "source": name, "columns": stored });
        self.audit(&txn, Change { action: "import.source.set", entity_type: "ImportSource", entity_id: None, details })
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

fn columns_of(row: &import_source::Model) -> Result<HashMap<PersonField, String>> {
    let stored: HashMap<String, String> = serde_json::from_str(&row.columns)
        .map_err(|error| Error::Internal(format!("import source {}: {error}", row.name)))?;
    Ok(stored
        .into_iter()
        .filter_map(|(field, column)| PersonField::parse(&field).map(|field| (field, column)))
        .collect())
}

/// The entry a row asks for: its cells where the file has the column, the stored entry elsewhere.
fn merged(row: &PersonRow, current: Option<&person::Model>) -> PersonDraft {
    let text = |cell: &Option<Option<String>>, stored: Option<&Option<String>>| {
        cell.clone().unwrap_or_else(|| stored.cloned().flatten())
    };
    PersonDraft {
        employee_id: row.employee_id.clone(),
        name: text(&row.name, current.map(|person| Some(person.name.clone())).as_ref()).unwrap_or_default(),
        email: text(&row.email, current.map(|person| &person.email)),
        department: text(&row.department, current.map(|person| &person.department)),
        job_title: text(&row.job_title, current.map(|person| &person.job_title)),
        level: row.level.or(current.map(|person| person.level)).unwrap_or(DEFAULT_LEVEL),
        manager_employee_id: text(&row.manager_employee_id, current.map(|person| &person.manager_employee_id)),
        generation: row
            .generation
            .unwrap_or_else(|| current.and_then(|person| person.generation.as_deref()?.parse().ok())),
        hired_on: row.hired_on.unwrap_or_else(|| current.and_then(|person| person.hired_on)),
        left_on: row.left_on.unwrap_or_else(|| current.and_then(|person| person.left_on)),
    }
}
