//! CSV exports for analysts' spreadsheets and BI tools. An export runs a GraphQL document
//! through the same path as `/graphql` (token, roles, org scope, suppression), then writes the
//! answer as RFC 4180 CSV in a tidy layout: one row per figure, cell and measure.
//!
//! `GET /exports/programs/{id}/metrics.csv?asOf=YYYY-MM-DD&horizons=3,6,12&by=DEPARTMENT`
//!
//! One row per relationship goes straight to the store, page by page, and is streamed:
//! `GET /exports/programs/{id}/relationships.csv?asOf=YYYY-MM-DD`. People appear as keyed
//! pseudonyms, and their department, level band and generation only as far as the
//! organisation's smallest group shares them (`domain::pseudonym`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::graphql::{Media, admit, error_response, run_for};
use super::{AppState, status_of};
use crate::domain::pseudonym::{self, Traits};
use crate::error::Error;
use crate::graphql::access::READERS;
use crate::graphql::ids::{self, Kind};
use crate::store::metrics::RelationshipRow;

/// Relationships read per page while streaming the row-level export.
const PAGE: u64 = 500;

/// The row-level export's columns.
const RELATIONSHIP_COLUMNS: &str = "relationship,mentor,mentee,mentor_department,mentor_level_band,\
mentor_generation,mentee_department,mentee_level_band,mentee_generation,started_on,ended_on,status,meetings,\
hours,learnings_recorded,learnings_confirmed,mentor_satisfaction,mentor_confidence,mentee_satisfaction,\
mentee_confidence\r\n";

/// The figures of `programMetrics`, as the export reads them.
const METRICS: &str = "query($p: ID!, $d: NaiveDate, $h: [Int!], $by: MetricsDimension!, $split: Boolean!) {
  programMetrics(programId: $p, asOf: $d, horizons: $h) { asOf minGroupSize
    retention { months observable retained rate suppressed byRole { role observable retained rate suppressed } }
    matchedComparison { months matched unmatched participantRate comparisonRate difference intervalLow intervalHigh
                        crudeRate suppressed }
    cadence { relationships meetings hours activeMonths meetingsPerActiveMonth hoursPerActiveMonth
              eligibleRelationships target shareReachingTarget suppressed }
    skillsLearned { recorded confirmed learners suppressed
      bySide { key recorded confirmed learners suppressed } byCategory { key recorded confirmed learners suppressed }
      bySkill { key recorded confirmed learners suppressed }
      perMentee { windowMonths target observable mean shareReachingTarget suppressed } }
    satisfaction { answers respondents averageSatisfaction averageConfidence shareSatisfied shareConfident suppressed }
    objectives { kind target actual dueOn status }
    breakdown(by: $by) @include(if: $split) { key
      retention { months observable retained rate suppressed }
      matchedComparison { months matched unmatched participantRate comparisonRate difference intervalLow
                          intervalHigh crudeRate suppressed }
      cadence { relationships meetings hours activeMonths meetingsPerActiveMonth hoursPerActiveMonth
                eligibleRelationships target shareReachingTarget suppressed }
      skillsLearned { recorded confirmed learners suppressed }
      satisfaction { answers respondents averageSatisfaction averageConfidence shareSatisfied shareConfident suppressed } } } }";

/// The export's query string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsParams {
    /// The day evaluated (default today).
    as_of: Option<String>,
    /// Retention horizons in months, comma-separated (default 3,6,12).
    horizons: Option<String>,
    /// A breakdown: DEPARTMENT, GENERATION, LEVEL_BAND or ROLE.
    by: Option<String>,
}

/// The metrics of one program as CSV.
pub async fn program_metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(program_id): Path<String>,
    Query(params): Query<MetricsParams>,
) -> Response {
    let media = Media::Json;
    let viewer = match admit(&state, &headers, media).await {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    let horizons = match params.horizons.as_deref().map(parse_horizons).transpose() {
        Ok(horizons) => horizons,
        Err(error) => return error_response(StatusCode::BAD_REQUEST, media, &error),
    };
    let variables = json!({ "p": program_id, "d": params.as_of, "h": horizons,
                            "by": params.by.as_deref().unwrap_or("ROLE"), "split": params.by.is_some() });
    let request = async_graphql::Request::new(METRICS).variables(async_graphql::Variables::from_json(variables));
    let response = match run_for(&state, viewer, request).await {
        Ok(response) => response,
        Err(error) => return error_response(status_of(error.code()), media, &error),
    };
    if let Some(error) = response.errors.first() {
        let code = error.extensions.as_ref().and_then(|ext| ext.get("code")).map(|code| code.to_string());
        let code = code.unwrap_or_default();
        let status = status_of(code.trim_matches('"'));
        let body =
            json!({ "errors": [{ "message": error.message, "extensions": { "code": code.trim_matches('"') } }] });
        return (status, axum::Json(body)).into_response();
    }
    let data = serde_json::to_value(&response.data).unwrap_or(Value::Null);
    let csv = metrics_csv(&data["programMetrics"], params.by.as_deref());
    as_csv((StatusCode::OK, csv).into_response(), "attachment; filename=\"program-metrics.csv\"")
}

/// A day given in the query string (YYYY-MM-DD), if any.
fn day(name: &str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>, Error> {
    text.map(|text| {
        text.parse().map_err(|_| {
            Error::BadInput(format!("{name}: '{}' is not a date (YYYY-MM-DD)", crate::graphql::admission::short(text)))
        })
    })
    .transpose()
}

/// A response labelled as a CSV file to save under the name `disposition` gives.
fn as_csv(mut response: Response, disposition: &'static str) -> Response {
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    response.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(disposition));
    response
}

/// The row-level export's query string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipParams {
    /// The day evaluated (default today).
    as_of: Option<String>,
}

/// One row per relationship of a program as CSV, streamed page by page.
pub async fn program_relationships(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(program_id): Path<String>,
    Query(params): Query<RelationshipParams>,
) -> Response {
    let media = Media::Json;
    let viewer = match admit(&state, &headers, media).await {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    match relationship_export(&state, &viewer, &program_id, params).await {
        Ok(export) => {
            let stream = futures_util::stream::unfold(Some(export), move |export| async move {
                let mut export = export?;
                match export.next_chunk().await {
                    Ok(Some(chunk)) => Some((Ok::<_, std::io::Error>(chunk), Some(export))),
                    Ok(None) => None,
                    // The status line has gone: the client sees the body cut short.
                    Err(error) => {
                        tracing::error!(?error, "the relationships export failed part way");
                        Some((Err(std::io::Error::other(error.message().to_owned())), None))
                    }
                }
            });
            let response = axum::body::Body::from_stream(stream).into_response();
            as_csv(response, "attachment; filename=\"program-relationships.csv\"")
        }
        Err(error) => error_response(status_of(error.code()), media, &error),
    }
}

/// The completions export's query string.
#[derive(Debug, Deserialize)]
pub struct CompletionParams {
    /// First completion day (YYYY-MM-DD), included.
    from: Option<String>,
    /// Last completion day, included.
    to: Option<String>,
}

/// Completed relationships in the layout LMSs import external training from: one row per
/// person, `employee_id,title,completion_date,hours` (LMS, ADMIN).
pub async fn training_completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<CompletionParams>,
) -> Response {
    let media = Media::Json;
    let viewer = match admit(&state, &headers, media).await {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    match completions_csv(&state, &viewer, params).await {
        Ok(csv) => as_csv((StatusCode::OK, csv).into_response(), "attachment; filename=\"training-completions.csv\""),
        Err(error) => error_response(status_of(error.code()), media, &error),
    }
}

async fn completions_csv(
    state: &AppState,
    viewer: &crate::auth::Viewer,
    params: CompletionParams,
) -> Result<String, Error> {
    viewer.require(&[crate::auth::Role::Lms, crate::auth::Role::Admin], "exporting training completions")?;
    let (from, to) = (day("from", params.from.as_deref())?, day("to", params.to.as_deref())?);
    let completions = state.store.scoped(&viewer.org, &viewer.subject).completions(from, to).await?;
    let mut csv = String::from("employee_id,title,completion_date,hours\r\n");
    for completion in completions {
        let side = match completion.side {
            crate::domain::relationship::PairSide::Mentor => "mentor",
            crate::domain::relationship::PairSide::Mentee => "mentee",
        };
        let title = format!("Reverse mentoring: {} ({side})", completion.program_name);
        let hours = format!("{:.2}", completion.minutes as f64 / 60.0);
        let cells = [completion.employee_id, title, completion.completed_on.to_string(), hours];
        let row: Vec<String> = cells.iter().map(|cell| quoted(&neutralised(cell))).collect();
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    Ok(csv)
}

/// What streaming the row-level export needs between pages.
struct RelationshipExport {
    state: AppState,
    org: String,
    program: i64,
    as_of: chrono::NaiveDate,
    key: Vec<u8>,
    shown: std::collections::BTreeMap<Traits, Traits>,
    /// The last relationship written, or none before the header.
    after: Option<i64>,
    done: bool,
}

/// Checks the caller and the program and prepares the export; nothing is written yet.
async fn relationship_export(
    state: &AppState,
    viewer: &crate::auth::Viewer,
    program_id: &str,
    params: RelationshipParams,
) -> Result<RelationshipExport, Error> {
    viewer.require(READERS, "exporting relationships")?;
    let program = ids::decode("program id", &async_graphql::ID(program_id.to_owned()), Kind::Program)?;
    let as_of = day("asOf", params.as_of.as_deref())?.unwrap_or_else(crate::store::today);
    state.store.scoped(&viewer.org, "system").apply_due_departures().await?;
    let store = state.store.scoped(&viewer.org, &viewer.subject);
    store.program(program).await?.ok_or_else(|| Error::not_found("program"))?;
    let min_group_size = usize::try_from(store.org_settings().await?.min_group_size).unwrap_or(usize::MAX);
    let people = store.relationship_people(program, as_of).await?;
    Ok(RelationshipExport {
        state: state.clone(),
        org: viewer.org.clone(),
        program,
        as_of,
        key: store.pseudonym_key().await?,
        shown: pseudonym::generalised(&people, min_group_size),
        after: None,
        done: false,
    })
}

impl RelationshipExport {
    /// The header, then one page of rows per call, then nothing.
    async fn next_chunk(&mut self) -> Result<Option<String>, Error> {
        let Some(after) = self.after else {
            self.after = Some(0);
            return Ok(Some(RELATIONSHIP_COLUMNS.to_owned()));
        };
        if self.done {
            return Ok(None);
        }
        let store = self.state.store.scoped(&self.org, "export");
        let rows = store.relationship_rows(self.program, self.as_of, after, PAGE).await?;
        self.done = (rows.len() as u64) < PAGE;
        let Some(last) = rows.last() else { return Ok(None) };
        self.after = Some(last.id);
        let mut out = Rows(String::new());
        for row in &rows {
            self.write(&mut out, row);
        }
        Ok(Some(out.0))
    }

    fn write(&self, out: &mut Rows, row: &RelationshipRow) {
        let withheld = || std::array::from_fn(|_| pseudonym::WITHHELD.to_owned());
        let shown = |traits: &Traits| self.shown.get(traits).cloned().unwrap_or_else(withheld);
        let (mentor, mentee) = (shown(&row.mentor_traits), shown(&row.mentee_traits));
        let answer = |latest: Option<(i64, i64)>, pick: fn((i64, i64)) -> i64| {
            latest.map(|answer| pick(answer).to_string()).unwrap_or_default()
        };
        let fields = [
            pseudonym::pseudonym(&self.key, "relationship", row.id),
            pseudonym::pseudonym(&self.key, "person", row.mentor),
            pseudonym::pseudonym(&self.key, "person", row.mentee),
            mentor[0].clone(),
            mentor[1].clone(),
            mentor[2].clone(),
            mentee[0].clone(),
            mentee[1].clone(),
            mentee[2].clone(),
            row.started_on.to_string(),
            row.ended_on.map(|day| day.to_string()).unwrap_or_default(),
            row.status.clone(),
            row.meetings.to_string(),
            (row.minutes as f64 / 60.0).to_string(),
            row.learnings_recorded.to_string(),
            row.learnings_confirmed.to_string(),
            answer(row.mentor_latest, |(satisfaction, _)| satisfaction),
            answer(row.mentor_latest, |(_, confidence)| confidence),
            answer(row.mentee_latest, |(satisfaction, _)| satisfaction),
            answer(row.mentee_latest, |(_, confidence)| confidence),
        ];
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        out.row(&fields);
    }
}

/// The status of an export refused with error `code`: the answer never started, so it can say.
fn parse_horizons(text: &str) -> Result<Vec<i32>, Error> {
    text.split(',')
        .map(|part| {
            part.trim()
                .parse::<i32>()
                .map_err(|_| Error::BadInput("horizons: give whole months separated by commas, e.g. 3,6,12".into()))
        })
        .collect()
}

/// One CSV line per measure: figure, dimension, cell, months, measure, value, suppressed.
fn metrics_csv(metrics: &Value, by: Option<&str>) -> String {
    let mut out = Rows(String::from("figure,dimension,cell,months,measure,value,suppressed\r\n"));
    for figure in list(&metrics["retention"]) {
        out.figure("retention", "", "", figure);
        for cell in list(&figure["byRole"]) {
            out.figure("retention", "ROLE", text(&cell["role"]), &with_months(cell, &figure["months"]));
        }
    }
    for figure in list(&metrics["matchedComparison"]) {
        out.figure("matched_comparison", "", "", figure);
    }
    out.figure("cadence", "", "", &metrics["cadence"]);
    let skills = &metrics["skillsLearned"];
    out.figure("skills_learned", "", "", skills);
    for (dimension, field) in [("SIDE", "bySide"), ("CATEGORY", "byCategory"), ("SKILL", "bySkill")] {
        for cell in list(&skills[field]) {
            out.figure("skills_learned", dimension, text(&cell["key"]), cell);
        }
    }
    if skills["perMentee"].is_object() {
        out.figure("skills_per_mentee", "", "", &skills["perMentee"]);
    }
    out.figure("satisfaction", "", "", &metrics["satisfaction"]);
    for objective in list(&metrics["objectives"]) {
        let kind = text(&objective["kind"]);
        for measure in ["target", "actual", "dueOn", "status"] {
            out.row(&["objective", "", kind, "", measure, &plain(&objective[measure]), "false"]);
        }
    }
    let dimension = by.unwrap_or("");
    for cell in list(&metrics["breakdown"]) {
        let key = text(&cell["key"]);
        for figure in list(&cell["retention"]) {
            out.figure("retention", dimension, key, figure);
        }
        for figure in list(&cell["matchedComparison"]) {
            out.figure("matched_comparison", dimension, key, figure);
        }
        for name in ["cadence", "skillsLearned", "satisfaction"] {
            let figure = match name {
                "skillsLearned" => "skills_learned",
                other => other,
            };
            out.figure(figure, dimension, key, &cell[name]);
        }
    }
    out.0
}

struct Rows(String);

impl Rows {
    /// Every measure of a figure object (its scalar fields but `months`, `suppressed` and keys).
    fn figure(&mut self, figure: &str, dimension: &str, cell: &str, value: &Value) {
        let Some(fields) = value.as_object() else { return };
        let months = plain(&value["months"]);
        let suppressed = plain(&value["suppressed"]);
        for (measure, value) in fields {
            let skipped = matches!(measure.as_str(), "months" | "suppressed" | "key" | "role");
            if skipped || value.is_array() || value.is_object() {
                continue;
            }
            self.row(&[figure, dimension, cell, &months, measure, &plain(value), &suppressed]);
        }
    }

    fn row(&mut self, fields: &[&str]) {
        let line: Vec<String> = fields.iter().map(|field| quoted(&neutralised(field))).collect();
        self.0.push_str(&line.join(","));
        self.0.push_str("\r\n");
    }
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

fn with_months(cell: &Value, months: &Value) -> Value {
    let mut cell = cell.clone();
    cell["months"] = months.clone();
    cell
}

/// A JSON scalar as a CSV value: null is empty.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or CR as a formula; a leading
/// quote makes it text. Numbers the service writes itself are left alone.
fn neutralised(field: &str) -> String {
    let numeric = field.parse::<f64>().is_ok();
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !numeric => format!("'{field}"),
        _ => field.to_owned(),
    }
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(quoted(&neutralised("=HYPERLINK(\"x\")")), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(neutralised("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralised("-0.25"), "-0.25", "a number stays a number");
        assert_eq!(quoted("Sales, EMEA"), "\"Sales, EMEA\"");
        assert_eq!(quoted("plain"), "plain");
    }
}
