//! Tables that read like the regulations: every stage × command, every role × command.

use tousu_shared::{
    access::{
        AccessContext, ArchiveGrant, Denied, GrantScope, Principal, Role, ScopeFacts, Visibility,
        authorize, authorize_event, in_scope, visibility, visible_case,
    },
    clock::Timestamp,
    event::{Actor, CommandKind, Event, EventBody, NumberAssigned},
    fold::fold,
    model::{CaseKind, Channel, Satisfaction, Stage},
    number::CaseNumber,
    testing::{Writer, body, dept, registration, t0, user},
    view::CaseView,
    workflow::{WorkflowError, allowed, available_commands},
};

/// Events taking a complaint to `stage` (one device, supervisor acting; the server
/// numbering it).
fn events_to(stage: Stage) -> Vec<Event> {
    let mut w = Writer::user(100, 1, "clerk");
    let mut events = vec![w.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    let mut sys = Writer::new(100, 9, Actor::System);
    sys.sees(&events);
    let number = CaseNumber::parse("25010007").unwrap();
    events.push(sys.write(EventBody::NumberAssigned(NumberAssigned { number })));
    let mut sup = Writer::user(100, 2, "supervisor");
    sup.sees(&events);
    let path: Vec<(Stage, EventBody)> = vec![
        (Stage::Triaged, body::classify()),
        (Stage::Dispatched, body::dispatch("ops")),
        (Stage::Investigating, EventBody::InvestigationStarted),
        (Stage::PlanProposed, body::plan()),
        (Stage::PlanApproved, body::approve()),
        (Stage::Executing, body::execute()),
        (Stage::FeedbackGiven, body::feedback()),
        (Stage::Revisited, body::revisit(Satisfaction::Satisfied)),
        (Stage::Closed, body::close()),
        (Stage::Archived, EventBody::Archived),
        (Stage::Destroyed, EventBody::Destroyed),
    ];
    if stage == Stage::Registered {
        return events;
    }
    for (reached, b) in path {
        events.push(sup.write(b));
        if reached == stage {
            break;
        }
    }
    events
}

fn case_in(stage: Stage) -> CaseView {
    let events = events_to(stage);
    let view = fold(events[0].case_id, &events);
    assert_eq!(view.stage, stage, "{:?}", view.not_applied);
    view
}

fn names(commands: impl IntoIterator<Item = CommandKind>) -> String {
    commands
        .into_iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which commands the lifecycle allows in each stage of a complaint (DESIGN §4).
#[test]
fn every_stage_times_every_command() {
    let mut table = String::new();
    for stage in Stage::ALL {
        let view = case_in(stage);
        let ok = CommandKind::ALL
            .into_iter()
            .filter(|&c| allowed(&view, c).is_ok());
        table.push_str(&format!("{stage:?}: {}\n", names(ok)));
    }
    let expected = "\
Registered: record_amended classified rejected_out_of_scope deadline_set note_added attachment_added linked_duplicate number_assigned
Triaged: record_amended classified rejected_out_of_scope dispatched deadline_set note_added attachment_added linked_duplicate number_assigned
Dispatched: record_amended classified dispatched deadline_set investigation_started note_added attachment_added linked_duplicate number_assigned
Investigating: record_amended classified dispatched deadline_set note_added attachment_added report_submitted plan_proposed accountability_recorded number_assigned
PlanProposed: record_amended deadline_set note_added attachment_added plan_reviewed accountability_recorded number_assigned
PlanApproved: record_amended deadline_set note_added attachment_added execution_recorded accountability_recorded number_assigned
Executing: record_amended deadline_set note_added attachment_added execution_recorded feedback_given accountability_recorded number_assigned
FeedbackGiven: record_amended deadline_set note_added attachment_added feedback_given revisit_recorded accountability_recorded number_assigned
Revisited: record_amended deadline_set note_added attachment_added feedback_given revisit_recorded closed accountability_recorded number_assigned
Closed: note_added attachment_added reopened accountability_recorded teaching_case_marked number_assigned archived
Archived: number_assigned destroyed
Destroyed: number_assigned
";
    assert_eq!(table, expected);
}

#[test]
fn rules_with_reasons() {
    let registered = case_in(Stage::Registered);
    assert_eq!(
        allowed(&registered, CommandKind::Close),
        Err(WorkflowError::FeedbackAndRevisitRequired),
        "a complaint closes only after feedback and a revisit"
    );
    assert_eq!(
        allowed(&registered, CommandKind::Register),
        Err(WorkflowError::AlreadyRegistered)
    );
    assert_eq!(
        allowed(&CaseView::empty(registered.id), CommandKind::AddNote),
        Err(WorkflowError::NotRegistered)
    );
    assert_eq!(
        allowed(&registered, CommandKind::ResolveConflict),
        Err(WorkflowError::NoSuchConflict)
    );
    assert_eq!(
        allowed(&case_in(Stage::Closed), CommandKind::FileAppeal),
        Err(WorkflowError::NoSuchAccountability)
    );
    // A plan needs a department: a case investigated without dispatch cannot exist through
    // the lifecycle, so the rule is checked on a view stripped of it.
    let mut no_dept = case_in(Stage::Investigating);
    no_dept.department = None;
    assert_eq!(
        allowed(&no_dept, CommandKind::ProposePlan),
        Err(WorkflowError::DepartmentRequired)
    );
}

fn principal(role: Role) -> Principal {
    let (id, department) = match role {
        Role::Handler => ("handler", Some(dept("ops"))),
        Role::Manager => ("manager", Some(dept("ops"))),
        Role::Clerk => ("clerk", None),
        Role::Supervisor => ("supervisor", None),
        Role::Archivist => ("archivist", None),
        Role::Admin => ("admin", None),
        Role::Leader => ("leader", None),
    };
    Principal::user(user(id), &[role], department)
}

fn ctx() -> AccessContext {
    AccessContext {
        now: Timestamp(t0().0 + 86_400_000),
        grants: Vec::new(),
    }
}

/// What each role may do on a case dispatched to department `ops` and under investigation,
/// registered by `clerk` (DESIGN §2). The kiosk reads and does nothing.
#[test]
fn every_role_times_every_command() {
    let view = case_in(Stage::Investigating);
    let mut table = String::new();
    let roles = [
        Role::Clerk,
        Role::Handler,
        Role::Manager,
        Role::Supervisor,
        Role::Archivist,
        Role::Admin,
        Role::Leader,
    ];
    for role in roles {
        let p = principal(role);
        let ok = CommandKind::ALL
            .into_iter()
            .filter(|&c| authorize(&p, c, Some(&view)).is_ok());
        table.push_str(&format!(
            "{role:?}: {} | sees {:?}\n",
            names(ok),
            visibility(&p, &view, &ctx())
        ));
    }
    let kiosk = Principal::Kiosk {
        device: Writer::user(1, 5, "x").device,
    };
    table.push_str(&format!(
        "Kiosk: {} | sees {:?}\n",
        names(
            CommandKind::ALL
                .into_iter()
                .filter(|&c| authorize(&kiosk, c, Some(&view)).is_ok())
        ),
        visibility(&kiosk, &view, &ctx())
    ));
    let expected = "\
Clerk: registered record_amended classified note_added attachment_added supplement_requested supplement_received | sees Full
Handler: registered investigation_started note_added attachment_added report_submitted execution_recorded feedback_given revisit_recorded supplement_requested supplement_received rectification_done | sees Full
Manager: registered record_amended investigation_started note_added attachment_added report_submitted plan_proposed execution_recorded feedback_given revisit_recorded interim_measure_taken supplement_requested supplement_received investigators_named rectification_set rectification_done | sees Full
Supervisor: registered record_amended classified rejected_out_of_scope dispatched deadline_set investigation_started note_added attachment_added report_submitted plan_proposed plan_reviewed execution_recorded feedback_given revisit_recorded closed reopened accountability_recorded appeal_decided interim_measure_taken supplement_requested supplement_received investigators_named rectification_set rectification_done linked_duplicate teaching_case_marked conflict_resolved | sees Full
Archivist:  | sees Hidden
Admin:  | sees Hidden
Leader:  | sees Hidden
Kiosk:  | sees Hidden
";
    assert_eq!(table, expected);
}

#[test]
fn scope_limits_handlers_to_their_department_and_clerks_to_their_registrations() {
    let view = case_in(Stage::Investigating);
    let other = Principal::user(user("handler2"), &[Role::Handler], Some(dept("north")));
    assert_eq!(
        authorize(&other, CommandKind::AddNote, Some(&view)),
        Err(Denied::NotInScope)
    );
    assert_eq!(visibility(&other, &view, &ctx()), Visibility::Hidden);
    let another_clerk = Principal::user(user("clerk2"), &[Role::Clerk], None);
    assert_eq!(
        visibility(&another_clerk, &view, &ctx()),
        Visibility::Hidden
    );
    // The screens list only what the lifecycle and the policy both allow, most likely first.
    let handler = principal(Role::Handler);
    assert_eq!(
        names(available_commands(&handler, &view)),
        "note_added attachment_added report_submitted"
    );
    let manager = principal(Role::Manager);
    assert_eq!(
        names(available_commands(&manager, &view)),
        "plan_proposed record_amended note_added attachment_added report_submitted"
    );
}

#[test]
fn a_kiosk_may_only_submit_new_kiosk_complaints() {
    let device = Writer::user(1, 5, "x").device;
    let kiosk = Principal::Kiosk { device };
    let mut w = Writer::new(200, 5, Actor::Kiosk(device));
    let mut reg = registration(CaseKind::Complaint, t0());
    reg.channel = Channel::Kiosk;
    let ok = w.write(EventBody::Registered(reg.clone()));
    assert_eq!(authorize_event(&kiosk, &ok, None), Ok(()));
    reg.channel = Channel::Phone;
    let mut w = Writer::new(201, 5, Actor::Kiosk(device));
    let bad = w.write(EventBody::Registered(reg));
    assert_eq!(
        authorize_event(&kiosk, &bad, None),
        Err(Denied::KioskIntakeOnly)
    );
    let view = fold(ok.case_id, std::slice::from_ref(&ok));
    let note = w.write(body::note("x"));
    assert_eq!(
        authorize_event(&kiosk, &note, Some(&view)),
        Err(Denied::KioskIntakeOnly)
    );
}

#[test]
fn the_claimed_actor_must_be_the_authenticated_one() {
    let view = case_in(Stage::Investigating);
    let mut w = Writer::user(100, 3, "supervisor");
    let forged = w.write(body::note("我是主管"));
    assert_eq!(
        authorize_event(&principal(Role::Handler), &forged, Some(&view)),
        Err(Denied::ActorMismatch)
    );
}

#[test]
fn personal_data_is_masked_for_roles_without_the_right() {
    let closed = case_in(Stage::Closed);
    let archivist = principal(Role::Archivist);
    let shaped = visible_case(&archivist, &closed, &ctx()).expect("archivist sees closed cases");
    assert_eq!(shaped.visibility, Visibility::Masked);
    let contact = shaped.masked_contact.unwrap();
    assert_eq!(contact.phone.as_deref(), Some("138****5678"));
    assert_eq!(contact.email.as_deref(), Some("z***@example.com"));
    let c = &shaped.view.registration.as_ref().unwrap().complainant;
    assert_eq!(c.name.as_ref().map(|n| n.as_str()), Some("张*"));
    assert!(c.phone.is_none() && c.email.is_none());
    assert_eq!(
        c.address.as_ref().map(|a| a.as_str()),
        Some("北京市朝阳区***")
    );

    let full = visible_case(&principal(Role::Supervisor), &closed, &ctx()).unwrap();
    assert_eq!(
        full.view
            .registration
            .unwrap()
            .complainant
            .phone
            .unwrap()
            .as_str(),
        "13812345678"
    );
}

/// The server counts a first pull's cases from its projection columns (number, stage,
/// department, who registered it) with `in_scope`: for every role, stage and grant it agrees
/// with what `visibility` lets through.
#[test]
fn the_scope_from_projection_facts_agrees_with_visibility() {
    let mut with_grant = ctx();
    with_grant.grants.push(ArchiveGrant {
        scope: GrantScope::Month {
            year: 2025,
            month: 1,
        },
        until: Timestamp(with_grant.now.0 + 1),
    });
    let others = [
        Principal::user(user("handler2"), &[Role::Handler], Some(dept("north"))),
        Principal::user(user("clerk2"), &[Role::Clerk], None),
        Principal::user(user("x"), &[Role::Clerk, Role::Archivist], None),
    ];
    let roles = [
        Role::Clerk,
        Role::Handler,
        Role::Manager,
        Role::Supervisor,
        Role::Archivist,
        Role::Admin,
        Role::Leader,
    ];
    let mut checked = 0;
    for stage in [
        Stage::Registered,
        Stage::Investigating,
        Stage::Closed,
        Stage::Archived,
    ] {
        let view = case_in(stage);
        for p in roles.iter().map(|&r| principal(r)).chain(others.clone()) {
            for c in [ctx(), with_grant.clone()] {
                let sees = visibility(&p, &view, &c) != Visibility::Hidden;
                assert_eq!(
                    in_scope(&p, &ScopeFacts::of(&view), &c),
                    sees,
                    "{p:?} on {stage:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 10 * 2);
}

#[test]
fn archived_cases_need_an_active_grant() {
    let archived = case_in(Stage::Archived);
    let supervisor = principal(Role::Supervisor);
    assert_eq!(
        visibility(&supervisor, &archived, &ctx()),
        Visibility::Hidden
    );
    assert_eq!(
        authorize(&supervisor, CommandKind::AddNote, Some(&archived)),
        Err(Denied::ArchivedNoGrant)
    );
    let mut with_grant = ctx();
    with_grant.grants.push(ArchiveGrant {
        scope: GrantScope::Month {
            year: 2025,
            month: 1,
        },
        until: Timestamp(with_grant.now.0 + 1),
    });
    assert_eq!(
        visibility(&supervisor, &archived, &with_grant),
        Visibility::Full
    );
    assert_eq!(
        visibility(&principal(Role::Archivist), &archived, &with_grant),
        Visibility::Masked
    );
    // Expired grants grant nothing.
    let mut expired = with_grant.clone();
    expired.now = expired.grants[0].until;
    assert_eq!(
        visibility(&supervisor, &archived, &expired),
        Visibility::Hidden
    );
    // The archivist destroys by role, without reading.
    assert_eq!(
        authorize(
            &principal(Role::Archivist),
            CommandKind::Destroy,
            Some(&archived)
        ),
        Ok(())
    );
}

/// Accountability is confidential (DESIGN §8): the decision, the appeal and the decision on it
/// reach supervisors and the person concerned; everyone else in scope gets a placeholder that
/// keeps the history causally whole, so their fold shows no record and no false conflict.
#[test]
fn accountability_records_reach_only_supervisors_and_the_person_concerned() {
    use tousu_shared::{
        access::{CONFIDENTIAL_KIND, shape_event},
        event::{AccountabilityRecorded, AppealFiled},
        model::{Measure, Responsibility},
        testing::long,
    };
    let mut sup = Writer::user(31, 1, "supervisor");
    let mut events = vec![sup.write(EventBody::Registered(registration(
        CaseKind::Complaint,
        t0(),
    )))];
    for b in [
        body::classify(),
        body::dispatch("ops"),
        EventBody::InvestigationStarted,
    ] {
        events.push(sup.write(b));
    }
    let decision = sup.write(EventBody::AccountabilityRecorded(AccountabilityRecorded {
        person: Some(user("handler")),
        department: None,
        responsibility: Responsibility::Direct,
        measure: Measure::WrittenSelfReview,
        amount: None,
        reason: long("未按时限反馈"),
        appeal_until: Timestamp(t0().0 + 7 * 86_400_000),
    }));
    events.push(decision.clone());
    let mut handler_w = sup.fork(2, Actor::User(user("handler")));
    handler_w.sees(&events);
    let appeal = handler_w.write(EventBody::AppealFiled(AppealFiled {
        accountability: decision.id,
        reason: long("系统故障导致延误"),
    }));
    events.push(appeal.clone());
    sup.sees(&events);
    events.push(sup.write(body::report()));
    let view = fold(sup.case, &events);

    let handler = Principal::user(user("handler"), &[Role::Handler], Some(dept("ops")));
    let manager = Principal::user(user("manager"), &[Role::Manager], Some(dept("ops")));
    let supervisor = Principal::user(user("supervisor2"), &[Role::Supervisor], None);
    for (who, reads) in [(&handler, true), (&supervisor, true), (&manager, false)] {
        for e in [&decision, &appeal] {
            let shaped = shape_event(who, &view, e, Visibility::Full);
            assert_eq!(
                shaped.body == e.body,
                reads,
                "{who:?} {:?}",
                e.body.command()
            );
            assert_eq!(
                (shaped.id, &shaped.parents, shaped.hlc),
                (e.id, &e.parents, e.hlc)
            );
            if !reads {
                assert!(
                    matches!(&shaped.body, EventBody::Unknown(u) if u.kind == CONFIDENTIAL_KIND)
                );
            }
        }
    }
    let managers_copy: Vec<Event> = events
        .iter()
        .map(|e| shape_event(&manager, &view, e, Visibility::Full))
        .collect();
    let seen = fold(sup.case, &managers_copy);
    assert!(seen.accountability.is_empty() && seen.appeals.is_empty());
    assert!(seen.conflicts.is_empty(), "{:?}", seen.conflicts);
    assert_eq!(seen.stage, view.stage);
    assert_eq!(seen.reports.len(), 1);
}

#[test]
fn the_scope_key_changes_with_roles_and_department_only() {
    let handler = |id: &str, roles: &[Role], d: Option<&str>| {
        Principal::user(user(id), roles, d.map(dept)).scope_key()
    };
    let base = handler("h", &[Role::Handler], Some("ops"));
    assert_eq!(base.len(), 16);
    // The same roles in another order, or another user with the same roles: the same scope.
    assert_eq!(
        handler("h", &[Role::Handler, Role::Clerk], Some("ops")),
        handler("x", &[Role::Clerk, Role::Handler], Some("ops"))
    );
    assert_eq!(base, handler("other", &[Role::Handler], Some("ops")));
    assert_ne!(base, handler("h", &[Role::Handler], Some("qa")));
    assert_ne!(base, handler("h", &[Role::Handler], None));
    assert_ne!(base, handler("h", &[Role::Manager], Some("ops")));
    assert_ne!(
        base,
        handler("h", &[Role::Handler, Role::Clerk], Some("ops"))
    );
    // Fixed across builds: a device's stored key stays valid after an upgrade.
    assert_eq!(
        Principal::user(user("s"), &[Role::Supervisor], None).scope_key(),
        "0f65c7a1424351ce"
    );
}
