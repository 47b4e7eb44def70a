//! Forms of answering and closing (反饋、回訪、結案).

use leptos::prelude::*;
use tousu_shared::{
    event::{Closed, EventBody, FeedbackGiven, RevisitRecorded},
    model::{FeedbackChannel, RevisitMethod, Satisfaction},
    validate::{Field, FieldError, LongText},
};

use super::{Ctx, Draft, Form, options, text, values};
use crate::{
    components::{RadioGroup, SelectField, TextField},
    forms::{Check, Values, enum_value, get},
    labels::{self, use_tr},
};

/// 反饋: how the complainant was told the result, and what.
pub struct GiveFeedback;

const CHANNEL: &str = "channel";
const TEXT: &str = "text";

impl Form for GiveFeedback {
    fn start(&self, _ctx: &Ctx) -> Values {
        values(&[(CHANNEL, "phone")])
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        view! {
            <SelectField form=form name=CHANNEL label=text(tr, "反馈方式", "回饋方式", "How")
                options=options(tr, &[FeedbackChannel::Phone, FeedbackChannel::Sms, FeedbackChannel::Email, FeedbackChannel::Letter, FeedbackChannel::InPerson], labels::feedback_channel)/>
            <TextField form=form name=TEXT field=Field::Text multiline=true required=true label=text(tr, "告知内容", "告知內容", "What they were told")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let channel: Option<FeedbackChannel> = c.take(enum_value(Field::Text, get(v, CHANNEL)));
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
    fn start(&self, _ctx: &Ctx) -> Values {
        values(&[(METHOD, "phone"), (SATISFACTION, "satisfied")])
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        view! {
            <RadioGroup form=form name=SATISFACTION label=text(tr, "满意度", "滿意度", "Satisfaction")
                options=options(tr, &[Satisfaction::Satisfied, Satisfaction::PartlySatisfied, Satisfaction::NotSatisfied], labels::satisfaction)/>
            <RadioGroup form=form name=METHOD label=text(tr, "回访方式", "回訪方式", "Method")
                options=options(tr, &[RevisitMethod::Phone, RevisitMethod::OnSite, RevisitMethod::Questionnaire], labels::revisit_method)/>
            <TextField form=form name=COMMENT field=Field::Comment multiline=true label=text(tr, "客户意见", "客戶意見", "Their words")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let method: Option<RevisitMethod> = c.take(enum_value(Field::Text, get(v, METHOD)));
        let satisfaction: Option<Satisfaction> =
            c.take(enum_value(Field::Text, get(v, SATISFACTION)));
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
    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        view! {
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
