//! Directory sync over SCIM 2.0: the organisation's SCIM secrets, and people as SCIM User
//! resources. A write goes through the same checks and the same departure path as every other
//! change to a person, in one transaction with its audit event, the SCIM client as the actor.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Change;
use super::departures::{DepartureSource, status_after};
use super::entity::{person, scim_token};
use super::{Scoped, Store, now, secrets, today};
use crate::domain::person::{DEFAULT_LEVEL, EmploymentStatus, PersonDraft};
use crate::domain::scim::ScimError;
use crate::domain::scim::filter::{AttrPath, CompareOp, Filter, Literal};
use crate::domain::scim::user::{ENTERPRISE, PROFILE, UserFields};
use crate::domain::timeline::directory_step;
use crate::error::{Error, Result};

impl scim_token::Model {
    /// Whether the secret is usable at `at`: not revoked, and its rotation's overlap not over.
    pub fn live_at(&self, at: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|expires| expires > at)
    }
}

impl Store {
    /// The SCIM secret `secret` is, when it is live: it names the organisation and the actor.
    pub async fn scim_client(&self, secret: &str) -> Result<Option<scim_token::Model>> {
        let token = scim_token::Entity::find()
            .filter(scim_token::Column::SecretHash.eq(secrets::hash(secret)))
            .one(&self.db)
            .await?;
        Ok(token.filter(|token| token.live_at(now())))
    }
}

/// A person as a SCIM resource: their row and their manager's, when the manager is known.
#[derive(Debug, Clone)]
pub struct ScimUser {
    /// The person.
    pub person: person::Model,
    /// Their manager, found by `manager_employee_id`.
    pub manager: Option<person::Model>,
}

impl ScimUser {
    /// The resource's `userName`: the one the directory gave, else the e-mail, else the employee
    /// id, so that people entered before directory sync are resources too (and an identity
    /// provider's first lookup by `userName` finds them instead of creating a duplicate).
    pub fn user_name(&self) -> &str {
        let person = &self.person;
        person.scim_user_name.as_deref().or(person.email.as_deref()).unwrap_or(&person.employee_id)
    }

    /// The fields SCIM shows; `manager_id` is the manager's resource id.
    pub fn fields(&self, manager_id: Option<String>) -> UserFields {
        let person = &self.person;
        UserFields {
            user_name: Some(self.user_name().to_owned()),
            external_id: person.scim_external_id.clone(),
            display_name: Some(person.name.clone()),
            email: person.email.clone(),
            title: person.job_title.clone(),
            active: Some(person.employment_status == EmploymentStatus::Active.as_str()),
            employee_number: Some(person.employee_id.clone()),
            department: person.department.clone(),
            manager: manager_id.filter(|_| self.manager.is_some()),
            level: Some(person.level),
            generation: person.generation.as_deref().and_then(|generation| generation.parse().ok()),
            hired_on: person.hired_on,
        }
    }
}

/// What the directory wants a person to be: the resource's fields, the manager as a row id.
#[derive(Debug, Clone)]
pub struct DirectoryUser {
    /// The resource's fields (`manager` is ignored: see `manager`).
    pub fields: UserFields,
    /// The manager's row, as the resource id named it.
    pub manager: Option<i64>,
}

/// A page of resources and how many match in all.
#[derive(Debug)]
pub struct ScimPage {
    /// Resources matching the filter, in all.
    pub total: u64,
    /// This page.
    pub users: Vec<ScimUser>,
}

impl From<Error> for ScimError {
    fn from(error: Error) -> ScimError {
        match error {
            Error::BadInput(message) | Error::IllegalTransition(message) => ScimError::invalid_value(message),
            Error::Conflict(message) => ScimError::uniqueness(message),
            Error::NotFound(message) => ScimError::status(404, message),
            Error::Unauthenticated(message) => ScimError::status(401, message),
            Error::Forbidden(message) => ScimError::status(403, message),
            Error::Unavailable(message) => ScimError::status(503, message),
            other => ScimError::status(500, other.message()),
        }
    }
}

impl From<crate::domain::DomainError> for ScimError {
    fn from(error: crate::domain::DomainError) -> ScimError {
        Error::from(error).into()
    }
}

impl From<sea_orm::DbErr> for ScimError {
    fn from(error: sea_orm::DbErr) -> ScimError {
        Error::from(error).into()
    }
}

impl Scoped<'_> {
    /// A new SCIM secret named `name`; the secret is returned once and stored hashed.
    pub async fn create_scim_token(&self, name: &str) -> Result<(scim_token::Model, String)> {
        let txn = self.begin().await?;
        let (token, secret) = self.insert_scim_token(&txn, name).await?;
        let details = json!({ "name": token.name });
        self.audit(
            &txn,
            Change { action: "scim.token.create", entity_type: "ScimToken", entity_id: Some(token.id), details },
        )
        .await?;
        txn.commit().await?;
        Ok((token, secret))
    }

    async fn insert_scim_token(&self, txn: &DatabaseTransaction, name: &str) -> Result<(scim_token::Model, String)> {
        let name = crate::domain::text::required("name", name, 120)?;
        let secret = secrets::new_secret("scim", 32)?;
        let token = scim_token::ActiveModel {
            org_id: Set(self.org.to_owned()),
            name: Set(name),
            secret_hash: Set(secrets::hash(&secret)),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok((token, secret))
    }

    /// A new secret replacing token `id`, which stays valid for `overlap` so the directory can
    /// switch without a gap.
    pub async fn rotate_scim_token(&self, id: i64, overlap: Duration) -> Result<(scim_token::Model, String)> {
        let txn = self.begin().await?;
        let old = self.live_scim_token(&txn, id).await?;
        let ends = now() + overlap;
        let mut active = old.clone().into_active_model();
        active.expires_at = Set(Some(old.expires_at.map_or(ends, |expires| Ord::min(expires, ends))));
        active.update(&txn).await?;
        let (token, secret) = self.insert_scim_token(&txn, &old.name).await?;
        let details = json!({ "replacedBy": token.id, "validUntil": ends });
        self.audit(
            &txn,
            Change { action: "scim.token.rotate", entity_type: "ScimToken", entity_id: Some(id), details },
        )
        .await?;
        txn.commit().await?;
        Ok((token, secret))
    }

    /// Revokes token `id` at once.
    pub async fn revoke_scim_token(&self, id: i64) -> Result<scim_token::Model> {
        let txn = self.begin().await?;
        let token = self.live_scim_token(&txn, id).await?;
        let mut active = token.into_active_model();
        active.revoked_at = Set(Some(now()));
        let revoked = active.update(&txn).await?;
        let change =
            Change { action: "scim.token.revoke", entity_type: "ScimToken", entity_id: Some(id), details: json!({}) };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        Ok(revoked)
    }

    async fn live_scim_token(&self, txn: &DatabaseTransaction, id: i64) -> Result<scim_token::Model> {
        let token = scim_token::Entity::find_by_id(id)
            .filter(scim_token::Column::OrgId.eq(self.org))
            .one(txn)
            .await?
            .ok_or_else(|| Error::not_found("SCIM token"))?;
        if !token.live_at(now()) {
            return Err(Error::IllegalTransition(format!("SCIM token {} is already revoked or expired", token.name)));
        }
        Ok(token)
    }

    /// One of the organisation's SCIM secrets.
    pub async fn scim_token(&self, id: i64) -> Result<Option<scim_token::Model>> {
        Ok(scim_token::Entity::find_by_id(id).filter(scim_token::Column::OrgId.eq(self.org)).one(self.db).await?)
    }

    /// The organisation's SCIM secrets (hashes only), newest first.
    pub async fn scim_tokens(&self) -> Result<Vec<scim_token::Model>> {
        Ok(scim_token::Entity::find()
            .filter(scim_token::Column::OrgId.eq(self.org))
            .order_by_desc(scim_token::Column::Id)
            .all(self.db)
            .await?)
    }

    /// Resources matching `filter`, `count` of them from the `start`th (0-based), in id order.
    pub async fn scim_users(&self, filter: Option<&Filter>, start: u64, count: u64) -> Result<ScimPage, ScimError> {
        let mut condition = self.scim_visible();
        if let Some(filter) = filter {
            condition = condition.add(condition_of(filter)?);
        }
        let total = person::Entity::find().filter(condition.clone()).count(self.db).await?;
        let people = if count == 0 {
            Vec::new()
        } else {
            person::Entity::find()
                .filter(condition)
                .order_by_asc(person::Column::Id)
                .offset(start)
                .limit(count)
                .all(self.db)
                .await?
        };
        let users = self.with_managers(self.db, people).await?;
        Ok(ScimPage { total, users })
    }

    /// One resource.
    pub async fn scim_user(&self, id: i64) -> Result<ScimUser, ScimError> {
        let person = self.scim_person(self.db, id).await?;
        Ok(self.with_managers(self.db, vec![person]).await?.remove(0))
    }

    /// Creates the resource the directory sends. A person with the same employee id who is not
    /// a resource yet (entered before directory sync, or deleted from the directory earlier) is
    /// taken over rather than duplicated, with their history.
    pub async fn scim_create(&self, wanted: DirectoryUser) -> Result<ScimUser, ScimError> {
        let employee_id = wanted
            .fields
            .employee_number
            .clone()
            .or_else(|| wanted.fields.external_id.clone())
            .or_else(|| wanted.fields.user_name.clone())
            .ok_or_else(|| ScimError::invalid_value("userName is required"))?;
        let txn = self.begin().await?;
        let existing = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::EmployeeId.eq(employee_id.as_str()))
            .one(&txn)
            .await?;
        if let Some(existing) = &existing
            && existing.scim_user_name.is_some()
            && existing.scim_deleted_at.is_none()
        {
            return Err(ScimError::uniqueness(format!("a user with employee id {employee_id} already exists")));
        }
        let saved = self.scim_save(&txn, existing, employee_id, wanted).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Replaces resource `id` by what `change` makes of it (a PUT or a PATCH), when its version
    /// is still `expected_version` (the `If-Match` header).
    pub async fn scim_update(
        &self,
        id: i64,
        expected_version: Option<i32>,
        change: impl FnOnce(&ScimUser) -> Result<DirectoryUser, ScimError>,
    ) -> Result<ScimUser, ScimError> {
        let txn = self.begin().await?;
        let person = self.scim_person(&txn, id).await?;
        check_version(&person, expected_version)?;
        let current = self.with_managers(&txn, vec![person]).await?.remove(0);
        let wanted = change(&current)?;
        let employee_id = match wanted.fields.employee_number.clone() {
            Some(renamed) if renamed != current.person.employee_id => {
                self.rename_employee(&txn, &current.person.employee_id, &renamed).await?;
                renamed
            }
            _ => current.person.employee_id.clone(),
        };
        let saved = self.scim_save(&txn, Some(current.person), employee_id, wanted).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Deletes resource `id`: the person's departure takes effect (if it had not) and the
    /// resource is gone, while their records stay for the metrics.
    pub async fn scim_delete(&self, id: i64, expected_version: Option<i32>) -> Result<(), ScimError> {
        let txn = self.begin().await?;
        let person = self.scim_person(&txn, id).await?;
        check_version(&person, expected_version)?;
        self.depart_now(&txn, &person, DepartureSource::Scim, |active| active.scim_deleted_at = Set(Some(now())))
            .await?;
        let details = json!({ "employeeId": person.employee_id, "userName": person.scim_user_name });
        self.audit(&txn, Change { action: "person.scim.delete", entity_type: "Person", entity_id: Some(id), details })
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Writes `wanted` over `existing` (or a new person) with employee id `employee_id`.
    async fn scim_save(
        &self,
        txn: &DatabaseTransaction,
        existing: Option<person::Model>,
        employee_id: String,
        wanted: DirectoryUser,
    ) -> Result<ScimUser, ScimError> {
        let fields = wanted.fields;
        let user_name = fields.user_name.clone().ok_or_else(|| ScimError::invalid_value("userName is required"))?;
        if user_name.chars().count() > 256 {
            return Err(ScimError::invalid_value("userName must be at most 256 characters"));
        }
        if let Some(external_id) = fields.external_id.as_deref().filter(|id| id.chars().count() > 256) {
            return Err(ScimError::invalid_value(format!(
                "externalId must be at most 256 characters ({} given)",
                external_id.chars().count()
            )));
        }
        self.refuse_taken_user_name(txn, &user_name, existing.as_ref().map(|person| person.id)).await?;
        let manager = match wanted.manager {
            Some(id) => Some(
                self.scim_person(txn, id)
                    .await
                    .map_err(|_| ScimError::invalid_value("manager is not a user of this organisation"))?,
            ),
            None => None,
        };
        let departed =
            existing.as_ref().is_some_and(|person| person.employment_status == EmploymentStatus::Left.as_str());
        let employment = existing.as_ref().map(person::Model::employment).unwrap_or_default();
        let employment = crate::domain::timeline::Employment { hired_on: fields.hired_on, ..employment };
        let (left_on, step) = directory_step(employment, departed, fields.active.unwrap_or(true), today())?;
        let record = PersonDraft {
            employee_id,
            name: fields.display_name.clone().unwrap_or_else(|| user_name.clone()),
            email: fields.email.clone(),
            department: fields.department.clone(),
            job_title: fields.title.clone(),
            level: fields.level.or(existing.as_ref().map(|person| person.level)).unwrap_or(DEFAULT_LEVEL),
            manager_employee_id: manager.as_ref().map(|manager| manager.employee_id.clone()),
            generation: fields.generation,
            hired_on: fields.hired_on,
            left_on,
        }
        .validate()
        .map_err(Error::from)?;
        let mut active = match &existing {
            Some(person) => person.clone().into_active_model(),
            None => person::ActiveModel {
                org_id: Set(self.org.to_owned()),
                version: Set(0),
                created_at: Set(now()),
                employment_status: Set(EmploymentStatus::Active.as_str().to_owned()),
                ..Default::default()
            },
        };
        super::people::fill(&mut active, &record);
        if let Some(status) = status_after(step) {
            active.employment_status = Set(status.as_str().to_owned());
        }
        active.scim_user_name = Set(Some(user_name));
        active.scim_external_id = Set(fields.external_id.clone());
        active.scim_deleted_at = Set(None);
        active.version = Set(existing.as_ref().map_or(0, |person| person.version) + 1);
        let after = match &existing {
            Some(_) => active.update(txn).await?,
            None => active.insert(txn).await?,
        };
        let action = match &existing {
            Some(before) => {
                self.depart(txn, before, &after, step, DepartureSource::Scim).await?;
                "person.scim.update"
            }
            None => "person.scim.create",
        };
        let mut details = json!({ "employeeId": after.employee_id, "userName": after.scim_user_name,
                                  "active": after.employment_status == EmploymentStatus::Active.as_str() });
        if let Some(before) = existing.as_ref().filter(|before| before.employee_id != after.employee_id) {
            details["previousEmployeeId"] = json!(before.employee_id);
        }
        self.audit(txn, Change { action, entity_type: "Person", entity_id: Some(after.id), details }).await?;
        Ok(ScimUser { person: after, manager })
    }

    /// Gives the employee id `from` the new id `to` (the HRIS changed its key): refused when
    /// another person has it; their reports follow, in the same transaction.
    async fn rename_employee(&self, txn: &DatabaseTransaction, from: &str, to: &str) -> Result<(), ScimError> {
        let to = crate::domain::person::employee_id("employeeNumber", to)?;
        let taken = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::EmployeeId.eq(to.as_str()))
            .one(txn)
            .await?;
        if taken.is_some() {
            return Err(ScimError::uniqueness(format!("employee id {to} belongs to another person")));
        }
        person::Entity::update_many()
            .col_expr(person::Column::ManagerEmployeeId, Expr::value(to.as_str()))
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::ManagerEmployeeId.eq(from))
            .exec(txn)
            .await?;
        Ok(())
    }

    async fn refuse_taken_user_name(
        &self,
        txn: &DatabaseTransaction,
        user_name: &str,
        own: Option<i64>,
    ) -> Result<(), ScimError> {
        let mut condition =
            self.scim_visible().add(Expr::expr(Func::lower(effective_user_name())).eq(user_name.to_lowercase()));
        if let Some(own) = own {
            condition = condition.add(person::Column::Id.ne(own));
        }
        if person::Entity::find().filter(condition).one(txn).await?.is_some() {
            return Err(ScimError::uniqueness(format!("userName '{user_name}' is already taken")));
        }
        Ok(())
    }

    /// People who are SCIM resources: the organisation's, not deleted through SCIM.
    fn scim_visible(&self) -> Condition {
        Condition::all().add(person::Column::OrgId.eq(self.org)).add(person::Column::ScimDeletedAt.is_null())
    }

    async fn scim_person<C: sea_orm::ConnectionTrait>(&self, db: &C, id: i64) -> Result<person::Model, ScimError> {
        person::Entity::find_by_id(id)
            .filter(self.scim_visible())
            .one(db)
            .await?
            .ok_or_else(|| ScimError::status(404, "no such user"))
    }

    async fn with_managers<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        people: Vec<person::Model>,
    ) -> Result<Vec<ScimUser>, ScimError> {
        let ids: Vec<&str> = people.iter().filter_map(|person| person.manager_employee_id.as_deref()).collect();
        let managers = if ids.is_empty() { Default::default() } else { self.people_by_employee_ids(db, &ids).await? };
        Ok(people
            .into_iter()
            .map(|person| {
                let manager = person.manager_employee_id.as_ref().and_then(|id| managers.get(id)).cloned();
                ScimUser { person, manager }
            })
            .collect())
    }
}

fn check_version(person: &person::Model, expected: Option<i32>) -> Result<(), ScimError> {
    match expected {
        Some(version) if version != person.version => Err(ScimError::status(
            412,
            format!("the user changed since version {version}; it is at version {} now", person.version),
        )),
        _ => Ok(()),
    }
}

/// The `userName` every resource has (see [`ScimUser::user_name`]), as SQL.
fn effective_user_name() -> SimpleExpr {
    Func::coalesce([
        SimpleExpr::from(Expr::col(person::Column::ScimUserName)),
        SimpleExpr::from(Expr::col(person::Column::Email)),
        SimpleExpr::from(Expr::col(person::Column::EmployeeId)),
    ])
    .into()
}

/// How a filtered attribute compares.
#[derive(Clone, Copy)]
enum Compare {
    /// Text without regard to case.
    Text,
    /// Text exactly.
    ExactText,
    /// A number.
    Number,
    /// A date (`YYYY-MM-DD`).
    Date,
    /// A timestamp (RFC 3339).
    Timestamp,
}

/// The SQL condition of a SCIM filter over the attributes the service stores.
fn condition_of(filter: &Filter) -> Result<Condition, ScimError> {
    Ok(match filter {
        Filter::And(left, right) => Condition::all().add(condition_of(left)?).add(condition_of(right)?),
        Filter::Or(left, right) => Condition::any().add(condition_of(left)?).add(condition_of(right)?),
        Filter::Not(inner) => condition_of(inner)?.not(),
        Filter::Present(path) => {
            let (column, _) = column_of(path)?;
            Condition::all().add(column.is_not_null())
        }
        Filter::Has(path, inner) => {
            if !path.name.eq_ignore_ascii_case("emails") {
                return Err(ScimError::invalid_filter(format!("{} has no values to filter", path.name)));
            }
            work_email_condition(inner)?
        }
        Filter::Compare(path, op, value) => {
            if let Some(inner) = &path.value_filter {
                if !path.name.eq_ignore_ascii_case("emails") {
                    return Err(ScimError::invalid_filter(format!("{} has no values to filter", path.name)));
                }
                let element =
                    AttrPath { name: path.sub.clone().unwrap_or_else(|| "value".into()), ..AttrPath::default() };
                Condition::all().add(work_email_condition(inner)?).add(work_email_condition(&Filter::Compare(
                    element,
                    *op,
                    value.clone(),
                ))?)
            } else if path.name.eq_ignore_ascii_case("active") && path.urn.as_deref().is_none_or(is_core) {
                let Literal::Bool(wanted) = value else {
                    return Err(ScimError::invalid_filter("active compares with true or false"));
                };
                let status = if *wanted { EmploymentStatus::Active } else { EmploymentStatus::Left };
                match op {
                    CompareOp::Eq => Condition::all().add(person::Column::EmploymentStatus.eq(status.as_str())),
                    CompareOp::Ne => Condition::all().add(person::Column::EmploymentStatus.ne(status.as_str())),
                    _ => return Err(ScimError::invalid_filter("active compares with eq or ne")),
                }
            } else {
                let (column, compare) = column_of(path)?;
                compare_condition(column, compare, *op, value)?
            }
        }
    })
}

fn is_core(urn: &str) -> bool {
    urn.eq_ignore_ascii_case(crate::domain::scim::user::CORE)
}

/// The one stored e-mail is the work address: `type eq "work"` and `primary eq true` hold
/// whenever there is one, `value` is the address.
fn work_email_condition(filter: &Filter) -> Result<Condition, ScimError> {
    let email = || SimpleExpr::from(Expr::col(person::Column::Email));
    Ok(match filter {
        Filter::And(left, right) => Condition::all().add(work_email_condition(left)?).add(work_email_condition(right)?),
        Filter::Or(left, right) => Condition::any().add(work_email_condition(left)?).add(work_email_condition(right)?),
        Filter::Not(inner) => work_email_condition(inner)?.not(),
        Filter::Present(_) => Condition::all().add(person::Column::Email.is_not_null()),
        Filter::Compare(path, op, value) if path.name.eq_ignore_ascii_case("value") => {
            compare_condition(email(), Compare::Text, *op, value)?
        }
        Filter::Compare(path, CompareOp::Eq, Literal::Text(kind)) if path.name.eq_ignore_ascii_case("type") => {
            if kind.eq_ignore_ascii_case("work") {
                Condition::all().add(person::Column::Email.is_not_null())
            } else {
                Condition::all().add(Expr::val(1).eq(0))
            }
        }
        Filter::Compare(path, CompareOp::Eq, Literal::Bool(primary)) if path.name.eq_ignore_ascii_case("primary") => {
            if *primary {
                Condition::all().add(person::Column::Email.is_not_null())
            } else {
                Condition::all().add(Expr::val(1).eq(0))
            }
        }
        _ => return Err(ScimError::invalid_filter("emails can be filtered by value, type eq and primary eq")),
    })
}

/// The column a filter path reads and how it compares.
fn column_of(path: &AttrPath) -> Result<(SimpleExpr, Compare), ScimError> {
    let name = path.name.to_ascii_lowercase();
    let sub = path.sub.as_deref().map(str::to_ascii_lowercase);
    let schema = path.urn.as_deref().map(str::to_ascii_lowercase);
    let column = |column: person::Column| SimpleExpr::from(Expr::col(column));
    let found = match (schema.as_deref(), name.as_str(), sub.as_deref()) {
        (None, "username", None) => Some((effective_user_name(), Compare::Text)),
        (None, "externalid", None) => Some((column(person::Column::ScimExternalId), Compare::ExactText)),
        (None, "id", None) => Some((column(person::Column::Id), Compare::Number)),
        (None, "displayname", None) => Some((column(person::Column::Name), Compare::Text)),
        (None, "emails", None | Some("value")) => Some((column(person::Column::Email), Compare::Text)),
        (None, "title", None) => Some((column(person::Column::JobTitle), Compare::Text)),
        (None, "meta", Some("lastmodified")) => Some((column(person::Column::UpdatedAt), Compare::Timestamp)),
        (None, "meta", Some("created")) => Some((column(person::Column::CreatedAt), Compare::Timestamp)),
        (Some(urn), "employeenumber", None) if urn == ENTERPRISE.to_ascii_lowercase() => {
            Some((column(person::Column::EmployeeId), Compare::ExactText))
        }
        (Some(urn), "department", None) if urn == ENTERPRISE.to_ascii_lowercase() => {
            Some((column(person::Column::Department), Compare::Text))
        }
        (Some(urn), "level", None) if urn == PROFILE.to_ascii_lowercase() => {
            Some((column(person::Column::Level), Compare::Number))
        }
        (Some(urn), "generation", None) if urn == PROFILE.to_ascii_lowercase() => {
            Some((column(person::Column::Generation), Compare::Text))
        }
        (Some(urn), "hiredon", None) if urn == PROFILE.to_ascii_lowercase() => {
            Some((column(person::Column::HiredOn), Compare::Date))
        }
        (Some(urn), _, _) if is_core(urn) => {
            return column_of(&AttrPath { urn: None, ..path.clone() });
        }
        _ => None,
    };
    found.ok_or_else(|| {
        let full = match (&path.urn, &path.sub) {
            (Some(urn), _) => format!("{urn}:{}", path.name),
            (None, Some(sub)) => format!("{}.{sub}", path.name),
            (None, None) => path.name.clone(),
        };
        ScimError::invalid_filter(format!("cannot filter on {full}"))
    })
}

fn compare_condition(
    column: SimpleExpr,
    compare: Compare,
    op: CompareOp,
    value: &Literal,
) -> Result<Condition, ScimError> {
    let mismatch = || ScimError::invalid_filter(format!("{value:?} cannot be compared with {op:?} here"));
    if let Literal::Null = value {
        return match op {
            CompareOp::Eq => Ok(Condition::all().add(column.is_null())),
            CompareOp::Ne => Ok(Condition::all().add(column.is_not_null())),
            _ => Err(mismatch()),
        };
    }
    let (column, operand): (SimpleExpr, SimpleExpr) = match (compare, value) {
        (Compare::Text, Literal::Text(text)) => (Func::lower(column).into(), Expr::val(text.to_lowercase())),
        (Compare::ExactText, Literal::Text(text)) => (column, Expr::val(text.clone())),
        (Compare::Number, Literal::Number(number)) if number.fract() == 0.0 => (column, Expr::val(*number as i64)),
        (Compare::Date, Literal::Text(text)) => {
            let day = text.get(..10).and_then(|day| day.parse::<chrono::NaiveDate>().ok()).ok_or_else(mismatch)?;
            (column, Expr::val(day))
        }
        (Compare::Timestamp, Literal::Text(text)) => {
            let at = DateTime::parse_from_rfc3339(text).map_err(|_| mismatch())?.with_timezone(&Utc);
            (column, Expr::val(at))
        }
        _ => return Err(mismatch()),
    };
    let like = |pattern: String| {
        let operand_text = match (value, compare) {
            (Literal::Text(text), Compare::Text) => text.to_lowercase(),
            (Literal::Text(text), _) => text.clone(),
            _ => String::new(),
        };
        let escaped = operand_text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        LikeExpr::new(pattern.replace("{}", &escaped)).escape('\\')
    };
    let text_only = matches!(compare, Compare::Text | Compare::ExactText);
    let expression = match op {
        CompareOp::Eq => column.eq(operand),
        // An absent value is not equal to anything.
        CompareOp::Ne => return Ok(Condition::any().add(column.clone().is_null()).add(column.ne(operand))),
        CompareOp::Co if text_only => column.like(like("%{}%".into())),
        CompareOp::Sw if text_only => column.like(like("{}%".into())),
        CompareOp::Ew if text_only => column.like(like("%{}".into())),
        CompareOp::Gt => column.gt(operand),
        CompareOp::Ge => column.gte(operand),
        CompareOp::Lt => column.lt(operand),
        CompareOp::Le => column.lte(operand),
        _ => return Err(mismatch()),
    };
    Ok(Condition::all().add(expression))
}
