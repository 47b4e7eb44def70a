//! The counter and the public against the real server (issue 16): web complaints with their
//! receipt, limits, size bound and honeypot; a kiosk's sealed complaint opened by the server
//! (a retry answered the same, a seal to another key refused); the status lookup answering
//! a wrong code exactly like an unknown number, with no personal data.

use tousu_e2e::{Api, TestServer, announce_body, post};
use tousu_shared::api::public::{KioskComplaint, PublicComplaint, PublicReceipt, lookup_code};

fn complaint(phone: &str) -> serde_json::Value {
    serde_json::json!({
        "what": "候车室空调坏了三天，没人处理",
        "ask": "尽快修好",
        "name": "王秀英",
        "phone": phone,
        "privacy_accepted": true,
    })
}

async fn public_post(
    base: &str,
    path: &str,
    body: &serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let res = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(body)
        .send()
        .await?;
    let status = res.status().as_u16();
    let text = res.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    ))
}

#[tokio::test]
async fn a_web_complaint_gets_a_receipt_and_its_status_tells_no_personal_data() -> anyhow::Result<()>
{
    let server = TestServer::start_demo(0)?;
    let (code, body) = public_post(
        &server.url,
        "/api/v1/public/complaints",
        &complaint("13911112222"),
    )
    .await?;
    assert_eq!(code, 200, "{body}");
    let receipt: PublicReceipt = serde_json::from_value(body)?;
    assert!(
        receipt.number.chars().all(|c| c.is_ascii_digit()),
        "{receipt:?}"
    );
    assert_eq!(receipt.lookup_code.len(), 9);
    assert!(receipt.answer_due.is_some(), "the receipt promises a date");

    // Staff see it as a web case, with what was promised.
    let supervisor = Api::login(&server.url, "supervisor", None).await?;
    let (_, pulled) = supervisor.get("/api/v1/sync/pull?cursor=0").await?;
    let text = pulled.to_string();
    assert!(
        text.contains("13911112222") && text.contains("\"web\""),
        "staff get the case"
    );
    assert!(
        text.contains("promised_answer"),
        "the promise is on the record"
    );

    // The status: right code; wrong code and unknown number alike; nothing personal.
    let ask = |number: &str, code: &str| serde_json::json!({ "number": number, "code": code });
    let (status, found) = public_post(
        &server.url,
        "/api/v1/public/status",
        &ask(&receipt.number, &receipt.lookup_code.to_lowercase()),
    )
    .await?;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["stage"], "received");
    assert_eq!(found["answered"], false);
    let shown = found.to_string();
    for secret in ["13911112222", "王秀英", "空调", "supervisor", "clerk"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let (wrong, wrong_body) = public_post(
        &server.url,
        "/api/v1/public/status",
        &ask(&receipt.number, "AAAA-AAAA"),
    )
    .await?;
    let (unknown, unknown_body) = public_post(
        &server.url,
        "/api/v1/public/status",
        &ask("99999999", &receipt.lookup_code),
    )
    .await?;
    assert_eq!((wrong, unknown), (404, 404));
    assert_eq!(
        wrong_body, unknown_body,
        "a wrong code reads like an unknown number"
    );
    Ok(())
}

#[tokio::test]
async fn the_public_form_refuses_robots_floods_and_oversized_bodies() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut robot = complaint("13911113333");
    robot["website"] = "http://spam.example".into();
    let (code, body) = public_post(&server.url, "/api/v1/public/complaints", &robot).await?;
    assert_eq!(code, 400, "{body}");
    assert!(body["message"].as_str().unwrap_or("").contains("website"));

    let mut incomplete = complaint("");
    incomplete["privacy_accepted"] = false.into();
    let (code, body) = public_post(&server.url, "/api/v1/public/complaints", &incomplete).await?;
    assert_eq!(code, 400);
    let message = body["message"].as_str().unwrap_or("");
    assert!(
        message.contains("contact") && message.contains("privacy"),
        "{message}"
    );

    // Refused from the declared length (sending the whole body races the server's early
    // answer: the client may see a broken pipe instead of the 413).
    let (code, body) = announce_body(
        &server.url,
        "POST",
        "/api/v1/public/complaints",
        &[("Content-Type", "application/json")],
        5 * 1024 * 1024,
    )
    .await?;
    assert_eq!(code, 413, "{body}");

    // The robot and the incomplete form counted: three more pass, then 429.
    let mut answers = Vec::new();
    for i in 0..5 {
        let (code, _) = public_post(
            &server.url,
            "/api/v1/public/complaints",
            &complaint(&format!("1391111{i:04}")),
        )
        .await?;
        answers.push(code);
    }
    assert_eq!(answers, [200, 200, 200, 429, 429], "per-client limit");
    let (health, _) = public_post(&server.url, "/api/v1/health", &serde_json::json!({})).await?;
    assert_ne!(health, 500, "the server stays up");
    Ok(())
}

#[tokio::test]
async fn a_kiosks_sealed_complaint_is_opened_by_the_server_once() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let (device, kiosk) = Api::kiosk(&admin, "大厅 1 号机").await?;
    let (code, key) = kiosk.get("/api/v1/kiosk/seal-key").await?;
    assert_eq!(code, 200);
    let key = key["key"].as_str().unwrap().to_string();
    let (forbidden, _) = admin.get("/api/v1/kiosk/seal-key").await?;
    assert_eq!(forbidden, 403, "staff have no use for it");

    let case = tousu_shared::ids::CaseId(uuid_v7());
    let sealed_complaint = KioskComplaint {
        case_id: case,
        submitted_at: tousu_shared::clock::Timestamp(now_ms() - 3_600_000),
        lookup_code: lookup_code(&[7, 1, 2, 3, 4, 5, 6, 7]),
        complaint: PublicComplaint {
            what: "自助终端投诉：厕所没有纸".into(),
            anonymous: true,
            privacy_accepted: true,
            ..PublicComplaint::default()
        },
        photos: vec![tousu_shared::api::public::PublicPhoto {
            media_type: "image/png".into(),
            data: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, PNG),
        }],
    };
    let sealed = tousu_server::seal::seal(&key, &serde_json::to_vec(&sealed_complaint)?)?;
    let body = serde_json::to_value(&sealed)?;
    assert!(!body.to_string().contains("厕所"), "sealed");
    let (code, first) = post(&kiosk, "/api/v1/kiosk/complaints", body.clone()).await?;
    assert_eq!(code, 200, "{first}");
    let (code, again) = post(&kiosk, "/api/v1/kiosk/complaints", body).await?;
    assert_eq!(code, 200, "{again}");
    assert_eq!(first["number"], again["number"], "a retry is the same case");

    // Staff see a kiosk case with its photo, by the kiosk.
    let supervisor = Api::login(&server.url, "supervisor", None).await?;
    let (_, pulled) = supervisor.get("/api/v1/sync/pull?cursor=0").await?;
    let text = pulled.to_string();
    assert!(text.contains("厕所没有纸") && text.contains("\"kiosk\""));
    assert!(text.contains(&device.to_string()), "the kiosk is the actor");
    assert!(text.contains("image/png"));

    // The offline receipt's provisional label finds it too.
    let label = tousu_shared::number::provisional_label(case);
    let (status, found) = public_post(
        &server.url,
        "/api/v1/public/status",
        &serde_json::json!({ "number": label, "code": sealed_complaint.lookup_code }),
    )
    .await?;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["number"], first["number"]);

    // A seal to another key, and staff posting a kiosk complaint, are refused.
    let other = tousu_server::seal::SealKeys::generate();
    let wrong = tousu_server::seal::seal(&other.public_key(), b"{}")?;
    let (code, _) = post(
        &kiosk,
        "/api/v1/kiosk/complaints",
        serde_json::to_value(&wrong)?,
    )
    .await?;
    assert_eq!(code, 400);
    let (code, _) = post(
        &supervisor,
        "/api/v1/kiosk/complaints",
        serde_json::to_value(&wrong)?,
    )
    .await?;
    assert_eq!(code, 403);
    Ok(())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn uuid_v7() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];
