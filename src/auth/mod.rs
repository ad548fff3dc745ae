//! Who is asking: bearer JWT verification (a shared secret, or an identity provider's
//! published keys), the [`Viewer`] it yields, and the roles' rights.

mod claims;
mod provider;
mod roles;
mod token;

pub use claims::{ClaimMap, ClaimPath};
pub use provider::{ASYMMETRIC, ProviderKeys, ProviderSettings};
pub use roles::{Role, Viewer};
pub use token::{Claims, TokenKeys, load_or_create_secret};
