//! The life of a relationship after approval: extend, agree objectives, complete, end early.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;

use super::access::{self, MANAGERS};
use super::enums::EndEarlyReason;
use super::matches::Match;
use super::records::pair_for;
use crate::domain::relationship::MatchStatus;
use crate::error::Result;
use crate::store::relationships::Ending;

/// Relationship lifecycle changes.
#[derive(Default)]
pub struct RelationshipsMutation;

#[Object]
impl RelationshipsMutation {
    /// Marks an ACTIVE relationship COMPLETED today (ADMIN or COORDINATOR).
    async fn complete_match(&self, ctx: &Context<'_>, id: ID, note: Option<String>) -> Result<Match> {
        access::viewer(ctx).require(MANAGERS, "completing a match")?;
        let pair = pair_for(ctx, &id, "completing a match").await?;
        let note = crate::domain::text::optional("note", note.as_deref(), 2_000)?;
        let ending = Ending { to: MatchStatus::Completed, reason: None, note };
        Ok(Match(access::scoped(ctx).end_match(pair.id, ending).await?))
    }

    /// Ends an ACTIVE relationship early, with the reason (either person of the pair, or a coordinator).
    async fn end_match_early(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: EndEarlyReason,
        note: Option<String>,
    ) -> Result<Match> {
        let pair = pair_for(ctx, &id, "ending a match").await?;
        let note = crate::domain::text::optional("note", note.as_deref(), 2_000)?;
        let ending = Ending { to: MatchStatus::EndedEarly, reason: Some(reason.into()), note };
        Ok(Match(access::scoped(ctx).end_match(pair.id, ending).await?))
    }

    /// Moves an ACTIVE relationship's planned end later (ADMIN or COORDINATOR).
    async fn extend_match(
        &self,
        ctx: &Context<'_>,
        id: ID,
        planned_end_on: NaiveDate,
        expected_version: Option<i32>,
    ) -> Result<Match> {
        access::viewer(ctx).require(MANAGERS, "extending a match")?;
        let pair = pair_for(ctx, &id, "extending a match").await?;
        Ok(Match(access::scoped(ctx).extend_match(pair.id, planned_end_on, expected_version).await?))
    }

    /// Sets what the pair agrees to work on (the pair or a coordinator), up to 10 items.
    async fn set_pair_objectives(
        &self,
        ctx: &Context<'_>,
        id: ID,
        objectives: Vec<String>,
        expected_version: Option<i32>,
    ) -> Result<Match> {
        let pair = pair_for(ctx, &id, "setting pair objectives").await?;
        Ok(Match(access::scoped(ctx).set_pair_objectives(pair.id, &objectives, expected_version).await?))
    }
}
