//! The profile's categories with their sub-items and its causes, edited in the draft of
//! [`super::rules`]. Entries are added or renamed, never removed: cases filed under a
//! category or cause keep its id, and statistics group by it.

use leptos::prelude::*;
use tousu_shared::{
    ids::CategoryId,
    profile::{Item, Names, Profile, ProfileCategory},
    profile_edit::{insert_category, names_ok},
};

use crate::labels::{Tr, names, use_tr};

/// The three name fields of a form.
#[derive(Clone, Copy)]
struct NameFields {
    zh_cn: RwSignal<String>,
    zh_tw: RwSignal<String>,
    en: RwSignal<String>,
}

impl NameFields {
    fn new() -> Self {
        NameFields {
            zh_cn: RwSignal::new(String::new()),
            zh_tw: RwSignal::new(String::new()),
            en: RwSignal::new(String::new()),
        }
    }

    fn set(self, n: &Names) {
        self.zh_cn.set(n.zh_cn.clone());
        self.zh_tw.set(n.zh_tw.clone());
        self.en.set(n.en.clone());
    }

    fn clear(self) {
        self.set(&Names {
            zh_cn: String::new(),
            zh_tw: String::new(),
            en: String::new(),
        });
    }

    fn get(self) -> Names {
        Names {
            zh_cn: self.zh_cn.get_untracked().trim().to_string(),
            zh_tw: self.zh_tw.get_untracked().trim().to_string(),
            en: self.en.get_untracked().trim().to_string(),
        }
    }

    fn view(self, tr: Tr, prefix: &'static str) -> impl IntoView {
        let field = move |sig: RwSignal<String>, key: &'static str, label: [&'static str; 3]| {
            let id = format!("{prefix}-name-{key}");
            view! {
                <div class="field">
                    <label for=id.clone()>{move || label[tr.index()]}</label>
                    <input id=id.clone() data-testid=id autocomplete="off"
                        prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/>
                </div>
            }
        };
        view! {
            {field(self.zh_cn, "zh-cn", ["名称（简体）", "名稱（簡體）", "Name (Simplified Chinese)"])}
            {field(self.zh_tw, "zh-tw", ["名称（繁体）", "名稱（繁體）", "Name (Traditional Chinese)"])}
            {field(self.en, "en", ["名称（英文）", "名稱（英文）", "Name (English)"])}
        }
    }
}

/// What is wrong with an entry as typed, before it goes into the draft.
fn entry_problem(tr: Tr, id_ok: bool, taken: bool, n: &Names) -> Option<&'static str> {
    if !id_ok {
        Some(tr.t(
            "编号须为小写字母、数字、连字符或点（如 facilities.lift）。",
            "編號須為小寫字母、數字、連字號或點（如 facilities.lift）。",
            "The id is lowercase letters, digits, hyphens or dots (e.g. facilities.lift).",
        ))
    } else if taken {
        Some(tr.t(
            "这个编号已在使用。",
            "這個編號已在使用。",
            "That id is in use.",
        ))
    } else if !names_ok(n) {
        Some(tr.t(
            "三种语言的名称都要填写（50 字以内）。",
            "三種語言的名稱都要填寫（50 字以內）。",
            "Names in all three languages are needed (up to 50 characters).",
        ))
    } else {
        None
    }
}

/// The category tree of the draft, with a form to add a category or sub-item or rename one.
#[component]
pub fn Categories(draft: RwSignal<Option<Profile>>) -> impl IntoView {
    let tr = use_tr();
    let editing = RwSignal::new(None::<CategoryId>);
    let id = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let goods = RwSignal::new(false);
    let fields = NameFields::new();
    let error = RwSignal::new(None::<&'static str>);
    let clear = move || {
        editing.set(None);
        id.set(String::new());
        parent.set(String::new());
        goods.set(false);
        fields.clear();
    };
    let list = move || draft.with(|d| d.as_ref().map(|p| p.categories.clone()).unwrap_or_default());
    let add = move |_| {
        let name = fields.get();
        let parsed = CategoryId::parse(id.get_untracked().trim());
        let editing_now = editing.get_untracked();
        let taken = editing_now.is_none()
            && parsed
                .as_ref()
                .is_ok_and(|i| list().iter().any(|c| &c.id == i));
        if let Some(p) = entry_problem(tr, parsed.is_ok(), taken, &name) {
            error.set(Some(p));
            return;
        }
        let Ok(cid) = parsed else { return };
        let parent_id = CategoryId::parse(&parent.get_untracked()).ok();
        let requires_goods = goods.get_untracked();
        draft.update(|d| {
            let Some(p) = d else { return };
            match p.categories.iter_mut().find(|c| c.id == cid) {
                Some(c) => {
                    c.name = name;
                    c.requires_goods = requires_goods;
                }
                None => insert_category(
                    &mut p.categories,
                    ProfileCategory {
                        id: cid,
                        parent: parent_id,
                        name,
                        requires_goods,
                        seed: String::new(),
                    },
                ),
            }
        });
        error.set(None);
        clear();
    };
    view! {
        <section class="sheet-section" aria-labelledby="categories-title">
            <h3 id="categories-title">{move || tr.t("投诉分类及子项", "投訴分類及子項", "Categories and sub-items")}</h3>
            <ul class="department-tree" data-testid="categories">
                {move || list().into_iter().map(|c| {
                    let depth = usize::from(c.parent.is_some());
                    let row = c.clone();
                    view! {
                        <li data-testid="category-row" data-category=c.id.to_string() style=format!("--depth: {depth}")>
                            <span class="department-name">{names(tr, &c.name)}</span>
                            <span class="muted">{c.id.to_string()}</span>
                            {c.requires_goods.then(|| view! { <span class="chip">{tr.t("涉及物品", "涉及物品", "goods")}</span> })}
                            <button type="button" class="btn btn-small" data-testid="category-edit" on:click=move |_| {
                                editing.set(Some(row.id.clone()));
                                id.set(row.id.to_string());
                                parent.set(row.parent.as_ref().map(ToString::to_string).unwrap_or_default());
                                goods.set(row.requires_goods);
                                fields.set(&row.name);
                                error.set(None);
                            }>{move || tr.t("修改", "修改", "Edit")}</button>
                            <p class="muted source-line">{format!("{} {}", tr.t("依据：", "依據：", "Source:"), if c.seed.is_empty() { tr.t("（保存时填写）", "（儲存時填寫）", "(given on saving)").to_string() } else { c.seed.clone() })}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <fieldset class="entry-form" data-testid="category-form">
                <legend>{move || if editing.with(Option::is_some) {
                    tr.t("修改分类", "修改分類", "Edit category")
                } else {
                    tr.t("添加分类或子项", "新增分類或子項", "Add a category or sub-item")
                }}</legend>
                <Show when=move || error.with(Option::is_some)>
                    <p class="error-summary" role="alert" data-testid="category-error">{move || error.get()}</p>
                </Show>
                <div class="filters">
                    <div class="field">
                        <label for="category-parent">{move || tr.t("上级分类", "上級分類", "Parent category")}</label>
                        <select id="category-parent" data-testid="category-parent" prop:disabled=move || editing.with(Option::is_some)
                            prop:value=move || parent.get() on:change=move |ev| parent.set(event_target_value(&ev))>
                            <option value="">{move || tr.t("（顶级分类）", "（頂級分類）", "(top level)")}</option>
                            {move || list().into_iter().filter(|c| c.parent.is_none()).map(|c| {
                                let v = c.id.to_string();
                                view! { <option value=v.clone() selected=move || parent.get() == v>{names(tr, &c.name)}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="category-id">{move || tr.t("编号", "編號", "Id")}</label>
                        <input id="category-id" data-testid="category-id" autocapitalize="off" autocomplete="off"
                            prop:disabled=move || editing.with(Option::is_some)
                            prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev))/>
                    </div>
                    {fields.view(tr, "category")}
                </div>
                <label class="choice">
                    <input type="checkbox" data-testid="category-goods" prop:checked=move || goods.get()
                        on:change=move |ev| goods.set(event_target_checked(&ev))/>
                    <span>{move || tr.t("涉及物品（须填品名、数量）", "涉及物品（須填品名、數量）", "About goods (product and quantity required)")}</span>
                </label>
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="category-add" on:click=add>
                        {move || if editing.with(Option::is_some) { tr.t("更新草稿", "更新草稿", "Update the draft") } else { tr.t("加入草稿", "加入草稿", "Add to the draft") }}
                    </button>
                    <Show when=move || editing.with(Option::is_some)>
                        <button type="button" class="btn" on:click=move |_| { clear(); error.set(None); }>{move || tr.t("取消", "取消", "Cancel")}</button>
                    </Show>
                </div>
            </fieldset>
        </section>
    }
}

/// The cause list (原因) of the draft, with a form to add or rename a cause.
#[component]
pub fn Causes(draft: RwSignal<Option<Profile>>) -> impl IntoView {
    let tr = use_tr();
    let editing = RwSignal::new(false);
    let id = RwSignal::new(String::new());
    let fields = NameFields::new();
    let error = RwSignal::new(None::<&'static str>);
    let clear = move || {
        editing.set(false);
        id.set(String::new());
        fields.clear();
    };
    let list = move || draft.with(|d| d.as_ref().map(|p| p.causes.clone()).unwrap_or_default());
    let add = move |_| {
        let name = fields.get();
        let key = id.get_untracked().trim().to_string();
        // Causes take the same slugs as categories.
        let id_ok = CategoryId::parse(&key).is_ok();
        let taken = !editing.get_untracked() && list().iter().any(|c| c.id == key);
        if let Some(p) = entry_problem(tr, id_ok, taken, &name) {
            error.set(Some(p));
            return;
        }
        draft.update(|d| {
            let Some(p) = d else { return };
            match p.causes.iter_mut().find(|c| c.id == key) {
                Some(c) => c.name = name,
                None => p.causes.push(Item {
                    id: key,
                    name,
                    seed: String::new(),
                }),
            }
        });
        error.set(None);
        clear();
    };
    view! {
        <section class="sheet-section" aria-labelledby="causes-title">
            <h3 id="causes-title">{move || tr.t("投诉原因", "投訴原因", "Causes")}</h3>
            <ul class="department-tree" data-testid="causes">
                {move || list().into_iter().map(|c| {
                    let row = c.clone();
                    view! {
                        <li data-testid="cause-row" data-cause=c.id.clone()>
                            <span class="department-name">{names(tr, &c.name)}</span>
                            <span class="muted">{c.id.clone()}</span>
                            <button type="button" class="btn btn-small" data-testid="cause-edit" on:click=move |_| {
                                editing.set(true);
                                id.set(row.id.clone());
                                fields.set(&row.name);
                                error.set(None);
                            }>{move || tr.t("修改", "修改", "Edit")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <fieldset class="entry-form" data-testid="cause-form">
                <legend>{move || if editing.get() { tr.t("修改原因", "修改原因", "Edit cause") } else { tr.t("添加原因", "新增原因", "Add a cause") }}</legend>
                <Show when=move || error.with(Option::is_some)>
                    <p class="error-summary" role="alert" data-testid="cause-error">{move || error.get()}</p>
                </Show>
                <div class="filters">
                    <div class="field">
                        <label for="cause-id">{move || tr.t("编号", "編號", "Id")}</label>
                        <input id="cause-id" data-testid="cause-id" autocapitalize="off" autocomplete="off"
                            prop:disabled=move || editing.get()
                            prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev))/>
                    </div>
                    {fields.view(tr, "cause")}
                </div>
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="cause-add" on:click=add>
                        {move || if editing.get() { tr.t("更新草稿", "更新草稿", "Update the draft") } else { tr.t("加入草稿", "加入草稿", "Add to the draft") }}
                    </button>
                    <Show when=move || editing.get()>
                        <button type="button" class="btn" on:click=move |_| { clear(); error.set(None); }>{move || tr.t("取消", "取消", "Cancel")}</button>
                    </Show>
                </div>
            </fieldset>
        </section>
    }
}
