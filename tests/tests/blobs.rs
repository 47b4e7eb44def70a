//! Attachments: content-addressed upload checked by hash, type and size; download only for
//! those who fully see a case that refers to the blob.

use sha2::{Digest, Sha256};
use tousu_e2e::{Api, TestServer, announce_body};
use tousu_shared::{
    event::{AttachmentAdded, EventBody},
    model::{Attachment, CaseKind},
    testing::{Writer, body, registration, short, t0},
    validate::BlobHash,
};

fn hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A tiny but real PNG header followed by bytes: enough for the type check.
fn photo() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..2048u32).map(|i| (i * 7 % 251) as u8));
    png
}

async fn put(
    api: Option<&Api>,
    url: &str,
    hash: &str,
    data: Vec<u8>,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let http = reqwest::Client::new();
    let mut req = http.put(format!("{url}/api/v1/blobs/{hash}")).body(data);
    if let Some(api) = api {
        req = req.bearer_auth(&api.token);
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or_default()))
}

#[tokio::test]
async fn attachments_are_checked_and_only_shown_to_those_who_see_the_case() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut sup = Writer::user(1, 81, "supervisor");
    let sup_api = Api::login(&server.url, "supervisor", Some(sup.device)).await?;
    let data = photo();
    let hash = hex(&data);

    // Checked on the way in.
    assert_eq!(put(None, &server.url, &hash, data.clone()).await?.0, 401);
    let (code, body) = put(Some(&sup_api), &server.url, &hex(b"other"), data.clone()).await?;
    assert_eq!(code, 400, "{body}");
    let text = b"just text, not an image".to_vec();
    let (code, body) = put(Some(&sup_api), &server.url, &hex(&text), text).await?;
    assert_eq!(
        (code, body["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    // Too large: refused from the declared length, before the body is read.
    let auth = format!("Bearer {}", sup_api.token);
    let (code, body) = announce_body(
        &server.url,
        "PUT",
        &format!("/api/v1/blobs/{hash}"),
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/pdf"),
        ],
        10 * 1024 * 1024 + 1,
    )
    .await?;
    assert_eq!(code, 413, "{body}");
    // Idempotent.
    assert_eq!(
        put(Some(&sup_api), &server.url, &hash, data.clone())
            .await?
            .0,
        200
    );
    assert_eq!(
        put(Some(&sup_api), &server.url, &hash, data.clone())
            .await?
            .0,
        200
    );

    // A case of the ops department refers to it.
    let mut events = vec![sup.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    events.push(sup.write(body::classify()));
    events.push(sup.write(body::dispatch("ops")));
    events.push(sup.write(EventBody::AttachmentAdded(AttachmentAdded {
        attachment: Attachment {
            hash: BlobHash::parse(&hash)?,
            media_type: short("image/png"),
            name: Some(short("现场照片.png")),
            size: data.len() as u64,
        },
        caption: None,
    })));
    sup_api.push(&events).await?;

    let get = |api: Api| {
        let url = format!("{}/api/v1/blobs/{hash}", server.url);
        async move { api.http.get(url).bearer_auth(&api.token).send().await }
    };
    let handler = Api::login(&server.url, "handler", None).await?;
    let res = get(handler).await?;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await?.to_vec(), data);
    let handler2 = Api::login(&server.url, "handler2", None).await?;
    assert_eq!(get(handler2).await?.status(), 404, "outside the scope");
    let unknown = hex(b"never uploaded");
    let res = sup_api
        .http
        .get(format!("{}/api/v1/blobs/{unknown}", server.url))
        .bearer_auth(&sup_api.token)
        .send()
        .await?;
    assert_eq!(res.status(), 404);
    Ok(())
}
