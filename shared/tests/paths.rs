//! The workflow options of the profiles (issue 13 §4): each a setting of the rules a case
//! carries from its registration, each checked here against the seed that asks for it.

use tousu_shared::{
    access::{Principal, Role},
    clock::{CHINA_OFFSET_MINUTES, Date, HOUR_MS, Timestamp},
    event::{
        AccountabilityRecorded, AppealDecided, AppealFiled, CommandKind, Event, EventBody, Finding,
        InterimMeasure, PlanProposed, Reasoned, Rectification, RectificationDone, ReportSubmitted,
        Supplement,
    },
    fold::fold,
    ids::UserId,
    model::{CaseKind, Measure, Responsibility, Severity, Stage},
    profile::Profile,
    rules::{CaseRules, Path},
    sla::{SlaPolicy, SlaStage, WorkCalendar, clocks},
    testing::{Writer, body, registration},
    validate::{Field, LongText, Money},
    view::{CaseView, NotApplied, WorkflowError},
    workflow::{allowed, available_commands},
};

fn at(y: i32, m: u8, d: u8, h: u32) -> Timestamp {
    Timestamp::from_local(Date::new(y, m, d).unwrap(), h, 0, CHINA_OFFSET_MINUTES)
}

fn long(s: &str) -> LongText {
    LongText::parse(Field::Text, s).unwrap()
}

/// Wednesday 11 March 2026, 10:00: no holiday in the following weeks.
fn received() -> Timestamp {
    at(2026, 3, 11, 10)
}

fn rules(profile: &str) -> Option<Box<CaseRules>> {
    Some(Box::new(Profile::builtin(profile).unwrap().rules()))
}

/// A complaint registered under `rules`, triaged at `severity`, dispatched, investigating.
fn investigating(rules: Option<Box<CaseRules>>, severity: Severity) -> (Writer, Vec<Event>) {
    let mut w = Writer::user(1, 1, "supervisor");
    let mut r = registration(CaseKind::Complaint, received());
    r.rules = rules;
    w.now = received();
    let mut events = vec![w.write(EventBody::Registered(r))];
    for b in [
        body::classify_as(severity),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
    ] {
        w.wait_minutes(10);
        events.push(w.write(b));
    }
    (w, events)
}

fn step(w: &mut Writer, events: &mut Vec<Event>, body: EventBody) -> CaseView {
    w.wait_minutes(10);
    events.push(w.write(body));
    fold(w.case, events)
}

fn refused(view: &CaseView, events: &[Event]) -> Option<WorkflowError> {
    let last = events.last().unwrap().id;
    view.not_applied.iter().find_map(|(id, why)| match why {
        NotApplied::Workflow { error } if *id == last => Some(error.clone()),
        _ => None,
    })
}

fn handler() -> Principal {
    Principal::user(
        UserId::parse("handler").unwrap(),
        &[Role::Handler],
        Some(tousu_shared::testing::dept("ops")),
    )
}

#[test]
fn warehouse_general_cases_take_the_short_path_without_a_plan() {
    // 002: "一般性問題:客戶服務部門可直接協調相關人員進行處理"
    let (mut w, mut events) = investigating(rules("warehouse"), Severity::General);
    let view = fold(w.case, &events);
    assert_eq!(view.path(), Path::Short);
    assert_eq!(
        available_commands(&handler(), &view).first(),
        Some(&CommandKind::RecordExecution),
        "the handler's first step is the execution itself"
    );
    let view = step(&mut w, &mut events, body::execute());
    assert_eq!(view.stage, Stage::Executing);
    assert!(view.plans.is_empty() && view.reviews.is_empty());
    let view = step(&mut w, &mut events, body::feedback());
    assert_eq!(view.stage, Stage::FeedbackGiven);

    // 一般重要 takes the plan and its approval (002 "整改措施需提交給客戶反饋管理小組審核通過後實施").
    let (mut w, mut events) = investigating(rules("warehouse"), Severity::Important);
    let view = step(&mut w, &mut events, body::execute());
    assert!(matches!(
        refused(&view, &events),
        Some(WorkflowError::NotInStage { .. })
    ));
    // A profile without the short path: the same general case needs its plan.
    let (_, events) = investigating(rules("metro"), Severity::General);
    let view = fold(events[0].case_id, &events);
    assert_eq!(view.path(), Path::Standard);
    assert!(allowed(&view, CommandKind::RecordExecution).is_err());
}

#[test]
fn an_emergency_takes_its_interim_measure_first_and_runs_shorter_clocks() {
    // 002: "立即啟動應急預案…制定臨時解決方案,確保客戶損失降到最低"
    let (mut w, mut events) = investigating(rules("warehouse"), Severity::UrgentMajor);
    let view = fold(w.case, &events);
    assert_eq!(view.path(), Path::Emergency);
    assert!(view.alerts());
    assert!(view.interim_owed());
    let view = step(&mut w, &mut events, body::plan());
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::InterimMeasureRequired)
    );
    let calendar = WorkCalendar::china_default();
    let fallback = SlaPolicy::default();
    let interim = |view: &CaseView| {
        clocks(view, &fallback, &calendar, received())
            .into_iter()
            .find(|c| c.stage == SlaStage::Interim)
            .unwrap()
    };
    assert_eq!(interim(&view).due.at.0, received().0 + 4 * HOUR_MS);
    let view = step(
        &mut w,
        &mut events,
        EventBody::InterimMeasureTaken(InterimMeasure {
            measure: long("先行调拨同型号货物供客户使用"),
        }),
    );
    assert!(!view.interim_owed());
    assert!(interim(&view).done.is_some());
    let view = step(&mut w, &mut events, body::plan());
    assert_eq!(view.stage, Stage::PlanProposed);
    // Whole case: 2 working days on the emergency path (default where 002 says "第一時間").
    let whole = clocks(&view, &fallback, &calendar, received())
        .into_iter()
        .find(|c| c.stage == SlaStage::WholeCase)
        .unwrap();
    assert_eq!(whole.due.at, at(2026, 3, 14, 0), "end of Friday 13 March");
    // The same urgent case under a profile without the path: its ordinary clocks, no step.
    let (_, events) = investigating(rules("metro"), Severity::UrgentMajor);
    let view = fold(events[0].case_id, &events);
    assert_eq!(view.path(), Path::Standard);
    assert!(view.alerts(), "urgent cases still alert");
    assert!(allowed(&view, CommandKind::RecordInterimMeasure).is_err());
}

#[test]
fn an_unfounded_complaint_is_explained_at_once_under_003() {
    let unfounded = EventBody::ReportSubmitted(ReportSubmitted {
        findings: long("客户误解了消杀范围"),
        cause: None,
        finding: Some(Finding::Unfounded),
        fault: None,
    });
    let (mut w, mut events) = investigating(rules("disinfection-service"), Severity::Important);
    let view = step(&mut w, &mut events, unfounded.clone());
    assert_eq!(
        available_commands(&handler(), &view).first(),
        Some(&CommandKind::GiveFeedback)
    );
    let view = step(&mut w, &mut events, body::feedback());
    assert_eq!(view.stage, Stage::FeedbackGiven);
    // A founded one takes its plan; and other profiles do not open this path.
    let (mut w, mut events) = investigating(rules("disinfection-service"), Severity::Important);
    step(&mut w, &mut events, body::report());
    let view = step(&mut w, &mut events, body::feedback());
    assert!(refused(&view, &events).is_some());
    let (mut w, mut events) = investigating(rules("metro"), Severity::Important);
    let view = step(&mut w, &mut events, unfounded);
    assert!(allowed(&view, CommandKind::GiveFeedback).is_err());
}

fn plan_of(yuan: i64) -> EventBody {
    EventBody::PlanProposed(PlanProposed {
        plan: long("赔偿并致歉"),
        opinion: None,
        compensation: Some(Money::from_fen(yuan * 100).unwrap()),
        loss: None,
    })
}

#[test]
fn compensation_above_the_threshold_needs_a_second_approver() {
    let (mut w, mut events) = investigating(rules("complaint-office"), Severity::Important);
    step(&mut w, &mut events, plan_of(1500));
    let view = step(&mut w, &mut events, body::approve());
    assert_eq!(view.stage, Stage::PlanProposed, "one approval of two");
    assert_eq!(view.plan_approvals.len(), 1);
    let view = step(&mut w, &mut events, body::approve());
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::SecondApproverRequired)
    );
    let mut second = w.fork(
        2,
        tousu_shared::event::Actor::User(UserId::parse("director").unwrap()),
    );
    second.sees(&events);
    second.wait_minutes(20);
    events.push(second.write(body::approve()));
    let view = fold(w.case, &events);
    assert_eq!(view.stage, Stage::PlanApproved);
    // 1000 yuan or less: one approval.
    let (mut w, mut events) = investigating(rules("complaint-office"), Severity::Important);
    step(&mut w, &mut events, plan_of(1000));
    let view = step(&mut w, &mut events, body::approve());
    assert_eq!(view.stage, Stage::PlanApproved);
    // A one-level profile: any amount, one approval.
    let (mut w, mut events) = investigating(rules("metro"), Severity::Important);
    step(&mut w, &mut events, plan_of(50_000));
    let view = step(&mut w, &mut events, body::approve());
    assert_eq!(view.stage, Stage::PlanApproved);
}

#[test]
fn waiting_for_the_complainant_pauses_the_clocks_under_004() {
    // 004: "若投訴信息不完整,查收人員應及時與投訴者取得聯繫,補充完善相關信息"
    let (mut w, mut events) = investigating(rules("complaint-office"), Severity::Important);
    let calendar = WorkCalendar::china_default();
    let whole = |view: &CaseView, now: Timestamp| {
        clocks(view, &SlaPolicy::default(), &calendar, now)
            .into_iter()
            .find(|c| c.stage == SlaStage::WholeCase)
            .unwrap()
            .due
            .at
    };
    let before = whole(&fold(w.case, &events), received());
    let view = step(
        &mut w,
        &mut events,
        EventBody::SupplementRequested(Reasoned {
            reason: long("请补充订单号与照片"),
        }),
    );
    assert!(view.paused());
    let view = step(
        &mut w,
        &mut events,
        EventBody::SupplementRequested(Reasoned {
            reason: long("再次"),
        }),
    );
    assert_eq!(refused(&view, &events), Some(WorkflowError::AlreadyPaused));
    w.wait_hours(48);
    let view = step(
        &mut w,
        &mut events,
        EventBody::SupplementReceived(Supplement {
            text: Some(long("订单号 A123")),
        }),
    );
    assert!(!view.paused());
    let pause = &view.pauses[0];
    let paused = pause.resumed.unwrap().0 - pause.from.0;
    assert!(paused >= 48 * HOUR_MS);
    let later = Timestamp(received().0 + 100 * HOUR_MS);
    assert_eq!(
        whole(&view, later).0,
        before.0 + paused,
        "moved by the pause"
    );
    // Not an option of 001.
    let (mut w, mut events) = investigating(rules("metro"), Severity::Important);
    let view = step(
        &mut w,
        &mut events,
        EventBody::SupplementRequested(Reasoned {
            reason: long("请补充"),
        }),
    );
    assert_eq!(refused(&view, &events), Some(WorkflowError::NotInRules));
}

#[test]
fn an_appeal_is_decided_by_someone_else_within_the_profile_limit() {
    // 000: "責任人如對責任追究結果有異議,可在規定時間內向上級主管部門提出申訴…在規定時間內給予申訴人答復"
    let (mut w, mut events) = investigating(rules("parcel-station"), Severity::Important);
    let view = step(
        &mut w,
        &mut events,
        EventBody::AccountabilityRecorded(AccountabilityRecorded {
            person: Some(UserId::parse("handler").unwrap()),
            department: None,
            responsibility: Responsibility::Direct,
            measure: Measure::CriticismEducation,
            amount: None,
            reason: long("未核对包裹"),
            appeal_until: Timestamp(received().0 + 30 * 24 * HOUR_MS),
        }),
    );
    let record = view.accountability[0].event;
    let mut person = w.fork(
        2,
        tousu_shared::event::Actor::User(UserId::parse("handler").unwrap()),
    );
    person.sees(&events);
    person.wait_minutes(30);
    events.push(person.write(EventBody::AppealFiled(AppealFiled {
        accountability: record,
        reason: long("已按流程操作"),
    })));
    let view = fold(w.case, &events);
    let appeal = view.appeals[0].event;
    let calendar = WorkCalendar::china_default();
    let clock = clocks(&view, &SlaPolicy::default(), &calendar, received())
        .into_iter()
        .find(|c| c.stage == SlaStage::AppealDecision)
        .expect("an appeal clock");
    assert_eq!(
        clock.due.at,
        at(2026, 3, 19, 0),
        "5 working days: end of Wed 18 March"
    );
    let decide = EventBody::AppealDecided(AppealDecided {
        appeal,
        upheld: false,
        decision: long("维持"),
    });
    w.sees(&events);
    let view = step(&mut w, &mut events, decide.clone());
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::AppealDecidedByImposer)
    );
    let mut other = w.fork(
        3,
        tousu_shared::event::Actor::User(UserId::parse("director").unwrap()),
    );
    other.sees(&events);
    other.wait_minutes(30);
    events.push(other.write(decide));
    let view = fold(w.case, &events);
    assert_eq!(view.appeal_decisions.len(), 1);
}

#[test]
fn a_case_registered_before_profiles_keeps_the_one_path() {
    let (mut w, mut events) = investigating(None, Severity::General);
    let view = fold(w.case, &events);
    assert_eq!(view.path(), Path::Standard);
    assert_eq!(
        *view.rules_or(&SlaPolicy::default()),
        CaseRules::legacy(SlaPolicy::default())
    );
    let view = step(&mut w, &mut events, body::execute());
    assert!(refused(&view, &events).is_some());
}

#[test]
fn a_case_keeps_the_rules_it_started_under() {
    // Registered under 002, folded after an admin switched to 001: still 002's short path.
    let (_, events) = investigating(rules("warehouse"), Severity::General);
    let view = fold(events[0].case_id, &events);
    let r = view.registration.as_ref().unwrap().rules.as_ref().unwrap();
    assert_eq!((r.profile.as_str(), r.version), ("warehouse", 1));
    let metro = Profile::builtin("metro").unwrap().policy();
    let calendar = WorkCalendar::china_default();
    let whole = clocks(&view, &metro, &calendar, received())
        .into_iter()
        .find(|c| c.stage == SlaStage::WholeCase)
        .unwrap();
    assert_eq!(
        whole.due,
        Profile::builtin("warehouse")
            .unwrap()
            .policy()
            .whole_case
            .due(received(), &calendar)
    );
}

#[test]
fn rectification_measures_are_tracked_until_done() {
    // 002: "制定詳細的整改措施,並明確責任人和整改期限"
    let (mut w, mut events) = investigating(rules("warehouse"), Severity::Important);
    let due = at(2026, 3, 20, 18);
    let view = step(
        &mut w,
        &mut events,
        EventBody::RectificationSet(Rectification {
            measure: long("入库前逐件核对外包装"),
            owner: UserId::parse("manager").unwrap(),
            due,
        }),
    );
    let set = view.rectifications[0].event;
    let calendar = WorkCalendar::china_default();
    let tracked = |view: &CaseView, now| {
        clocks(view, &SlaPolicy::default(), &calendar, now)
            .into_iter()
            .find(|c| c.stage == SlaStage::Rectification)
            .unwrap()
    };
    assert!(tracked(&view, Timestamp(due.0 + 1)).is_overdue());
    let done = |of| {
        EventBody::RectificationDone(RectificationDone {
            rectification: of,
            note: Some(long("已培训全员")),
        })
    };
    let view = step(&mut w, &mut events, done(set));
    assert!(view.rectifications[0].done.is_some());
    assert!(!tracked(&view, Timestamp(due.0 + 1)).is_overdue());
    let view = step(&mut w, &mut events, done(set));
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::NoSuchRectification)
    );
    // 004 does not track them.
    let (_, events) = investigating(rules("complaint-office"), Severity::Important);
    let view = fold(events[0].case_id, &events);
    assert_eq!(
        allowed(&view, CommandKind::SetRectification),
        Err(WorkflowError::NotInRules)
    );
}

#[test]
fn a_department_is_held_responsible_and_its_head_appeals() {
    // 002: "對於存在嚴重問題的部門,進行通報批評,並要求限期整改"
    let (mut w, mut events) = investigating(rules("warehouse"), Severity::Important);
    let record = |person: Option<&str>, department: Option<&str>| {
        EventBody::AccountabilityRecorded(AccountabilityRecorded {
            person: person.map(|p| UserId::parse(p).unwrap()),
            department: department.map(tousu_shared::testing::dept),
            responsibility: Responsibility::Leadership,
            measure: Measure::DepartmentNotice,
            amount: None,
            reason: long("多次延误配送"),
            appeal_until: Timestamp(received().0 + 30 * 24 * HOUR_MS),
        })
    };
    let view = step(&mut w, &mut events, record(Some("handler"), Some("ops")));
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::ResponsibleRequired)
    );
    let view = step(&mut w, &mut events, record(None, None));
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::ResponsibleRequired)
    );
    let view = step(&mut w, &mut events, record(None, Some("ops")));
    let decision = &view.accountability[0].value;
    let head = Principal::user(
        UserId::parse("manager").unwrap(),
        &[Role::Manager],
        Some(tousu_shared::testing::dept("ops")),
    );
    let other_head = Principal::user(
        UserId::parse("manager2").unwrap(),
        &[Role::Manager],
        Some(tousu_shared::testing::dept("north")),
    );
    assert!(tousu_shared::access::concerns(&head, decision));
    assert!(!tousu_shared::access::concerns(&other_head, decision));
    assert!(
        !tousu_shared::access::concerns(&handler(), decision),
        "a handler is not the department"
    );
    assert!(tousu_shared::access::authorize(&head, CommandKind::FileAppeal, Some(&view)).is_ok());
    assert!(
        tousu_shared::access::authorize(&handler(), CommandKind::FileAppeal, Some(&view)).is_err()
    );
}

fn dispatch_with(lead: &str, co: &[&str]) -> EventBody {
    EventBody::Dispatched(tousu_shared::event::Dispatched {
        department: tousu_shared::testing::dept(lead),
        co_departments: co.iter().map(|d| tousu_shared::testing::dept(d)).collect(),
        due: None,
        instructions: None,
    })
}

fn north_handler() -> Principal {
    Principal::user(
        UserId::parse("handler2").unwrap(),
        &[Role::Handler],
        Some(tousu_shared::testing::dept("north")),
    )
}

#[test]
fn several_departments_handle_a_case_with_one_lead_under_001() {
    let ctx = tousu_shared::access::AccessContext {
        now: received(),
        grants: Vec::new(),
    };
    let (mut w, mut events) = investigating(rules("metro"), Severity::Important);
    let view = fold(w.case, &events);
    assert_eq!(
        tousu_shared::access::visibility(&north_handler(), &view, &ctx),
        tousu_shared::access::Visibility::Hidden
    );
    let view = step(&mut w, &mut events, dispatch_with("ops", &["north"]));
    assert_eq!(
        view.department,
        Some(tousu_shared::testing::dept("ops")),
        "ops leads"
    );
    assert_eq!(
        view.co_departments,
        vec![tousu_shared::testing::dept("north")]
    );
    assert_eq!(
        tousu_shared::access::visibility(&north_handler(), &view, &ctx),
        tousu_shared::access::Visibility::Full,
        "the co-handling department sees the case"
    );
    assert!(
        tousu_shared::access::authorize(&north_handler(), CommandKind::AddNote, Some(&view))
            .is_ok()
    );
    // Not an option of 000.
    let (mut w, mut events) = investigating(rules("parcel-station"), Severity::Important);
    let view = step(&mut w, &mut events, dispatch_with("ops", &["north"]));
    assert_eq!(refused(&view, &events), Some(WorkflowError::NotInRules));
}

#[test]
fn an_investigation_team_sees_the_case_under_004() {
    // 004: "根據投訴內容涉及的部門和業務範圍,組建投訴調查小組"
    let ctx = tousu_shared::access::AccessContext {
        now: received(),
        grants: Vec::new(),
    };
    let team = |lead: &str, members: &[&str]| {
        EventBody::InvestigatorsNamed(tousu_shared::event::Team {
            lead: UserId::parse(lead).unwrap(),
            members: members.iter().map(|m| UserId::parse(m).unwrap()).collect(),
        })
    };
    let (mut w, mut events) = investigating(rules("complaint-office"), Severity::Important);
    let view = step(&mut w, &mut events, team("manager", &["handler2"]));
    assert_eq!(
        refused(&view, &events),
        Some(WorkflowError::BadTeam),
        "the lead is a member"
    );
    let view = step(
        &mut w,
        &mut events,
        team("manager", &["manager", "handler2"]),
    );
    assert_eq!(view.team.as_ref().map(|t| t.members.len()), Some(2));
    assert_eq!(
        tousu_shared::access::visibility(&north_handler(), &view, &ctx),
        tousu_shared::access::Visibility::Full,
        "a member from another department sees it"
    );
    assert!(
        tousu_shared::access::authorize(&north_handler(), CommandKind::SubmitReport, Some(&view))
            .is_ok()
    );
    let (_, events) = investigating(rules("metro"), Severity::Important);
    let view = fold(events[0].case_id, &events);
    assert_eq!(
        allowed(&view, CommandKind::NameInvestigators),
        Err(WorkflowError::NotInRules)
    );
}
