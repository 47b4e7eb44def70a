//! Accounts and devices against the real server: disabling revokes at once, kiosks submit
//! kiosk complaints only, roles without the right get personal data masked by the server.

use tousu_e2e::{Api, TestServer, post, put};
use tousu_shared::{
    access::Visibility,
    api::sync::PushResult,
    event::{Actor, EventBody},
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
async fn a_one_time_password_only_opens_the_way_to_a_new_one() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let supervisor = Api::login(&server.url, "supervisor", None).await?;
    let new_user = serde_json::json!({
        "id": "wang", "display_name": "投诉专员 王芳", "roles": ["clerk"]
    });
    // Only administrators make accounts.
    assert_eq!(
        post(&supervisor, "/api/v1/admin/users", new_user.clone())
            .await?
            .0,
        403
    );
    let (status, created) = post(&admin, "/api/v1/admin/users", new_user.clone()).await?;
    assert_eq!(status, 200, "{created}");
    let otp = created["one_time_password"].as_str().unwrap().to_string();
    assert_eq!(otp.len(), 14);
    assert_eq!(
        post(&admin, "/api/v1/admin/users", new_user).await?.0,
        400,
        "id taken"
    );

    // Signed in with it, the session may only choose a new password.
    let wang = Api::login_with(&server.url, "wang", &otp).await?;
    let (status, body) = wang.get("/api/v1/sync/pull").await?;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("password_change_required"))
    );
    assert_eq!(wang.get("/api/v1/auth/me").await?.0, 200);
    let change = |current: &str, new: &str| serde_json::json!({ "current": current, "new": new });
    let refused = |body: serde_json::Value| body["code"].as_str().map(str::to_string);
    let (status, body) = post(
        &wang,
        "/api/v1/auth/password",
        change("not it", "a fine new one"),
    )
    .await?;
    assert_eq!(
        (status, refused(body).as_deref()),
        (400, Some("wrong_password"))
    );
    let (status, body) = post(&wang, "/api/v1/auth/password", change(&otp, "short")).await?;
    assert_eq!(
        (status, refused(body).as_deref()),
        (400, Some("password_too_short"))
    );
    let (status, body) = post(&wang, "/api/v1/auth/password", change(&otp, &otp)).await?;
    assert_eq!(
        (status, refused(body).as_deref()),
        (400, Some("password_unchanged"))
    );
    assert_eq!(
        post(
            &wang,
            "/api/v1/auth/password",
            change(&otp, "王芳的新密码 2026")
        )
        .await?
        .0,
        200
    );
    // The same session goes on, no longer limited; the one-time password is spent.
    assert_eq!(wang.get("/api/v1/sync/pull").await?.0, 200);
    assert!(Api::login_with(&server.url, "wang", &otp).await.is_err());
    let again = Api::login_with(&server.url, "wang", "王芳的新密码 2026").await?;
    assert_eq!(again.get("/api/v1/sync/pull").await?.0, 200);

    // A reset ends every session and hands out a new one-time password.
    assert_eq!(
        post(
            &supervisor,
            "/api/v1/admin/users/wang/reset-password",
            serde_json::json!({})
        )
        .await?
        .0,
        403
    );
    let (status, reset) = post(
        &admin,
        "/api/v1/admin/users/wang/reset-password",
        serde_json::json!({}),
    )
    .await?;
    assert_eq!(status, 200);
    assert_eq!(
        again.get("/api/v1/auth/me").await?.0,
        401,
        "sessions end at a reset"
    );
    let otp2 = reset["one_time_password"].as_str().unwrap();
    assert_ne!(otp2, otp);
    let wang = Api::login_with(&server.url, "wang", otp2).await?;
    assert_eq!(wang.get("/api/v1/sync/pull").await?.0, 403);
    let (_, users) = admin.get("/api/v1/admin/users").await?;
    let row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "wang")
        .unwrap()
        .clone();
    assert_eq!(row["must_change_password"], true);

    // Roles and department replaced; an unknown department refused; the admin keeps theirs.
    let update =
        serde_json::json!({ "display_name": "王芳", "roles": ["handler"], "department": "ops" });
    assert_eq!(
        put(&admin, "/api/v1/admin/users/wang", update).await?.0,
        200
    );
    let bad = serde_json::json!({ "display_name": "王芳", "roles": ["handler"], "department": "nowhere" });
    assert_eq!(put(&admin, "/api/v1/admin/users/wang", bad).await?.0, 400);
    let demote = serde_json::json!({ "display_name": "管理员", "roles": ["clerk"] });
    assert_eq!(
        put(&admin, "/api/v1/admin/users/admin", demote).await?.0,
        400
    );
    // A role named twice is held once.
    let twice = serde_json::json!({ "display_name": "王芳", "roles": ["handler", "handler"], "department": "ops" });
    assert_eq!(put(&admin, "/api/v1/admin/users/wang", twice).await?.0, 200);
    // Nor disable their own account or reset their own password (found by schemathesis).
    for own in ["disable", "reset-password"] {
        let path = format!("/api/v1/admin/users/admin/{own}");
        assert_eq!(post(&admin, &path, serde_json::json!({})).await?.0, 400);
    }
    assert_eq!(
        admin.get("/api/v1/auth/me").await?.0,
        200,
        "still signed in"
    );
    let (_, users) = admin.get("/api/v1/admin/users").await?;
    let row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "wang")
        .unwrap()
        .clone();
    assert_eq!(
        (row["roles"].clone(), row["department"].clone()),
        (serde_json::json!(["handler"]), serde_json::json!("ops"))
    );
    // Disabled, then enabled again.
    assert_eq!(
        post(
            &admin,
            "/api/v1/admin/users/wang/disable",
            serde_json::json!({})
        )
        .await?
        .0,
        200
    );
    assert_eq!(
        post(
            &admin,
            "/api/v1/admin/users/wang/enable",
            serde_json::json!({})
        )
        .await?
        .0,
        200
    );
    assert!(Api::login_with(&server.url, "wang", otp2).await.is_ok());

    // Sub-units: the parent must exist and no department may belong to its own sub-unit.
    let dept = |id: &str, parent: Option<&str>| serde_json::json!({ "id": id, "name": format!("{id} 组"), "parent": parent });
    assert_eq!(
        post(
            &admin,
            "/api/v1/admin/departments",
            dept("ops-night", Some("ops"))
        )
        .await?
        .0,
        200
    );
    assert_eq!(
        post(
            &admin,
            "/api/v1/admin/departments",
            dept("ops-x", Some("nowhere"))
        )
        .await?
        .0,
        400
    );
    assert_eq!(
        post(
            &admin,
            "/api/v1/admin/departments",
            dept("ops", Some("ops-night"))
        )
        .await?
        .0,
        400
    );
    let (_, reference) = admin.get("/api/v1/reference").await?;
    let night = reference["catalog"]["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "ops-night")
        .unwrap()
        .clone();
    assert_eq!(
        night["parent"], "ops",
        "sub-units reach devices with the reference data"
    );

    // Every change is in the audit trail.
    let (_, audit) = admin.get("/api/v1/audit?limit=200").await?;
    let actions: Vec<&str> = audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    for action in [
        "admin_user_created",
        "password_changed",
        "admin_password_reset",
        "admin_user_updated",
        "admin_user_enabled",
        "admin_department_saved",
    ] {
        assert!(actions.contains(&action), "{action} audited: {actions:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_kiosk_submits_kiosk_complaints_and_reads_nothing() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let (device, kiosk) = Api::kiosk(&admin, "建国路驿站 柜台").await?;
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

/// Sends a setup code from an anonymous client.
async fn set_up(base: &str, code: &str) -> anyhow::Result<(u16, serde_json::Value)> {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/kiosk/setup"))
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await?;
    Ok((res.status().as_u16(), res.json().await.unwrap_or_default()))
}

#[tokio::test]
async fn a_kiosk_setup_code_works_once_and_only_for_a_kiosk_in_force() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let clerk = Api::login(&server.url, "clerk", None).await?;
    let counter = serde_json::json!({"name": "朝阳门站点 大厅"});
    assert_eq!(
        post(&clerk, "/api/v1/admin/kiosks", counter.clone())
            .await?
            .0,
        403
    );
    let (_, first) = post(&admin, "/api/v1/admin/kiosks", counter.clone()).await?;
    let (_, second) = post(&admin, "/api/v1/admin/kiosks", counter).await?;
    let code = first["setup_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 14, "{code}");
    let (_, listed) = admin.get("/api/v1/admin/kiosks").await?;
    assert_eq!(listed[0]["state"], "awaiting_setup", "{listed}");
    // Typed in capitals with spaces, it still works; once.
    let typed = code.to_uppercase().replace('-', " ");
    let (status, creds) = set_up(&server.url, &typed).await?;
    assert_eq!(status, 200, "{creds}");
    assert_eq!(creds["device_id"], first["device_id"]);
    assert_eq!(creds["name"], "朝阳门站点 大厅");
    assert_eq!(set_up(&server.url, &code).await?.0, 400, "a used code");
    assert_eq!(
        set_up(&server.url, "abcd-efgh-jkmn").await?.0,
        400,
        "a made-up code"
    );
    // A kiosk revoked before its setup cannot be set up.
    let revoke = format!(
        "/api/v1/admin/kiosks/{}/revoke",
        second["device_id"].as_str().unwrap()
    );
    assert_eq!(post(&admin, &revoke, serde_json::json!({})).await?.0, 200);
    assert_eq!(
        set_up(&server.url, second["setup_code"].as_str().unwrap())
            .await?
            .0,
        400
    );
    let (_, listed) = admin.get("/api/v1/admin/kiosks").await?;
    let states: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states.iter().filter(|s| **s == "active").count(),
        1,
        "{listed}"
    );
    assert_eq!(
        states.iter().filter(|s| **s == "revoked").count(),
        1,
        "{listed}"
    );
    assert_eq!(clerk.get("/api/v1/admin/kiosks").await?.0, 403);
    // Guessing is limited per client like sign-ins.
    let mut last = 0;
    for _ in 0..25 {
        last = set_up(&server.url, "zzzz-zzzz-zzzz").await?.0;
    }
    assert_eq!(last, 429);
    // The setup is in the audit trail, as the kiosk's own act.
    let (_, audit) = admin.get("/api/v1/audit?action=kiosk_set_up").await?;
    assert!(audit.to_string().contains("kiosk_set_up"), "{audit}");
    Ok(())
}

/// A setup code sent as if through a proxy that says the client was `forwarded_for`.
async fn set_up_via(base: &str, forwarded_for: &str) -> anyhow::Result<u16> {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/kiosk/setup"))
        .header("x-forwarded-for", forwarded_for)
        .json(&serde_json::json!({ "code": "zzzz-zzzz-zzzz" }))
        .send()
        .await?;
    Ok(res.status().as_u16())
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_nobody_else_can_claim_one()
-> anyhow::Result<()> {
    // The tests connect from 127.0.0.1: here that is the proxy.
    let proxied = TestServer::start_in(
        tempfile::tempdir()?,
        &[("TOUSU_TRUSTED_PROXY", "127.0.0.1")],
    )?;
    for _ in 0..20 {
        assert_eq!(set_up_via(&proxied.url, "203.0.113.7").await?, 400);
    }
    assert_eq!(set_up_via(&proxied.url, "203.0.113.7").await?, 429);
    assert_eq!(
        set_up_via(&proxied.url, "203.0.113.8").await?,
        400,
        "another client"
    );
    // Without a trusted proxy the header is the client's own word: ignored.
    let direct = TestServer::start()?;
    for i in 0..20 {
        assert_eq!(
            set_up_via(&direct.url, &format!("203.0.113.{i}")).await?,
            400
        );
    }
    assert_eq!(set_up_via(&direct.url, "198.51.100.1").await?, 429);
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
