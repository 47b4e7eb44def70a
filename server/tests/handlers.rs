//! The router in process (`tower::ServiceExt::oneshot` on `app(state)`): error mapping,
//! limits, auth extraction, and the trace a refused read leaves.

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt as _;
use tousu_server::{AppState, app, auth::Caller, demo, store::Store, sync, web::AppShell};
use tousu_shared::{
    access::{Principal, Role},
    api::sync::PushResult,
    event::EventBody,
    ids::{DepartmentId, UserId},
    model::CaseKind,
    testing::{Writer, registration},
};
use tower::ServiceExt as _;

const PASSWORD: &str = "correct horse battery";

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    router: Router,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("tousu.sqlite3")).unwrap();
    let accounts = [
        ("supervisor", Role::Supervisor, None),
        ("handler", Role::Handler, Some("ops")),
    ]
    .into_iter()
    .map(|(id, role, dept)| demo::account(id, id, &[role], dept, PASSWORD).unwrap())
    .collect();
    let departments = vec![(DepartmentId::parse("ops").unwrap(), "运营服务部".into())];
    store
        .create_accounts(departments, accounts, tousu_server::now())
        .await
        .unwrap();
    let router = app(AppState {
        store: store.clone(),
        shell: AppShell::load(&dir.path().join("no-dist")),
        retention_days: 1095,
        clock_offset_ms: 0,
        trusted_proxy: None,
        counter: Default::default(),
    });
    Fixture {
        _dir: dir,
        store,
        router,
    }
}

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, serde_json::Value) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

fn json_req(method: &str, uri: &str, token: Option<&str>, body: String) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body)).unwrap()
}

fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().uri(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::empty()).unwrap()
}

async fn login(router: &Router, user: &str) -> String {
    let body = serde_json::json!({ "username": user, "password": PASSWORD }).to_string();
    let (status, json) = call(router, json_req("POST", "/api/v1/auth/login", None, body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn errors_are_json_with_stable_codes() {
    let f = fixture().await;
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            get("/api/v1/nowhere", None),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json_req("DELETE", "/api/v1/auth/login", None, String::new()),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            json_req("POST", "/api/v1/auth/login", None, "{not json".into()),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json_req(
                "POST",
                "/api/v1/auth/login",
                None,
                format!("{{\"username\":\"{}\"}}", "x".repeat(1024 * 1024 + 10)),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            get("/api/v1/sync/pull?cursor=0", Some("whatever")),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            json_req(
                "POST",
                "/api/v1/auth/login",
                None,
                r#"{"username":"supervisor","password":"wrong password"}"#.into(),
            ),
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
    ];
    for (req, status, code) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let (got, json) = call(&f.router, req).await;
        assert_eq!(
            (got, json["code"].as_str()),
            (status, Some(code)),
            "{what}: {json}"
        );
    }
}

#[tokio::test]
async fn periods_out_of_the_calendar_are_refused_not_panicked_on() {
    let f = fixture().await;
    let token = login(&f.router, "supervisor").await;
    // Once a year near i32::MAX overflowed the month's end: a dropped connection.
    for period in ["2147483647-12", "-2147483648-Q1", "99999"] {
        let uri = format!("/api/v1/statistics?period={period}");
        let (status, json) = call(&f.router, get(&uri, Some(&token))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{period}: {json}");
    }
    let (status, _) = call(
        &f.router,
        get("/api/v1/statistics?period=9999-12", Some(&token)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_bearer_token_is_the_caller() {
    let f = fixture().await;
    for bad in ["", "Bearer ", "Basic abc", "Bearer not-a-session"] {
        let req = Request::builder()
            .uri("/api/v1/auth/me")
            .header(header::AUTHORIZATION, bad)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            call(&f.router, req).await.0,
            StatusCode::UNAUTHORIZED,
            "{bad:?}"
        );
    }
    let token = login(&f.router, "handler").await;
    let (status, me) = call(&f.router, get("/api/v1/auth/me", Some(&token))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (me["id"].as_str(), me["department"].as_str()),
        (Some("handler"), Some("ops"))
    );
    // Signed out, the same token is nobody.
    let logout = json_req("POST", "/api/v1/auth/logout", Some(&token), String::new());
    assert_eq!(call(&f.router, logout).await.0, StatusCode::OK);
    assert_eq!(
        call(&f.router, get("/api/v1/auth/me", Some(&token)))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    // Admin routes refuse a non-admin with a JSON 403.
    let token = login(&f.router, "supervisor").await;
    let (status, json) = call(&f.router, get("/api/v1/admin/users", Some(&token))).await;
    assert_eq!(
        (status, json["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
}

#[tokio::test]
async fn reads_outside_scope_answer_404_and_are_audited_once_a_minute() {
    let f = fixture().await;
    // The supervisor registers a case that nobody dispatched to the handler's department.
    let now = tousu_server::now();
    let supervisor_id = UserId::parse("supervisor").unwrap();
    let device = f
        .store
        .register_browser(supervisor_id.clone(), "test".into(), now)
        .await
        .unwrap();
    let caller = Caller {
        principal: Principal::user(supervisor_id, &[Role::Supervisor], None),
        device: Some(device),
        token_hash: Vec::new(),
    };
    let mut w = Writer::user(1, 1, "supervisor");
    w.device = device;
    w.now = tousu_shared::clock::Timestamp(now.0 - 60_000);
    let event = w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        w.now,
    )));
    let raw = serde_json::value::to_raw_value(&event).unwrap();
    let answer = sync::push(&f.store, &caller, vec![raw], now).await.unwrap();
    assert!(
        matches!(answer.results[0], PushResult::Applied { .. }),
        "{answer:?}"
    );

    let handler = login(&f.router, "handler").await;
    let uri = format!("/api/v1/cases/{}", event.case_id);
    for _ in 0..5 {
        let (status, json) = call(&f.router, get(&uri, Some(&handler))).await;
        assert_eq!(
            (status, json["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
    }
    let supervisor = login(&f.router, "supervisor").await;
    assert_eq!(
        call(&f.router, get(&uri, Some(&supervisor))).await.0,
        StatusCode::OK
    );
    let denials = f
        .store
        .audit_trail(tousu_server::store::audit::AuditFilter {
            action: Some("permission_denied".into()),
            limit: Some(10),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(denials.len(), 1, "{denials:?}");
    assert_eq!(
        (
            denials[0].actor.as_str(),
            denials[0].subject.clone(),
            denials[0].count
        ),
        ("handler", event.case_id.to_string(), 5)
    );
    // A case that does not exist is a plain 404, without a denial.
    let missing = format!("/api/v1/cases/{}", tousu_shared::ids::CaseId::from_u128(7));
    assert_eq!(
        call(&f.router, get(&missing, Some(&handler))).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(f.store.verify_audit().await.unwrap() > 0);
}
