//! Delivery of training records to an organisation's own LRS. The statement log is the
//! outbox: a target remembers the last position its LRS acknowledged, and a replica delivers
//! only while it holds the target's lease, so two replicas never send the same batch at once.
//! A crash between sending and bookkeeping resends that batch: the LRS keeps one statement per
//! id, so the second delivery changes nothing.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{lrs_push_target, xapi_statement};
use super::{Scoped, Store, now};
use crate::domain::push::{PushAuth, PushTarget};
use crate::error::{Error, Result};

/// A target's delivery as an ADMIN sees it.
#[derive(Debug, Clone)]
pub struct PushStatus {
    pub target: lrs_push_target::Model,
    /// Statements in the log not yet acknowledged by the LRS.
    pub queued: u64,
}

impl Store {
    /// Organisations whose target is due for an attempt now.
    pub async fn push_targets_due(&self) -> Result<Vec<String>> {
        let at = now();
        Ok(lrs_push_target::Entity::find()
            .filter(
                Condition::any()
                    .add(lrs_push_target::Column::NextAttemptAt.is_null())
                    .add(lrs_push_target::Column::NextAttemptAt.lte(at)),
            )
            .select_only()
            .column(lrs_push_target::Column::OrgId)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}

impl Scoped<'_> {
    /// Sets where the organisation's statements are pushed. A new endpoint starts from the first
    /// statement; new credentials for the same endpoint carry on where delivery stands.
    pub async fn set_lrs_push_target(&self, target: PushTarget) -> Result<PushStatus> {
        let txn = self.begin().await?;
        let before = lrs_push_target::Entity::find_by_id(self.org.to_owned()).one(&txn).await?;
        let same_endpoint = before.as_ref().is_some_and(|before| before.endpoint == target.endpoint);
        let (username, password, token_url, scope) = match &target.auth {
            PushAuth::Basic { username, password } => (username.clone(), password.clone(), None, None),
            PushAuth::OAuth2 { token_url, client_id, client_secret, scope } => {
                (client_id.clone(), client_secret.clone(), Some(token_url.clone()), scope.clone())
            }
        };
        let row = lrs_push_target::ActiveModel {
            org_id: Set(self.org.to_owned()),
            endpoint: Set(target.endpoint.clone()),
            auth: Set(target.auth.kind().to_owned()),
            username: Set(Some(username)),
            password: Set(Some(password)),
            token_url: Set(token_url),
            scope: Set(scope),
            delivered_position: Set(if same_endpoint {
                before.as_ref().map_or(0, |b| b.delivered_position)
            } else {
                0
            }),
            failures: Set(0),
            next_attempt_at: Set(None),
            last_attempt_at: Set(before.as_ref().and_then(|b| b.last_attempt_at).filter(|_| same_endpoint)),
            last_success_at: Set(before.as_ref().and_then(|b| b.last_success_at).filter(|_| same_endpoint)),
            last_error: Set(None),
            lease_holder: Set(None),
            lease_until: Set(None),
            updated_at: Set(now()),
        };
        if before.is_some() {
            lrs_push_target::Entity::update(row).exec(&txn).await?;
        } else {
            lrs_push_target::Entity::insert(row).exec_without_returning(&txn).await?;
        }
        let details = json!({ "endpoint": target.endpoint, "auth": target.auth.kind(), "restarted": !same_endpoint });
        self.audit(&txn, Change { action: "lrs.push.set", entity_type: "LrsPushTarget", entity_id: None, details })
            .await?;
        txn.commit().await?;
        self.lrs_push_status().await?.ok_or_else(|| Error::Internal("the push target went missing".into()))
    }

    /// Stops pushing; returns whether there was a target.
    pub async fn remove_lrs_push_target(&self) -> Result<bool> {
        let txn = self.begin().await?;
        let removed = lrs_push_target::Entity::delete_by_id(self.org.to_owned()).exec(&txn).await?.rows_affected > 0;
        if removed {
            let change =
                Change { action: "lrs.push.remove", entity_type: "LrsPushTarget", entity_id: None, details: json!({}) };
            self.audit(&txn, change).await?;
        }
        txn.commit().await?;
        Ok(removed)
    }

    /// The organisation's target and how much waits for it.
    pub async fn lrs_push_status(&self) -> Result<Option<PushStatus>> {
        let Some(target) = lrs_push_target::Entity::find_by_id(self.org.to_owned()).one(self.db).await? else {
            return Ok(None);
        };
        let queued = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(
                Condition::any()
                    .add(xapi_statement::Column::Position.is_null())
                    .add(xapi_statement::Column::Position.gt(target.delivered_position)),
            )
            .count(self.db)
            .await?;
        Ok(Some(PushStatus { target, queued }))
    }

    /// Takes the target's lease for `holder` until `until` when nobody else holds it; the
    /// target as leased, or none.
    pub async fn lease_push(&self, holder: &str, until: DateTime<Utc>) -> Result<Option<lrs_push_target::Model>> {
        let at = now();
        let taken = lrs_push_target::Entity::update_many()
            .col_expr(lrs_push_target::Column::LeaseHolder, Expr::value(holder))
            .col_expr(lrs_push_target::Column::LeaseUntil, Expr::value(until))
            .filter(lrs_push_target::Column::OrgId.eq(self.org))
            .filter(
                Condition::any()
                    .add(lrs_push_target::Column::LeaseUntil.is_null())
                    .add(lrs_push_target::Column::LeaseUntil.lt(at))
                    .add(lrs_push_target::Column::LeaseHolder.eq(holder)),
            )
            .exec(self.db)
            .await?;
        if taken.rows_affected == 0 {
            return Ok(None);
        }
        Ok(lrs_push_target::Entity::find_by_id(self.org.to_owned()).one(self.db).await?)
    }

    /// The next statements after `after`, in log order, as the bodies to send.
    pub async fn push_batch(&self, after: i64, limit: u64) -> Result<Vec<(i64, String)>> {
        self.publish_statements().await?;
        Ok(xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Position.gt(after))
            .order_by_asc(xapi_statement::Column::Position)
            .select_only()
            .column(xapi_statement::Column::Position)
            .column(xapi_statement::Column::Body)
            .limit(limit)
            .into_tuple()
            .all(self.db)
            .await?)
    }

    /// Records what the LRS said while `holder` still holds the lease: delivered through a
    /// position, or refused with the reason and the time of the next attempt. Returns whether
    /// the lease was still held (if not, another replica took over and this outcome is dropped).
    pub async fn record_push(
        &self,
        holder: &str,
        outcome: std::result::Result<i64, (String, DateTime<Utc>)>,
    ) -> Result<bool> {
        let at = now();
        let mut update = lrs_push_target::Entity::update_many()
            .col_expr(lrs_push_target::Column::LastAttemptAt, Expr::value(at))
            .col_expr(lrs_push_target::Column::UpdatedAt, Expr::value(at));
        update = match outcome {
            Ok(position) => update
                .col_expr(lrs_push_target::Column::DeliveredPosition, Expr::value(position))
                .col_expr(lrs_push_target::Column::LastSuccessAt, Expr::value(at))
                .col_expr(lrs_push_target::Column::Failures, Expr::value(0))
                .col_expr(lrs_push_target::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(lrs_push_target::Column::LastError, Expr::value(Option::<String>::None)),
            Err((why, next)) => update
                .col_expr(lrs_push_target::Column::Failures, Expr::col(lrs_push_target::Column::Failures).add(1))
                .col_expr(lrs_push_target::Column::NextAttemptAt, Expr::value(next))
                .col_expr(lrs_push_target::Column::LastError, Expr::value(why)),
        };
        let written = update
            .filter(lrs_push_target::Column::OrgId.eq(self.org))
            .filter(lrs_push_target::Column::LeaseHolder.eq(holder))
            .exec(self.db)
            .await?;
        Ok(written.rows_affected > 0)
    }

    /// Gives the lease back.
    pub async fn release_push(&self, holder: &str) -> Result<()> {
        lrs_push_target::Entity::update_many()
            .col_expr(lrs_push_target::Column::LeaseHolder, Expr::value(Option::<String>::None))
            .col_expr(lrs_push_target::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(lrs_push_target::Column::OrgId.eq(self.org))
            .filter(lrs_push_target::Column::LeaseHolder.eq(holder))
            .exec(self.db)
            .await?;
        Ok(())
    }
}
