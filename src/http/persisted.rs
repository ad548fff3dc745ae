//! Persisted queries as Apollo clients send them: `extensions.persistedQuery.sha256Hash`
//! instead of the query text. Resolved before admission, so a hashed query is priced like
//! any other.
//!
//! - Automatic (the default): a hash the replica has not seen answers
//!   `PERSISTED_QUERY_NOT_FOUND`, the client resends the text with the hash, and the replica
//!   keeps it in a bounded cache (per process, safe to lose: a miss only costs a retry).
//! - Allow-list: only the operations of a manifest run (Apollo's
//!   `persisted-query-manifest.json`), by hash or by identical text; anything else is FORBIDDEN.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::Value;
use lru::LruCache;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Query texts kept per replica in automatic mode.
const CACHED_QUERIES: usize = 1_000;

/// How persisted queries are handled.
pub enum PersistedQueries {
    /// Any query runs; hashes are remembered for next time.
    Automatic(Mutex<LruCache<String, Arc<str>>>),
    /// Only the manifest's operations run.
    AllowList(HashMap<String, Arc<str>>),
}

impl std::fmt::Debug for PersistedQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PersistedQueries::Automatic(_) => f.write_str("PersistedQueries::Automatic"),
            PersistedQueries::AllowList(operations) => write!(f, "PersistedQueries::AllowList({})", operations.len()),
        }
    }
}

impl PersistedQueries {
    /// Automatic persisted queries with a bounded cache.
    pub fn automatic() -> PersistedQueries {
        let capacity = NonZeroUsize::new(CACHED_QUERIES).unwrap_or(NonZeroUsize::MIN);
        PersistedQueries::Automatic(Mutex::new(LruCache::new(capacity)))
    }

    /// An allow-list from an Apollo persisted-query manifest
    /// (`{ "operations": [{ "id": sha256, "body": query }, ...] }`); each id is checked against its body.
    pub fn allow_list(manifest: &str) -> Result<PersistedQueries, String> {
        #[derive(serde::Deserialize)]
        struct Manifest {
            operations: Vec<Operation>,
        }
        #[derive(serde::Deserialize)]
        struct Operation {
            id: String,
            body: String,
        }
        let manifest: Manifest = serde_json::from_str(manifest).map_err(|error| format!("not a manifest: {error}"))?;
        let mut operations = HashMap::new();
        for operation in manifest.operations {
            if sha256(&operation.body) != operation.id.to_ascii_lowercase() {
                return Err(format!("operation {} does not hash to its id", operation.id));
            }
            operations.insert(operation.id.to_ascii_lowercase(), Arc::from(operation.body));
        }
        Ok(PersistedQueries::AllowList(operations))
    }

    /// Fills in the query text of a hashed request, remembers a new one, and in allow-list
    /// mode refuses what is not on the list.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<()> {
        let hash = requested_hash(request)?;
        match (self, hash) {
            (PersistedQueries::Automatic(_), None) => Ok(()),
            (PersistedQueries::Automatic(cache), Some(hash)) => {
                let mut cache = cache.lock().map_err(|_| Error::Internal("persisted query cache poisoned".into()))?;
                if request.query.is_empty() {
                    let text = cache.get(&hash).ok_or(Error::PersistedQueryNotFound)?;
                    request.query = text.to_string();
                } else {
                    check_hash(&request.query, &hash)?;
                    cache.put(hash, Arc::from(request.query.as_str()));
                }
                Ok(())
            }
            (PersistedQueries::AllowList(operations), hash) => {
                let hash = match hash {
                    Some(hash) => hash,
                    None => sha256(&request.query),
                };
                let text = operations.get(&hash).ok_or_else(|| {
                    Error::Forbidden("this service only runs the operations on its allow-list".into())
                })?;
                if !request.query.is_empty() && request.query != **text {
                    return Err(Error::BadInput("the query does not match its persisted hash".into()));
                }
                request.query = text.to_string();
                Ok(())
            }
        }
    }
}

/// The `sha256Hash` of `extensions.persistedQuery` (version 1), lower case.
fn requested_hash(request: &async_graphql::Request) -> Result<Option<String>> {
    let Some(persisted) = request.extensions.0.get("persistedQuery") else { return Ok(None) };
    let Value::Object(fields) = persisted else {
        return Err(Error::BadInput("extensions.persistedQuery must be an object".into()));
    };
    if fields.get("version") != Some(&Value::from(1)) {
        return Err(Error::BadInput("only persisted query version 1 is supported".into()));
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash)) if hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err(Error::BadInput("extensions.persistedQuery.sha256Hash must be 64 hex digits".into())),
    }
}

fn check_hash(query: &str, hash: &str) -> Result<()> {
    if sha256(query) == hash { Ok(()) } else { Err(Error::BadInput("provided sha does not match query".into())) }
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashed(query: &str, hash: &str) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(query);
        let persisted = serde_json::json!({ "version": 1, "sha256Hash": hash });
        request.extensions.0.insert("persistedQuery".into(), Value::from_json(persisted).unwrap());
        request
    }

    const QUERY: &str = "{ viewer { org } }";

    #[test]
    fn a_hash_is_unknown_until_its_text_was_sent_once() {
        let automatic = PersistedQueries::automatic();
        let hash = sha256(QUERY);
        assert_eq!(automatic.resolve(&mut hashed("", &hash)), Err(Error::PersistedQueryNotFound));
        assert!(automatic.resolve(&mut hashed(QUERY, &hash)).is_ok());
        let mut again = hashed("", &hash);
        automatic.resolve(&mut again).unwrap();
        assert_eq!(again.query, QUERY);
        let wrong = automatic.resolve(&mut hashed("{ __typename }", &hash)).unwrap_err();
        assert_eq!(wrong, Error::BadInput("provided sha does not match query".into()));
        assert!(automatic.resolve(&mut async_graphql::Request::new(QUERY)).is_ok(), "plain queries run");
    }

    #[test]
    fn an_allow_list_runs_its_operations_only() {
        let manifest = serde_json::json!({ "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": sha256(QUERY), "name": "Org", "type": "query", "body": QUERY }] });
        let list = PersistedQueries::allow_list(&manifest.to_string()).unwrap();
        let mut by_hash = hashed("", &sha256(QUERY));
        list.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, QUERY);
        assert!(list.resolve(&mut async_graphql::Request::new(QUERY)).is_ok(), "the same text, unhashed");
        let other = list.resolve(&mut async_graphql::Request::new("{ __typename }")).unwrap_err();
        assert_eq!(other.code(), "FORBIDDEN");
        let bad = serde_json::json!({ "operations": [{ "id": sha256("x"), "body": QUERY }] });
        assert!(PersistedQueries::allow_list(&bad.to_string()).unwrap_err().contains("does not hash"));
    }
}
