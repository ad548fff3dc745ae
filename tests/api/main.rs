//! The API tested end to end: the real router over HTTP, real tokens, a real database.

mod common;

mod apollo;
mod auth;
mod batching;
mod demo;
mod enrollments;
mod faults;
mod graphiql;
mod health;
mod hostile;
mod imports;
mod lrs_push;
mod matching;
mod metrics;
mod metrics_property;
mod oidc;
mod over_http;
mod people;
mod preparation;
mod programs;
mod records_in_time;
mod relationships;
mod replicas;
mod requests;
mod schema;
mod scim;
mod skills;
mod telemetry;
mod tenancy;
mod tenancy_matching;
mod tenancy_relationships;
mod training;
