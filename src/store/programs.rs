//! Programs and their objectives: creation, versioned updates and the lifecycle.

use super::OneOf;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{objective, program};
use super::page::{self, Page, PageRequest};
use super::{Scoped, now, parse_stored};
use crate::domain::matching::MatchingRules;
use crate::domain::program::{
    self as rules, EndReason, Objective, ObjectiveKind, ProgramDraft, ProgramKind, ProgramStatus, validate_objectives,
};
use crate::error::{Error, Result};

/// A requested change to a program's lifecycle.
#[derive(Debug, Clone)]
pub enum Lifecycle {
    /// DRAFT -> ENROLLING or ENROLLING -> ACTIVE.
    MoveTo(ProgramStatus),
    /// Push the planned end later.
    Extend(NaiveDate),
    /// End it, with why.
    End { reason: EndReason, note: Option<String>, on: NaiveDate },
}

impl Scoped<'_> {
    /// Creates a program in DRAFT.
    pub async fn create_program(
        &self,
        kind: ProgramKind,
        draft: ProgramDraft,
        objectives: Vec<Objective>,
    ) -> Result<program::Model> {
        let draft = draft.validate()?;
        validate_objectives(&objectives)?;
        let txn = self.begin().await?;
        let mut active = program::ActiveModel {
            org_id: Set(self.org.to_owned()),
            kind: Set(kind.as_str().to_owned()),
            status: Set(ProgramStatus::Draft.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now()),
            ..Default::default()
        };
        fill(&mut active, &draft)?;
        let row = active.insert(&txn).await?;
        self.replace_objectives(&txn, row.id, &objectives).await?;
        let details = json!({ "name": row.name, "kind": row.kind, "startsOn": row.starts_on, "endsOn": row.ends_on });
        self.audit(&txn, Change { action: "program.create", entity_type: "Program", entity_id: Some(row.id), details })
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Applies `edit` to the stored fields if the caller saw `expected_version`.
    pub async fn update_program(
        &self,
        id: i64,
        expected_version: i32,
        edit: impl FnOnce(ProgramDraft) -> ProgramDraft,
        objectives: Option<Vec<Objective>>,
    ) -> Result<program::Model> {
        let txn = self.begin().await?;
        let row = self.program_for_change(&txn, id, Some(expected_version)).await?;
        if row.status == ProgramStatus::Ended.as_str() {
            return Err(Error::IllegalTransition("an ended program cannot be edited".into()));
        }
        let draft = edit(draft_of(&row)?).validate()?;
        if let Some(objectives) = &objectives {
            validate_objectives(objectives)?;
            self.replace_objectives(&txn, id, objectives).await?;
        }
        let mut active = row.clone().into_active_model();
        fill(&mut active, &draft)?;
        let updated = self.save_versioned(&txn, &row, active).await?;
        let details =
            json!({ "version": updated.version, "name": updated.name, "objectivesReplaced": objectives.is_some() });
        self.audit(&txn, Change { action: "program.update", entity_type: "Program", entity_id: Some(id), details })
            .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Moves a program along its lifecycle, refusing illegal steps with the reason.
    pub async fn change_lifecycle(
        &self,
        id: i64,
        expected_version: Option<i32>,
        change: Lifecycle,
    ) -> Result<program::Model> {
        let txn = self.begin().await?;
        let row = self.program_for_change(&txn, id, expected_version).await?;
        let status: ProgramStatus = parse_stored(&row.status)?;
        let mut active = row.clone().into_active_model();
        let (action, details) = match &change {
            Lifecycle::MoveTo(to) => {
                let next = rules::transition(status, *to)?;
                active.status = Set(next.as_str().to_owned());
                ("program.status", json!({ "from": status.as_str(), "to": next.as_str() }))
            }
            Lifecycle::Extend(new_end) => {
                rules::extend(status, row.ends_on, *new_end)?;
                active.ends_on = Set(*new_end);
                ("program.extend", json!({ "from": row.ends_on, "to": new_end }))
            }
            Lifecycle::End { reason, note, on } => {
                rules::end(status, *reason)?;
                active.status = Set(ProgramStatus::Ended.as_str().to_owned());
                active.end_reason = Set(Some(reason.as_str().to_owned()));
                active.end_note = Set(note.clone());
                active.ended_on = Set(Some(*on));
                ("program.end", json!({ "from": status.as_str(), "reason": reason.as_str(), "note": note, "on": on }))
            }
        };
        let updated = self.save_versioned(&txn, &row, active).await?;
        if let Lifecycle::End { reason, on, .. } = &change {
            self.end_matches_of_program(&txn, id, *reason, *on).await?;
        }
        self.audit(&txn, Change { action, entity_type: "Program", entity_id: Some(id), details }).await?;
        txn.commit().await?;
        Ok(updated)
    }

    async fn program_for_change(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: Option<i32>,
    ) -> Result<program::Model> {
        let row = self.program_in(txn, id).await?.ok_or_else(|| Error::not_found("program"))?;
        match expected_version {
            Some(expected) if expected != row.version => Err(stale(expected, row.version)),
            _ => Ok(row),
        }
    }

    /// Writes only if nobody else bumped the version since `row` was read.
    async fn save_versioned(
        &self,
        txn: &DatabaseTransaction,
        row: &program::Model,
        mut active: program::ActiveModel,
    ) -> Result<program::Model> {
        active.version = Set(row.version + 1);
        active.updated_at = Set(now());
        let written = program::Entity::update_many()
            .set(active)
            .filter(program::Column::Id.eq(row.id))
            .filter(program::Column::OrgId.eq(self.org))
            .filter(program::Column::Version.eq(row.version))
            .exec(txn)
            .await?;
        if written.rows_affected == 0 {
            return Err(stale(row.version, row.version + 1));
        }
        self.program_in(txn, row.id).await?.ok_or_else(|| Error::not_found("program"))
    }

    async fn replace_objectives(
        &self,
        txn: &DatabaseTransaction,
        program_id: i64,
        objectives: &[Objective],
    ) -> Result<()> {
        objective::Entity::delete_many()
            .filter(objective::Column::OrgId.eq(self.org))
            .filter(objective::Column::ProgramId.eq(program_id))
            .exec(txn)
            .await?;
        if objectives.is_empty() {
            return Ok(());
        }
        let rows = objectives.iter().map(|item| objective::ActiveModel {
            org_id: Set(self.org.to_owned()),
            program_id: Set(program_id),
            kind: Set(item.kind.as_str().to_owned()),
            target: Set(item.target),
            due_on: Set(item.due_on),
            window_months: Set(item.window_months),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        });
        objective::Entity::insert_many(rows).exec_without_returning(txn).await?;
        Ok(())
    }

    pub(crate) async fn program_in<C: ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<program::Model>> {
        Ok(program::Entity::find_by_id(id).filter(program::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// One program.
    pub async fn program(&self, id: i64) -> Result<Option<program::Model>> {
        self.program_in(self.db, id).await
    }

    /// Programs by id, for the DataLoader.
    pub async fn programs_by_ids(&self, ids: &[i64]) -> Result<Vec<program::Model>> {
        self.lookup(
            program::Entity::find()
                .filter(program::Column::OrgId.eq(self.org))
                .filter(program::Column::Id.one_of(self.backend(), ids.iter().copied())),
        )
        .await
    }

    /// One page of programs, optionally in one status.
    pub async fn programs(&self, status: Option<ProgramStatus>, request: PageRequest) -> Result<Page<program::Model>> {
        let mut select = program::Entity::find().filter(program::Column::OrgId.eq(self.org));
        if let Some(status) = status {
            select = select.filter(program::Column::Status.eq(status.as_str()));
        }
        page::fetch(self.db, select, program::Column::Id, request).await
    }

    /// Every program of the organisation, oldest first (metrics over several programs).
    pub async fn all_programs(&self) -> Result<Vec<program::Model>> {
        Ok(program::Entity::find()
            .filter(program::Column::OrgId.eq(self.org))
            .order_by_asc(program::Column::Id)
            .all(self.db)
            .await?)
    }

    /// The objectives of these programs, for the DataLoader.
    pub async fn objectives_of(&self, program_ids: &[i64]) -> Result<Vec<objective::Model>> {
        self.lookup(
            objective::Entity::find()
                .filter(objective::Column::OrgId.eq(self.org))
                .filter(objective::Column::ProgramId.one_of(self.backend(), program_ids.iter().copied()))
                .order_by_asc(objective::Column::Id),
        )
        .await
    }
}

/// The editable fields of a stored program.
pub fn draft_of(row: &program::Model) -> Result<ProgramDraft> {
    Ok(ProgramDraft {
        name: row.name.clone(),
        description: row.description.clone(),
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        relationship_months: row.relationship_months,
        rules: rules_of(row)?,
    })
}

/// A stored program's matching rules.
pub fn rules_of(row: &program::Model) -> Result<MatchingRules> {
    serde_json::from_str(&row.matching_rules)
        .map_err(|error| Error::Internal(format!("program {} has unreadable matching rules: {error}", row.id)))
}

/// A stored objective as the domain sees it.
pub fn objective_of(row: &objective::Model) -> Result<Objective> {
    Ok(Objective {
        kind: parse_stored::<ObjectiveKind>(&row.kind)?,
        target: row.target,
        due_on: row.due_on,
        window_months: row.window_months,
    })
}

fn fill(active: &mut program::ActiveModel, draft: &ProgramDraft) -> Result<()> {
    let rules = serde_json::to_string(&draft.rules).map_err(|error| Error::Internal(error.to_string()))?;
    active.name = Set(draft.name.clone());
    active.description = Set(draft.description.clone());
    active.starts_on = Set(draft.starts_on);
    active.ends_on = Set(draft.ends_on);
    active.relationship_months = Set(draft.relationship_months);
    active.matching_rules = Set(rules);
    active.updated_at = Set(now());
    Ok(())
}

fn stale(expected: i32, actual: i32) -> Error {
    Error::Conflict(format!(
        "the program changed since you read it (you sent version {expected}, it is now at {actual}); reload and retry"
    ))
}
