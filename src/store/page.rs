//! Keyset pagination over ids: stable under inserts, no OFFSET scans.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::error::{Error, Result};

/// Which slice of a list a client asks for (Relay's first/after, last/before).
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    /// Rows after this id.
    pub after: Option<i64>,
    /// Rows before this id.
    pub before: Option<i64>,
    /// How many from the start of the window.
    pub first: Option<u64>,
    /// How many from the end of the window.
    pub last: Option<u64>,
}

/// One page of rows, in id order.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Whether rows exist before the first one returned.
    pub has_previous: bool,
    /// Whether rows exist after the last one returned.
    pub has_next: bool,
}

impl PageRequest {
    /// Checks the sizes against the server's maximum; a default applies when neither is given.
    pub fn checked(self, default_size: u64, max_size: u64) -> Result<PageRequest> {
        if self.first.is_some() && self.last.is_some() {
            return Err(Error::BadInput("pass either first or last, not both".into()));
        }
        for (name, size) in [("first", self.first), ("last", self.last)] {
            if size.is_some_and(|size| size > max_size) {
                return Err(Error::BadInput(format!("{name} must be between 0 and {max_size}")));
            }
        }
        if self.first.is_none() && self.last.is_none() {
            return Ok(PageRequest { first: Some(default_size), ..self });
        }
        Ok(self)
    }
}

/// Runs `select` for one page, ordered by `id`.
pub async fn fetch<E, C>(db: &C, select: Select<E>, id: E::Column, request: PageRequest) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    E::Column: ColumnTrait,
    C: ConnectionTrait,
{
    let mut select = select;
    if let Some(after) = request.after {
        select = select.filter(id.gt(after));
    }
    if let Some(before) = request.before {
        select = select.filter(id.lt(before));
    }
    if let Some(last) = request.last {
        let mut items = select.order_by_desc(id).limit(last + 1).all(db).await?;
        let has_previous = items.len() as u64 > last;
        items.truncate(last as usize);
        items.reverse();
        return Ok(Page { items, has_previous, has_next: request.before.is_some() });
    }
    let first = request.first.unwrap_or(0);
    let mut items = select.order_by_asc(id).limit(first + 1).all(db).await?;
    let has_next = items.len() as u64 > first;
    items.truncate(first as usize);
    Ok(Page { items, has_previous: request.after.is_some(), has_next })
}
