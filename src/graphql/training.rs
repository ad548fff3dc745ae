//! Training records for front ends: the xAPI statement log `/xapi/statements` serves, read page
//! by page, and the LRS clients (key and secret) an ADMIN gives the company's LMS.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::access;
use super::ids::{self, Kind};
use crate::auth::Role;
use crate::domain::push::{self, PushAuth};
use crate::error::{Error, Result};
use crate::store::entity::lrs_client;
use crate::store::push::PushStatus;
use crate::store::training::{Cursor, StatementQuery};

/// Largest page of `trainingRecords`.
const MAX_FIRST: i32 = 1_000;

/// An LMS or LRS that pulls training records with HTTP Basic (never the secret itself).
pub struct LrsClient(pub lrs_client::Model);

#[Object]
impl LrsClient {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::LrsClient, self.0.id)
    }

    /// What the admin called it (e.g. "Cornerstone").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The Basic-auth user name.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// Whether `/xapi` accepts it now.
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none()
    }
}

/// A new client: its secret is shown this once, stored only as a hash.
#[derive(SimpleObject)]
pub struct LrsClientSecret {
    /// The client.
    client: LrsClient,
    /// The Basic-auth password to configure in the LMS.
    secret: String,
}

/// Where the organisation's training records are pushed, and how delivery stands (the
/// credentials are never shown).
pub struct LrsPush(PushStatus);

#[Object]
impl LrsPush {
    /// The LRS's xAPI base; statements go to `{endpoint}/statements`.
    async fn endpoint(&self) -> &str {
        &self.0.target.endpoint
    }

    /// BASIC or OAUTH2.
    async fn auth(&self) -> &str {
        &self.0.target.auth
    }

    /// Statements the LRS has not acknowledged yet.
    async fn queued(&self) -> u64 {
        self.0.queued
    }

    /// When a batch was last acknowledged.
    async fn last_success_at(&self) -> Option<DateTime<Utc>> {
        self.0.target.last_success_at
    }

    /// When a batch was last sent.
    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.target.last_attempt_at
    }

    /// Why the last attempt failed; null after a success.
    async fn last_error(&self) -> Option<&str> {
        self.0.target.last_error.as_deref()
    }

    /// Failed attempts since the last success.
    async fn failures(&self) -> i32 {
        self.0.target.failures
    }

    /// When the next attempt is due after failures; null when due now.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.target.next_attempt_at
    }
}

/// HTTP Basic credentials for the LRS.
#[derive(InputObject)]
pub struct BasicCredentialsInput {
    username: String,
    password: String,
}

/// OAuth2 client credentials: the service asks `tokenUrl` for a bearer token.
#[derive(InputObject)]
pub struct OAuth2ClientInput {
    token_url: String,
    client_id: String,
    client_secret: String,
    scope: Option<String>,
}

/// Where to push, with exactly one of `basic` or `oauth2`.
#[derive(InputObject)]
pub struct LrsPushTargetInput {
    /// The LRS's xAPI base, e.g. `https://lrs.example.com/xAPI`.
    endpoint: String,
    basic: Option<BasicCredentialsInput>,
    oauth2: Option<OAuth2ClientInput>,
}

/// One page of training records.
#[derive(SimpleObject)]
pub struct TrainingRecords {
    /// xAPI 1.0.3 statements, newest first unless `ascending`.
    statements: Vec<Json<serde_json::Value>>,
    /// Give as `after` for the next page.
    end_cursor: Option<String>,
    /// Whether another page follows.
    has_next_page: bool,
    /// Every statement stored at or before this instant is visible to these queries.
    consistent_through: DateTime<Utc>,
}

/// `trainingRecords`, `lrsClients`.
#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Training records as xAPI statements (LMS, ADMIN; a participant reads their own). Voided
    /// statements are left out; their voiding statements are in.
    #[allow(clippy::too_many_arguments)]
    async fn training_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this person's statements.")] person: Option<ID>,
        #[graphql(desc = "A verb IRI.")] verb: Option<String>,
        #[graphql(desc = "The object activity's IRI.")] activity: Option<String>,
        #[graphql(desc = "A relationship's or enrolment's registration UUID.")] registration: Option<String>,
        #[graphql(desc = "Stored after this instant.")] since: Option<DateTime<Utc>>,
        #[graphql(desc = "Stored at or before this instant.")] until: Option<DateTime<Utc>>,
        #[graphql(default = false)] ascending: bool,
        #[graphql(default = 100, desc = "Statements per page, 1 to 1000.")] first: i32,
        after: Option<String>,
    ) -> Result<TrainingRecords> {
        let viewer = access::viewer(ctx);
        let store = access::scoped(ctx);
        let person = match person {
            Some(id) => Some(ids::decode("person", &id, Kind::Person)?),
            None => None,
        };
        const READERS: &[Role] = &[Role::Lms, Role::Admin];
        let person = if viewer.has(Role::Participant) && !viewer.has_any(READERS) {
            let own = access::own_person(ctx).await?;
            if person.is_some_and(|id| id != own.id) {
                return Err(Error::Forbidden("a participant reads only their own training records".into()));
            }
            Some(own)
        } else {
            viewer.require(READERS, "reading training records")?;
            match person {
                Some(id) => Some(store.person(id).await?.ok_or_else(|| Error::not_found("person"))?),
                None => None,
            }
        };
        if !(1..=MAX_FIRST).contains(&first) {
            return Err(Error::BadInput(format!("first must be between 1 and {MAX_FIRST}")));
        }
        let registration = match registration {
            Some(text) => {
                Some(uuid::Uuid::try_parse(&text).map_err(|_| Error::BadInput("registration must be a UUID".into()))?)
            }
            None => None,
        };
        let agent = match &person {
            Some(person) => Some(store.training_agent(person).await?),
            None => None,
        };
        let query = StatementQuery {
            agent,
            verb,
            activity,
            registration,
            since,
            until,
            ascending,
            limit: u64::try_from(first).unwrap_or(1),
            cursor: after.as_deref().map(str::parse::<Cursor>).transpose()?,
        };
        let page = store.statements(&query).await?;
        let mut statements = Vec::with_capacity(page.statements.len());
        for text in &page.statements {
            let statement = serde_json::from_str(text)
                .map_err(|error| Error::Internal(format!("a stored statement is not JSON: {error}")))?;
            statements.push(Json(statement));
        }
        Ok(TrainingRecords {
            statements,
            end_cursor: page.next.map(|cursor| cursor.to_string()),
            has_next_page: page.next.is_some(),
            consistent_through: page.consistent_through,
        })
    }

    /// Where training records are pushed and how delivery stands; null when they are not (ADMIN).
    async fn lrs_push(&self, ctx: &Context<'_>) -> Result<Option<LrsPush>> {
        access::viewer(ctx).require(&[Role::Admin], "reading the LRS push")?;
        Ok(access::scoped(ctx).lrs_push_status().await?.map(LrsPush))
    }

    /// The organisation's LRS clients, newest first (ADMIN).
    async fn lrs_clients(&self, ctx: &Context<'_>) -> Result<Vec<LrsClient>> {
        access::viewer(ctx).require(&[Role::Admin], "listing LRS clients")?;
        Ok(access::scoped(ctx).lrs_clients().await?.into_iter().map(LrsClient).collect())
    }
}

/// Creating and revoking LRS clients.
#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// A new client for the company's LMS or LRS to pull `/xapi/statements` with HTTP Basic
    /// (ADMIN); the secret is shown only here.
    async fn create_lrs_client(&self, ctx: &Context<'_>, name: String) -> Result<LrsClientSecret> {
        access::viewer(ctx).require(&[Role::Admin], "creating LRS clients")?;
        let (client, secret) = access::scoped(ctx).create_lrs_client(&name).await?;
        Ok(LrsClientSecret { client: LrsClient(client), secret })
    }

    /// Derives a program's training records from its records again and appends what the log
    /// lacks (ADMIN): after upgrading, for records made before the log existed. Idempotent;
    /// returns how many statements were appended.
    async fn derive_training_records(&self, ctx: &Context<'_>, program_id: ID) -> Result<i32> {
        access::viewer(ctx).require(&[Role::Admin], "deriving training records")?;
        let id = ids::decode("programId", &program_id, Kind::Program)?;
        let appended = access::scoped(ctx).derive_program_training_records(id).await?;
        Ok(i32::try_from(appended).unwrap_or(i32::MAX))
    }

    /// Pushes the organisation's training records to its own LRS from now on (ADMIN): every
    /// statement in order, retried until acknowledged. A new endpoint starts from the first
    /// statement; new credentials for the same endpoint carry on.
    async fn set_lrs_push_target(&self, ctx: &Context<'_>, input: LrsPushTargetInput) -> Result<LrsPush> {
        access::viewer(ctx).require(&[Role::Admin], "setting the LRS push")?;
        let auth = match (input.basic, input.oauth2) {
            (Some(basic), None) => PushAuth::Basic { username: basic.username, password: basic.password },
            (None, Some(oauth)) => PushAuth::OAuth2 {
                token_url: oauth.token_url,
                client_id: oauth.client_id,
                client_secret: oauth.client_secret,
                scope: oauth.scope,
            },
            _ => return Err(Error::BadInput("give exactly one of basic or oauth2".into())),
        };
        let target = push::target(&input.endpoint, auth)?;
        Ok(LrsPush(access::scoped(ctx).set_lrs_push_target(target).await?))
    }

    /// Stops pushing (ADMIN); whether a target was set.
    async fn remove_lrs_push_target(&self, ctx: &Context<'_>) -> Result<bool> {
        access::viewer(ctx).require(&[Role::Admin], "removing the LRS push")?;
        access::scoped(ctx).remove_lrs_push_target().await
    }

    /// Revokes an LRS client at once (ADMIN).
    async fn revoke_lrs_client(&self, ctx: &Context<'_>, id: ID) -> Result<LrsClient> {
        access::viewer(ctx).require(&[Role::Admin], "revoking LRS clients")?;
        let id = ids::decode("id", &id, Kind::LrsClient)?;
        Ok(LrsClient(access::scoped(ctx).revoke_lrs_client(id).await?))
    }
}
