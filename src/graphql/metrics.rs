//! Outcome metrics for analysts, coordinators and admins (README, "Outcome metrics"), and the
//! organisation setting that keeps small groups from being singled out.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::NaiveDate;

use super::access::{self, READERS};
use super::enums::{
    ObjectiveKind as GqlObjectiveKind, PairSide, ProgramKind as GqlProgramKind, ProgramStatus as GqlProgramStatus,
};
use super::ids::{self, Kind};
use crate::auth::Role;
use crate::domain::metrics::{self, DEFAULT_HORIZONS};
use crate::domain::program::ObjectiveKind;
use crate::domain::relationship;
use crate::error::{Error, Result};
use crate::store::Scoped;
use crate::store::entity::program;
use crate::store::metrics::{
    CadenceCounts, ComparisonCounts, Dimension, LearningCounts, LearningKey, RetentionCounts, SatisfactionCounts,
    comparison_cells, retention_cells,
};

/// The organisation's settings.
#[derive(SimpleObject)]
pub struct OrgSettings {
    /// Metrics about fewer distinct people than this are suppressed (at least 3; default 5).
    min_group_size: i32,
    /// How training records name people: ACCOUNT (employee id; the default) or MBOX (e-mail).
    training_record_actor: TrainingRecordActor,
}

/// How training records name people.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::xapi::ActorForm")]
pub enum TrainingRecordActor {
    Account,
    Mbox,
}

impl From<crate::store::settings::OrgSettings> for OrgSettings {
    fn from(settings: crate::store::settings::OrgSettings) -> OrgSettings {
        OrgSettings { min_group_size: settings.min_group_size, training_record_actor: settings.xapi_actor.into() }
    }
}

/// Retention of participants at one horizon.
#[derive(SimpleObject)]
pub struct RetentionFigure {
    /// Months after each participant's anchor (the start of their first relationship in the program).
    months: i32,
    /// Participants whose anchor + months is on or before `asOf`.
    observable: Option<i64>,
    /// Of those, employed on anchor + months.
    retained: Option<i64>,
    /// retained / observable.
    rate: Option<f64>,
    /// Fewer than `minGroupSize` observable participants: the numbers are withheld.
    suppressed: bool,
    /// The same per side (a lone small side takes the other with it while the total shows).
    by_role: Vec<RoleRetention>,
}

/// Retention of one side.
#[derive(SimpleObject)]
pub struct RoleRetention {
    /// MENTOR or MENTEE.
    role: PairSide,
    /// Observable participants on this side.
    observable: Option<i64>,
    /// Of those, retained.
    retained: Option<i64>,
    /// retained / observable.
    rate: Option<f64>,
    /// Withheld to protect a small group.
    suppressed: bool,
}

/// Participants' retention against people like them who did not take part (same department,
/// level band, tenure band on the anchor and generation), with a 95% interval.
#[derive(SimpleObject)]
pub struct MatchedComparisonFigure {
    /// Months after each participant's anchor.
    months: i32,
    /// Observable participants with at least one comparable non-participant.
    matched: Option<i64>,
    /// Observable participants with none (left out).
    unmatched: Option<i64>,
    /// Mean of retained(p) over the matched.
    participant_rate: Option<f64>,
    /// Mean of r(p): each matched participant's comparison set's share still employed.
    comparison_rate: Option<f64>,
    /// participantRate - comparisonRate (the mean of d(p)).
    difference: Option<f64>,
    /// difference - 1.96 s / √n (null below 2 matched).
    interval_low: Option<f64>,
    /// difference + 1.96 s / √n.
    interval_high: Option<f64>,
    /// All non-participants employed on the program's first day who are still employed `months` later.
    crude_rate: Option<f64>,
    /// Fewer than `minGroupSize` matched participants: withheld (the crude rate follows its own group).
    suppressed: bool,
}

/// How often pairs met.
#[derive(SimpleObject)]
pub struct CadenceFigure {
    /// Relationships that started on or before `asOf`.
    relationships: Option<i64>,
    /// Meetings held on or before `asOf`.
    meetings: Option<i64>,
    /// Their hours.
    hours: Option<f64>,
    /// Active months (active days / 30.4375), summed over relationships.
    active_months: Option<f64>,
    /// meetings / activeMonths.
    meetings_per_active_month: Option<f64>,
    /// hours / activeMonths.
    hours_per_active_month: Option<f64>,
    /// Relationships with at least 30 active days.
    eligible_relationships: Option<i64>,
    /// Meetings per active month each should reach: the MEETINGS_PER_MONTH_PER_MATCH objective, else 1.
    target: f64,
    /// Share of the eligible relationships whose own meetings per active month reach the target.
    share_reaching_target: Option<f64>,
    /// Fewer than `minGroupSize` people in these relationships: withheld.
    suppressed: bool,
}

/// What participants said, from each person's latest answer per relationship.
#[derive(SimpleObject)]
pub struct SatisfactionFigure {
    /// Latest answers counted (one per person and relationship).
    answers: Option<i64>,
    /// Distinct people who answered.
    respondents: Option<i64>,
    /// Mean satisfaction, 1-5.
    average_satisfaction: Option<f64>,
    /// Mean confidence, 1-5.
    average_confidence: Option<f64>,
    /// Share of answers with satisfaction 4 or 5.
    share_satisfied: Option<f64>,
    /// Share of answers with confidence 4 or 5.
    share_confident: Option<f64>,
    /// Fewer than `minGroupSize` respondents: withheld.
    suppressed: bool,
}

/// What was learned in the program's relationships (by either side: reverse mentoring is two-way).
#[derive(SimpleObject)]
pub struct SkillsLearnedFigure {
    /// Learnings recorded on or before `asOf`.
    recorded: Option<i64>,
    /// Of those, confirmed by the other side on or before `asOf`.
    confirmed: Option<i64>,
    /// Distinct people who learned.
    learners: Option<i64>,
    /// Fewer than `minGroupSize` learners: withheld.
    suppressed: bool,
    /// Per side (MENTOR, MENTEE).
    by_side: Vec<LearningCell>,
    /// Per skill category.
    by_category: Vec<LearningCell>,
    /// Per skill (by name).
    by_skill: Vec<LearningCell>,
    /// Confirmed learnings per mentee within the SKILLS_LEARNED_PER_MENTEE objective's window;
    /// null when the program has no such objective.
    per_mentee: Option<PerMenteeFigure>,
}

/// Learnings of one cell of a breakdown.
#[derive(SimpleObject)]
pub struct LearningCell {
    /// The side, category or skill name.
    key: String,
    /// Learnings recorded.
    recorded: Option<i64>,
    /// Of those, confirmed.
    confirmed: Option<i64>,
    /// Distinct learners.
    learners: Option<i64>,
    /// Withheld to protect a small group.
    suppressed: bool,
}

/// Learnings per mentee against the program's objective.
#[derive(SimpleObject)]
pub struct PerMenteeFigure {
    /// Months after each mentee's anchor that count (both ends).
    window_months: i32,
    /// Confirmed learnings each mentee should reach.
    target: f64,
    /// Mentees whose anchor + window is on or before `asOf`.
    observable: Option<i64>,
    /// Mean confirmed learnings per observable mentee.
    mean: Option<f64>,
    /// Share of observable mentees who reached the target.
    share_reaching_target: Option<f64>,
    /// Fewer than `minGroupSize` observable mentees: withheld.
    suppressed: bool,
}

/// An objective of the program, measured.
#[derive(SimpleObject)]
pub struct ObjectiveProgress {
    /// What it measures.
    kind: GqlObjectiveKind,
    /// The value to reach.
    target: f64,
    /// The figure its kind names, as of `asOf` (null while nothing is observable or the group is too small).
    actual: Option<f64>,
    /// Its `dueOn`, else the program's `endsOn`.
    due_on: NaiveDate,
    /// MET, MISSED, ON_TRACK, AT_RISK or NO_DATA.
    status: GqlObjectiveStatus,
}

/// Where an objective stands.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "metrics::ObjectiveStatus", name = "ObjectiveStatus")]
pub enum GqlObjectiveStatus {
    /// Reached (a count: at any time; a rate: on its due day or after).
    Met,
    /// The due day passed without reaching it.
    Missed,
    /// Before the due day, at or above the line to the target.
    OnTrack,
    /// Before the due day, below that line.
    AtRisk,
    /// Nothing observable yet, or the group is too small to show.
    NoData,
}

/// A program's outcomes as of a day; each figure is computed when asked for.
pub struct ProgramMetrics {
    /// The programs measured together (one for `programMetrics`).
    programs: Vec<i64>,
    /// The one program of `programMetrics`, whose objectives are measured.
    program: Option<program::Model>,
    /// The earliest first day of the programs (series and the crude rate start there).
    starts_on: NaiveDate,
    as_of: NaiveDate,
    horizons: Vec<i32>,
    min_group_size: i64,
    /// Counts more than one field needs (the totals, the objectives), each read once per request.
    shared: Shared,
}

/// What several fields of one `ProgramMetrics` read, computed by whichever asks first.
#[derive(Default)]
struct Shared {
    objectives: tokio::sync::OnceCell<Vec<crate::store::entity::objective::Model>>,
    retention: tokio::sync::OnceCell<Vec<RetentionCounts>>,
    cadence: tokio::sync::OnceCell<CadenceCounts>,
    comparison: tokio::sync::OnceCell<Vec<ComparisonCounts>>,
    satisfaction: tokio::sync::OnceCell<SatisfactionCounts>,
}

#[Object]
impl ProgramMetrics {
    /// The program (null for `orgMetrics`).
    async fn program_id(&self) -> Option<ID> {
        self.program.as_ref().map(|program| ids::encode(Kind::Program, program.id))
    }
    /// How many programs are measured together.
    async fn programs(&self) -> usize {
        self.programs.len()
    }
    /// The day evaluated: only what happened on or before it counts.
    async fn as_of(&self) -> NaiveDate {
        self.as_of
    }
    /// The smallest group shown.
    async fn min_group_size(&self) -> i64 {
        self.min_group_size
    }
    /// Participant retention at each horizon.
    async fn retention(&self, ctx: &Context<'_>) -> Result<Vec<RetentionFigure>> {
        let store = access::scoped(ctx);
        let mut figures = Vec::with_capacity(self.horizons.len());
        for months in &self.horizons {
            figures.push(self.retention_at(&store, *months).await?);
        }
        Ok(figures)
    }
    /// Retention against a matched comparison group at each horizon.
    async fn matched_comparison(&self, ctx: &Context<'_>) -> Result<Vec<MatchedComparisonFigure>> {
        let rows = comparison_cells(self.comparison(&access::scoped(ctx)).await?, None);
        Ok(self
            .horizons
            .iter()
            .map(|months| {
                let counts = rows.iter().find(|row| row.months == *months).cloned().unwrap_or_default();
                let shown = counts.matched >= self.min_group_size;
                comparison_figure(*months, &counts, shown, counts.crude_base >= self.min_group_size)
            })
            .collect())
    }
    /// Meeting cadence.
    async fn cadence(&self, ctx: &Context<'_>) -> Result<CadenceFigure> {
        self.cadence_figure(&access::scoped(ctx)).await
    }
    /// Skills learned, both ways.
    async fn skills_learned(&self, ctx: &Context<'_>) -> Result<SkillsLearnedFigure> {
        let store = access::scoped(ctx);
        let (program, as_of, min) = (&self.programs[..], self.as_of, self.min_group_size);
        let keys = [LearningKey::Total, LearningKey::Side, LearningKey::Category, LearningKey::Skill];
        let [total, mut sides, categories, skills]: [Vec<LearningCounts>; 4] = store
            .learning_counts(program, as_of, &keys)
            .await?
            .try_into()
            .map_err(|_| Error::Internal("learnings: one list per key".into()))?;
        let total = total.into_iter().next().unwrap_or_default();
        let shown = total.learners >= min;
        for side in [relationship::PairSide::Mentor, relationship::PairSide::Mentee] {
            if !sides.iter().any(|cell| cell.key == side.as_str()) {
                sides.push(LearningCounts { key: side.as_str().to_owned(), ..Default::default() });
            }
        }
        sides.sort_by(|a, b| b.key.cmp(&a.key));
        let objectives = self.objectives_of(&store).await?;
        let objective =
            objectives.iter().find(|objective| objective.kind == ObjectiveKind::SkillsLearnedPerMentee.as_str());
        let per_mentee = match objective {
            Some(objective) => {
                Some(self.per_mentee_figure(&store, objective.window_months.unwrap_or(6), objective.target).await?)
            }
            None => None,
        };
        Ok(SkillsLearnedFigure {
            recorded: shown.then_some(total.recorded),
            confirmed: shown.then_some(total.confirmed),
            learners: shown.then_some(total.learners),
            suppressed: !shown,
            by_side: learning_cells(sides, min, shown),
            by_category: learning_cells(categories, min, shown),
            by_skill: learning_cells(skills, min, shown),
            per_mentee,
        })
    }
    /// Satisfaction and confidence.
    async fn satisfaction(&self, ctx: &Context<'_>) -> Result<SatisfactionFigure> {
        self.satisfaction_figure(&access::scoped(ctx)).await
    }
    /// Every figure per department, generation, level band or role. A figure about people counts
    /// each person in their own cell; cadence counts each relationship in the cell of each of its
    /// two people, so cells need not add up to the total. Each figure's small cells are withheld.
    async fn breakdown(&self, ctx: &Context<'_>, by: GqlDimension) -> Result<Vec<MetricsCell>> {
        self.cells(&access::scoped(ctx), by.into()).await
    }
    /// Activity per month or quarter from the program's first day to `asOf` (at most 120 periods).
    async fn series(&self, ctx: &Context<'_>, interval: GqlInterval) -> Result<Vec<SeriesPoint>> {
        let periods = metrics::periods(self.starts_on, self.as_of, interval.into());
        let counts = access::scoped(ctx).series_counts(&self.programs, self.as_of, &periods).await?;
        Ok(periods
            .into_iter()
            .zip(counts)
            .map(|(period, counts)| {
                let shown = counts.people >= self.min_group_size;
                SeriesPoint {
                    period: period.label,
                    start: period.start,
                    end: period.end,
                    relationships_started: shown.then_some(counts.started),
                    active_at_end: shown.then_some(counts.active_at_end),
                    meetings: shown.then_some(counts.meetings),
                    hours: shown.then_some(counts.minutes as f64 / 60.0),
                    learnings_confirmed: shown.then_some(counts.learnings_confirmed),
                    feedback_answers: shown.then_some(counts.feedback),
                    suppressed: !shown,
                }
            })
            .collect())
    }
    /// Every objective of the program with its actual figure and status.
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<ObjectiveProgress>> {
        let store = access::scoped(ctx);
        let mut progress = Vec::new();
        let Some(program) = &self.program else { return Ok(Vec::new()) };
        for row in self.objectives_of(&store).await? {
            let objective = crate::store::programs::objective_of(row)?;
            let (actual, counts_up) = match objective.kind {
                ObjectiveKind::RelationshipsFormed => {
                    (self.cadence_figure(&store).await?.relationships.map(|count| count as f64), true)
                }
                ObjectiveKind::SkillsLearnedPerMentee => {
                    let window = objective.window_months.unwrap_or(6);
                    (self.per_mentee_figure(&store, window, objective.target).await?.mean, false)
                }
                ObjectiveKind::MeetingsPerMonthPerMatch => {
                    (self.cadence_figure(&store).await?.meetings_per_active_month, false)
                }
                ObjectiveKind::ParticipantRetention => {
                    let window = objective.window_months.unwrap_or(12);
                    (self.retention_at(&store, window).await?.rate, false)
                }
                ObjectiveKind::AverageSatisfaction => {
                    (self.satisfaction_figure(&store).await?.average_satisfaction, false)
                }
            };
            let due_on = objective.due_on.unwrap_or(program.ends_on);
            let span = (due_on - program.starts_on).num_days();
            let elapsed = if span > 0 { (self.as_of - program.starts_on).num_days() as f64 / span as f64 } else { 1.0 };
            let status = metrics::objective_status(counts_up, actual, objective.target, elapsed, self.as_of > due_on);
            progress.push(ObjectiveProgress {
                kind: objective.kind.into(),
                target: objective.target,
                actual,
                due_on,
                status: status.into(),
            });
        }
        Ok(progress)
    }
}

impl ProgramMetrics {
    /// The objectives measured: the one program's (none for several programs).
    async fn objectives_of(&self, store: &Scoped<'_>) -> Result<&[crate::store::entity::objective::Model]> {
        let objectives = self
            .shared
            .objectives
            .get_or_try_init(|| async {
                match &self.program {
                    Some(program) => store.objectives_of(&[program.id]).await,
                    None => Ok(Vec::new()),
                }
            })
            .await?;
        Ok(objectives)
    }

    /// Retention at `months`: from the counts of every horizon asked for, read once, or on its own
    /// for an objective's window that is not among them.
    async fn retention_at(&self, store: &Scoped<'_>, months: i32) -> Result<RetentionFigure> {
        let rows: Vec<RetentionCounts> = if self.horizons.contains(&months) {
            retention_cells(self.retention_rows(store).await?, None)
                .into_iter()
                .filter(|row| row.months == months)
                .collect()
        } else {
            retention_cells(&store.retention_counts(&self.programs, self.as_of, &[months]).await?, None)
        };
        Ok(retention_figure(months, &rows, self.min_group_size))
    }

    async fn per_mentee_figure(&self, store: &Scoped<'_>, window: i32, target: f64) -> Result<PerMenteeFigure> {
        let counts = store.per_mentee_counts(&self.programs, self.as_of, window, target).await?;
        let shown = counts.observable >= self.min_group_size;
        let observable = counts.observable as f64;
        Ok(PerMenteeFigure {
            window_months: window,
            target,
            observable: shown.then_some(counts.observable),
            mean: metrics::rate(counts.learned as f64, observable).filter(|_| shown),
            share_reaching_target: metrics::rate(counts.reaching as f64, observable).filter(|_| shown),
            suppressed: !shown,
        })
    }

    /// The cadence target: the MEETINGS_PER_MONTH_PER_MATCH objective, else one meeting a month.
    async fn cadence_target(&self, store: &Scoped<'_>) -> Result<f64> {
        let objectives = self.objectives_of(store).await?;
        Ok(objectives
            .iter()
            .find(|objective| objective.kind == ObjectiveKind::MeetingsPerMonthPerMatch.as_str())
            .map_or(1.0, |objective| objective.target))
    }

    /// Retention at every horizon asked for, at the finest place, read once per request for the
    /// total, the objectives and every breakdown.
    async fn retention_rows(&self, store: &Scoped<'_>) -> Result<&[RetentionCounts]> {
        let rows = self
            .shared
            .retention
            .get_or_try_init(|| store.retention_counts(&self.programs, self.as_of, &self.horizons))
            .await?;
        Ok(rows)
    }

    /// The matched comparison at the finest place, read once per request for the total and every breakdown.
    async fn comparison(&self, store: &Scoped<'_>) -> Result<&[ComparisonCounts]> {
        let rows = self
            .shared
            .comparison
            .get_or_try_init(|| store.comparison_counts(&self.programs, self.starts_on, self.as_of, &self.horizons))
            .await?;
        Ok(rows)
    }

    /// The whole program's cadence counts, read once per request.
    async fn cadence_total(&self, store: &Scoped<'_>, target: f64) -> Result<&CadenceCounts> {
        self.shared
            .cadence
            .get_or_try_init(|| async {
                Ok::<_, Error>(
                    store.cadence_counts(&self.programs, self.as_of, target, None).await?.pop().unwrap_or_default(),
                )
            })
            .await
    }

    async fn cadence_figure(&self, store: &Scoped<'_>) -> Result<CadenceFigure> {
        let target = self.cadence_target(store).await?;
        let counts = self.cadence_total(store, target).await?;
        Ok(cadence_figure(counts, target, counts.people >= self.min_group_size))
    }

    async fn satisfaction_figure(&self, store: &Scoped<'_>) -> Result<SatisfactionFigure> {
        let counts = self
            .shared
            .satisfaction
            .get_or_try_init(|| async {
                Ok::<_, Error>(
                    store.satisfaction_counts(&self.programs, self.as_of, None).await?.pop().unwrap_or_default(),
                )
            })
            .await?;
        Ok(satisfaction_figure(counts, counts.respondents >= self.min_group_size))
    }

    /// Every figure per cell of `dimension`, each figure's cells suppressed on their own.
    async fn cells(&self, store: &Scoped<'_>, dimension: Dimension) -> Result<Vec<MetricsCell>> {
        let (program, as_of, min) = (&self.programs[..], self.as_of, self.min_group_size);
        let retention_rows = retention_cells(self.retention_rows(store).await?, Some(dimension));
        let comparison_rows = comparison_cells(self.comparison(store).await?, Some(dimension));
        let retention: Vec<(i32, Vec<RetentionCounts>)> = self
            .horizons
            .iter()
            .map(|months| (*months, retention_rows.iter().filter(|row| row.months == *months).cloned().collect()))
            .collect();
        let comparison: Vec<(i32, Vec<ComparisonCounts>)> = self
            .horizons
            .iter()
            .map(|months| (*months, comparison_rows.iter().filter(|row| row.months == *months).cloned().collect()))
            .collect();
        let target = self.cadence_target(store).await?;
        let cadence = store.cadence_counts(program, as_of, target, Some(dimension)).await?;
        let cadence_total = self.cadence_total(store, target).await?;
        let satisfaction = store.satisfaction_counts(program, as_of, Some(dimension)).await?;
        let respondents: i64 = satisfaction.iter().map(|cell| cell.respondents).sum();
        let learning =
            store.learning_counts(program, as_of, &[LearningKey::Learner(dimension)]).await?.pop().unwrap_or_default();
        let learners: i64 = learning.iter().map(|cell| cell.learners).sum();

        let mut keys: Vec<String> = retention
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|row| row.cell.clone()))
            .chain(comparison.iter().flat_map(|(_, rows)| rows.iter().map(|row| row.cell.clone())))
            .chain(cadence.iter().map(|cell| cell.cell.clone()))
            .chain(satisfaction.iter().map(|cell| cell.cell.clone()))
            .chain(learning.iter().map(|cell| cell.key.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        // Per figure: how many people each cell holds, and which cells must be hidden.
        let hidden = |people: Vec<i64>, total: i64| metrics::suppressed_cells(&people, min, total >= min);
        let cadence_of = |key: &str| cadence.iter().find(|cell| cell.cell == key).cloned().unwrap_or_default();
        let cadence_hidden = hidden(keys.iter().map(|key| cadence_of(key).people).collect(), cadence_total.people);
        let satisfaction_of =
            |key: &str| satisfaction.iter().find(|cell| cell.cell == key).cloned().unwrap_or_default();
        let satisfaction_hidden =
            hidden(keys.iter().map(|key| satisfaction_of(key).respondents).collect(), respondents);
        let learning_of = |key: &str| {
            learning
                .iter()
                .find(|cell| cell.key == key)
                .cloned()
                .unwrap_or(LearningCounts { key: key.to_owned(), ..Default::default() })
        };
        let learning_hidden = hidden(keys.iter().map(|key| learning_of(key).learners).collect(), learners);
        let retention_hidden: Vec<Vec<bool>> = retention
            .iter()
            .map(|(_, rows)| {
                let observable = |key: &str| rows.iter().filter(|row| row.cell == key).map(|row| row.observable).sum();
                let total = rows.iter().map(|row| row.observable).sum();
                hidden(keys.iter().map(|key| observable(key)).collect(), total)
            })
            .collect();
        let comparison_hidden: Vec<(Vec<bool>, Vec<bool>)> = comparison
            .iter()
            .map(|(_, rows)| {
                let of = |key: &str| rows.iter().find(|row| row.cell == key).cloned().unwrap_or_default();
                let matched: Vec<i64> = keys.iter().map(|key| of(key).matched).collect();
                let crude: Vec<i64> = keys.iter().map(|key| of(key).crude_base).collect();
                let (matched_total, crude_total) = (matched.iter().sum(), crude.iter().sum());
                (hidden(matched, matched_total), hidden(crude, crude_total))
            })
            .collect();
        Ok(keys
            .iter()
            .enumerate()
            .map(|(index, key)| MetricsCell {
                key: key.clone(),
                matched_comparison: comparison
                    .iter()
                    .zip(&comparison_hidden)
                    .map(|((months, rows), (hidden, crude_hidden))| {
                        let counts = rows.iter().find(|row| &row.cell == key).cloned().unwrap_or_default();
                        comparison_figure(*months, &counts, !hidden[index], !crude_hidden[index])
                    })
                    .collect(),
                retention: retention
                    .iter()
                    .zip(&retention_hidden)
                    .map(|((months, rows), hidden)| {
                        let rows: Vec<RetentionCounts> = rows.iter().filter(|row| &row.cell == key).cloned().collect();
                        cell_retention(*months, &rows, !hidden[index])
                    })
                    .collect(),
                cadence: cadence_figure(&cadence_of(key), target, !cadence_hidden[index]),
                satisfaction: satisfaction_figure(&satisfaction_of(key), !satisfaction_hidden[index]),
                skills_learned: learning_cell(learning_of(key), learning_hidden[index]),
            })
            .collect())
    }
}

/// One period of a series.
#[derive(SimpleObject)]
pub struct SeriesPoint {
    /// `YYYY-MM` or `YYYY-Qn`.
    period: String,
    /// Its first day.
    start: NaiveDate,
    /// Its last day (the last period ends on `asOf`).
    end: NaiveDate,
    /// Relationships that started in it.
    relationships_started: Option<i64>,
    /// Relationships running on its last day.
    active_at_end: Option<i64>,
    /// Meetings held in it.
    meetings: Option<i64>,
    /// Their hours.
    hours: Option<f64>,
    /// Learnings confirmed in it.
    learnings_confirmed: Option<i64>,
    /// Feedback answers given in it.
    feedback_answers: Option<i64>,
    /// Fewer than `minGroupSize` people in the relationships running during it: withheld.
    suppressed: bool,
}

/// How a series cuts time.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "metrics::Interval", name = "SeriesInterval")]
pub enum GqlInterval {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

/// One cell of a breakdown: every figure for the people in it.
#[derive(SimpleObject)]
pub struct MetricsCell {
    /// The department, generation, level band (1-3 ... 13-15) or role; empty when unknown.
    key: String,
    /// Retention at each horizon (no per-role split inside a cell).
    retention: Vec<RetentionFigure>,
    /// The matched comparison of the participants in this cell (the crude rate: this cell's
    /// non-participants; role cells have none).
    matched_comparison: Vec<MatchedComparisonFigure>,
    /// Cadence of the relationships with someone in this cell.
    cadence: CadenceFigure,
    /// Learnings of the learners in this cell.
    skills_learned: LearningCell,
    /// Answers of the respondents in this cell.
    satisfaction: SatisfactionFigure,
}

/// What a breakdown splits people by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::store::metrics::Dimension", name = "MetricsDimension")]
pub enum GqlDimension {
    /// Department.
    Department,
    /// Self-declared generation.
    Generation,
    /// Level band: 1-3, 4-6, 7-9, 10-12, 13-15.
    LevelBand,
    /// Side in the program.
    Role,
}

fn comparison_figure(
    months: i32,
    counts: &ComparisonCounts,
    shown: bool,
    crude_shown: bool,
) -> MatchedComparisonFigure {
    let comparison = metrics::matched_comparison(metrics::MatchedSums {
        matched: counts.matched,
        retained: counts.retained,
        comparison: counts.comparison,
        difference: counts.difference,
        difference_squared: counts.difference_squared,
    })
    .filter(|_| shown);
    MatchedComparisonFigure {
        months,
        matched: shown.then_some(counts.matched),
        unmatched: shown.then_some(counts.observable - counts.matched),
        participant_rate: comparison.map(|c| c.participant_rate),
        comparison_rate: comparison.map(|c| c.comparison_rate),
        difference: comparison.map(|c| c.difference),
        interval_low: comparison.and_then(|c| c.interval).map(|(low, _)| low),
        interval_high: comparison.and_then(|c| c.interval).map(|(_, high)| high),
        crude_rate: metrics::rate(counts.crude_retained as f64, counts.crude_base as f64).filter(|_| crude_shown),
        suppressed: !shown,
    }
}

fn cadence_figure(counts: &CadenceCounts, target: f64, shown: bool) -> CadenceFigure {
    let months = metrics::active_months(counts.active_days);
    let hours = counts.minutes as f64 / 60.0;
    CadenceFigure {
        relationships: shown.then_some(counts.relationships),
        meetings: shown.then_some(counts.meetings),
        hours: shown.then_some(hours),
        active_months: shown.then_some(months),
        meetings_per_active_month: metrics::rate(counts.meetings as f64, months).filter(|_| shown),
        hours_per_active_month: metrics::rate(hours, months).filter(|_| shown),
        eligible_relationships: shown.then_some(counts.eligible),
        target,
        share_reaching_target: metrics::rate(counts.reaching as f64, counts.eligible as f64).filter(|_| shown),
        suppressed: !shown,
    }
}

fn satisfaction_figure(counts: &SatisfactionCounts, shown: bool) -> SatisfactionFigure {
    let answers = counts.answers as f64;
    let share = |part: i64| metrics::rate(part as f64, answers).filter(|_| shown);
    SatisfactionFigure {
        answers: shown.then_some(counts.answers),
        respondents: shown.then_some(counts.respondents),
        average_satisfaction: share(counts.satisfaction_sum),
        average_confidence: share(counts.confidence_sum),
        share_satisfied: share(counts.satisfied),
        share_confident: share(counts.confident),
        suppressed: !shown,
    }
}

/// Retention over `rows` (the roles of one cell, or of the whole program), both roles together.
fn cell_retention(months: i32, rows: &[RetentionCounts], shown: bool) -> RetentionFigure {
    let observable: i64 = rows.iter().map(|row| row.observable).sum();
    let retained: i64 = rows.iter().map(|row| row.retained).sum();
    RetentionFigure {
        months,
        observable: shown.then_some(observable),
        retained: shown.then_some(retained),
        rate: metrics::rate(retained as f64, observable as f64).filter(|_| shown),
        suppressed: !shown,
        by_role: Vec::new(),
    }
}

fn learning_cell(cell: LearningCounts, hidden: bool) -> LearningCell {
    LearningCell {
        key: cell.key,
        recorded: (!hidden).then_some(cell.recorded),
        confirmed: (!hidden).then_some(cell.confirmed),
        learners: (!hidden).then_some(cell.learners),
        suppressed: hidden,
    }
}

fn learning_cells(cells: Vec<LearningCounts>, min_group_size: i64, total_shown: bool) -> Vec<LearningCell> {
    let people: Vec<i64> = cells.iter().map(|cell| cell.learners).collect();
    let hidden = metrics::suppressed_cells(&people, min_group_size, total_shown);
    cells.into_iter().zip(hidden).map(|(cell, hidden)| learning_cell(cell, hidden)).collect()
}

fn retention_figure(months: i32, counts: &[RetentionCounts], min_group_size: i64) -> RetentionFigure {
    let sides = [relationship::PairSide::Mentor, relationship::PairSide::Mentee];
    let of = |side: relationship::PairSide| counts.iter().find(|row| row.place.role == side.as_str());
    let shown = counts.iter().map(|row| row.observable).sum::<i64>() >= min_group_size;
    let cells: Vec<i64> = sides.iter().map(|side| of(*side).map_or(0, |row| row.observable)).collect();
    let hidden = metrics::suppressed_cells(&cells, min_group_size, shown);
    let by_role = sides
        .iter()
        .zip(hidden)
        .map(|(side, hidden)| {
            let (observable, retained) = of(*side).map_or((0, 0), |row| (row.observable, row.retained));
            RoleRetention {
                role: (*side).into(),
                observable: (!hidden).then_some(observable),
                retained: (!hidden).then_some(retained),
                rate: metrics::rate(retained as f64, observable as f64).filter(|_| !hidden),
                suppressed: hidden,
            }
        })
        .collect();
    RetentionFigure { by_role, ..cell_retention(months, counts, shown) }
}

/// Which programs `orgMetrics` measures together; every condition given must hold.
#[derive(async_graphql::InputObject, Default)]
pub struct ProgramFilter {
    /// Only programs of this kind.
    kind: Option<GqlProgramKind>,
    /// Only programs in this status.
    status: Option<GqlProgramStatus>,
    /// Only programs starting on or after this day.
    starts_from: Option<NaiveDate>,
    /// Only programs starting on or before this day.
    starts_to: Option<NaiveDate>,
}

impl ProgramFilter {
    fn admits(&self, program: &program::Model) -> bool {
        let kind = self.kind.map(|kind| crate::domain::program::ProgramKind::from(kind).as_str());
        let status = self.status.map(|status| crate::domain::program::ProgramStatus::from(status).as_str());
        kind.is_none_or(|kind| program.kind == kind)
            && status.is_none_or(|status| program.status == status)
            && self.starts_from.is_none_or(|from| program.starts_on >= from)
            && self.starts_to.is_none_or(|to| program.starts_on <= to)
    }
}

/// Metrics queries.
#[derive(Default)]
pub struct MetricsQuery;

#[Object]
impl MetricsQuery {
    /// A program's outcomes as of `asOf` (default today); retention at `horizons` months (default 3, 6, 12).
    async fn program_metrics(
        &self,
        ctx: &Context<'_>,
        program_id: ID,
        as_of: Option<NaiveDate>,
        horizons: Option<Vec<i32>>,
    ) -> Result<ProgramMetrics> {
        access::viewer(ctx).require(READERS, "reading outcome metrics")?;
        let id = ids::decode("programId", &program_id, Kind::Program)?;
        let horizons = metrics::horizons(&horizons.unwrap_or_else(|| DEFAULT_HORIZONS.to_vec()))?;
        let store = access::scoped(ctx);
        let program = store.program(id).await?.ok_or_else(|| Error::not_found("program"))?;
        let min_group_size = i64::from(store.org_settings().await?.min_group_size);
        let as_of = as_of.unwrap_or_else(crate::store::today);
        let starts_on = program.starts_on;
        Ok(ProgramMetrics {
            programs: vec![program.id],
            program: Some(program),
            starts_on,
            as_of,
            horizons,
            min_group_size,
            shared: Shared::default(),
        })
    }

    /// The same figures over several programs at once (all of them without a filter): a person
    /// is a participant of any of their relationships, anchored at the first. Objectives belong
    /// to single programs and are empty here; series and the crude rate start at the earliest
    /// program's first day.
    async fn org_metrics(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProgramFilter>,
        as_of: Option<NaiveDate>,
        horizons: Option<Vec<i32>>,
    ) -> Result<ProgramMetrics> {
        access::viewer(ctx).require(READERS, "reading outcome metrics")?;
        let horizons = metrics::horizons(&horizons.unwrap_or_else(|| DEFAULT_HORIZONS.to_vec()))?;
        let store = access::scoped(ctx);
        let filter = filter.unwrap_or_default();
        let chosen: Vec<program::Model> =
            store.all_programs().await?.into_iter().filter(|program| filter.admits(program)).collect();
        let min_group_size = i64::from(store.org_settings().await?.min_group_size);
        let as_of = as_of.unwrap_or_else(crate::store::today);
        let starts_on = chosen.iter().map(|program| program.starts_on).min().unwrap_or(as_of);
        let programs = chosen.iter().map(|program| program.id).collect();
        Ok(ProgramMetrics {
            programs,
            program: None,
            starts_on,
            as_of,
            horizons,
            min_group_size,
            shared: Shared::default(),
        })
    }

    /// The organisation's settings (admins and analysts).
    async fn org_settings(&self, ctx: &Context<'_>) -> Result<OrgSettings> {
        access::viewer(ctx).require(&[Role::Admin, Role::Analyst], "reading the organisation's settings")?;
        Ok(access::scoped(ctx).org_settings().await?.into())
    }
}

/// Settings mutations.
#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Changes the settings given (ADMIN): the smallest group a metric may describe (3 to 1000),
    /// how training records name people from now on (statements already issued keep theirs until
    /// `deriveTrainingRecords` or a change to their record reissues them).
    async fn update_org_settings(
        &self,
        ctx: &Context<'_>,
        min_group_size: Option<i32>,
        training_record_actor: Option<TrainingRecordActor>,
    ) -> Result<OrgSettings> {
        access::viewer(ctx).require(&[Role::Admin], "changing the organisation's settings")?;
        let store = access::scoped(ctx);
        if let Some(value) = min_group_size {
            store.set_min_group_size(value).await?;
        }
        if let Some(form) = training_record_actor {
            store.set_xapi_actor(form.into()).await?;
        }
        Ok(store.org_settings().await?.into())
    }
}
