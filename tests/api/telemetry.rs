//! What an operator sees: OpenTelemetry spans received on a loopback OTLP/HTTP receiver, with
//! the caller's `traceparent` as their parent, and Prometheus metrics at `/metrics`.

use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use reverse_mentoring::auth::{Role, TokenKeys};
use serde_json::json;

use crate::common::process::ServiceProcess;
use crate::common::{TEST_SECRET, TestApp};

/// Receives OTLP/HTTP protobuf exports at `/v1/traces`, as a collector does.
async fn receiver() -> (String, Arc<Mutex<Vec<Span>>>) {
    let spans: Arc<Mutex<Vec<Span>>> = Arc::default();
    let store = spans.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| async move {
            let request = ExportTraceServiceRequest::decode(body).expect("an OTLP protobuf export");
            let mut received = store.lock().expect("lock");
            for resource in request.resource_spans {
                for scope in resource.scope_spans {
                    received.extend(scope.spans);
                }
            }
            axum::http::StatusCode::OK
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, spans)
}

fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a str> {
    span.attributes.iter().find(|attribute| attribute.key == key).and_then(|attribute| {
        match attribute.value.as_ref()?.value.as_ref()? {
            AnyValue::StringValue(text) => Some(text.as_str()),
            _ => None,
        }
    })
}

#[tokio::test]
async fn spans_reach_an_otlp_receiver_as_children_of_the_callers_trace() {
    let (collector, spans) = receiver().await;
    let mut service = ServiceProcess::start(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &collector)]);
    service.ready().await;
    let (client, address) = (reqwest::Client::new(), service.address.clone());
    let keys = TokenKeys::hs256(TEST_SECRET.as_bytes(), None, None).expect("keys");
    let token = keys.issue("acme", "analyst-1", &[Role::Admin], None, chrono::Duration::hours(1)).expect("sign");
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let response = client
        .post(format!("{address}/graphql"))
        .bearer_auth(&token)
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .json(&json!({
            "query": "query ProgramsPage($first: Int!) { programs(first: $first) { nodes { name } } }",
            "operationName": "ProgramsPage",
            "variables": { "first": 5 }
        }))
        .send()
        .await
        .expect("POST /graphql");
    assert_eq!(response.status(), 200);

    // Stopping flushes what the exporter still holds.
    service.terminate().await;
    assert!(service.exits_cleanly().await);

    let spans = spans.lock().expect("lock").clone();
    let ours: Vec<&Span> = spans.iter().filter(|span| hex(&span.trace_id) == trace_id).collect();
    let request = ours
        .iter()
        .find(|span| hex(&span.parent_span_id) == caller_span)
        .unwrap_or_else(|| panic!("a span whose parent is the caller's: {:?}", names(&ours)));
    assert_eq!(request.name, "graphql ProgramsPage", "named after the operation: {:?}", request.attributes);
    assert_eq!(attribute(request, "org"), Some("acme"));
    assert_eq!(attribute(request, "graphql.operation.name"), Some("ProgramsPage"));
    let resolver = ours
        .iter()
        .find(|span| span.name == "Query.programs" && span.parent_span_id == request.span_id)
        .unwrap_or_else(|| panic!("a root-field span under the request: {:?}", names(&ours)));
    let statements: Vec<&&Span> = ours
        .iter()
        .filter(|span| span.parent_span_id == resolver.span_id && attribute(span, "db.statement").is_some())
        .collect();
    assert!(!statements.is_empty(), "SQL statements under the resolver: {:?}", names(&ours));
    for statement in &statements {
        let sql = attribute(statement, "db.statement").unwrap_or("");
        assert!(sql.contains("SELECT") && sql.contains('?'), "placeholders, not values: {sql}");
        assert!(!sql.contains("'acme'"), "no values: {sql}");
    }
    // Nothing secret or personal travels: not the token, not the subject.
    for span in &spans {
        for attribute in &span.attributes {
            let text = format!("{:?}", attribute.value);
            assert!(!text.contains(&token) && !text.contains("analyst-1"), "{}: {text}", attribute.key);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn names(spans: &[&Span]) -> Vec<String> {
    spans.iter().map(|span| format!("{} ({})", span.name, hex(&span.parent_span_id))).collect()
}

#[tokio::test]
async fn metrics_count_requests_operations_errors_and_the_pool() {
    let app = TestApp::spawn_with(|config| config.request_timeout = std::time::Duration::from_secs(1)).await;
    let admin = app.as_admin("acme");
    admin.create_program("Counted").await;
    let query = "query ProgramsPage { programs(first: 5) { nodes { name } } }";
    let (status, _) = app.post_graphql(Some(&app.token("acme", &["ADMIN"])), query, json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = app.post_graphql(None, query, json!({})).await;
    assert_eq!(status, 401);

    // An upload that stalls past the request timeout is cut off, and still counted.
    let (stalled, body) = futures::channel::mpsc::unbounded::<Result<Vec<u8>, std::io::Error>>();
    stalled.unbounded_send(Ok(b"employeeId,name\n".to_vec())).expect("first part");
    let cut_off = reqwest::Client::new()
        .post(format!("{}/imports/people", app.address))
        .bearer_auth(app.token("acme", &["ADMIN"]))
        .header("content-type", "text/csv")
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .expect("answered");
    assert_eq!(cut_off.status(), 408);
    drop(stalled);

    let (status, text) = app.get("/metrics").await;
    assert_eq!(status, 200);
    for line in [
        "graphql_operation_duration_seconds_count{operation=\"ProgramsPage\"} 1",
        "api_errors_total{code=\"UNAUTHENTICATED\"} 1",
        "http_request_duration_seconds_count{route=\"/graphql\",status=\"401\"} 1",
        "db_pool_max_connections 5",
        "http_request_duration_seconds_count{route=\"/imports/people\",status=\"408\"} 1",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    let successes = text
        .lines()
        .find_map(|line| line.strip_prefix("http_request_duration_seconds_count{route=\"/graphql\",status=\"200\"} "))
        .and_then(|count| count.parse::<u64>().ok());
    assert_eq!(successes, Some(2), "the createProgram and the ProgramsPage requests:\n{text}");
    let statements = text
        .lines()
        .find_map(|line| line.strip_prefix("db_statement_duration_seconds_count "))
        .and_then(|count| count.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(statements > 0, "{text}");
    assert!(text.contains("db_pool_connections{state=\"idle\"}"), "{text}");
}
