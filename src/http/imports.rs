//! Imports, ADMIN only, each answered with its report (200 when written or a clean dry run, 422
//! when something was refused, and then nothing is written):
//! - `POST /imports/people`: an HRIS file as CSV (UTF-8, optional BOM, `,` or `;`, RFC 4180
//!   quoting), `?dryRun=true` to check without writing, `?fullSnapshot=true` when the file lists
//!   everyone employed, `?source=workday` for a source's column names. Parsed as it streams in.
//! - `POST /imports/programs/{id}/history`: an earlier program's relationships and records as one
//!   JSON document (`domain::history`), `?dryRun=true` likewise.

use std::collections::HashMap;

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::AppState;
use super::graphql::{Media, admit, error_response};
use crate::auth::Role;
use crate::domain::history::HistoryDocument;
use crate::domain::import::{Columns, MAX_ROWS, PersonField, RowError};
use crate::error::Error;
use crate::graphql::ids::{self, Kind};
use crate::store::imports::PeopleImport;

/// Longest line (record) accepted, in bytes: a row of a people file is a few hundred.
const MAX_RECORD_BYTES: usize = 64 * 1024;

/// The import's query string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportParams {
    dry_run: Option<bool>,
    full_snapshot: Option<bool>,
    source: Option<String>,
}

/// `POST /imports/people`.
pub async fn people(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ImportParams>,
    body: Body,
) -> Response {
    let media = Media::Json;
    let viewer = match admit(&state, &headers, media) {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    let answer = async {
        viewer.require(&[Role::Admin], "importing people")?;
        let store = state.store.scoped(&viewer.org, &viewer.subject);
        let names = match params.source.as_deref() {
            Some(source) => store.import_source(source).await?,
            None => HashMap::new(),
        };
        let (rows, refused) = read_rows(body, &names).await?;
        let import = PeopleImport {
            rows,
            refused,
            dry_run: params.dry_run.unwrap_or(false),
            full_snapshot: params.full_snapshot.unwrap_or(false),
            source: params.source.clone(),
        };
        store.import_people(import).await
    };
    match answer.await {
        Ok(report) => reported(report.rejected.is_empty(), report),
        Err(error) => refused(&error),
    }
}

/// The query string of a history import.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryParams {
    dry_run: Option<bool>,
}

/// `POST /imports/programs/{id}/history`.
pub async fn program_history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(program_id): Path<String>,
    Query(params): Query<HistoryParams>,
    body: Bytes,
) -> Response {
    let viewer = match admit(&state, &headers, Media::Json) {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    let answer = async {
        viewer.require(&[Role::Admin], "importing a program's history")?;
        let program = ids::decode("programId", &async_graphql::ID(program_id), Kind::Program)
            .map_err(|_| Error::not_found("program"))?;
        let document: HistoryDocument = serde_json::from_slice(&body)
            .map_err(|error| Error::BadInput(format!("the body is not a history document: {error}")))?;
        let store = state.store.scoped(&viewer.org, &viewer.subject);
        store.import_history(program, document, params.dry_run.unwrap_or(false)).await
    };
    match answer.await {
        Ok(report) => reported(report.rejected.is_empty(), report),
        Err(error) => refused(&error),
    }
}

fn reported(clean: bool, report: impl serde::Serialize) -> Response {
    let status = if clean { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, axum::Json(report)).into_response()
}

fn refused(error: &Error) -> Response {
    let status = match error {
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::BadInput(_) | Error::IllegalTransition(_) => StatusCode::BAD_REQUEST,
        Error::Conflict(_) => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error_response(status, Media::Json, error)
}

/// Reads the file as it streams in: the header, then each row, parsed or refused with its line.
async fn read_rows(
    body: Body,
    names: &HashMap<PersonField, String>,
) -> Result<(Vec<crate::domain::import::PersonRow>, Vec<RowError>), Error> {
    let mut stream = body.into_data_stream();
    let mut parser: Option<csv_core::Reader> = None;
    let mut pending: Vec<u8> = Vec::new();
    let mut fields: Vec<u8> = vec![0; 4096];
    let mut ends: Vec<usize> = vec![0; 32];
    let (mut field_len, mut ends_len) = (0usize, 0usize);
    let mut columns: Option<Columns> = None;
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    let mut line: u64 = 0;
    let mut finished = false;
    while !finished {
        let chunk = match stream.next().await {
            Some(Ok(bytes)) => bytes.to_vec(),
            Some(Err(error)) => return Err(Error::BadInput(format!("the body could not be read: {error}"))),
            None => Vec::new(),
        };
        let at_end = chunk.is_empty();
        pending.extend_from_slice(&chunk);
        if parser.is_none() {
            // The delimiter is whichever of ',' and ';' the header line has more of.
            let Some(end) = pending.iter().position(|byte| *byte == b'\n').or(at_end.then_some(pending.len())) else {
                continue;
            };
            if pending.starts_with(b"\xEF\xBB\xBF") {
                pending.drain(..3);
            }
            let header = &pending[..end.min(pending.len())];
            let count = |delimiter: u8| header.iter().filter(|byte| **byte == delimiter).count();
            let delimiter = if count(b';') > count(b',') { b';' } else { b',' };
            parser = Some(csv_core::ReaderBuilder::new().delimiter(delimiter).build());
        }
        let reader = parser.as_mut().expect("built above");
        let mut input: &[u8] = &pending;
        loop {
            let (result, read, written, ended) =
                reader.read_record(input, &mut fields[field_len..], &mut ends[ends_len..]);
            input = &input[read..];
            field_len += written;
            ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {
                    if at_end && input.is_empty() {
                        // Fed nothing once more, the parser ends the last record.
                        let (result, _, written, ended) =
                            reader.read_record(&[], &mut fields[field_len..], &mut ends[ends_len..]);
                        field_len += written;
                        ends_len += ended;
                        if matches!(result, csv_core::ReadRecordResult::Record) {
                            line += 1;
                            take_record(
                                &fields,
                                &ends[..ends_len],
                                line,
                                names,
                                &mut columns,
                                &mut rows,
                                &mut refused,
                            )?;
                        }
                        finished = true;
                    }
                    break;
                }
                csv_core::ReadRecordResult::OutputFull => {
                    if fields.len() >= MAX_RECORD_BYTES {
                        return Err(Error::BadInput(format!(
                            "line {} is longer than {MAX_RECORD_BYTES} bytes",
                            line + 1
                        )));
                    }
                    fields.resize(fields.len() * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    if ends.len() >= 1024 {
                        return Err(Error::BadInput(format!("line {} has more than 1024 cells", line + 1)));
                    }
                    ends.resize(ends.len() * 2, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    line += 1;
                    take_record(&fields, &ends[..ends_len], line, names, &mut columns, &mut rows, &mut refused)?;
                    if rows.len() + refused.len() > MAX_ROWS {
                        return Err(Error::BadInput(format!(
                            "an import holds at most {MAX_ROWS} rows; split the file"
                        )));
                    }
                    field_len = 0;
                    ends_len = 0;
                }
                csv_core::ReadRecordResult::End => {
                    finished = true;
                    break;
                }
            }
        }
        let consumed = pending.len() - input.len();
        pending.drain(..consumed);
    }
    if columns.is_none() {
        return Err(Error::BadInput("the file is empty: it needs a header row".into()));
    }
    Ok((rows, refused))
}

/// One record: the header (line 1) sets the columns, any other line is a row.
fn take_record(
    fields: &[u8],
    ends: &[usize],
    line: u64,
    names: &HashMap<PersonField, String>,
    columns: &mut Option<Columns>,
    rows: &mut Vec<crate::domain::import::PersonRow>,
    refused: &mut Vec<RowError>,
) -> Result<(), Error> {
    let mut cells = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends {
        let cell = std::str::from_utf8(&fields[start..*end])
            .map_err(|_| Error::BadInput(format!("line {line} is not UTF-8")))?;
        cells.push(cell.to_owned());
        start = *end;
    }
    match columns {
        None => *columns = Some(Columns::from_header(&cells, names).map_err(Error::BadInput)?),
        // A blank line is no row.
        Some(_) if cells.iter().all(|cell| cell.trim().is_empty()) => {}
        Some(columns) => match columns.row(line, &cells) {
            Ok(row) => rows.push(row),
            Err(error) => refused.push(error),
        },
    }
    Ok(())
}
