//! What every resolver starts with: the viewer, their scoped store, and their own person.

use async_graphql::Context;

use crate::auth::{Role, Viewer};
use crate::error::{Error, Result};
use crate::store::entity::person;
use crate::store::{Scoped, Store};

/// Roles that manage programs and enrolment.
pub const MANAGERS: &[Role] = &[Role::Admin, Role::Coordinator];
/// Roles that may read the directory and enrolments.
pub const READERS: &[Role] = &[Role::Admin, Role::Coordinator, Role::Analyst];
/// Every role.
pub const ANYONE: &[Role] = &[Role::Admin, Role::Coordinator, Role::Analyst, Role::Lms, Role::Participant];

/// The viewer of this request (the router only executes authenticated requests).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    ctx.data_unchecked::<Viewer>()
}

/// The store scoped to the viewer's organisation.
pub fn scoped<'a>(ctx: &Context<'a>) -> Scoped<'a> {
    let viewer = viewer(ctx);
    ctx.data_unchecked::<Store>().scoped(&viewer.org, &viewer.subject)
}

/// The viewer's own directory entry; FORBIDDEN when the token names none that exists.
pub async fn own_person(ctx: &Context<'_>) -> Result<person::Model> {
    let viewer = viewer(ctx);
    let Some(employee_id) = viewer.employee_id.as_deref() else {
        return Err(Error::Forbidden("this token does not name a person (no employee_id claim)".into()));
    };
    scoped(ctx)
        .person_by_employee_id(employee_id)
        .await?
        .ok_or_else(|| Error::Forbidden(format!("employee {employee_id} named by this token is not in the directory")))
}

/// Allows managers for anyone, and participants for themselves only.
pub async fn require_self_or_manager(ctx: &Context<'_>, person_id: i64, doing: &str) -> Result<()> {
    let viewer = viewer(ctx);
    if viewer.has_any(MANAGERS) {
        return Ok(());
    }
    viewer.require(&[Role::Admin, Role::Coordinator, Role::Participant], doing)?;
    if own_person(ctx).await?.id == person_id {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("{doing} is only allowed for your own profile")))
    }
}

/// Allows directory readers for anyone, and participants for themselves only.
pub async fn require_self_or_manager_or_analyst(ctx: &Context<'_>, person: &person::Model, doing: &str) -> Result<()> {
    let viewer = viewer(ctx);
    if viewer.has_any(READERS) || (viewer.has(Role::Participant) && viewer.is_person(&person.employee_id)) {
        return Ok(());
    }
    Err(Error::Forbidden(format!("{doing} needs the ADMIN, COORDINATOR or ANALYST role, or to be that person")))
}
