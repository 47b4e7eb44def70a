//! Forms of triage (受理、分類、分派): classify, refuse as out of scope, reopen, dispatch, set a
//! deadline, link a duplicate.

use leptos::prelude::*;
use tousu_shared::{
    clock::{Date, Timestamp},
    event::{
        Classified, CommandKind, DeadlineSet, Dispatched, EventBody, LinkedDuplicate, Reasoned as R,
    },
    ids::{CategoryId, DepartmentId},
    model::Severity,
    validate::{Field, FieldError, LongText, Rule, ShortText},
};

use super::{Ctx, Draft, Form, options, text, values};
use crate::{
    components::{CheckField, MultiCheck, RadioGroup, SelectField, TextField},
    context::use_app,
    forms::{Check, Values, enum_parse, enum_str, enum_value, get},
    labels::{self, use_tr},
};

/// 分類: category, severity, cause.
pub struct Classify;

const CATEGORY: &str = "category";
const SEVERITY: &str = "severity";
const CAUSE: &str = "cause";
const CONFIRM_LOWER: &str = "confirm_lower";

/// The case's severity as it stands (classified, or as registered).
fn current_severity(ctx: &Ctx) -> Option<Severity> {
    let view = ctx.view.as_ref()?;
    view.severity
        .or_else(|| view.registration.as_ref().and_then(|r| r.severity))
}

impl Form for Classify {
    /// The classification edits facts: it opens on the case's category, severity and cause
    /// (an urgent case stays urgent unless someone lowers it and confirms).
    fn start(&self, ctx: &Ctx) -> Values {
        let view = ctx.view.as_ref();
        let category = view
            .and_then(|v| {
                v.category
                    .clone()
                    .or_else(|| v.registration.as_ref()?.category.clone())
            })
            .map(|c| c.to_string())
            .unwrap_or_default();
        let severity = current_severity(ctx)
            .map(|s| enum_str(&s))
            .unwrap_or_default();
        let cause = view
            .and_then(|v| v.cause.as_ref())
            .map(|c| c.as_str().to_string())
            .unwrap_or_default();
        values(&[
            (CATEGORY, category.as_str()),
            (SEVERITY, severity.as_str()),
            (CAUSE, cause.as_str()),
        ])
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (app, tr, form) = (use_app(), use_tr(), draft.form);
        let categories = Signal::derive(move || app.category_options(tr));
        let current = current_severity(ctx);
        let lowered = move || {
            let chosen: Option<Severity> = enum_parse(&form.get(SEVERITY));
            matches!((chosen, current), (Some(c), Some(now)) if c < now)
        };
        view! {
            <SelectField form=form name=CATEGORY field=Field::Category required=true placeholder=true label=text(tr, "类别", "類別", "Category") options=categories/>
            <RadioGroup form=form name=SEVERITY field=Field::Severity required=true label=text(tr, "紧急程度", "緊急程度", "Severity")
                options=options(tr, &[Severity::General, Severity::Important, Severity::UrgentMajor], labels::severity)/>
            <Show when=lowered>
                <CheckField form=form name=CONFIRM_LOWER label=text(tr, "确认降低紧急程度", "確認降低緊急程度", "Confirm lowering the severity")/>
            </Show>
            <TextField form=form name=CAUSE field=Field::Cause label=text(tr, "原因", "原因", "Cause")/>
        }
        .into_any()
    }

    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Category, CATEGORY),
            (Field::Severity, SEVERITY),
            (Field::Cause, CAUSE),
        ]
    }

    fn parse(&self, v: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let category = c.take(CategoryId::parse(get(v, CATEGORY)).map_err(|mut e| {
            e.field = Field::Category;
            e
        }));
        let severity: Option<Severity> = c.take(enum_value(Field::Severity, get(v, SEVERITY)));
        let cause = c.opt(get(v, CAUSE), |s| ShortText::parse(Field::Cause, s));
        if let (Some(chosen), Some(now)) = (severity, current_severity(ctx))
            && chosen < now
            && get(v, CONFIRM_LOWER) != "true"
        {
            c.extend([FieldError::new(Field::Severity, Rule::ConfirmLower)]);
        }
        let body = match (category, severity) {
            (Some(category), Some(severity)) => {
                let classified = Classified {
                    category,
                    cause,
                    severity,
                };
                // The server checks the same against the catalog it holds.
                if let Err(errors) = classified.check(&ctx.catalog) {
                    c.extend(errors);
                }
                Some(EventBody::Classified(classified))
            }
            _ => None,
        };
        c.finish(body)
    }
}

/// A step that needs a stated reason told to the complainant: out of scope, reopen.
pub struct Reasoned(pub CommandKind);

const REASON: &str = "reason";

impl Form for Reasoned {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Reason, REASON)]
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        view! {
            <TextField form=draft.form name=REASON field=Field::Reason multiline=true required=true label=text(tr, "原因说明（将告知投诉人）", "原因說明（將告知投訴人）", "Reason (told to the complainant)")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let body = c
            .take(LongText::parse(Field::Reason, get(v, REASON)))
            .map(|reason| {
                let r = R { reason };
                if self.0 == CommandKind::Reopen {
                    EventBody::Reopened(r)
                } else {
                    EventBody::RejectedOutOfScope(r)
                }
            });
        c.finish(body)
    }
}

/// 分派: the department that works the case, with instructions.
pub struct Dispatch;

const DEPARTMENT: &str = "department";
const CO_DEPARTMENTS: &str = "co_departments";
const INSTRUCTIONS: &str = "instructions";

impl Form for Dispatch {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Department, DEPARTMENT),
            (Field::Comment, INSTRUCTIONS),
        ]
    }

    /// Co-handling departments are offered where the case's rules allow them (001, 002).
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let co_handling = ctx
            .view
            .as_ref()
            .and_then(|v| {
                v.registration
                    .as_ref()?
                    .rules
                    .as_ref()
                    .map(|r| r.co_handling)
            })
            .unwrap_or(false);
        let (app, tr, form) = (use_app(), use_tr(), draft.form);
        let departments = Signal::derive(move || {
            app.reference.with(|r| {
                r.catalog
                    .departments
                    .iter()
                    .map(|d| (d.id.to_string(), d.name.clone()))
                    .collect()
            })
        });
        view! {
            <SelectField form=form name=DEPARTMENT field=Field::Department required=true placeholder=true label=text(tr, "责任部门", "責任部門", "Department") options=departments/>
            {co_handling.then(|| view! {
                <MultiCheck form=form name=CO_DEPARTMENTS label=text(tr, "协办部门（责任部门牵头）", "協辦部門（責任部門牽頭）", "Co-handling departments (the department above leads)")
                    options=departments/>
            })}
            <TextField form=form name=INSTRUCTIONS field=Field::Comment multiline=true label=text(tr, "处理要求", "處理要求", "Instructions")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let department = c.take(DepartmentId::parse(get(v, DEPARTMENT)).map_err(|mut e| {
            e.field = Field::Department;
            e.rule = Rule::Required;
            e
        }));
        let instructions = c.opt(get(v, INSTRUCTIONS), |s| LongText::parse(Field::Comment, s));
        let co_departments: Vec<DepartmentId> = get(v, CO_DEPARTMENTS)
            .split_whitespace()
            .filter_map(|d| DepartmentId::parse(d).ok())
            .filter(|d| Some(d) != department.as_ref())
            .collect();
        let body = department.map(|department| {
            EventBody::Dispatched(Dispatched {
                department,
                co_departments,
                due: None,
                instructions,
            })
        });
        c.finish(body)
    }
}

/// 特殊案件 and 答复期限: the whole-case limit extended as the policy in force says, or a reply
/// date promised to the complainant, with the reason. Opens on the case's current values.
pub struct SetDeadline;

const SPECIAL: &str = "special";
const DUE: &str = "due";

impl Form for SetDeadline {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Deadline, DUE), (Field::Reason, REASON)]
    }

    fn start(&self, ctx: &Ctx) -> Values {
        let view = ctx.view.as_ref();
        let special = if view.is_some_and(|v| v.special) {
            "true"
        } else {
            ""
        };
        // The promised date as the complainant was told it: the day the due time ends.
        let due = view
            .and_then(|v| v.due_override)
            .map(|at| Timestamp(at.0 - 1).date(ctx.offset).to_string())
            .unwrap_or_default();
        values(&[(SPECIAL, special), (DUE, due.as_str())])
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (app, tr, form) = (use_app(), use_tr(), draft.form);
        let special = app
            .reference
            .with_untracked(|r| r.rules.policy.whole_case_special);
        let label = Signal::derive(move || {
            let limit = labels::limit(tr, special);
            match tr.locale() {
                crate::i18n::Locale::en => format!("Special case (whole-case limit {limit})"),
                crate::i18n::Locale::zh_TW => format!("特殊案件（整體時限延長至{limit}）"),
                crate::i18n::Locale::zh_CN => format!("特殊案件（整体时限延长至{limit}）"),
            }
        });
        view! {
            <CheckField form=form name=SPECIAL label=label/>
            <TextField form=form name=DUE field=Field::Deadline input_type="date"
                label=text(tr, "答复期限（可选，告知投诉人的日期）", "答覆期限（可選，告知投訴人的日期）", "Reply by (optional, the date the complainant was told)")/>
            <TextField form=form name=REASON field=Field::Reason multiline=true label=text(tr, "原因", "原因", "Reason")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        // A date means "by the end of that day", local time.
        let due = c.opt(get(v, DUE), |s| {
            Date::parse(s)
                .map(|d| Timestamp::from_local(d.succ(), 0, 0, ctx.offset))
                .map_err(|_| FieldError::new(Field::Deadline, Rule::BadFormat))
        });
        let reason = c.opt(get(v, REASON), |s| LongText::parse(Field::Reason, s));
        let body = EventBody::DeadlineSet(DeadlineSet {
            special: get(v, SPECIAL) == "true",
            due,
            reason,
        });
        c.finish(Some(body))
    }
}

/// A duplicate of another case, named by its number or provisional label on this device.
pub struct LinkDuplicate;

const OF_LABEL: &str = "of_label";

impl Form for LinkDuplicate {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::CaseNumber, OF_LABEL)]
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        view! {
            <TextField form=draft.form name=OF_LABEL field=Field::CaseNumber required=true
                label=text(tr, "原案件编号（或临时编号）", "原案件編號（或臨時編號）", "Number (or provisional label) of the original case")/>
        }
        .into_any()
    }

    fn names_case(&self, v: &Values) -> Option<String> {
        Some(get(v, OF_LABEL).to_uppercase()).filter(|l| !l.is_empty())
    }

    fn parse(&self, _v: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        ctx.link_target
            .filter(|of| ctx.view.as_ref().is_none_or(|v| v.id != *of))
            .map(|of| EventBody::LinkedDuplicate(LinkedDuplicate { of }))
            .ok_or_else(|| vec![FieldError::new(Field::CaseNumber, Rule::Required)])
    }
}
