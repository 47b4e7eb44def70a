//! The application frame: header, navigation, routes, status bar.

use leptos::prelude::*;
#[cfg(feature = "office")]
use tousu_shared::stats::{Dimension, Drill, Period};
use tousu_shared::words::Words;

use crate::{
    context::{self, SyncLine, use_app},
    errors,
    i18n::{I18n, Locale, use_i18n},
    labels::{self, use_tr},
    pages::{
        case::CasePage, cases::CasesPage, intake::IntakePage, login::LoginPage, print::PrintPage,
        revisit::RevisitPage, sync::SyncPage,
    },
    platform,
    router::{self, Router, Screen, use_router},
    session::{self, SignOut},
};

/// Root component: app state, i18n context, router and the shell.
///
/// The language is Simplified Chinese unless the user picked another on this device; the
/// browser's own language preference is deliberately not consulted (a Chinese-first product
/// on shared tablets whose system language is often English).
#[component]
pub fn App() -> impl IntoView {
    let initial = platform::saved_locale()
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or(Locale::zh_CN);
    I18n::provide(initial);
    let app = context::App::new();
    provide_context(app);
    provide_context(Router::start());
    leptos::task::spawn_local(session::boot(app));
    view! { <Shell/> }
}

/// The frame every screen lives in; the sign-in page until someone is signed in.
#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let tr = use_tr();
    let app = use_app();
    Effect::new(move |_| platform::apply_locale(i18n.get_locale().as_str()));
    let signed_in = move || app.session.with(|s| s.as_ref().is_some_and(|s| !s.ended));
    let menu = move || app.menu();
    // The to-do queue's count in the navigation: the device's cases waiting for this person.
    let summaries = app.summaries_resource();
    let to_do_count = Signal::from(Memo::new(move |_| {
        let me = app.session.with(|s| s.as_ref().map(|s| s.principal()));
        let (Some(me), Some(all)) = (me, summaries.get()) else {
            return 0;
        };
        all.iter()
            .filter(|c| tousu_shared::todo::owed(&me, c).is_some())
            .count()
    }));
    let ended_user = move || {
        app.session
            .with(|s| s.as_ref().filter(|s| s.ended).map(|s| s.username.clone()))
    };
    view! {
        <a class="skip-link" href="#main">{move || tr.t("跳到主要内容", "跳到主要內容", "Skip to main content")}</a>
        <Show
            when=move || app.ready.get()
            fallback=move || view! { <p class="boot" data-testid="booting">{move || tr.t("正在打开本地存储…", "正在開啟本機儲存…", "Opening local storage…")}</p> }
        >
            <Show
                when=signed_in
                fallback=move || view! {
                    <header class="login-tools"><LanguageSwitch/></header>
                    <main id="main" class="login-frame" tabindex="-1">
                        {move || match ended_user() {
                            Some(name) => view! { <LoginPage username=name/> }.into_any(),
                            None => view! { <LoginPage/> }.into_any(),
                        }}
                    </main>
                }
            >
                <div class="layout">
                    <header class="topbar">
                        <a class="brand" href="/" title=move || tr.t("Tousu 投诉处理系统", "Tousu 投訴處理系統", "Tousu complaint handling")>
                            <img class="brand-mark" src="/icons/icon.svg" alt="" width="32" height="32"/>
                            <span class="brand-name" data-testid="brand-name">{move || tr.t("投诉处理", "投訴處理", "Complaints")}</span>
                            <span class="brand-latin">"Tousu"</span>
                        </a>
                        <div class="topbar-tools">
                            <NetworkStatus/>
                            <LanguageSwitch/>
                            <UserMenu/>
                        </div>
                    </header>
                    <nav class="sidenav" aria-label=move || tr.t("主导航", "主導覽", "Main navigation")>
                        <ul>
                            // Only entries where the role can do something (issue 12).
                            <Show when=move || menu().intake>
                                <NavItem href="/intake" icon=ICON_INTAKE testid="nav-intake" label=["受理登记", "受理登記", "Intake"]/>
                            </Show>
                            <Show when=move || menu().cases>
                                <NavItem href="/todo" icon=ICON_TODO testid="nav-todo" label=["我的待办", "我的待辦", "My to-do"] badge=to_do_count/>
                                <NavItem href="/cases" icon=ICON_CASES testid="nav-cases" label=["案件", "案件", "Cases"]/>
                            </Show>
                            <Show when=move || menu().revisit>
                                <NavItem href="/revisit" icon=ICON_REVISIT testid="nav-revisit" label=["回访", "回訪", "Revisits"]/>
                            </Show>
                            {office_nav(menu)}
                            <NavItem href="/sync" icon=ICON_SYNC testid="nav-sync" label=["同步", "同步", "Sync"]/>
                        </ul>
                    </nav>
                    <main id="main" class="content" tabindex="-1">
                        <Screens/>
                    </main>
                    <StatusBar/>
                </div>
            </Show>
        </Show>
    }
}

/// The screen the address names.
#[component]
fn Screens() -> impl IntoView {
    let screen = use_router().screen();
    let app = use_app();
    move || {
        let menu = app.menu();
        match screen.get() {
            Screen::Cases if !menu.cases => view! { <NothingHere/> }.into_any(),
            Screen::Cases => view! { <CasesPage/> }.into_any(),
            Screen::ToDo if !menu.cases => view! { <NothingHere/> }.into_any(),
            Screen::ToDo => view! { <CasesPage to_do=true/> }.into_any(),
            Screen::Case { id, new } => view! { <CasePage id=id just_registered=new/> }.into_any(),
            Screen::Print { id, sheet } => view! { <PrintPage id=id sheet=sheet/> }.into_any(),
            Screen::Intake if !menu.intake => view! { <NothingHere/> }.into_any(),
            Screen::Intake => view! { <IntakePage/> }.into_any(),
            Screen::Revisit if !menu.revisit => view! { <NothingHere/> }.into_any(),
            Screen::Revisit => view! { <RevisitPage/> }.into_any(),
            Screen::Sync => view! { <SyncPage/> }.into_any(),
            Screen::Stats { .. } if !menu.stats => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Stats { period, by } => {
                view! { <crate::pages::stats::StatsPage period=period by=by/> }.into_any()
            }
            #[cfg(not(feature = "office"))]
            Screen::Stats { .. } => view! { <NothingHere/> }.into_any(),
            Screen::StatsTable { .. } if !menu.stats => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::StatsTable { period } => {
                view! { <crate::pages::stats::table::StatisticsTable period=period/> }.into_any()
            }
            #[cfg(not(feature = "office"))]
            Screen::StatsTable { .. } => view! { <NothingHere/> }.into_any(),
            Screen::RevisitSummary { .. } if !menu.stats => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::RevisitSummary { period } => view! {
                <crate::pages::stats::summaries::RevisitSummaryPage period=period/>
            }
            .into_any(),
            Screen::AccountabilitySummary { .. } if !menu.accountability => {
                view! { <NothingHere/> }.into_any()
            }
            #[cfg(feature = "office")]
            Screen::AccountabilitySummary { period } => view! {
                <crate::pages::stats::summaries::AccountabilitySummaryPage period=period/>
            }
            .into_any(),
            #[cfg(not(feature = "office"))]
            Screen::RevisitSummary { .. } | Screen::AccountabilitySummary { .. } => {
                view! { <NothingHere/> }.into_any()
            }
            Screen::Appraisal { .. } if !menu.stats => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Appraisal { period } => {
                view! { <crate::pages::stats::appraisal::AppraisalPage period=period/> }.into_any()
            }
            #[cfg(not(feature = "office"))]
            Screen::Appraisal { .. } => view! { <NothingHere/> }.into_any(),
            Screen::Teaching { .. } if !menu.teaching => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Teaching { case } => {
                view! { <crate::pages::teaching::TeachingPage case=case/> }.into_any()
            }
            #[cfg(not(feature = "office"))]
            Screen::Teaching { .. } => view! { <NothingHere/> }.into_any(),
            Screen::Archive if !menu.archive => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Archive => view! { <crate::pages::archive::ArchivePage/> }.into_any(),
            #[cfg(not(feature = "office"))]
            Screen::Archive => view! { <NothingHere/> }.into_any(),
            Screen::GrantedCase { .. } if !menu.archive => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::GrantedCase { id } => {
                view! { <crate::pages::archive::reading::GrantedCasePage id=id/> }.into_any()
            }
            #[cfg(not(feature = "office"))]
            Screen::GrantedCase { .. } => view! { <NothingHere/> }.into_any(),
            Screen::Audit if !menu.audit => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Audit => view! { <crate::pages::audit::AuditPage/> }.into_any(),
            #[cfg(not(feature = "office"))]
            Screen::Audit => view! { <NothingHere/> }.into_any(),
            Screen::Admin if !menu.admin => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Admin => view! { <crate::pages::admin::AdminPage/> }.into_any(),
            #[cfg(not(feature = "office"))]
            Screen::Admin => view! { <NothingHere/> }.into_any(),
            Screen::Drill { .. } if !menu.stats => view! { <NothingHere/> }.into_any(),
            #[cfg(not(feature = "office"))]
            Screen::Drill { .. } => view! { <NothingHere/> }.into_any(),
            #[cfg(feature = "office")]
            Screen::Drill { period, by, key, n } => {
                let drill = Period::parse(&period)
                    .zip(Dimension::from_tag(&by))
                    .map(|(period, by)| (Drill { period, by, key }, n));
                view! { <CasesPage drill=drill/> }.into_any()
            }
            Screen::NotFound => view! { <NotFound/> }.into_any(),
        }
    }
}

const ICON_INTAKE: &str = "M12 5v14M5 12h14";
const ICON_TODO: &str = "M4 6l2 2 4-4M4 14l2 2 4-4M13 6h7M13 14h7M4 20h16";
const ICON_CASES: &str = "M4 6h16M4 12h16M4 18h10";
const ICON_REVISIT: &str = "M4 12a8 8 0 1 0 3-6.2M4 4v4h4";
/// The office build's entries (statistics, teaching cases; later the archive and
/// administration).
#[cfg(feature = "office")]
fn office_nav(menu: impl Fn() -> context::Menu + Send + Sync + Copy + 'static) -> impl IntoView {
    view! {
        <Show when=move || menu().stats>
            <NavItem href="/stats" icon="M5 20V10M12 20V4M19 20v-7" testid="nav-stats" label=["统计", "統計", "Statistics"]/>
            <NavItem href="/appraisal" icon="M12 3l2.6 5.5 6 .8-4.4 4.2 1 6L12 16.8 6.8 19.5l1-6L3.4 9.3l6-.8z" testid="nav-appraisal" label=["绩效考核", "績效考核", "Appraisal"]/>
        </Show>
        <Show when=move || menu().archive>
            <NavItem href="/archive" icon="M3 4h18v4H3zM5 8v12h14V8M10 12h4" testid="nav-archive" label=["档案", "檔案", "Archive"]/>
        </Show>
        <Show when=move || menu().audit>
            <NavItem href="/audit" icon="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM8.5 12l2.5 2.5 4.5-5" testid="nav-audit" label=["审计", "稽核", "Audit"]/>
        </Show>
        <Show when=move || menu().admin>
            <NavItem href="/admin" icon="M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM4 12h2M18 12h2M12 4v2M12 18v2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4" testid="nav-admin" label=["系统管理", "系統管理", "Administration"]/>
        </Show>
        <Show when=move || menu().teaching>
            <NavItem href="/teaching" icon="M4 4h6a2 2 0 0 1 2 2v14a2 2 0 0 0-2-2H4zM20 4h-6a2 2 0 0 0-2 2v14a2 2 0 0 1 2-2h6z" testid="nav-teaching" label=["教学案例", "教學案例", "Teaching cases"]/>
        </Show>
    }
}

/// The field build has no office entries.
#[cfg(not(feature = "office"))]
fn office_nav(_: impl Fn() -> context::Menu) {}

const ICON_SYNC: &str = "M4 12a8 8 0 0 1 14-5.3M20 4v4h-4M20 12a8 8 0 0 1-14 5.3M4 20v-4h4";

/// One entry of the side navigation, with an icon drawn from a single SVG path.
#[component]
fn NavItem(
    href: &'static str,
    icon: &'static str,
    testid: &'static str,
    label: Words,
    /// A count shown beside the label (the to-do queue's), when there is one.
    #[prop(optional)]
    badge: Option<Signal<usize>>,
) -> impl IntoView {
    let router = use_router();
    let tr = use_tr();
    let current = move || router::is_current(href, &router.path()).then_some("page");
    view! {
        <li>
            <a href=href class="nav-link" data-testid=testid aria-current=current>
                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d=icon/>
                </svg>
                <span>{move || tr.w(label)}</span>
                {badge.map(|n| view! {
                    <Show when=move || { n.get() > 0 }>
                        <span class="nav-badge" data-testid=format!("{testid}-count")>{move || n.get()}</span>
                    </Show>
                })}
            </a>
        </li>
    }
}

/// Online / offline as the browser reports it; text and icon, never colour alone.
#[component]
fn NetworkStatus() -> impl IntoView {
    let tr = use_tr();
    let online = platform::use_online();
    view! {
        <span
            class="net-status"
            class:is-offline=move || !online.get()
            role="status"
            aria-live="polite"
            title=move || tr.t("网络状态", "網路狀態", "Network status")
            data-testid="net-status"
        >
            <span class="net-dot" aria-hidden="true">{move || if online.get() { "●" } else { "○" }}</span>
            {move || if online.get() {
                tr.t("在线", "線上", "Online")
            } else {
                tr.t("离线", "離線", "Offline")
            }}
        </span>
    }
}

/// Language picker; each language is named in itself so anyone can find theirs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let tr = use_tr();
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        if let Some(locale) = Locale::from_tag(&value) {
            i18n.set_locale(locale);
        }
    };
    view! {
        <label class="lang-switch">
            <span class="visually-hidden">{move || tr.t("语言", "語言", "Language")}</span>
            <svg class="lang-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>
                <circle cx="12" cy="12" r="9"/>
            </svg>
            <select
                data-testid="lang-select"
                on:change=on_change
                prop:value=move || i18n.get_locale().as_str()
            >
                <option value="zh-CN">"简体中文"</option>
                <option value="zh-TW">"繁體中文"</option>
                <option value="en">"English"</option>
            </select>
        </label>
    }
}

/// Signed-in user, and signing out: the outbox is pushed first; if it cannot be, the user is
/// warned and must confirm discarding, never silently.
#[component]
fn UserMenu() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let (warning, set_warning) = signal(None::<u32>);
    let (busy, set_busy) = signal(false);
    let sign_out = move |force: bool| {
        set_busy.set(true);
        leptos::task::spawn_local(async move {
            match session::sign_out(app, force).await {
                SignOut::Unsynced(left) => set_warning.set(Some(left)),
                SignOut::Done => set_warning.set(None),
            }
            set_busy.set(false);
        });
    };
    view! {
        <div class="user-menu">
            <span class="user-name" data-testid="user-name">
                {move || app.session.with(|s| s.as_ref().map(|s| s.user.display_name.clone()))}
            </span>
            <button class="btn btn-ghost" data-testid="sign-out" disabled=busy on:click=move |_| sign_out(false)>
                {move || tr.t("退出", "登出", "Sign out")}
            </button>
            <Show when=move || warning.get().is_some()>
                <div class="dialog" role="alertdialog" aria-labelledby="signout-h" data-testid="signout-warning">
                    <h2 id="signout-h">{move || tr.t("还有未同步的记录", "還有未同步的記錄", "Unsynced work")}</h2>
                    <p>{move || match tr.locale() {
                        Locale::en => format!("{} changes could not reach the server. Signing out now deletes them from this device.", warning.get().unwrap_or(0)),
                        Locale::zh_TW => format!("有 {} 筆記錄未能上傳到伺服器。現在登出將從本機刪除它們。", warning.get().unwrap_or(0)),
                        Locale::zh_CN => format!("有 {} 条记录未能上传到服务器。现在退出将从本机删除它们。", warning.get().unwrap_or(0)),
                    }}</p>
                    <div class="form-actions">
                        <button class="btn btn-primary" on:click=move |_| set_warning.set(None)>
                            {move || tr.t("留在本机，稍后同步", "留在本機，稍後同步", "Stay signed in and sync later")}
                        </button>
                        <button class="btn btn-danger" data-testid="discard-sign-out" on:click=move |_| sign_out(true)>
                            {move || tr.t("放弃这些记录并退出", "放棄這些記錄並登出", "Discard them and sign out")}
                        </button>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// Bottom strip, always visible: online/offline, syncing, unsynced count and age, last
/// successful sync, refused events, storage use.
#[component]
fn StatusBar() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let (tick, set_tick) = signal(0u32);
    let _ = set_interval_with_handle(
        move || set_tick.update(|t| *t += 1),
        std::time::Duration::from_secs(15),
    );
    let storage = crate::reads::read(move || {
        app.revision.get();
        async move { platform::storage_estimate().await }
    });
    leptos::task::spawn_local(async move {
        platform::request_persistence().await;
    });
    let ago = move |at: i64| {
        tick.get();
        labels::duration(tr, labels::now().0 - at)
    };
    view! {
        <footer class="statusbar" data-testid="statusbar">
            <crate::alerts::UrgentAlert/>
            <crate::alerts::DeadlineAlerts/>
            <span role="status" aria-live="polite" class="sync-line" data-testid="sync-status">
                {move || {
                    let online = online.get();
                    let line = app.sync.with(|s| s.line(online));
                    let text = match line {
                        SyncLine::Receiving(n, Some(total)) => match tr.locale() {
                            Locale::en => format!("receiving cases… {n} of {total}"),
                            Locale::zh_TW => format!("正在接收案件… 已接收 {n} / {total} 件"),
                            Locale::zh_CN => format!("正在接收案件… 已接收 {n} / {total} 件"),
                        },
                        SyncLine::Receiving(n, None) => match tr.locale() {
                            Locale::en => format!("receiving cases… {n} so far"),
                            Locale::zh_TW => format!("正在接收案件… 已接收 {n} 件"),
                            Locale::zh_CN => format!("正在接收案件… 已接收 {n} 件"),
                        },
                        SyncLine::Syncing => tr.t("正在同步…", "正在同步…", "syncing…").into(),
                        SyncLine::Waiting(n, oldest) => {
                            let age = oldest.map(ago).unwrap_or_default();
                            match tr.locale() {
                                Locale::en => format!("● {n} unsynced (oldest {age})"),
                                Locale::zh_TW => format!("● {n} 筆未同步（最早 {age} 前）"),
                                Locale::zh_CN => format!("● {n} 条未同步（最早 {age} 前）"),
                            }
                        }
                        SyncLine::Unreachable => tr.t("无法连接服务器，将自动重试", "無法連線伺服器，將自動重試", "server unreachable, will retry").into(),
                        SyncLine::Failed => tr.t("同步失败，将自动重试", "同步失敗，將自動重試", "sync failed, will retry").into(),
                        SyncLine::NeverSynced => tr.t("尚未同步", "尚未同步", "not synced yet").into(),
                        SyncLine::AllSynced => tr.t("✓ 全部已同步", "✓ 全部已同步", "✓ all synced").into(),
                    };
                    if online {
                        text
                    } else {
                        format!("{} · {text}", tr.t("○ 离线", "○ 離線", "○ offline"))
                    }
                }}
            </span>
            <span class="muted" data-testid="unsynced-count" hidden>{move || app.sync.with(|s| s.unsynced)}</span>
            <span class="muted" data-testid="last-sync">
                {move || app.sync.with(|s| s.last_sync).map(|t| format!("{}{}", tr.t("上次同步 ", "上次同步 ", "last sync "), labels::date_time(tr, tousu_shared::clock::Timestamp(t))))}
            </span>
            {move || {
                let q = app.sync.with(|s| s.quarantined);
                (q > 0).then(|| view! {
                    <a href="/sync" class="chip chip-overdue" data-testid="quarantine-count">
                        "✕ " {q} {move || tr.t(" 条被拒绝", " 條被拒絕", " refused")}
                    </a>
                })
            }}
            // The reason of a failure other than an unreachable server (the line says that one).
            {move || app.sync.with(|s| s.error.clone().filter(|_| s.line(online.get()) == SyncLine::Failed)).map(|e| view! {
                <span class="muted sync-error" data-testid="sync-error">{move || errors::failure(tr, &e)}</span>
            })}
            <span class="muted storage" data-testid="storage-ready">
                {move || storage.get().flatten().map(|(used, quota)| {
                    // Whole tenths of a megabyte, without float formatting (it is large in wasm).
                    let tenths = (used / 1e5) as u64;
                    format!(
                        "{} {}.{} MB / {} MB",
                        tr.t("本机存储", "本機儲存", "storage"),
                        tenths / 10,
                        tenths % 10,
                        (quota / 1e6) as u64
                    )
                })}
            </span>
            {move || app.storage_error.get().map(|e| view! {
                <span class="storage-error" title=errors::store(tr, &e)>"⚠ " {move || tr.t("本地存储不可用", "本地儲存不可用", "local storage unavailable")}</span>
            })}
        </footer>
    }
}

/// A screen this role has no use for (an address typed or kept from another account).
#[component]
fn NothingHere() -> impl IntoView {
    let tr = use_tr();
    view! {
        <section class="page" data-testid="page-not-for-role">
            <h1 class="page-title">{move || tr.t("此账号没有这项工作", "此帳號沒有這項工作", "This account has no work here")}</h1>
            <p class="muted">{move || tr.t("左侧菜单列出此账号可以做的工作。", "左側選單列出此帳號可以做的工作。", "The menu lists the work this account can do.")}</p>
        </section>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let tr = use_tr();
    view! {
        <section class="page" data-testid="page-not-found">
            <h1 class="page-title">{move || tr.t("找不到这个页面。", "找不到這個頁面。", "There is no page at this address.")}</h1>
            <p><a href="/">{move || tr.t("返回首页", "返回首頁", "Back to the start page")}</a></p>
        </section>
    }
}
