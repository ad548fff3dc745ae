//! People in the directory and the skills they offer or want.

use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::access::{self, MANAGERS, READERS};
use super::connection::{IdConnection, PageArgs, connection};
use super::enrollments::Enrollment;
use super::enums::{self, EmploymentStatus, Generation, SkillRelation};
use super::ids::{self, Kind};
use super::loaders::{EmployeeId, Loaders, SkillId, SkillsOfPerson};
use super::skills::Skill;
use crate::auth::Role;
use crate::domain::person::{PersonDraft, check_batch_size};
use crate::error::{Error, Result};
use crate::store::enrollments::EnrollmentFilter;
use crate::store::entity::{person, person_skill};
use crate::store::people::{PeopleFilter, PersonSkillEntry};

/// An employee from the directory (shared with the request's loader cache).
pub struct Person(pub std::sync::Arc<person::Model>);

impl From<person::Model> for Person {
    fn from(row: person::Model) -> Person {
        Person(std::sync::Arc::new(row))
    }
}

#[Object]
impl Person {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Person, self.0.id)
    }
    /// The HRIS key integrations use.
    async fn employee_id(&self) -> &str {
        &self.0.employee_id
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Work e-mail: a contact detail, shown to admins, coordinators and the person.
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        let viewer = access::viewer(ctx);
        if viewer.has_any(MANAGERS) || viewer.is_person(&self.0.employee_id) {
            Ok(self.0.email.as_deref())
        } else {
            Err(Error::Forbidden("contact details are visible to admins, coordinators and the person only".into()))
        }
    }
    /// Department or business unit.
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    /// Job title.
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    /// Seniority band, 1 (entry) to 15 (executive).
    async fn level(&self) -> i32 {
        self.0.level
    }
    /// The manager's employee id.
    async fn manager_employee_id(&self) -> Option<&str> {
        self.0.manager_employee_id.as_deref()
    }
    /// The manager, when they are in the directory (directory readers only: a participant
    /// following the link would otherwise walk their whole reporting line).
    async fn manager(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(manager) = self.0.manager_employee_id.as_deref() else { return Ok(None) };
        access::viewer(ctx).require(READERS, "reading another person's profile")?;
        let row = ctx.data_unchecked::<Loaders>().load_one(EmployeeId(manager.to_owned())).await?;
        Ok(row.map(Person::from))
    }
    /// Self-declared generation.
    async fn generation(&self) -> Result<Option<Generation>> {
        self.0.generation.as_deref().map(enums::stored::<crate::domain::person::Generation, _>).transpose()
    }
    /// First day of employment.
    async fn hired_on(&self) -> Option<NaiveDate> {
        self.0.hired_on
    }
    /// ACTIVE until the day after the last working day, then LEFT.
    async fn employment_status(&self) -> Result<EmploymentStatus> {
        enums::stored::<crate::domain::person::EmploymentStatus, _>(&self.0.employment_status)
    }
    /// Last working day; a date today or later is a scheduled departure (a notice period).
    async fn left_on(&self) -> Option<NaiveDate> {
        self.0.left_on
    }
    /// Skills the person offers or wants, optionally one side only.
    async fn skills(&self, ctx: &Context<'_>, relation: Option<SkillRelation>) -> Result<Vec<PersonSkill>> {
        let rows = ctx.data_unchecked::<Loaders>().load_one(SkillsOfPerson(self.0.id)).await?.unwrap_or_default();
        let wanted = relation.map(|relation| crate::domain::skill::SkillRelation::from(relation).as_str());
        Ok(rows
            .iter()
            .filter(|row| wanted.is_none_or(|wanted| row.relation == wanted))
            .cloned()
            .map(PersonSkill)
            .collect())
    }
    /// The person's enrolments.
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<Enrollment>> {
        access::require_self_or_manager_or_analyst(ctx, &self.0, "reading enrolments").await?;
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::Enrollment)?;
        let filter = EnrollmentFilter { person_id: Some(self.0.id), ..Default::default() };
        let page = access::scoped(ctx).enrollments(&filter, request).await?;
        Ok(connection(page, Kind::Enrollment, |row| row.id, Enrollment))
    }
    /// Bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the entry was first imported.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the entry last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A skill a person offers (level = proficiency) or wants (level = priority).
pub struct PersonSkill(pub person_skill::Model);

#[Object]
impl PersonSkill {
    /// The skill.
    async fn skill(&self, ctx: &Context<'_>) -> Result<Skill> {
        let skill = ctx.data_unchecked::<Loaders>().load_one(SkillId(self.0.skill_id)).await?;
        skill.map(Skill).ok_or_else(|| Error::not_found("skill"))
    }
    /// OFFERS or WANTS.
    async fn relation(&self) -> Result<SkillRelation> {
        enums::stored::<crate::domain::skill::SkillRelation, _>(&self.0.relation)
    }
    /// Proficiency (OFFERS) or priority (WANTS), 1-5.
    async fn level(&self) -> i32 {
        i32::from(self.0.strength)
    }
}

/// One skill a person offers or wants, in a batch.
#[derive(InputObject)]
pub struct PersonSkillInput {
    /// The person.
    pub person_id: ID,
    /// The catalogue skill.
    pub skill_id: ID,
    /// OFFERS or WANTS.
    pub relation: SkillRelation,
    /// Proficiency (OFFERS) or priority (WANTS), 1-5.
    pub level: i32,
}

/// What `setPersonSkills` did.
#[derive(SimpleObject)]
pub struct SetPersonSkillsPayload {
    /// Skills a person did not offer or want before.
    pub created: i32,
    /// Skills whose level changed.
    pub updated: i32,
    /// Skills already set at that level.
    pub unchanged: i32,
}

/// One directory entry to import.
#[derive(InputObject)]
pub struct PersonInput {
    /// The HRIS key, unique in the organisation.
    pub employee_id: String,
    /// Display name.
    pub name: String,
    /// Work e-mail.
    pub email: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Seniority band 1-15.
    pub level: i32,
    /// The manager's employee id (may arrive in a later batch).
    pub manager_employee_id: Option<String>,
    /// Self-declared generation.
    pub generation: Option<Generation>,
    /// First day of employment.
    pub hired_on: Option<NaiveDate>,
    /// Last day of employment, for people who already left.
    pub left_on: Option<NaiveDate>,
}

/// Filters for `people`; combined with AND.
#[derive(InputObject, Default)]
pub struct PeopleFilterInput {
    /// Exact department.
    pub department: Option<String>,
    /// Exact level.
    pub level: Option<i32>,
    /// Generation.
    pub generation: Option<Generation>,
    /// Employment status.
    pub employment_status: Option<EmploymentStatus>,
    /// Case-insensitive part of the name.
    pub name_contains: Option<String>,
}

/// What `upsertPeople` did.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct UpsertPeoplePayload {
    /// New entries.
    pub created: i32,
    /// Entries that changed.
    pub updated: i32,
    /// Entries that were already identical.
    pub unchanged: i32,
    #[graphql(skip)]
    pub rows: Vec<person::Model>,
}

#[ComplexObject]
impl UpsertPeoplePayload {
    /// Every person of the batch, in batch order.
    async fn people(&self) -> Vec<Person> {
        self.rows.iter().cloned().map(Person::from).collect()
    }
}

/// Directory queries.
#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// The directory, filtered and paginated by id.
    #[allow(clippy::too_many_arguments)]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PeopleFilterInput>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<Person>> {
        access::viewer(ctx).require(READERS, "listing people")?;
        let filter = filter.unwrap_or_default();
        let filter = PeopleFilter {
            department: filter.department,
            level: filter.level,
            generation: filter.generation.map(Into::into),
            status: filter.employment_status.map(Into::into),
            name_contains: filter.name_contains,
        };
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::Person)?;
        let page = access::scoped(ctx).people(&filter, request).await?;
        Ok(connection(page, Kind::Person, |row| row.id, Person::from))
    }

    /// One person by global id or employee id.
    async fn person(&self, ctx: &Context<'_>, id: Option<ID>, employee_id: Option<String>) -> Result<Person> {
        let id = match (id, employee_id) {
            (Some(id), None) => Ok(ids::decode("id", &id, Kind::Person)?),
            (None, Some(employee_id)) => Err(employee_id),
            _ => return Err(Error::BadInput("pass exactly one of id or employeeId".into())),
        };
        let viewer = access::viewer(ctx);
        if !viewer.has_any(READERS) {
            // Decide before looking anything up, so the answer does not reveal who exists.
            viewer.require(&[Role::Participant], "reading people")?;
            let own = access::own_person(ctx).await?;
            return match id {
                Ok(id) if id == own.id => Ok(Person::from(own)),
                Err(employee_id) if employee_id == own.employee_id => Ok(Person::from(own)),
                _ => Err(Error::Forbidden("participants can read their own profile only".into())),
            };
        }
        let store = access::scoped(ctx);
        let row = match id {
            Ok(id) => store.person(id).await?,
            Err(employee_id) => store.person_by_employee_id(&employee_id).await?,
        };
        row.map(Person::from).ok_or_else(|| Error::not_found("person"))
    }
}

/// Directory changes.
#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Imports up to 1,000 people by employee id, all or nothing; sending the same batch again changes nothing.
    async fn upsert_people(&self, ctx: &Context<'_>, people: Vec<PersonInput>) -> Result<UpsertPeoplePayload> {
        access::viewer(ctx).require(&[Role::Admin], "importing people")?;
        check_batch_size("people", people.len())?;
        let mut records = Vec::with_capacity(people.len());
        let mut seen = std::collections::HashSet::new();
        for (index, input) in people.into_iter().enumerate() {
            let record =
                draft_of(input).validate().map_err(|error| Error::BadInput(format!("people[{index}]: {error}")))?;
            if !seen.insert(record.employee_id.clone()) {
                return Err(Error::BadInput(format!(
                    "people[{index}]: employee {} appears twice in the batch",
                    record.employee_id
                )));
            }
            records.push(record);
        }
        let summary = access::scoped(ctx).upsert_people(records).await?;
        Ok(UpsertPeoplePayload {
            created: summary.created as i32,
            updated: summary.updated as i32,
            unchanged: summary.unchanged as i32,
            rows: summary.people,
        })
    }

    /// Records a person's last working day. A past day takes effect at once (status LEFT, running
    /// relationships ended ENDED_EARLY / LEFT_COMPANY on that day); today or later is a notice
    /// period: the person stays employed and matched until then, and it can be moved or cancelled.
    async fn record_departure(&self, ctx: &Context<'_>, person_id: ID, left_on: NaiveDate) -> Result<Person> {
        access::viewer(ctx).require(&[Role::Admin], "recording a departure")?;
        let id = ids::decode("personId", &person_id, Kind::Person)?;
        Ok(Person::from(access::scoped(ctx).record_departure(id, Some(left_on)).await?))
    }

    /// Cancels a departure that has not taken effect yet (the last day is today or later).
    async fn cancel_departure(&self, ctx: &Context<'_>, person_id: ID) -> Result<Person> {
        access::viewer(ctx).require(&[Role::Admin], "cancelling a departure")?;
        let id = ids::decode("personId", &person_id, Kind::Person)?;
        Ok(Person::from(access::scoped(ctx).record_departure(id, None).await?))
    }

    /// Sets a skill a person offers (level = proficiency) or wants (level = priority), 1-5.
    async fn set_person_skill(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
        skill_id: ID,
        relation: SkillRelation,
        level: i32,
    ) -> Result<PersonSkill> {
        let person_id = ids::decode("personId", &person_id, Kind::Person)?;
        let skill_id = ids::decode("skillId", &skill_id, Kind::Skill)?;
        access::require_self_or_manager(ctx, person_id, "changing skills").await?;
        let row = access::scoped(ctx).set_person_skill(person_id, skill_id, relation.into(), level).await?;
        Ok(PersonSkill(row))
    }

    /// Sets up to 1,000 skills that people offer or want (what an integration loading a skills
    /// inventory sends), all or nothing: one unknown person or skill, level out of range or
    /// repeated entry writes nothing and is named by its index. Sending the same batch again
    /// changes nothing.
    async fn set_person_skills(
        &self,
        ctx: &Context<'_>,
        skills: Vec<PersonSkillInput>,
    ) -> Result<SetPersonSkillsPayload> {
        access::viewer(ctx).require(&[Role::Admin], "importing skills")?;
        check_batch_size("skills", skills.len())?;
        let mut entries = Vec::with_capacity(skills.len());
        for (index, input) in skills.into_iter().enumerate() {
            entries.push(PersonSkillEntry {
                person_id: ids::decode(&format!("skills[{index}].personId"), &input.person_id, Kind::Person)?,
                skill_id: ids::decode(&format!("skills[{index}].skillId"), &input.skill_id, Kind::Skill)?,
                relation: input.relation.into(),
                level: input.level,
            });
        }
        let (created, updated, unchanged) = access::scoped(ctx).set_person_skills(&entries).await?;
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(SetPersonSkillsPayload { created: count(created), updated: count(updated), unchanged: count(unchanged) })
    }

    /// Removes a skill a person offered or wanted; returns whether there was one.
    async fn remove_person_skill(
        &self,
        ctx: &Context<'_>,
        person_id: ID,
        skill_id: ID,
        relation: SkillRelation,
    ) -> Result<bool> {
        let person_id = ids::decode("personId", &person_id, Kind::Person)?;
        let skill_id = ids::decode("skillId", &skill_id, Kind::Skill)?;
        access::require_self_or_manager(ctx, person_id, "changing skills").await?;
        access::scoped(ctx).remove_person_skill(person_id, skill_id, relation.into()).await
    }
}

fn draft_of(input: PersonInput) -> PersonDraft {
    PersonDraft {
        employee_id: input.employee_id,
        name: input.name,
        email: input.email,
        department: input.department,
        job_title: input.job_title,
        level: input.level,
        manager_employee_id: input.manager_employee_id,
        generation: input.generation.map(Into::into),
        hired_on: input.hired_on,
        left_on: input.left_on,
    }
}
