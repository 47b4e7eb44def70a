//! A printed form laid out as the regulation profile in force has it (its title, its fields in
//! the seed's order: 003's 客戶投訴記錄單 and 處理單, 004's 處理結果報告, …), each field filled
//! from the case.

use leptos::prelude::*;
use tousu_shared::{
    model::NoteKind,
    number::provisional_label,
    profile::{PrintedForm, SheetField},
    view::CaseView,
};

use crate::{
    components::BlobImage,
    context::{App, use_app},
    labels::{self, Tr, use_tr},
};

/// `form` filled from `view`, under `testid` (`record-sheet`, `handling-sheet`).
#[component]
pub fn ProfileSheet(view: CaseView, form: PrintedForm, testid: &'static str) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let title = labels::names(tr, &form.title);
    let rows = form
        .fields
        .iter()
        .map(|f| {
            let label = labels::names(tr, &f.name);
            let cell = match f.key {
                SheetField::CustomerSignature => {
                    let hash = customer_signature(&view);
                    view! {
                        <td class="signature-cell" data-testid="customer-signature">{hash.map(|hash| view! {
                            <BlobImage hash=hash media_type="image/png" class="signature-img" alt=tr.t("客户签字", "客戶簽字", "Customer's signature")/>
                        })}</td>
                    }
                    .into_any()
                }
                SheetField::ReceivedBySignature => view! {
                    <td class="signature-cell">{value(app, tr, &view, SheetField::ReceivedBy)}</td>
                }
                .into_any(),
                key => view! { <td>{value(app, tr, &view, key)}</td> }.into_any(),
            };
            view! { <tr><th>{label}</th>{cell}</tr> }
        })
        .collect_view();
    view! {
        <article class="sheet-print" data-testid=testid>
            <h1>{title}</h1>
            <table class="print-table">{rows}</table>
        </article>
    }
}

/// The customer's latest signed opinion (客戶簽字), taken on the tablet.
fn customer_signature(view: &CaseView) -> Option<String> {
    view.notes
        .iter()
        .rev()
        .filter(|n| n.value.note_kind == NoteKind::CustomerOpinion)
        .find_map(|n| n.value.signature.as_ref().map(|s| s.as_str().to_string()))
}

/// What field `key` shows of the case, as text.
pub fn value(app: App, tr: Tr, view: &CaseView, key: SheetField) -> String {
    let r = view.registration.as_ref();
    let text = |t: Option<&tousu_shared::validate::LongText>| {
        t.map(|t| t.as_str().to_string()).unwrap_or_default()
    };
    let short = |t: Option<&tousu_shared::validate::ShortText>| {
        t.map(|t| t.as_str().to_string()).unwrap_or_default()
    };
    let join = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let money = |m: Option<tousu_shared::validate::Money>| {
        m.map(|m| format!("¥{}", m.yuan())).unwrap_or_default()
    };
    let execution = view.executions.last();
    match key {
        SheetField::Number => view
            .number
            .map(|n| n.to_string())
            .unwrap_or_else(|| provisional_label(view.id)),
        SheetField::Customer => r
            .map(|r| {
                join(vec![
                    short(r.complainant.organisation.as_ref()),
                    short(r.complainant.name.as_ref()),
                ])
            })
            .unwrap_or_default(),
        SheetField::Complainant => r
            .map(|r| short(r.complainant.name.as_ref()))
            .unwrap_or_default(),
        SheetField::Organisation => r
            .map(|r| short(r.complainant.organisation.as_ref()))
            .unwrap_or_default(),
        SheetField::ComplainantType => r
            .and_then(|r| r.complainant_type)
            .map(|k| labels::complainant_type(tr, k).to_string())
            .unwrap_or_default(),
        SheetField::Contact => r
            .map(|r| {
                join(vec![
                    r.complainant
                        .phone
                        .as_ref()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    r.complainant
                        .email
                        .as_ref()
                        .map(|e| e.as_str().to_string())
                        .unwrap_or_default(),
                ])
            })
            .unwrap_or_default(),
        SheetField::Address => r
            .map(|r| {
                let address = short(r.complainant.address.as_ref());
                if address.is_empty() {
                    short(r.details.location.as_ref())
                } else {
                    address
                }
            })
            .unwrap_or_default(),
        SheetField::Location => r
            .map(|r| short(r.details.location.as_ref()))
            .unwrap_or_default(),
        SheetField::Received => r
            .map(|r| labels::date_time(tr, r.received_at))
            .unwrap_or_default(),
        SheetField::Date => r
            .map(|r| labels::date(tr, r.received_at))
            .unwrap_or_default(),
        SheetField::Channel => r
            .map(|r| labels::channel(tr, r.channel).to_string())
            .unwrap_or_default(),
        SheetField::Description => r
            .map(|r| r.details.description.as_str().to_string())
            .unwrap_or_default(),
        SheetField::Request => r
            .map(|r| text(r.details.request.as_ref()))
            .unwrap_or_default(),
        SheetField::ReceivedBy | SheetField::ReceivedBySignature => view
            .registered_by
            .as_ref()
            .map(|a| app.actor_name(tr, a))
            .unwrap_or_default(),
        SheetField::Department => view
            .department
            .as_ref()
            .map(|d| app.department_name(d))
            .unwrap_or_default(),
        SheetField::Progress => labels::stage(tr, view.stage).to_string(),
        SheetField::Report => view
            .reports
            .last()
            .map(|r| {
                let finding = r.value.finding.map(|f| labels::finding(tr, f).to_string());
                join(vec![
                    finding.unwrap_or_default(),
                    r.value.findings.as_str().to_string(),
                ])
            })
            .unwrap_or_default(),
        SheetField::Investigation => join(
            view.notes
                .iter()
                .filter(|n| n.value.note_kind != NoteKind::CustomerOpinion)
                .map(|n| n.value.text.as_str().to_string())
                .collect(),
        ),
        SheetField::Cause => view
            .cause
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        SheetField::Plan => view
            .plan
            .as_ref()
            .map(|p| p.plan.as_str().to_string())
            .unwrap_or_default(),
        SheetField::PlanReview => view
            .plan_decision
            .map(|d| labels::decision(tr, d).to_string())
            .unwrap_or_default(),
        SheetField::Result => execution
            .map(|e| e.value.result.as_str().to_string())
            .unwrap_or_default(),
        SheetField::HandledOn => execution
            .map(|e| labels::date(tr, e.at))
            .unwrap_or_default(),
        SheetField::Handler => execution
            .map(|e| app.actor_name(tr, &e.actor))
            .unwrap_or_default(),
        SheetField::Compensation => money(
            execution
                .and_then(|e| e.value.compensation)
                .or_else(|| view.plan.as_ref().and_then(|p| p.compensation)),
        ),
        SheetField::Loss => money(
            execution
                .and_then(|e| e.value.loss)
                .or_else(|| view.plan.as_ref().and_then(|p| p.loss)),
        ),
        SheetField::ManagerOpinion => view
            .plan
            .as_ref()
            .map(|p| text(p.opinion.as_ref()))
            .unwrap_or_default(),
        SheetField::CustomerOpinion => {
            let verdict = view.revisits.last().map(|v| {
                format!(
                    "{} {}",
                    labels::satisfaction(tr, v.value.satisfaction),
                    text(v.value.comment.as_ref())
                )
            });
            let said = view
                .notes
                .iter()
                .rev()
                .find(|n| n.value.note_kind == NoteKind::CustomerOpinion)
                .map(|n| n.value.text.as_str().to_string());
            verdict
                .into_iter()
                .chain(said)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("；")
        }
        SheetField::Satisfaction => view
            .revisits
            .last()
            .map(|v| labels::satisfaction(tr, v.value.satisfaction))
            .unwrap_or_default(),
        SheetField::Accountability => join(
            view.accountability
                .iter()
                .map(|a| {
                    format!(
                        "{} {}",
                        app.responsible_name(&a.value),
                        labels::measure(tr, a.value.measure)
                    )
                })
                .collect(),
        ),
        SheetField::Due => {
            let rules = app.reference.with_untracked(|r| r.rules.clone());
            let clocks =
                tousu_shared::sla::clocks(view, &rules.policy, &rules.calendar, labels::now());
            tousu_shared::sla::answer_due(&clocks)
                .map(|d| labels::due_day(tr, d))
                .unwrap_or_default()
        }
        SheetField::Goods => r
            .and_then(|r| r.details.goods.as_ref())
            .map(|g| g.name.as_str().to_string())
            .unwrap_or_default(),
        SheetField::Quantity => r
            .and_then(|r| r.details.goods.as_ref())
            .map(|g| g.quantity.to_string())
            .unwrap_or_default(),
        // Left for the hand; the signature is drawn as an image by the sheet.
        SheetField::Remarks | SheetField::CustomerSignature => String::new(),
    }
}
