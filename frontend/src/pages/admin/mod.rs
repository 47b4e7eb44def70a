//! `/admin`: the administrator's desk (issue 15 §3). Accounts ([`users`]: roles, department,
//! disabling, one-time passwords shown once and changed at the next sign-in), departments
//! with their sub-units ([`departments`], 001 所屬各單位), the counters' kiosks with their
//! one-time setup codes ([`kiosks`]), the regulation profile's clocks, options, categories
//! and causes ([`rules`], [`catalog`]) and the working-day calendar one year at a time
//! ([`calendar`]). Every change is made and audited on the server and reaches
//! devices with the reference data at their next sync; the screen needs a connection.

mod calendar;
mod catalog;
mod departments;
mod kiosks;
mod rules;
mod users;

use leptos::prelude::*;
use tousu_shared::{access::Role, api::admin::DepartmentRow};

use crate::{
    api::{self, ApiError},
    context::server_read,
    labels::{Tr, use_tr},
    platform,
};

/// A role's name.
pub fn role_name(tr: Tr, role: Role) -> &'static str {
    match role {
        Role::Clerk => tr.t("受理人", "受理人", "Registrar"),
        Role::Handler => tr.t("处理专岗", "處理專崗", "Handler"),
        Role::Manager => tr.t("部门负责人", "部門負責人", "Department head"),
        Role::Supervisor => tr.t("投诉处理中心", "投訴處理中心", "Complaint centre"),
        Role::Archivist => tr.t("档案管理员", "檔案管理員", "Archivist"),
        Role::Admin => tr.t("系统管理员", "系統管理員", "Administrator"),
        Role::Leader => tr.t("公司领导", "公司領導", "Company leader"),
    }
}

/// A role's wire name (`clerk`, `handler`, …).
pub fn role_tag(role: Role) -> &'static str {
    Role::WIRE
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("", |(_, name)| name)
}

/// Every role, in the order the forms offer them.
pub const ROLES: [Role; 7] = [
    Role::Clerk,
    Role::Handler,
    Role::Manager,
    Role::Supervisor,
    Role::Archivist,
    Role::Leader,
    Role::Admin,
];

/// The server's refusal in words: its code, and its message for a bad request (which names
/// the field).
pub fn refusal(tr: Tr, e: &ApiError) -> String {
    match e {
        ApiError::Refused { body, .. } if body.code == "bad_request" => format!(
            "{}：{}",
            tr.t("服务器未接受", "伺服器未接受", "Not accepted by the server"),
            body.message
        ),
        other => crate::errors::api(tr, other),
    }
}

/// Which part of the desk is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Departments,
    Kiosks,
    Rules,
    Calendar,
}

/// `/admin`.
#[component]
pub fn AdminPage() -> impl IntoView {
    let tr = use_tr();
    let online = platform::use_online();
    let tab = RwSignal::new(Tab::Users);
    // Bumped after a department changes: the lists and selects read them again.
    let departments_changed = RwSignal::new(0u32);
    let departments = server_read(move |token| {
        departments_changed.get();
        async move { api::admin::departments(&token).await.ok() }
    });
    let department_list =
        Signal::derive(move || departments.get().flatten().flatten().unwrap_or_default());
    let tab_button = move |t: Tab, testid: &'static str, label: [&'static str; 3]| {
        view! {
            <button type="button" class="seg" data-testid=testid
                aria-pressed=move || (tab.get() == t).to_string()
                on:click=move |_| tab.set(t)>
                {move || label[tr.index()]}
            </button>
        }
    };
    view! {
        <section class="page" data-testid="page-admin">
            <header class="page-head">
                <h1 class="page-title">{move || tr.t("系统管理", "系統管理", "Administration")}</h1>
            </header>
            <Show when=move || !online.get()>
                <p class="notice" role="status" data-testid="admin-offline">{move || tr.t(
                    "账号、部门和日历保存在服务器上：联网后才能修改。",
                    "帳號、部門和日曆保存在伺服器上：連網後才能修改。",
                    "Accounts, departments and the calendar are kept on the server: changing them needs a connection.",
                )}</p>
            </Show>
            <div class="segmented" role="group" aria-label=move || tr.t("管理项目", "管理項目", "What to manage")>
                {tab_button(Tab::Users, "admin-tab-users", ["用户", "使用者", "Users"])}
                {tab_button(Tab::Departments, "admin-tab-departments", ["部门", "部門", "Departments"])}
                {tab_button(Tab::Kiosks, "admin-tab-kiosks", ["自助终端", "自助終端", "Kiosks"])}
                {tab_button(Tab::Rules, "admin-tab-rules", ["处理规则", "處理規則", "Rules"])}
                {tab_button(Tab::Calendar, "admin-tab-calendar", ["工作日历", "工作日曆", "Calendar"])}
            </div>
            {move || match tab.get() {
                Tab::Users => view! { <users::Users departments=department_list/> }.into_any(),
                Tab::Departments => view! {
                    <departments::Departments departments=department_list changed=departments_changed/>
                }.into_any(),
                Tab::Kiosks => view! { <kiosks::Kiosks/> }.into_any(),
                Tab::Rules => view! { <rules::RulesEditor/> }.into_any(),
                Tab::Calendar => view! { <calendar::CalendarEditor/> }.into_any(),
            }}
        </section>
    }
}

/// A department's name from the list, else its id.
fn department_label(list: &[DepartmentRow], id: &str) -> String {
    list.iter()
        .find(|d| d.id == id)
        .map_or_else(|| id.to_string(), |d| d.name.clone())
}
