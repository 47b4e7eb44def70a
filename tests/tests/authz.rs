//! The authorization matrix: every role (plus anonymous and a kiosk) × API operation ×
//! object state, each cell asserted against the real server. The matrix is printed.

use std::collections::BTreeMap;

use tousu_e2e::{Api, DEMO_PASSWORD, TestServer, post};
use tousu_shared::{
    api::sync::{PushResult, Quarantine},
    event::{Actor, Event, EventBody},
    ids::CaseId,
    model::CaseKind,
    testing::{Writer, body, closed_complaint, registration, t0},
};

const ROLES: &[&str] = &[
    "anonymous",
    "kiosk",
    "clerk",
    "handler",
    "handler2",
    "manager",
    "supervisor",
    "archivist",
    "admin",
    "leader",
];

struct Who {
    api: Option<Api>,
    writer: Writer,
}

fn cell(result: &PushResult) -> String {
    match result {
        PushResult::Applied { .. } => "ok".into(),
        PushResult::Duplicate { .. } => "dup".into(),
        PushResult::Quarantined {
            why: Quarantine::Forbidden { denied },
            ..
        } => serde_json::to_value(denied)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string(),
        PushResult::Quarantined { why, .. } => format!("{why:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_times_every_operation_times_every_state() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let url = server.url.clone();
    let admin = Api::login(&url, "admin", None).await?;
    let (code, _) = post(&admin, "/api/v1/admin/users", serde_json::json!({
        "id": "archivist2", "display_name": "档案管理员 二", "roles": ["archivist"], "password": DEMO_PASSWORD
    })).await?;
    assert_eq!(code, 200);
    let (kiosk_device, kiosk_api) = Api::kiosk(&admin, "朝阳门站点 大厅").await?;

    // Cases: A dispatched to ops, B to north (both registered by the clerk), C closed in
    // January 2025 and archived.
    let mut clerk = Writer::user(1, 1, "clerk");
    let clerk_api = Api::login(&url, "clerk", Some(clerk.device)).await?;
    let mut sup = Writer::user(1, 2, "supervisor");
    let sup_api = Api::login(&url, "supervisor", Some(sup.device)).await?;
    let mut history: BTreeMap<CaseId, Vec<Event>> = BTreeMap::new();
    let mut cases = Vec::new();
    for (no, dept) in [(101, "ops"), (102, "north")] {
        clerk.switch_to(no);
        let reg = clerk.write(EventBody::Registered(registration(
            CaseKind::Complaint,
            t0(),
        )));
        clerk_api.push(std::slice::from_ref(&reg)).await?;
        sup.switch_to(no);
        sup.sees(std::slice::from_ref(&reg));
        let steps = vec![sup.write(body::classify()), sup.write(body::dispatch(dept))];
        sup_api.push(&steps).await?;
        let mut all = vec![reg];
        all.extend(steps);
        cases.push(all[0].case_id);
        history.insert(all[0].case_id, all);
    }
    sup.switch_to(103);
    let closed = closed_complaint(&mut sup);
    sup_api.push(&closed).await?;
    let archivist_api = Api::login(&url, "archivist", None).await?;
    assert_eq!(
        post(
            &archivist_api,
            "/api/v1/archive/run",
            serde_json::json!({"year": 2025, "month": 1})
        )
        .await?
        .0,
        200
    );
    let archived = closed[0].case_id;
    history.insert(archived, closed);

    // Everyone, each on a device of their own.
    let mut who: BTreeMap<&str, Who> = BTreeMap::new();
    for (i, role) in ROLES.iter().enumerate() {
        let mut writer = match *role {
            "kiosk" => {
                let mut w = Writer::new(1, 50 + i as u64, Actor::Kiosk(kiosk_device));
                w.device = kiosk_device;
                w
            }
            "anonymous" => Writer::user(1, 50 + i as u64, "nobody"),
            name => Writer::user(1, 50 + i as u64, name),
        };
        let api = match *role {
            "anonymous" => None,
            "kiosk" => Some(kiosk_api.clone()),
            name => Some(Api::login(&url, name, Some(writer.device)).await?),
        };
        writer.seq = 0;
        who.insert(role, Who { api, writer });
    }

    let states: Vec<(&str, CaseId)> = vec![
        ("own dept (ops)", cases[0]),
        ("other dept (north)", cases[1]),
        ("archived, no grant", archived),
    ];
    let mut table = String::new();
    let row = |table: &mut String,
               role: &str,
               state: &str,
               read: String,
               pull: String,
               note: String,
               dispatch: String| {
        table.push_str(&format!("{role:<10} | {state:<20} | read {read:<3} | pull {pull:<4} | note {note:<19} | dispatch {dispatch}\n"));
    };

    async fn probe(
        w: &mut Who,
        case: CaseId,
        history: &BTreeMap<CaseId, Vec<Event>>,
        url: &str,
    ) -> anyhow::Result<(String, String, String, String)> {
        let Some(api) = w.api.clone() else {
            let http = reqwest::Client::new();
            let read = http
                .get(format!("{url}/api/v1/cases/{case}"))
                .send()
                .await?
                .status()
                .as_u16();
            let pull = http
                .get(format!("{url}/api/v1/sync/pull"))
                .send()
                .await?
                .status()
                .as_u16();
            let push = http
                .post(format!("{url}/api/v1/sync/push"))
                .json(&serde_json::json!({"events": []}))
                .send()
                .await?
                .status()
                .as_u16();
            return Ok((
                read.to_string(),
                pull.to_string(),
                push.to_string(),
                push.to_string(),
            ));
        };
        let (read, _) = api.get(&format!("/api/v1/cases/{case}")).await?;
        let res = api
            .http
            .get(format!("{url}/api/v1/sync/pull"))
            .bearer_auth(&api.token)
            .send()
            .await?;
        let pull = if res.status() == 200 {
            let page: tousu_shared::api::sync::PullResponse = res.json().await?;
            if page
                .grants
                .iter()
                .any(|g| g.case.as_ref().is_some_and(|c| c.view.id == case))
            {
                "sees"
            } else {
                "-"
            }
            .to_string()
        } else {
            res.status().as_u16().to_string()
        };
        w.writer.switch_to(0);
        w.writer.case = case;
        w.writer.sees(&history[&case]);
        let note = w.writer.write(body::note("矩阵测试记录"));
        let dispatch = w.writer.write(body::dispatch("north"));
        let pushed = api.push(&[note, dispatch]).await?;
        Ok((
            read.to_string(),
            pull,
            cell(&pushed.results[0]),
            cell(&pushed.results[1]),
        ))
    }

    for role in ROLES {
        for (state, case) in &states {
            let w = who.get_mut(role).unwrap();
            let (read, pull, note, dispatch) = probe(w, *case, &history, &url).await?;
            row(&mut table, role, state, read, pull, note, dispatch);
        }
    }

    // Grants: everyone who can asks for the archived month; archivists approve (never their own).
    let archivist2 = Api::login(&url, "archivist2", None).await?;
    for role in ROLES
        .iter()
        .filter(|r| !matches!(**r, "anonymous" | "kiosk"))
    {
        let api = who[role].api.clone().unwrap();
        let (code, req) = post(&api, "/api/v1/archive/requests", serde_json::json!({"scope": {"type": "case", "case": archived}, "reason": "矩阵测试", "days": 1})).await?;
        assert_eq!(code, 200, "{role}");
        let decider = if *role == "archivist" {
            &archivist2
        } else {
            &archivist_api
        };
        let (code, body) = post(
            decider,
            &format!("/api/v1/archive/requests/{}/decision", req["id"]),
            serde_json::json!({"approve": true}),
        )
        .await?;
        assert_eq!(code, 200, "{role}: {body}");
    }
    for role in ROLES {
        let w = who.get_mut(role).unwrap();
        let (read, pull, note, dispatch) = probe(w, archived, &history, &url).await?;
        row(
            &mut table,
            role,
            "archived, with grant",
            read,
            pull,
            note,
            dispatch,
        );
    }

    println!(
        "authorization matrix (read: GET /cases/{{id}}; pull: first pull lists it; note / dispatch: pushed events)\n{table}"
    );
    let expected = include_str!("data/authz_matrix.txt");
    assert_eq!(table, expected, "the matrix changed:\n{table}");
    Ok(())
}
