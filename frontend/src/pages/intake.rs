//! Intake (受理登記): the record sheet in its paper order. Registering commits to IndexedDB at
//! once, works offline, and shows the provisional label until the server assigns the number.

use leptos::prelude::*;
use tousu_shared::{
    event::EventBody,
    ids::CaseId,
    model::{CaseKind, ComplainantType, Severity},
    validate::Field,
};

use crate::{
    components::{
        CheckField, ErrorSummary, FormState, PhotoPicker, RadioGroup, SelectField, TextField,
    },
    context::use_app,
    forms::{self, enum_str},
    labels::{self, use_tr},
    media,
};

fn fresh_form() -> FormState {
    FormState::new(&[
        ("kind", "complaint".into()),
        ("channel", "on_site".into()),
        (
            "received_at",
            forms::format_local_datetime(labels::now(), labels::local_offset()),
        ),
    ])
}

/// The intake form.
#[component]
pub fn IntakePage() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let form = fresh_form();
    let (saving, set_saving) = signal(false);
    let photos = RwSignal::new(Vec::<media::Photo>::new());
    let (failure, set_failure) = signal(None::<crate::errors::Failure>);
    let router = crate::router::use_router();

    let categories = Signal::derive(move || app.category_options(tr));
    let kinds = Signal::derive(move || {
        [
            CaseKind::Complaint,
            CaseKind::Suggestion,
            CaseKind::Consultation,
        ]
        .map(|k| (enum_str(&k), labels::kind(tr, k).to_string()))
        .to_vec()
    });
    let complainant_types = Signal::derive(move || {
        [
            ComplainantType::Customer,
            ComplainantType::Employee,
            ComplainantType::Partner,
        ]
        .map(|k| (enum_str(&k), labels::complainant_type(tr, k).to_string()))
        .to_vec()
    });
    let channels = Signal::derive(move || {
        labels::STAFF_CHANNELS
            .map(|c| (enum_str(&c), labels::channel(tr, c).to_string()))
            .to_vec()
    });
    let severities = Signal::derive(move || {
        [
            Severity::General,
            Severity::Important,
            Severity::UrgentMajor,
        ]
        .map(|s| (enum_str(&s), labels::severity(tr, s).to_string()))
        .to_vec()
    });
    let anonymous = move || form.get("anonymous") == "true";

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let catalog = app.reference.with_untracked(|r| r.catalog.clone());
        let values = form.values.get_untracked();
        match forms::registration(&values, &catalog, labels::local_offset()) {
            Err(errors) => {
                form.errors.set(errors);
                focus_summary();
            }
            Ok(mut registration) => {
                form.errors.set(Vec::new());
                set_saving.set(true);
                let taken = photos.get_untracked();
                leptos::task::spawn_local(async move {
                    // Photos first: the registration names them by hash.
                    if let Err(e) = app.keep_blobs(&taken, None).await {
                        set_failure.set(Some(e.into()));
                        set_saving.set(false);
                        return;
                    }
                    registration.attachments =
                        taken.iter().filter_map(media::Photo::attachment).collect();
                    // The case runs under the profile in force as this device knows it.
                    registration.rules = app.reference.with_untracked(|r| {
                        r.profile
                            .as_ref()
                            .and_then(|p| p.rules.clone())
                            .map(Box::new)
                    });
                    let case = CaseId(uuid::Uuid::now_v7());
                    match app
                        .record(case, Vec::new(), EventBody::Registered(registration))
                        .await
                    {
                        Ok((event, _)) => {
                            app.just_registered.set_value(Some(event));
                            router.navigate(&format!("/cases/{case}?new=1"));
                        }
                        // Nothing typed is lost: the form keeps its values.
                        Err(e) => set_failure.set(Some(e.into())),
                    }
                    set_saving.set(false);
                });
            }
        }
    };

    let t = move |a: &'static str, b: &'static str, c: &'static str| {
        Signal::derive(move || tr.t(a, b, c).to_string())
    };
    let summary_fields = vec![
        (Field::Description, "description"),
        (Field::Phone, "phone"),
        (Field::Email, "email"),
        (Field::Contact, "phone"),
        (Field::ComplainantName, "name"),
        (Field::ReceivedAt, "received_at"),
        (Field::OccurredAt, "occurred_at"),
        (Field::Category, "category"),
        (Field::GoodsName, "goods_name"),
        (Field::GoodsQuantity, "goods_quantity"),
        (Field::Location, "location"),
        (Field::Request, "request"),
        (Field::Address, "address"),
        (Field::Organisation, "organisation"),
    ];

    view! {
        <section class="page" data-testid="page-intake">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("受理登记 · 客户投诉记录单", "受理登記 · 客戶投訴記錄單", "Intake · complaint record sheet")}</h1>
                <p class="page-lead">{move || tr.t(
                    "按记录单填写。离线也能登记，联网后自动同步并获得正式编号。",
                    "按記錄單填寫。離線也能登記，連網後自動同步並取得正式編號。",
                    "Fill in the record sheet. Works offline; the official number comes with the next sync.",
                )}</p>
            </header>
            <form class="sheet" on:submit=submit novalidate data-testid="intake-form">
                <ErrorSummary form=form fields=summary_fields/>
                <Show when=move || failure.get().is_some()>
                    <p class="error-summary" role="alert">{move || failure.get().map(|f| crate::errors::failure(tr, &f))}</p>
                </Show>
                <div class="sheet-section">
                    <h2>{move || tr.t("受理信息", "受理資訊", "Receipt")}</h2>
                    <RadioGroup form=form name="kind" label=t("类型", "類型", "Kind") options=kinds/>
                    <div class="grid-2">
                        <SelectField form=form name="channel" label=t("渠道", "渠道", "Channel") options=channels required=true/>
                        <TextField form=form name="received_at" input_type="datetime-local" field=Field::ReceivedAt required=true
                            label=t("受理时间", "受理時間", "Received at")/>
                    </div>
                </div>
                <div class="sheet-section">
                    <h2>{move || tr.t("投诉人", "投訴人", "Complainant")}</h2>
                    <CheckField form=form name="anonymous" label=t("匿名投诉（不留个人信息）", "匿名投訴（不留個人資訊）", "Anonymous (no personal data)")/>
                    <SelectField form=form name="complainant_type" placeholder=true label=t("投诉人类型", "投訴人類型", "Complainant is a") options=complainant_types/>
                    <Show when=move || !anonymous()>
                        <div class="grid-2">
                            <TextField form=form name="name" field=Field::ComplainantName label=t("姓名", "姓名", "Name")/>
                            <TextField form=form name="phone" input_type="tel" field=Field::Phone label=t("联系电话", "聯絡電話", "Phone")/>
                            <TextField form=form name="email" input_type="email" field=Field::Email label=t("电子邮件", "電子郵件", "E-mail")/>
                            <TextField form=form name="organisation" field=Field::Organisation label=t("单位", "單位", "Organisation")/>
                        </div>
                        <TextField form=form name="address" field=Field::Address label=t("地址", "地址", "Address")/>
                    </Show>
                </div>
                <div class="sheet-section">
                    <h2>{move || tr.t("投诉内容", "投訴內容", "The complaint")}</h2>
                    <div class="grid-2">
                        <TextField form=form name="occurred_at" input_type="datetime-local" field=Field::OccurredAt
                            label=t("发生时间", "發生時間", "When it happened")/>
                        <TextField form=form name="location" field=Field::Location label=t("发生地点（站点/地址）", "發生地點（站點/地址）", "Where (site, station, address)")/>
                    </div>
                    <TextField form=form name="description" multiline=true required=true field=Field::Description
                        label=t("投诉事由", "投訴事由", "What happened")/>
                    <TextField form=form name="request" multiline=true field=Field::Request
                        label=t("客户诉求", "客戶訴求", "What the complainant asks for")/>
                    <div class="grid-2">
                        <TextField form=form name="goods_name" field=Field::GoodsName label=t("品名（涉及物品时）", "品名（涉及物品時）", "Goods (if any)")/>
                        <TextField form=form name="goods_quantity" input_type="number" field=Field::GoodsQuantity label=t("数量", "數量", "Quantity")/>
                    </div>
                </div>
                <div class="sheet-section">
                    <h2>{move || tr.t("照片", "照片", "Photos")}</h2>
                    <PhotoPicker photos=photos id="f-photos"/>
                </div>
                <div class="sheet-section">
                    <h2>{move || tr.t("分类（可稍后补充）", "分類（可稍後補充）", "Classification (may be done later)")}</h2>
                    <div class="grid-2">
                        <SelectField form=form name="category" field=Field::Category placeholder=true
                            label=t("类别", "類別", "Category") options=categories/>
                        <SelectField form=form name="severity" field=Field::Severity placeholder=true
                            label=t("紧急程度", "緊急程度", "Severity") options=severities/>
                    </div>
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary btn-large" type="submit" data-testid="intake-submit" disabled=saving>
                        {move || tr.t("登记", "登記", "Register")}
                    </button>
                </div>
            </form>
        </section>
    }
}

fn focus_summary() {
    // After the summary renders: move focus there so keyboard and screen-reader users hear it.
    leptos::task::spawn_local(async {
        if let Some(el) = document()
            .query_selector("[data-testid=error-summary]")
            .ok()
            .flatten()
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
}
