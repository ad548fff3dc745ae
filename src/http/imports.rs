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
use axum::extract::{FromRequest, Multipart, Request};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;

use super::AppState;
use super::graphql::{Media, admit, error_response};
use crate::auth::Role;
use crate::domain::history::{FromTables, HistoryDocument, Table, from_tables};
use crate::domain::import::{Columns, MAX_ROWS, PersonField, PersonRow, RowError};
use crate::error::Error;
use crate::graphql::ids::{self, Kind};
use crate::store::history::{HistoryReport, RejectedRecord};
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
    let viewer = match admit(&state, &headers, media).await {
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
    /// Check and report, write nothing.
    dry_run: Option<bool>,
}

/// `POST /imports/programs/{id}/history`: one JSON document, or CSV files as multipart parts
/// named `relationships`, `meetings`, `learnings` and `feedback` (`domain::history::from_tables`).
pub async fn program_history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(program_id): Path<String>,
    Query(params): Query<HistoryParams>,
    request: Request,
) -> Response {
    let viewer = match admit(&state, &headers, Media::Json).await {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    let dry_run = params.dry_run.unwrap_or(false);
    let answer = async {
        viewer.require(&[Role::Admin], "importing a program's history")?;
        let program = ids::decode("programId", &async_graphql::ID(program_id), Kind::Program)
            .map_err(|_| Error::not_found("program"))?;
        let multipart = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().starts_with("multipart/form-data"));
        let (document, origins) = if multipart {
            let multipart = Multipart::from_request(request, &state)
                .await
                .map_err(|error| Error::BadInput(format!("the body is not multipart: {error}")))?;
            match history_tables(multipart).await? {
                Ok(built) => (built.document, built.origins),
                Err(errors) => {
                    let rejected = errors.into_iter().map(|(path, reason)| RejectedRecord { path, reason }).collect();
                    return Ok(HistoryReport { dry_run, rejected, ..Default::default() });
                }
            }
        } else {
            let body = Bytes::from_request(request, &state)
                .await
                .map_err(|error| Error::BadInput(format!("the body could not be read: {error}")))?;
            let document: HistoryDocument = serde_json::from_slice(&body)
                .map_err(|error| Error::BadInput(format!("the body is not a history document: {error}")))?;
            (document, HashMap::new())
        };
        let store = state.store.scoped(&viewer.org, &viewer.subject);
        let mut report = store.import_history(program, document, dry_run).await?;
        // Refusals name the file and line the record came from.
        for refusal in &mut report.rejected {
            if let Some(origin) = origins.get(&refusal.path) {
                refusal.path = origin.clone();
            }
        }
        Ok(report)
    };
    match answer.await {
        Ok(report) => reported(report.rejected.is_empty(), report),
        Err(error) => refused(&error),
    }
}

/// The CSV files of a multipart history import, as one document.
async fn history_tables(mut multipart: Multipart) -> Result<Result<FromTables, Vec<(String, String)>>, Error> {
    let mut tables: HashMap<String, Table> = HashMap::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| Error::BadInput(format!("the multipart body is malformed: {error}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if !["relationships", "meetings", "learnings", "feedback"].contains(&name.as_str()) {
            return Err(Error::BadInput(format!(
                "unknown part '{name}': send relationships, meetings, learnings and feedback"
            )));
        }
        let mut table = Table::default();
        read_csv(field, |line, cells| {
            if line == 1 {
                table.header = cells;
            } else if cells.iter().any(|cell| !cell.trim().is_empty()) {
                table.rows.push((line, cells));
            }
            Ok(())
        })
        .await?;
        tables.insert(name, table);
    }
    let relationships =
        tables.remove("relationships").ok_or_else(|| Error::BadInput("the relationships part is missing".into()))?;
    let mut part = |name: &str| tables.remove(name).unwrap_or_default();
    let (meetings, learnings, feedback) = (part("meetings"), part("learnings"), part("feedback"));
    Ok(from_tables(&relationships, &meetings, &learnings, &feedback))
}

fn reported(clean: bool, report: impl serde::Serialize) -> Response {
    let status = if clean { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, axum::Json(report)).into_response()
}

fn refused(error: &Error) -> Response {
    error_response(super::status_of(error.code()), Media::Json, error)
}

/// Reads the people file as it streams in: the header, then each row, parsed or refused with its line.
async fn read_rows(body: Body, names: &HashMap<PersonField, String>) -> Result<(Vec<PersonRow>, Vec<RowError>), Error> {
    let mut columns: Option<Columns> = None;
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    read_csv(body.into_data_stream(), |line, cells| {
        match &columns {
            None => columns = Some(Columns::from_header(&cells, names).map_err(Error::BadInput)?),
            // A blank line is no row.
            Some(_) if cells.iter().all(|cell| cell.trim().is_empty()) => {}
            Some(columns) => match columns.row(line, &cells) {
                Ok(row) => rows.push(row),
                Err(error) => refused.push(error),
            },
        }
        if rows.len() + refused.len() > MAX_ROWS {
            return Err(Error::BadInput(format!("an import holds at most {MAX_ROWS} rows; split the file")));
        }
        Ok(())
    })
    .await?;
    if columns.is_none() {
        return Err(Error::BadInput("the file is empty: it needs a header row".into()));
    }
    Ok((rows, refused))
}

/// Reads CSV (UTF-8, optional BOM, `,` or `;`, RFC 4180 quoting) as it streams in, giving
/// `record` each record's line (the first is 1) and cells.
async fn read_csv<S, E>(
    mut stream: S,
    mut record: impl FnMut(u64, Vec<String>) -> Result<(), Error>,
) -> Result<(), Error>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut parser: Option<csv_core::Reader> = None;
    let mut pending: Vec<u8> = Vec::new();
    let mut fields: Vec<u8> = vec![0; 4096];
    let mut ends: Vec<usize> = vec![0; 32];
    let (mut field_len, mut ends_len) = (0usize, 0usize);
    let mut line: u64 = 0;
    let mut take = |fields: &[u8], ends: &[usize], line: u64| -> Result<(), Error> {
        let mut cells = Vec::with_capacity(ends.len());
        let mut start = 0;
        for end in ends {
            let cell = std::str::from_utf8(&fields[start..*end])
                .map_err(|_| Error::BadInput(format!("line {line} is not UTF-8")))?;
            cells.push(cell.to_owned());
            start = *end;
        }
        record(line, cells)
    };
    loop {
        // Only the end of the stream ends the file: a body may arrive with empty chunks.
        let at_end = match stream.next().await {
            Some(Ok(bytes)) => {
                pending.extend_from_slice(&bytes);
                false
            }
            Some(Err(error)) => return Err(Error::BadInput(format!("the body could not be read: {error}"))),
            None => true,
        };
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
            // csv-core reads empty input as the end of the file: only the stream's end may say so.
            if input.is_empty() && !at_end {
                break;
            }
            let (result, read, written, ended) =
                reader.read_record(input, &mut fields[field_len..], &mut ends[ends_len..]);
            input = &input[read..];
            field_len += written;
            ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty if at_end => {
                    // Fed nothing once more, the parser ends the last record.
                    let (result, _, written, ended) =
                        reader.read_record(&[], &mut fields[field_len..], &mut ends[ends_len..]);
                    if matches!(result, csv_core::ReadRecordResult::Record) {
                        line += 1;
                        take(&fields[..field_len + written], &ends[..ends_len + ended], line)?;
                    }
                    return Ok(());
                }
                csv_core::ReadRecordResult::InputEmpty => break,
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
                    take(&fields[..field_len], &ends[..ends_len], line)?;
                    field_len = 0;
                    ends_len = 0;
                }
                csv_core::ReadRecordResult::End => return Ok(()),
            }
        }
        let consumed = pending.len() - input.len();
        pending.drain(..consumed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `chunks` as a streamed body into its records.
    fn records(chunks: &[&[u8]]) -> Vec<(u64, Vec<String>)> {
        let stream = futures_util::stream::iter(
            chunks
                .iter()
                .map(|chunk| Ok::<Bytes, std::convert::Infallible>(Bytes::copy_from_slice(chunk)))
                .collect::<Vec<_>>(),
        );
        let mut seen = Vec::new();
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        runtime
            .block_on(read_csv(stream, |line, cells| {
                seen.push((line, cells));
                Ok(())
            }))
            .expect("read");
        seen
    }

    #[test]
    fn records_survive_any_chunking_including_empty_chunks() {
        let file: &[u8] = b"\xEF\xBB\xBFid;name\r\nE1;\"Ada; \"\"the\"\"\r\nfirst\"\r\nE2;Ben";
        let whole = records(&[file]);
        assert_eq!(
            whole,
            vec![
                (1, vec!["id".to_owned(), "name".to_owned()]),
                (2, vec!["E1".to_owned(), "Ada; \"the\"\r\nfirst".to_owned()]),
                (3, vec!["E2".to_owned(), "Ben".to_owned()]),
            ]
        );
        // Every split point, with an empty chunk in the middle: the same records.
        for split in 1..file.len() {
            let (head, tail) = file.split_at(split);
            assert_eq!(records(&[head, b"", tail]), whole, "split at byte {split}");
        }
    }
}
