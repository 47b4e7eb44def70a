//! The five regulation profiles (issue 13): each parses with a source beside every value, its
//! clocks are consistent with its whole-case limit on the real 2025/2026 calendar, and a case
//! walked end to end under it, each stage done at its deadline, is on time at every clock.

use tousu_shared::{
    clock::{CHINA_OFFSET_MINUTES, Date, Timestamp},
    event::EventBody,
    fold::fold,
    model::{CaseKind, Measure, Satisfaction, Severity},
    profile::{DEFAULT_PROFILE, PROFILE_IDS, Profile, ProfileError},
    sla::{Limit, SlaClock, SlaPolicy, SlaStage, SlaStatus, WorkCalendar, clocks},
    testing::{Writer, body, registration},
};

fn at(y: i32, m: u8, d: u8, h: u32) -> Timestamp {
    Timestamp::from_local(Date::new(y, m, d).unwrap(), h, 0, CHINA_OFFSET_MINUTES)
}

/// Receipt times that cross the holidays of both shipped years: before the 2025 Spring
/// Festival, a Friday before a make-up Sunday, before Labour Day 2026, before National Day
/// 2026, a Saturday, an ordinary Wednesday evening.
fn receipts() -> Vec<Timestamp> {
    vec![
        at(2025, 1, 27, 16),
        at(2025, 1, 24, 16),
        at(2026, 4, 30, 10),
        at(2026, 9, 30, 17),
        at(2025, 3, 1, 10),
        at(2026, 3, 11, 21),
    ]
}

#[test]
fn every_shipped_profile_parses_with_its_sources() {
    let all = Profile::all();
    assert_eq!(
        all.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        PROFILE_IDS
    );
    let seeds: Vec<&str> = all.iter().map(|p| p.seed_file.as_str()).collect();
    assert_eq!(seeds, ["000", "001", "002", "003", "004"]);
    for p in &all {
        assert!(!p.categories.is_empty(), "{}", p.id);
        assert!(!p.measures.is_empty(), "{}", p.id);
        assert_eq!(p.satisfaction.len(), 3, "{}", p.id);
        assert_eq!(p.severities.len(), 3, "{}", p.id);
        assert!(matches!(p.approval.levels, 1 | 2), "{}", p.id);
        assert!(!p.forms.record.fields.is_empty() && !p.forms.handling.fields.is_empty());
    }
    assert_eq!(Profile::builtin(DEFAULT_PROFILE).unwrap().seed_file, "000");
    assert!(matches!(
        Profile::builtin("bank"),
        Err(ProfileError::Unknown(_))
    ));
}

#[test]
fn a_value_without_its_source_is_refused() {
    let json = include_str!("../data/profiles/metro.json");
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["clocks"]["review"]["seed"] = "".into();
    let err = Profile::parse(&value.to_string()).unwrap_err();
    assert_eq!(err, ProfileError::Unsourced("review".into()));
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["categories"][0]["parent"] = "nowhere".into();
    assert!(matches!(
        Profile::parse(&value.to_string()),
        Err(ProfileError::Orphan(_))
    ));
}

/// The stage clocks fit inside the whole-case limit (the old mixed defaults did not: 1 + 3 +
/// 1 working days of stages against a 3-day whole case).
#[test]
fn each_profiles_stages_fit_inside_its_whole_case_limit() {
    let cal = WorkCalendar::china_default();
    for p in Profile::all() {
        for received in receipts() {
            p.check_clocks(&cal, received)
                .unwrap_or_else(|e| panic!("{} received {received:?}: {e}", p.id));
        }
    }
    // The defaults the app shipped before profiles fail the same check.
    let mut mixed = Profile::builtin("metro").unwrap();
    mixed.clocks.whole_case.value = Limit::WorkingDays(3);
    assert!(matches!(
        mixed.check_clocks(&cal, at(2026, 3, 11, 10)),
        Err(ProfileError::Inconsistent { .. })
    ));
}

/// Each stage's deadline as the seed states it, where it states one.
#[test]
fn the_clocks_say_what_the_seeds_say() {
    let metro = Profile::builtin("metro").unwrap().policy();
    assert_eq!(metro.register, Limit::Minutes(10), "001: 10分鐘內進行登記");
    assert_eq!(metro.dispatch, Limit::WorkingDays(1), "001: 1個工作日內");
    assert_eq!(metro.preliminary_opinion, Limit::WorkingDays(3));
    assert_eq!(metro.review, Limit::WorkingDays(1));
    let d = Profile::builtin("disinfection-service").unwrap().policy();
    assert_eq!(
        d.whole_case,
        Limit::WorkingDays(3),
        "003: 不得超出三個工作日"
    );
    assert_eq!(d.whole_case_special, Limit::WorkingDays(7));
    assert_eq!(d.consultation, Limit::Hours(24), "003: 在24小時答復");
    assert_eq!(d.revisit, Limit::CalendarDays(7), "003: 一周內回訪");
    // 004 leaves its durations blank: every one is a stated default.
    let office = Profile::builtin("complaint-office").unwrap();
    assert!(
        office.clocks.register.is_default() && office.clocks.register.seed.contains("[具體時長]")
    );
    assert!(office.retention_days.is_default());
    // 000 names its satisfaction levels 滿意 / 部分滿意 / 不滿意.
    let parcel = Profile::builtin("parcel-station").unwrap();
    let partly = parcel
        .satisfaction
        .iter()
        .find(|s| s.level == Satisfaction::PartlySatisfied)
        .unwrap();
    assert_eq!(partly.name.zh_tw, "部分滿意");
    // 004's measures: 警告, 降職, 降薪, 解除勞動合同, 追究法律責任; a fine carries an amount.
    let ids: Vec<Measure> = office.measures.iter().map(|m| m.id).collect();
    for id in [
        Measure::Warning,
        Measure::Demotion,
        Measure::PayCut,
        Measure::ContractTerminated,
        Measure::LegalAction,
    ] {
        assert!(ids.contains(&id), "{id:?} in {ids:?}");
    }
    assert!(
        office
            .measures
            .iter()
            .any(|m| m.id == Measure::Fine && m.has_amount)
    );
    // Where no profile is in force the sheets are DESIGN §10's, the same handling sheet the
    // parcel station prints (its seed has none).
    let generic = tousu_shared::profile::Forms::generic();
    assert_eq!(
        generic.handling,
        parcel
            .forms
            .handling
            .clone()
            .with_seed(&generic.handling.seed)
    );
    assert_eq!(
        generic.record.fields[0].key,
        tousu_shared::profile::SheetField::Number
    );
    // Only 003 asks whose fault it was (判斷客戶投訴事項的責任…不在公司方 / 確實在公司方).
    for p in Profile::all() {
        assert_eq!(
            p.ask_fault.value,
            p.id == "disinfection-service",
            "{}",
            p.id
        );
    }
    // 002's severities change the path.
    let warehouse = Profile::builtin("warehouse").unwrap();
    let urgent = warehouse
        .severities
        .iter()
        .find(|s| s.level == Severity::UrgentMajor)
        .unwrap();
    assert!(urgent.seed.contains("立即啟動應急預案"));
    // Sub-items hang under their category.
    assert!(warehouse.catalog_categories().iter().any(|c| {
        c.parent
            .as_ref()
            .is_some_and(|p| p.as_str() == "service-quality")
    }));
}

/// The clocks of a complaint received at `received` and walked end to end under `policy`,
/// each step taken at the last moment its stage clock allows; those not on time.
/// A case under `rules` (`None`: registered before profiles, the clocks of `policy`) at
/// `severity`, each step at the last moment its clock allows; the clocks that are not on time.
fn walk_case(
    policy: &SlaPolicy,
    received: Timestamp,
    rules: Option<tousu_shared::rules::CaseRules>,
    severity: Severity,
) -> Vec<SlaClock> {
    let cal = WorkCalendar::china_default();
    let mut w = Writer::user(500, 3, "supervisor");
    w.now = received;
    let fallback = *policy;
    let policy = &rules
        .as_ref()
        .map(|r| *r.clocks_for(severity == Severity::UrgentMajor))
        .unwrap_or(fallback);
    let mut sheet = registration(CaseKind::Complaint, received);
    sheet.rules = rules.map(Box::new);
    let mut events = vec![w.write(EventBody::Registered(sheet))];
    // Each step at the last millisecond its stage clock allows, counted from the step that
    // started the clock; the steps between take no time.
    let last = |w: &mut Writer, from: Timestamp, limit: Limit, body, events: &mut Vec<_>| {
        w.now = Timestamp(limit.due(from, &cal).at.0 - 1);
        let at = w.now;
        events.push(w.write(body));
        at
    };
    w.now = received;
    events.push(w.write(body::classify_as(severity)));
    if fold(w.case, &events).interim_owed() {
        events.push(w.write(EventBody::InterimMeasureTaken(
            tousu_shared::event::InterimMeasure {
                measure: tousu_shared::testing::long("先行调拨同型号货物"),
            },
        )));
    }
    let dispatched = last(
        &mut w,
        received,
        policy.dispatch,
        body::dispatch("ops"),
        &mut events,
    );
    w.now = dispatched;
    events.push(w.write(EventBody::InvestigationStarted));
    let proposed = last(
        &mut w,
        dispatched,
        policy.preliminary_opinion,
        body::plan(),
        &mut events,
    );
    let approved = last(
        &mut w,
        proposed,
        policy.review,
        body::approve(),
        &mut events,
    );
    w.now = approved;
    events.push(w.write(body::execute()));
    last(
        &mut w,
        approved,
        policy.feedback,
        body::feedback(),
        &mut events,
    );
    let view = fold(w.case, &events);
    assert!(view.not_applied.is_empty(), "{:?}", view.not_applied);
    clocks(&view, &fallback, &cal, w.now)
        .into_iter()
        .filter(|c| c.stage != SlaStage::Revisit)
        .filter(|c| !matches!(c.status, SlaStatus::OnTime))
        .collect()
}

/// Per seed: a complaint received before a holiday, walked end to end with each step taken
/// at the last moment its stage clock allows, is on time at every clock of its profile; under
/// the mixed defaults the app shipped before profiles the same walk is late.
#[test]
fn a_case_walked_at_each_deadline_is_on_time_under_every_profile() {
    for p in Profile::all() {
        for received in receipts() {
            // The case's own rules drive its clocks: the fallback given is the old defaults.
            for severity in [Severity::Important, Severity::UrgentMajor] {
                let late = walk_case(&SlaPolicy::default(), received, Some(p.rules()), severity);
                assert!(
                    late.is_empty(),
                    "{} {severity:?} received {received:?}: {late:?}",
                    p.id
                );
            }
        }
    }
    let late = walk_case(
        &SlaPolicy::default(),
        at(2026, 3, 11, 10),
        None,
        Severity::Important,
    );
    assert!(
        late.iter().any(|c| c.stage == SlaStage::WholeCase),
        "{late:?}"
    );
}

/// An admin's edit (issue 13 §2): a higher version with its sources and consistent clocks
/// is accepted; the same version, a lost source or clocks that overrun are refused. Every
/// shipped profile, as an edit of itself with the version raised, passes the check for every
/// day of 2025 morning and night, on both paths.
#[test]
fn an_edited_profile_is_checked_before_it_is_put_in_force() {
    let calendar = WorkCalendar::china_default();
    for mut p in Profile::all() {
        p.version += 1;
        assert_eq!(p.check_edit(None, &calendar), Ok(()), "{}", p.id);
    }
    let metro = Profile::builtin("metro").unwrap();
    assert_eq!(
        metro.check_edit(None, &calendar),
        Err(ProfileError::VersionTaken(1))
    );
    let mut edited = metro.clone();
    edited.version = 2;
    edited.clocks.whole_case.value = Limit::WorkingDays(9);
    assert_eq!(edited.check_edit(Some(&metro.info()), &calendar), Ok(()));
    let mut in_force = edited.info();
    in_force.version = 3;
    assert_eq!(
        edited.check_edit(Some(&in_force), &calendar),
        Err(ProfileError::VersionTaken(3))
    );
    let mut overrun = edited.clone();
    overrun.clocks.whole_case.value = Limit::WorkingDays(4);
    assert!(matches!(
        overrun.check_edit(None, &calendar),
        Err(ProfileError::Inconsistent { .. })
    ));
    let mut unsourced = edited;
    unsourced.clocks.review.seed = " ".into();
    assert!(matches!(
        unsourced.check_edit(None, &calendar),
        Err(ProfileError::Unsourced(_))
    ));
}
