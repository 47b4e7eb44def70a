//! Tousu's sync server as a library: `app(state)` builds the whole router, so tests drive it
//! with `oneshot` and `main` only parses configuration, opens the store and serves.

use std::time::Duration;

use axum::{
    Router,
    body::Body,
    handler::HandlerWithoutStateExt,
    http::{Request, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, limit::RequestBodyLimitLayer,
    services::ServeDir, timeout::TimeoutLayer,
};

pub mod archive;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod routes;
pub mod seal;
pub mod store;
pub mod sync;
pub mod web;

use error::ApiError;

/// Largest request body any API route accepts unless a route sets its own limit.
pub const API_BODY_LIMIT: usize = 1024 * 1024;
/// Requests taking longer than this are answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests handled at once; more wait their turn.
pub const MAX_CONCURRENT_REQUESTS: usize = 512;

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The SQLite store.
    pub store: store::Store,
    /// The built app and its CSP.
    pub shell: web::AppShell,
    /// Days an archived case is kept before it may be destroyed.
    pub retention_days: i64,
    /// Shift of the server's clock in ms (0 in production; expiry tests move it forward).
    pub clock_offset_ms: i64,
    /// A reverse proxy whose `X-Forwarded-For` names the client (per-client limits).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// The counter's sealing key and the public routes' limits.
    pub counter: std::sync::Arc<routes::public::Counter>,
}

impl AppState {
    /// The server's clock: the one place the server reads the time.
    pub fn now(&self) -> tousu_shared::clock::Timestamp {
        tousu_shared::clock::Timestamp(now().0 + self.clock_offset_ms)
    }
}

/// The system clock as a [`Timestamp`](tousu_shared::clock::Timestamp).
pub fn now() -> tousu_shared::clock::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    tousu_shared::clock::Timestamp(ms)
}

/// Builds the server's router: `/api/v1/*`, then the app's files with SPA fallback.
pub fn app(state: AppState) -> Router {
    let v1 = routes::api()
        .layer(RequestBodyLimitLayer::new(API_BODY_LIMIT))
        .merge(
            routes::blob_routes()
                .layer(axum::extract::DefaultBodyLimit::max(
                    routes::blobs::MAX_BLOB_BYTES,
                ))
                .layer(RequestBodyLimitLayer::new(routes::blobs::MAX_BLOB_BYTES)),
        )
        .merge(
            routes::public_routes()
                .layer(axum::extract::DefaultBodyLimit::max(
                    routes::public::PUBLIC_BODY_LIMIT,
                ))
                .layer(RequestBodyLimitLayer::new(
                    routes::public::PUBLIC_BODY_LIMIT,
                )),
        );
    let api = Router::new()
        .nest("/v1", v1)
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn(json_errors))
        .layer(CatchPanicLayer::custom(panicked));

    let shell = state.shell.clone();
    let index = (move |uri: axum::http::Uri, headers: axum::http::HeaderMap| {
        let shell = shell.clone();
        async move {
            let cookie = headers
                .get(axum::http::header::COOKIE)
                .and_then(|v| v.to_str().ok());
            shell.index_response(web::build_for(uri.path(), cookie))
        }
    })
    .into_service();
    // `/` too goes to the fallback, which picks the build by cookie.
    let files = ServeDir::new(&state.shell.dist)
        .append_index_html_on_directories(false)
        .fallback(index);

    Router::new()
        .nest("/api", api)
        .fallback_service(files)
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state.shell, web::headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_CONCURRENT_REQUESTS))
}

/// A handler that panicked (a bug) answers the API's JSON 500, its message logged, instead of
/// a dropped connection; the server keeps serving.
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    ApiError::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}

/// Turns the plain-text errors of tower layers, extractors and the router (400/415/422 from
/// extractors, 413 from the body limit, 408 from the timeout, 405 for a wrong method) into the API's JSON error body, so clients see one error format.
async fn json_errors(req: Request<Body>, next: Next) -> Response {
    let res = next.run(req).await;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return res;
    }
    match res.status() {
        StatusCode::BAD_REQUEST
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => {
            // An extractor's rejection (query string, path): keep its explanation.
            let text = axum::body::to_bytes(res.into_body(), 4096)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            ApiError::BadRequest(text).into_response()
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge.into_response(),
        StatusCode::REQUEST_TIMEOUT => ApiError::Timeout.into_response(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed.into_response(),
        _ => res,
    }
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500() {
        async fn boom() -> &'static str {
            panic!("period overflowed")
        }
        let router: Router = Router::new()
            .route("/boom", get(boom))
            .layer(CatchPanicLayer::custom(panicked));
        let req = Request::get("/boom").body(Body::empty()).unwrap();
        let res = router.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let body: tousu_shared::api::ApiErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.code, "internal");
        assert!(
            !body.message.contains("overflowed"),
            "the cause stays in the log"
        );
    }
}
