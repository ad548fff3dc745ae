//! Who is asking: bearer JWT verification, the [`Viewer`] it yields, and the roles' rights.

mod roles;
mod token;

pub use roles::{Role, Viewer};
pub use token::{Claims, TokenKeys, load_or_create_secret};
