//! The GraphQL schema: one module per domain area, merged into one Query and one Mutation.

pub(crate) mod access;
pub(crate) mod admission;
mod audit;
mod connection;
mod due;
mod enrollments;
mod enums;
pub(crate) mod ids;
mod imports;
mod loaders;
mod matches;
mod metrics;
mod node;
mod people;
mod preparation;
mod programs;
mod proposals;
mod records;
mod relationships;
mod requests;
mod rules;
mod scim;
mod skills;
mod spans;
mod training;

use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::auth::Viewer;
use crate::config::Config;
use crate::store::Store;

pub use admission::{Admission, QueryLimits, prefix};

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    people::PeopleQuery,
    skills::SkillsQuery,
    programs::ProgramsQuery,
    requests::RequestsQuery,
    audit::AuditQuery,
    audit::IntegrityQuery,
    metrics::MetricsQuery,
    scim::ScimQuery,
    imports::ImportsQuery,
    training::TrainingQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    people::PeopleMutation,
    skills::SkillsMutation,
    programs::ProgramsMutation,
    enrollments::EnrollmentsMutation,
    proposals::ProposalsMutation,
    relationships::RelationshipsMutation,
    records::RecordsMutation,
    requests::RequestsMutation,
    metrics::SettingsMutation,
    scim::ScimMutation,
    imports::ImportsMutation,
    training::TrainingMutation,
    preparation::PreparationMutation,
);

/// The service's schema.
pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema with its limits; the store and config travel as schema data.
pub fn build_schema(store: Store, config: &Config) -> AppSchema {
    let builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .register_output_type::<node::Node>()
        .limit_depth(config.max_query_depth)
        .limit_complexity(usize::try_from(config.query_limits.max_cost).unwrap_or(usize::MAX));
    // An extension sits in the path of every field: only worth it when the spans go somewhere.
    let builder = if config.export_traces { builder.extension(spans::RootFieldSpans) } else { builder };
    builder.data(store).data(config.clone()).finish()
}

/// Per-request data: the viewer, their org-bound loaders and a slot for their own person.
pub fn request_data(store: &Store, viewer: Viewer) -> (Viewer, loaders::Loaders, access::OwnPerson) {
    let loaders = loaders::for_org(store.clone(), viewer.org.clone());
    (viewer, loaders, access::OwnPerson::new())
}

/// The admission check for this schema and configuration.
pub fn admission(config: &Config) -> Admission {
    Admission::new(&sdl(), config.query_limits.clone(), config.default_page_size)
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .register_output_type::<node::Node>()
        .finish()
        .sdl()
}
