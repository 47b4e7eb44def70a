//! Forms of answering and closing (反饋、回訪、結案).

use leptos::prelude::*;
use tousu_shared::{
    event::{Closed, EventBody, FeedbackGiven, RevisitRecorded},
    model::{FeedbackChannel, RevisitMethod, Satisfaction},
    validate::{Field, FieldError, LongText},
};

use super::{Ctx, Draft, Form, options, row, text, values};
use crate::{
    components::{Basis, RadioGroup, SelectField, TextField},
    forms::{Check, Values, enum_value, get},
    labels::{self, use_tr},
};

/// 反饋: how the complainant was told the result, and what.
pub struct GiveFeedback;

const CHANNEL: &str = "channel";
const TEXT: &str = "text";

impl Form for GiveFeedback {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Channel, CHANNEL), (Field::Text, TEXT)]
    }

    fn start(&self, _ctx: &Ctx) -> Values {
        values(&[(CHANNEL, "phone")])
    }

    /// Rests on what was done.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let basis: Vec<_> = ctx
            .view
            .as_ref()
            .and_then(|v| v.executions.last())
            .map(|x| {
                row(
                    tr,
                    "处理结果",
                    "處理結果",
                    "What was done",
                    x.value.result.as_str().to_string(),
                )
            })
            .into_iter()
            .collect();
        view! {
            <Basis rows=basis/>
            <SelectField form=form name=CHANNEL field=Field::Channel label=text(tr, "反馈方式", "回饋方式", "How")
                options=options(tr, &[FeedbackChannel::Phone, FeedbackChannel::Sms, FeedbackChannel::Email, FeedbackChannel::Letter, FeedbackChannel::InPerson], labels::feedback_channel)/>
            <TextField form=form name=TEXT field=Field::Text multiline=true required=true label=text(tr, "告知内容", "告知內容", "What they were told")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let channel: Option<FeedbackChannel> = c.take(enum_value(Field::Channel, get(v, CHANNEL)));
        let text = c.take(LongText::parse(Field::Text, get(v, TEXT)));
        let body = match (channel, text) {
            (Some(channel), Some(text)) => {
                Some(EventBody::FeedbackGiven(FeedbackGiven { channel, text }))
            }
            _ => None,
        };
        c.finish(body)
    }
}

/// 回訪: satisfaction, method, the complainant's words.
pub struct RecordRevisit;

const SATISFACTION: &str = "satisfaction";
const METHOD: &str = "method";
const COMMENT: &str = "comment";

impl Form for RecordRevisit {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Satisfaction, SATISFACTION),
            (Field::Method, METHOD),
            (Field::Comment, COMMENT),
        ]
    }

    /// How the revisit is made starts on the phone; the satisfaction is the complainant's
    /// answer and starts unchosen.
    fn start(&self, _ctx: &Ctx) -> Values {
        values(&[(METHOD, "phone")])
    }

    /// Rests on the feedback given.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let basis: Vec<_> = ctx
            .view
            .as_ref()
            .and_then(|v| v.feedback.last())
            .map(|f| {
                let told = format!(
                    "{}：{}",
                    labels::feedback_channel(tr, f.value.channel),
                    f.value.text.as_str()
                );
                row(tr, "已反馈内容", "已回饋內容", "Feedback given", told)
            })
            .into_iter()
            .collect();
        view! {
            <Basis rows=basis/>
            <RadioGroup form=form name=SATISFACTION field=Field::Satisfaction required=true label=text(tr, "满意度", "滿意度", "Satisfaction")
                options=options(tr, &[Satisfaction::Satisfied, Satisfaction::PartlySatisfied, Satisfaction::NotSatisfied], labels::satisfaction)/>
            <RadioGroup form=form name=METHOD field=Field::Method label=text(tr, "回访方式", "回訪方式", "Method")
                options=options(tr, &[RevisitMethod::Phone, RevisitMethod::OnSite, RevisitMethod::Questionnaire], labels::revisit_method)/>
            <TextField form=form name=COMMENT field=Field::Comment multiline=true label=text(tr, "客户意见", "客戶意見", "Their words")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let satisfaction: Option<Satisfaction> =
            c.take(enum_value(Field::Satisfaction, get(v, SATISFACTION)));
        let method: Option<RevisitMethod> = c.take(enum_value(Field::Method, get(v, METHOD)));
        let comment = c.opt(get(v, COMMENT), |s| LongText::parse(Field::Comment, s));
        let body = match (method, satisfaction) {
            (Some(method), Some(satisfaction)) => {
                Some(EventBody::RevisitRecorded(RevisitRecorded {
                    method,
                    satisfaction,
                    comment,
                }))
            }
            _ => None,
        };
        c.finish(body)
    }
}

/// 結案: an optional summary.
pub struct Close;

const SUMMARY: &str = "summary";

impl Form for Close {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Summary, SUMMARY)]
    }

    /// Rests on the revisit's result.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        let basis: Vec<_> = ctx
            .view
            .as_ref()
            .and_then(|v| v.revisits.last())
            .map(|r| {
                let mut said = labels::satisfaction(tr, r.value.satisfaction);
                if let Some(c) = &r.value.comment {
                    said = format!("{said}：{}", c.as_str());
                }
                row(tr, "回访结果", "回訪結果", "Revisit result", said)
            })
            .into_iter()
            .collect();
        view! {
            <Basis rows=basis/>
            <TextField form=draft.form name=SUMMARY field=Field::Summary multiline=true label=text(tr, "结案说明", "結案說明", "Summary")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let summary = c.opt(get(v, SUMMARY), |s| LongText::parse(Field::Summary, s));
        c.finish(Some(EventBody::Closed(Closed { summary })))
    }
}

/// 案例分析: a supervisor marks a closed case as a teaching case, with what staff should learn
/// from it. Staff read it anonymised; the lesson is anonymised the same way.
#[cfg(feature = "office")]
pub struct MarkTeachingCase;

#[cfg(feature = "office")]
const LESSON: &str = "lesson";

#[cfg(feature = "office")]
impl Form for MarkTeachingCase {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Text, LESSON)]
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        view! {
            <TextField form=draft.form name=LESSON field=Field::Text multiline=true required=true label=text(tr, "案例启示（员工应从中学到什么）", "案例啟示（員工應從中學到什麼）", "Lesson (what staff should learn from it)") hint=text(tr, "员工看到的是匿名版本：姓名、联系方式、地址、地点和长号码会被替换。", "員工看到的是匿名版本：姓名、聯絡方式、地址、地點和長號碼會被替換。", "Staff read it anonymised: names, contacts, addresses, places and long numbers are replaced.")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let body = c
            .take(LongText::parse(Field::Text, get(v, LESSON)))
            .map(|lesson| {
                EventBody::TeachingCaseMarked(tousu_shared::event::TeachingMark { lesson })
            });
        c.finish(body)
    }
}
