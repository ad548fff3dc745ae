//! Whether the database can be reached, known before a request asks it: a probe on a connection
//! of its own (outside the pool, so a busy pool never looks like an outage) pings PostgreSQL
//! every [`PROBE_EVERY`]. While it fails, requests are answered SERVICE_UNAVAILABLE at once
//! instead of waiting for the pool's acquire timeout, and `/readyz` says 503. Also the lock
//! replicas take turns under to migrate.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sea_orm::sqlx::{self, Connection};
use sea_orm::{DbErr, RuntimeErr};

/// Requests that waited for a pooled connection until they gave up, since the process started.
pub static ACQUIRE_TIMEOUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How often the probe pings.
pub const PROBE_EVERY: Duration = Duration::from_millis(200);

/// The longest a probe waits for PostgreSQL to answer before calling it unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// The database's reachability as the probe last saw it; embedded SQLite is always reachable.
#[derive(Debug, Default)]
pub struct DatabaseHealth {
    down: AtomicBool,
}

impl DatabaseHealth {
    /// Whether the last probe failed.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// Probes the PostgreSQL database at `url` for as long as `health` is in use.
    pub fn spawn_probe(health: &Arc<DatabaseHealth>, url: String) {
        let health = Arc::downgrade(health);
        tokio::spawn(async move {
            let mut connection: Option<sqlx::PgConnection> = None;
            let mut ticks = tokio::time::interval(PROBE_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(health) = health.upgrade() else { return };
                let reachable = match connection.as_mut() {
                    Some(open) => matches!(tokio::time::timeout(PROBE_TIMEOUT, open.ping()).await, Ok(Ok(()))),
                    None => match tokio::time::timeout(PROBE_TIMEOUT, connect(&url)).await {
                        Ok(Ok(open)) => {
                            connection = Some(open);
                            true
                        }
                        _ => false,
                    },
                };
                if !reachable {
                    connection = None;
                }
                let was_down = health.down.swap(!reachable, Ordering::Relaxed);
                if was_down == reachable {
                    match reachable {
                        true => tracing::info!("the database answers again"),
                        false => tracing::error!("the database cannot be reached; requests get SERVICE_UNAVAILABLE"),
                    }
                }
            }
        });
    }
}

/// The PostgreSQL advisory lock migrations run under (any fixed number no other tool uses).
const MIGRATION_LOCK: i64 = 0x726d_6d69_6772_6174;

/// A PostgreSQL connection outside the pool, for the probe and the migration lock.
async fn connect(url: &str) -> Result<sqlx::PgConnection, DbErr> {
    sqlx::PgConnection::connect(url).await.map_err(sqlx_error)
}

/// A session holding the migration lock, once no other replica holds it; closing it releases it.
pub async fn lock_migrations(url: &str) -> Result<sqlx::PgConnection, DbErr> {
    let mut session = connect(url).await?;
    sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut session).await.map_err(sqlx_error)?;
    Ok(session)
}

fn sqlx_error(error: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(Arc::new(error)))
}

/// Whether an error says the database could not be reached, rather than that a statement failed;
/// a pool wait that timed out is counted in [`ACQUIRE_TIMEOUTS`].
pub fn unreachable(error: &DbErr) -> bool {
    if let DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) = error {
        ACQUIRE_TIMEOUTS.fetch_add(1, Ordering::Relaxed);
    }
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => match &**error {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // Class 08 is a connection exception; 57P01-57P03: the server shuts down or starts up.
            sqlx::Error::Database(error) => error
                .code()
                .is_some_and(|code| code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")),
            _ => false,
        },
        _ => false,
    }
}
