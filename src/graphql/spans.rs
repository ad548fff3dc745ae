//! A trace span for each root field (`Query.programs`, `Mutation.pairManually`): the resolvers
//! that reach the database. The statements they run, directly or through a loader batch, are
//! its children. Nested fields get none: a dashboard resolves tens of thousands of them. Also
//! the operation's name when the client sent none beside a document with one named operation,
//! for the request's span and metrics.

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextResolve, ResolveInfo,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{ServerResult, Value, Variables};
use tracing::Instrument;

/// A request's slot for the name of its document's only operation, filled while parsing.
#[derive(Clone, Default)]
pub struct OperationName(Arc<OnceLock<String>>);

impl OperationName {
    /// The name, once the document is parsed and has exactly one named operation.
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// Installs [`RootFieldSpan`] on a schema.
pub struct RootFieldSpans;

impl ExtensionFactory for RootFieldSpans {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RootFieldSpan)
    }
}

/// The extension itself.
struct RootFieldSpan;

#[async_graphql::async_trait::async_trait]
impl Extension for RootFieldSpan {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let (DocumentOperations::Multiple(operations), Some(slot)) =
            (&document.operations, ctx.data_opt::<OperationName>())
            && operations.len() == 1
            && let Some(name) = operations.keys().next()
        {
            let _ = slot.0.set(name.to_string());
        }
        Ok(document)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.path_node.parent.is_some() || info.is_for_introspection {
            return next.run(ctx, info).await;
        }
        // The field's name only: arguments may carry personal data.
        let span = tracing::info_span!(
            "graphql.resolve",
            otel.name = %format_args!("{}.{}", info.parent_type, info.name),
            graphql.field.name = info.name,
        );
        next.run(ctx, info).instrument(span).await
    }
}
