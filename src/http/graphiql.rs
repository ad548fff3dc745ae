//! Self-hosted GraphiQL: the page and its pinned React/GraphiQL builds are embedded in the
//! binary, so the IDE works on intranets with no internet access (async-graphql's built-in
//! page loads them from a CDN). See `assets/graphiql/README.md` for versions and refresh steps.

use axum::{
    Router,
    extract::Path,
    http::{
        StatusCode,
        header::{CACHE_CONTROL, CONTENT_TYPE},
    },
    response::{IntoResponse, Response},
    routing::get,
};

const INDEX_HTML: &str = include_str!("../../assets/graphiql/index.html");

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
// A file name never changes content (the version is in it), so browsers may keep it for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Embedded assets as (file name, content type, bytes); names carry the package version.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("react-18.3.1.production.min.js", JS, include_bytes!("../../assets/graphiql/react-18.3.1.production.min.js")),
    (
        "react-dom-18.3.1.production.min.js",
        JS,
        include_bytes!("../../assets/graphiql/react-dom-18.3.1.production.min.js"),
    ),
    ("graphiql-3.9.0.min.js", JS, include_bytes!("../../assets/graphiql/graphiql-3.9.0.min.js")),
    ("graphiql-3.9.0.min.css", CSS, include_bytes!("../../assets/graphiql/graphiql-3.9.0.min.css")),
    // The MIT licences require their notices to travel with the copies we hand out.
    ("LICENSE.react", TEXT, include_bytes!("../../assets/graphiql/LICENSE.react")),
    ("LICENSE.react-dom", TEXT, include_bytes!("../../assets/graphiql/LICENSE.react-dom")),
    ("LICENSE.graphiql", TEXT, include_bytes!("../../assets/graphiql/LICENSE.graphiql")),
];

/// Routes `GET /graphiql` (the page) and `GET /graphiql/assets/{file}` (its scripts and styles).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/graphiql", get(page)).route("/graphiql/assets/{file}", get(asset))
}

async fn page() -> impl IntoResponse {
    // no-cache: the page is tiny and names the asset versions, so it must always be revalidated.
    ([(CONTENT_TYPE, "text/html; charset=utf-8"), (CACHE_CONTROL, "no-cache")], INDEX_HTML)
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some(&(_, content_type, bytes)) => {
            ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, IMMUTABLE)], bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;

    const PREFIX: &str = "/graphiql/assets/";

    fn referenced_assets() -> Vec<&'static str> {
        INDEX_HTML.split(PREFIX).skip(1).map(|rest| rest.split(['"', '\'']).next().unwrap_or_default()).collect()
    }

    #[test]
    fn every_asset_referenced_by_the_page_is_embedded() {
        let referenced = referenced_assets();
        assert!(referenced.len() >= 4, "too few asset references: {referenced:?}");
        for file in referenced {
            assert!(
                ASSETS.iter().any(|(name, _, _)| *name == file),
                "index.html references {PREFIX}{file}, which is not in ASSETS"
            );
        }
    }

    #[tokio::test]
    async fn serves_assets_with_long_cache_and_404s_unknown_ones() {
        let get = |uri: &str| routes::<()>().oneshot(Request::get(uri).body(Body::empty()).unwrap());

        let res = get("/graphiql/assets/graphiql-3.9.0.min.css").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[CONTENT_TYPE], CSS);
        assert_eq!(res.headers()[CACHE_CONTROL], IMMUTABLE);

        let res = get("/graphiql").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");

        let res = get("/graphiql/assets/nope.js").await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}
