//! The counter build (issue 16, DESIGN §12): what a member of the public sees. `/kiosk`, the
//! locked intake at a service counter; `/complain`, the same steps on the web; `/status`,
//! number + lookup code → where a complaint stands. Its own small entry
//! (`src/bin/counter.rs`, `frontend/counter/index.html`): none of the staff app is linked in.
//!
//! UI.md: one question per screen, very large type, a progress indicator, plain words, a
//! clear "start over", a receipt the person can photograph.

use leptos::prelude::*;
use tousu_shared::{
    api::public::{MAX_PUBLIC_PHOTOS, PublicComplaint, PublicPhoto, PublicReceipt},
    model::Channel,
    validate::{Field, FieldError},
};

use crate::{
    i18n::{I18n, Locale},
    labels::{Tr, use_tr},
    media::Photo,
    platform,
};

pub mod kiosk;
pub mod public;
pub mod seal;

/// Mounts the counter page the address names.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(Counter);
}

#[component]
fn Counter() -> impl IntoView {
    let saved = platform::saved_locale().and_then(|t| Locale::from_tag(&t));
    let i18n = I18n::provide(saved.unwrap_or(Locale::zh_CN));
    Effect::new(move |_| platform::apply_locale(i18n.get_locale().as_str()));
    let path = window().location().pathname().unwrap_or_default();
    let page = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match page {
        "complain" => view! { <public::ComplainPage/> }.into_any(),
        "status" => view! { <public::StatusPage/> }.into_any(),
        // A browser set up as a kiosk shows the kiosk at every address.
        _ => view! { <kiosk::KioskPage/> }.into_any(),
    }
}

/// The counter's header: what the page is, and the language buttons.
#[component]
pub fn Top(
    /// The page's name in zh-CN, zh-TW and English.
    title: [&'static str; 3],
) -> impl IntoView {
    let tr = use_tr();
    view! {
        <header class="counter-top">
            <span class="counter-brand">{move || tr.t(title[0], title[1], title[2])}</span>
            <Languages/>
        </header>
    }
}

/// The language buttons, large.
#[component]
pub fn Languages() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let names = [
        (Locale::zh_CN, "简体中文"),
        (Locale::zh_TW, "繁體中文"),
        (Locale::en, "English"),
    ];
    view! {
        <div class="counter-langs" role="group" aria-label="Language / 语言">
            {names.into_iter().map(|(l, name)| view! {
                <button type="button" class="btn" lang=l.as_str()
                    data-testid=format!("lang-{}", l.as_str())
                    aria-pressed=move || (i18n.get_locale() == l).to_string()
                    on:click=move |_| i18n.set_locale(l)>{name}</button>
            }).collect_view()}
        </div>
    }
}

/// What the person has written so far: in memory only, never stored unsealed.
#[derive(Clone, Copy)]
pub struct Draft {
    what: RwSignal<String>,
    place: RwSignal<String>,
    ask: RwSignal<String>,
    /// Their choice: `None` until they make it (a form never picks it for them).
    anonymous: RwSignal<Option<bool>>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    email: RwSignal<String>,
    photos: RwSignal<Vec<Photo>>,
    privacy: RwSignal<bool>,
    website: RwSignal<String>,
}

impl Draft {
    /// An empty draft.
    pub fn new() -> Self {
        Draft {
            what: RwSignal::new(String::new()),
            place: RwSignal::new(String::new()),
            ask: RwSignal::new(String::new()),
            anonymous: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            photos: RwSignal::new(Vec::new()),
            privacy: RwSignal::new(false),
            website: RwSignal::new(String::new()),
        }
    }

    /// Forgets everything written (the kiosk's reset, after a submission).
    pub fn clear(&self) {
        for s in [
            self.what,
            self.place,
            self.ask,
            self.name,
            self.phone,
            self.email,
            self.website,
        ] {
            s.set(String::new());
        }
        self.anonymous.set(None);
        self.photos.set(Vec::new());
        self.privacy.set(false);
    }

    /// The complaint as written.
    pub fn complaint(&self) -> PublicComplaint {
        let anonymous = self.anonymous.get_untracked() == Some(true);
        let personal = |s: RwSignal<String>| {
            if anonymous {
                String::new()
            } else {
                s.get_untracked()
            }
        };
        PublicComplaint {
            what: self.what.get_untracked(),
            ask: self.ask.get_untracked(),
            place: self.place.get_untracked(),
            anonymous,
            name: personal(self.name),
            phone: personal(self.phone),
            email: personal(self.email),
            privacy_accepted: self.privacy.get_untracked(),
            website: self.website.get_untracked(),
        }
    }

    /// The photos, base64.
    pub fn photos(&self) -> Vec<PublicPhoto> {
        self.photos
            .get_untracked()
            .iter()
            .map(|p| PublicPhoto {
                media_type: "image/jpeg".into(),
                data: seal::base64_encode(&p.bytes),
            })
            .collect()
    }
}

impl Default for Draft {
    fn default() -> Self {
        Self::new()
    }
}

/// The steps of the form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// What happened, and where.
    What,
    /// What they ask for.
    Ask,
    /// How to reach them, or anonymous.
    Contact,
    /// Photos (optional).
    Photos,
    /// The privacy notice, then submit.
    Privacy,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 5] = [
        Step::What,
        Step::Ask,
        Step::Contact,
        Step::Photos,
        Step::Privacy,
    ];

    fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The fields this step asks for (its errors are shown on it).
    fn fields(self) -> &'static [Field] {
        match self {
            Step::What => &[Field::Description, Field::Location],
            Step::Ask => &[Field::Request],
            Step::Contact => &[
                Field::ComplainantName,
                Field::Phone,
                Field::Email,
                Field::Contact,
            ],
            Step::Photos => &[],
            Step::Privacy => &[Field::Privacy],
        }
    }

    fn title(self, tr: Tr) -> &'static str {
        match self {
            Step::What => tr.t("发生了什么？", "發生了什麼？", "What happened?"),
            Step::Ask => tr.t(
                "您希望我们怎么做？",
                "您希望我們怎麼做？",
                "What would you like us to do?",
            ),
            Step::Contact => tr.t(
                "我们怎么联系您？",
                "我們怎麼聯繫您？",
                "How can we reach you?",
            ),
            Step::Photos => tr.t(
                "有照片吗？（可不填）",
                "有照片嗎？（可不填）",
                "Any photos? (optional)",
            ),
            Step::Privacy => tr.t("隐私声明", "隱私聲明", "Privacy notice"),
        }
    }
}

/// The errors of `step` in what the draft says now (the same check the server runs), plus
/// the anonymity choice not made yet.
pub fn step_errors(draft: &Draft, step: Step) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = draft
        .complaint()
        .registration(Channel::Web, tousu_shared::clock::Timestamp(0))
        .err()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| step.fields().contains(&e.field))
        .collect();
    if step == Step::Contact && draft.anonymous.get_untracked().is_none() {
        errors = vec![FieldError::new(
            Field::Contact,
            tousu_shared::validate::Rule::Required,
        )];
    }
    errors
}

/// Brings the error summary at the top of the step into view.
pub fn show_errors() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

/// One step of the form: its question, its inputs and the errors found on "next".
#[component]
pub fn StepView(
    /// What is written so far.
    draft: Draft,
    /// The step shown.
    step: Step,
    /// The errors found on "next".
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let tr = use_tr();
    let total = Step::ALL.len();
    let n = step.index() + 1;
    let input = move |id: &'static str,
                      label: [&'static str; 3],
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <div class="counter-field">
                <label for=id>{move || tr.t(label[0], label[1], label[2])}</label>
                <input id=id data-testid=id type=kind autocomplete="off"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <p class="counter-progress" data-testid="counter-progress">
            {move || match tr.locale() {
                Locale::en => format!("Step {n} of {total}"),
                Locale::zh_TW => format!("第 {n} 步，共 {total} 步"),
                Locale::zh_CN => format!("第 {n} 步，共 {total} 步"),
            }}
        </p>
        <progress class="counter-bar" max=total value=n aria-hidden="true"></progress>
        <h1 class="counter-question" data-testid="counter-question">{move || step.title(tr)}</h1>
        <Show when=move || !errors.with(Vec::is_empty)>
            <div class="error-summary" role="alert" data-testid="counter-errors">
                <ul>{move || errors.get().iter().map(|e| view! {
                    <li>{format!("{}：{}", crate::labels::field(tr, e.field), crate::labels::rule(tr, &e.rule))}</li>
                }).collect_view()}</ul>
            </div>
        </Show>
        {match step {
            Step::What => view! {
                <div class="counter-field">
                    <label for="counter-what">{move || tr.t("请写下经过（必填）", "請寫下經過（必填）", "Tell us what happened (required)")}</label>
                    <textarea id="counter-what" data-testid="counter-what" rows="6"
                        prop:value=move || draft.what.get() on:input=move |ev| draft.what.set(event_target_value(&ev))></textarea>
                </div>
                {input("counter-place", ["地点（可不填）", "地點（可不填）", "Where (optional)"], draft.place, "text")}
            }.into_any(),
            Step::Ask => view! {
                <div class="counter-field">
                    <label for="counter-ask">{move || tr.t("您的诉求（可不填）", "您的訴求（可不填）", "What you ask for (optional)")}</label>
                    <textarea id="counter-ask" data-testid="counter-ask" rows="5"
                        prop:value=move || draft.ask.get() on:input=move |ev| draft.ask.set(event_target_value(&ev))></textarea>
                </div>
            }.into_any(),
            Step::Contact => view! {
                <div class="counter-choice" role="radiogroup" aria-labelledby="counter-contact-q">
                    <span id="counter-contact-q" class="visually-hidden">{move || step.title(tr)}</span>
                    <button type="button" class="btn btn-large" role="radio" data-testid="counter-named"
                        aria-checked=move || (draft.anonymous.get() == Some(false)).to_string()
                        on:click=move |_| draft.anonymous.set(Some(false))>
                        {move || tr.t("留下联系方式，以便答复", "留下聯繫方式，以便答覆", "Leave my contact so you can answer")}
                    </button>
                    <button type="button" class="btn btn-large" role="radio" data-testid="counter-anonymous"
                        aria-checked=move || (draft.anonymous.get() == Some(true)).to_string()
                        on:click=move |_| draft.anonymous.set(Some(true))>
                        {move || tr.t("匿名（我们无法答复您）", "匿名（我們無法答覆您）", "Stay anonymous (we cannot answer you)")}
                    </button>
                </div>
                <Show when=move || draft.anonymous.get() == Some(false)>
                    {input("counter-name", ["姓名", "姓名", "Name"], draft.name, "text")}
                    {input("counter-phone", ["电话", "電話", "Phone"], draft.phone, "tel")}
                    {input("counter-email", ["电子邮件", "電子郵件", "E-mail"], draft.email, "email")}
                </Show>
            }.into_any(),
            Step::Photos => view! { <Photos draft=draft/> }.into_any(),
            Step::Privacy => view! {
                <div class="counter-notice" data-testid="counter-privacy-text">
                    <p>{move || tr.t(
                        "您填写的内容只用于处理本次投诉，由投诉处理人员查阅，按规定期限保存后销毁。自助终端不保存可读的内容：提交后即加密，送达后即删除。",
                        "您填寫的內容只用於處理本次投訴，由投訴處理人員查閱，按規定期限保存後銷毀。自助終端不保存可讀的內容：提交後即加密，送達後即刪除。",
                        "What you write is used only to handle this complaint, read by complaint staff, kept for the period the rules set and then destroyed. The kiosk keeps nothing readable: it is encrypted when you submit and deleted once delivered.",
                    )}</p>
                </div>
                <label class="counter-check">
                    <input type="checkbox" data-testid="counter-privacy"
                        prop:checked=move || draft.privacy.get() on:change=move |ev| draft.privacy.set(event_target_checked(&ev))/>
                    {move || tr.t("我已阅读并同意", "我已閱讀並同意", "I have read and accept this")}
                </label>
                // Hidden from people (and from assistive technology): only a robot fills it.
                <div class="counter-trap" aria-hidden="true">
                    <label for="counter-website">"Website"</label>
                    <input id="counter-website" name="website" tabindex="-1" autocomplete="off"
                        prop:value=move || draft.website.get() on:input=move |ev| draft.website.set(event_target_value(&ev))/>
                </div>
            }.into_any(),
        }}
    }
}

/// The photo step: up to three, shrunk in the browser, removable.
#[component]
fn Photos(draft: Draft) -> impl IntoView {
    let tr = use_tr();
    let failed = RwSignal::new(false);
    let pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast as _;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<web_sys::File> = input
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        leptos::task::spawn_local(async move {
            for file in files {
                if draft.photos.with_untracked(Vec::len) >= MAX_PUBLIC_PHOTOS {
                    break;
                }
                match crate::media::prepare(file).await {
                    Ok(photo) => draft.photos.update(|p| p.push(photo)),
                    Err(_) => failed.set(true),
                }
            }
        });
    };
    view! {
        <label class="btn btn-large counter-photo-pick" for="counter-photo">
            {move || tr.t("拍照或选择照片", "拍照或選擇照片", "Take or choose a photo")}
        </label>
        <input id="counter-photo" data-testid="counter-photo" class="visually-hidden" type="file"
            accept="image/*" capture="environment" multiple on:change=pick/>
        <Show when=move || failed.get()>
            <p class="error-summary" role="alert">{move || tr.t("这张照片无法读取，请换一张。", "這張照片無法讀取，請換一張。", "That photo could not be read; try another.")}</p>
        </Show>
        <ul class="counter-photos" data-testid="counter-photos">
            {move || draft.photos.get().into_iter().enumerate().map(|(i, p)| view! {
                <li>
                    <span>{format!("{} {} ({} KB)", tr.t("照片", "照片", "Photo"), i + 1, p.bytes.len() / 1024)}</span>
                    <button type="button" class="btn" on:click=move |_| draft.photos.update(|ps| { ps.remove(i); })>
                        {tr.t("删除", "刪除", "Remove")}
                    </button>
                </li>
            }).collect_view()}
        </ul>
        <p class="muted">{move || tr.t("最多 3 张。", "最多 3 張。", "Up to 3.")}</p>
    }
}

/// A `YYYY-MM-DD` date as people read it: 2025年1月27日, or 27 Jan 2025 in English.
pub fn show_date(tr: Tr, iso: &str) -> String {
    match tousu_shared::clock::Date::parse(iso) {
        Ok(d) => crate::labels::date(
            tr,
            tousu_shared::clock::Timestamp::from_local(d, 12, 0, crate::labels::local_offset()),
        ),
        Err(_) => iso.to_string(),
    }
}

/// What a receipt shows; `number` is the provisional label while the kiosk is offline.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// Number or provisional label.
    pub number: String,
    /// Whether `number` is the provisional label.
    pub provisional: bool,
    /// The lookup code.
    pub code: String,
    /// Received, `YYYY-MM-DD`.
    pub received: String,
    /// Expected answer date, `YYYY-MM-DD`.
    pub due: Option<String>,
}

impl Receipt {
    /// The receipt of a server's answer.
    pub fn of(r: &PublicReceipt) -> Receipt {
        Receipt {
            number: r.number.clone(),
            provisional: false,
            code: r.lookup_code.clone(),
            received: tousu_shared::clock::Timestamp(r.received_at)
                .date(tousu_shared::clock::CHINA_OFFSET_MINUTES)
                .to_string(),
            due: r.answer_due.clone(),
        }
    }
}

/// The receipt: printable on an 80 mm receipt printer and on A4, easy to photograph.
#[component]
pub fn ReceiptView(
    /// The receipt (it changes when the kiosk's complaint is numbered).
    receipt: Signal<Receipt>,
) -> impl IntoView {
    let tr = use_tr();
    view! {
        <section class="counter-receipt receipt-print" data-testid="counter-receipt" aria-labelledby="receipt-title">
            <h1 id="receipt-title">{move || tr.t("投诉回执", "投訴回執", "Complaint receipt")}</h1>
            <dl>
                <dt>{move || if receipt.with(|r| r.provisional) { tr.t("临时编号", "臨時編號", "Provisional number") } else { tr.t("投诉编号", "投訴編號", "Complaint number") }}</dt>
                <dd class="mono counter-big" data-testid="receipt-number">{move || receipt.with(|r| r.number.clone())}</dd>
                <dt>{move || tr.t("查询码", "查詢碼", "Lookup code")}</dt>
                <dd class="mono counter-big" data-testid="receipt-code">{move || receipt.with(|r| r.code.clone())}</dd>
                <dt>{move || tr.t("受理日期", "受理日期", "Received")}</dt>
                <dd>{move || show_date(tr, &receipt.with(|r| r.received.clone()))}</dd>
                <dt>{move || tr.t("预计答复日期", "預計答覆日期", "Expected answer by")}</dt>
                <dd data-testid="receipt-due" data-date=move || receipt.with(|r| r.due.clone()).unwrap_or_default()>
                    {move || receipt.with(|r| r.due.clone()).map(|d| show_date(tr, &d)).unwrap_or_else(|| tr.t("以查询结果为准", "以查詢結果為準", "see the status page").into())}
                </dd>
            </dl>
            <ol class="receipt-next">
                <li>{move || tr.t("投诉人员会核实情况，交有关部门调查处理。", "投訴人員會核實情況，交有關部門調查處理。", "Complaint staff check what happened and send it to the department concerned.")}</li>
                <li>{move || tr.t("留下联系方式的，我们会在预计日期前答复您。", "留下聯繫方式的，我們會在預計日期前答覆您。", "If you left a contact, we answer you by the expected date.")}</li>
                <li>{move || tr.t("凭编号和查询码可在 /status 查询进度。", "憑編號和查詢碼可在 /status 查詢進度。", "With the number and lookup code, see its progress at /status.")}</li>
            </ol>
            <p class="receipt-note">{move || tr.t("请拍照或打印保存本回执。", "請拍照或列印保存本回執。", "Photograph or print this receipt.")}</p>
        </section>
    }
}
