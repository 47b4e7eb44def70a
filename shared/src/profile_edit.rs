//! An administrator's edit of the regulation profile in force (issue 15 §3: categories with
//! sub-items, the cause list, the clocks and options). Every value of a profile carries its
//! source (the seed's words or a stated default); a value the administrator changes takes the
//! basis they give for the change instead (the organisation's decision, notice or meeting),
//! so the profile never holds a value nobody can account for. The edit becomes a new version
//! above the one in force; the server then checks it whole ([`Profile::check_edit`]).

use crate::{
    ids::CategoryId,
    profile::{Item, Profile, ProfileCategory, Sourced},
};

/// Why an edit cannot be put forward (nothing sent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditProblem {
    /// No basis given for the change.
    #[error("the basis of the change is missing")]
    NoBasis,
    /// The edit changes nothing.
    #[error("nothing changed")]
    NothingChanged,
    /// A category's or cause's names are missing in a language or too long.
    #[error("{0}: names of 1–50 characters in every language")]
    BadNames(String),
    /// Two categories or two causes share an id.
    #[error("{0} twice")]
    Twice(String),
}

/// The longest basis kept.
pub const MAX_BASIS_CHARS: usize = 200;

fn restamp<T: PartialEq>(base: Option<&Sourced<T>>, edited: &mut Sourced<T>, basis: &str) -> bool {
    let changed = base.is_none_or(|b| b.value != edited.value);
    if changed {
        edited.seed = basis.to_string();
    }
    changed
}

/// Whether a category's or cause's names are given in every language, 1 to 50 characters.
pub fn names_ok(n: &crate::profile::Names) -> bool {
    [&n.zh_cn, &n.zh_tw, &n.en]
        .iter()
        .all(|s| !s.trim().is_empty() && s.chars().count() <= 50)
}

/// `edited` made ready to put in force over `base`: a version above it, and every clock,
/// option, category and cause that differs from `base` (or is new) sourced by `basis`.
/// Values left as they were keep their own source.
pub fn stamped(base: &Profile, mut edited: Profile, basis: &str) -> Result<Profile, EditProblem> {
    let basis = basis.trim();
    if basis.is_empty() {
        return Err(EditProblem::NoBasis);
    }
    let basis: String = basis.chars().take(MAX_BASIS_CHARS).collect();
    let mut changed = false;
    let (b, e) = (&base.clocks, &mut edited.clocks);
    for (old, new) in [
        (&b.register, &mut e.register),
        (&b.dispatch, &mut e.dispatch),
        (&b.preliminary_opinion, &mut e.preliminary_opinion),
        (&b.review, &mut e.review),
        (&b.feedback, &mut e.feedback),
        (&b.whole_case, &mut e.whole_case),
        (&b.whole_case_special, &mut e.whole_case_special),
        (&b.consultation, &mut e.consultation),
        (&b.revisit, &mut e.revisit),
    ] {
        changed |= restamp(Some(old), new, &basis);
    }
    let (b, e) = (&base.workflow, &mut edited.workflow);
    for (old, new) in [
        (&b.short_path, &mut e.short_path),
        (&b.unfounded_feedback, &mut e.unfounded_feedback),
        (&b.supplement_pause, &mut e.supplement_pause),
        (&b.rectification, &mut e.rectification),
        (&b.co_handling, &mut e.co_handling),
        (&b.team, &mut e.team),
    ] {
        changed |= restamp(Some(old), new, &basis);
    }
    changed |= restamp(Some(&base.ask_fault), &mut edited.ask_fault, &basis);
    changed |= restamp(
        Some(&base.retention_days),
        &mut edited.retention_days,
        &basis,
    );
    changed |= restamp(
        Some(&base.workflow.near_due_hours),
        &mut edited.workflow.near_due_hours,
        &basis,
    );
    let mut ids: Vec<&CategoryId> = Vec::new();
    for c in &mut edited.categories {
        if !names_ok(&c.name) {
            return Err(EditProblem::BadNames(c.id.to_string()));
        }
        let before = base.categories.iter().find(|o| o.id == c.id);
        if before.is_none_or(|o| !same_category(o, c)) {
            c.seed = basis.clone();
            changed = true;
        }
    }
    for c in &edited.categories {
        if ids.contains(&&c.id) {
            return Err(EditProblem::Twice(c.id.to_string()));
        }
        ids.push(&c.id);
    }
    changed |= edited.categories.len() != base.categories.len();
    let mut cause_ids: Vec<&str> = Vec::new();
    for i in &mut edited.causes {
        if !names_ok(&i.name) {
            return Err(EditProblem::BadNames(i.id.clone()));
        }
        let before = base.causes.iter().find(|o| o.id == i.id);
        if before.is_none_or(|o| !same_item(o, i)) {
            i.seed = basis.clone();
            changed = true;
        }
    }
    for i in &edited.causes {
        if cause_ids.contains(&i.id.as_str()) {
            return Err(EditProblem::Twice(i.id.clone()));
        }
        cause_ids.push(&i.id);
    }
    changed |= edited.causes.len() != base.causes.len();
    if !changed {
        return Err(EditProblem::NothingChanged);
    }
    edited.version = base.version + 1;
    Ok(edited)
}

fn same_category(a: &ProfileCategory, b: &ProfileCategory) -> bool {
    a.parent == b.parent && a.name == b.name && a.requires_goods == b.requires_goods
}

fn same_item(a: &Item, b: &Item) -> bool {
    a.name == b.name
}

/// Where a new category goes in the list: a top-level one at the end, a sub-item after its
/// parent's last sub-item (parents stay before their children, as the profile requires).
pub fn insert_category(list: &mut Vec<ProfileCategory>, category: ProfileCategory) {
    let at = match &category.parent {
        None => list.len(),
        Some(parent) => list
            .iter()
            .rposition(|c| &c.id == parent || c.parent.as_ref() == Some(parent))
            .map_or(list.len(), |i| i + 1),
    };
    list.insert(at, category);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{profile::Names, sla::Limit};

    fn metro() -> Profile {
        Profile::builtin("metro").expect("shipped")
    }

    fn names(zh: &str) -> Names {
        Names {
            zh_cn: zh.into(),
            zh_tw: zh.into(),
            en: "Lift".into(),
        }
    }

    #[test]
    fn a_changed_clock_takes_the_basis_and_the_rest_keep_their_seed_words() {
        let base = metro();
        let mut edited = base.clone();
        edited.clocks.dispatch.value = Limit::Hours(4);
        let out = stamped(&base, edited, "  2026年第3号通知  ").expect("an edit");
        assert_eq!(out.version, base.version + 1);
        assert_eq!(out.clocks.dispatch.seed, "2026年第3号通知");
        assert_eq!(out.clocks.review, base.clocks.review);
        assert_eq!(out.categories, base.categories);
    }

    #[test]
    fn a_new_sub_item_goes_after_its_parent_with_the_basis() {
        let base = metro();
        let mut edited = base.clone();
        let parent = base.categories[1].id.clone();
        let id = CategoryId::parse(&format!("{parent}.lift")).expect("slug");
        insert_category(
            &mut edited.categories,
            ProfileCategory {
                id: id.clone(),
                parent: Some(parent.clone()),
                name: names("电梯"),
                requires_goods: false,
                seed: String::new(),
            },
        );
        let out = stamped(&base, edited, "会议纪要").expect("an edit");
        let at = out
            .categories
            .iter()
            .position(|c| c.id == id)
            .expect("added");
        assert_eq!(out.categories[at - 1].id, parent);
        assert_eq!(out.categories[at].seed, "会议纪要");
    }

    #[test]
    fn an_edit_needs_a_basis_a_change_and_names_in_every_language() {
        let base = metro();
        assert_eq!(
            stamped(&base, base.clone(), "通知"),
            Err(EditProblem::NothingChanged)
        );
        let mut edited = base.clone();
        edited.retention_days.value = 1825;
        assert_eq!(
            stamped(&base, edited.clone(), " "),
            Err(EditProblem::NoBasis)
        );
        edited.causes[0].name.en = String::new();
        assert!(matches!(
            stamped(&base, edited, "通知"),
            Err(EditProblem::BadNames(_))
        ));
    }

    #[test]
    fn a_stamped_edit_is_accepted_by_the_servers_check() {
        let base = metro();
        let mut edited = base.clone();
        edited.causes.push(Item {
            id: "crowding".into(),
            name: names("客流拥挤"),
            seed: String::new(),
        });
        let out = stamped(&base, edited, "运营例会决定").expect("an edit");
        let calendar = crate::sla::WorkCalendar::china_default();
        assert_eq!(out.check_edit(Some(&base.info()), &calendar), Ok(()));
    }
}
