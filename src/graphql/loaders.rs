//! DataLoaders: one batched, org-scoped query per relation per request instead of one per row.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};

use crate::error::Error;
use crate::store::Store;
use crate::store::entity::{
    enrollment, feedback, learning, meeting, objective, person, person_skill, preparation_course, program, skill,
};

/// The loaders of one request, all bound to the viewer's organisation. They cache for the
/// request's life, so a list resolver can fetch a whole page's relations in one batch up front
/// (see `matches::prefetch`) and the fields below it read from the cache.
pub type Loaders = DataLoader<OrgLoader, HashMapCache>;

/// Batches lookups for one organisation.
pub struct OrgLoader {
    store: Store,
    org: String,
}

/// Builds the loaders for a request.
pub fn for_org(store: Store, org: String) -> Loaders {
    // A batch runs in a task of its own: it carries the span of the resolver that started it, so
    // its statements show up under that request in a trace.
    let spawn = |batch| tokio::spawn(tracing::Instrument::in_current_span(batch));
    DataLoader::with_cache(OrgLoader { store, org }, spawn, HashMapCache::default())
}

/// Key: a person by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonId(pub i64);
/// Key: a person by employee id (managers are linked that way).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmployeeId(pub String);
/// Key: a skill by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SkillId(pub i64);
/// Key: a program by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramId(pub i64);
/// Key: an enrolment by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnrollmentId(pub i64);
/// Key: every meeting of a match, newest first.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeetingsOfMatch(pub i64);
/// Key: every learning of a match.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LearningsOfMatch(pub i64);
/// Key: every feedback submission of a match, oldest first.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeedbackOfMatch(pub i64);
/// Key: every skill entry of a person.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SkillsOfPerson(pub i64);
/// Key: every objective of a program.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectivesOfProgram(pub i64);

/// Key: the preparation courses of a program.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CoursesOfProgram(pub i64);

impl OrgLoader {
    fn scoped(&self) -> crate::store::Scoped<'_> {
        // Loaders only read, so no actor is recorded.
        self.store.scoped(&self.org, "")
    }
}

fn by_id<K: std::hash::Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    rows.into_iter().map(|row| (key(&row), row)).collect()
}

/// `values` shared: what the cache holds and every field that reads it is one copy (a
/// dashboard reads each person's skills, each skill and each match's meetings many times).
fn shared<K: std::hash::Hash + Eq, V>(values: HashMap<K, V>) -> HashMap<K, Arc<V>> {
    values.into_iter().map(|(key, value)| (key, Arc::new(value))).collect()
}

fn grouped<K: std::hash::Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

impl Loader<PersonId> for OrgLoader {
    type Value = Arc<person::Model>;
    type Error = Error;
    async fn load(&self, keys: &[PersonId]) -> Result<HashMap<PersonId, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(shared(by_id(self.scoped().people_by_ids(&ids).await?, |row| PersonId(row.id))))
    }
}

impl Loader<SkillId> for OrgLoader {
    type Value = Arc<skill::Model>;
    type Error = Error;
    async fn load(&self, keys: &[SkillId]) -> Result<HashMap<SkillId, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(shared(by_id(self.scoped().skills_by_ids(&ids).await?, |row| SkillId(row.id))))
    }
}

impl Loader<ProgramId> for OrgLoader {
    type Value = program::Model;
    type Error = Error;
    async fn load(&self, keys: &[ProgramId]) -> Result<HashMap<ProgramId, program::Model>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(by_id(self.scoped().programs_by_ids(&ids).await?, |row| ProgramId(row.id)))
    }
}

impl Loader<SkillsOfPerson> for OrgLoader {
    type Value = Arc<Vec<person_skill::Model>>;
    type Error = Error;
    async fn load(&self, keys: &[SkillsOfPerson]) -> Result<HashMap<SkillsOfPerson, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(shared(grouped(self.scoped().skills_of_people(&ids).await?, |row| SkillsOfPerson(row.person_id))))
    }
}

impl Loader<ObjectivesOfProgram> for OrgLoader {
    type Value = Vec<objective::Model>;
    type Error = Error;
    async fn load(&self, keys: &[ObjectivesOfProgram]) -> Result<HashMap<ObjectivesOfProgram, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(grouped(self.scoped().objectives_of(&ids).await?, |row| ObjectivesOfProgram(row.program_id)))
    }
}

impl Loader<CoursesOfProgram> for OrgLoader {
    type Value = Vec<preparation_course::Model>;
    type Error = Error;
    async fn load(&self, keys: &[CoursesOfProgram]) -> Result<HashMap<CoursesOfProgram, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(grouped(self.scoped().preparation_courses(&ids).await?, |row| CoursesOfProgram(row.program_id)))
    }
}

impl Loader<EnrollmentId> for OrgLoader {
    type Value = enrollment::Model;
    type Error = Error;
    async fn load(&self, keys: &[EnrollmentId]) -> Result<HashMap<EnrollmentId, enrollment::Model>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(by_id(self.scoped().enrollments_by_ids(&ids).await?, |row| EnrollmentId(row.id)))
    }
}

impl Loader<MeetingsOfMatch> for OrgLoader {
    type Value = Arc<Vec<meeting::Model>>;
    type Error = Error;
    async fn load(&self, keys: &[MeetingsOfMatch]) -> Result<HashMap<MeetingsOfMatch, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(shared(grouped(self.scoped().meetings_of(&ids).await?, |row| MeetingsOfMatch(row.match_id))))
    }
}

impl Loader<LearningsOfMatch> for OrgLoader {
    type Value = Vec<learning::Model>;
    type Error = Error;
    async fn load(&self, keys: &[LearningsOfMatch]) -> Result<HashMap<LearningsOfMatch, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(grouped(self.scoped().learnings_of(&ids).await?, |row| LearningsOfMatch(row.match_id)))
    }
}

impl Loader<FeedbackOfMatch> for OrgLoader {
    type Value = Vec<feedback::Model>;
    type Error = Error;
    async fn load(&self, keys: &[FeedbackOfMatch]) -> Result<HashMap<FeedbackOfMatch, Self::Value>, Error> {
        let ids: Vec<i64> = keys.iter().map(|key| key.0).collect();
        Ok(grouped(self.scoped().feedback_of(&ids).await?, |row| FeedbackOfMatch(row.match_id)))
    }
}

impl Loader<EmployeeId> for OrgLoader {
    type Value = person::Model;
    type Error = Error;
    async fn load(&self, keys: &[EmployeeId]) -> Result<HashMap<EmployeeId, person::Model>, Error> {
        let ids: Vec<String> = keys.iter().map(|key| key.0.clone()).collect();
        let rows = self.scoped().people_by_employee_id_list(&ids).await?;
        Ok(by_id(rows, |row| EmployeeId(row.employee_id.clone())))
    }
}
