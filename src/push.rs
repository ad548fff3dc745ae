//! The LRS push worker: every replica runs one; for each organisation with a target that is
//! due, the replica holding its lease POSTs the statements after the last acknowledged one, in
//! log order and in batches, and records the answer. Failures wait longer each time (1 s
//! doubling to 5 minutes); nothing is dropped, since delivery resumes from the last
//! acknowledgement, and a resent batch is harmless because the LRS keeps one statement per id.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::domain::push::{self, Answer};
use crate::store::Store;
use crate::store::entity::lrs_push_target;

/// How the worker runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushSettings {
    /// Time between looks for due targets.
    pub interval: Duration,
    /// Longest wait for one answer from an LRS or its token endpoint.
    pub timeout: Duration,
    /// Statements per POST.
    pub batch: u64,
}

/// Batches one target gets per look, so one organisation's backlog does not hold up the rest.
const BATCHES_PER_LOOK: usize = 20;

/// Starts the worker on the current runtime.
pub fn spawn(store: Store, settings: PushSettings) {
    tokio::spawn(async move {
        let holder = holder_name();
        let client = match reqwest::Client::builder().timeout(settings.timeout).build() {
            Ok(client) => client,
            Err(error) => {
                tracing::error!(%error, "no HTTP client for pushing to LRSs; push is off");
                return;
            }
        };
        let mut worker = Worker { store, settings, client, holder, tokens: HashMap::new() };
        let mut ticks = tokio::time::interval(settings.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = worker.look().await {
                tracing::warn!(error = error.message(), "looking for LRS deliveries failed; trying again");
            }
        }
    });
}

/// This replica's name in leases: the process and some randomness.
fn holder_name() -> String {
    let mut random = [0u8; 6];
    let _ = getrandom::fill(&mut random);
    format!("{}-{}", std::process::id(), hex::encode(random))
}

struct Worker {
    store: Store,
    settings: PushSettings,
    client: reqwest::Client,
    holder: String,
    /// OAuth2 access tokens by organisation, until they expire.
    tokens: HashMap<String, (String, Instant)>,
}

impl Worker {
    async fn look(&mut self) -> crate::error::Result<()> {
        for org in self.store.push_targets_due().await? {
            if let Err(error) = self.deliver(&org).await {
                tracing::warn!(org, error = error.message(), "delivering to the organisation's LRS failed");
            }
        }
        Ok(())
    }

    /// Delivers what waits for one organisation while holding its lease.
    async fn deliver(&mut self, org: &str) -> crate::error::Result<()> {
        let store = self.store.clone();
        let scoped = store.scoped(org, "lrs-push");
        // Long enough for a full batch's answer and its bookkeeping; renewed before each batch.
        let timeout = self.settings.timeout;
        let lease = move || chrono::Utc::now() + timeout * 3 + Duration::from_secs(10);
        let Some(target) = scoped.lease_push(&self.holder, lease()).await? else { return Ok(()) };
        let mut delivered = target.delivered_position;
        for _ in 0..BATCHES_PER_LOOK {
            let batch = scoped.push_batch(delivered, self.settings.batch).await?;
            let Some(&(last, _)) = batch.last() else { break };
            let body = format!("[{}]", batch.iter().map(|(_, body)| body.as_str()).collect::<Vec<_>>().join(","));
            let outcome = match self.send(&target, body).await {
                Answer::Delivered => Ok(last),
                Answer::Refused(why) => {
                    tracing::warn!(org, why, "the organisation's LRS did not take a batch");
                    let wait = push::backoff(target.failures.saturating_add(1));
                    Err((why, chrono::Utc::now() + wait))
                }
            };
            let failed = outcome.is_err();
            if !scoped.record_push(&self.holder, outcome).await? || failed {
                break;
            }
            delivered = last;
            if scoped.lease_push(&self.holder, lease()).await?.is_none() {
                break;
            }
        }
        scoped.release_push(&self.holder).await
    }

    /// POSTs one batch; an unreachable or silent LRS is a refusal like any other.
    async fn send(&mut self, target: &lrs_push_target::Model, body: String) -> Answer {
        let request = self
            .client
            .post(format!("{}/statements", target.endpoint))
            .header("X-Experience-API-Version", crate::domain::xapi::VERSION)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let request = match target.auth.as_str() {
            "OAUTH2" => match self.token(target).await {
                Ok(token) => request.bearer_auth(token),
                Err(why) => return Answer::Refused(why),
            },
            _ => request.basic_auth(target.username.as_deref().unwrap_or(""), target.password.as_deref()),
        };
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                if status == 401 {
                    self.tokens.remove(&target.org_id);
                }
                push::answer(status, &response.text().await.unwrap_or_default())
            }
            Err(error) if error.is_timeout() => Answer::Refused(format!("the LRS did not answer in time: {error}")),
            Err(error) => Answer::Refused(format!("the LRS could not be reached: {error}")),
        }
    }

    /// An OAuth2 access token for the target (client credentials), reused until shortly
    /// before it expires.
    async fn token(&mut self, target: &lrs_push_target::Model) -> Result<String, String> {
        if let Some((token, until)) = self.tokens.get(&target.org_id)
            && *until > Instant::now()
        {
            return Ok(token.clone());
        }
        let token_url = target.token_url.as_deref().ok_or("the OAuth2 target has no token URL")?;
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = target.scope.as_deref() {
            form.push(("scope", scope));
        }
        let response = self
            .client
            .post(token_url)
            .basic_auth(target.username.as_deref().unwrap_or(""), target.password.as_deref())
            .form(&form)
            .send()
            .await
            .map_err(|error| format!("the token endpoint could not be reached: {error}"))?;
        let status = response.status().as_u16();
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        let token = answer["access_token"]
            .as_str()
            .ok_or_else(|| format!("the token endpoint gave no access token (HTTP {status})"))?
            .to_owned();
        let lifetime = answer["expires_in"].as_u64().unwrap_or(300).saturating_sub(30).max(1);
        self.tokens.insert(target.org_id.clone(), (token.clone(), Instant::now() + Duration::from_secs(lifetime)));
        Ok(token)
    }
}
