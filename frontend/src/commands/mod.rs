//! The workflow commands' forms, one typed unit each: its field names, the values it opens
//! with, its fields on the screen and how what was typed becomes the event's body, side by
//! side, so nothing matches a field by name across files. [`form`] is the one place that
//! says which unit a command has; screens ask it and never look inside.

// The office's forms are compiled into the office build only (see `office_form`).
#[cfg_attr(not(feature = "office"), allow(dead_code))]
mod accountability;
mod amend;
#[cfg_attr(not(feature = "office"), allow(dead_code))]
mod closing;
#[cfg_attr(not(feature = "office"), allow(dead_code))]
mod handling;
#[cfg_attr(not(feature = "office"), allow(dead_code))]
mod paths;
#[cfg_attr(not(feature = "office"), allow(dead_code))]
mod triage;

use leptos::prelude::*;
use tousu_shared::{
    event::{CommandKind, EventBody},
    ids::CaseId,
    model::Catalog,
    validate::{Field, FieldError},
    view::CaseView,
};

use crate::{
    components::{FormState, Strokes},
    forms::{Values, enum_str},
    labels::Tr,
    media::Photo,
};

pub use handling::attach_note_media;

/// What a form may read besides what was typed: the case as it stands, the catalog, the
/// local time offset, who is signing, and the case a duplicate link names (looked up by the
/// screen from [`Form::names_case`]).
#[derive(Clone)]
pub struct Ctx {
    /// The case, as this device sees it.
    pub view: Option<CaseView>,
    /// Categories and departments in force.
    pub catalog: Catalog,
    /// Minutes east of UTC of this device (dates typed are local).
    pub offset: i32,
    /// Who is signed in.
    pub me: Option<tousu_shared::access::Principal>,
    /// The case a duplicate link's label was found to name, if any.
    pub link_target: Option<CaseId>,
}

/// A command's form being filled in: the values typed, the note's photos and signature. Kept
/// by the screen across the redraws a sync causes.
#[derive(Clone, Copy)]
pub struct Draft {
    /// Which command's form is open.
    pub selected: RwSignal<Option<CommandKind>>,
    /// Values as typed and the errors of the last attempt.
    pub form: FormState,
    /// Photos taken for a note.
    pub photos: RwSignal<Vec<Photo>>,
    /// A signature drawn for a note.
    pub strokes: Strokes,
    /// The signature's canvas, read when the form is saved.
    pub signature_pad: NodeRef<leptos::html::Canvas>,
    /// The id of the field last focused, focused again when the form is redrawn.
    pub focused: RwSignal<Option<String>>,
}

impl Draft {
    /// Nothing open.
    pub fn new() -> Self {
        Draft {
            selected: RwSignal::new(None),
            form: FormState::new(&[]),
            photos: RwSignal::new(Vec::new()),
            strokes: RwSignal::new(Vec::new()),
            signature_pad: NodeRef::new(),
            focused: RwSignal::new(None),
        }
    }

    /// Opens `command`'s form with the values it starts from.
    pub fn open(&self, command: CommandKind, ctx: &Ctx) {
        let values = form(command).map(|f| f.start(ctx)).unwrap_or_default();
        self.reset(Some(command), values);
    }

    /// Closes the form, forgetting what was typed.
    pub fn clear(&self) {
        self.reset(None, Values::new());
    }

    fn reset(&self, command: Option<CommandKind>, values: Values) {
        self.form.values.set(values);
        self.form.errors.set(Vec::new());
        self.photos.set(Vec::new());
        self.strokes.set(Vec::new());
        self.focused.set(None);
        self.selected.set(command);
    }
}

impl Default for Draft {
    fn default() -> Self {
        Self::new()
    }
}

/// One command's form.
pub trait Form: Sync {
    /// The values the form opens with.
    fn start(&self, _ctx: &Ctx) -> Values {
        Values::new()
    }

    /// Its fields.
    fn fields(&self, draft: Draft, ctx: &Ctx) -> AnyView;

    /// The event body from what was typed; every broken rule at once.
    fn parse(&self, values: &Values, ctx: &Ctx) -> Result<EventBody, Vec<FieldError>>;

    /// The number or provisional label of another case the form names, for the screen to
    /// look up before parsing (into [`Ctx::link_target`]).
    fn names_case(&self, _values: &Values) -> Option<String> {
        None
    }

    /// Which input shows each field's error: the error summary links there.
    fn targets(&self) -> &'static [(Field, &'static str)];
}

/// The form of `command`, when this build has one (the case page offers only those: the
/// archive's steps have screens of their own, and the office's steps are in the office build).
pub fn form(command: CommandKind) -> Option<&'static dyn Form> {
    use CommandKind as C;
    Some(match command {
        // What the field's roles do (registrars and handlers: DESIGN §3), in both builds.
        C::Classify => &triage::Classify,
        C::AmendRecord => &amend::AmendRecord,
        C::StartInvestigation => &handling::StartInvestigation,
        C::AddNote => &handling::AddNote,
        C::SubmitReport => &handling::SubmitReport,
        C::RecordExecution => &handling::RecordExecution,
        C::GiveFeedback => &closing::GiveFeedback,
        C::RecordRevisit => &closing::RecordRevisit,
        C::FileAppeal => &accountability::FileAppeal,
        C::RequestSupplement => &paths::RequestSupplement,
        C::ReceiveSupplement => &paths::ReceiveSupplement,
        C::CompleteRectification => &paths::CompleteRectification,
        _ => return office_form(command),
    })
}

/// The forms of the office's roles (supervisors, department heads), in the office build only:
/// an office desk loads it (`Menu::office_desk`), and the field build stays within its size.
#[cfg(feature = "office")]
fn office_form(command: CommandKind) -> Option<&'static dyn Form> {
    use CommandKind as C;
    Some(match command {
        C::RejectOutOfScope => &triage::Reasoned(C::RejectOutOfScope),
        C::Reopen => &triage::Reasoned(C::Reopen),
        C::Dispatch => &triage::Dispatch,
        C::SetDeadline => &triage::SetDeadline,
        C::LinkDuplicate => &triage::LinkDuplicate,
        C::ProposePlan => &handling::ProposePlan,
        C::ReviewPlan => &handling::ReviewPlan,
        C::Close => &closing::Close,
        C::RecordAccountability => &accountability::RecordAccountability,
        C::DecideAppeal => &accountability::DecideAppeal,
        C::RecordInterimMeasure => &paths::RecordInterimMeasure,
        C::NameInvestigators => &paths::NameInvestigators,
        C::SetRectification => &paths::SetRectification,
        C::MarkTeachingCase => &closing::MarkTeachingCase,
        _ => return None,
    })
}

/// The field build has no office forms: those steps say they are done at an office desk.
#[cfg(not(feature = "office"))]
fn office_form(_: CommandKind) -> Option<&'static dyn Form> {
    None
}

/// Whether `command` has a form in this app.
pub fn has_form(command: CommandKind) -> bool {
    form(command).is_some()
}

/// A label in the three languages, as the fields take it.
fn text(tr: Tr, zh_cn: &'static str, zh_tw: &'static str, en: &'static str) -> Signal<String> {
    Signal::derive(move || tr.t(zh_cn, zh_tw, en).to_string())
}

/// `(value, label)` options of an enum, its serde names as values.
fn options<T: Copy + serde::Serialize + Send + Sync + 'static, N: ToString + 'static>(
    tr: Tr,
    all: &[T],
    name: fn(Tr, T) -> N,
) -> Signal<Vec<(String, String)>> {
    let all = all.to_vec();
    Signal::derive(move || {
        all.iter()
            .map(|v| (enum_str(v), name(tr, *v).to_string()))
            .collect()
    })
}

/// A row of what a decision rests on.
fn row(
    tr: Tr,
    zh_cn: &'static str,
    zh_tw: &'static str,
    en: &'static str,
    value: String,
) -> (Signal<String>, String) {
    (text(tr, zh_cn, zh_tw, en), value)
}

/// The dispatch's instructions, when the case has them.
fn instructions(tr: Tr, ctx: &Ctx) -> Option<(Signal<String>, String)> {
    let text = ctx
        .view
        .as_ref()?
        .instructions
        .as_ref()?
        .as_str()
        .to_string();
    Some(row(
        tr,
        "派单处理要求",
        "派單處理要求",
        "Instructions from the dispatch",
        text,
    ))
}

/// Values from `(name, value)` pairs.
fn values(pairs: &[(&str, &str)]) -> Values {
    tousu_shared::order::map_of(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

#[cfg(test)]
#[cfg(feature = "office")]
mod tests;
