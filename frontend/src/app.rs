//! The application frame: header, navigation, routes, status bar.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Route, Router, Routes},
    path,
};

use crate::{
    i18n::{I18nLocaleTrait as _, I18nSubContextProvider, Locale, t, t_string, use_i18n},
    platform,
    store::{self, DEVICE_DB},
};

/// Root component: i18n context, router and the shell.
///
/// The language is Simplified Chinese unless the user picked another on this device; the
/// browser's own language preference is deliberately not consulted (a Chinese-first product
/// on shared tablets whose system language is often English).
#[component]
pub fn App() -> impl IntoView {
    let initial = platform::saved_locale()
        .and_then(|tag| {
            Locale::get_all()
                .iter()
                .copied()
                .find(|l| l.as_str() == tag)
        })
        .unwrap_or(Locale::zh_CN);
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(initial)>
            <Router>
                <Shell/>
            </Router>
        </I18nSubContextProvider>
    }
}

/// The frame every screen lives in.
#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| platform::apply_locale(i18n.get_locale().as_str()));
    view! {
        <a class="skip-link" href="#main">{t!(i18n, app.skip_to_content)}</a>
        <div class="layout">
            <header class="topbar">
                <a class="brand" href="/" aria-label=move || t_string!(i18n, app.product)>
                    <img class="brand-mark" src="/icons/icon.svg" alt="" width="32" height="32"/>
                    <span class="brand-name" data-testid="brand-name">{t!(i18n, app.name)}</span>
                    <span class="brand-latin">"Tousu"</span>
                </a>
                <div class="topbar-tools">
                    <NetworkStatus/>
                    <LanguageSwitch/>
                </div>
            </header>
            <nav class="sidenav" aria-label=move || t_string!(i18n, app.main_nav)>
                <ul>
                    <NavItem href="/intake" icon=ICON_INTAKE testid="nav-intake">
                        {t!(i18n, nav.intake)}
                    </NavItem>
                    <NavItem href="/cases" icon=ICON_CASES testid="nav-cases">
                        {t!(i18n, nav.cases)}
                    </NavItem>
                    <NavItem href="/revisit" icon=ICON_REVISIT testid="nav-revisit">
                        {t!(i18n, nav.revisit)}
                    </NavItem>
                    <NavItem href="/statistics" icon=ICON_STATS testid="nav-statistics">
                        {t!(i18n, nav.statistics)}
                    </NavItem>
                </ul>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=CasesPage/>
                    <Route path=path!("/cases") view=CasesPage/>
                    <Route path=path!("/intake") view=IntakePage/>
                    <Route path=path!("/revisit") view=RevisitPage/>
                    <Route path=path!("/statistics") view=StatisticsPage/>
                </Routes>
            </main>
            <StatusBar/>
        </div>
    }
}

const ICON_INTAKE: &str = "M12 5v14M5 12h14";
const ICON_CASES: &str = "M4 6h16M4 12h16M4 18h10";
const ICON_REVISIT: &str = "M4 12a8 8 0 1 0 3-6.2M4 4v4h4";
const ICON_STATS: &str = "M5 20V10M12 20V4M19 20v-7";

/// One entry of the side navigation, with an icon drawn from a single SVG path.
#[component]
fn NavItem(
    href: &'static str,
    icon: &'static str,
    testid: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <li>
            <A href=href attr:class="nav-link" attr:data-testid=testid>
                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d=icon/>
                </svg>
                <span>{children()}</span>
            </A>
        </li>
    }
}

/// Online / offline as the browser reports it; text and icon, never colour alone.
#[component]
fn NetworkStatus() -> impl IntoView {
    let i18n = use_i18n();
    let online = platform::use_online();
    view! {
        <span
            class="net-status"
            class:is-offline=move || !online.get()
            role="status"
            aria-live="polite"
            title=move || t_string!(i18n, status.network)
            data-testid="net-status"
        >
            <span class="net-dot" aria-hidden="true">{move || if online.get() { "●" } else { "○" }}</span>
            {move || if online.get() {
                t_string!(i18n, status.online)
            } else {
                t_string!(i18n, status.offline)
            }}
        </span>
    }
}

/// Language picker; each language is named in itself so anyone can find theirs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        if let Some(locale) = Locale::get_all().iter().find(|l| l.as_str() == value) {
            i18n.set_locale(*locale);
        }
    };
    view! {
        <label class="lang-switch">
            <span class="visually-hidden">{t!(i18n, lang.label)}</span>
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

/// Bottom strip: local storage state and this device's id.
#[component]
fn StatusBar() -> impl IntoView {
    let i18n = use_i18n();
    let device = LocalResource::new(|| async {
        let db = store::open(DEVICE_DB).await?;
        let id = store::device_id(&db).await;
        db.close();
        id
    });
    view! {
        <footer class="statusbar" role="status" aria-live="polite" data-testid="statusbar">
            {move || match device.get() {
                None => view! { <span>{t!(i18n, status.storage_opening)}</span> }.into_any(),
                Some(Ok(id)) => view! {
                    <span class="storage-ok" data-testid="storage-ready">
                        "✓ " {t!(i18n, status.storage_ready)}
                    </span>
                    <span class="device-id">
                        {t!(i18n, status.device)} " " {id.chars().take(8).collect::<String>()}
                    </span>
                }.into_any(),
                Some(Err(err)) => view! {
                    <span class="storage-error" title=err.to_string()>
                        "⚠ " {t!(i18n, status.storage_error)}
                    </span>
                }.into_any(),
            }}
        </footer>
    }
}

/// Heading and lead of a section whose screens arrive in later releases.
#[component]
fn SectionIntro(
    title: Signal<String>,
    lead: Signal<String>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" data-testid=testid>
            <h1 class="page-title">{title}</h1>
            <p class="page-lead">{lead}</p>
            <div class="notice">{t!(i18n, page.not_ready)}</div>
        </section>
    }
}

#[component]
fn IntakePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SectionIntro
            title=Signal::derive(move || t_string!(i18n, nav.intake).to_string())
            lead=Signal::derive(move || t_string!(i18n, page.intake_lead).to_string())
            testid="page-intake"
        />
    }
}

#[component]
fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SectionIntro
            title=Signal::derive(move || t_string!(i18n, nav.cases).to_string())
            lead=Signal::derive(move || t_string!(i18n, page.cases_lead).to_string())
            testid="page-cases"
        />
    }
}

#[component]
fn RevisitPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SectionIntro
            title=Signal::derive(move || t_string!(i18n, nav.revisit).to_string())
            lead=Signal::derive(move || t_string!(i18n, page.revisit_lead).to_string())
            testid="page-revisit"
        />
    }
}

#[component]
fn StatisticsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <SectionIntro
            title=Signal::derive(move || t_string!(i18n, nav.statistics).to_string())
            lead=Signal::derive(move || t_string!(i18n, page.statistics_lead).to_string())
            testid="page-statistics"
        />
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" data-testid="page-not-found">
            <h1 class="page-title">{t!(i18n, page.not_found)}</h1>
            <p><a href="/">{t!(i18n, page.back_home)}</a></p>
        </section>
    }
}
