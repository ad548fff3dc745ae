//! Each HRIS source's column names for `POST /imports/people?source=...`.

use std::collections::HashMap;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::access;
use crate::auth::Role;
use crate::domain::import::PersonField;
use crate::error::Result;

/// A field of a people file.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "PersonField")]
pub enum PersonImportField {
    /// The HRIS key.
    EmployeeId,
    /// Display name.
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

/// Which column of the source's file holds a field.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "PeopleImportColumnInput")]
pub struct PeopleImportColumn {
    /// The field.
    field: PersonImportField,
    /// The column's name in the file's header (compared without case, spaces or punctuation).
    column: String,
}

/// A source's column names; fields left out are found under their own names.
#[derive(SimpleObject)]
pub struct PeopleImportSource {
    /// The source, as `?source=` names it.
    name: String,
    /// Its columns, in field order.
    columns: Vec<PeopleImportColumn>,
}

fn source(name: String, columns: HashMap<PersonField, String>) -> PeopleImportSource {
    let columns = PersonField::ALL
        .into_iter()
        .filter_map(|field| {
            columns.get(&field).map(|column| PeopleImportColumn { field: field.into(), column: column.clone() })
        })
        .collect();
    PeopleImportSource { name, columns }
}

/// `peopleImportSources`.
#[derive(Default)]
pub struct ImportsQuery;

#[Object]
impl ImportsQuery {
    /// The organisation's import sources (ADMIN).
    async fn people_import_sources(&self, ctx: &Context<'_>) -> Result<Vec<PeopleImportSource>> {
        access::viewer(ctx).require(&[Role::Admin], "reading import sources")?;
        let sources = access::scoped(ctx).import_sources().await?;
        Ok(sources.into_iter().map(|(name, columns)| source(name, columns)).collect())
    }
}

/// `setPeopleImportSource`.
#[derive(Default)]
pub struct ImportsMutation;

#[Object]
impl ImportsMutation {
    /// Sets a source's column names (ADMIN); it replaces what the source had.
    async fn set_people_import_source(
        &self,
        ctx: &Context<'_>,
        name: String,
        columns: Vec<PeopleImportColumn>,
    ) -> Result<PeopleImportSource> {
        access::viewer(ctx).require(&[Role::Admin], "setting import sources")?;
        let columns: HashMap<PersonField, String> =
            columns.into_iter().map(|column| (column.field.into(), column.column)).collect();
        let store = access::scoped(ctx);
        store.set_import_source(&name, columns.clone()).await?;
        Ok(source(name.trim().to_owned(), columns))
    }
}
