//! What operators see: structured logs (text or JSON lines), OpenTelemetry traces over OTLP
//! when an endpoint is configured, and Prometheus metrics ([`prometheus`]).

pub mod prometheus;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::hyper::HyperClient;
use opentelemetry_http::{HttpClient, HttpError};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Level;
use tracing_subscriber::filter::{EnvFilter, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry};

/// Flushes the spans still buffered when the service stops.
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports what is buffered and stops the exporter.
    pub fn shutdown(self) {
        if let Some(traces) = self.traces
            && let Err(error) = traces.shutdown()
        {
            eprintln!("telemetry: the last spans were not exported: {error}");
        }
    }
}

/// Whether the OTLP exporter is configured, by the standard variables.
pub fn traces_configured() -> bool {
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|value| !value.trim().is_empty()))
}

/// Installs the global subscriber; `RUST_LOG` filters the logs. With `OTEL_EXPORTER_OTLP_ENDPOINT`
/// (or `..._TRACES_ENDPOINT`) set, spans also go to that OTLP/HTTP endpoint, and W3C
/// `traceparent` headers of incoming requests are honoured.
pub fn init(json: bool) -> Result<Telemetry, String> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sea_orm=warn,sqlx=warn,tower_http=info"));
    let logs = tracing_subscriber::fmt::layer().with_target(false);
    let logs: Box<dyn Layer<Registry> + Send + Sync> =
        if json { logs.json().flatten_event(true).with_current_span(true).boxed() } else { logs.boxed() };
    if !traces_configured() {
        // The log layer alone: spans it filters out (one per SQL statement) are never created.
        tracing_subscriber::registry().with(logs.with_filter(filter)).try_init().map_err(|error| error.to_string())?;
        return Ok(Telemetry { traces: None });
    }
    let provider = exporter()?;
    opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
    let spans = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("reverse-mentoring"))
        // Spans only: log events can carry what a trace must not (values in error details).
        .with_filter(filter_fn(|metadata| metadata.is_span() && *metadata.level() <= Level::INFO));
    tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(spans)
        .try_init()
        .map_err(|error| error.to_string())?;
    Ok(Telemetry { traces: Some(provider) })
}

/// The OTLP/HTTP (protobuf) exporter; the endpoint and headers come from the standard
/// `OTEL_EXPORTER_OTLP_*` variables, the service name from `OTEL_SERVICE_NAME`.
fn exporter() -> Result<SdkTracerProvider, String> {
    use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
    let client = OnRuntime {
        runtime: tokio::runtime::Handle::try_current().map_err(|_| "OTLP exporter: no tokio runtime".to_owned())?,
        client: Arc::new(HyperClient::with_default_connector(std::time::Duration::from_secs(10), None)),
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .build()
        .map_err(|error| format!("OTLP exporter: {error}"))?;
    let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "reverse-mentoring".into());
    let resource = opentelemetry_sdk::Resource::builder().with_service_name(service).build();
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}

/// The SDK exports from a thread of its own, and hyper needs the tokio runtime: each export
/// runs there.
#[derive(Debug)]
struct OnRuntime {
    runtime: tokio::runtime::Handle,
    client: Arc<HyperClient>,
}

#[async_graphql::async_trait::async_trait]
impl HttpClient for OnRuntime {
    async fn send_bytes(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, HttpError> {
        let client = self.client.clone();
        self.runtime
            .spawn(async move { client.send_bytes(request).await })
            .await
            .map_err(|error| Box::new(error) as HttpError)?
    }
}

/// Makes `span` a child of the W3C trace context in `headers`, when there is one.
pub fn continue_trace(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&opentelemetry_http::HeaderExtractor(headers))
    });
    let _ = span.set_parent(parent);
}

/// Renames `span` in the trace (a request is named after its GraphQL operation once it is
/// known); without an exporter this does nothing.
pub fn rename(span: &tracing::Span, name: String) {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    span.context().span().update_name(name);
}
