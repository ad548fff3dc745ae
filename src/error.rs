//! The service's one error type. Every layer returns it; the GraphQL edge turns it
//! into an error with `extensions.code` so clients can react without parsing prose.

use crate::domain::DomainError;

/// Everything that can go wrong in a request, by what the client should do about it.
///
/// It deliberately has no `Display` impl: async-graphql converts any `Display` type
/// into an error *without* a code, so leaving it out forces the conversion below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input is wrong; the message says which field and why.
    BadInput(String),
    /// A state change is not allowed from the current state.
    IllegalTransition(String),
    /// No valid token.
    Unauthenticated(String),
    /// The token's roles do not allow this.
    Forbidden(String),
    /// Nothing with that id in the viewer's organisation.
    NotFound(String),
    /// Someone else changed it first, or it already exists.
    Conflict(String),
    /// A person has not completed a preparation course their program requires before matching.
    PreparationNotCompleted(String),
    /// Over the request budget; retry after the given seconds.
    RateLimited(u64),
    /// A persisted-query hash this replica does not know: the client resends the query text.
    PersistedQueryNotFound,
    /// Something the service depends on (the database, the identity provider) cannot be
    /// reached right now; retrying shortly may work.
    Unavailable(String),
    /// A fault of ours; the details go to the log, not the client.
    Internal(String),
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The `extensions.code` clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadInput(_) | Error::IllegalTransition(_) => "BAD_USER_INPUT",
            Error::Unauthenticated(_) => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::NotFound(_) => "NOT_FOUND",
            Error::Conflict(_) => "CONFLICT",
            Error::PreparationNotCompleted(_) => "PREPARATION_NOT_COMPLETED",
            Error::RateLimited(_) => "RATE_LIMITED",
            Error::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Error::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Error::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The message shown to the client.
    pub fn message(&self) -> &str {
        match self {
            Error::Internal(_) => "internal error; the request id in the logs has the details",
            Error::RateLimited(_) => "too many requests; retry after the seconds in Retry-After",
            // Apollo clients match this exact message as well as the code.
            Error::PersistedQueryNotFound => "PersistedQueryNotFound",
            Error::BadInput(m)
            | Error::IllegalTransition(m)
            | Error::Unauthenticated(m)
            | Error::Forbidden(m)
            | Error::NotFound(m)
            | Error::Conflict(m)
            | Error::PreparationNotCompleted(m)
            | Error::Unavailable(m) => m,
        }
    }

    /// A not-found error for a kind of thing.
    pub fn not_found(what: &str) -> Error {
        Error::NotFound(format!("{what} not found"))
    }

    /// The same error about one entry of a batch: its message starts with `entry` (such as
    /// `skills[3]: `); errors that are not about the input are left as they are.
    pub fn about(self, entry: &str) -> Error {
        match self {
            Error::BadInput(m) => Error::BadInput(format!("{entry}{m}")),
            Error::IllegalTransition(m) => Error::IllegalTransition(format!("{entry}{m}")),
            Error::NotFound(m) => Error::NotFound(format!("{entry}{m}")),
            Error::Conflict(m) => Error::Conflict(format!("{entry}{m}")),
            Error::PreparationNotCompleted(m) => Error::PreparationNotCompleted(format!("{entry}{m}")),
            other => other,
        }
    }
}

impl From<DomainError> for Error {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid(message) => Error::BadInput(message),
            DomainError::IllegalTransition(message) => Error::IllegalTransition(message),
        }
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(error: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) = error.sql_err() {
            return Error::Conflict(format!("it already exists ({detail})"));
        }
        if crate::store::health::unreachable(&error) {
            tracing::warn!(%error, "the database cannot be reached");
            return Error::Unavailable("the database cannot be reached right now; retry shortly".into());
        }
        tracing::error!(%error, "database error");
        Error::Internal(error.to_string())
    }
}

impl From<Error> for async_graphql::Error {
    fn from(error: Error) -> Self {
        let mut graphql = async_graphql::Error::new(error.message());
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", error.code());
        if let Error::IllegalTransition(_) = error {
            extensions.set("reason", "ILLEGAL_TRANSITION");
        }
        graphql.extensions = Some(extensions);
        graphql
    }
}
