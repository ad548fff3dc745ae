//! sea-orm entities, one per table; only the store modules use them.

pub mod audit_event;
pub mod course_completion;
pub mod enrollment;
pub mod feedback;
pub mod import_source;
pub mod learning;
pub mod lrs_client;
pub mod lrs_push_target;
pub mod match_request;
pub mod matched_pair;
pub mod meeting;
pub mod objective;
pub mod org_setting;
pub mod person;
pub mod person_skill;
pub mod preparation_course;
pub mod program;
pub mod scim_token;
pub mod skill;
pub mod xapi_statement;
