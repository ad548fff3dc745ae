//! `seed-demo`: a realistic demo organisation so a newcomer has something to query at once.
//!
//! Everything goes through the same org-scoped store as the API, so the demo data
//! is valid by the same rules and appears in the audit trail as `seed-demo`.

use chrono::{NaiveDate, Utc};

use crate::domain::enrollment::{EnrollmentRole, EnrollmentStatus};
use crate::domain::person::{Generation, PersonDraft, PersonRecord};
use crate::domain::program::{Objective, ObjectiveKind, ProgramDraft, ProgramKind, ProgramStatus};
use crate::domain::record::{ActionItem, MeetingDraft, MeetingFormat};
use crate::domain::relationship::PairSide;
use crate::domain::skill::{SkillCategory, SkillRelation};
use crate::error::Result;
use crate::store::enrollments::NewEnrollment;
use crate::store::entity::person;
use crate::store::programs::Lifecycle;
use crate::store::records::LearnedSkill;
use crate::store::skills::SkillFields;
use crate::store::{Scoped, Store};

const DEPARTMENTS: [&str; 8] =
    ["Engineering", "Marketing", "Sales", "Finance", "Operations", "People", "Legal", "Product"];
const FIRST: [&str; 25] = [
    "Ada", "Ben", "Chiara", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kofi", "Lena", "Mateo", "Nia",
    "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Yusuf", "Zoe",
];
const LAST: [&str; 8] = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Fischer", "Novak", "Silva", "Haddad"];

/// (name, category, offered by juniors?)
const SKILLS: [(&str, SkillCategory, bool); 20] = [
    ("Generative AI tools", SkillCategory::Technology, true),
    ("Prompt engineering", SkillCategory::Technology, true),
    ("Python for analysis", SkillCategory::Technology, true),
    ("LinkedIn personal branding", SkillCategory::SocialMedia, true),
    ("TikTok for business", SkillCategory::SocialMedia, true),
    ("Instagram storytelling", SkillCategory::SocialMedia, true),
    ("Collaborative docs and whiteboards", SkillCategory::DigitalTools, true),
    ("Async communication (Slack, Teams)", SkillCategory::DigitalTools, true),
    ("Inclusive language", SkillCategory::CultureAndInclusion, true),
    ("Gen Z workplace expectations", SkillCategory::CultureAndInclusion, true),
    ("Reading a P&L", SkillCategory::Business, false),
    ("Negotiation", SkillCategory::Business, false),
    ("Stakeholder management", SkillCategory::Business, false),
    ("Strategic planning", SkillCategory::Business, false),
    ("Delegation", SkillCategory::Leadership, false),
    ("Giving feedback", SkillCategory::Leadership, false),
    ("Regulatory landscape", SkillCategory::Industry, false),
    ("Customer history", SkillCategory::Industry, false),
    ("Executive presence", SkillCategory::Communication, false),
    ("Public speaking", SkillCategory::Communication, false),
];

/// What the seeding created.
#[derive(Debug)]
pub struct Seeded {
    /// People imported.
    pub people: usize,
    /// Catalogue skills.
    pub skills: usize,
    /// Programs.
    pub programs: usize,
    /// Enrolments.
    pub enrollments: usize,
    /// Running relationships, with a meeting and a learning each.
    pub matches: usize,
}

/// Fills `org` with the demo data; returns `None` if it already has programs.
pub async fn seed(store: &Store, org: &str) -> Result<Option<Seeded>> {
    let scoped = store.scoped(org, "seed-demo");
    let existing =
        scoped.programs(None, crate::store::page::PageRequest { first: Some(1), ..Default::default() }).await?;
    if !existing.items.is_empty() {
        return Ok(None);
    }
    let people = scoped.upsert_people(directory()).await?.people;
    let skills = catalogue(&scoped).await?;
    give_skills(&scoped, &people, &skills).await?;
    let (enrollments, running) = programs(&scoped, &people).await?;
    let matches = relationships(&scoped, running, &skills).await?;
    Ok(Some(Seeded { people: people.len(), skills: skills.len(), programs: 2, enrollments, matches }))
}

/// A small deterministic generator: the demo is the same on every machine.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

fn directory() -> Vec<PersonRecord> {
    let mut dice = Dice(7);
    let mut records = Vec::new();
    for (d, department) in DEPARTMENTS.iter().enumerate() {
        let head = format!("E{}", 1000 + d * 100);
        for n in 0..25 {
            let employee_id = format!("E{}", 1000 + d * 100 + n);
            let (level, manager) = match n {
                0 => (14, None),
                1..=3 => (10 + dice.roll(3) as i32, Some(head.clone())),
                _ => (1 + dice.roll(8) as i32, Some(format!("E{}", 1000 + d * 100 + 1 + (n % 3)))),
            };
            let generation = match level {
                1..=3 => [Generation::GenZ, Generation::GenZ, Generation::Millennial][dice.roll(3) as usize],
                4..=8 => [Generation::Millennial, Generation::GenZ, Generation::GenX][dice.roll(3) as usize],
                _ => [Generation::GenX, Generation::BabyBoomer, Generation::Millennial][dice.roll(3) as usize],
            };
            let first = FIRST[(d * 7 + n) % FIRST.len()];
            let last = LAST[(d + n * 3) % LAST.len()];
            let hired = NaiveDate::from_ymd_opt(2026 - (level / 2 + dice.roll(3) as i32), 1 + dice.roll(12) as u32, 1);
            let draft = PersonDraft {
                name: format!("{first} {last}"),
                email: Some(format!("{}.{}.{n}@acme.example", first.to_lowercase(), last.to_lowercase())),
                department: Some((*department).to_owned()),
                job_title: Some(title(level, department)),
                level,
                manager_employee_id: manager,
                generation: Some(generation),
                hired_on: hired,
                left_on: None,
                employee_id,
            };
            if let Ok(record) = draft.validate() {
                records.push(record);
            }
        }
    }
    records
}

fn title(level: i32, department: &str) -> String {
    match level {
        14.. => format!("Head of {department}"),
        10..=13 => format!("{department} Director"),
        6..=9 => format!("Senior {department} Specialist"),
        _ => format!("{department} Associate"),
    }
}

async fn catalogue(scoped: &Scoped<'_>) -> Result<Vec<(i64, bool)>> {
    let mut skills = Vec::new();
    for (name, category, junior) in SKILLS {
        let fields = SkillFields { name: name.to_owned(), category, external_uri: None };
        skills.push((scoped.create_skill(fields).await?.id, junior));
    }
    Ok(skills)
}

async fn give_skills(scoped: &Scoped<'_>, people: &[person::Model], skills: &[(i64, bool)]) -> Result<()> {
    let mut dice = Dice(11);
    let junior_skills: Vec<i64> = skills.iter().filter(|(_, junior)| *junior).map(|(id, _)| *id).collect();
    let senior_skills: Vec<i64> = skills.iter().filter(|(_, junior)| !*junior).map(|(id, _)| *id).collect();
    for person in people {
        let (offers, wants) =
            if person.level <= 6 { (&junior_skills, &senior_skills) } else { (&senior_skills, &junior_skills) };
        for (list, relation) in [(offers, SkillRelation::Offers), (wants, SkillRelation::Wants)] {
            let first = dice.roll(list.len() as u64) as usize;
            for step in 0..2 {
                let skill = list[(first + step * 3) % list.len()];
                scoped.set_person_skill(person.id, skill, relation, 2 + dice.roll(4) as i32).await?;
            }
        }
    }
    Ok(())
}

/// Creates the two programs; returns the enrolment count and the running program's id.
async fn programs(scoped: &Scoped<'_>, people: &[person::Model]) -> Result<(usize, i64)> {
    let digital = scoped
        .create_program(
            ProgramKind::Reverse,
            ProgramDraft {
                name: "Digital Fluency Reverse Mentoring 2027".into(),
                description: "Early-career colleagues coach leaders on AI tools, social media and new ways of working; leaders share business context back.".into(),
                starts_on: date(2027, 1, 11),
                ends_on: date(2027, 7, 9),
                relationship_months: 6,
                rules: ProgramKind::Reverse.default_rules(),
            },
            vec![
                Objective { kind: ObjectiveKind::RelationshipsFormed, target: 30.0, due_on: Some(date(2027, 2, 1)), window_months: None },
                Objective { kind: ObjectiveKind::MeetingsPerMonthPerMatch, target: 2.0, due_on: None, window_months: None },
                Objective { kind: ObjectiveKind::ParticipantRetention, target: 0.9, due_on: None, window_months: Some(12) },
            ],
        )
        .await?;
    scoped.change_lifecycle(digital.id, None, Lifecycle::MoveTo(ProgramStatus::Enrolling)).await?;
    let inclusion = scoped
        .create_program(
            ProgramKind::CulturalReverse,
            ProgramDraft {
                name: "Inclusive Leadership Circle".into(),
                description: "Colleagues from under-represented groups mentor senior leaders on culture and inclusion."
                    .into(),
                starts_on: date(2026, 9, 1),
                ends_on: date(2027, 2, 26),
                relationship_months: 6,
                rules: ProgramKind::CulturalReverse.default_rules(),
            },
            vec![Objective {
                kind: ObjectiveKind::AverageSatisfaction,
                target: 4.2,
                due_on: None,
                window_months: None,
            }],
        )
        .await?;
    scoped.change_lifecycle(inclusion.id, None, Lifecycle::MoveTo(ProgramStatus::Enrolling)).await?;
    let juniors: Vec<&person::Model> = people.iter().filter(|person| person.level <= 4).collect();
    let seniors: Vec<&person::Model> = people.iter().filter(|person| person.level >= 9).collect();
    let skip = 30.min(juniors.len());
    let mut count = enrol_all(scoped, digital.id, &juniors[..skip], &seniors[..30.min(seniors.len())]).await?;
    let circle_mentors = &juniors[skip..(skip + 12).min(juniors.len())];
    let circle_mentees = &seniors[seniors.len().saturating_sub(12)..];
    count += enrol_all(scoped, inclusion.id, circle_mentors, circle_mentees).await?;
    scoped.change_lifecycle(inclusion.id, None, Lifecycle::MoveTo(ProgramStatus::Active)).await?;
    Ok((count, inclusion.id))
}

/// Pairs the running program optimally, approves every pair, and gives each a meeting and a learning.
async fn relationships(scoped: &Scoped<'_>, program_id: i64, skills: &[(i64, bool)]) -> Result<usize> {
    let run = scoped.propose_matches(program_id, false).await?;
    for (n, proposal) in run.stored.iter().enumerate() {
        let pair = scoped.decide_match(proposal.id, true, None).await?;
        let meeting = MeetingDraft {
            // Relationships start on the day of seeding, and a meeting lies within its relationship.
            held_at: Utc::now(),
            minutes: 30 + 15 * (n as i32 % 3),
            format: [MeetingFormat::Video, MeetingFormat::InPerson, MeetingFormat::Chat][n % 3],
            agenda: "Goals for the relationship; first hands-on session".into(),
            notes: "Agreed to meet every other week.".into(),
            action_items: vec![ActionItem { text: "Share one thing learned with the team".into(), done: n % 2 == 0 }],
        };
        scoped.log_meeting(pair.id, meeting).await?;
        let (skill, _) = skills[n % skills.len()];
        let learner = if n % 2 == 0 { PairSide::Mentee } else { PairSide::Mentor };
        let learned = scoped
            .record_learning(pair.id, learner, LearnedSkill::Existing(skill), "", Some(pair.mentor_person_id))
            .await?;
        if n % 3 == 0 {
            scoped.confirm_learning(learned.id, pair.mentee_person_id).await?;
        }
    }
    Ok(run.stored.len())
}

async fn enrol_all(
    scoped: &Scoped<'_>,
    program_id: i64,
    mentors: &[&person::Model],
    mentees: &[&person::Model],
) -> Result<usize> {
    let mut batch = Vec::new();
    for (role, group) in [(EnrollmentRole::Mentor, mentors), (EnrollmentRole::Mentee, mentees)] {
        for person in group {
            batch.push(NewEnrollment {
                person_id: person.id,
                role,
                capacity: None,
                goals: Some(match role {
                    EnrollmentRole::Mentor => "Learn how the business is run; build a senior network.".into(),
                    EnrollmentRole::Mentee => "Get fluent with the tools my teams use every day.".into(),
                }),
                status: EnrollmentStatus::Accepted,
            });
        }
    }
    Ok(scoped.enroll_people(program_id, batch).await?.len())
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}
