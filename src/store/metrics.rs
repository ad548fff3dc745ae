//! Outcome metrics computed by the database: one aggregate statement per figure, org-scoped,
//! following README's definitions. Date arithmetic is what the two backends spell differently,
//! kept in [`Dialect`]; the matched comparison also counts groups a different way on each (see
//! [`Scoped::comparison_counts`]).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Statement, Value};

use super::Scoped;
use crate::error::{Error, Result};

/// Relationship statuses: a match that started.
const STARTED: &str = "('ACTIVE', 'COMPLETED', 'ENDED_EARLY')";

/// Retention of one role at one horizon, before suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionCounts {
    /// The horizon in months.
    pub months: i32,
    /// Where the counted participants are: the finest place as the store returns them, only the
    /// role once [`retention_cells`] has summed them.
    pub place: Place,
    /// The breakdown's cell (empty without one).
    pub cell: String,
    /// Participants whose anchor + horizon is on or before the day.
    pub observable: i64,
    /// Of those, employed on anchor + horizon.
    pub retained: i64,
}

/// Meeting cadence of a program's relationships, before suppression.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CadenceCounts {
    /// The breakdown's cell (empty without one).
    pub cell: String,
    /// Relationships that started on or before the day.
    pub relationships: i64,
    /// Distinct people in them.
    pub people: i64,
    /// Meetings held on or before the day.
    pub meetings: i64,
    /// Their minutes.
    pub minutes: i64,
    /// Active days, summed over relationships.
    pub active_days: i64,
    /// Relationships with at least 30 active days.
    pub eligible: i64,
    /// Of those, whose meetings per active month reach the target.
    pub reaching: i64,
}

/// Satisfaction and confidence from each person's latest answer per relationship, before suppression.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SatisfactionCounts {
    /// The breakdown's cell (empty without one).
    pub cell: String,
    /// Latest answers (one per person and relationship).
    pub answers: i64,
    /// Distinct people who answered.
    pub respondents: i64,
    /// Sum of satisfaction over the answers.
    pub satisfaction_sum: i64,
    /// Sum of confidence over the answers.
    pub confidence_sum: i64,
    /// Answers with satisfaction 4 or 5.
    pub satisfied: i64,
    /// Answers with confidence 4 or 5.
    pub confident: i64,
}

/// Learnings of one cell (a side, a category, a skill, or all), before suppression.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LearningCounts {
    /// The cell: MENTOR or MENTEE, a category, a skill name, or empty for the whole program.
    pub key: String,
    /// Learnings recorded on or before the day.
    pub recorded: i64,
    /// Of those, confirmed on or before the day.
    pub confirmed: i64,
    /// Distinct people who learned.
    pub learners: i64,
}

/// Confirmed learnings per mentee within a window after their anchor, before suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerMenteeCounts {
    /// Mentees whose anchor + window is on or before the day.
    pub observable: i64,
    /// Their confirmed learnings recorded within the window, summed.
    pub learned: i64,
    /// Mentees who reached the target.
    pub reaching: i64,
}

/// The matched comparison's sums and the crude rate's counts, before suppression.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComparisonCounts {
    /// The horizon in months.
    pub months: i32,
    /// The breakdown's cell (empty without one).
    pub cell: String,
    /// Where the counted people are, as the store returns them (see [`comparison_cells`]).
    pub place: Place,
    /// Observable participants.
    pub observable: i64,
    /// Of those, with a non-empty comparison set.
    pub matched: i64,
    /// Σ retained(p) over the matched.
    pub retained: f64,
    /// Σ r(p).
    pub comparison: f64,
    /// Σ d(p).
    pub difference: f64,
    /// Σ d(p)².
    pub difference_squared: f64,
    /// Non-participants employed on the program's first day (none when its horizon is after the day).
    pub crude_base: i64,
    /// Of those, employed on the first day + horizon.
    pub crude_retained: i64,
}

/// The cell a person falls in for a breakdown; `None` in the store's calls means the whole program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Their department (empty when unknown).
    Department,
    /// Their self-declared generation (empty when undeclared).
    Generation,
    /// Their level band: 1-3, 4-6, 7-9, 10-12, 13-15.
    LevelBand,
    /// Their side in the program: MENTOR or MENTEE.
    Role,
}

/// The SQL that names the cell of person row `person` whose side is `role` (`''` for no breakdown).
fn cell_of(dimension: Option<Dimension>, person: &str, role: &str) -> String {
    match dimension {
        None => "''".to_owned(),
        Some(Dimension::Department) => format!("COALESCE({person}.department, '')"),
        Some(Dimension::Generation) => format!("COALESCE({person}.generation, '')"),
        Some(Dimension::LevelBand) => format!(
            "(CASE WHEN {person}.level <= 3 THEN '1-3' WHEN {person}.level <= 6 THEN '4-6' \
             WHEN {person}.level <= 9 THEN '7-9' WHEN {person}.level <= 12 THEN '10-12' ELSE '13-15' END)"
        ),
        Some(Dimension::Role) => role.to_owned(),
    }
}

/// Where a person falls on every dimension at once: the finest grain the comparison is counted
/// at, from which the total and any breakdown are sums.
#[derive(Debug, Clone, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Place {
    /// Department (empty when unknown).
    pub department: String,
    /// Generation (empty when undeclared).
    pub generation: String,
    /// Level band.
    pub level_band: String,
    /// MENTOR or MENTEE; empty for a non-participant.
    pub role: String,
}

impl Place {
    /// The cell of a breakdown by `dimension` (empty without one).
    pub fn cell(&self, dimension: Option<Dimension>) -> &str {
        match dimension {
            None => "",
            Some(Dimension::Department) => &self.department,
            Some(Dimension::Generation) => &self.generation,
            Some(Dimension::LevelBand) => &self.level_band,
            Some(Dimension::Role) => &self.role,
        }
    }

    fn read(row: &QueryResult) -> Result<Place> {
        Ok(Place {
            department: text(row, "department")?,
            generation: text(row, "generation")?,
            level_band: text(row, "level_band_cell")?,
            role: text(row, "role")?,
        })
    }
}

/// Retention `rows` (at the finest place) summed per horizon, cell of `dimension` and role, in
/// cell order.
pub fn retention_cells(rows: &[RetentionCounts], dimension: Option<Dimension>) -> Vec<RetentionCounts> {
    let mut cells: std::collections::BTreeMap<(i32, String, String), RetentionCounts> =
        std::collections::BTreeMap::new();
    for row in rows {
        let cell = row.place.cell(dimension).to_owned();
        let role = row.place.role.clone();
        let sum = cells.entry((row.months, cell.clone(), role.clone())).or_insert_with(|| RetentionCounts {
            months: row.months,
            place: Place { role, ..Place::default() },
            cell,
            observable: 0,
            retained: 0,
        });
        sum.observable += row.observable;
        sum.retained += row.retained;
    }
    cells.into_values().collect()
}

/// `rows` (at the finest place) summed per horizon and cell of `dimension`, in cell order.
/// Crude counts sum only over cells non-participants have (none for roles).
pub fn comparison_cells(rows: &[ComparisonCounts], dimension: Option<Dimension>) -> Vec<ComparisonCounts> {
    let mut cells: std::collections::BTreeMap<(i32, String), ComparisonCounts> = std::collections::BTreeMap::new();
    for row in rows {
        let cell = row.place.cell(dimension).to_owned();
        let crude_counts = dimension != Some(Dimension::Role);
        let participant = !row.place.role.is_empty();
        if !participant && !crude_counts {
            continue;
        }
        let sum = cells.entry((row.months, cell.clone())).or_insert_with(|| ComparisonCounts {
            months: row.months,
            cell,
            ..Default::default()
        });
        sum.observable += row.observable;
        sum.matched += row.matched;
        sum.retained += row.retained;
        sum.comparison += row.comparison;
        sum.difference += row.difference;
        sum.difference_squared += row.difference_squared;
        sum.crude_base += row.crude_base;
        sum.crude_retained += row.crude_retained;
    }
    cells.into_values().collect()
}

fn text(row: &QueryResult, column: &str) -> Result<String> {
    row.try_get::<String>("", column).map_err(|error| Error::Internal(format!("metrics column {column}: {error}")))
}

/// One period of a series, before suppression.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeriesCounts {
    /// The period's label.
    pub label: String,
    /// Relationships that started in the period.
    pub started: i64,
    /// Relationships running on its last day.
    pub active_at_end: i64,
    /// Distinct people of the relationships running at some point in the period.
    pub people: i64,
    /// Meetings held in it.
    pub meetings: i64,
    /// Their minutes.
    pub minutes: i64,
    /// Learnings confirmed in it.
    pub learnings_confirmed: i64,
    /// Feedback answers given in it.
    pub feedback: i64,
}

/// How a breakdown of learnings is keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearningKey {
    /// The whole program, one cell.
    Total,
    /// MENTOR or MENTEE.
    Side,
    /// The skill's category.
    Category,
    /// The skill's name.
    Skill,
    /// The learner's cell of a breakdown.
    Learner(Dimension),
}

/// How each backend spells date arithmetic.
struct Dialect(DatabaseBackend);

impl Dialect {
    /// `date` plus `months` calendar months, clamped to the month's last day (Jan 31 + 1 = Feb 28/29).
    fn add_months(&self, date: &str, months: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("CAST({date} + make_interval(months => {months}) AS date)"),
            // SQLite's 'N months' rolls over (Jan 31 + 1 = Mar 3); the month's last day caps it.
            // No '+' before N: SQLite reads '-12 months' but not '+-12 months'.
            _ => format!(
                "min(date({date}, ({months}) || ' months'), \
                 date({date}, 'start of month', (({months}) + 1) || ' months', '-1 day'))"
            ),
        }
    }

    /// Days from `start` to `end`, both counted.
    fn days_inclusive(&self, start: &str, end: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("({end} - {start} + 1)"),
            _ => format!("(CAST(julianday({end}) - julianday({start}) AS INTEGER) + 1)"),
        }
    }

    /// The UTC day of a stored timestamp.
    fn day_of(&self, timestamp: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("CAST(({timestamp} AT TIME ZONE 'UTC') AS date)"),
            _ => format!("date({timestamp})"),
        }
    }

    /// Whole years of service on day `on` for a hire on `hired` (the anniversary starts the next year).
    fn years(&self, hired: &str, on: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("CAST(EXTRACT(YEAR FROM age({on}, {hired})) AS INTEGER)"),
            _ => format!(
                "(CAST(strftime('%Y', {on}) AS INTEGER) - CAST(strftime('%Y', {hired}) AS INTEGER) \
                 - (strftime('%m-%d', {on}) < strftime('%m-%d', {hired})))"
            ),
        }
    }

    /// A number as floating point, for shares.
    fn real(&self, expression: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("CAST({expression} AS DOUBLE PRECISION)"),
            _ => format!("CAST({expression} AS REAL)"),
        }
    }

    /// A bound parameter used as a date where nothing else says so.
    fn date_parameter(&self, parameter: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("CAST({parameter} AS date)"),
            _ => parameter.to_owned(),
        }
    }

    /// A bound parameter used as an integer where nothing else says so.
    fn integer(&self, parameter: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("CAST({parameter} AS INTEGER)"),
            _ => parameter.to_owned(),
        }
    }

    /// The earlier of two dates.
    fn earlier(&self, a: &str, b: &str) -> String {
        match self.0 {
            DatabaseBackend::Postgres => format!("LEAST({a}, {b})"),
            _ => format!("min({a}, {b})"),
        }
    }
}

/// The first instant after day `as_of` (UTC): records with a time count when before it.
fn end_of(as_of: NaiveDate) -> DateTime<Utc> {
    as_of.succ_opt().unwrap_or(as_of).and_time(NaiveTime::MIN).and_utc()
}

/// `sql` with `program_id = $2` replaced by `program_id IN (...)` and `$3`, `$4`, ... renumbered.
fn over_programs(sql: &str, programs: &[i64]) -> String {
    let list: Vec<String> = programs.iter().map(i64::to_string).collect();
    let list = if list.is_empty() { "NULL".to_owned() } else { list.join(", ") };
    let sql = sql.replace("program_id = $2", &format!("program_id IN ({list})"));
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<u32>() {
            Ok(n) if n >= 3 => out.push_str(&(n - 1).to_string()),
            _ => out.push_str(&digits),
        }
    }
    out
}

fn months(row: &QueryResult) -> Result<i32> {
    row.try_get::<i32>("", "months").map_err(|error| Error::Internal(format!("metrics column months: {error}")))
}

fn count(row: &QueryResult, column: &str) -> Result<i64> {
    row.try_get::<Option<i64>>("", column)
        .map(Option::unwrap_or_default)
        .map_err(|error| Error::Internal(format!("metrics column {column}: {error}")))
}

impl Scoped<'_> {
    fn dialect(&self) -> Dialect {
        Dialect(self.db.get_database_backend())
    }

    /// Runs one metrics statement over `programs`: its `program_id = $2` becomes the list of
    /// programs (ids from the database, written as integers) and the later placeholders move down
    /// one, so each statement is written once for one program and serves any set.
    async fn aggregate(&self, programs: &[i64], sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>> {
        let statement =
            Statement::from_sql_and_values(self.db.get_database_backend(), over_programs(sql, programs), values);
        Ok(self.db.query_all_raw(statement).await?)
    }

    /// Retention at each of `horizons` (months) for `programs` as of `as_of`, at the finest
    /// place (each participant counts once per role): [`retention_cells`] sums the rows into
    /// the roles of the total or of any breakdown.
    pub async fn retention_counts(
        &self,
        programs: &[i64],
        as_of: NaiveDate,
        horizons: &[i32],
    ) -> Result<Vec<RetentionCounts>> {
        let level_band = cell_of(Some(Dimension::LevelBand), "pe", "");
        let day = self.dialect().add_months("pa.anchor", "h.months");
        let mut values: Vec<Value> = vec![self.org.into(), as_of.into()];
        let horizon_rows = self.horizon_rows(horizons, &mut values);
        let sql = format!(
            "WITH sides AS (
               SELECT mentor_person_id AS person_id, 'MENTOR' AS role, started_on FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
               UNION ALL
               SELECT mentee_person_id AS person_id, 'MENTEE' AS role, started_on FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             ), participants AS (
               SELECT person_id, role, MIN(started_on) AS anchor FROM sides GROUP BY person_id, role
             ), horizons AS ({horizon_rows}), horizon AS (
               SELECT h.months, pa.role, COALESCE(pe.department, '') AS department,
                      COALESCE(pe.generation, '') AS generation, {level_band} AS level_band_cell,
                      pe.hired_on, pe.left_on, {day} AS day
                 FROM participants pa JOIN people pe ON pe.id = pa.person_id AND pe.org_id = $1
                 CROSS JOIN horizons h
             )
             SELECT months, role, department, generation, level_band_cell,
                    CAST(SUM(CASE WHEN day <= $3 THEN 1 ELSE 0 END) AS BIGINT) AS observable,
                    CAST(SUM(CASE WHEN day <= $3 AND (hired_on IS NULL OR hired_on <= day)
                              AND (left_on IS NULL OR left_on >= day) THEN 1 ELSE 0 END) AS BIGINT) AS retained
               FROM horizon GROUP BY months, role, department, generation, level_band_cell"
        );
        self.aggregate(programs, &sql, values)
            .await?
            .iter()
            .map(|row| {
                Ok(RetentionCounts {
                    months: months(row)?,
                    cell: String::new(),
                    place: Place::read(row)?,
                    observable: count(row, "observable")?,
                    retained: count(row, "retained")?,
                })
            })
            .collect()
    }

    /// `horizons` appended to `values` as bound parameters, and the SQL naming each one
    /// (placeholders numbered as if `$2` were the program, see `over_programs`).
    fn horizon_parameters(&self, horizons: &[i32], values: &mut Vec<Value>) -> Vec<String> {
        horizons
            .iter()
            .map(|months| {
                values.push((*months).into());
                self.dialect().integer(&format!("${}", values.len() + 1))
            })
            .collect()
    }

    /// A `SELECT ... UNION ALL ...` of `horizons` as rows (`months`), bound as by
    /// [`Self::horizon_parameters`].
    fn horizon_rows(&self, horizons: &[i32], values: &mut Vec<Value>) -> String {
        let rows: Vec<String> = self
            .horizon_parameters(horizons, values)
            .iter()
            .map(|months| format!("SELECT {months} AS months"))
            .collect();
        if rows.is_empty() { "SELECT 0 AS months WHERE 1 = 0".to_owned() } else { rows.join(" UNION ALL ") }
    }

    /// The matched comparison at each of `horizons` for `programs` (the first starting on
    /// `starts_on`) as of `as_of`, at the finest place: rows of participants (with a role) and
    /// rows of the crude rate's non-participants (without one). [`comparison_cells`] sums them
    /// into the total or any breakdown, so one request counts once whatever it shows.
    ///
    /// A participant's comparison set is the non-participants of their stratum (department,
    /// generation, level band) hired inside the date range that gives the same tenure band on
    /// the anchor (or both hire dates unknown) and still employed on the anchor. On SQLite each
    /// group is one range of the `people_stratum` index. On PostgreSQL a group with a hire date
    /// is counted without pairing the participant with each member (630,000 index entries for
    /// the bench's largest program): the hires inside the range are a running count over one
    /// pass of the stratum's hires and range edges in date order, less the members already gone
    /// by the anchor (or by each horizon, for those who stayed), which only departed
    /// non-participants can be. Each way is the faster one on its database (BENCHMARKS.md).
    pub async fn comparison_counts(
        &self,
        programs: &[i64],
        starts_on: NaiveDate,
        as_of: NaiveDate,
        horizons: &[i32],
    ) -> Result<Vec<ComparisonCounts>> {
        if horizons.is_empty() {
            return Ok(Vec::new());
        }
        let dialect = self.dialect();
        let mut values: Vec<Value> = vec![self.org.into(), as_of.into()];
        let horizon_parameters = self.horizon_parameters(horizons, &mut values);
        let slots = 0..horizons.len();
        let horizon_days: String = horizon_parameters
            .iter()
            .enumerate()
            .map(|(slot, months)| format!(", {} AS horizon_{slot}", dialect.add_months("b.anchor", months)))
            .collect();
        let earliest = horizons.iter().enumerate().min_by_key(|(_, months)| **months).map_or(0, |(slot, _)| slot);
        let years = dialect.years("pe.hired_on", "pa.anchor");
        let stayed: String = slots
            .clone()
            .map(|slot| format!(", SUM(CASE WHEN np.left_on IS NULL OR np.left_on >= o.horizon_{slot} THEN 1 ELSE 0 END) AS stayed_{slot}"))
            .collect();
        let level_band = cell_of(Some(Dimension::LevelBand), "pe", "");
        let real = |expression: &str| dialect.real(expression);
        let figures: String = slots
            .clone()
            .map(|slot| {
                let observed = format!("o.horizon_{slot} <= $3");
                let matched = format!("{observed} AND pool.size > 0");
                let retained = format!(
                    "(CASE WHEN (o.hired_on IS NULL OR o.hired_on <= o.horizon_{slot}) \
                     AND (o.left_on IS NULL OR o.left_on >= o.horizon_{slot}) THEN 1 ELSE 0 END)"
                );
                let share = format!("{} / pool.size", real(&format!("pool.stayed_{slot}")));
                let difference = format!("({retained} - {share})");
                format!(
                    ", CAST(SUM(CASE WHEN {observed} THEN 1 ELSE 0 END) AS BIGINT) AS observable_{slot}
                     , CAST(SUM(CASE WHEN {matched} THEN 1 ELSE 0 END) AS BIGINT) AS matched_{slot}
                     , SUM(CASE WHEN {matched} THEN {} END) AS retained_{slot}
                     , SUM(CASE WHEN {matched} THEN {share} END) AS comparison_{slot}
                     , SUM(CASE WHEN {matched} THEN {difference} END) AS difference_{slot}
                     , SUM(CASE WHEN {matched} THEN {difference} * {difference} END) AS squared_{slot}",
                    real(&retained)
                )
            })
            .collect();
        let stratum = "np.org_id = $1 AND COALESCE(np.department, '') = o.department \
                       AND COALESCE(np.generation, '') = o.generation AND (np.level - 1) / 3 = o.level_band \
                       AND (np.left_on IS NULL OR np.left_on >= o.anchor) \
                       AND np.id NOT IN (SELECT person_id FROM ever)";
        // The hire dates that give the participant's own tenure band on the anchor: after
        // anchor - upper years, on or before anchor - lower years (10 or more: no upper end).
        let hired_after = dialect.add_months(
            "b.anchor",
            "-12 * (CASE WHEN b.years < 1 THEN 1 WHEN b.years < 3 THEN 3 WHEN b.years < 5 THEN 5 \
             WHEN b.years < 10 THEN 10 ELSE 1000 END)",
        );
        let hired_by = dialect.add_months(
            "b.anchor",
            "-12 * (CASE WHEN b.years < 1 THEN 0 WHEN b.years < 3 THEN 1 WHEN b.years < 5 THEN 3 \
             WHEN b.years < 10 THEN 5 ELSE 10 END)",
        );
        // Which way counts each participant's group faster differs: PostgreSQL sorts and hashes
        // well, SQLite walks an index range cheaply. Both are checked against the same
        // recomputation from the definitions (tests/api/metrics_property.rs) on their own backend.
        // Whose group is counted: the participants observable at the earliest horizon, on every path.
        let grouped = format!("o.horizon_{earliest} <= $3");
        let (counted, dated_pool) = if dialect.0 == DatabaseBackend::Postgres {
            let gone: String = slots
                .clone()
                .map(|slot| format!(", SUM(CASE WHEN c.left_on < d.horizon_{slot} THEN 1 ELSE 0 END) AS gone_{slot}"))
                .collect();
            let hired_stayed: String =
                slots.clone().map(|slot| format!(", h.hired - COALESCE(g.gone_{slot}, 0) AS stayed_{slot}")).collect();
            let same = |a: &str, b: &str| {
                format!(
                    "{a}.department = {b}.department AND {a}.generation = {b}.generation \
                     AND {a}.level_band = {b}.level_band"
                )
            };
            let (same_stratum_d, same_stratum_c, same_stratum_c_d) = (same("s", "d"), same("s", "c"), same("c", "d"));
            let counted = format!(
                ", dated AS (
               SELECT * FROM observable o WHERE o.hired_on IS NOT NULL AND {grouped}
             ), candidates AS (
               SELECT COALESCE(np.department, '') AS department, COALESCE(np.generation, '') AS generation,
                      (np.level - 1) / 3 AS level_band, np.hired_on, np.left_on
                 FROM people np
                WHERE np.org_id = $1 AND np.hired_on IS NOT NULL AND np.id NOT IN (SELECT person_id FROM ever)
             ), strata AS (
               SELECT department, generation, level_band, ROW_NUMBER() OVER () AS stratum
                 FROM (SELECT DISTINCT department, generation, level_band FROM dated) s
             ), edges AS (
               SELECT s.stratum, d.person_id, d.hired_after, d.hired_by
                 FROM dated d JOIN strata s ON {same_stratum_d}
             ), stream AS (
               SELECT s.stratum, c.hired_on AS day, 0 AS edge, CAST(NULL AS BIGINT) AS person_id
                 FROM candidates c JOIN strata s ON {same_stratum_c}
               UNION ALL SELECT stratum, hired_after, -1, person_id FROM edges
               UNION ALL SELECT stratum, hired_by, 1, person_id FROM edges
             ), running AS (
               SELECT person_id, edge,
                      COUNT(*) FILTER (WHERE edge = 0) OVER (PARTITION BY stratum ORDER BY day, edge <> 0
                                                             ROWS UNBOUNDED PRECEDING) AS hired_by_day
                 FROM stream
             ), hired AS (
               SELECT person_id, CAST(SUM(edge * hired_by_day) AS BIGINT) AS hired
                 FROM running WHERE edge <> 0 GROUP BY person_id
             ), gone AS (
               SELECT d.person_id, SUM(CASE WHEN c.left_on < d.anchor THEN 1 ELSE 0 END) AS gone{gone}
                 FROM dated d JOIN candidates c ON {same_stratum_c_d} AND c.left_on IS NOT NULL
                  AND c.hired_on > d.hired_after AND c.hired_on <= d.hired_by
                GROUP BY d.person_id
             )"
            );
            let pool = format!(
                "SELECT h.person_id, h.hired - COALESCE(g.gone, 0) AS size{hired_stayed}
                   FROM hired h LEFT JOIN gone g ON g.person_id = h.person_id"
            );
            (counted, pool)
        } else {
            let pool = format!(
                "SELECT o.person_id, COUNT(*) AS size{stayed}
                   FROM observable o JOIN people np ON {stratum}
                    AND np.hired_on > o.hired_after AND np.hired_on <= o.hired_by
                  WHERE o.hired_on IS NOT NULL AND {grouped}
                  GROUP BY o.person_id"
            );
            (String::new(), pool)
        };
        let sql = format!(
            "WITH started AS (
               SELECT program_id, mentor_person_id, mentee_person_id, started_on FROM matches
                WHERE org_id = $1 AND status IN {STARTED} AND started_on <= $3
             ), ever AS (
               SELECT mentor_person_id AS person_id FROM started UNION SELECT mentee_person_id FROM started
             ), sides AS (
               SELECT mentor_person_id AS person_id, 'MENTOR' AS role, started_on FROM started WHERE program_id = $2
               UNION ALL
               SELECT mentee_person_id AS person_id, 'MENTEE' AS role, started_on FROM started WHERE program_id = $2
             ), participants AS (
               SELECT person_id, MIN(role) AS role, MIN(started_on) AS anchor FROM sides GROUP BY person_id
             ), banded AS (
               SELECT pa.person_id, pa.anchor, pa.role, {level_band} AS level_band_cell,
                      COALESCE(pe.department, '') AS department,
                      COALESCE(pe.generation, '') AS generation, (pe.level - 1) / 3 AS level_band,
                      pe.hired_on, pe.left_on, {years} AS years
                 FROM participants pa JOIN people pe ON pe.id = pa.person_id AND pe.org_id = $1
             ), observable AS (
               SELECT b.*, {hired_after} AS hired_after, {hired_by} AS hired_by{horizon_days}
                 FROM banded b
             ){counted}, pool AS (
               {dated_pool}
               UNION ALL
               SELECT o.person_id, COUNT(*) AS size{stayed}
                 FROM observable o JOIN people np ON {stratum} AND np.hired_on IS NULL
                WHERE o.hired_on IS NULL AND {grouped}
                GROUP BY o.person_id
             )
             SELECT o.department, o.generation, o.level_band_cell, o.role{figures}
               FROM observable o LEFT JOIN pool ON pool.person_id = o.person_id
              GROUP BY o.department, o.generation, o.level_band_cell, o.role"
        );
        let rows = self.aggregate(programs, &sql, values).await?;
        let mut counts = Vec::with_capacity(rows.len() * horizons.len());
        for (slot, months) in horizons.iter().enumerate() {
            for row in &rows {
                let real = |column: String| {
                    row.try_get::<Option<f64>>("", &column)
                        .map(Option::unwrap_or_default)
                        .map_err(|error| Error::Internal(format!("metrics column {column}: {error}")))
                };
                counts.push(ComparisonCounts {
                    months: *months,
                    cell: String::new(),
                    place: Place::read(row)?,
                    observable: count(row, &format!("observable_{slot}"))?,
                    matched: count(row, &format!("matched_{slot}"))?,
                    retained: real(format!("retained_{slot}"))?,
                    comparison: real(format!("comparison_{slot}"))?,
                    difference: real(format!("difference_{slot}"))?,
                    difference_squared: real(format!("squared_{slot}"))?,
                    crude_base: 0,
                    crude_retained: 0,
                });
            }
        }
        counts.extend(self.crude_counts(programs, starts_on, as_of, horizons).await?);
        Ok(counts)
    }

    /// The crude rate's counts: non-participants employed on `starts_on`, and of those employed on
    /// `starts_on` + each horizon that is on or before `as_of`; one row per horizon and place.
    async fn crude_counts(
        &self,
        programs: &[i64],
        starts_on: NaiveDate,
        as_of: NaiveDate,
        horizons: &[i32],
    ) -> Result<Vec<ComparisonCounts>> {
        let dialect = self.dialect();
        let mut values: Vec<Value> = vec![self.org.into(), as_of.into(), starts_on.into()];
        let horizon_rows = self.horizon_rows(horizons, &mut values);
        let first_day = dialect.date_parameter("$4");
        let day = dialect.add_months(&first_day, "h.months");
        let level_band = cell_of(Some(Dimension::LevelBand), "np", "");
        let sql = format!(
            "WITH started AS (
               SELECT mentor_person_id, mentee_person_id FROM matches
                WHERE org_id = $1 AND status IN {STARTED} AND started_on <= $3
             ), ever AS (
               SELECT mentor_person_id AS person_id FROM started UNION SELECT mentee_person_id FROM started
             ), horizons AS ({horizon_rows}), days AS (
               SELECT h.months, {day} AS day FROM horizons h
             ), base AS (
               SELECT COALESCE(np.department, '') AS department, COALESCE(np.generation, '') AS generation,
                      {level_band} AS level_band_cell, np.left_on FROM people np
                WHERE np.org_id = $1
                  AND (np.hired_on IS NULL OR np.hired_on <= {first_day})
                  AND (np.left_on IS NULL OR np.left_on >= {first_day})
                  AND np.id NOT IN (SELECT person_id FROM ever)
             )
             SELECT d.months, b.department, b.generation, b.level_band_cell, '' AS role, COUNT(*) AS crude_base,
                    CAST(SUM(CASE WHEN b.left_on IS NULL OR b.left_on >= d.day THEN 1 ELSE 0 END) AS BIGINT)
                      AS crude_stayed
               FROM base b CROSS JOIN days d WHERE d.day <= $3
              GROUP BY d.months, b.department, b.generation, b.level_band_cell"
        );
        self.aggregate(programs, &sql, values)
            .await?
            .iter()
            .map(|row| {
                Ok(ComparisonCounts {
                    months: months(row)?,
                    place: Place::read(row)?,
                    crude_base: count(row, "crude_base")?,
                    crude_retained: count(row, "crude_stayed")?,
                    ..Default::default()
                })
            })
            .collect()
    }

    /// Meeting cadence of program `program_id` as of `as_of` against `target` meetings per active
    /// month, one row per cell; a relationship counts in the cell of each of its two people.
    pub async fn cadence_counts(
        &self,
        programs: &[i64],
        as_of: NaiveDate,
        target: f64,
        dimension: Option<Dimension>,
    ) -> Result<Vec<CadenceCounts>> {
        let dialect = self.dialect();
        let days = dialect.days_inclusive("started_on", &dialect.earlier("COALESCE(ended_on, $3)", "$3"));
        let cell = cell_of(dimension, "pe", "side.role");
        // The people's rows are read only when their department, generation or level places them.
        let people = match dimension {
            None | Some(Dimension::Role) => "",
            Some(_) => "JOIN people pe ON pe.id = side.person_id AND pe.org_id = $1",
        };
        let sql = format!(
            // A relationship's meetings come from its kept totals (`match_meeting_totals`) when
            // its latest meeting is before the end of the day, and are counted otherwise. They
            // are materialised once per relationship for the cells to join: planners otherwise
            // re-run the aggregate for every cell row (SQLite did, and never finished at full size).
            "WITH program_rel AS MATERIALIZED (
               SELECT id, mentor_person_id, mentee_person_id, {days} AS days FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             ), totals AS MATERIALIZED (
               SELECT t.match_id, t.meetings, t.minutes, t.last_held_at FROM match_meeting_totals t
                WHERE t.match_id IN (SELECT id FROM program_rel) AND t.org_id = $1
             ), met AS MATERIALIZED (
               SELECT match_id, meetings, minutes FROM totals WHERE last_held_at < $4
               UNION ALL
               SELECT m.match_id, COUNT(*) AS meetings, SUM(m.minutes) AS minutes FROM meetings m
                WHERE m.match_id IN (SELECT match_id FROM totals WHERE last_held_at >= $4)
                  AND m.org_id = $1 AND m.held_at < $4
                GROUP BY m.match_id
             ), rel AS MATERIALIZED (
               SELECT r.id, r.mentor_person_id, r.mentee_person_id, r.days, COALESCE(met.meetings, 0) AS meetings,
                      COALESCE(met.minutes, 0) AS minutes
                 FROM program_rel r LEFT JOIN met ON met.match_id = r.id
             ), side AS (
               SELECT id, mentor_person_id AS person_id, 'MENTOR' AS role FROM rel
               UNION ALL SELECT id, mentee_person_id AS person_id, 'MENTEE' AS role FROM rel
             ), placed AS MATERIALIZED (
               SELECT side.id, side.person_id, {cell} AS cell FROM side {people}
             ), rel_cell AS (
               SELECT DISTINCT cell, id FROM placed
             ), people_cell AS (
               SELECT cell, COUNT(DISTINCT person_id) AS people FROM placed GROUP BY cell
             )
             SELECT rc.cell, COUNT(*) AS relationships, MIN(pc.people) AS people,
                    CAST(SUM(rel.meetings) AS BIGINT) AS meetings,
                    CAST(SUM(rel.minutes) AS BIGINT) AS minutes,
                    CAST(SUM(rel.days) AS BIGINT) AS active_days,
                    CAST(SUM(CASE WHEN rel.days >= 30 THEN 1 ELSE 0 END) AS BIGINT) AS eligible,
                    CAST(SUM(CASE WHEN rel.days >= 30 AND rel.meetings * 30.4375 >= $5 * rel.days
                             THEN 1 ELSE 0 END) AS BIGINT) AS reaching
               FROM rel_cell rc JOIN rel ON rel.id = rc.id JOIN people_cell pc ON pc.cell = rc.cell
              GROUP BY rc.cell ORDER BY rc.cell"
        );
        let values = vec![self.org.into(), as_of.into(), end_of(as_of).into(), target.into()];
        self.aggregate(programs, &sql, values)
            .await?
            .iter()
            .map(|row| {
                Ok(CadenceCounts {
                    cell: text(row, "cell")?,
                    relationships: count(row, "relationships")?,
                    people: count(row, "people")?,
                    meetings: count(row, "meetings")?,
                    minutes: count(row, "minutes")?,
                    active_days: count(row, "active_days")?,
                    eligible: count(row, "eligible")?,
                    reaching: count(row, "reaching")?,
                })
            })
            .collect()
    }

    /// A series over `periods` (each ending on or before `as_of`) for program `program_id`.
    pub async fn series_counts(
        &self,
        programs: &[i64],
        as_of: NaiveDate,
        periods: &[crate::domain::metrics::Period],
    ) -> Result<Vec<SeriesCounts>> {
        if periods.is_empty() {
            return Ok(Vec::new());
        }
        let dialect = self.dialect();
        let mut values: Vec<Value> = vec![self.org.into(), as_of.into()];
        let mut rows = Vec::with_capacity(periods.len());
        for period in periods {
            // Placeholders are numbered as if `$2` were the program (see `over_programs`).
            let at = values.len() + 2;
            rows.push(format!(
                "SELECT ${at} AS label, {} AS start_day, {} AS end_day",
                dialect.date_parameter(&format!("${}", at + 1)),
                dialect.date_parameter(&format!("${}", at + 2))
            ));
            values.extend([period.label.clone().into(), period.start.into(), period.end.into()]);
        }
        let periods = rows.join(" UNION ALL ");
        let in_period = |timestamp: &str| {
            let day = dialect.day_of(timestamp);
            format!("{day} >= p.start_day AND {day} <= p.end_day")
        };
        let (held, confirmed, submitted) =
            (in_period("m.held_at"), in_period("l.confirmed_at"), in_period("f.submitted_at"));
        let running = "rel.started_on <= p.end_day AND (rel.ended_on IS NULL OR rel.ended_on >= p.start_day)";
        let sql = format!(
            "WITH periods AS ({periods}), rel AS (
               SELECT id, mentor_person_id, mentee_person_id, started_on, ended_on FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             )
             SELECT p.label,
                    (SELECT COUNT(*) FROM rel WHERE rel.started_on >= p.start_day AND rel.started_on <= p.end_day) AS started,
                    (SELECT COUNT(*) FROM rel WHERE rel.started_on <= p.end_day
                        AND (rel.ended_on IS NULL OR rel.ended_on >= p.end_day)) AS active_at_end,
                    (SELECT COUNT(*) FROM (SELECT mentor_person_id AS person_id FROM rel WHERE {running}
                                           UNION SELECT mentee_person_id FROM rel WHERE {running}) people) AS people,
                    (SELECT COUNT(*) FROM meetings m JOIN rel ON rel.id = m.match_id
                      WHERE m.org_id = $1 AND {held}) AS meetings,
                    (SELECT CAST(SUM(m.minutes) AS BIGINT) FROM meetings m JOIN rel ON rel.id = m.match_id
                      WHERE m.org_id = $1 AND {held}) AS minutes,
                    (SELECT COUNT(*) FROM learnings l JOIN rel ON rel.id = l.match_id
                      WHERE l.org_id = $1 AND l.confirmed_at IS NOT NULL AND {confirmed}) AS learnings_confirmed,
                    (SELECT COUNT(*) FROM feedback f JOIN rel ON rel.id = f.match_id
                      WHERE f.org_id = $1 AND {submitted}) AS feedback
               FROM periods p ORDER BY p.start_day"
        );
        self.aggregate(programs, &sql, values)
            .await?
            .iter()
            .map(|row| {
                Ok(SeriesCounts {
                    label: text(row, "label")?,
                    started: count(row, "started")?,
                    active_at_end: count(row, "active_at_end")?,
                    people: count(row, "people")?,
                    meetings: count(row, "meetings")?,
                    minutes: count(row, "minutes")?,
                    learnings_confirmed: count(row, "learnings_confirmed")?,
                    feedback: count(row, "feedback")?,
                })
            })
            .collect()
    }

    /// Learnings of `programs` as of `as_of`, one list of cells per key in `keys`, all from one
    /// pass over the programs' learnings.
    pub async fn learning_counts(
        &self,
        programs: &[i64],
        as_of: NaiveDate,
        keys: &[LearningKey],
    ) -> Result<Vec<Vec<LearningCounts>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let learner_cell = keys.iter().find_map(|key| match key {
            LearningKey::Learner(dimension) => Some(cell_of(Some(*dimension), "lp", "l.learner_side")),
            _ => None,
        });
        // The learner's row is read only when a breakdown places them.
        let (learner_column, learner_join) = match &learner_cell {
            Some(cell) => (
                format!(", {cell} AS learner_cell"),
                "JOIN people lp ON lp.id = l.learner_person_id AND lp.org_id = $1".to_owned(),
            ),
            None => (String::new(), String::new()),
        };
        let figures = "COUNT(*) AS recorded, CAST(SUM(confirmed) AS BIGINT) AS confirmed, \
                       COUNT(DISTINCT learner_person_id) AS learners";
        let groups: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(slot, key)| {
                let column = match key {
                    // PostgreSQL refuses to group by a constant: the total is one ungrouped row.
                    LearningKey::Total => {
                        return format!("SELECT {slot} AS slot, '' AS cell, {figures} FROM program_learnings");
                    }
                    LearningKey::Side => "learner_side",
                    LearningKey::Category => "category",
                    LearningKey::Skill => "skill",
                    LearningKey::Learner(_) => "learner_cell",
                };
                format!("SELECT {slot} AS slot, {column} AS cell, {figures} FROM program_learnings GROUP BY {column}")
            })
            .collect();
        let groups = groups.join(" UNION ALL ");
        let sql = format!(
            "WITH rel AS (
               SELECT id FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             ), program_learnings AS (
               SELECT l.learner_person_id, l.learner_side, s.category, s.name AS skill{learner_column},
                      CASE WHEN l.confirmed_at IS NOT NULL AND l.confirmed_at < $4 THEN 1 ELSE 0 END AS confirmed
                 FROM learnings l JOIN rel ON rel.id = l.match_id
                 JOIN skills s ON s.id = l.skill_id AND s.org_id = $1
                 {learner_join}
                WHERE l.org_id = $1 AND l.created_at < $4
             )
             SELECT slot, cell, recorded, confirmed, learners FROM ({groups}) grouped ORDER BY slot, cell"
        );
        let values = vec![self.org.into(), as_of.into(), end_of(as_of).into()];
        let mut cells: Vec<Vec<LearningCounts>> = vec![Vec::new(); keys.len()];
        for row in self.aggregate(programs, &sql, values).await? {
            let slot =
                row.try_get::<i32>("", "slot").map_err(|error| Error::Internal(format!("metrics slot: {error}")))?;
            let counts = LearningCounts {
                key: text(&row, "cell")?,
                recorded: count(&row, "recorded")?,
                confirmed: count(&row, "confirmed")?,
                learners: count(&row, "learners")?,
            };
            if let Some(list) = usize::try_from(slot).ok().and_then(|slot| cells.get_mut(slot)) {
                list.push(counts);
            }
        }
        Ok(cells)
    }

    /// Confirmed learnings of each mentee recorded within `window_months` of their anchor, against `target`.
    pub async fn per_mentee_counts(
        &self,
        programs: &[i64],
        as_of: NaiveDate,
        window_months: i32,
        target: f64,
    ) -> Result<PerMenteeCounts> {
        let dialect = self.dialect();
        let until = dialect.add_months("anchor", "$5");
        let recorded = dialect.day_of("l.created_at");
        let sql = format!(
            "WITH rel AS (
               SELECT id, mentee_person_id, started_on FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             ), mentees AS (
               SELECT mentee_person_id AS person_id, MIN(started_on) AS anchor FROM rel GROUP BY mentee_person_id
             ), windowed AS (
               SELECT person_id, anchor, {until} AS until FROM mentees
             ), counted AS (
               SELECT w.person_id,
                      (SELECT COUNT(*) FROM learnings l JOIN rel ON rel.id = l.match_id
                        WHERE l.org_id = $1 AND l.learner_person_id = w.person_id
                          AND l.confirmed_at IS NOT NULL AND l.confirmed_at < $4
                          AND {recorded} >= w.anchor AND {recorded} <= w.until) AS learned
                 FROM windowed w WHERE w.until <= $3
             )
             SELECT COUNT(*) AS observable, CAST(SUM(learned) AS BIGINT) AS learned,
                    CAST(SUM(CASE WHEN learned >= $6 THEN 1 ELSE 0 END) AS BIGINT) AS reaching
               FROM counted"
        );
        let values = vec![self.org.into(), as_of.into(), end_of(as_of).into(), window_months.into(), target.into()];
        let rows = self.aggregate(programs, &sql, values).await?;
        let Some(row) = rows.first() else { return Ok(PerMenteeCounts::default()) };
        Ok(PerMenteeCounts {
            observable: count(row, "observable")?,
            learned: count(row, "learned")?,
            reaching: count(row, "reaching")?,
        })
    }

    /// Satisfaction of program `program_id` as of `as_of`: each person's latest answer per
    /// relationship, one row per cell of the respondents.
    pub async fn satisfaction_counts(
        &self,
        programs: &[i64],
        as_of: NaiveDate,
        dimension: Option<Dimension>,
    ) -> Result<Vec<SatisfactionCounts>> {
        let role = "CASE WHEN f.respondent_person_id = rel.mentor_person_id THEN 'MENTOR' ELSE 'MENTEE' END";
        let cell = cell_of(dimension, "pe", role);
        let sql = format!(
            "WITH rel AS (
               SELECT id, mentor_person_id FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             ), latest AS (
               SELECT f.respondent_person_id, f.satisfaction, f.confidence, {cell} AS cell,
                      ROW_NUMBER() OVER (PARTITION BY f.match_id, f.respondent_person_id
                                         ORDER BY f.submitted_at DESC, f.id DESC) AS n
                 FROM feedback f JOIN rel ON rel.id = f.match_id
                 JOIN people pe ON pe.id = f.respondent_person_id AND pe.org_id = $1
                WHERE f.org_id = $1 AND f.submitted_at < $4
             )
             SELECT cell, COUNT(*) AS answers, COUNT(DISTINCT respondent_person_id) AS respondents,
                    CAST(SUM(satisfaction) AS BIGINT) AS satisfaction_sum,
                    CAST(SUM(confidence) AS BIGINT) AS confidence_sum,
                    CAST(SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END) AS BIGINT) AS satisfied,
                    CAST(SUM(CASE WHEN confidence >= 4 THEN 1 ELSE 0 END) AS BIGINT) AS confident
               FROM latest WHERE n = 1 GROUP BY cell ORDER BY cell"
        );
        let values = vec![self.org.into(), as_of.into(), end_of(as_of).into()];
        self.aggregate(programs, &sql, values)
            .await?
            .iter()
            .map(|row| {
                Ok(SatisfactionCounts {
                    cell: text(row, "cell")?,
                    answers: count(row, "answers")?,
                    respondents: count(row, "respondents")?,
                    satisfaction_sum: count(row, "satisfaction_sum")?,
                    confidence_sum: count(row, "confidence_sum")?,
                    satisfied: count(row, "satisfied")?,
                    confident: count(row, "confident")?,
                })
            })
            .collect()
    }
}

/// One relationship as the row-level export shows it, before pseudonyms and generalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipRow {
    /// The relationship's row id (the keyset of the export's pages).
    pub id: i64,
    /// The mentor's and the mentee's row ids.
    pub mentor: i64,
    /// The mentee's row id.
    pub mentee: i64,
    /// The mentor's department, level band and generation (empty when unknown).
    pub mentor_traits: [String; 3],
    /// The mentee's.
    pub mentee_traits: [String; 3],
    /// First and last day (none while running).
    pub started_on: NaiveDate,
    /// The last day, when it ended on or before the day evaluated.
    pub ended_on: Option<NaiveDate>,
    /// ACTIVE, COMPLETED or ENDED_EARLY as of the day evaluated.
    pub status: String,
    /// Meetings held on or before the day, and their minutes.
    pub meetings: i64,
    /// Minutes of those meetings.
    pub minutes: i64,
    /// Learnings recorded on or before the day, and of those confirmed by then.
    pub learnings_recorded: i64,
    /// Confirmed by the day.
    pub learnings_confirmed: i64,
    /// Each side's latest answer as of the day: (satisfaction, confidence).
    pub mentor_latest: Option<(i64, i64)>,
    /// The mentee's.
    pub mentee_latest: Option<(i64, i64)>,
}

impl Scoped<'_> {
    /// The people of `program`'s relationships started on or before `as_of`, one entry per person
    /// (department, level band, generation): what the export's generalisation counts.
    pub async fn relationship_people(&self, program: i64, as_of: NaiveDate) -> Result<Vec<[String; 3]>> {
        let band = cell_of(Some(Dimension::LevelBand), "pe", "");
        let sql = format!(
            "WITH rel AS (
               SELECT mentor_person_id, mentee_person_id FROM matches
                WHERE org_id = $1 AND program_id = $2 AND status IN {STARTED} AND started_on <= $3
             ), participants AS (
               SELECT mentor_person_id AS person_id FROM rel UNION SELECT mentee_person_id FROM rel
             )
             SELECT COALESCE(pe.department, '') AS department, {band} AS band,
                    COALESCE(pe.generation, '') AS generation
               FROM participants pa JOIN people pe ON pe.id = pa.person_id AND pe.org_id = $1"
        );
        let values = vec![self.org.into(), as_of.into()];
        self.aggregate(&[program], &sql, values)
            .await?
            .iter()
            .map(|row| Ok([text(row, "department")?, text(row, "band")?, text(row, "generation")?]))
            .collect()
    }

    /// Up to `limit` relationships of `program` started on or before `as_of`, with ids after
    /// `after`, in id order: each with its counts as of that day.
    pub async fn relationship_rows(
        &self,
        program: i64,
        as_of: NaiveDate,
        after: i64,
        limit: u64,
    ) -> Result<Vec<RelationshipRow>> {
        let (mentor_band, mentee_band) =
            (cell_of(Some(Dimension::LevelBand), "mp", ""), cell_of(Some(Dimension::LevelBand), "ep", ""));
        let latest = |person: &str, column: &str| {
            format!(
                "(SELECT f.{column} FROM feedback f WHERE f.match_id = m.id AND f.respondent_person_id = m.{person}
                   AND f.org_id = $1 AND f.submitted_at < $4 ORDER BY f.submitted_at DESC, f.id DESC LIMIT 1)"
            )
        };
        let (mentor_satisfaction, mentor_confidence, mentee_satisfaction, mentee_confidence) = (
            latest("mentor_person_id", "satisfaction"),
            latest("mentor_person_id", "confidence"),
            latest("mentee_person_id", "satisfaction"),
            latest("mentee_person_id", "confidence"),
        );
        let sql = format!(
            "SELECT m.id, m.mentor_person_id, m.mentee_person_id, m.started_on,
                    CASE WHEN m.ended_on <= $3 THEN m.ended_on END AS ended_on,
                    CASE WHEN m.ended_on IS NULL OR m.ended_on > $3 THEN 'ACTIVE' ELSE m.status END AS status,
                    COALESCE(mp.department, '') AS mentor_department, {mentor_band} AS mentor_band,
                    COALESCE(mp.generation, '') AS mentor_generation,
                    COALESCE(ep.department, '') AS mentee_department, {mentee_band} AS mentee_band,
                    COALESCE(ep.generation, '') AS mentee_generation,
                    (SELECT COUNT(*) FROM meetings x WHERE x.match_id = m.id AND x.org_id = $1 AND x.held_at < $4)
                      AS meetings,
                    (SELECT CAST(SUM(x.minutes) AS BIGINT) FROM meetings x
                      WHERE x.match_id = m.id AND x.org_id = $1 AND x.held_at < $4) AS minutes,
                    (SELECT COUNT(*) FROM learnings l WHERE l.match_id = m.id AND l.org_id = $1 AND l.created_at < $4)
                      AS learnings_recorded,
                    (SELECT COUNT(*) FROM learnings l WHERE l.match_id = m.id AND l.org_id = $1 AND l.created_at < $4
                        AND l.confirmed_at IS NOT NULL AND l.confirmed_at < $4) AS learnings_confirmed,
                    CAST({mentor_satisfaction} AS BIGINT) AS mentor_satisfaction,
                    CAST({mentor_confidence} AS BIGINT) AS mentor_confidence,
                    CAST({mentee_satisfaction} AS BIGINT) AS mentee_satisfaction,
                    CAST({mentee_confidence} AS BIGINT) AS mentee_confidence
               FROM matches m
               JOIN people mp ON mp.id = m.mentor_person_id AND mp.org_id = $1
               JOIN people ep ON ep.id = m.mentee_person_id AND ep.org_id = $1
              WHERE m.org_id = $1 AND m.program_id = $2 AND m.status IN {STARTED} AND m.started_on <= $3
                AND m.id > $5
              ORDER BY m.id LIMIT $6"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let values = vec![self.org.into(), as_of.into(), end_of(as_of).into(), after.into(), limit.into()];
        let rows = self.aggregate(&[program], &sql, values).await?;
        let id = |row: &QueryResult, column: &str| {
            row.try_get::<i64>("", column).map_err(|error| Error::Internal(format!("export column {column}: {error}")))
        };
        let answer = |row: &QueryResult, person: &str| -> Result<Option<(i64, i64)>> {
            let read = |column: String| {
                row.try_get::<Option<i64>>("", &column)
                    .map_err(|error| Error::Internal(format!("export column {column}: {error}")))
            };
            Ok(read(format!("{person}_satisfaction"))?.zip(read(format!("{person}_confidence"))?))
        };
        rows.iter()
            .map(|row| {
                Ok(RelationshipRow {
                    id: id(row, "id")?,
                    mentor: id(row, "mentor_person_id")?,
                    mentee: id(row, "mentee_person_id")?,
                    mentor_traits: [
                        text(row, "mentor_department")?,
                        text(row, "mentor_band")?,
                        text(row, "mentor_generation")?,
                    ],
                    mentee_traits: [
                        text(row, "mentee_department")?,
                        text(row, "mentee_band")?,
                        text(row, "mentee_generation")?,
                    ],
                    started_on: row
                        .try_get::<NaiveDate>("", "started_on")
                        .map_err(|error| Error::Internal(format!("export column started_on: {error}")))?,
                    ended_on: row
                        .try_get::<Option<NaiveDate>>("", "ended_on")
                        .map_err(|error| Error::Internal(format!("export column ended_on: {error}")))?,
                    status: text(row, "status")?,
                    meetings: count(row, "meetings")?,
                    minutes: count(row, "minutes")?,
                    learnings_recorded: count(row, "learnings_recorded")?,
                    learnings_confirmed: count(row, "learnings_confirmed")?,
                    mentor_latest: answer(row, "mentor")?,
                    mentee_latest: answer(row, "mentee")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::over_programs;

    #[test]
    fn one_statement_serves_one_program_or_several() {
        let sql = "WHERE org_id = $1 AND program_id = $2 AND started_on <= $3 AND x < $12";
        assert_eq!(
            over_programs(sql, &[7]),
            "WHERE org_id = $1 AND program_id IN (7) AND started_on <= $2 AND x < $11"
        );
        assert_eq!(
            over_programs(sql, &[7, 9]),
            "WHERE org_id = $1 AND program_id IN (7, 9) AND started_on <= $2 AND x < $11"
        );
        assert!(over_programs(sql, &[]).contains("program_id IN (NULL)"), "no program: nothing matches");
    }
}
