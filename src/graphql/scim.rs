//! The SCIM secrets an ADMIN gives the identity provider: created and rotated with the secret
//! shown once, listed by their hashes' metadata only, revoked at once.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::access;
use super::ids::{self, Kind};
use crate::auth::Role;
use crate::error::{Error, Result};
use crate::store::entity::scim_token;

/// Longest overlap a rotation may give the old secret: a week.
const MAX_OVERLAP_HOURS: i32 = 168;

/// A SCIM client's secret (never the secret itself).
pub struct ScimToken(pub scim_token::Model);

#[Object]
impl ScimToken {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ScimToken, self.0.id)
    }

    /// What the admin called it (e.g. "Entra ID").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When a rotation's overlap ends it; null while it lives until revoked.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// Whether `/scim/v2` accepts it now.
    async fn active(&self) -> bool {
        self.0.live_at(Utc::now())
    }
}

/// A new secret: shown this once, stored only as a hash.
#[derive(SimpleObject)]
pub struct ScimSecret {
    /// The token it belongs to.
    token: ScimToken,
    /// The bearer secret to configure in the identity provider.
    secret: String,
}

/// `scimTokens`.
#[derive(Default)]
pub struct ScimQuery;

#[Object]
impl ScimQuery {
    /// The organisation's SCIM secrets, newest first (ADMIN).
    async fn scim_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ScimToken>> {
        access::viewer(ctx).require(&[Role::Admin], "listing SCIM tokens")?;
        Ok(access::scoped(ctx).scim_tokens().await?.into_iter().map(ScimToken).collect())
    }
}

/// Creating, rotating and revoking SCIM secrets.
#[derive(Default)]
pub struct ScimMutation;

#[Object]
impl ScimMutation {
    /// A new SCIM secret for the identity provider (ADMIN); the secret is shown only here.
    async fn create_scim_token(&self, ctx: &Context<'_>, name: String) -> Result<ScimSecret> {
        access::viewer(ctx).require(&[Role::Admin], "creating SCIM tokens")?;
        let (token, secret) = access::scoped(ctx).create_scim_token(&name).await?;
        Ok(ScimSecret { token: ScimToken(token), secret })
    }

    /// A new secret replacing `id`, which keeps working for `overlapHours` (default 24, at most
    /// 168) so the identity provider can switch without a gap (ADMIN).
    async fn rotate_scim_token(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 24)] overlap_hours: i32,
    ) -> Result<ScimSecret> {
        access::viewer(ctx).require(&[Role::Admin], "rotating SCIM tokens")?;
        if !(0..=MAX_OVERLAP_HOURS).contains(&overlap_hours) {
            return Err(Error::BadInput(format!("overlapHours must be between 0 and {MAX_OVERLAP_HOURS}")));
        }
        let id = ids::decode("id", &id, Kind::ScimToken)?;
        let overlap = chrono::Duration::hours(i64::from(overlap_hours));
        let (token, secret) = access::scoped(ctx).rotate_scim_token(id, overlap).await?;
        Ok(ScimSecret { token: ScimToken(token), secret })
    }

    /// Revokes a SCIM secret at once (ADMIN).
    async fn revoke_scim_token(&self, ctx: &Context<'_>, id: ID) -> Result<ScimToken> {
        access::viewer(ctx).require(&[Role::Admin], "revoking SCIM tokens")?;
        let id = ids::decode("id", &id, Kind::ScimToken)?;
        Ok(ScimToken(access::scoped(ctx).revoke_scim_token(id).await?))
    }
}
