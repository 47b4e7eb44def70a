//! The next step on a case: the commands this person may take now, the most likely first,
//! and the open command's form (its fields and parse are the command's own unit in
//! [`crate::commands`]; this panel only opens, submits and records).

use leptos::prelude::*;
use tousu_shared::{event::CommandKind, event::EventBody, view::CaseView};

use crate::{
    commands::{self, Ctx, Draft, attach_note_media},
    components::ErrorSummary,
    context::{App, use_app},
    errors::{self, Failure},
    labels::{self, use_tr},
};

/// What the open form may read: the case, the catalog, this device's offset, who signs.
fn context(app: App, view: &CaseView) -> Ctx {
    Ctx {
        view: Some(view.clone()),
        catalog: app.reference.with_untracked(|r| r.catalog.clone()),
        offset: labels::local_offset(),
        me: app
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.principal())),
        link_target: None,
    }
}

/// The case a typed number or provisional label names on this device (not this one).
async fn find_case(app: App, label: &str, this: &CaseView) -> Option<tousu_shared::ids::CaseId> {
    app.summaries()
        .await
        .unwrap_or_default()
        .iter()
        .find(|s| s.id != this.id && s.label() == label)
        .map(|s| s.id)
}

/// Parses the open form and records its event; the form stays with what was typed when a
/// rule is broken or the write fails.
async fn submit(app: App, draft: Draft, command: CommandKind, view: CaseView) -> Option<Failure> {
    let form = commands::form(command)?;
    let values = draft.form.values.get_untracked();
    let mut ctx = context(app, &view);
    if let Some(label) = form.names_case(&values) {
        ctx.link_target = find_case(app, &label, &view).await;
    }
    let mut body = match form.parse(&values, &ctx) {
        Ok(body) => body,
        Err(errors) => {
            draft.form.errors.set(errors);
            return None;
        }
    };
    if let EventBody::NoteAdded(note) = &mut body
        && let Err(failure) = attach_note_media(app, draft, note).await
    {
        return Some(failure);
    }
    match app.record(view.id, view.heads.clone(), body).await {
        Ok(_) => {
            draft.clear();
            None
        }
        Err(e) => Some(e.into()),
    }
}

/// The commands this person may take now, the most likely first, each with its form.
#[component]
pub(super) fn CommandPanel(
    view: CaseView,
    commands: Vec<CommandKind>,
    draft: Draft,
) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let (failure, set_failure) = signal(None::<Failure>);
    let (saving, set_saving) = signal(false);
    // A command that news from a sync made unavailable closes its form.
    let offered = commands.clone();
    let selected = Memo::new(move |_| draft.selected.get().filter(|c| offered.contains(c)));
    // Redrawn while someone types: the caret goes back to the field it was in.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if form_ref.get().is_some()
            && let Some(id) = draft.focused.get_untracked()
        {
            crate::platform::focus_at_end(&id);
        }
    });
    let remember_focus = move |ev: leptos::ev::FocusEvent| {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            && !el.id().is_empty()
        {
            draft.focused.set(Some(el.id()));
        }
    };
    if commands.is_empty() {
        return view! {
            <section class="panel" data-testid="commands">
                <p class="muted">{tr.t("您当前没有可执行的操作。", "您目前沒有可執行的操作。", "There is nothing for you to do on this case now.")}</p>
            </section>
        }.into_any();
    }
    let ctx = StoredValue::new(context(app, &view));
    let case = StoredValue::new(view);
    let choose = move |c: CommandKind| {
        set_failure.set(None);
        draft.open(c, &ctx.read_value());
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(command) = selected.get_untracked() else {
            return;
        };
        if saving.get_untracked() {
            return;
        }
        set_saving.set(true);
        let view = case.get_value();
        leptos::task::spawn_local(async move {
            set_failure.set(submit(app, draft, command, view).await);
            set_saving.set(false);
        });
    };
    let first = commands[0];
    view! {
        <section class="panel" data-testid="commands" aria-labelledby="commands-h">
            <h2 id="commands-h">{tr.t("下一步", "下一步", "Next step")}</h2>
            <div class="command-buttons">
                {commands.iter().map(|&c| view! {
                    <button
                        class="btn"
                        class:btn-primary=c == first
                        data-testid=format!("cmd-{}", c.as_str())
                        aria-pressed=move || (selected.get() == Some(c)).to_string()
                        on:click=move |_| choose(c)
                    >{labels::command(tr, c)}</button>
                }).collect_view()}
            </div>
            {move || selected.get().and_then(|c| Some((c, commands::form(c)?))).map(|(c, form)| view! {
                <form class="command-form" on:submit=on_submit on:focusin=remember_focus novalidate
                    node_ref=form_ref data-testid="command-form">
                    <h3>{labels::command(tr, c)}</h3>
                    <ErrorSummary form=draft.form fields=form.targets().to_vec()/>
                    <Show when=move || failure.get().is_some()>
                        <p class="error-summary" role="alert">{move || failure.get().map(|f| errors::failure(tr, &f))}</p>
                    </Show>
                    {form.fields(draft, &ctx.read_value())}
                    <div class="form-actions">
                        <button type="button" class="btn" on:click=move |_| draft.clear()>
                            {tr.t("取消", "取消", "Cancel")}
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="command-submit" disabled=saving>
                            {tr.t("提交", "提交", "Submit")}
                        </button>
                    </div>
                </form>
            })}
        </section>
    }.into_any()
}
