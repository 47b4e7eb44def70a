//! Forms of investigation and handling (調查、處理方案、審核、執行): take the case up, notes with
//! photos and a signature, the report, the plan, its review, its execution.

use leptos::prelude::*;
use tousu_shared::{
    event::{
        EventBody, ExecutionRecorded, Fault, Finding, NoteAdded, PlanProposed, PlanReviewed,
        ReportSubmitted,
    },
    model::{NoteKind, PlanDecision},
    validate::{BlobHash, Field, FieldError, LongText, Money, Rule, ShortText},
};

use super::{Ctx, Draft, Form, instructions, options, row, text, values};
use crate::{
    components::{Basis, PhotoPicker, RadioGroup, SelectField, SignaturePad, TextField, signed},
    context::App,
    errors::Failure,
    forms::{Check, Values, enum_value, get},
    labels::{self, use_tr},
};

const CAUSE: &str = "cause";
const COMMENT: &str = "comment";
const COMPENSATION: &str = "compensation";
const LOSS: &str = "loss";

fn long(c: &mut Check, field: Field, raw: &str) -> Option<LongText> {
    c.take(LongText::parse(field, raw))
}

fn long_opt(c: &mut Check, field: Field, raw: &str) -> Option<LongText> {
    c.opt(raw, |s| LongText::parse(field, s))
}

fn money_opt(c: &mut Check, raw: &str) -> Option<Money> {
    c.opt(raw, Money::parse_yuan)
}

/// The department takes the case up (开始调查): a confirmation, no fields.
pub struct StartInvestigation;

impl Form for StartInvestigation {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[]
    }

    fn fields(&self, _draft: Draft, ctx: &Ctx) -> AnyView {
        let tr = use_tr();
        let basis: Vec<_> = instructions(tr, ctx).into_iter().collect();
        view! {
            <Basis rows=basis/>
            <p class="muted">{move || tr.t("确认由本部门开始调查。", "確認由本部門開始調查。", "Confirm that your department takes the case up.")}</p>
        }
        .into_any()
    }

    fn parse(&self, _v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        Ok(EventBody::InvestigationStarted)
    }
}

/// 調查記錄: a note, with photos and a drawn signature (interviewee or customer).
pub struct AddNote;

const NOTE_KIND: &str = "note_kind";
const TEXT: &str = "text";
const SIGNED_BY: &str = "signed_by";

impl Form for AddNote {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::NoteKind, NOTE_KIND),
            (Field::Text, TEXT),
            (Field::Person, SIGNED_BY),
        ]
    }

    fn start(&self, _ctx: &Ctx) -> Values {
        values(&[(NOTE_KIND, "investigation")])
    }

    fn fields(&self, draft: Draft, _ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        view! {
            <SelectField form=form name=NOTE_KIND field=Field::NoteKind label=text(tr, "记录类型", "記錄類型", "Kind of note")
                options=options(tr, &[NoteKind::Investigation, NoteKind::Interview, NoteKind::DepartmentOpinion, NoteKind::CustomerOpinion, NoteKind::Remark], labels::note_kind)/>
            <TextField form=form name=TEXT field=Field::Text multiline=true required=true label=text(tr, "内容", "內容", "Text")/>
            <TextField form=form name=SIGNED_BY field=Field::Person label=text(tr, "签字确认人（访谈时）", "簽字確認人（訪談時）", "Signed by (interviews)")/>
            <div class="field">
                <PhotoPicker photos=draft.photos id="f-note-photos"/>
            </div>
            <div class="form-block">
                <SignaturePad canvas=draft.signature_pad strokes=draft.strokes
                    label=text(tr, "签字确认（受访人或客户，可选）", "簽字確認（受訪人或客戶，可選）", "Signature of the interviewee or customer (optional)")/>
            </div>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let note_kind: Option<NoteKind> = c.take(enum_value(Field::NoteKind, get(v, NOTE_KIND)));
        let text = long(&mut c, Field::Text, get(v, TEXT));
        let signed_by = c.opt(get(v, SIGNED_BY), |s| ShortText::parse(Field::Person, s));
        let body = match (note_kind, text) {
            (Some(note_kind), Some(text)) => Some(EventBody::NoteAdded(NoteAdded {
                note_kind,
                text,
                attachments: Vec::new(),
                signature: None,
                signed_by,
            })),
            _ => None,
        };
        c.finish(body)
    }
}

/// Stores the note's photos and signature on this device (the note names them by hash)
/// and puts them in the note; the event is recorded after.
pub async fn attach_note_media(
    app: App,
    draft: Draft,
    note: &mut NoteAdded,
) -> Result<(), Failure> {
    let taken = draft.photos.get_untracked();
    let signature = match draft.signature_pad.get_untracked() {
        Some(canvas) if signed(draft.strokes) => Some(crate::media::signature(&canvas).await?),
        _ => None,
    };
    app.keep_blobs(&taken, signature.as_ref()).await?;
    note.signature = signature.and_then(|s| BlobHash::parse(&s.hash).ok());
    note.attachments = taken
        .iter()
        .filter_map(crate::media::Photo::attachment)
        .collect();
    Ok(())
}

/// 調查報告: findings, whether the complaint is borne out (a decision: nothing chosen until the
/// investigator chooses), whose fault it was where the profile asks (003), and the cause.
pub struct SubmitReport;

const FINDINGS: &str = "findings";
const FINDING: &str = "finding";
const FAULT: &str = "fault";

/// Whether the profile in force asks whose fault it was.
fn asks_fault() -> bool {
    use_context::<crate::context::App>().is_some_and(|app| {
        app.reference
            .with_untracked(|r| r.profile.as_ref().is_some_and(|p| p.ask_fault))
    })
}

impl Form for SubmitReport {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Text, FINDINGS),
            (Field::Finding, FINDING),
            (Field::Fault, FAULT),
            (Field::Cause, CAUSE),
        ]
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let basis: Vec<_> = instructions(tr, ctx).into_iter().collect();
        let fault = asks_fault().then(|| view! {
            <RadioGroup form=form name=FAULT field=Field::Fault required=true label=text(tr, "责任方", "責任方", "Whose fault")
                options=options(tr, &[Fault::Company, Fault::Client, Fault::Shared], labels::fault)/>
        });
        view! {
            <Basis rows=basis/>
            <TextField form=form name=FINDINGS field=Field::Text multiline=true required=true label=text(tr, "调查经过与结论", "調查經過與結論", "Findings")/>
            <RadioGroup form=form name=FINDING field=Field::Finding required=true label=text(tr, "投诉是否属实", "投訴是否屬實", "Is the complaint borne out?")
                options=options(tr, &[Finding::Founded, Finding::PartlyFounded, Finding::Unfounded], labels::finding)/>
            {fault}
            <TextField form=form name=CAUSE field=Field::Cause label=text(tr, "原因", "原因", "Cause")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let findings = long(&mut c, Field::Text, get(v, FINDINGS));
        let finding: Option<Finding> = c.take(enum_value(Field::Finding, get(v, FINDING)));
        let fault: Option<Fault> = if asks_fault() {
            c.take(enum_value(Field::Fault, get(v, FAULT)))
        } else {
            None
        };
        let cause = c.opt(get(v, CAUSE), |s| ShortText::parse(Field::Cause, s));
        let body = match (findings, finding) {
            (Some(findings), Some(finding)) => Some(EventBody::ReportSubmitted(ReportSubmitted {
                findings,
                cause,
                finding: Some(finding),
                fault,
            })),
            _ => None,
        };
        c.finish(body)
    }
}

/// 處理方案: the plan, the manager's opinion, amounts.
pub struct ProposePlan;

const PLAN: &str = "plan";
const OPINION: &str = "opinion";

impl Form for ProposePlan {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[
            (Field::Plan, PLAN),
            (Field::Opinion, OPINION),
            (Field::Amount, COMPENSATION),
        ]
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let mut basis: Vec<_> = instructions(tr, ctx).into_iter().collect();
        if let Some(report) = ctx.view.as_ref().and_then(|v| v.reports.last()) {
            let findings = report.value.findings.as_str().to_string();
            basis.push(row(tr, "调查结论", "調查結論", "Findings", findings));
        }
        view! {
            <Basis rows=basis/>
            <TextField form=form name=PLAN field=Field::Plan multiline=true required=true label=text(tr, "处理方案", "處理方案", "Handling plan")/>
            <TextField form=form name=OPINION field=Field::Opinion multiline=true label=text(tr, "部门负责人意见", "部門負責人意見", "Department manager's opinion")/>
            <div class="grid-2">
                <TextField form=form name=COMPENSATION field=Field::Amount input_type="number" label=text(tr, "赔偿金额（元）", "賠償金額（元）", "Compensation (yuan)")/>
                <TextField form=form name=LOSS field=Field::Amount input_type="number" label=text(tr, "损失金额（元）", "損失金額（元）", "Loss (yuan)")/>
            </div>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let plan = long(&mut c, Field::Plan, get(v, PLAN));
        let opinion = long_opt(&mut c, Field::Opinion, get(v, OPINION));
        let compensation = money_opt(&mut c, get(v, COMPENSATION));
        let loss = money_opt(&mut c, get(v, LOSS));
        let body = plan.map(|plan| {
            EventBody::PlanProposed(PlanProposed {
                plan,
                opinion,
                compensation,
                loss,
            })
        });
        c.finish(body)
    }
}

/// 審核: approve or return the plan (returning needs a comment).
pub struct ReviewPlan;

const DECISION: &str = "decision";

impl Form for ReviewPlan {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Decision, DECISION), (Field::Comment, COMMENT)]
    }

    /// A decision: nothing chosen until the reviewer chooses.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let mut basis = plan_basis(tr, ctx);
        // Two levels (above the profile's amount): say whose approval the plan already has.
        if let Some(view) = ctx.view.as_ref()
            && !view.plan_approvals.is_empty()
        {
            let app = crate::context::use_app();
            let who: Vec<String> = view
                .plan_approvals
                .iter()
                .map(|a| app.actor_name(tr, a))
                .collect();
            basis.push(row(
                tr,
                "第一级已批准（还需另一人第二级审批）",
                "第一級已核准（還需另一人第二級審批）",
                "First approval given (a second person's approval is needed)",
                who.join("、"),
            ));
        }
        view! {
            <Basis rows=basis/>
            <RadioGroup form=form name=DECISION field=Field::Decision required=true label=text(tr, "审核结果", "審核結果", "Decision")
                options=options(tr, &[PlanDecision::Approved, PlanDecision::Returned], labels::decision)/>
            <TextField form=form name=COMMENT field=Field::Comment multiline=true label=text(tr, "审核意见（退回时必填）", "審核意見（退回時必填）", "Comment (required when returning)")/>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let decision: Option<PlanDecision> = c.take(enum_value(Field::Decision, get(v, DECISION)));
        let comment = long_opt(&mut c, Field::Comment, get(v, COMMENT));
        if decision == Some(PlanDecision::Returned) && comment.is_none() {
            c.extend([FieldError::new(Field::Comment, Rule::Required)]);
        }
        let body =
            decision.map(|decision| EventBody::PlanReviewed(PlanReviewed { decision, comment }));
        c.finish(body)
    }
}

/// The plan as proposed: what a review or an execution rests on.
fn plan_basis(tr: crate::labels::Tr, ctx: &Ctx) -> Vec<(Signal<String>, String)> {
    let Some(plan) = ctx.view.as_ref().and_then(|v| v.plan.as_ref()) else {
        return Vec::new();
    };
    let yuan = |m: &Money| m.yuan();
    let mut rows = vec![row(
        tr,
        "处理方案",
        "處理方案",
        "Plan",
        plan.plan.as_str().to_string(),
    )];
    if let Some(m) = &plan.compensation {
        rows.push(row(
            tr,
            "赔偿金额（元）",
            "賠償金額（元）",
            "Compensation (yuan)",
            yuan(m),
        ));
    }
    if let Some(m) = &plan.loss {
        rows.push(row(
            tr,
            "损失金额（元）",
            "損失金額（元）",
            "Loss (yuan)",
            yuan(m),
        ));
    }
    if let Some(o) = &plan.opinion {
        let opinion = o.as_str().to_string();
        rows.push(row(
            tr,
            "部门负责人意见",
            "部門負責人意見",
            "Department manager's opinion",
            opinion,
        ));
    }
    rows
}

/// 執行: what was done, amounts paid.
pub struct RecordExecution;

const RESULT: &str = "result";

impl Form for RecordExecution {
    fn targets(&self) -> &'static [(Field, &'static str)] {
        &[(Field::Result, RESULT), (Field::Amount, COMPENSATION)]
    }

    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView {
        let (tr, form) = (use_tr(), draft.form);
        let basis = plan_basis(tr, ctx);
        view! {
            <Basis rows=basis/>
            <TextField form=form name=RESULT field=Field::Result multiline=true required=true label=text(tr, "处理结果", "處理結果", "What was done")/>
            <div class="grid-2">
                <TextField form=form name=COMPENSATION field=Field::Amount input_type="number" label=text(tr, "实际赔偿（元）", "實際賠償（元）", "Compensation paid (yuan)")/>
                <TextField form=form name=LOSS field=Field::Amount input_type="number" label=text(tr, "损失金额（元）", "損失金額（元）", "Loss (yuan)")/>
            </div>
        }
        .into_any()
    }

    fn parse(&self, v: &Values, _ctx: &Ctx) -> Result<EventBody, Vec<FieldError>> {
        let mut c = Check::default();
        let result = long(&mut c, Field::Result, get(v, RESULT));
        let compensation = money_opt(&mut c, get(v, COMPENSATION));
        let loss = money_opt(&mut c, get(v, LOSS));
        let body = result.map(|result| {
            EventBody::ExecutionRecorded(ExecutionRecorded {
                result,
                compensation,
                loss,
            })
        });
        c.finish(body)
    }
}
