//! Forms of accountability (責任追究) and appeals (申訴): the decision, the appeal of the
//! person concerned, the decision on it.

use leptos::prelude::*;
use tousu_shared::{
    access::Role,
    clock::{Date, Timestamp},
    event::{AccountabilityRecorded, AppealDecided, AppealFiled, EventBody},
    ids::{DepartmentId, EventId, UserId},
    model::{Measure, Responsibility},
    validate::{Field, FieldError, LongText, Money, Rule},
};

use super::{Ctx, Draft, Form, options, text};
use crate::{
    components::{RadioGroup, SelectField, TextField},
    context::use_app,
    forms::{Check, Values, enum_parse, enum_value, get},
    labels::{self, use_tr},
};

const REASON: &str = "reason";

fn event_id(field: Field, raw: &str) -> Result<EventId, FieldError> {
    raw.parse::<uuid::Uuid>()
        .map(EventId)
        .map_err(|_| FieldError::new(field, Rule::Required))
}

/// The staff who may be held responsible, by name and department: every enabled account that
/// works cases (administrators and kiosks do not).
pub(super) fn people() -> Vec<(String, String)> {
    let app = use_app();
    let mut options = app.people_options(|p| p.roles.iter().any(|r| *r != Role::Admin));
    app.reference.with_untracked(|r| {
        for (id, name) in &mut options {
            let department = r
                .people
                .iter()
                .find(|p| p.id.as_str() == id)
                .and_then(|p| p.department.as_ref());
            // Display names often carry the department already ("运营服务部 李经理").
            if let Some(d) = department {
                let department = app.department_name(d);
                if !name.contains(&department) {
                    *name = format!("{name} · {department}");
                }
            }
        }
    });
    options
}

/// Prefix of a department's value in the "held responsible" select.
const DEPARTMENT_PREFIX: &str = "department:";

/// Who may be held responsible: the staff, and where the profile names a measure for
/// departments (001, 002), the departments too.
fn responsible_options() -> Vec<(String, String)> {
    let app = use_app();
    let mut options = people();
    let departments = app.reference.with_untracked(|r| {
        let named = r
            .profile
            .as_ref()
            .is_some_and(|p| p.measures.iter().any(|m| m.department));
        if named {
            r.catalog.departments.clone()
        } else {
            Vec::new()
        }
    });
    for d in departments {
        let name = format!("{}（{}）", app.department_name(&d.id), tr_department());
        options.push((format!("{DEPARTMENT_PREFIX}{}", d.id), name));
    }
    options
}

/// "(department)" in the language shown.
fn tr_department() -> &'static str {
    use_tr().t("部门", "部門", "department")
}

/// The decision: who, what responsibility, which measure, why, and until when it may be
/// appealed (the end of the chosen day).
pub struct RecordAccountability;

const PERSON: &str = "person";
const RESPONSIBILITY: &str = "responsibility";
const MEASURE: &str = "measure";
const APPEAL_UNTIL: &str = "appeal_until";
const AMOUNT: &str = "amount";

/// The measures the regulation profile in force names, else the general five.
fn measures() -> Vec<Measure> {
    let named: Vec<Measure> = use_app().reference.with_untracked(|r| {
        r.profile
            .as_ref()
            .map(|p| p.measures.iter().map(|m| m.id).collect())
            .unwrap_or_default()
    });
    if named.is_empty() {
        Measure::GENERAL.to_vec()
    } else {
        named
    }
}

/// Whether `measure` is a fine with an amount, as the profile says (a fine always is).
fn carries_amount(measure: Measure) -> bool {
    measure == Measure::Fine
        || use_context::<crate::context::App>().is_some_and(|app| {
            app.reference.with_untracked(|r| {
                r.profile
                    .as_ref()
                    .is_some_and(|p| p.measures.iter().any(|m| m.id == measure && m.has_amount))
            })
        })
}

impl Form for RecordAccountability {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Person, PERSON),
            (Field::Responsibility, RESPONSIBILITY),
            (Field::Measure, MEASURE),
            (Field::Amount, AMOUNT),
            (Field::Reason, REASON),
            (Field::Deadline, APPEAL_UNTIL),
        ]
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let fined = move || {
            let chosen: Option<Measure> = enum_parse(&form.get(MEASURE));
            chosen.is_some_and(carries_amount)
        };
        view! {
            <SelectField form=form name=PERSON field=Field::Person required=true placeholder=true label=text(tr, "责任人", "責任人", "Person held responsible")
                options=Signal::derive(responsible_options)/>
            <div class="grid-2">
                <SelectField form=form name=RESPONSIBILITY field=Field::Responsibility required=true placeholder=true label=text(tr, "责任类型", "責任類型", "Responsibility")
                    options=options(tr, &[Responsibility::Direct, Responsibility::Indirect, Responsibility::Primary, Responsibility::Secondary, Responsibility::Leadership], labels::responsibility)/>
                <SelectField form=form name=MEASURE field=Field::Measure required=true placeholder=true label=text(tr, "处理措施", "處理措施", "Measure")
                    options=options(tr, &measures(), labels::measure)/>
            </div>
            <Show when=fined>
                <TextField form=form name=AMOUNT field=Field::Amount required=true label=text(tr, "罚款金额（元）", "罰款金額（元）", "Fine (yuan)")/>
            </Show>
            <TextField form=form name=REASON field=Field::Reason multiline=true required=true label=text(tr, "事实与理由", "事實與理由", "Facts and reasons")/>
            <TextField form=form name=APPEAL_UNTIL field=Field::Deadline input_type="date" required=true label=text(tr, "申诉截止日期", "申訴截止日期", "Appeals accepted until")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let raw = get(v, PERSON);
        let (person, department) = match raw.strip_prefix(DEPARTMENT_PREFIX) {
            Some(d) => (
                None,
                c.take(DepartmentId::parse(d).map_err(|mut e| {
                    e.field = Field::Person;
                    e
                })),
            ),
            None => (
                c.take(UserId::parse(raw).map_err(|mut e| {
                    e.field = Field::Person;
                    e
                })),
                None,
            ),
        };
        let responsible = person.is_some() || department.is_some();
        let responsibility: Option<Responsibility> =
            c.take(enum_value(Field::Responsibility, get(v, RESPONSIBILITY)));
        let measure: Option<Measure> = c.take(enum_value(Field::Measure, get(v, MEASURE)));
        // A fine carries its amount (000 經濟處罰, 004 罰款).
        let amount = match measure {
            Some(m) if carries_amount(m) => c.take(Money::parse_yuan(get(v, AMOUNT))),
            _ => None,
        };
        let reason = c.take(LongText::parse(Field::Reason, get(v, REASON)));
        let until = c.take(
            Date::parse(get(v, APPEAL_UNTIL))
                .map(|d| Timestamp::from_local(d.succ(), 0, 0, ctx.offset))
                .map_err(|_| FieldError::new(Field::Deadline, Rule::BadFormat)),
        );
        let body = match (responsible, responsibility, measure, reason, until) {
            (true, Some(responsibility), Some(measure), Some(reason), Some(until)) => {
                Some(EventBody::AccountabilityRecorded(AccountabilityRecorded {
                    person,
                    department,
                    responsibility,
                    measure,
                    amount,
                    reason,
                    appeal_until: until,
                }))
            }
            _ => None,
        };
        c.finish(body)
    }
}

/// The person concerned appeals one of the decisions about them.
pub struct FileAppeal;

const ACCOUNTABILITY: &str = "accountability";

impl Form for FileAppeal {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Accountability, ACCOUNTABILITY),
            (Field::Reason, REASON),
        ]
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let choices: Vec<(String, String)> = ctx
            .view
            .as_ref()
            .map(|v| {
                v.accountability
                    .iter()
                    .filter(|a| {
                        ctx.me
                            .as_ref()
                            .is_some_and(|me| tousu_shared::access::concerns(me, &a.value))
                    })
                    .map(|a| {
                        let what = labels::measure(tr, a.value.measure);
                        (
                            a.event.to_string(),
                            format!("{what} · {}", labels::date(tr, a.at)),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        view! {
            <SelectField form=form name=ACCOUNTABILITY field=Field::Accountability required=true placeholder=true
                label=text(tr, "申诉的决定", "申訴的決定", "Decision appealed") options=Signal::derive(move || choices.clone())/>
            <TextField form=form name=REASON field=Field::Reason multiline=true required=true label=text(tr, "申诉理由", "申訴理由", "Grounds")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let accountability = c.take(event_id(Field::Accountability, get(v, ACCOUNTABILITY)));
        let reason = c.take(LongText::parse(Field::Reason, get(v, REASON)));
        let body = match (accountability, reason) {
            (Some(accountability), Some(reason)) => Some(EventBody::AppealFiled(AppealFiled {
                accountability,
                reason,
            })),
            _ => None,
        };
        c.finish(body)
    }
}

/// The decision on an open appeal: upheld (the measure is lifted) or not, and why.
pub struct DecideAppeal;

const APPEAL: &str = "appeal";
const VERDICT: &str = "verdict";
const DECISION: &str = "decision";

impl Form for DecideAppeal {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Appeal, APPEAL),
            (Field::Verdict, VERDICT),
            (Field::Text, DECISION),
        ]
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let choices: Vec<(String, String)> = ctx
            .view
            .as_ref()
            .map(|v| {
                v.appeals
                    .iter()
                    .filter(|a| !v.appeal_decisions.iter().any(|d| d.value.appeal == a.event))
                    .map(|a| {
                        (
                            a.event.to_string(),
                            format!(
                                "{} · {}",
                                use_app().actor_name(tr, &a.actor),
                                a.value.reason.as_str()
                            ),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        view! {
            <SelectField form=form name=APPEAL field=Field::Appeal required=true placeholder=true
                label=text(tr, "申诉", "申訴", "Appeal") options=Signal::derive(move || choices.clone())/>
            <RadioGroup form=form name=VERDICT field=Field::Verdict required=true label=text(tr, "申诉结论", "申訴結論", "Outcome")
                options=Signal::derive(move || vec![
                    ("upheld".to_string(), tr.t("申诉成立（撤销处理措施）", "申訴成立（撤銷處理措施）", "Upheld (the measure is lifted)").to_string()),
                    ("dismissed".to_string(), tr.t("维持原决定", "維持原決定", "Dismissed (the measure stands)").to_string()),
                ])/>
            <TextField form=form name=DECISION field=Field::Text multiline=true required=true label=text(tr, "决定", "決定", "Decision")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let appeal = c.take(event_id(Field::Appeal, get(v, APPEAL)));
        // An outcome, so nothing is chosen until the decider chooses.
        let upheld = match get(v, VERDICT) {
            "upheld" => Some(true),
            "dismissed" => Some(false),
            _ => c.take(Err(FieldError::new(Field::Verdict, Rule::Required))),
        };
        let decision = c.take(LongText::parse(Field::Text, get(v, DECISION)));
        let body = match (appeal, upheld, decision) {
            (Some(appeal), Some(upheld), Some(decision)) => {
                Some(EventBody::AppealDecided(AppealDecided {
                    appeal,
                    upheld,
                    decision,
                }))
            }
            _ => None,
        };
        c.finish(body)
    }
}
