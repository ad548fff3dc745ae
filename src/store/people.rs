//! People and their skills: directory imports, departures, filtered listing.

use super::OneOf;
use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use serde_json::json;

use super::audit::Change;
use super::departures::{DepartureSource, status_after};
use super::entity::{person, person_skill, skill};
use super::page::{self, Page, PageRequest};
use super::{Scoped, now, today};
use crate::domain::person::{EmploymentStatus, Generation, PersonRecord};
use crate::domain::skill::{SkillRelation, strength};
use crate::domain::timeline::{Employment, departure_step};
use crate::error::{Error, Result};

/// One entry of a batch of person skills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonSkillEntry {
    /// The person's row id.
    pub person_id: i64,
    /// The skill's row id.
    pub skill_id: i64,
    /// Offers or wants.
    pub relation: SkillRelation,
    /// Proficiency (offers) or priority (wants), 1-5.
    pub level: i32,
}

/// Filters for listing people; all optional, combined with AND.
#[derive(Debug, Default, Clone)]
pub struct PeopleFilter {
    /// Exact department.
    pub department: Option<String>,
    /// Exact level.
    pub level: Option<i32>,
    /// Generation.
    pub generation: Option<Generation>,
    /// Employment status.
    pub status: Option<EmploymentStatus>,
    /// Case-insensitive part of the name.
    pub name_contains: Option<String>,
}

/// What writing one directory entry did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A new person.
    Created,
    /// An existing person; these fields changed.
    Changed(Vec<&'static str>),
    /// An existing person, identical.
    Unchanged,
}

/// What a directory import did.
#[derive(Debug)]
pub struct UpsertSummary {
    /// Rows that did not exist.
    pub created: usize,
    /// Rows that existed and differed.
    pub updated: usize,
    /// Rows that existed and were identical.
    pub unchanged: usize,
    /// Every person of the batch, in batch order.
    pub people: Vec<person::Model>,
}

impl Scoped<'_> {
    /// Inserts or updates a batch by employee id, all or nothing. A changed `leftOn` goes
    /// through the one departure path, like `recordDeparture`.
    pub async fn upsert_people(&self, records: Vec<PersonRecord>) -> Result<UpsertSummary> {
        let txn = self.begin().await?;
        let ids: Vec<&str> = records.iter().map(|record| record.employee_id.as_str()).collect();
        let existing = self.people_by_employee_ids(&txn, &ids).await?;
        let outcomes = self.write_people(&txn, &records, &existing, DepartureSource::DirectoryImport).await?;
        let count = |wanted: fn(&Written) -> bool| outcomes.iter().filter(|outcome| wanted(outcome)).count();
        let created = count(|outcome| matches!(outcome, Written::Created));
        let updated = count(|outcome| matches!(outcome, Written::Changed(_)));
        let unchanged = count(|outcome| matches!(outcome, Written::Unchanged));
        if created + updated > 0 {
            let change = json!({ "created": created, "updated": updated, "unchanged": unchanged, "employeeIds": ids });
            self.audit(
                &txn,
                Change { action: "people.upsert", entity_type: "Person", entity_id: None, details: change },
            )
            .await?;
        }
        let stored = self.people_by_employee_ids(&txn, &ids).await?;
        txn.commit().await?;
        let people = ids.iter().filter_map(|id| stored.get(*id).cloned()).collect();
        Ok(UpsertSummary { created, updated, unchanged, people })
    }

    /// Writes checked directory entries over `existing` (theirs by employee id) in `txn`: new
    /// people inserted in batches, changed ones updated, a changed `leftOn` through the one
    /// departure path. One outcome per record, in order.
    pub(crate) async fn write_people(
        &self,
        txn: &DatabaseTransaction,
        records: &[PersonRecord],
        existing: &HashMap<String, person::Model>,
        source: DepartureSource,
    ) -> Result<Vec<Written>> {
        let mut outcomes = Vec::with_capacity(records.len());
        let mut to_insert = Vec::new();
        let mut sizes = Vec::new();
        for record in records {
            match existing.get(&record.employee_id) {
                Some(row) => {
                    let fields = changed_fields(row, record);
                    if fields.is_empty() {
                        outcomes.push(Written::Unchanged);
                        continue;
                    }
                    let step = departure_step(
                        Employment { hired_on: record.hired_on, left_on: row.left_on },
                        record.left_on,
                        today(),
                    )
                    .map_err(|error| Error::BadInput(format!("employee {}: {error}", record.employee_id)))?;
                    let mut active = row.clone().into_active_model();
                    fill(&mut active, record);
                    if let Some(status) = status_after(step) {
                        active.employment_status = Set(status.as_str().to_owned());
                    }
                    active.version = Set(row.version + 1);
                    let after = active.update(txn).await?;
                    self.depart(txn, row, &after, step, source).await?;
                    outcomes.push(Written::Changed(fields));
                }
                None => {
                    let mut active = person::ActiveModel {
                        org_id: Set(self.org.to_owned()),
                        version: Set(1),
                        created_at: Set(now()),
                        ..Default::default()
                    };
                    fill(&mut active, record);
                    let employment = Employment { hired_on: record.hired_on, left_on: record.left_on };
                    active.employment_status = Set(employment.status(today()).as_str().to_owned());
                    to_insert.push(active);
                    sizes.push(record_bytes(record));
                    outcomes.push(Written::Created);
                }
            }
        }
        for batch in super::sized_batches(&sizes) {
            person::Entity::insert_many(to_insert[batch].to_vec()).exec_without_returning(txn).await?;
        }
        Ok(outcomes)
    }

    pub(crate) async fn people_by_employee_ids<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        ids: &[&str],
    ) -> Result<HashMap<String, person::Model>> {
        let rows = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::EmployeeId.one_of(self.backend(), ids.iter().map(|id| id.to_string())))
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.employee_id.clone(), row)).collect())
    }

    /// One person of the organisation.
    pub async fn person(&self, id: i64) -> Result<Option<person::Model>> {
        self.person_in(self.db, id).await
    }

    pub(crate) async fn person_in<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        id: i64,
    ) -> Result<Option<person::Model>> {
        Ok(person::Entity::find_by_id(id).filter(person::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// A person by the employee id integrations use.
    pub async fn person_by_employee_id(&self, employee_id: &str) -> Result<Option<person::Model>> {
        Ok(person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::EmployeeId.eq(employee_id))
            .one(self.db)
            .await?)
    }

    /// People by id, for the DataLoader.
    pub async fn people_by_ids(&self, ids: &[i64]) -> Result<Vec<person::Model>> {
        self.lookup(
            person::Entity::find()
                .filter(person::Column::OrgId.eq(self.org))
                .filter(person::Column::Id.one_of(self.backend(), ids.iter().copied())),
        )
        .await
    }

    /// People by employee id, for managers.
    pub async fn people_by_employee_id_list(&self, ids: &[String]) -> Result<Vec<person::Model>> {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        Ok(self.people_by_employee_ids(self.db, &ids).await?.into_values().collect())
    }

    /// One page of the directory.
    pub async fn people(&self, filter: &PeopleFilter, request: PageRequest) -> Result<Page<person::Model>> {
        let mut condition = Condition::all().add(person::Column::OrgId.eq(self.org));
        if let Some(department) = &filter.department {
            condition = condition.add(person::Column::Department.eq(department.as_str()));
        }
        if let Some(level) = filter.level {
            condition = condition.add(person::Column::Level.eq(level));
        }
        if let Some(generation) = filter.generation {
            condition = condition.add(person::Column::Generation.eq(generation.as_str()));
        }
        if let Some(status) = filter.status {
            condition = condition.add(person::Column::EmploymentStatus.eq(status.as_str()));
        }
        if let Some(term) = filter.name_contains.as_deref().map(str::trim).filter(|term| !term.is_empty()) {
            let pattern = format!("%{}%", escape_like(&term.to_lowercase()));
            let lowered = Func::lower(Expr::col(person::Column::Name));
            condition = condition.add(Expr::expr(lowered).like(LikeExpr::new(pattern).escape('\\')));
        }
        page::fetch(self.db, person::Entity::find().filter(condition), person::Column::Id, request).await
    }

    /// Sets a batch of what people offer or want, all or nothing: an unknown person or skill, or
    /// a level out of range, anywhere in the batch writes nothing and names the entry. Returns
    /// (created, updated, unchanged).
    pub async fn set_person_skills(&self, entries: &[PersonSkillEntry]) -> Result<(usize, usize, usize)> {
        let txn = self.begin().await?;
        let counts = self.put_person_skills(&txn, entries, |index| format!("skills[{index}]: ")).await?;
        txn.commit().await?;
        Ok(counts)
    }

    /// Writes `entries` in `txn`, auditing each one that changed; an error about an entry starts
    /// with `label(index)`.
    async fn put_person_skills(
        &self,
        txn: &DatabaseTransaction,
        entries: &[PersonSkillEntry],
        label: impl Fn(usize) -> String,
    ) -> Result<(usize, usize, usize)> {
        let at = |index: usize, error: Error| error.about(&label(index));
        let mut levels = Vec::with_capacity(entries.len());
        let mut seen = std::collections::HashSet::new();
        for (index, entry) in entries.iter().enumerate() {
            levels.push(strength(entry.relation, entry.level).map_err(|error| at(index, error.into()))?);
            if !seen.insert((entry.person_id, entry.skill_id, entry.relation.as_str())) {
                let message = "the same person, skill and relation appear twice in the batch".to_owned();
                return Err(at(index, Error::BadInput(message)));
            }
        }
        let people: std::collections::HashSet<i64> = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::Id.one_of(self.backend(), entries.iter().map(|entry| entry.person_id)))
            .all(txn)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        let skills: std::collections::HashSet<i64> = skill::Entity::find()
            .filter(skill::Column::OrgId.eq(self.org))
            .filter(skill::Column::Id.one_of(self.backend(), entries.iter().map(|entry| entry.skill_id)))
            .all(txn)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        for (index, entry) in entries.iter().enumerate() {
            if !people.contains(&entry.person_id) {
                return Err(at(index, Error::not_found("person")));
            }
            if !skills.contains(&entry.skill_id) {
                return Err(at(index, Error::not_found("skill")));
            }
        }
        let mut existing: HashMap<(i64, i64, String), person_skill::Model> = person_skill::Entity::find()
            .filter(person_skill::Column::OrgId.eq(self.org))
            .filter(person_skill::Column::PersonId.one_of(self.backend(), people.iter().copied()))
            .all(txn)
            .await?
            .into_iter()
            .map(|row| ((row.person_id, row.skill_id, row.relation.clone()), row))
            .collect();
        let (mut created, mut updated, mut unchanged) = (Vec::new(), 0, 0);
        for (entry, level) in entries.iter().zip(levels) {
            let key = (entry.person_id, entry.skill_id, entry.relation.as_str().to_owned());
            match existing.remove(&key) {
                Some(row) if i32::from(row.strength) == level => {
                    unchanged += 1;
                    continue;
                }
                Some(row) => {
                    let mut active = row.into_active_model();
                    active.strength = Set(level as i16);
                    active.updated_at = Set(now());
                    active.update(txn).await?;
                    updated += 1;
                }
                None => created.push(person_skill::ActiveModel {
                    org_id: Set(self.org.to_owned()),
                    person_id: Set(entry.person_id),
                    skill_id: Set(entry.skill_id),
                    relation: Set(key.2),
                    strength: Set(level as i16),
                    created_at: Set(now()),
                    updated_at: Set(now()),
                    ..Default::default()
                }),
            }
            let details = json!({ "skillId": entry.skill_id, "relation": entry.relation.as_str(), "strength": level });
            let change =
                Change { action: "person.skill.set", entity_type: "Person", entity_id: Some(entry.person_id), details };
            self.audit(txn, change).await?;
        }
        let counts = (created.len(), updated, unchanged);
        for chunk in created.chunks(500) {
            person_skill::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
        }
        Ok(counts)
    }

    /// Sets what a person offers or wants (creating or changing the strength).
    pub async fn set_person_skill(
        &self,
        person_id: i64,
        skill_id: i64,
        relation: SkillRelation,
        value: i32,
    ) -> Result<person_skill::Model> {
        let entry = PersonSkillEntry { person_id, skill_id, relation, level: value };
        let txn = self.begin().await?;
        self.put_person_skills(&txn, &[entry], |_| String::new()).await?;
        let row = person_skill::Entity::find()
            .filter(person_skill::Column::OrgId.eq(self.org))
            .filter(person_skill::Column::PersonId.eq(person_id))
            .filter(person_skill::Column::SkillId.eq(skill_id))
            .filter(person_skill::Column::Relation.eq(relation.as_str()))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("person skill"))?;
        txn.commit().await?;
        Ok(row)
    }

    /// Removes an OFFERS or WANTS entry; returns whether one existed.
    pub async fn remove_person_skill(&self, person_id: i64, skill_id: i64, relation: SkillRelation) -> Result<bool> {
        let txn = self.begin().await?;
        self.person_in(&txn, person_id).await?.ok_or_else(|| Error::not_found("person"))?;
        self.skill_in(&txn, skill_id).await?.ok_or_else(|| Error::not_found("skill"))?;
        let removed = person_skill::Entity::delete_many()
            .filter(person_skill::Column::OrgId.eq(self.org))
            .filter(person_skill::Column::PersonId.eq(person_id))
            .filter(person_skill::Column::SkillId.eq(skill_id))
            .filter(person_skill::Column::Relation.eq(relation.as_str()))
            .exec(&txn)
            .await?
            .rows_affected
            > 0;
        if removed {
            let details = json!({ "skillId": skill_id, "relation": relation.as_str() });
            let change =
                Change { action: "person.skill.remove", entity_type: "Person", entity_id: Some(person_id), details };
            self.audit(&txn, change).await?;
        }
        txn.commit().await?;
        Ok(removed)
    }

    /// Every skill entry of these people, for the DataLoader.
    pub async fn skills_of_people(&self, person_ids: &[i64]) -> Result<Vec<person_skill::Model>> {
        self.lookup(
            person_skill::Entity::find()
                .filter(person_skill::Column::OrgId.eq(self.org))
                .filter(person_skill::Column::PersonId.one_of(self.backend(), person_ids.iter().copied())),
        )
        .await
    }
}

/// Writes a checked directory entry into a row (and stamps `updated_at`).
pub(crate) fn fill(active: &mut person::ActiveModel, record: &PersonRecord) {
    active.employee_id = Set(record.employee_id.clone());
    active.name = Set(record.name.clone());
    active.email = Set(record.email.clone());
    active.department = Set(record.department.clone());
    active.job_title = Set(record.job_title.clone());
    active.level = Set(record.level);
    active.manager_employee_id = Set(record.manager_employee_id.clone());
    active.generation = Set(record.generation.map(|generation| generation.as_str().to_owned()));
    active.hired_on = Set(record.hired_on);
    active.left_on = Set(record.left_on);
    active.updated_at = Set(now());
}

/// Roughly what a person's row adds to an insert statement, in bytes.
fn record_bytes(record: &PersonRecord) -> usize {
    let text = |value: &Option<String>| value.as_ref().map_or(0, String::len);
    128 + record.employee_id.len()
        + record.name.len()
        + text(&record.email)
        + text(&record.department)
        + text(&record.job_title)
        + text(&record.manager_employee_id)
}

/// The fields of `row` that `record` changes, by their API names.
fn changed_fields(row: &person::Model, record: &PersonRecord) -> Vec<&'static str> {
    let changes = [
        ("name", row.name != record.name),
        ("email", row.email != record.email),
        ("department", row.department != record.department),
        ("jobTitle", row.job_title != record.job_title),
        ("level", row.level != record.level),
        ("managerEmployeeId", row.manager_employee_id != record.manager_employee_id),
        ("generation", row.generation.as_deref() != record.generation.map(Generation::as_str)),
        ("hiredOn", row.hired_on != record.hired_on),
        ("leftOn", row.left_on != record.left_on),
    ];
    changes.into_iter().filter(|(_, changed)| *changed).map(|(name, _)| name).collect()
}

fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
