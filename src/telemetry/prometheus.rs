//! `/metrics` in the Prometheus text format: requests and their latency by route and by GraphQL
//! operation, errors by code, SQL statement latency, and the database pool.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Most distinct operation names kept as labels; later ones are counted as `other`, so a client
/// inventing names cannot grow the scrape without bound.
pub const MAX_OPERATION_NAMES: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Operation {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Code {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolState {
    state: &'static str,
}

/// The pool as it is at a scrape.
#[derive(Debug, Clone, Copy)]
pub struct PoolReading {
    /// Connections lent out.
    pub in_use: u32,
    /// Open connections waiting to be lent.
    pub idle: u32,
    /// The pool's size limit.
    pub max: u32,
    /// Requests that gave up waiting for a connection, since start.
    pub acquire_timeouts: u64,
}

fn latency() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The service's metrics.
pub struct ServiceMetrics {
    registry: Registry,
    requests: Family<Route, Histogram, fn() -> Histogram>,
    operations: Family<Operation, Histogram, fn() -> Histogram>,
    errors: Family<Code, Counter>,
    pool: Family<PoolState, Gauge>,
    pool_max: Gauge,
    acquire_timeouts: Counter<u64, AtomicU64>,
    operation_names: Mutex<HashSet<String>>,
}

impl ServiceMetrics {
    /// Registers every metric; `statements` is the store's statement-latency histogram.
    pub fn new(statements: Histogram) -> ServiceMetrics {
        let mut registry = Registry::default();
        let requests =
            Family::<Route, Histogram, fn() -> Histogram>::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "http_request_duration_seconds",
            "HTTP requests by route and status, and how long they took",
            requests.clone(),
        );
        let operations =
            Family::<Operation, Histogram, fn() -> Histogram>::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "graphql_operation_duration_seconds",
            "GraphQL operations by operation name, and how long they took",
            operations.clone(),
        );
        let errors = Family::<Code, Counter>::default();
        registry.register("api_errors", "Errors returned to clients, by extensions.code", errors.clone());
        registry.register("db_statement_duration_seconds", "SQL statements and how long they took", statements);
        let pool = Family::<PoolState, Gauge>::default();
        registry.register("db_pool_connections", "Database connections by state (in_use, idle)", pool.clone());
        let pool_max = Gauge::default();
        registry.register("db_pool_max_connections", "The database pool's size limit", pool_max.clone());
        let acquire_timeouts = Counter::<u64, AtomicU64>::default();
        registry.register(
            "db_pool_acquire_timeouts",
            "Requests that waited for a database connection until they gave up",
            acquire_timeouts.clone(),
        );
        ServiceMetrics {
            registry,
            requests,
            operations,
            errors,
            pool,
            pool_max,
            acquire_timeouts,
            operation_names: Mutex::new(HashSet::new()),
        }
    }

    /// One HTTP request on `route` (the route's pattern, never the raw path).
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        self.requests.get_or_create(&Route { route: route.to_owned(), status }).observe(seconds);
    }

    /// One GraphQL operation and the codes of its errors.
    pub fn operation<'a>(&self, name: Option<&str>, seconds: f64, codes: impl Iterator<Item = &'a str>) {
        let operation = Operation { operation: self.operation_label(name) };
        self.operations.get_or_create(&operation).observe(seconds);
        for code in codes {
            self.error(code);
        }
    }

    /// One error returned with `code`.
    pub fn error(&self, code: &str) {
        self.errors.get_or_create(&Code { code: code.to_owned() }).inc();
    }

    /// The text exposition, with the pool read now.
    pub fn render(&self, pool: PoolReading) -> String {
        self.pool.get_or_create(&PoolState { state: "in_use" }).set(i64::from(pool.in_use));
        self.pool.get_or_create(&PoolState { state: "idle" }).set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max));
        let counted = self.acquire_timeouts.get();
        self.acquire_timeouts.inc_by(pool.acquire_timeouts.saturating_sub(counted));
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|name| !name.is_empty()) else { return "anonymous".into() };
        // A GraphQL name is [_A-Za-z][_0-9A-Za-z]*; anything else is not worth a label.
        let valid = name.len() <= 100
            && name.chars().next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
            && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !valid {
            return "invalid".into();
        }
        let Ok(mut known) = self.operation_names.lock() else { return "other".into() };
        if known.contains(name) || (known.len() < MAX_OPERATION_NAMES && known.insert(name.to_owned())) {
            name.to_owned()
        } else {
            "other".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading() -> PoolReading {
        PoolReading { in_use: 2, idle: 3, max: 10, acquire_timeouts: 4 }
    }

    #[test]
    fn operation_names_are_bounded_and_checked() {
        let metrics = ServiceMetrics::new(latency());
        for index in 0..MAX_OPERATION_NAMES + 5 {
            metrics.operation(Some(&format!("Op{index}")), 0.01, std::iter::empty());
        }
        metrics.operation(Some("bad name\"}"), 0.01, ["BAD_USER_INPUT"].into_iter());
        metrics.operation(None, 0.01, std::iter::empty());
        let text = metrics.render(reading());
        assert!(text.contains("graphql_operation_duration_seconds_count{operation=\"Op0\"} 1"), "{text}");
        assert!(text.contains("graphql_operation_duration_seconds_count{operation=\"other\"} 5"), "{text}");
        assert!(text.contains("graphql_operation_duration_seconds_count{operation=\"invalid\"} 1"), "{text}");
        assert!(text.contains("graphql_operation_duration_seconds_count{operation=\"anonymous\"} 1"), "{text}");
        assert!(text.contains("api_errors_total{code=\"BAD_USER_INPUT\"} 1"), "{text}");
    }

    #[test]
    fn the_pool_is_read_at_each_scrape() {
        let metrics = ServiceMetrics::new(latency());
        let text = metrics.render(reading());
        assert!(text.contains("db_pool_connections{state=\"in_use\"} 2"), "{text}");
        assert!(text.contains("db_pool_connections{state=\"idle\"} 3"), "{text}");
        assert!(text.contains("db_pool_max_connections 10"), "{text}");
        assert!(text.contains("db_pool_acquire_timeouts_total 4"), "{text}");
        let text = metrics.render(PoolReading { acquire_timeouts: 6, ..reading() });
        assert!(text.contains("db_pool_acquire_timeouts_total 6"), "{text}");
    }
}
