//! The skills catalogue.

use async_graphql::{Context, ID, InputObject, Object};

use super::access::{self, ANYONE, MANAGERS};
use super::connection::{IdConnection, PageArgs, connection};
use super::enums::{self, SkillCategory};
use super::ids::{self, Kind};
use crate::domain::{skill, text};
use crate::error::{Error, Result};
use crate::store::entity::skill as row;
use crate::store::skills::SkillFields;

/// A skill in the organisation's catalogue (shared with the request's loader cache).
pub struct Skill(pub std::sync::Arc<row::Model>);

impl From<row::Model> for Skill {
    fn from(row: row::Model) -> Skill {
        Skill(std::sync::Arc::new(row))
    }
}

#[Object]
impl Skill {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Skill, self.0.id)
    }
    /// Display name, unique in the catalogue regardless of case.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Category.
    async fn category(&self) -> Result<SkillCategory> {
        enums::stored::<skill::SkillCategory, _>(&self.0.category)
    }
    /// External identifier such as an ESCO IRI.
    async fn external_uri(&self) -> Option<&str> {
        self.0.external_uri.as_deref()
    }
    /// Bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A new catalogue entry.
#[derive(InputObject)]
pub struct CreateSkillInput {
    /// Display name.
    pub name: String,
    /// Category.
    pub category: SkillCategory,
    /// External identifier such as an ESCO IRI.
    pub external_uri: Option<String>,
}

/// Changes to a catalogue entry; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateSkillInput {
    /// The skill.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New category.
    pub category: Option<SkillCategory>,
    /// New external identifier; an empty string removes it.
    pub external_uri: Option<String>,
}

/// Catalogue queries.
#[derive(Default)]
pub struct SkillsQuery;

#[Object]
impl SkillsQuery {
    /// The catalogue, optionally one category.
    async fn skills(
        &self,
        ctx: &Context<'_>,
        category: Option<SkillCategory>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<Skill>> {
        access::viewer(ctx).require(ANYONE, "reading the catalogue")?;
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::Skill)?;
        let page = access::scoped(ctx).skills(category.map(Into::into), request).await?;
        Ok(connection(page, Kind::Skill, |row| row.id, Skill::from))
    }
}

/// Catalogue changes.
#[derive(Default)]
pub struct SkillsMutation;

#[Object]
impl SkillsMutation {
    /// Adds a skill to the catalogue.
    async fn create_skill(&self, ctx: &Context<'_>, input: CreateSkillInput) -> Result<Skill> {
        access::viewer(ctx).require(MANAGERS, "changing the catalogue")?;
        let fields = SkillFields {
            name: skill::skill_name(&input.name)?,
            category: input.category.into(),
            external_uri: text::uri("externalUri", input.external_uri.as_deref())?,
        };
        Ok(Skill::from(access::scoped(ctx).create_skill(fields).await?))
    }

    /// Renames, recategorises or relinks a skill.
    async fn update_skill(&self, ctx: &Context<'_>, input: UpdateSkillInput) -> Result<Skill> {
        access::viewer(ctx).require(MANAGERS, "changing the catalogue")?;
        let id = ids::decode("id", &input.id, Kind::Skill)?;
        let store = access::scoped(ctx);
        let current = store.skill(id).await?.ok_or_else(|| Error::not_found("skill"))?;
        let fields = SkillFields {
            name: skill::skill_name(input.name.as_deref().unwrap_or(&current.name))?,
            category: match input.category {
                Some(category) => category.into(),
                None => crate::store::parse_stored(&current.category)?,
            },
            external_uri: match input.external_uri {
                Some(uri) => text::uri("externalUri", Some(&uri))?,
                None => current.external_uri,
            },
        };
        Ok(Skill::from(store.update_skill(id, fields).await?))
    }
}
