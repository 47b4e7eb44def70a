//! Teaching cases (issue 14 §6): a supervisor marks a closed case; its anonymised form keeps
//! the course and the lesson and loses every personal datum.

use tousu_shared::{
    access::{Principal, Role, authorize},
    event::{CommandKind, Event, EventBody, TeachingMark},
    fold::fold,
    teaching::anonymised,
    testing::{Writer, body, closed_complaint, dept, long, user},
    view::WorkflowError,
    workflow::{allowed, available_commands},
};

fn lesson(text: &str) -> EventBody {
    EventBody::TeachingCaseMarked(TeachingMark { lesson: long(text) })
}

fn supervisor() -> Principal {
    Principal::user(user("supervisor"), &[Role::Supervisor], None)
}

/// A closed complaint whose notes repeat the complainant's data, marked as a teaching case.
fn marked() -> (Writer, Vec<Event>) {
    let mut w = Writer::user(1, 1, "supervisor");
    let mut events = closed_complaint(&mut w);
    events.push(w.write(body::note(
        "张先生再次来电（13812345678，zhang.san@example.com），说3号站点的王专员已联系过他；\
         身份证110105194912310021，运单 SF 1234 5678 9012，住北京市朝阳区建国路88号。",
    )));
    events.push(w.write(lesson("破损件应当场拍照登记，王专员的做法值得推广。")));
    (w, events)
}

#[test]
fn only_a_supervisor_marks_and_only_a_closed_case() {
    let (mut w, events) = marked();
    let view = fold(w.case, &events);
    assert!(available_commands(&supervisor(), &view).contains(&CommandKind::MarkTeachingCase));
    for role in [
        Role::Clerk,
        Role::Handler,
        Role::Manager,
        Role::Archivist,
        Role::Admin,
        Role::Leader,
    ] {
        let p = Principal::user(user("someone"), &[role], Some(dept("ops")));
        assert!(
            authorize(&p, CommandKind::MarkTeachingCase, Some(&view)).is_err(),
            "{role:?} may not mark"
        );
    }
    w.switch_to(2);
    let open = vec![
        w.write(EventBody::Registered(tousu_shared::testing::registration(
            tousu_shared::model::CaseKind::Complaint,
            tousu_shared::testing::t0(),
        ))),
    ];
    let open = fold(w.case, &open);
    assert!(matches!(
        allowed(&open, CommandKind::MarkTeachingCase),
        Err(WorkflowError::NotInStage { .. })
    ));
}

#[test]
fn the_anonymised_case_keeps_the_course_and_no_personal_data() {
    let (w, events) = marked();
    let view = fold(w.case, &events);
    assert_eq!(view.teaching.len(), 1);
    let case = anonymised(&view, ["王专员"], 0, 480).expect("a teaching case");
    let text = serde_json::to_string(&case).unwrap();
    for personal in [
        "张三",
        "张先生",
        "13812345678",
        "zhang.san",
        "建国路",
        "3号站点",
        "王专员",
        "110105194912310021",
        "1234 5678",
    ] {
        assert!(!text.contains(personal), "{personal} left in {text}");
    }
    assert!(text.contains("[姓名]") && text.contains("[电话]") && text.contains("[工作人员]"));
    assert_eq!(case.month, "2025-01");
    assert_eq!(
        case.lessons,
        vec!["破损件应当场拍照登记，[工作人员]的做法值得推广。"]
    );
    let steps: Vec<CommandKind> = case.steps.iter().map(|s| s.step).collect();
    assert_eq!(steps.first(), Some(&CommandKind::Register));
    for step in [
        CommandKind::ProposePlan,
        CommandKind::RecordExecution,
        CommandKind::GiveFeedback,
        CommandKind::AddNote,
    ] {
        assert!(steps.contains(&step), "{step:?} in the course");
    }
    assert!(case.steps.windows(2).all(|p| p[0].day <= p[1].day));
    let english = anonymised(&view, ["王专员"], 2, 480).unwrap();
    assert!(serde_json::to_string(&english).unwrap().contains("[phone]"));
}

#[test]
fn unmarked_and_destroyed_cases_are_no_teaching_cases() {
    let mut w = Writer::user(1, 1, "supervisor");
    let mut events = closed_complaint(&mut w);
    assert!(anonymised(&fold(w.case, &events), [""; 0], 0, 480).is_none());
    events.push(w.write(lesson("教训")));
    assert!(anonymised(&fold(w.case, &events), [""; 0], 0, 480).is_some());
    events.push(w.write(EventBody::Archived));
    events.push(w.write(EventBody::Destroyed));
    let view = fold(w.case, &events);
    assert!(view.erased, "destroyed");
    assert!(anonymised(&view, [""; 0], 0, 480).is_none());
}
