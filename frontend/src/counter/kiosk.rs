//! The kiosk (issue 16 §1–2, DESIGN §12): set up once with the administrator's one-time code,
//! then only the kiosk: large type, one question per screen, a reset after a period without
//! input (with a visible countdown), a receipt, and no way out but the exit PIN. A submission
//! is sealed to the server's key before it is stored, sent when the network allows, and
//! forgotten once the server has it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tousu_shared::{
    api::{
        admin::exit_pin_text,
        public::{KioskComplaint, Promise, lookup_code},
    },
    clock::CHINA_OFFSET_MINUTES,
    ids::{CaseId, DeviceId},
    number::provisional_label,
};
use wasm_bindgen::JsCast as _;

use super::{Draft, Receipt, ReceiptView, Step, StepView, Top, seal, step_errors};
use crate::{
    api::{self, ApiError},
    labels::{now, use_tr},
};

/// `localStorage` key of the kiosk's configuration (no complainant data).
const CONFIG_KEY: &str = "tousu.kiosk";
/// Seconds without input before the countdown to a reset starts.
const IDLE_SECONDS: u32 = 90;
/// Seconds of countdown shown before the reset (at most).
const COUNTDOWN_SECONDS: u32 = 20;

/// What the kiosk keeps: its credentials, the server's sealing key and promises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Config {
    device_id: DeviceId,
    token: String,
    name: String,
    #[serde(default)]
    exit_pin_hash: Option<String>,
    seal_key: String,
    #[serde(default)]
    promises: Vec<Promise>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn load() -> Option<Config> {
    let text = storage()?.get_item(CONFIG_KEY).ok().flatten()?;
    tousu_shared::json::from_str(&text).ok()
}

fn save(config: &Config) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(config)) {
        let _ = s.set_item(CONFIG_KEY, &text);
    }
}

/// Every navigation of this browser gets the counter (the server reads the cookie), or the
/// staff app again once `on` is false.
fn kiosk_cookie(on: bool) {
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        let cookie = if on {
            "tousu_app=kiosk; path=/; max-age=315360000; SameSite=Strict"
        } else {
            "tousu_app=; path=/; max-age=0; SameSite=Strict"
        };
        let _ = doc.set_cookie(cookie);
    }
}

/// The idle time asked for by `?idle=N` (tests), else [`IDLE_SECONDS`].
fn idle_seconds() -> u32 {
    let query = window().location().search().unwrap_or_default();
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("idle="))
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 2)
        .unwrap_or(IDLE_SECONDS)
}

/// The kiosk: its setup until it has credentials, then the intake.
#[component]
pub fn KioskPage() -> impl IntoView {
    let config = RwSignal::new(load());
    move || match config.get() {
        None => view! { <Setup config=config/> }.into_any(),
        Some(c) => view! { <Intake config=c/> }.into_any(),
    }
}

/// Enter the setup code once.
#[component]
fn Setup(config: RwSignal<Option<Config>>) -> impl IntoView {
    let tr = use_tr();
    let code = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            let done = async {
                let creds = api::counter::kiosk_setup(&code.get_untracked()).await?;
                let key = api::counter::seal_key(&creds.token).await?;
                Ok::<_, ApiError>(Config {
                    device_id: creds.device_id,
                    token: creds.token,
                    name: creds.name,
                    exit_pin_hash: creds.exit_pin_hash,
                    seal_key: key.key,
                    promises: key.promises,
                })
            };
            match done.await {
                Ok(c) => {
                    save(&c);
                    kiosk_cookie(true);
                    config.set(Some(c));
                }
                Err(ApiError::Refused { .. }) => failure.set(Some(
                    tr.t(
                        "设置码不正确、已使用或已过期。请向系统管理员索取新的设置码。",
                        "設定碼不正確、已使用或已過期。請向系統管理員索取新的設定碼。",
                        "That setup code is wrong, used or expired. Ask the administrator for a new one.",
                    )
                    .into(),
                )),
                Err(e) => failure.set(Some(super::public::why(tr, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="counter" data-testid="kiosk-setup">
            <Top title=["设置自助终端", "設定自助終端", "Kiosk setup"]/>
            <form class="counter-card" on:submit=submit novalidate>
                <h1 class="counter-question">{move || tr.t("设置自助终端", "設定自助終端", "Set up this kiosk")}</h1>
                <p>{move || tr.t(
                    "输入系统管理员登记本终端时得到的一次性设置码。设置后，本设备只显示自助投诉。",
                    "輸入系統管理員登記本終端時得到的一次性設定碼。設定後，本設備只顯示自助投訴。",
                    "Enter the one-time setup code the administrator got when registering this kiosk. From then on this device shows only the kiosk.",
                )}</p>
                <div class="counter-field">
                    <label for="kiosk-setup-code">{move || tr.t("设置码", "設定碼", "Setup code")}</label>
                    <input id="kiosk-setup-code" data-testid="kiosk-setup-code" autocomplete="off" class="mono"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                </div>
                <Show when=move || failure.with(Option::is_some)>
                    <p class="error-summary" role="alert" data-testid="kiosk-setup-error">{move || failure.get()}</p>
                </Show>
                <div class="counter-actions">
                    <button type="submit" class="btn btn-primary btn-large" data-testid="kiosk-setup-submit" disabled=move || busy.get()>
                        {move || tr.t("设置", "設定", "Set up")}
                    </button>
                </div>
            </form>
        </main>
    }
}

/// Where the person is.
#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Welcome,
    Step(usize),
    Receipt(Receipt),
}

/// The intake loop.
#[component]
fn Intake(config: Config) -> impl IntoView {
    let tr = use_tr();
    // The kiosk opens with no network: its pages are kept by the service worker (registered
    // after the kiosk cookie is set, so it keeps the counter's page).
    crate::platform::register_service_worker();
    let draft = Draft::new();
    let screen = RwSignal::new(Screen::Welcome);
    let errors = RwSignal::new(Vec::new());
    let waiting = RwSignal::new(0usize);
    let revoked = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let last_input = RwSignal::new(js_sys::Date::now());
    let left = RwSignal::new(None::<u32>);
    let config = StoredValue::new(config);
    let reset = move || {
        draft.clear();
        errors.set(Vec::new());
        left.set(None);
        screen.set(Screen::Welcome);
    };
    // Any touch, key or typing counts as input.
    for kind in ["pointerdown", "keydown", "input"] {
        let handle = window_event_listener_untyped(kind, move |_| {
            last_input.set(js_sys::Date::now());
            left.set(None);
        });
        on_cleanup(move || handle.remove());
    }
    let idle = idle_seconds();
    let countdown = COUNTDOWN_SECONDS.min(idle);
    let tick = set_interval_with_handle(
        move || {
            if screen.with_untracked(|s| *s == Screen::Welcome) {
                return;
            }
            let quiet = ((js_sys::Date::now() - last_input.get_untracked()) / 1000.0) as u32;
            if quiet >= idle + countdown {
                reset();
            } else if quiet >= idle {
                left.set(Some(idle + countdown - quiet));
            }
        },
        std::time::Duration::from_millis(500),
    );
    let flush = move || {
        leptos::task::spawn_local(async move {
            let c = config.get_value();
            let sent = send_waiting(&c, screen).await;
            waiting.set(sent.waiting);
            revoked.set(sent.revoked);
            refused.set(sent.refused);
            if let Some(key) = sent.key {
                let fresh = Config {
                    seal_key: key.key,
                    promises: key.promises,
                    ..c
                };
                save(&fresh);
                config.set_value(fresh);
            }
        });
    };
    flush();
    let retry = set_interval_with_handle(flush, std::time::Duration::from_secs(30));
    let online = window_event_listener_untyped("online", move |_| flush());
    on_cleanup(move || {
        if let Ok(t) = tick {
            t.clear();
        }
        if let Ok(r) = retry {
            r.clear();
        }
        online.remove();
    });
    let next = move || {
        let Screen::Step(i) = screen.get_untracked() else {
            return;
        };
        let found = step_errors(&draft, Step::ALL[i]);
        let ok = found.is_empty();
        errors.set(found);
        if !ok {
            super::show_errors();
            return;
        }
        if i + 1 < Step::ALL.len() {
            screen.set(Screen::Step(i + 1));
            return;
        }
        leptos::task::spawn_local(async move {
            match submit(&config.get_value(), &draft).await {
                Ok(receipt) => {
                    draft.clear();
                    screen.set(Screen::Receipt(receipt));
                    flush();
                }
                Err(e) => {
                    leptos::logging::error!("kiosk submission: {e}");
                    errors.set(Vec::new());
                }
            }
        });
    };
    let start = move |_| {
        let _ = document()
            .document_element()
            .map(|root| root.request_fullscreen());
        screen.set(Screen::Step(0));
    };
    view! {
        <main class="counter counter-kiosk" data-testid="kiosk">
            <Top title=["自助投诉", "自助投訴", "Complaints and suggestions"]/>
            {move || match screen.get() {
                Screen::Welcome => view! {
                    <section class="counter-card counter-welcome">
                        <h1 class="counter-question">{move || tr.t("您好，有什么需要反映？", "您好，有什麼需要反映？", "Hello. Something to tell us?")}</h1>
                        <p>{move || tr.t("几步即可完成，可以匿名。", "幾步即可完成，可以匿名。", "A few short steps; you may stay anonymous.")}</p>
                        <button type="button" class="btn btn-primary btn-large counter-start" data-testid="kiosk-start" on:click=start>
                            {move || tr.t("开始投诉", "開始投訴", "Start")}
                        </button>
                    </section>
                }.into_any(),
                Screen::Step(i) => view! {
                    <form class="counter-card" novalidate on:submit=move |ev| { ev.prevent_default(); next(); }>
                        <StepView draft=draft step=Step::ALL[i] errors=errors/>
                        <div class="counter-actions">
                            <button type="button" class="btn btn-large" data-testid="counter-over" on:click=move |_| reset()>
                                {move || tr.t("重新开始", "重新開始", "Start over")}
                            </button>
                            <Show when=move || { i > 0 }>
                                <button type="button" class="btn btn-large" data-testid="counter-back"
                                    on:click=move |_| { errors.set(Vec::new()); screen.set(Screen::Step(i - 1)); }>
                                    {move || tr.t("上一步", "上一步", "Back")}
                                </button>
                            </Show>
                            <button type="submit" class="btn btn-primary btn-large" data-testid="counter-next">
                                {move || if i + 1 == Step::ALL.len() { tr.t("提交投诉", "提交投訴", "Submit") } else { tr.t("下一步", "下一步", "Next") }}
                            </button>
                        </div>
                    </form>
                }.into_any(),
                Screen::Receipt(r) => view! {
                    <ReceiptView receipt=Signal::derive(move || match screen.get() { Screen::Receipt(r) => r, _ => r.clone() })/>
                    <div class="counter-actions no-print">
                        <button type="button" class="btn btn-large" data-testid="kiosk-print" on:click=move |_| { let _ = window().print(); }>
                            {move || tr.t("打印回执", "列印回執", "Print the receipt")}
                        </button>
                        <button type="button" class="btn btn-primary btn-large" data-testid="kiosk-done" on:click=move |_| reset()>
                            {move || tr.t("完成", "完成", "Done")}
                        </button>
                    </div>
                }.into_any(),
            }}
            <Show when=move || left.get().is_some()>
                <div class="counter-idle" role="alertdialog" aria-live="assertive" data-testid="kiosk-idle">
                    <p>{move || {
                        let n = left.get().unwrap_or(0);
                        match tr.locale() {
                            crate::i18n::Locale::en => format!("No one there? Starting over in {n} s."),
                            crate::i18n::Locale::zh_TW => format!("還在嗎？{n} 秒後重新開始。"),
                            crate::i18n::Locale::zh_CN => format!("还在吗？{n} 秒后重新开始。"),
                        }
                    }}</p>
                    <button type="button" class="btn btn-primary btn-large">{move || tr.t("我还在", "我還在", "I'm still here")}</button>
                </div>
            </Show>
            <footer class="counter-foot no-print">
                <span data-testid="kiosk-name">{move || config.with_value(|c| c.name.clone())}</span>
                <span data-testid="kiosk-waiting" data-waiting=move || waiting.get().to_string()>{move || match waiting.get() {
                    0 => String::new(),
                    n => format!("{} {n}", tr.t("待发送", "待傳送", "waiting to send:")),
                }}</span>
                {move || refused.get().map(|why| view! {
                    <span class="storage-error" data-testid="kiosk-refused">
                        {format!("{} {why}", tr.t("服务器拒收一件，请联系管理员：", "伺服器拒收一件，請聯繫管理員：", "The server refused one; call the administrator:"))}
                    </span>
                })}
                <Show when=move || revoked.get()>
                    <span class="storage-error">{move || tr.t("本终端已被停用，请联系管理员", "本終端已被停用，請聯繫管理員", "This kiosk was revoked: call the administrator")}</span>
                </Show>
                <Exit config=config/>
            </footer>
        </main>
    }
}

/// The staff exit: the administrator's PIN, checked here (offline too), ends kiosk mode.
#[component]
fn Exit(config: StoredValue<Config>) -> impl IntoView {
    let tr = use_tr();
    let open = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let wrong = RwSignal::new(false);
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = config.get_value();
        let typed = pin.get_untracked();
        pin.set(String::new());
        leptos::task::spawn_local(async move {
            let hash = seal::sha256_hex(exit_pin_text(c.device_id, typed.trim()).as_bytes()).await;
            if c.exit_pin_hash.is_some() && hash.ok() == c.exit_pin_hash {
                kiosk_cookie(false);
                let _ = window().location().assign("/");
            } else {
                wrong.set(true);
            }
        });
    };
    view! {
        <button type="button" class="btn btn-ghost counter-exit" data-testid="kiosk-exit" on:click=move |_| open.set(true)>
            {move || tr.t("工作人员", "工作人員", "Staff")}
        </button>
        <Show when=move || open.get()>
            <form class="counter-pin" role="dialog" aria-labelledby="kiosk-pin-title" on:submit=check>
                <h2 id="kiosk-pin-title">{move || tr.t("输入退出密码", "輸入退出密碼", "Enter the exit PIN")}</h2>
                <label for="kiosk-exit-pin" class="visually-hidden">{move || tr.t("退出密码", "退出密碼", "Exit PIN")}</label>
                <input id="kiosk-exit-pin" data-testid="kiosk-exit-pin" type="password" inputmode="numeric" autocomplete="off"
                    prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev))/>
                <Show when=move || wrong.get()>
                    <p class="error-summary" role="alert" data-testid="kiosk-exit-wrong">{move || tr.t("密码不正确。", "密碼不正確。", "Wrong PIN.")}</p>
                </Show>
                <div class="counter-actions">
                    <button type="button" class="btn btn-large" on:click=move |_| { open.set(false); wrong.set(false); }>{move || tr.t("取消", "取消", "Cancel")}</button>
                    <button type="submit" class="btn btn-primary btn-large" data-testid="kiosk-exit-submit">{move || tr.t("退出自助模式", "退出自助模式", "Leave kiosk mode")}</button>
                </div>
            </form>
        </Show>
    }
}

/// Seals the draft and keeps it in the outbox; answers the receipt to show at once (the
/// provisional label until the server numbers it).
async fn submit(config: &Config, draft: &Draft) -> Result<Receipt, String> {
    let case = CaseId(uuid::Uuid::now_v7());
    let at = now();
    let code = lookup_code(&seal::random()?);
    let complaint = KioskComplaint {
        case_id: case,
        submitted_at: at,
        lookup_code: code.clone(),
        complaint: draft.complaint(),
        photos: draft.photos(),
    };
    let plain = serde_json::to_vec(&complaint).map_err(|e| e.to_string())?;
    let sealed = seal::seal(&config.seal_key, &plain).await?;
    seal::keep(&case.to_string(), &sealed).await?;
    let received = at.date(CHINA_OFFSET_MINUTES).to_string();
    let due = config
        .promises
        .iter()
        .find(|p| p.received == received)
        .map(|p| p.due.clone());
    Ok(Receipt {
        number: provisional_label(case),
        provisional: true,
        code,
        received,
        due,
    })
}

/// What a round of sending found.
struct Sent {
    waiting: usize,
    revoked: bool,
    /// Why the server refused one, if it did (it stays waiting, and is shown).
    refused: Option<String>,
    key: Option<tousu_shared::api::public::SealKey>,
}

/// Sends every sealed complaint waiting; forgets each the server has; numbers the receipt on
/// screen when its complaint is among them.
async fn send_waiting(config: &Config, screen: RwSignal<Screen>) -> Sent {
    let mut sent = Sent {
        waiting: 0,
        revoked: false,
        refused: None,
        key: None,
    };
    let waiting = match seal::waiting().await {
        Ok(w) => w,
        Err(e) => {
            leptos::logging::error!("kiosk outbox: {e}");
            return sent;
        }
    };
    sent.waiting = waiting.len();
    for (id, sealed) in waiting {
        match api::counter::kiosk_complaint(&config.token, &sealed).await {
            Ok(receipt) => {
                let _ = seal::forget(&id).await;
                sent.waiting -= 1;
                screen.update(|s| {
                    if let Screen::Receipt(r) = s
                        && r.provisional
                        && r.number == provisional_label(receipt.case_id)
                    {
                        r.number = receipt.number.clone();
                        r.provisional = false;
                        r.due = receipt.answer_due.clone().or(r.due.take());
                    }
                });
            }
            Err(ApiError::Unauthorized) => {
                sent.revoked = true;
                return sent;
            }
            Err(ApiError::Unreachable(_)) => return sent,
            Err(e) => {
                leptos::logging::error!("kiosk complaint {id} refused: {e}");
                sent.refused = Some(match e {
                    ApiError::Refused { body, .. } => body.message,
                    other => other.to_string(),
                });
            }
        }
    }
    if let Ok(key) = api::counter::seal_key(&config.token).await {
        sent.key = Some(key);
    }
    sent
}
