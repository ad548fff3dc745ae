//! A trace span for each root field (`Query.programs`, `Mutation.pairManually`): the resolvers
//! that reach the database. The statements they run, directly or through a loader batch, are
//! its children. Nested fields get none: a dashboard resolves tens of thousands of them.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::{ServerResult, Value};
use tracing::Instrument;

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
