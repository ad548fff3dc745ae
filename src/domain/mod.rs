//! The domain of reverse mentoring, free of databases and GraphQL: what people,
//! skills, programs and enrolments are, which values are valid and which state
//! changes are allowed. Read this first to learn what the service means.

pub mod enrollment;
pub mod history;
pub mod import;
pub mod integrity;
pub mod matching;
pub mod metrics;
pub mod person;
pub mod preparation;
pub mod program;
pub mod pseudonym;
pub mod push;
pub mod record;
pub mod relationship;
pub mod scim;
pub mod skill;
pub mod text;
pub mod timeline;
pub mod xapi;

use thiserror::Error;

/// Why the domain refused a value or a state change, in words a person understands.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DomainError {
    /// A value is outside what the domain allows.
    #[error("{0}")]
    Invalid(String),
    /// A state change is not allowed from the current state.
    #[error("{0}")]
    IllegalTransition(String),
}

/// Shorthand for an invalid value.
pub fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

/// Declares a string-backed enum with its stored spelling, so the store keeps
/// readable text and parsing unknown text is an error, not a panic.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling kept in the database and shown in messages.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::DomainError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::domain::invalid(format!(
                        concat!("unknown ", stringify!($name), " '{}'"), other
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;
