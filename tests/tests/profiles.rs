//! Regulation profiles over the API (issue 13): the server started with each profile answers
//! `/reference` with its categories and clocks and `/profile` with the seed's words; the demo
//! data follows it; an administrator switches it; a later `--profile` changes nothing.

use tousu_e2e::{Api, DEMO_PASSWORD, TestServer, put};
use tousu_shared::{
    api::{Reference, sync::PushResult},
    event::EventBody,
    model::{CaseKind, Severity},
    profile::{PROFILE_IDS, Profile},
    testing::{Writer, body, registration, t0},
};

async fn reference(api: &Api) -> anyhow::Result<Reference> {
    let (code, body) = api.get("/api/v1/reference").await?;
    anyhow::ensure!(code == 200, "{code} {body}");
    Ok(serde_json::from_value(body)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_profile_sets_up_its_clocks_categories_and_demo_data() -> anyhow::Result<()> {
    for id in PROFILE_IDS {
        let profile = Profile::builtin(id)?;
        let data = tempfile::tempdir()?;
        let server = TestServer::start_in(
            data,
            &[
                ("TOUSU_DEMO", "true"),
                ("TOUSU_DEMO_CASES", "12"),
                ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
                ("TOUSU_PROFILE", id),
            ],
        )?;
        let sup = Api::login(&server.url, "supervisor", None).await?;
        let r = reference(&sup).await?;
        assert_eq!(r.profile.as_ref().map(|p| p.id.as_str()), Some(id));
        assert_eq!(r.sla_policy, profile.policy(), "{id}");
        assert_eq!(r.catalog.categories, profile.catalog_categories(), "{id}");
        // The whole profile, with its sources.
        let (code, body) = sup.get("/api/v1/profile").await?;
        assert_eq!(code, 200);
        let served: Profile = serde_json::from_value(body)?;
        assert_eq!(served, profile);
        // Every demo case is filed under a category of the profile (none was quarantined).
        let pulled = sup.pull(0).await?;
        assert!(!pulled.grants.is_empty(), "{id}");
        for g in &pulled.grants {
            let view = &g.case.as_ref().expect("views").view;
            if let Some(c) = &view.category {
                assert!(r.catalog.has_category(c), "{id}: {c}");
            }
        }
        let (code, q) = sup.get("/api/v1/sync/quarantine").await?;
        assert_eq!(code, 200);
        assert_eq!(q.as_array().map(Vec::len), Some(0), "{id}: {q}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_switches_the_profile_and_a_later_flag_changes_nothing() -> anyhow::Result<()> {
    let server = TestServer::start_demo(0)?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let clerk = Api::login(&server.url, "clerk", None).await?;
    // The default is the parcel station's.
    assert_eq!(
        reference(&clerk).await?.profile.map(|p| p.id),
        Some("parcel-station".to_string())
    );
    let body = serde_json::json!({"id": "metro"});
    assert_eq!(
        put(&clerk, "/api/v1/admin/profile", body.clone()).await?.0,
        403
    );
    let (code, answer) = put(
        &admin,
        "/api/v1/admin/profile",
        serde_json::json!({"id": "bank"}),
    )
    .await?;
    assert_eq!(code, 400, "{answer}");
    let (code, answer) = put(&admin, "/api/v1/admin/profile", body).await?;
    assert_eq!(code, 200, "{answer}");
    let metro = Profile::builtin("metro")?;
    let r = reference(&clerk).await?;
    assert_eq!(r.profile.map(|p| p.id), Some("metro".to_string()));
    assert_eq!(r.sla_policy, metro.policy());
    assert_eq!(r.catalog.categories, metro.catalog_categories());

    // Restarted with another --profile: the one in force stays.
    let data = server.into_data();
    let server = TestServer::start_in(data, &[("TOUSU_PROFILE", "warehouse")])?;
    let clerk = Api::login(&server.url, "clerk", None).await?;
    assert_eq!(
        reference(&clerk).await?.profile.map(|p| p.id),
        Some("metro".to_string())
    );
    Ok(())
}

/// 002's emergency path over the API: a case registered under the warehouse profile's rules
/// and triaged 緊急重大 comes to the supervisor's and the department's devices with its alert
/// flag at their next pull, and to nobody else's; a registration whose rules are not a
/// shipped profile's is refused with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_case_reaches_supervisors_with_its_alert_flag() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let server = TestServer::start_in(
        data,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ("TOUSU_PROFILE", "warehouse"),
        ],
    )?;
    let mut clerk = Writer::user(1, 1, "clerk");
    let clerk_api = Api::login(&server.url, "clerk", Some(clerk.device)).await?;
    let mut sup = Writer::user(1, 2, "supervisor");
    let sup_api = Api::login(&server.url, "supervisor", Some(sup.device)).await?;
    let handler_api = Api::login(&server.url, "handler", None).await?;
    let rules = reference(&clerk_api)
        .await?
        .profile
        .and_then(|p| p.rules)
        .expect("the reference carries the rules");
    assert_eq!((rules.profile.as_str(), rules.version), ("warehouse", 1));
    assert!(rules.emergency.is_some() && rules.short_path);

    // Before: nothing to alert.
    let cursor = sup_api.pull(0).await?.cursor;
    let mut r = registration(CaseKind::Complaint, t0());
    r.rules = Some(Box::new(rules.clone()));
    let reg = clerk.write(EventBody::Registered(r));
    let pushed = clerk_api.push(std::slice::from_ref(&reg)).await?;
    assert!(
        matches!(pushed.results[0], PushResult::Applied { .. }),
        "{pushed:?}"
    );
    sup.sees(std::slice::from_ref(&reg));
    let steps = [
        sup.write(EventBody::Classified(tousu_shared::event::Classified {
            category: tousu_shared::ids::CategoryId::parse("service-quality")?,
            cause: None,
            severity: Severity::UrgentMajor,
        })),
        sup.write(body::dispatch("ops")),
    ];
    let pushed = sup_api.push(&steps).await?;
    assert!(
        pushed
            .results
            .iter()
            .all(|r| matches!(r, PushResult::Applied { .. })),
        "{pushed:?}"
    );
    let case = reg.case_id;

    let page = sup_api.pull(cursor).await?;
    assert_eq!(
        page.alerts,
        vec![case],
        "the supervisor's device is alerted"
    );
    let page = handler_api.pull(0).await?;
    assert_eq!(page.alerts, vec![case], "so is the department's");
    let page = clerk_api.pull(0).await?;
    assert!(page.alerts.is_empty(), "a clerk is not alerted");
    // The case runs the emergency path: the plan waits for the interim measure.
    let view = tousu_shared::fold::fold(case, &[reg.clone(), steps[0].clone(), steps[1].clone()]);
    assert!(view.interim_owed());

    // Rules a device made up are refused, with the reason.
    let mut forged = rules;
    forged.short_path = false;
    forged.approval_levels = 1;
    forged.emergency = None;
    let mut r = registration(CaseKind::Complaint, t0());
    r.rules = Some(Box::new(forged));
    clerk.switch_to(2);
    let bad = clerk.write(EventBody::Registered(r));
    let pushed = clerk_api.push(std::slice::from_ref(&bad)).await?;
    let answer = format!("{:?}", pushed.results[0]);
    assert!(
        answer.contains("not profile warehouse version 1 as shipped"),
        "{answer}"
    );
    Ok(())
}

/// An administrator edits the profile in force through the API: a higher version with its
/// sources and consistent clocks goes in force, devices get its clocks and rules, a
/// registration under the edit is accepted (also after another switch), one under the old
/// shipped version still is; a version already used or clocks that overrun are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_edits_the_profile_and_cases_keep_the_version_they_started_under()
-> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let server = TestServer::start_in(
        data,
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "0"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
            ("TOUSU_PROFILE", "metro"),
        ],
    )?;
    let admin = Api::login(&server.url, "admin", None).await?;
    let mut clerk = Writer::user(1, 1, "clerk");
    let clerk_api = Api::login(&server.url, "clerk", Some(clerk.device)).await?;
    let shipped = Profile::builtin("metro")?;
    let old_rules = shipped.rules();

    let mut edit = shipped.clone();
    edit.version = 2;
    edit.clocks.whole_case.value = tousu_shared::sla::Limit::WorkingDays(9);
    edit.clocks.whole_case.seed = "默认：本站改为9个工作日（管理员修订）".into();
    let (code, answer) = put(
        &admin,
        "/api/v1/admin/profile",
        serde_json::json!({ "profile": edit }),
    )
    .await?;
    assert_eq!(code, 200, "{answer}");
    let r = reference(&clerk_api).await?;
    assert_eq!(
        r.sla_policy.whole_case,
        tousu_shared::sla::Limit::WorkingDays(9)
    );
    let new_rules = r.profile.and_then(|p| p.rules).expect("rules");
    assert_eq!(new_rules.version, 2);
    let (_, served) = clerk_api.get("/api/v1/profile").await?;
    assert_eq!(serde_json::from_value::<Profile>(served)?, edit);

    // The same version again, and clocks that overrun the whole case: refused, nothing changes.
    let (code, answer) = put(
        &admin,
        "/api/v1/admin/profile",
        serde_json::json!({ "profile": edit }),
    )
    .await?;
    assert_eq!(code, 400, "{answer}");
    assert!(answer.to_string().contains("version 2"), "{answer}");
    let mut overrun = edit.clone();
    overrun.version = 3;
    overrun.clocks.whole_case.value = tousu_shared::sla::Limit::WorkingDays(3);
    let (code, _) = put(
        &admin,
        "/api/v1/admin/profile",
        serde_json::json!({ "profile": overrun }),
    )
    .await?;
    assert_eq!(code, 400);

    // Registrations under the edit and under the shipped version (a device not yet synced).
    let register = |w: &mut Writer, rules: tousu_shared::rules::CaseRules| {
        let mut r = registration(CaseKind::Complaint, t0());
        r.rules = Some(Box::new(rules));
        w.write(EventBody::Registered(r))
    };
    for (no, rules) in [(1, new_rules.clone()), (2, old_rules)] {
        clerk.switch_to(no);
        let e = register(&mut clerk, rules);
        let pushed = clerk_api.push(std::slice::from_ref(&e)).await?;
        assert!(
            matches!(pushed.results[0], PushResult::Applied { .. }),
            "{pushed:?}"
        );
    }
    // After a switch to another profile, the edit's rules stay known.
    let (code, _) = put(
        &admin,
        "/api/v1/admin/profile",
        serde_json::json!({ "id": "warehouse" }),
    )
    .await?;
    assert_eq!(code, 200);
    clerk.switch_to(3);
    let e = register(&mut clerk, new_rules);
    let pushed = clerk_api.push(std::slice::from_ref(&e)).await?;
    assert!(
        matches!(pushed.results[0], PushResult::Applied { .. }),
        "{pushed:?}"
    );
    Ok(())
}
