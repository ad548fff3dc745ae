//! CSV exports for analysts' spreadsheets and BI tools. An export runs a GraphQL document
//! through the same path as `/graphql` (token, roles, org scope, suppression), then writes the
//! answer as RFC 4180 CSV in a tidy layout: one row per figure, cell and measure.
//!
//! `GET /exports/programs/{id}/metrics.csv?asOf=YYYY-MM-DD&horizons=3,6,12&by=DEPARTMENT`

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::graphql::{Media, admit, error_response, run_for};
use crate::error::Error;

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
    let viewer = match admit(&state, &headers, media) {
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
        Err(error) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, media, &error),
    };
    if let Some(error) = response.errors.first() {
        let code = error.extensions.as_ref().and_then(|ext| ext.get("code")).map(|code| code.to_string());
        let code = code.unwrap_or_default();
        let status = match code.trim_matches('"') {
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "INTERNAL_SERVER_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        let body =
            json!({ "errors": [{ "message": error.message, "extensions": { "code": code.trim_matches('"') } }] });
        return (status, axum::Json(body)).into_response();
    }
    let data = serde_json::to_value(&response.data).unwrap_or(Value::Null);
    let csv = metrics_csv(&data["programMetrics"], params.by.as_deref());
    let mut response = (StatusCode::OK, csv).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"program-metrics.csv\""));
    response
}

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
