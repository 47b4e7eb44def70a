//! Kiosks at the service counters (DESIGN §12): registering one hands out a one-time setup
//! code, shown here once and never kept on this device; the counter's browser exchanges it
//! for the kiosk's own token. The list says which kiosks wait for their setup, which work,
//! which were revoked; revoking locks a kiosk out at once.

use leptos::prelude::*;
use tousu_shared::{
    api::admin::{KioskRegistered, KioskRow, KioskState, admin_name, exit_pin_ok},
    clock::Timestamp,
};

use super::refusal;
use crate::{
    api,
    context::{server_read, use_app},
    labels::{Tr, date_time, use_tr},
    platform,
};

fn state_name(tr: Tr, s: KioskState) -> &'static str {
    match s {
        KioskState::AwaitingSetup => tr.t("待设置", "待設定", "Awaiting setup"),
        KioskState::SetupExpired => tr.t("设置码已过期", "設定碼已過期", "Setup code expired"),
        KioskState::Active => tr.t("使用中", "使用中", "In use"),
        KioskState::Revoked => tr.t("已撤销", "已撤銷", "Revoked"),
    }
}

/// The kiosks.
#[component]
pub fn Kiosks() -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let changed = RwSignal::new(0u32);
    let kiosks = server_read(move |token| {
        changed.get();
        async move { api::admin::kiosks(&token).await }
    });
    let name = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The code just handed out, with where the kiosk stands.
    let handover = RwSignal::new(None::<(String, KioskRegistered)>);
    // The kiosk whose revocation waits for a second click.
    let confirming = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(place) = admin_name(&name.get_untracked()) else {
            error.set(Some(
                tr.t(
                    "请填写终端所在位置（100 字以内）。",
                    "請填寫終端所在位置（100 字以內）。",
                    "Enter where the kiosk stands (up to 100 characters).",
                )
                .to_string(),
            ));
            return;
        };
        let exit_pin = pin.get_untracked().trim().to_string();
        if !exit_pin_ok(&exit_pin) {
            error.set(Some(
                tr.t(
                    "请设置 4 至 8 位数字的退出密码（工作人员退出自助模式时输入）。",
                    "請設定 4 至 8 位數字的退出密碼（工作人員退出自助模式時輸入）。",
                    "Set an exit PIN of 4 to 8 digits (staff enter it to leave kiosk mode).",
                )
                .to_string(),
            ));
            return;
        }
        let Some(token) = app.token() else { return };
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::admin::register_kiosk(&token, &place, &exit_pin).await {
                Ok(registered) => {
                    handover.set(Some((place, registered)));
                    name.set(String::new());
                    pin.set(String::new());
                    changed.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
            busy.set(false);
        });
    };
    let revoke = move |k: KioskRow| {
        let id = k.device_id.to_string();
        if confirming.get_untracked().as_deref() != Some(id.as_str()) {
            confirming.set(Some(id));
            return;
        }
        confirming.set(None);
        let Some(token) = app.token() else { return };
        leptos::task::spawn_local(async move {
            match api::admin::revoke_kiosk(&token, &id).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
        });
    };
    view! {
        {move || handover.get().map(|(place, k)| view! {
            <div class="otp-card" role="status" data-testid="kiosk-code">
                <p><strong>{format!("{} {place}", tr.t("终端设置码：", "終端設定碼：", "Setup code for"))}</strong></p>
                <p class="otp-value mono" data-testid="kiosk-code-value">{k.setup_code.clone()}</p>
                <p>{format!("{} {}", tr.t(
                    "在柜台设备上设置自助终端时输入此代码。只显示这一次，只能使用一次，有效至",
                    "在櫃檯設備上設定自助終端時輸入此代碼。只顯示這一次，只能使用一次，有效至",
                    "Enter this code when setting up the counter's device as a kiosk. It is shown only now, works once, and expires",
                ), date_time(tr, Timestamp(k.setup_until)))}</p>
                <button type="button" class="btn" data-testid="kiosk-code-done" on:click=move |_| handover.set(None)>
                    {move || tr.t("已记下，隐藏", "已記下，隱藏", "Noted: hide it")}
                </button>
            </div>
        })}
        <form class="sheet-section" on:submit=submit novalidate data-testid="kiosk-form" aria-labelledby="kiosk-form-title">
            <h2 id="kiosk-form-title">{move || tr.t("登记自助终端", "登記自助終端", "Register a kiosk")}</h2>
            <Show when=move || error.with(Option::is_some)>
                <p class="error-summary" role="alert" data-testid="kiosk-error">{move || error.get()}</p>
            </Show>
            <div class="filters">
                <div class="field">
                    <label for="kiosk-name">{move || tr.t("所在位置", "所在位置", "Where it stands")}</label>
                    <input id="kiosk-name" data-testid="kiosk-name" autocomplete="off"
                        placeholder=move || tr.t("如：朝阳门站点 大厅", "如：朝陽門站點 大廳", "e.g. Chaoyangmen station, hall")
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="kiosk-pin">{move || tr.t("退出密码（4–8 位数字）", "退出密碼（4–8 位數字）", "Exit PIN (4–8 digits)")}</label>
                    <input id="kiosk-pin" data-testid="kiosk-pin" type="password" inputmode="numeric" autocomplete="new-password"
                        prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="kiosk-submit" disabled=move || busy.get() || !online.get()>
                    {move || tr.t("登记并生成设置码", "登記並產生設定碼", "Register and make a setup code")}
                </button>
            </div>
        </form>
        <section class="sheet-section" aria-labelledby="kiosks-title">
            <h2 id="kiosks-title">{move || tr.t("自助终端", "自助終端", "Kiosks")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{tr.t("正在读取…", "正在讀取…", "Loading…")}</p> }>
                {move || kiosks.get().flatten().map(|answer| match answer {
                    Err(e) => view! { <p class="notice" role="alert">{refusal(tr, &e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted" data-testid="kiosks-empty">{tr.t("还没有登记自助终端。", "還沒有登記自助終端。", "No kiosk is registered yet.")}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-scroll">
                        <table class="dense-table text-table" data-testid="kiosks">
                            <thead><tr>
                                <th scope="col">{move || tr.t("所在位置", "所在位置", "Where")}</th>
                                <th scope="col">{move || tr.t("登记时间", "登記時間", "Registered")}</th>
                                <th scope="col">{move || tr.t("状态", "狀態", "Status")}</th>
                                <th scope="col"><span class="visually-hidden">{move || tr.t("操作", "操作", "Actions")}</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|k| {
                                    let id = k.device_id.to_string();
                                    let asking = { let id = id.clone(); move || confirming.get().as_deref() == Some(id.as_str()) };
                                    let asking2 = asking.clone();
                                    let state = k.state;
                                    let until = k.setup_until;
                                    let row = k.clone();
                                    view! {
                                        <tr data-testid="kiosk-row" data-kiosk=id.clone()>
                                            <td>{k.name.clone()}</td>
                                            <td>{date_time(tr, Timestamp(k.created_at))}</td>
                                            <td data-testid="kiosk-state" data-state=format!("{state:?}")>
                                                {move || state_name(tr, state)}
                                                {until.map(|u| view! { <span class="muted">{format!(" ({} {})", tr.t("有效至", "有效至", "until"), date_time(tr, Timestamp(u)))}</span> })}
                                            </td>
                                            <td class="row-actions">
                                                <Show when=move || state != KioskState::Revoked>
                                                    {
                                                        let (row, asking, asking2) = (row.clone(), asking.clone(), asking2.clone());
                                                        view! {
                                                            <button type="button" class="btn btn-small" data-testid="kiosk-revoke"
                                                                class:btn-danger=asking
                                                                on:click=move |_| revoke(row.clone())>
                                                                {move || if asking2() {
                                                                    tr.t("确认撤销（立即停用）", "確認撤銷（立即停用）", "Confirm: revoke now")
                                                                } else {
                                                                    tr.t("撤销", "撤銷", "Revoke")
                                                                }}
                                                            </button>
                                                        }
                                                    }
                                                </Show>
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
