//! Serving the built app: static files, SPA fallback, cache and security headers.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    body::Body,
    http::{HeaderValue, Request, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The app's `index.html` files, read once at start, with the CSP that allows their inline
/// loaders: the field build's (`dist/index.html`) and the office build's
/// (`dist/office/index.html`), picked per navigation by the `tousu_app` cookie the app sets
/// (docs/DECISIONS.md "Two builds").
#[derive(Clone)]
pub struct AppShell {
    /// Directory of the built app.
    pub dist: PathBuf,
    index: Option<Arc<str>>,
    office: Option<Arc<str>>,
    counter: Option<Arc<str>>,
    csp: HeaderValue,
    /// Served over HTTPS by the server itself: responses carry HSTS.
    hsts: bool,
}

/// The cookie naming the build a browser loads.
const BUILD_COOKIE: &str = "tousu_app";

/// The builds a navigation may be answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// The field app (`dist/`).
    Field,
    /// The field app with the office screens (`dist/office/`).
    Office,
    /// The counter: kiosk, public form and status lookup (`dist/counter/`).
    Counter,
}

/// Whether a request's `Cookie` header asks for the office build.
pub fn wants_office(cookie_header: Option<&str>) -> bool {
    build_cookie(cookie_header) == Some("office")
}

fn build_cookie(cookie_header: Option<&str>) -> Option<&str> {
    cookie_header.and_then(|h| {
        h.split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == BUILD_COOKIE)
            .map(|(_, v)| v)
    })
}

/// The build a navigation to `path` gets: the counter's pages for the public and, on a
/// browser set up as a kiosk (cookie `kiosk`), for every address (DESIGN §12: it shows only
/// the kiosk); else the office or field build by cookie.
pub fn build_for(path: &str, cookie_header: Option<&str>) -> Build {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match (first, build_cookie(cookie_header)) {
        (_, Some("kiosk")) | ("complain" | "status" | "kiosk", _) => Build::Counter,
        (_, Some("office")) => Build::Office,
        _ => Build::Field,
    }
}

impl AppShell {
    /// Loads `dist/index.html` if present. A missing build is not fatal: the API still works
    /// and `/` explains how to build the app.
    pub fn load(dist: &Path) -> Self {
        let index = std::fs::read_to_string(dist.join("index.html")).ok();
        if index.is_none() {
            tracing::warn!(dist = %dist.display(), "no built app found; run scripts/app.sh");
        }
        let office = std::fs::read_to_string(dist.join("office").join("index.html")).ok();
        if index.is_some() && office.is_none() {
            tracing::warn!("no office build in dist/office: everyone gets the field build");
        }
        let counter = std::fs::read_to_string(dist.join("counter").join("index.html")).ok();
        if index.is_some() && counter.is_none() {
            tracing::warn!("no counter build in dist/counter: no kiosk or public pages");
        }
        let both = format!(
            "{}{}{}",
            index.as_deref().unwrap_or(""),
            office.as_deref().unwrap_or(""),
            counter.as_deref().unwrap_or("")
        );
        let csp = content_security_policy(&both);
        AppShell {
            dist: dist.to_path_buf(),
            index: index.map(Arc::from),
            office: office.map(Arc::from),
            counter: counter.map(Arc::from),
            csp: HeaderValue::from_str(&csp).expect("CSP is ASCII"),
            hsts: false,
        }
    }

    /// Marks the shell as served over HTTPS: every response then tells browsers to come back
    /// only over HTTPS (HSTS, one year).
    pub fn over_https(mut self) -> Self {
        self.hsts = true;
        self
    }

    /// The CSP sent with every response.
    pub fn csp(&self) -> &HeaderValue {
        &self.csp
    }

    /// `index.html` of the build asked for (the field build when that one is missing; the
    /// counter's has no stand-in), answered for every non-file path so the app's router can
    /// take over.
    pub fn index_response(&self, build: Build) -> Response {
        let page = match build {
            Build::Office => self.office.as_ref().or(self.index.as_ref()),
            Build::Counter => self.counter.as_ref(),
            Build::Field => self.index.as_ref(),
        };
        match page {
            // The same address answers either build: caches must key on the cookie too.
            Some(index) => (
                [(header::VARY, HeaderValue::from_static("Cookie"))],
                Html(index.to_string()),
            )
                .into_response(),
            None => (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(
                    "<!doctype html><meta charset=utf-8><title>Tousu</title>\
                     <p>The app is not built. Run <code>scripts/app.sh</code>.</p>",
                ),
            )
                .into_response(),
        }
    }
}

/// Builds a Content-Security-Policy that lets the wasm app run: scripts only from our origin
/// plus the exact inline loader Trunk writes (by hash), `'wasm-unsafe-eval'` for
/// `WebAssembly.instantiate`, no inline styles, no framing.
pub fn content_security_policy(index_html: &str) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for script in inline_scripts(index_html) {
        let digest = Sha256::digest(script.as_bytes());
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        script_src.push_str(&format!(" 'sha256-{b64}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The bodies of `<script>` elements without `src`, exactly as the browser hashes them.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            found.push(&body_and_more[..close]);
        }
        rest = &body_and_more[close..];
    }
    found
}

/// Whether a file name carries Trunk's content hash (`name-0123456789abcdef.ext`, 12+ hex digits), so its
/// content never changes under that name.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Cache policy by path: hashed assets forever, the API never, everything else revalidated
/// (notably `index.html` and `sw.js`, so a new build reaches clients on the next load).
pub fn cache_control(path: &str) -> &'static str {
    if path.starts_with("/api/") {
        "no-store"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Middleware adding cache and security headers to every response.
pub async fn headers(
    axum::extract::State(shell): axum::extract::State<AppShell>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(&path)),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, shell.csp().clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if shell.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_cookie_is_read_among_others() {
        assert!(wants_office(Some("a=1; tousu_app=office; b=2")));
        assert!(!wants_office(Some("tousu_app=field")));
        assert!(!wants_office(Some("xtousu_app=office")));
        assert!(!wants_office(None));
    }

    #[test]
    fn the_counter_answers_public_pages_and_everything_on_a_kiosk() {
        assert_eq!(build_for("/complain", None), Build::Counter);
        assert_eq!(
            build_for("/status", Some("tousu_app=office")),
            Build::Counter
        );
        assert_eq!(build_for("/kiosk", None), Build::Counter);
        assert_eq!(
            build_for("/cases/1", Some("tousu_app=kiosk")),
            Build::Counter
        );
        assert_eq!(build_for("/", Some("tousu_app=kiosk")), Build::Counter);
        assert_eq!(build_for("/complaints", None), Build::Field);
        assert_eq!(build_for("/stats", Some("tousu_app=office")), Build::Office);
        assert_eq!(build_for("/", None), Build::Field);
    }

    #[test]
    fn inline_loader_is_hashed_into_the_csp() {
        let html = r#"<script type="module">import init from '/a.js';init();</script><script src="/x.js"></script>"#;
        let csp = content_security_policy(html);
        let digest = Sha256::digest(b"import init from '/a.js';init();");
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(csp.contains(&format!("'sha256-{b64}'")), "{csp}");
        assert_eq!(csp.matches("sha256-").count(), 1, "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn cache_policy_by_path() {
        assert_eq!(
            cache_control("/tousu-frontend-8f1c2a3b4d5e6f70_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("/tousu-frontend-8f1c2a3b4d5e6f70.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("/index.html"), "no-cache");
        assert_eq!(cache_control("/sw.js"), "no-cache");
        assert_eq!(cache_control("/cases/123"), "no-cache");
        assert_eq!(cache_control("/api/v1/health"), "no-store");
        assert_eq!(cache_control("/icon-192.png"), "no-cache");
    }
}
