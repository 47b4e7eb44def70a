//! Regulation profiles over the API (issue 13): the server started with each profile answers
//! `/reference` with its categories and clocks and `/profile` with the seed's words; the demo
//! data follows it; an administrator switches it; a later `--profile` changes nothing.

use tousu_e2e::{Api, DEMO_PASSWORD, TestServer, put};
use tousu_shared::{
    api::Reference,
    profile::{PROFILE_IDS, Profile},
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
