//! What every resolver starts with: the viewer, their scoped store, and their own person.

use async_graphql::Context;

use crate::auth::{Role, Viewer};
use crate::domain::relationship::PairSide;
use crate::error::{Error, Result};
use crate::store::entity::{matched_pair, person};
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

/// The viewer's directory entry, looked up once per request.
pub type OwnPerson = tokio::sync::OnceCell<Option<person::Model>>;

/// The viewer's own directory entry; FORBIDDEN when the token names none that exists, or a
/// person who has left the company (their participant access ends with their last day).
pub async fn own_person(ctx: &Context<'_>) -> Result<person::Model> {
    let viewer = viewer(ctx);
    let Some(employee_id) = viewer.employee_id.as_deref() else {
        return Err(Error::Forbidden("this token does not name a person (no employee_id claim)".into()));
    };
    let own = lookup_own(ctx, employee_id).await?.ok_or_else(|| {
        Error::Forbidden(format!("employee {employee_id} named by this token is not in the directory"))
    })?;
    refuse_departed(&own)?;
    Ok(own)
}

async fn lookup_own(ctx: &Context<'_>, employee_id: &str) -> Result<Option<person::Model>> {
    let cell = ctx.data_unchecked::<OwnPerson>();
    Ok(cell.get_or_try_init(|| async { scoped(ctx).person_by_employee_id(employee_id).await }).await?.clone())
}

fn refuse_departed(own: &person::Model) -> Result<()> {
    match own.left_on.filter(|_| own.employment().has_left(crate::store::today())) {
        Some(left_on) => Err(Error::Forbidden(format!(
            "employee {} left the company on {left_on}; their participant access ended",
            own.employee_id
        ))),
        None => Ok(()),
    }
}

/// The viewer's person id when they are a participant in the directory, else `None`; a
/// participant who has left the company gets FORBIDDEN with the reason.
pub async fn participant_person(ctx: &Context<'_>) -> Result<Option<i64>> {
    let viewer = viewer(ctx);
    let Some(employee_id) = viewer.employee_id.as_deref().filter(|_| viewer.has(Role::Participant)) else {
        return Ok(None);
    };
    match lookup_own(ctx, employee_id).await? {
        Some(own) => {
            refuse_departed(&own)?;
            Ok(Some(own.id))
        }
        None => Ok(None),
    }
}

/// Which side of `pair` the viewer is on, for a participant in it.
pub async fn side_in(ctx: &Context<'_>, pair: &matched_pair::Model) -> Result<Option<PairSide>> {
    Ok(participant_person(ctx).await?.and_then(|person| pair.side_of(person)))
}

/// Allows managers for any match and the two people of the match; returns the viewer's person
/// id when they are one of the pair.
pub async fn require_pair_or_manager(
    ctx: &Context<'_>,
    pair: &matched_pair::Model,
    doing: &str,
) -> Result<Option<i64>> {
    let own = participant_person(ctx).await?.filter(|person| pair.side_of(*person).is_some());
    if own.is_some() || viewer(ctx).has_any(MANAGERS) {
        Ok(own)
    } else {
        Err(Error::Forbidden(format!("{doing} is for the two people of this match and coordinators")))
    }
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
