//! The store: every read and write of the database, always scoped to one organisation.
//!
//! Resolvers reach the database only through [`Scoped`], which carries the viewer's
//! organisation and identity, so no query can forget the tenant filter and every
//! mutation writes its audit event in the same transaction as the change.

pub mod audit;
pub mod departures;
pub mod enrollments;
pub mod entity;
pub mod health;
pub mod history;
pub mod imports;
pub mod integrity;
pub mod matching;
pub mod metrics;
pub mod page;
pub mod people;
pub mod preparation;
pub mod programs;
pub mod push;
pub mod records;
pub mod relationships;
pub mod requests;
pub mod roster;
pub mod scim;
mod secrets;
pub mod settings;
pub mod skills;
mod sqlite_memory;
pub mod training;

use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::error::{Error, Result};

/// The connection pool; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    statement_seconds: Histogram,
    health: std::sync::Arc<health::DatabaseHealth>,
    xapi: std::sync::Arc<crate::domain::xapi::Identity>,
}

/// Rows an SQLite connection's worker may hand over before the reader takes them.
const SQLITE_ROWS_IN_FLIGHT: usize = 4096;

/// The longest a request waits for a pooled connection before it is told SERVICE_UNAVAILABLE.
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Store {
    /// Connects and applies every pending migration.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, sea_orm::DbErr> {
        Self::connect_with_deadline(url, max_connections, None).await
    }

    /// Connects like [`Store::connect`]; on PostgreSQL no statement runs longer than `deadline`,
    /// so the database stops working on a request the service has given up on.
    pub async fn connect_with_deadline(
        url: &str,
        max_connections: u32,
        deadline: Option<std::time::Duration>,
    ) -> Result<Store, sea_orm::DbErr> {
        use migration::MigratorTrait;
        let mut options = ConnectOptions::new(url.to_owned());
        options.max_connections(max_connections).acquire_timeout(ACQUIRE_TIMEOUT).sqlx_logging(false);
        // JIT compilation is meant for long analytical scans: on the metrics statements, whose
        // CTE row estimates look expensive, it spent 350 ms compiling a 120 ms query. Off.
        // Lookups by a list of ids (`IN ($2, ..., $N)`) switched to a generic plan after five
        // runs on a connection and read the whole organisation through `org_id`: each statement
        // is planned for its own ids instead.
        let milliseconds = deadline.map(|deadline| deadline.as_millis().to_string());
        options.map_sqlx_postgres_opts(move |pg| {
            let pg = pg.options([("jit", "off"), ("plan_cache_mode", "force_custom_plan")]);
            match &milliseconds {
                Some(milliseconds) => pg.options([("statement_timeout", milliseconds.as_str())]),
                None => pg,
            }
        });
        // SQLite answers on a worker thread per connection that hands rows over a channel: with
        // room for 50 the reader was woken again and again for one large lookup's rows.
        options.map_sqlx_sqlite_opts(|sqlite| sqlite.row_buffer_size(SQLITE_ROWS_IN_FLIGHT));
        if url.starts_with("sqlite:") {
            sqlite_memory::use_mimalloc();
        }
        let mut db = Database::connect(options).await?;
        // Counting statements lets tests prove a nested query runs a bounded number of them;
        // their latency goes to /metrics.
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let statement_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        let (counter, latency) = (statements.clone(), statement_seconds.clone());
        db.set_metric_callback(move |info| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            latency.observe(info.elapsed.as_secs_f64());
        });
        if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            // Concurrent writers wait for the lock instead of failing at once, and
            // foreign keys are off in SQLite unless asked for.
            db.execute_unprepared("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;")
                .await?;
        }
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // Replicas starting together must not run the same migration twice: one at a time.
            let lock = health::lock_migrations(url).await?;
            let migrated = migration::Migrator::up(&db, None).await;
            // Closing the session releases the lock.
            let _ = sea_orm::sqlx::Connection::close(lock).await;
            migrated?;
        } else {
            migration::Migrator::up(&db, None).await?;
        }
        let health = std::sync::Arc::new(health::DatabaseHealth::default());
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            health::DatabaseHealth::spawn_probe(&health, url.to_owned());
        }
        let xapi = std::sync::Arc::default();
        Ok(Store { db, statements, statement_seconds, health, xapi })
    }

    /// The store as seen by one viewer: their organisation, their name in the audit trail.
    pub fn scoped<'a>(&'a self, org: &'a str, actor: &'a str) -> Scoped<'a> {
        Scoped { db: &self.db, org, actor, xapi: &self.xapi }
    }

    /// The same store issuing training records under `identity`'s IRIs.
    pub fn with_xapi_identity(self, identity: crate::domain::xapi::Identity) -> Store {
        Store { xapi: std::sync::Arc::new(identity), ..self }
    }

    /// Whether the database answers (for `/readyz`): the probe's last word on PostgreSQL, a
    /// ping on embedded SQLite.
    pub async fn ping(&self) -> Result<(), sea_orm::DbErr> {
        match self.db.get_database_backend() {
            // The probe pinged within the last moments, on a connection a busy pool cannot hold up.
            sea_orm::DatabaseBackend::Postgres
                if self.health.is_down() || self.db.get_postgres_connection_pool().is_closed() =>
            {
                Err(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::Internal("the database cannot be reached".into())))
            }
            sea_orm::DatabaseBackend::Postgres => Ok(()),
            _ => self.db.ping().await,
        }
    }

    /// How long statements took, for `/metrics`.
    pub fn statement_seconds(&self) -> Histogram {
        self.statement_seconds.clone()
    }

    /// The pool's connections now, for `/metrics`.
    pub fn pool_reading(&self) -> crate::telemetry::prometheus::PoolReading {
        let (size, idle, max) = match self.db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        crate::telemetry::prometheus::PoolReading {
            in_use: size.saturating_sub(idle),
            idle,
            max,
            acquire_timeouts: health::ACQUIRE_TIMEOUTS.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Whether the probe last found the database unreachable; requests are not worth trying.
    pub fn is_down(&self) -> bool {
        self.health.is_down()
    }

    /// SQL statements run through this pool since it opened.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The raw connection, for benchmarks' bulk seeding and tests that move time.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// A filter by a list of values whose SQL has one shape whatever the list's length.
pub(crate) trait OneOf: sea_orm::ColumnTrait {
    /// `column IN (values)` with the list as one parameter: on PostgreSQL `column = ANY($1)`, on
    /// SQLite `column IN (SELECT value FROM json_each(?))` with a JSON array. With a parameter per
    /// value every length was a statement of its own, prepared and cached again on each
    /// connection (on SQLite each cached program grew with its list), and after five runs
    /// PostgreSQL gave it a generic plan that read the whole organisation through `org_id`.
    fn one_of<V>(&self, backend: sea_orm::DbBackend, values: impl IntoIterator<Item = V>) -> sea_orm::sea_query::Expr
    where
        V: Into<sea_orm::Value> + sea_orm::sea_query::postgres_array::NotU8 + serde::Serialize,
    {
        match backend {
            sea_orm::DbBackend::Postgres => self.eq_any(values),
            _ => {
                // Numbers and strings always serialise.
                let list =
                    serde_json::to_string(&values.into_iter().collect::<Vec<V>>()).unwrap_or_else(|_| "[]".into());
                sea_orm::sea_query::Expr::cust_with_exprs(
                    "? IN (SELECT value FROM json_each(?))",
                    [sea_orm::sea_query::Expr::col(self.as_column_ref()), sea_orm::sea_query::Expr::val(list)],
                )
            }
        }
    }
}

impl<C: sea_orm::ColumnTrait> OneOf for C {}

/// One organisation's slice of the store.
#[derive(Clone, Copy)]
pub struct Scoped<'a> {
    db: &'a DatabaseConnection,
    org: &'a str,
    actor: &'a str,
    xapi: &'a crate::domain::xapi::Identity,
}

impl<'a> Scoped<'a> {
    /// The organisation every query is filtered by.
    pub fn org(&self) -> &'a str {
        self.org
    }

    /// The models of `select`, each built as its row arrives, for the DataLoader lookups of
    /// thousands of rows: collected first, every row stayed alive beside the models built from
    /// it, and on SQLite a row holds its own copy of each value.
    async fn lookup<E: sea_orm::EntityTrait>(&self, select: sea_orm::Select<E>) -> Result<Vec<E::Model>> {
        use futures_util::TryStreamExt;
        Ok(select.stream(self.db).await?.try_collect().await?)
    }

    /// PostgreSQL or SQLite.
    fn backend(&self) -> sea_orm::DbBackend {
        self.db.get_database_backend()
    }

    /// The same organisation acting as someone else in the audit trail (e.g. `system` for
    /// effects that come due on their own).
    pub fn with_actor(&self, actor: &'a str) -> Scoped<'a> {
        Scoped { actor, ..*self }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that read first could not
    /// upgrade later and would fail instead of waiting its turn.
    async fn begin(&self) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }
}

/// Estimated bytes one multi-row insert may carry. sqlx sets no TCP_NODELAY, so on PostgreSQL over
/// TCP a statement too large for one write waits ~40 ms for a delayed ACK: measured, 5,000 match
/// proposals took 6.0 s in statements of 100 rows, 12.5 s of 25, 4.0 s of 10 and 4.5 s in runs of
/// 8 KB (4.6 s of 4 KB); 30,000 people 8.5 s in statements of 200 and 0.8 s of 50.
const STATEMENT_BYTES: usize = 8 * 1024;

/// Consecutive runs of rows (by their estimated `sizes` in bytes) that each stay within
/// [`STATEMENT_BYTES`], at least one row a run: one multi-row insert per run.
pub(crate) fn sized_batches(sizes: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, size) in sizes.iter().enumerate() {
        if index > start && bytes + size > STATEMENT_BYTES {
            batches.push(start..index);
            (start, bytes) = (index, 0);
        }
        bytes += size;
    }
    if start < sizes.len() {
        batches.push(start..sizes.len());
    }
    batches
}

/// The current time, truncated to microseconds so both backends round-trip it exactly.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    truncated(chrono::Utc::now())
}

/// An instant truncated to microseconds, as both backends store it, so it compares equal after a
/// round trip.
pub fn truncated(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    at.trunc_subsecs(6)
}

/// Today's date (UTC): the day departures, meeting dates and record windows are judged on.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Parses text the store wrote; a failure means the row was written by something else.
pub(crate) fn parse_stored<T: std::str::FromStr>(text: &str) -> Result<T> {
    text.parse().map_err(|_| Error::Internal(format!("unexpected stored value '{text}'")))
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    use super::entity::person;
    use super::{OneOf, STATEMENT_BYTES, sized_batches};

    #[test]
    fn inserts_are_split_into_runs_that_fit_one_write() {
        assert_eq!(sized_batches(&[]), Vec::<std::ops::Range<usize>>::new());
        assert_eq!(sized_batches(&[100; 10]), vec![0..10]);
        let half = STATEMENT_BYTES / 2;
        assert_eq!(sized_batches(&[half, half, half, 10]), vec![0..2, 2..4]);
        assert_eq!(sized_batches(&[STATEMENT_BYTES * 3, 1, 1]), vec![0..1, 1..3], "a big row goes alone");
    }

    #[test]
    fn a_list_of_ids_is_one_parameter_whatever_its_length() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let statement =
                |ids: Vec<i64>| person::Entity::find().filter(person::Column::Id.one_of(backend, ids)).build(backend);
            let (two, many) = (statement(vec![1, 2]), statement((1..=500).collect()));
            assert_eq!(two.sql, many.sql, "{backend:?}: the same statement for 2 and 500 ids");
            assert_eq!(many.values.map(|values| values.0.len()), Some(1), "{backend:?}: one parameter");
        }
    }
}
