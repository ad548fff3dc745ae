//! Records of a relationship: meetings (versioned edits), skills learned (recorded by one
//! side, confirmed by the other) and feedback (the latest per person and month counts).

use super::OneOf;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde_json::json;

use super::audit::Change;
use super::entity::{feedback, learning, matched_pair, meeting, person, skill};
use super::{Scoped, now, parse_stored, today};
use crate::domain::record::{self, MeetingDraft};
use crate::domain::relationship::{MatchStatus, PairSide};
use crate::domain::skill::{SkillCategory, name_key, skill_name};
use crate::domain::timeline::{self, ActiveDays, Party};
use crate::error::{Error, Result};

/// The skill a learning is about: from the catalogue, or a new name added to it.
#[derive(Debug, Clone)]
pub enum LearnedSkill {
    /// A catalogue skill.
    Existing(i64),
    /// A skill not yet in the catalogue.
    New { name: String, category: SkillCategory },
}

impl Scoped<'_> {
    /// Logs a meeting of a relationship that has started.
    pub async fn log_meeting(&self, match_id: i64, draft: MeetingDraft) -> Result<meeting::Model> {
        let mut logged = self.log_all(vec![(match_id, draft)], |_| String::new()).await?;
        logged.pop().map(|(row, _)| row).ok_or_else(|| Error::Internal("a logged meeting went missing".into()))
    }

    /// Logs meetings of the organisation's relationships (what an integration brings from
    /// calendars) in one transaction, each under `logMeeting`'s rules: the first entry that breaks
    /// one is named by its index (`meetings[3]: ...`) and nothing is written. Gives each meeting
    /// with its relationship.
    pub async fn log_meetings(
        &self,
        batch: Vec<(i64, MeetingDraft)>,
    ) -> Result<Vec<(meeting::Model, matched_pair::Model)>> {
        self.log_all(batch, |index| format!("meetings[{index}]: ")).await
    }

    async fn log_all(
        &self,
        batch: Vec<(i64, MeetingDraft)>,
        label: impl Fn(usize) -> String,
    ) -> Result<Vec<(meeting::Model, matched_pair::Model)>> {
        let at = Utc::now();
        let txn = self.begin().await?;
        let mut logged = Vec::with_capacity(batch.len());
        for (index, (match_id, draft)) in batch.into_iter().enumerate() {
            let entry = self.log_meeting_in(&txn, match_id, draft, at).await;
            logged.push(entry.map_err(|error| error.about(&label(index)))?);
        }
        txn.commit().await?;
        Ok(logged)
    }

    async fn log_meeting_in(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        match_id: i64,
        draft: MeetingDraft,
        at: chrono::DateTime<Utc>,
    ) -> Result<(meeting::Model, matched_pair::Model)> {
        let draft = draft.validate(at)?;
        let pair = self.match_in(txn, match_id).await?.ok_or_else(|| Error::not_found("match"))?;
        self.check_meeting_dates(txn, &pair, &draft).await?;
        let mut active = meeting::ActiveModel {
            org_id: Set(self.org.to_owned()),
            match_id: Set(match_id),
            logged_by: Set(self.actor.to_owned()),
            version: Set(1),
            created_at: Set(now()),
            ..Default::default()
        };
        fill(&mut active, &draft)?;
        let row = active.insert(txn).await?;
        let details = json!({ "matchId": match_id, "heldAt": row.held_at, "minutes": row.minutes });
        self.audit(txn, Change { action: "meeting.log", entity_type: "Meeting", entity_id: Some(row.id), details })
            .await?;
        Ok((row, pair))
    }

    /// Rewrites a meeting if nobody changed it since `expected_version`.
    pub async fn update_meeting(&self, id: i64, expected_version: i32, draft: MeetingDraft) -> Result<meeting::Model> {
        let draft = draft.validate(Utc::now())?;
        let txn = self.begin().await?;
        let row = self.meeting_in(&txn, id).await?.ok_or_else(|| Error::not_found("meeting"))?;
        let pair = self.match_in(&txn, row.match_id).await?.ok_or_else(|| Error::not_found("match"))?;
        self.check_meeting_dates(&txn, &pair, &draft).await?;
        let mut active = row.clone().into_active_model();
        fill(&mut active, &draft)?;
        active.version = Set(expected_version + 1);
        let written = meeting::Entity::update_many()
            .set(active)
            .filter(meeting::Column::Id.eq(id))
            .filter(meeting::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if written.rows_affected == 0 {
            return Err(stale_meeting(expected_version, row.version));
        }
        let details = json!({ "matchId": row.match_id, "version": expected_version + 1 });
        self.audit(&txn, Change { action: "meeting.update", entity_type: "Meeting", entity_id: Some(id), details })
            .await?;
        let row = self.meeting_in(&txn, id).await?.ok_or_else(|| Error::not_found("meeting"))?;
        txn.commit().await?;
        Ok(row)
    }

    /// Deletes a meeting if nobody changed it since `expected_version`.
    pub async fn delete_meeting(&self, id: i64, expected_version: i32) -> Result<()> {
        let txn = self.begin().await?;
        let row = self.meeting_in(&txn, id).await?.ok_or_else(|| Error::not_found("meeting"))?;
        let pair = self.match_in(&txn, row.match_id).await?.ok_or_else(|| Error::not_found("match"))?;
        record_window(&pair)?;
        let deleted = meeting::Entity::delete_many()
            .filter(meeting::Column::Id.eq(id))
            .filter(meeting::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(stale_meeting(expected_version, row.version));
        }
        let details = json!({ "matchId": row.match_id, "heldAt": row.held_at, "minutes": row.minutes });
        self.audit(&txn, Change { action: "meeting.delete", entity_type: "Meeting", entity_id: Some(id), details })
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records that one side learned a skill; `recorder` is the person recording, if a participant.
    pub async fn record_learning(
        &self,
        match_id: i64,
        learner: PairSide,
        skill: LearnedSkill,
        note: &str,
        recorder: Option<i64>,
    ) -> Result<learning::Model> {
        let note = record::learning_note(note)?;
        let txn = self.begin().await?;
        let pair = self.match_in(&txn, match_id).await?.ok_or_else(|| Error::not_found("match"))?;
        record_window(&pair)?;
        let skill_id = match skill {
            LearnedSkill::Existing(id) => self.skill_in(&txn, id).await?.ok_or_else(|| Error::not_found("skill"))?.id,
            LearnedSkill::New { name, category } => self.skill_named(&txn, &skill_name(&name)?, category).await?,
        };
        let learner_person = match learner {
            PairSide::Mentor => pair.mentor_person_id,
            PairSide::Mentee => pair.mentee_person_id,
        };
        let row = learning::ActiveModel {
            org_id: Set(self.org.to_owned()),
            match_id: Set(match_id),
            learner_person_id: Set(learner_person),
            learner_side: Set(learner.as_str().to_owned()),
            skill_id: Set(skill_id),
            note: Set(note),
            recorded_by_person_id: Set(recorder),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let details = json!({ "matchId": match_id, "learner": learner.as_str(), "skillId": skill_id });
        self.audit(
            &txn,
            Change { action: "learning.record", entity_type: "Learning", entity_id: Some(row.id), details },
        )
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// The other side confirms a learning; the recorder cannot confirm their own record.
    pub async fn confirm_learning(&self, id: i64, confirmer: i64) -> Result<learning::Model> {
        let txn = self.begin().await?;
        let row = self.learning_in(&txn, id).await?.ok_or_else(|| Error::not_found("learning"))?;
        if row.confirmed_at.is_some() {
            return Err(Error::IllegalTransition("this learning is already confirmed".into()));
        }
        if row.recorded_by_person_id == Some(confirmer) {
            return Err(Error::Forbidden("the other side of the pair confirms what you recorded".into()));
        }
        let pair = self.match_in(&txn, row.match_id).await?.ok_or_else(|| Error::not_found("match"))?;
        record_window(&pair)?;
        let mut active = row.into_active_model();
        active.confirmed_by_person_id = Set(Some(confirmer));
        active.confirmed_at = Set(Some(now()));
        let row = active.update(&txn).await?;
        let details = json!({ "matchId": row.match_id, "confirmedBy": confirmer });
        self.audit(&txn, Change { action: "learning.confirm", entity_type: "Learning", entity_id: Some(id), details })
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Stores one feedback submission from a side of the pair.
    pub async fn submit_feedback(
        &self,
        match_id: i64,
        respondent: i64,
        satisfaction: i32,
        confidence: i32,
        comment: &str,
    ) -> Result<feedback::Model> {
        let satisfaction = record::rating("satisfaction", satisfaction)?;
        let confidence = record::rating("confidence", confidence)?;
        let comment = crate::domain::text::limited("comment", comment.trim(), 2_000)?;
        let txn = self.begin().await?;
        let pair = self.match_in(&txn, match_id).await?.ok_or_else(|| Error::not_found("match"))?;
        record_window(&pair)?;
        let at = now();
        let row = feedback::ActiveModel {
            org_id: Set(self.org.to_owned()),
            match_id: Set(match_id),
            respondent_person_id: Set(respondent),
            period: Set(record::feedback_period(at)),
            satisfaction: Set(satisfaction as i16),
            confidence: Set(confidence as i16),
            comment: Set(comment),
            submitted_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let details = json!({ "matchId": match_id, "satisfaction": satisfaction, "confidence": confidence });
        self.audit(
            &txn,
            Change { action: "feedback.submit", entity_type: "Feedback", entity_id: Some(row.id), details },
        )
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// A meeting is written within the record window and dated within the relationship's active
    /// days and both people's employment.
    async fn check_meeting_dates(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        pair: &matched_pair::Model,
        draft: &MeetingDraft,
    ) -> Result<()> {
        let days = record_window(pair)?;
        let party = |side, person: Option<person::Model>| {
            person
                .map(|person| Party { side, employment: person.employment() })
                .ok_or_else(|| Error::not_found("person"))
        };
        let mentor = party("mentor", self.person_in(txn, pair.mentor_person_id).await?)?;
        let mentee = party("mentee", self.person_in(txn, pair.mentee_person_id).await?)?;
        timeline::check_meeting_day(draft.held_at.date_naive(), days, [mentor, mentee], today())?;
        Ok(())
    }

    async fn skill_named<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        name: &str,
        category: SkillCategory,
    ) -> Result<i64> {
        let existing = skill::Entity::find()
            .filter(skill::Column::OrgId.eq(self.org))
            .filter(skill::Column::NameKey.eq(name_key(name)))
            .one(db)
            .await?;
        if let Some(existing) = existing {
            return Ok(existing.id);
        }
        let row = skill::ActiveModel {
            org_id: Set(self.org.to_owned()),
            name: Set(name.to_owned()),
            name_key: Set(name_key(name)),
            category: Set(category.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let details = json!({ "name": row.name, "category": row.category, "via": "learning" });
        self.audit(db, Change { action: "skill.create", entity_type: "Skill", entity_id: Some(row.id), details })
            .await?;
        Ok(row.id)
    }

    async fn meeting_in<C: sea_orm::ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<meeting::Model>> {
        Ok(meeting::Entity::find_by_id(id).filter(meeting::Column::OrgId.eq(self.org)).one(db).await?)
    }

    async fn learning_in<C: sea_orm::ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<learning::Model>> {
        Ok(learning::Entity::find_by_id(id).filter(learning::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// One meeting.
    pub async fn meeting(&self, id: i64) -> Result<Option<meeting::Model>> {
        self.meeting_in(self.db, id).await
    }

    /// One feedback submission.
    pub async fn feedback(&self, id: i64) -> Result<Option<feedback::Model>> {
        Ok(feedback::Entity::find_by_id(id).filter(feedback::Column::OrgId.eq(self.org)).one(self.db).await?)
    }

    /// One learning.
    pub async fn learning(&self, id: i64) -> Result<Option<learning::Model>> {
        self.learning_in(self.db, id).await
    }

    /// Meetings of these matches, newest first (then the later logged first, so pages of them
    /// are stable), for the DataLoader.
    pub async fn meetings_of(&self, match_ids: &[i64]) -> Result<Vec<meeting::Model>> {
        self.lookup(
            meeting::Entity::find()
                .filter(meeting::Column::OrgId.eq(self.org))
                .filter(meeting::Column::MatchId.one_of(self.backend(), match_ids.iter().copied()))
                .order_by_desc(meeting::Column::HeldAt)
                .order_by_desc(meeting::Column::Id),
        )
        .await
    }

    /// Learnings of these matches, for the DataLoader.
    pub async fn learnings_of(&self, match_ids: &[i64]) -> Result<Vec<learning::Model>> {
        self.lookup(
            learning::Entity::find()
                .filter(learning::Column::OrgId.eq(self.org))
                .filter(learning::Column::MatchId.one_of(self.backend(), match_ids.iter().copied()))
                .order_by_asc(learning::Column::Id),
        )
        .await
    }

    /// Feedback of these matches, oldest first by `submitted_at` then id, for the DataLoader
    /// (which keeps the latest per person and month).
    pub async fn feedback_of(&self, match_ids: &[i64]) -> Result<Vec<feedback::Model>> {
        self.lookup(
            feedback::Entity::find()
                .filter(feedback::Column::OrgId.eq(self.org))
                .filter(feedback::Column::MatchId.one_of(self.backend(), match_ids.iter().copied()))
                .order_by_asc(feedback::Column::SubmittedAt)
                .order_by_asc(feedback::Column::Id),
        )
        .await
    }

    /// A person's relationships (not proposals), across programs.
    pub async fn relationships_of(&self, person_id: i64) -> Result<Vec<matched_pair::Model>> {
        let statuses = [MatchStatus::Active, MatchStatus::Completed, MatchStatus::EndedEarly].map(MatchStatus::as_str);
        Ok(matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::Status.is_in(statuses))
            .filter(
                sea_orm::Condition::any()
                    .add(matched_pair::Column::MentorPersonId.eq(person_id))
                    .add(matched_pair::Column::MenteePersonId.eq(person_id)),
            )
            .order_by_asc(matched_pair::Column::Id)
            .all(self.db)
            .await?)
    }
}

/// Writes a checked meeting into a row.
pub(crate) fn fill(active: &mut meeting::ActiveModel, draft: &MeetingDraft) -> Result<()> {
    active.held_at = Set(draft.held_at);
    active.minutes = Set(draft.minutes);
    active.format = Set(draft.format.as_str().to_owned());
    active.agenda = Set(draft.agenda.clone());
    active.notes = Set(draft.notes.clone());
    active.action_items =
        Set(serde_json::to_string(&draft.action_items).map_err(|error| Error::Internal(error.to_string()))?);
    active.updated_at = Set(now());
    Ok(())
}

/// Records belong to relationships that started (running or finished), not to proposals, and
/// are written within the one window `timeline::check_record_window` defines.
fn record_window(pair: &matched_pair::Model) -> Result<ActiveDays> {
    let status: MatchStatus = parse_stored(&pair.status)?;
    let started_on = pair.started_on.filter(|_| status.was_relationship()).ok_or_else(|| {
        Error::IllegalTransition(format!("this match is {status}; records start once it is approved"))
    })?;
    let days = ActiveDays { started_on, ended_on: pair.ended_on };
    timeline::check_record_window(days, today())?;
    Ok(days)
}

fn stale_meeting(expected: i32, actual: i32) -> Error {
    Error::Conflict(format!(
        "the meeting changed since you read it (you sent version {expected}, it is at {actual}); reload and retry"
    ))
}
