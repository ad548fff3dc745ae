//! Relay connections over the store's keyset pages.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, OutputType};

use super::ids::{self, Kind};
use crate::config::Config;
use crate::error::Result;
use crate::store::page::{Page, PageRequest};

/// Relay paging arguments as a resolver receives them.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    /// Relay `after`.
    pub after: Option<String>,
    /// Relay `before`.
    pub before: Option<String>,
    /// Relay `first`.
    pub first: Option<i32>,
    /// Relay `last`.
    pub last: Option<i32>,
}

/// A connection whose cursors are row ids.
pub type IdConnection<T> = Connection<String, T, EmptyFields, EmptyFields>;

impl PageArgs {
    /// Checks sizes against the server's limits and that cursors come from a connection of `kind`.
    pub fn request(&self, ctx: &Context<'_>, kind: Kind) -> Result<PageRequest> {
        self.request_up_to(ctx, kind, 0)
    }

    /// Like [`PageArgs::request`], for a connection a dashboard reads whole: its pages may hold
    /// up to `field_max` rows (or `MAX_PAGE_SIZE`, if larger); the complexity limit still applies.
    pub fn request_up_to(&self, ctx: &Context<'_>, kind: Kind, field_max: u64) -> Result<PageRequest> {
        let config = ctx.data_unchecked::<Config>();
        let max = config.max_page_size.max(field_max);
        let size = |name: &str, value: Option<i32>| -> Result<Option<u64>> {
            match value {
                Some(value) if value < 0 => {
                    Err(crate::error::Error::BadInput(format!("{name} must be between 0 and {max}")))
                }
                Some(value) => Ok(Some(value as u64)),
                None => Ok(None),
            }
        };
        PageRequest {
            after: self.after.as_deref().map(|cursor| ids::decode_cursor("after", cursor, kind)).transpose()?,
            before: self.before.as_deref().map(|cursor| ids::decode_cursor("before", cursor, kind)).transpose()?,
            first: size("first", self.first)?,
            last: size("last", self.last)?,
        }
        .checked(config.default_page_size, max)
    }
}

/// Turns a page of rows of `kind` into a connection of nodes.
pub fn connection<R, T: OutputType>(
    page: Page<R>,
    kind: Kind,
    id: impl Fn(&R) -> i64,
    node: impl Fn(R) -> T,
) -> IdConnection<T> {
    let mut connection = Connection::new(page.has_previous, page.has_next);
    connection.edges = page.items.into_iter().map(|row| Edge::new(ids::cursor(kind, id(&row)), node(row))).collect();
    connection
}
