//! A printed form laid out as the regulation profile in force has it (its title, its fields in
//! the seed's order: 003's 客戶投訴記錄單 and 處理單, 004's 處理結果報告, …), each field filled
//! from the case.

use leptos::prelude::*;
use tousu_shared::{
    model::NoteKind,
    profile::{PrintedForm, SheetField},
    sheets::SheetNames,
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

/// How this app names what a sheet refers to: in the language shown, people and departments
/// from the reference data, dates as the screens write them.
struct AppNames {
    app: App,
    tr: Tr,
}

impl SheetNames for AppNames {
    fn lang(&self) -> usize {
        self.tr.index()
    }
    fn actor(&self, actor: &tousu_shared::event::Actor) -> String {
        self.app.actor_name(self.tr, actor)
    }
    fn responsible(&self, record: &tousu_shared::event::AccountabilityRecorded) -> String {
        self.app.responsible_name(record)
    }
    fn department(&self, id: &tousu_shared::ids::DepartmentId) -> String {
        self.app.department_name(id)
    }
    fn date(&self, at: tousu_shared::clock::Timestamp) -> String {
        labels::date(self.tr, at)
    }
    fn date_time(&self, at: tousu_shared::clock::Timestamp) -> String {
        labels::date_time(self.tr, at)
    }
    fn satisfaction(&self, s: tousu_shared::model::Satisfaction) -> String {
        labels::satisfaction(self.tr, s)
    }
    fn answer_due(&self, view: &CaseView) -> Option<tousu_shared::sla::Due> {
        let rules = self.app.reference.with_untracked(|r| r.rules.clone());
        let clocks = tousu_shared::sla::clocks(view, &rules.policy, &rules.calendar, labels::now());
        tousu_shared::sla::answer_due(&clocks)
    }
}

/// What field `key` shows of the case, as text (the shared rule, named as this app names).
pub fn value(app: App, tr: Tr, view: &CaseView, key: SheetField) -> String {
    tousu_shared::sheets::value(view, key, &AppNames { app, tr })
}
