//! Forms of the steps a profile's rules add (issue 13): the emergency path's interim measure
//! (002 臨時解決方案), the pause while the complainant completes the record (004 補充完善) and
//! rectification measures with an owner and a deadline (000, 002 整改措施), and the named
//! investigator or investigation team (003 指定專人, 004 調查小組).

use leptos::prelude::*;
use tousu_shared::{
    clock::{Date, Timestamp},
    event::{
        EventBody, InterimMeasure, Reasoned, Rectification, RectificationDone, Supplement, Team,
    },
    ids::{EventId, UserId},
    validate::{Field, FieldError, LongText, Rule},
};

use super::{Ctx, Draft, Form, accountability::people, row, text};
use crate::{
    components::{Basis, MultiCheck, SelectField, TextField},
    forms::{Check, Values, get},
    labels::use_tr,
};

/// 臨時解決方案: what was done at once to limit the complainant's loss.
pub struct RecordInterimMeasure;

const MEASURE: &str = "measure";

impl Form for RecordInterimMeasure {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Text, MEASURE)]
    }

    /// Rests on what happened.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        let basis: Vec<_> = ctx
            .view
            .as_ref()
            .and_then(|v| v.registration.as_ref())
            .map(|r| {
                row(
                    tr,
                    "投诉内容",
                    "投訴內容",
                    "What happened",
                    r.details.description.as_str().to_string(),
                )
            })
            .into_iter()
            .collect();
        view! {
            <Basis rows=basis/>
            <TextField form=draft.form name=MEASURE field=Field::Text multiline=true required=true
                label=text(tr, "临时措施（先行减少客户损失）", "臨時措施（先行減少客戶損失）", "Interim measure (limits the complainant's loss now)")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let body = c
            .take(LongText::parse(Field::Text, get(v, MEASURE)))
            .map(|measure| EventBody::InterimMeasureTaken(InterimMeasure { measure }));
        c.finish(body)
    }
}

/// 補充完善: what the complainant is asked to supply; the clocks pause until they reply.
pub struct RequestSupplement;

const ASKED: &str = "asked";

impl Form for RequestSupplement {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Reason, ASKED)]
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        view! {
            <p class="muted">{move || tr.t(
                "各时限暂停，直到收到投诉人的补充。",
                "各時限暫停，直到收到投訴人的補充。",
                "The deadlines pause until the complainant replies.",
            )}</p>
            <TextField form=draft.form name=ASKED field=Field::Reason multiline=true required=true
                label=text(tr, "需要投诉人补充的内容", "需要投訴人補充的內容", "What the complainant is asked to supply")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let body = c
            .take(LongText::parse(Field::Reason, get(v, ASKED)))
            .map(|reason| EventBody::SupplementRequested(Reasoned { reason }));
        c.finish(body)
    }
}

/// The complainant's reply: the clocks resume.
pub struct ReceiveSupplement;

const REPLY: &str = "reply";

impl Form for ReceiveSupplement {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Text, REPLY)]
    }

    /// Rests on what was asked.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        let basis: Vec<_> = ctx
            .view
            .as_ref()
            .and_then(|v| v.pauses.last())
            .map(|p| {
                row(
                    tr,
                    "已请投诉人补充",
                    "已請投訴人補充",
                    "Asked of the complainant",
                    p.reason.as_str().to_string(),
                )
            })
            .into_iter()
            .collect();
        view! {
            <Basis rows=basis/>
            <TextField form=draft.form name=REPLY field=Field::Text multiline=true
                label=text(tr, "投诉人补充的内容（记录本身用“补充信息”修改）", "投訴人補充的內容（記錄本身用「補充資訊」修改）", "What they supplied (correct the record itself with “Amend record”)")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let text = c.opt(get(v, REPLY), |s| LongText::parse(Field::Text, s));
        c.finish(Some(EventBody::SupplementReceived(Supplement { text })))
    }
}

/// 整改措施: what is to change, who does it, by when.
pub struct SetRectification;

const OWNER: &str = "owner";
const DUE: &str = "due";

impl Form for SetRectification {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Text, MEASURE),
            (Field::Person, OWNER),
            (Field::Deadline, DUE),
        ]
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        view! {
            <TextField form=form name=MEASURE field=Field::Text multiline=true required=true
                label=text(tr, "整改措施", "整改措施", "What is to change")/>
            <div class="grid-2">
                <SelectField form=form name=OWNER field=Field::Person required=true placeholder=true
                    label=text(tr, "责任人", "責任人", "Owner") options=Signal::derive(people)/>
                <TextField form=form name=DUE field=Field::Deadline input_type="date" required=true
                    label=text(tr, "整改期限", "整改期限", "Due by")/>
            </div>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let measure = c.take(LongText::parse(Field::Text, get(v, MEASURE)));
        let owner = c.take(UserId::parse(get(v, OWNER)).map_err(|mut e| {
            e.field = Field::Person;
            e
        }));
        // Due by the end of the day chosen.
        let due = c.take(
            Date::parse(get(v, DUE))
                .map(|d| Timestamp::from_local(d.succ(), 0, 0, ctx.offset))
                .map_err(|_| FieldError::new(Field::Deadline, Rule::BadFormat)),
        );
        let body = match (measure, owner, due) {
            (Some(measure), Some(owner), Some(due)) => {
                Some(EventBody::RectificationSet(Rectification {
                    measure,
                    owner,
                    due,
                }))
            }
            _ => None,
        };
        c.finish(body)
    }
}

/// A rectification measure carried out: which one, and what was done.
pub struct CompleteRectification;

const WHICH: &str = "which";
const NOTE: &str = "note";

/// The open measures of the case as `(event id, measure)` options.
fn open_measures(ctx: &Ctx) -> Vec<(String, String)> {
    ctx.view
        .iter()
        .flat_map(|v| v.rectifications.iter())
        .filter(|r| r.done.is_none())
        .map(|r| (r.event.to_string(), r.value.measure.as_str().to_string()))
        .collect()
}

impl Form for CompleteRectification {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Text, WHICH), (Field::Comment, NOTE)]
    }

    /// With one measure open, that one; with several, none chosen.
    fn start(&self, ctx: &Ctx) -> Values {
        match open_measures(ctx).as_slice() {
            [(id, _)] => super::values(&[(WHICH, id)]),
            _ => Values::new(),
        }
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let open = open_measures(ctx);
        view! {
            <SelectField form=form name=WHICH field=Field::Text required=true placeholder=true
                label=text(tr, "整改措施", "整改措施", "Measure") options=Signal::derive(move || open.clone())/>
            <TextField form=form name=NOTE field=Field::Comment multiline=true
                label=text(tr, "完成情况", "完成情況", "What was done")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let which = c.take(
            get(v, WHICH)
                .parse::<uuid::Uuid>()
                .map(EventId)
                .map_err(|_| FieldError::new(Field::Text, Rule::Required)),
        );
        let note = c.opt(get(v, NOTE), |s| LongText::parse(Field::Comment, s));
        c.finish(which.map(|rectification| {
            EventBody::RectificationDone(RectificationDone {
                rectification,
                note,
            })
        }))
    }
}

/// 指定專人 / 調查小組: the lead and, for a team, its members (the lead is one of them).
pub struct NameInvestigators;

const LEAD: &str = "lead";
const MEMBERS: &str = "members";

impl Form for NameInvestigators {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Person, LEAD)]
    }

    /// Opens on the team named so far, if any.
    fn start(&self, ctx: &Ctx) -> Values {
        let Some(team) = ctx.view.as_ref().and_then(|v| v.team.as_ref()) else {
            return Values::new();
        };
        let members: Vec<String> = team
            .members
            .iter()
            .filter(|m| **m != team.lead)
            .map(|m| m.to_string())
            .collect();
        super::values(&[(LEAD, team.lead.as_str()), (MEMBERS, &members.join(" "))])
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        view! {
            <SelectField form=form name=LEAD field=Field::Person required=true placeholder=true
                label=text(tr, "调查负责人（组长）", "調查負責人（組長）", "Lead investigator")
                options=Signal::derive(people)/>
            <MultiCheck form=form name=MEMBERS
                label=text(tr, "调查小组其他成员（可不选）", "調查小組其他成員（可不選）", "Other team members (optional)")
                options=Signal::derive(people)/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let lead = c.take(UserId::parse(get(v, LEAD)).map_err(|mut e| {
            e.field = Field::Person;
            e.rule = Rule::Required;
            e
        }));
        c.finish(lead.map(|lead| {
            let mut members = vec![lead.clone()];
            members.extend(
                get(v, MEMBERS)
                    .split_whitespace()
                    .filter_map(|m| UserId::parse(m).ok())
                    .filter(|m| *m != lead),
            );
            EventBody::InvestigatorsNamed(Team { lead, members })
        }))
    }
}
