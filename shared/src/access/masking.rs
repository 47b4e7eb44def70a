//! What of a case a principal may see (DESIGN §9): the visibility level, the case and its
//! events shaped and masked for the reader, and whose accountability records concern whom.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{AccessContext, Principal, Role, ScopeFacts, Visibility, has_grant, role_scope};
use crate::{
    event::{Event, EventBody},
    model::Complainant,
    validate::ShortText,
    view::{CaseView, FactValue},
};

/// How much of `case` `principal` may see. Archived cases need an active grant, and even
/// then personal data stays masked except for supervisors.
pub fn visibility(principal: &Principal, case: &CaseView, ctx: &AccessContext) -> Visibility {
    let (id, roles, department) = match principal {
        Principal::System => return Visibility::Full,
        Principal::Kiosk { .. } => return Visibility::Hidden,
        Principal::User {
            id,
            roles,
            department,
        } => (id, roles, department.as_ref()),
    };
    let facts = ScopeFacts::of(case);
    if facts.is_archived() {
        if !has_grant(&facts, ctx) {
            return Visibility::Hidden;
        }
        return if roles.contains(&Role::Supervisor) {
            Visibility::Full
        } else {
            Visibility::Masked
        };
    }
    let involved = case
        .accountability
        .iter()
        .any(|a| concerns(principal, &a.value));
    let best = roles
        .iter()
        .filter(|&&r| role_scope(r, id, department, &facts))
        .map(|&r| match r {
            Role::Clerk | Role::Handler | Role::Manager | Role::Supervisor => Visibility::Full,
            Role::Archivist => Visibility::Masked,
            Role::Admin | Role::Leader => Visibility::Hidden,
        })
        .max()
        .unwrap_or(Visibility::Hidden);
    if best == Visibility::Hidden && involved {
        // Someone held responsible sees the case (to appeal), without personal data.
        return Visibility::Masked;
    }
    best
}

/// A masked phone or e-mail cannot be a [`PhoneNumber`](crate::validate::PhoneNumber) any
/// more, so masked views carry the masked strings here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MaskedContact {
    /// Masked phone, e.g. `138****5678`.
    pub phone: Option<String>,
    /// Masked e-mail, e.g. `z***@example.com`.
    pub email: Option<String>,
}

/// What a principal receives of a case: the view, masked as its visibility requires, with
/// confidential accountability records only for supervisors and the person concerned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VisibleCase {
    /// The view (personal data removed when masked).
    pub view: CaseView,
    /// Masked contact details, when masked.
    pub masked_contact: Option<MaskedContact>,
    /// How it was shaped.
    pub visibility: Visibility,
}

/// Shapes `view` for `principal`; `None` when the case is hidden from them.
pub fn visible_case(
    principal: &Principal,
    view: &CaseView,
    ctx: &AccessContext,
) -> Option<VisibleCase> {
    let visibility = visibility(principal, view, ctx);
    if visibility == Visibility::Hidden {
        return None;
    }
    let mut view = view.clone();
    if !principal.has(Role::Supervisor) && *principal != Principal::System {
        view.accountability
            .retain(|a| concerns(principal, &a.value));
        let mine: BTreeSet<_> = crate::order::set_of(view.accountability.iter().map(|a| a.event));
        view.appeals
            .retain(|a| mine.contains(&a.value.accountability));
        let appeals: BTreeSet<_> = crate::order::set_of(view.appeals.iter().map(|a| a.event));
        view.appeal_decisions
            .retain(|d| appeals.contains(&d.value.appeal));
    }
    let mut masked_contact = None;
    if visibility == Visibility::Masked {
        let mut contact = MaskedContact::default();
        if let Some(r) = view.registration.as_mut() {
            contact.phone = r.complainant.phone.as_ref().map(|p| p.masked());
            contact.email = r.complainant.email.as_ref().map(|e| e.masked());
            r.complainant = strip(&r.complainant);
        }
        for conflict in &mut view.conflicts {
            for version in &mut conflict.versions {
                if let FactValue::Complainant { complainant, .. } = &mut version.value {
                    *complainant = strip(complainant);
                }
            }
        }
        masked_contact = Some(contact);
    }
    Some(VisibleCase {
        view,
        masked_contact,
        visibility,
    })
}

/// The complainant block of a masked view: name `张*`, organisation and address cut short
/// with `***`; phone and e-mail removed (their masked forms travel in [`MaskedContact`]).
pub fn strip(c: &Complainant) -> Complainant {
    let cut = |s: &ShortText, keep: usize, tail: &str| {
        let head: String = s.as_str().chars().take(keep).collect();
        ShortText::parse(crate::validate::Field::Text, &format!("{head}{tail}")).expect("non-empty")
    };
    Complainant {
        name: c.name.as_ref().map(|n| cut(n, 1, "*")),
        phone: None,
        email: None,
        organisation: c.organisation.as_ref().map(|o| cut(o, 2, "***")),
        address: c.address.as_ref().map(|a| cut(a, 6, "***")),
    }
}

/// Kind tag of the placeholder that stands in for a confidential event a principal may not
/// read.
pub const CONFIDENTIAL_KIND: &str = "confidential";

/// Shapes one event of `case` for `principal`: personal data masked as `visibility` says, and
/// the confidential accountability records (decision, appeal, decision on the appeal; DESIGN
/// §8) replaced by a placeholder unless the principal is a supervisor or the staff member
/// concerned. The placeholder keeps the id, parents and clock, so the device's copy of the
/// history stays causally whole; its body is an unknown kind the fold never applies.
pub fn shape_event(
    principal: &Principal,
    case: &CaseView,
    event: &Event,
    visibility: Visibility,
) -> Event {
    let record = match &event.body {
        EventBody::AccountabilityRecorded(a) => Some(Some(a)),
        EventBody::AppealFiled(f) => Some(accountability_record(case, f.accountability)),
        EventBody::AppealDecided(d) => Some(
            case.appeals
                .iter()
                .find(|a| a.event == d.appeal)
                .and_then(|a| accountability_record(case, a.value.accountability)),
        ),
        _ => None,
    };
    let may_read = match (record, principal) {
        (None, _) | (_, Principal::System) => true,
        (Some(_), p) if p.has(Role::Supervisor) => true,
        (Some(Some(record)), p) => concerns(p, record),
        _ => false,
    };
    if !may_read {
        let mut event = event.clone();
        event.body = EventBody::Unknown(crate::event::UnknownBody {
            kind: CONFIDENTIAL_KIND.into(),
            raw: serde_json::json!({ "kind": CONFIDENTIAL_KIND }),
        });
        return event;
    }
    mask_event(event, visibility)
}

fn accountability_record(
    case: &CaseView,
    event: crate::ids::EventId,
) -> Option<&crate::event::AccountabilityRecorded> {
    case.accountability
        .iter()
        .find(|a| a.event == event)
        .map(|a| &a.value)
}

/// Whether an accountability decision concerns `principal`: the person held responsible, or,
/// for a department held responsible, that department's head, who appeals for it.
pub fn concerns(principal: &Principal, record: &crate::event::AccountabilityRecorded) -> bool {
    let Principal::User {
        id,
        roles,
        department,
    } = principal
    else {
        return false;
    };
    record.person.as_ref() == Some(id)
        || (record.department.is_some()
            && record.department.as_ref() == department.as_ref()
            && roles.contains(&Role::Manager))
}

/// Shapes an event for a principal who sees its case masked: personal data in registration
/// and amendments masked the same way. Returns the event unchanged for full visibility.
pub fn mask_event(event: &Event, visibility: Visibility) -> Event {
    if visibility == Visibility::Full {
        return event.clone();
    }
    let mut event = event.clone();
    match &mut event.body {
        EventBody::Registered(r) => r.complainant = strip(&r.complainant),
        EventBody::RecordAmended(a) => {
            if let Some(c) = a.complainant.as_mut() {
                *c = strip(c);
            }
        }
        _ => {}
    }
    event
}
