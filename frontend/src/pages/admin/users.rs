//! Accounts: the list, one form to create or edit, a password reset that hands out a
//! one-time password once, disabling and enabling. The one-time password is shown on this
//! screen only, never stored on the device; the account must replace it at its first sign-in.

use leptos::prelude::*;
use tousu_shared::{
    access::Role,
    api::admin::{DepartmentRow, NewUser, UserRow, UserUpdate, admin_name, department_required},
    ids::UserId,
};

use super::{ROLES, department_label, refusal, role_name, role_tag};
use crate::{
    api,
    context::{server_read, use_app},
    labels::use_tr,
    platform,
};

/// A one-time password to hand over, with whose it is.
#[derive(Debug, Clone, PartialEq)]
struct Handover {
    name: String,
    password: String,
}

/// The accounts.
#[component]
pub fn Users(departments: Signal<Vec<DepartmentRow>>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let changed = RwSignal::new(0u32);
    let users = server_read(move |token| {
        changed.get();
        async move { api::admin::users(&token).await }
    });
    // The form: creating (`editing` None) or editing one account.
    let editing = RwSignal::new(None::<String>);
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let department = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let handover = RwSignal::new(None::<Handover>);
    let clear = move || {
        editing.set(None);
        id.set(String::new());
        name.set(String::new());
        roles.set(Vec::new());
        department.set(String::new());
    };
    let edit = move |u: &UserRow| {
        editing.set(Some(u.id.clone()));
        id.set(u.id.clone());
        name.set(u.display_name.clone());
        roles.set(u.roles.clone());
        department.set(u.department.clone().unwrap_or_default());
        error.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (account, display_name, chosen) = (
            id.get_untracked().trim().to_string(),
            name.get_untracked().trim().to_string(),
            roles.get_untracked(),
        );
        let dept = Some(department.get_untracked()).filter(|d| !d.is_empty());
        let creating = editing.get_untracked().is_none();
        let problem = if creating && UserId::parse(&account).is_err() {
            Some(tr.t(
                "账号须为小写字母、数字和连字符（如 wang-fang）。",
                "帳號須為小寫字母、數字和連字號（如 wang-fang）。",
                "The account id is lowercase letters, digits and hyphens (e.g. wang-fang).",
            ))
        } else if admin_name(&display_name).is_none() {
            Some(tr.t(
                "请填写姓名（100 字以内）。",
                "請填寫姓名（100 字以內）。",
                "Enter a name (up to 100 characters).",
            ))
        } else if chosen.is_empty() {
            Some(tr.t(
                "请至少选择一个角色。",
                "請至少選擇一個角色。",
                "Choose at least one role.",
            ))
        } else if dept.is_none() && department_required(&chosen) {
            Some(tr.t(
                "处理专岗和部门负责人须属于一个部门。",
                "處理專崗和部門負責人須屬於一個部門。",
                "Handlers and department heads belong to a department.",
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            error.set(Some(p.to_string()));
            return;
        }
        let Some(token) = app.token() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let answer = if creating {
                let user = NewUser {
                    id: account,
                    display_name: display_name.clone(),
                    roles: chosen,
                    department: dept,
                    password: None,
                };
                api::admin::create_user(&token, &user)
                    .await
                    .map(|c| c.one_time_password)
            } else {
                let update = UserUpdate {
                    display_name: display_name.clone(),
                    roles: chosen,
                    department: dept,
                };
                api::admin::update_user(&token, &account, &update)
                    .await
                    .map(|()| None)
            };
            busy.set(false);
            match answer {
                Ok(otp) => {
                    handover.set(otp.map(|password| Handover {
                        name: display_name,
                        password,
                    }));
                    clear();
                    changed.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
        });
    };
    // A reset asks once more in its row: it ends the account's sessions.
    let confirming = RwSignal::new(None::<String>);
    let reset = move |u: UserRow| {
        if confirming.get_untracked().as_deref() != Some(u.id.as_str()) {
            confirming.set(Some(u.id));
            return;
        }
        confirming.set(None);
        let Some(token) = app.token() else { return };
        leptos::task::spawn_local(async move {
            match api::admin::reset_password(&token, &u.id).await {
                Ok(c) => {
                    handover.set(c.one_time_password.map(|password| Handover {
                        name: u.display_name,
                        password,
                    }));
                    changed.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
        });
    };
    let toggle = move |u: UserRow| {
        let Some(token) = app.token() else { return };
        leptos::task::spawn_local(async move {
            match api::admin::set_enabled(&token, &u.id, u.disabled).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
        });
    };
    view! {
        {move || handover.get().map(|h| view! {
            <div class="otp-card" role="status" data-testid="otp">
                <p>{format!("{} {}", h.name, tr.t("的一次性密码（只显示这一次）：", "的一次性密碼（只顯示這一次）：", "— one-time password (shown this once only):"))}</p>
                <p><code class="otp-value" data-testid="otp-value">{h.password}</code></p>
                <p class="hint">{move || tr.t(
                    "请当面或电话告知本人。首次登录时须设置自己的密码。",
                    "請當面或電話告知本人。首次登入時須設定自己的密碼。",
                    "Hand it over in person or by phone. They must choose their own password at the first sign-in.",
                )}</p>
                <button type="button" class="btn" data-testid="otp-done" on:click=move |_| handover.set(None)>
                    {move || tr.t("已告知，隐藏", "已告知，隱藏", "Handed over: hide it")}
                </button>
            </div>
        })}
        <form class="sheet-section" on:submit=submit novalidate data-testid="user-form" aria-labelledby="user-form-title">
            <h2 id="user-form-title">{move || match editing.get() {
                None => tr.t("新建用户", "新增使用者", "New user").to_string(),
                Some(id) => format!("{} {id}", tr.t("修改用户", "修改使用者", "Edit user")),
            }}</h2>
            <Show when=move || error.with(Option::is_some)>
                <p class="error-summary" role="alert" data-testid="user-error">{move || error.get()}</p>
            </Show>
            <div class="filters">
                <div class="field">
                    <label for="user-id">{move || tr.t("账号", "帳號", "Account id")}</label>
                    <input id="user-id" data-testid="account-id" autocapitalize="off" autocomplete="off"
                        prop:disabled=move || editing.with(Option::is_some)
                        prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="user-name">{move || tr.t("姓名", "姓名", "Name")}</label>
                    <input id="user-name" data-testid="account-name" autocomplete="off"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="user-department">{move || tr.t("部门", "部門", "Department")}</label>
                    <select id="user-department" data-testid="user-department"
                        prop:value=move || department.get()
                        on:change=move |ev| department.set(event_target_value(&ev))>
                        <option value="">{move || tr.t("（无）", "（無）", "(none)")}</option>
                        {move || departments.get().into_iter().map(|d| view! {
                            <option value=d.id.clone() selected=move || department.get() == d.id>{d.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <fieldset class="choice-list" data-testid="user-roles">
                <legend>{move || tr.t("角色", "角色", "Roles")}</legend>
                {ROLES.into_iter().map(|r| view! {
                    <label class="choice">
                        <input type="checkbox" data-testid=format!("user-role-{}", role_tag(r))
                            prop:checked=move || roles.with(|v| v.contains(&r))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                roles.update(|v| {
                                    v.retain(|x| *x != r);
                                    if on { v.push(r); }
                                });
                            }/>
                        <span>{move || role_name(tr, r)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="user-submit" disabled=move || busy.get() || !online.get()>
                    {move || if editing.with(Option::is_some) {
                        tr.t("保存修改", "儲存修改", "Save changes")
                    } else {
                        tr.t("创建并生成一次性密码", "建立並產生一次性密碼", "Create with a one-time password")
                    }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    <button type="button" class="btn" data-testid="user-cancel" on:click=move |_| { clear(); error.set(None); }>
                        {move || tr.t("取消", "取消", "Cancel")}
                    </button>
                </Show>
            </div>
        </form>
        <section class="sheet-section" aria-labelledby="users-title">
            <h2 id="users-title">{move || tr.t("用户", "使用者", "Users")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || users.get().flatten().map(|answer| match answer {
                    Err(e) => view! { <p class="notice" role="alert">{refusal(tr, &e)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-scroll">
                        <table class="dense-table text-table" data-testid="users">
                            <thead><tr>
                                <th scope="col">{move || tr.t("账号", "帳號", "Account")}</th>
                                <th scope="col">{move || tr.t("姓名", "姓名", "Name")}</th>
                                <th scope="col">{move || tr.t("角色", "角色", "Roles")}</th>
                                <th scope="col">{move || tr.t("部门", "部門", "Department")}</th>
                                <th scope="col">{move || tr.t("状态", "狀態", "Status")}</th>
                                <th scope="col"><span class="visually-hidden">{move || tr.t("操作", "操作", "Actions")}</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|u| {
                                    let row = u.clone();
                                    let (for_edit, for_reset, for_toggle) = (u.clone(), u.clone(), u.clone());
                                    let roles_text = move || row.roles.iter().map(|r| role_name(tr, *r)).collect::<Vec<_>>().join("、");
                                    let dept = u.department.clone();
                                    let dept_text = move || dept.as_deref().map(|d| department_label(&departments.get(), d)).unwrap_or_default();
                                    let (disabled, due) = (u.disabled, u.must_change_password);
                                    view! {
                                        <tr data-testid="user-row" data-user=u.id.clone()>
                                            <td>{u.id.clone()}</td>
                                            <td>{u.display_name.clone()}</td>
                                            <td>{roles_text}</td>
                                            <td>{dept_text}</td>
                                            <td data-testid="user-status">{move || if disabled {
                                                tr.t("已停用", "已停用", "Disabled")
                                            } else if due {
                                                tr.t("待设新密码", "待設新密碼", "New password due")
                                            } else {
                                                tr.t("正常", "正常", "Active")
                                            }}</td>
                                            <td class="row-actions">
                                                <button type="button" class="btn btn-small" data-testid="user-edit" on:click=move |_| edit(&for_edit)>
                                                    {move || tr.t("修改", "修改", "Edit")}
                                                </button>
                                                {
                                                    let asking = { let id = u.id.clone(); move || confirming.get().as_deref() == Some(id.as_str()) };
                                                    let asking2 = asking.clone();
                                                    view! {
                                                        <button type="button" class="btn btn-small" data-testid="user-reset"
                                                            class:btn-danger=asking
                                                            on:click=move |_| reset(for_reset.clone())>
                                                            {move || if asking2() {
                                                                tr.t("确认重置（会话将结束）", "確認重設（工作階段將結束）", "Confirm reset (sessions end)")
                                                            } else {
                                                                tr.t("重置密码", "重設密碼", "Reset password")
                                                            }}
                                                        </button>
                                                    }
                                                }
                                                <button type="button" class="btn btn-small" data-testid="user-toggle" on:click=move |_| toggle(for_toggle.clone())>
                                                    {move || if disabled { tr.t("启用", "啟用", "Enable") } else { tr.t("停用", "停用", "Disable") }}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
