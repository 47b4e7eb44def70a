//! Departments and their sub-units (001 "所屬各單位"): the list as a tree, one form to add
//! or rename a department and say which one it belongs to.

use leptos::prelude::*;
use tousu_shared::{
    api::admin::{DepartmentRow, admin_name},
    ids::DepartmentId,
};

use super::{department_label, refusal};
use crate::{api, context::use_app, labels::use_tr, platform};

/// The departments, each under the one it belongs to (parents first, then by id).
fn as_tree(list: &[DepartmentRow]) -> Vec<(usize, DepartmentRow)> {
    fn walk(
        list: &[DepartmentRow],
        parent: Option<&str>,
        depth: usize,
        out: &mut Vec<(usize, DepartmentRow)>,
    ) {
        // The depth bound keeps a corrupt loop finite.
        if depth > list.len() {
            return;
        }
        for d in list.iter().filter(|d| d.parent.as_deref() == parent) {
            out.push((depth, d.clone()));
            walk(list, Some(&d.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(list, None, 0, &mut out);
    // A department whose parent is missing is still listed.
    for d in list {
        if !out.iter().any(|(_, o)| o.id == d.id) {
            out.push((0, d.clone()));
        }
    }
    out
}

/// The departments.
#[component]
pub fn Departments(
    departments: Signal<Vec<DepartmentRow>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let online = platform::use_online();
    let editing = RwSignal::new(false);
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let clear = move || {
        editing.set(false);
        id.set(String::new());
        name.set(String::new());
        parent.set(String::new());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let row = DepartmentRow {
            id: id.get_untracked().trim().to_string(),
            name: name.get_untracked().trim().to_string(),
            parent: Some(parent.get_untracked()).filter(|p| !p.is_empty()),
        };
        let problem = if DepartmentId::parse(&row.id).is_err() {
            Some(tr.t(
                "部门编号须为小写字母、数字和连字符（如 ops-north）。",
                "部門編號須為小寫字母、數字和連字號（如 ops-north）。",
                "The department id is lowercase letters, digits and hyphens (e.g. ops-north).",
            ))
        } else if admin_name(&row.name).is_none() {
            Some(tr.t(
                "请填写部门名称（100 字以内）。",
                "請填寫部門名稱（100 字以內）。",
                "Enter the department's name (up to 100 characters).",
            ))
        } else if row.parent.as_deref() == Some(row.id.as_str()) {
            Some(tr.t(
                "部门不能隶属于自己。",
                "部門不能隸屬於自己。",
                "A department cannot belong to itself.",
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            error.set(Some(p.to_string()));
            return;
        }
        let Some(token) = app.token() else { return };
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::admin::save_department(&token, &row).await {
                Ok(()) => {
                    saved.set(Some(row.name));
                    clear();
                    changed.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(refusal(tr, &e))),
            }
        });
    };
    view! {
        <form class="sheet-section" on:submit=submit novalidate data-testid="department-form" aria-labelledby="department-form-title">
            <h2 id="department-form-title">{move || if editing.get() {
                tr.t("修改部门", "修改部門", "Edit department")
            } else {
                tr.t("新建部门或下属单位", "新增部門或下屬單位", "New department or sub-unit")
            }}</h2>
            <Show when=move || error.with(Option::is_some)>
                <p class="error-summary" role="alert" data-testid="department-error">{move || error.get()}</p>
            </Show>
            {move || saved.get().map(|n| view! {
                <p class="notice" role="status" data-testid="department-saved">{format!("{} {n}", tr.t("已保存：", "已儲存：", "Saved:"))}</p>
            })}
            <div class="filters">
                <div class="field">
                    <label for="department-id">{move || tr.t("编号", "編號", "Id")}</label>
                    <input id="department-id" data-testid="department-id" autocapitalize="off" autocomplete="off"
                        prop:disabled=move || editing.get()
                        prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="department-name">{move || tr.t("名称", "名稱", "Name")}</label>
                    <input id="department-name" data-testid="department-name" autocomplete="off"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="department-parent">{move || tr.t("隶属于", "隸屬於", "Belongs to")}</label>
                    <select id="department-parent" data-testid="department-parent"
                        prop:value=move || parent.get() on:change=move |ev| parent.set(event_target_value(&ev))>
                        <option value="">{move || tr.t("（独立部门）", "（獨立部門）", "(a department of its own)")}</option>
                        {move || departments.get().into_iter().map(|d| view! {
                            <option value=d.id.clone() selected=move || parent.get() == d.id>{d.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="department-submit" disabled=move || !online.get()>
                    {move || tr.t("保存", "儲存", "Save")}
                </button>
                <Show when=move || editing.get()>
                    <button type="button" class="btn" on:click=move |_| { clear(); error.set(None); }>{move || tr.t("取消", "取消", "Cancel")}</button>
                </Show>
            </div>
        </form>
        <section class="sheet-section" aria-labelledby="departments-title">
            <h2 id="departments-title">{move || tr.t("部门", "部門", "Departments")}</h2>
            <ul class="department-tree" data-testid="departments">
                {move || {
                    let list = departments.get();
                    as_tree(&list).into_iter().map(|(depth, d)| {
                        let row = d.clone();
                        let under = d.parent.as_deref().map(|p| department_label(&list, p));
                        view! {
                            <li data-testid="department-row" data-department=d.id.clone() style=format!("--depth: {depth}")>
                                <span class="department-name">{d.name.clone()}</span>
                                <span class="muted">{d.id.clone()}</span>
                                {under.map(|u| view! { <span class="chip">{format!("{} {u}", tr.t("隶属", "隸屬", "under"))}</span> })}
                                <button type="button" class="btn btn-small" data-testid="department-edit" on:click=move |_| {
                                    editing.set(true);
                                    id.set(row.id.clone());
                                    name.set(row.name.clone());
                                    parent.set(row.parent.clone().unwrap_or_default());
                                    saved.set(None);
                                }>{move || tr.t("修改", "修改", "Edit")}</button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </section>
    }
}
