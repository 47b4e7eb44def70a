//! Sync API against the real server binary and a real SQLite file: login, push answers,
//! numbering, pull scope, masking, grants and revocations, bad input.

use tousu_e2e::{Api, TestServer, put};
use tousu_shared::{
    api::sync::{PushResult, Quarantine},
    clock::{CHINA_OFFSET_MINUTES, Date, Timestamp},
    event::{Actor, Event, EventBody},
    ids::CaseId,
    model::CaseKind,
    testing::{Writer, body, registration, t0},
};

fn register(w: &mut Writer) -> Event {
    w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))
}

async fn login_as(server: &TestServer, user: &str, w: &Writer) -> anyhow::Result<Api> {
    Api::login(&server.url, user, Some(w.device)).await
}

fn status(r: &PushResult) -> &'static str {
    match r {
        PushResult::Applied { .. } => "applied",
        PushResult::Duplicate { .. } => "duplicate",
        PushResult::Quarantined { .. } => "quarantined",
    }
}

fn why(r: &PushResult) -> Option<&Quarantine> {
    match r {
        PushResult::Quarantined { why, .. } => Some(why),
        _ => None,
    }
}

#[tokio::test]
async fn login_logout_and_failed_login_limits() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let http = reqwest::Client::new();
    let login = |user: &str, password: &str| {
        http.post(format!("{}/api/v1/auth/login", server.url))
            .json(&serde_json::json!({"username": user, "password": password}))
            .send()
    };
    let api = Api::login(&server.url, "supervisor", None).await?;
    let (code, me) = api.get("/api/v1/auth/me").await?;
    assert_eq!(code, 200);
    assert_eq!(me["id"], "supervisor");
    assert_eq!(me["roles"], serde_json::json!(["supervisor"]));

    // Logout revokes at once.
    let res = api
        .http
        .post(format!("{}/api/v1/auth/logout", server.url))
        .bearer_auth(&api.token)
        .send()
        .await?;
    assert_eq!(res.status(), 200);
    assert_eq!(api.get("/api/v1/auth/me").await?.0, 401);

    // Wrong password and unknown user look alike.
    let res = login("clerk", "nope").await?;
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await?;
    assert_eq!(body["code"], "invalid_credentials");
    assert_eq!(login("nobody", "nope").await?.status(), 401);
    // Five failures lock the account for a while, even for the right password.
    for _ in 0..4 {
        assert_eq!(login("clerk", "nope").await?.status(), 401);
    }
    let res = login("clerk", tousu_e2e::DEMO_PASSWORD).await?;
    assert_eq!(res.status(), 429);
    assert_eq!(
        res.json::<serde_json::Value>().await?["code"],
        "rate_limited"
    );
    // Others are not affected by someone else's lock.
    assert!(Api::login(&server.url, "handler", None).await.is_ok());
    Ok(())
}

#[tokio::test]
async fn push_answers_each_event_and_retrying_is_safe() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut w = Writer::user(1, 11, "clerk");
    let api = login_as(&server, "clerk", &w).await?;

    let reg = register(&mut w);
    let first = api.push(std::slice::from_ref(&reg)).await?;
    assert_eq!(status(&first.results[0]), "applied");
    assert_eq!(first.numbers.len(), 1);
    assert_eq!(first.numbers[0].1.to_string(), "25010001");
    // The same batch again: a duplicate, same seq, no second number.
    let again = api.push(std::slice::from_ref(&reg)).await?;
    assert_eq!(status(&again.results[0]), "duplicate");
    assert!(again.numbers.is_empty());

    // A gap: event 3 before event 2.
    let note2 = w.write(body::note("补充信息"));
    let note3 = w.write(body::note("再补充"));
    let gap = api.push(std::slice::from_ref(&note3)).await?;
    assert_eq!(why(&gap.results[0]), Some(&Quarantine::Gap { expected: 2 }));
    // Sending from the gap on applies both.
    let both = api.push(&[note2.clone(), note3.clone()]).await?;
    assert_eq!(
        both.results.iter().map(status).collect::<Vec<_>>(),
        ["applied", "applied"]
    );

    // An event repeated within one batch (a client that appended its retry): the copy is a
    // duplicate of the event applied just before it.
    let note4 = w.write(body::note("同批重复"));
    let twice = api.push(&[note4.clone(), note4.clone()]).await?;
    assert_eq!(
        twice.results.iter().map(status).collect::<Vec<_>>(),
        ["applied", "duplicate"]
    );

    // The same id with other content is reported, not ignored.
    let mut forged = note2.clone();
    forged.body = body::note("篡改后的内容");
    let res = api.push(&[forged]).await?;
    assert_eq!(why(&res.results[0]), Some(&Quarantine::IdReused));

    // A clock far ahead of the server's.
    let mut ahead = w.clone();
    ahead.now = Timestamp(tousu_e2e_now() + 10 * 60_000);
    let future = ahead.write(body::note("来自未来"));
    let res = api.push(&[future]).await?;
    assert!(matches!(
        why(&res.results[0]),
        Some(Quarantine::ClockAhead { .. })
    ));

    // One malformed event does not sink the batch.
    let mut w2 = w.clone();
    w2.seq = ahead.seq;
    let good = w2.write(body::note("正常"));
    let res = api
        .push_raw(vec![
            serde_json::json!({"id": "not-a-uuid", "body": {"kind": "note_added"}}),
            serde_json::to_value(&good)?,
        ])
        .await?;
    assert!(matches!(
        why(&res.results[0]),
        Some(Quarantine::Invalid { .. })
    ));
    assert_eq!(status(&res.results[1]), "applied");
    Ok(())
}

fn tousu_e2e_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn forbidden_events_are_quarantined_listed_and_audited() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut sup = Writer::user(2, 21, "supervisor");
    let sup_api = login_as(&server, "supervisor", &sup).await?;
    let events = vec![
        register(&mut sup),
        sup.write(body::classify()),
        sup.write(body::dispatch("ops")),
    ];
    let res = sup_api.push(&events).await?;
    assert!(
        res.results.iter().all(|r| status(r) == "applied"),
        "{res:?}"
    );

    // A handler of the other department, crafting a note offline.
    let mut other = sup.fork(22, Actor::User(tousu_shared::testing::user("handler2")));
    other.seq = 0;
    other.sees(&events);
    let other_api = login_as(&server, "handler2", &other).await?;
    let note = other.write(body::note("越权记录"));
    let res = other_api.push(std::slice::from_ref(&note)).await?;
    assert_eq!(
        why(&res.results[0]),
        Some(&Quarantine::Forbidden {
            denied: tousu_shared::access::Denied::NotInScope
        })
    );
    // Listed for its author and for supervisors, not for others.
    let (_, mine) = other_api.get("/api/v1/sync/quarantine").await?;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["reason"]["reason"], "forbidden");
    let (_, all) = sup_api.get("/api/v1/sync/quarantine").await?;
    assert_eq!(all.as_array().unwrap().len(), 1);
    let handler = Api::login(&server.url, "handler", None).await?;
    assert_eq!(
        handler
            .get("/api/v1/sync/quarantine")
            .await?
            .1
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // The claimed actor is checked against the session: a handler cannot push as supervisor.
    let mut liar = Writer::user(2, 23, "supervisor");
    liar.sees(&events);
    let liar_api = login_as(&server, "handler", &liar).await?;
    let res = liar_api.push(&[liar.write(body::note("冒名"))]).await?;
    assert_eq!(
        why(&res.results[0]),
        Some(&Quarantine::Forbidden {
            denied: tousu_shared::access::Denied::ActorMismatch
        })
    );
    Ok(())
}

#[tokio::test]
async fn numbers_restart_each_month() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut w = Writer::user(3, 31, "clerk");
    let api = login_as(&server, "clerk", &w).await?;
    let at = |y, m, d, h, min| {
        Timestamp::from_local(Date::new(y, m, d).unwrap(), h, min, CHINA_OFFSET_MINUTES)
    };
    // Registrations of new cases (numbered from `first`) received at the given times.
    let mut registrations = |first: u64, received: &[Timestamp]| -> Vec<Event> {
        received
            .iter()
            .enumerate()
            .map(|(i, at)| {
                w.switch_to(first + i as u64);
                w.write(EventBody::Registered(registration(
                    CaseKind::Complaint,
                    *at,
                )))
            })
            .collect()
    };
    let mut numbers = Vec::new();
    for reg in registrations(
        300,
        &[
            at(2026, 1, 31, 23, 50),
            at(2026, 1, 31, 23, 55),
            at(2026, 2, 1, 0, 10),
            at(2026, 1, 15, 9, 0),
        ],
    ) {
        let res = api.push(&[reg]).await?;
        numbers.push(res.numbers[0].1.to_string());
    }
    assert_eq!(numbers, ["26010001", "26010002", "26020001", "26010003"]);

    // In one batch: each month's serials in the order the registrations were accepted.
    let batch = registrations(
        310,
        &[
            at(2026, 2, 3, 8, 0),
            at(2026, 1, 20, 8, 0),
            at(2026, 2, 2, 8, 0),
            at(2026, 3, 1, 8, 0),
        ],
    );
    let res = api.push(&batch).await?;
    let numbers: Vec<(CaseId, String)> = res
        .numbers
        .iter()
        .map(|(c, n)| (*c, n.to_string()))
        .collect();
    let expected: Vec<(CaseId, String)> = batch
        .iter()
        .map(|e| e.case_id)
        .zip(["26020002", "26010004", "26020003", "26030001"].map(String::from))
        .collect();
    assert_eq!(numbers, expected);
    // The server's own events follow one another on its device.
    let sup = Api::login(&server.url, "supervisor", None).await?;
    let mut system_seqs: Vec<u64> = sup
        .pull(0)
        .await?
        .grants
        .iter()
        .flat_map(|g| g.events.iter())
        .filter(|e| matches!(e.body, EventBody::NumberAssigned(_)))
        .map(|e| e.dev_seq)
        .collect();
    system_seqs.sort();
    assert_eq!(
        system_seqs,
        (system_seqs[0]..system_seqs[0] + 8).collect::<Vec<_>>()
    );
    Ok(())
}

#[tokio::test]
async fn pull_follows_scope_masks_and_sends_grants_and_revocations() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut clerk = Writer::user(4, 41, "clerk");
    let clerk_api = login_as(&server, "clerk", &clerk).await?;
    let reg = register(&mut clerk);
    clerk_api.push(std::slice::from_ref(&reg)).await?;

    let mut sup = Writer::user(4, 42, "supervisor");
    let sup_api = login_as(&server, "supervisor", &sup).await?;
    sup.sees(std::slice::from_ref(&reg));
    let snapshot = sup_api.pull(0).await?;
    assert_eq!(
        snapshot.grants.len(),
        1,
        "first pull: a snapshot of the scope"
    );
    let events = snapshot.grants[0].events.clone();
    assert_eq!(events.len(), 2, "registration and the server's number");
    // The app asks for events only: the same grants without the folded views.
    let (status, lean) = sup_api
        .get("/api/v1/sync/pull?cursor=0&views=false")
        .await?;
    assert_eq!(status, 200);
    assert!(lean["grants"][0].get("case").is_none(), "{lean}");
    assert_eq!(
        lean["grants"][0]["events"].as_array().map(Vec::len),
        Some(2)
    );
    sup.sees(&events);
    let cursor = snapshot.cursor;
    sup_api
        .push(&[
            sup.write(body::classify()),
            sup.write(body::dispatch("ops")),
        ])
        .await?;

    let handler = Api::login(&server.url, "handler", None).await?;
    let handler2 = Api::login(&server.url, "handler2", None).await?;
    // The ops handler receives the case whole when it is dispatched to ops.
    let page = handler.pull(cursor).await?;
    assert_eq!(page.grants.len(), 1);
    let phone = page.grants[0]
        .case
        .as_ref()
        .expect("views by default")
        .view
        .registration
        .as_ref()
        .unwrap()
        .complainant
        .phone
        .clone();
    assert_eq!(
        phone.unwrap().as_str(),
        "13812345678",
        "handlers see what they need to call back"
    );
    // The north handler sees nothing.
    let page2 = handler2.pull(cursor).await?;
    assert!(page2.grants.is_empty() && page2.events.is_empty());
    let handler_cursor = page.cursor;
    let handler2_cursor = page2.cursor;

    // Re-dispatched to north: granted to handler2, revoked for handler.
    let all = sup_api.pull(cursor).await?;
    sup.sees(&all.events);
    sup_api.push(&[sup.write(body::dispatch("north"))]).await?;
    let to_north = handler2.pull(handler2_cursor).await?;
    assert_eq!(to_north.grants.len(), 1);
    assert_eq!(to_north.grants[0].events.len(), 5);
    let from_ops = handler.pull(handler_cursor).await?;
    assert_eq!(from_ops.revocations, vec![reg.case_id]);

    // The administrator moves the ops handler to north. Her tablet keeps its cursor and the
    // scope key it synced under: its next pull is a new snapshot of north's cases (the
    // device replaces what it holds with it), not events after the cursor.
    let admin = Api::login(&server.url, "admin", None).await?;
    let to_north = serde_json::json!({ "display_name": "张专员", "roles": ["handler"], "department": "north" });
    assert_eq!(
        put(&admin, "/api/v1/admin/users/handler", to_north)
            .await?
            .0,
        200
    );
    assert_eq!(from_ops.scope.len(), 16, "{:?}", from_ops.scope);
    let moved = Api::login(&server.url, "handler", None).await?;
    let again = moved
        .pull_page(&format!(
            "cursor={}&scope={}&views=false",
            from_ops.cursor, from_ops.scope
        ))
        .await?;
    assert!(again.snapshot && again.total == Some(1), "{again:?}");
    assert_eq!(again.grants[0].events[0].case_id, reg.case_id);
    assert_ne!(again.scope, from_ops.scope);
    assert_eq!(
        again.scope, page2.scope,
        "the same scope as north's handler"
    );
    // Under the new key the pulls go on from the cursor.
    let next = moved
        .pull_page(&format!("cursor={}&scope={}", again.cursor, again.scope))
        .await?;
    assert!(!next.snapshot && next.grants.is_empty() && next.events.is_empty());

    // An archivist sees nothing of an open case; a kiosk cannot pull.
    let archivist = Api::login(&server.url, "archivist", None).await?;
    assert!(archivist.pull(0).await?.grants.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_first_pull_comes_in_pages_of_cases_under_one_cursor() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut clerk = Writer::user(20, 51, "clerk");
    let clerk_api = login_as(&server, "clerk", &clerk).await?;
    let mut registered = Vec::new();
    for case_no in 20..25 {
        clerk.switch_to(case_no);
        let reg = register(&mut clerk);
        registered.push(reg.case_id);
        clerk_api.push(&[reg]).await?;
    }
    registered.sort();
    let sup = Api::login(&server.url, "supervisor", None).await?;
    let whole = sup.pull(0).await?;
    assert!(whole.snapshot && whole.after.is_none() && !whole.more);

    let mut page = sup.pull_page("cursor=0&limit=2&views=false").await?;
    let cursor = page.cursor;
    // The first page says how many the snapshot brings (a new tablet shows its progress);
    // the handler of another department is told only of its own (none here).
    assert_eq!(page.total, Some(5), "the supervisor's five cases");
    let north = Api::login(&server.url, "handler2", None).await?;
    assert_eq!(north.pull_page("cursor=0&limit=2").await?.total, Some(0));
    assert_eq!(
        cursor, whole.cursor,
        "the cursor is taken at the first page"
    );
    let mut pages = vec![page.grants.len()];
    let mut seen: Vec<_> = page.grants.iter().map(|g| g.events[0].case_id).collect();
    // A case registered while the snapshot is being read does not move its cursor.
    clerk.switch_to(30);
    clerk_api.push(&[register(&mut clerk)]).await?;
    while let Some(after) = page.after {
        assert!(page.snapshot && page.more);
        page = sup
            .pull_page(&format!(
                "cursor={cursor}&after={after}&limit=2&views=false"
            ))
            .await?;
        assert_eq!(page.cursor, cursor);
        pages.push(page.grants.len());
        seen.extend(page.grants.iter().map(|g| g.events[0].case_id));
    }
    assert!(page.snapshot && !page.more);
    assert!(seen.is_sorted(), "ascending case ids: {seen:?}");
    assert!(registered.iter().all(|c| seen.contains(c)), "{seen:?}");
    assert_eq!(pages.iter().take(3).copied().collect::<Vec<_>>(), [2, 2, 2]);
    // The late case is in a later page (pages read the current state) and comes again with
    // the next incremental pull, which starts at the first page's cursor.
    let late = clerk.case;
    assert!(seen.contains(&late));
    let next = sup.pull(cursor).await?;
    assert!(!next.snapshot);
    assert!(
        next.grants.iter().any(|g| g.events[0].case_id == late)
            || next.events.iter().any(|e| e.case_id == late)
    );
    Ok(())
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_the_server_stays_up() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let w = Writer::user(5, 51, "clerk");
    let api = login_as(&server, "clerk", &w).await?;
    let url = |p: &str| format!("{}{p}", server.url);
    let http = reqwest::Client::new();
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "malformed JSON",
            http.post(url("/api/v1/auth/login"))
                .header("content-type", "application/json")
                .body("{\"username\": "),
            400,
            "bad_request",
        ),
        (
            "wrong types",
            http.post(url("/api/v1/auth/login"))
                .json(&serde_json::json!({"username": 5, "password": []})),
            400,
            "bad_request",
        ),
        (
            "unknown fields",
            http.post(url("/api/v1/auth/login"))
                .json(&serde_json::json!({"username": "a", "password": "b", "admin": true})),
            400,
            "bad_request",
        ),
        (
            "invalid UTF-8",
            http.post(url("/api/v1/auth/login"))
                .header("content-type", "application/json")
                .body(vec![b'{', 0xff, 0xfe, b'}']),
            400,
            "bad_request",
        ),
        (
            "no content type",
            http.post(url("/api/v1/auth/login")).body("{}"),
            400,
            "bad_request",
        ),
        (
            "SQL in the user name",
            http.post(url("/api/v1/auth/login"))
                .json(&serde_json::json!({"username": "admin' OR '1'='1", "password": "x' --"})),
            401,
            "invalid_credentials",
        ),
        (
            "no token",
            http.get(url("/api/v1/sync/pull")),
            401,
            "unauthorized",
        ),
        (
            "garbage token",
            http.get(url("/api/v1/sync/pull"))
                .bearer_auth("'; DROP TABLE events; --"),
            401,
            "unauthorized",
        ),
        (
            "push not an array",
            http.post(url("/api/v1/sync/push"))
                .bearer_auth(&api.token)
                .json(&serde_json::json!({"events": "x"})),
            400,
            "bad_request",
        ),
        (
            "negative cursor type",
            http.get(url("/api/v1/sync/pull?cursor=abc"))
                .bearer_auth(&api.token),
            400,
            "bad_request",
        ),
    ];
    for (what, request, expected, code) in cases {
        let res = request.send().await?;
        assert_eq!(res.status().as_u16(), expected, "{what}");
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        assert_eq!(body["code"], code, "{what}: {body}");
    }
    // SQL metacharacters in every text field of a record sheet are just text.
    let mut w = w;
    let mut reg = registration(CaseKind::Complaint, t0());
    let sql = tousu_shared::testing::short("x'); DROP TABLE events; --");
    reg.complainant.name = Some(sql.clone());
    reg.complainant.address = Some(sql.clone());
    reg.details.location = Some(sql.clone());
    reg.details.description = tousu_shared::testing::long("\"; DELETE FROM cases; --");
    let res = api.push(&[w.write(EventBody::Registered(reg))]).await?;
    assert_eq!(status(&res.results[0]), "applied");
    let (code, _) = api.get("/api/v1/health").await?;
    assert_eq!(code, 200);
    Ok(())
}

/// Accountability is confidential on the wire too: the department's manager gets a
/// placeholder, the staff member concerned and supervisors get the record.
#[tokio::test]
async fn accountability_records_are_sent_only_to_supervisors_and_the_person_concerned()
-> anyhow::Result<()> {
    use tousu_shared::{
        clock::Timestamp,
        event::AccountabilityRecorded,
        model::{Measure, Responsibility},
        testing::{long, user},
    };
    let server = TestServer::start_demo(0)?;
    let mut sup = Writer::user(6, 61, "supervisor");
    let sup_api = login_as(&server, "supervisor", &sup).await?;
    let mut events = vec![register(&mut sup)];
    for b in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
        EventBody::AccountabilityRecorded(AccountabilityRecorded {
            person: Some(user("handler")),
            department: None,
            responsibility: Responsibility::Direct,
            measure: Measure::CriticismEducation,
            amount: None,
            reason: long("未按时限反馈"),
            appeal_until: Timestamp(tousu_e2e_now() + 7 * 86_400_000),
        }),
    ] {
        events.push(sup.write(b));
    }
    let answer = sup_api.push(&events).await?;
    assert!(
        answer.results.iter().all(|r| status(r) == "applied"),
        "{answer:?}"
    );

    let kinds = |page: &serde_json::Value| -> Vec<String> {
        page["grants"][0]["events"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["body"]["kind"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    for (user, sees) in [("handler", true), ("supervisor", true), ("manager", false)] {
        let api = Api::login(&server.url, user, None).await?;
        let (code, page) = api.get("/api/v1/sync/pull?cursor=0&views=false").await?;
        assert_eq!(code, 200);
        let kinds = kinds(&page);
        assert_eq!(kinds.len(), 6, "{user}: every event, in place: {kinds:?}");
        assert_eq!(
            kinds.iter().any(|k| k == "accountability_recorded"),
            sees,
            "{user}: {kinds:?}"
        );
        assert_eq!(
            kinds.iter().any(|k| k == "confidential"),
            !sees,
            "{user}: {kinds:?}"
        );
    }
    Ok(())
}

/// The server checks what the forms check: an amendment may not leave a named complainant
/// without a way to reach them, and a classification names a category of the catalog.
#[tokio::test]
async fn the_server_enforces_the_contact_rule_and_the_catalog() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let mut sup = Writer::user(8, 81, "supervisor");
    let api = login_as(&server, "supervisor", &sup).await?;
    let registered = register(&mut sup);
    let answer = api.push(&[registered]).await?;
    assert_eq!(status(&answer.results[0]), "applied");
    let mut strip = serde_json::to_value(sup.write(body::note("x")))?;
    // The same writer's next event, with its body replaced: the amendment keeps the name
    // and drops the phone and the e-mail.
    strip["body"] = serde_json::json!({
        "kind": "record_amended",
        "complainant": { "name": "张三" },
        "anonymous": false,
    });
    let mut unknown = serde_json::to_value(sup.write(body::classify()))?;
    unknown["body"]["category"] = serde_json::json!("made-up-category");
    let answer = api.push_raw(vec![strip, unknown]).await?;
    let reasons: Vec<serde_json::Value> = answer
        .results
        .iter()
        .map(|r| serde_json::to_value(why(r).expect("quarantined")).unwrap())
        .collect();
    assert_eq!(reasons[0]["reason"], "invalid", "{reasons:?}");
    assert_eq!(
        reasons[0]["fields"][0]["rule"]["rule"], "contact_required",
        "{reasons:?}"
    );
    assert_eq!(reasons[1]["reason"], "invalid", "{reasons:?}");
    assert_eq!(
        reasons[1]["fields"][0]["rule"]["rule"], "unknown_category",
        "{reasons:?}"
    );
    // Both are listed with their reasons for their author.
    let (code, listed) = api.get("/api/v1/sync/quarantine").await?;
    assert_eq!(code, 200);
    let listed: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["reason"]["fields"][0]["rule"]["rule"].as_str())
        .collect();
    assert!(
        listed.contains(&"contact_required") && listed.contains(&"unknown_category"),
        "{listed:?}"
    );
    Ok(())
}
