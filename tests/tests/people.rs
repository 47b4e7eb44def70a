//! Accounts and devices against the real server: disabling revokes at once, kiosks submit
//! kiosk complaints only, roles without the right get personal data masked by the server.

use tousu_e2e::{Api, TestServer, post};
use tousu_shared::{
    access::Visibility,
    api::sync::PushResult,
    event::{Actor, EventBody},
    ids::DeviceId,
    model::{CaseKind, Channel},
    testing::{Writer, closed_complaint, registration, t0},
};

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_once() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let handler = Api::login(&server.url, "handler", None).await?;
    assert_eq!(handler.get("/api/v1/auth/me").await?.0, 200);
    assert_eq!(
        post(
            &handler,
            "/api/v1/admin/users/handler/disable",
            serde_json::json!({})
        )
        .await?
        .0,
        403
    );
    assert_eq!(
        post(
            &admin,
            "/api/v1/admin/users/handler/disable",
            serde_json::json!({})
        )
        .await?
        .0,
        200
    );
    assert_eq!(handler.get("/api/v1/auth/me").await?.0, 401);
    assert!(
        Api::login(&server.url, "handler", None).await.is_err(),
        "a disabled account cannot sign in"
    );
    let (_, users) = admin.get("/api/v1/admin/users").await?;
    let row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "handler")
        .unwrap();
    assert_eq!(row["disabled"], true);
    assert!(row.get("password_hash").is_none());
    Ok(())
}

#[tokio::test]
async fn a_kiosk_submits_kiosk_complaints_and_reads_nothing() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let (_, creds) = post(
        &admin,
        "/api/v1/admin/kiosks",
        serde_json::json!({"name": "建国路驿站 柜台"}),
    )
    .await?;
    let device = DeviceId(creds["device_id"].as_str().unwrap().parse()?);
    let kiosk = Api {
        base: server.url.clone(),
        http: reqwest::Client::new(),
        token: creds["token"].as_str().unwrap().into(),
    };
    let mut w = Writer::new(1, 7, Actor::Kiosk(device));
    w.device = device;
    let mut reg = registration(CaseKind::Complaint, t0());
    reg.channel = Channel::Kiosk;
    let res = kiosk
        .push(&[w.write(EventBody::Registered(reg.clone()))])
        .await?;
    assert!(matches!(res.results[0], PushResult::Applied { .. }));
    assert_eq!(res.numbers.len(), 1, "the receipt gets the official number");
    w.switch_to(2);
    reg.channel = Channel::Phone;
    let res = kiosk.push(&[w.write(EventBody::Registered(reg))]).await?;
    assert!(matches!(res.results[0], PushResult::Quarantined { .. }));
    assert_eq!(kiosk.get("/api/v1/sync/pull").await?.0, 403);
    // Revoked kiosks are locked out at once.
    assert_eq!(
        post(
            &admin,
            &format!("/api/v1/admin/kiosks/{device}/revoke"),
            serde_json::json!({})
        )
        .await?
        .0,
        200
    );
    assert_eq!(kiosk.get("/api/v1/sync/pull").await?.0, 401);
    Ok(())
}

#[tokio::test]
async fn the_server_masks_personal_data_before_it_leaves() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut sup = Writer::user(1, 8, "supervisor");
    let sup_api = Api::login(&server.url, "supervisor", Some(sup.device)).await?;
    let events = closed_complaint(&mut sup);
    sup_api.push(&events).await?;
    // An archivist sees closed cases (to archive them) with personal data masked, in the
    // view and in every event.
    let archivist = Api::login(&server.url, "archivist", None).await?;
    let res = archivist
        .http
        .get(format!("{}/api/v1/sync/pull?cursor=0", server.url))
        .bearer_auth(&archivist.token)
        .send()
        .await?;
    let raw = res.text().await?;
    for secret in ["13812345678", "zhang.san@example.com", "张三", "建国路88号"] {
        assert!(!raw.contains(secret), "{secret} left the server");
    }
    let page: tousu_shared::api::sync::PullResponse = serde_json::from_str(&raw)?;
    let grant = &page.grants[0];
    assert_eq!(grant.case.as_ref().unwrap().visibility, Visibility::Masked);
    let contact = grant.case.as_ref().unwrap().masked_contact.clone().unwrap();
    assert_eq!(contact.phone.as_deref(), Some("138****5678"));
    assert_eq!(
        grant
            .case
            .as_ref()
            .unwrap()
            .view
            .registration
            .as_ref()
            .unwrap()
            .complainant
            .name
            .as_ref()
            .unwrap()
            .as_str(),
        "张*"
    );
    Ok(())
}
