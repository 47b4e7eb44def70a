//! Regulation profiles: each seed organisation's rules as data (`shared/data/profiles/*.json`),
//! one file per organisation, never a code branch. Beside every value the seed's words it
//! comes from, or, where the seed leaves it open, `默认：` and the reason for the default.
//!
//! A profile gives the clocks ([`SlaPolicy`]), the category tree with sub-items, causes,
//! severity levels and what each changes, approval levels, accountability measures,
//! satisfaction labels, the retention period and the printed forms' titles and fields.

mod forms;

use serde::{Deserialize, Serialize};

pub use forms::{FormField, Forms, PrintedForm, SheetField};

use crate::{
    clock::Timestamp,
    ids::CategoryId,
    model::{Category, Measure, Satisfaction, Severity},
    rules::{CaseRules, EmergencyRules},
    sla::{Limit, SlaPolicy, WorkCalendar},
};

/// A text in the three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Names {
    /// Simplified Chinese.
    pub zh_cn: String,
    /// Traditional Chinese.
    pub zh_tw: String,
    /// English.
    pub en: String,
}

/// A value and where it comes from: the seed's words, or `默认：` and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// The seed's words, or the stated default.
    pub seed: String,
}

impl<T> Sourced<T> {
    /// Whether the value is a stated default rather than the seed's own.
    pub fn is_default(&self) -> bool {
        self.seed.starts_with("默认")
    }
}

/// The clocks of a profile, stage by stage (what [`SlaPolicy`] holds, with sources).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(missing_docs)]
pub struct Clocks {
    pub register: Sourced<Limit>,
    pub dispatch: Sourced<Limit>,
    pub preliminary_opinion: Sourced<Limit>,
    pub review: Sourced<Limit>,
    pub feedback: Sourced<Limit>,
    pub whole_case: Sourced<Limit>,
    pub whole_case_special: Sourced<Limit>,
    pub consultation: Sourced<Limit>,
    pub revisit: Sourced<Limit>,
}

/// A category or sub-item (`parent` set) of the profile's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileCategory {
    /// Id (sub-items as `parent.item`).
    pub id: CategoryId,
    /// Parent category, for a sub-item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CategoryId>,
    /// Name.
    pub name: Names,
    /// Cases in it are about goods (品名, 數量 required).
    #[serde(default)]
    pub requires_goods: bool,
    /// Where it comes from.
    pub seed: String,
}

/// An entry of a named list (causes, measures): id, name, source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Item {
    /// Id (a slug).
    pub id: String,
    /// Name.
    pub name: Names,
    /// Where it comes from.
    pub seed: String,
}

/// A measure of accountability (責任追究) the profile allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeasureItem {
    /// Which measure.
    pub id: Measure,
    /// Name.
    pub name: Names,
    /// A fine: the decision carries an amount.
    #[serde(default)]
    pub has_amount: bool,
    /// It may be imposed on a department as well as a person.
    #[serde(default)]
    pub department: bool,
    /// Where it comes from.
    pub seed: String,
}

/// A severity level and what it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeverityRule {
    /// The level.
    pub level: Severity,
    /// Its name in this regulation.
    pub name: Names,
    /// What it changes (path, limits, alerts), in words.
    pub effect: Names,
    /// Where it comes from.
    pub seed: String,
}

/// Who approves a handling plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Approval {
    /// One or two levels.
    pub levels: u8,
    /// With two levels, the second is needed above this compensation (yuan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_level_above_yuan: Option<u32>,
    /// Where it comes from.
    pub seed: String,
}

/// A satisfaction level's name in this regulation (000 says 部分滿意, others 基本滿意).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SatisfactionLabel {
    /// The level.
    pub level: Satisfaction,
    /// Its name.
    pub name: Names,
    /// Where it comes from.
    pub seed: String,
}

/// One organisation's regulation as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Profile {
    /// Id: `parcel-station`, `metro`, `warehouse`, `disinfection-service`, `complaint-office`.
    pub id: String,
    /// Version of this profile's data; a change of rules is a new version.
    pub version: u32,
    /// The seed file it is drawn from (`000` … `004`).
    pub seed_file: String,
    /// The regulation's name.
    pub name: Names,
    /// Stage clocks.
    pub clocks: Clocks,
    /// Categories and sub-items, parents first.
    pub categories: Vec<ProfileCategory>,
    /// Causes (原因).
    pub causes: Vec<Item>,
    /// Severity levels and their effects.
    pub severities: Vec<SeverityRule>,
    /// Plan approval.
    pub approval: Approval,
    /// Accountability measures.
    pub measures: Vec<MeasureItem>,
    /// Satisfaction labels.
    pub satisfaction: Vec<SatisfactionLabel>,
    /// The investigation report says whose fault it was (003).
    pub ask_fault: Sourced<bool>,
    /// Days an archived case is kept before it may be destroyed.
    pub retention_days: Sourced<u32>,
    /// Printed forms.
    pub forms: Forms,
    /// The workflow options the regulation needs.
    pub workflow: WorkflowSettings,
}

/// The emergency path's clocks: shorter limits for each stage, and the interim measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(missing_docs)]
pub struct EmergencyClocks {
    /// Receipt to the interim measure, where the regulation asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interim: Option<Limit>,
    pub dispatch: Limit,
    pub preliminary_opinion: Limit,
    pub review: Limit,
    pub feedback: Limit,
    pub whole_case: Limit,
}

/// The workflow options of a profile, each with its source (see [`crate::rules::CaseRules`]
/// for what each does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WorkflowSettings {
    /// 一般性 cases handled directly, without a plan approval.
    pub short_path: Sourced<bool>,
    /// The emergency path of 緊急重大 cases, if the regulation has one.
    pub emergency: Sourced<Option<EmergencyClocks>>,
    /// An unfounded complaint goes straight to an explaining feedback.
    pub unfounded_feedback: Sourced<bool>,
    /// The clocks pause while the complainant completes the record.
    pub supplement_pause: Sourced<bool>,
    /// An appeal against a measure is decided within this limit.
    pub appeal_decision: Sourced<Option<Limit>>,
    /// Rectification measures are tracked with owner and deadline.
    pub rectification: Sourced<bool>,
    /// Several departments may handle a case, one leading.
    pub co_handling: Sourced<bool>,
    /// A named investigator or a team with a lead.
    pub team: Sourced<bool>,
    /// Hours before a deadline in which whoever owes the next step is alerted (issue 16 §6).
    #[serde(default = "near_due_default")]
    pub near_due_hours: Sourced<u32>,
}

fn near_due_default() -> Sourced<u32> {
    Sourced {
        value: crate::alerts::DEFAULT_NEAR_DUE_HOURS,
        seed: "默认：期限前 24 小时提醒承办人（001「督促…按時限辦理」）".into(),
    }
}

/// The ids of the shipped profiles, in seed order.
pub const PROFILE_IDS: [&str; 5] = [
    "parcel-station",
    "metro",
    "warehouse",
    "disinfection-service",
    "complaint-office",
];

/// The profile a new installation starts with when none is chosen: the parcel station (000),
/// whose categories are the ones the app shipped with, so nothing changes for it.
pub const DEFAULT_PROFILE: &str = "parcel-station";

const SOURCES: [&str; 5] = [
    include_str!("../../data/profiles/parcel-station.json"),
    include_str!("../../data/profiles/metro.json"),
    include_str!("../../data/profiles/warehouse.json"),
    include_str!("../../data/profiles/disinfection-service.json"),
    include_str!("../../data/profiles/complaint-office.json"),
];

/// Why a profile's data is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Not a profile of this build.
    #[error("unknown profile {0:?}")]
    Unknown(String),
    /// The JSON does not read as a profile.
    #[error("profile data: {0}")]
    Malformed(String),
    /// A value has no source.
    #[error("{0}: no seed words or stated default beside it")]
    Unsourced(String),
    /// A sub-item names a parent that is not before it.
    #[error("category {0}: its parent is not listed before it")]
    Orphan(String),
    /// An edited profile keeps a version that is in force, known or shipped already.
    #[error("version {0} of this profile exists: an edit takes a higher version")]
    VersionTaken(u32),
    /// A case meeting every stage deadline would still miss the whole-case one.
    #[error("the stages end {stages_end:?}, after the whole-case limit {whole:?}")]
    Inconsistent {
        /// When the last stage falls due if each takes its whole limit.
        stages_end: Timestamp,
        /// When the whole case falls due.
        whole: Timestamp,
    },
}

impl Profile {
    /// Reads and checks a profile's JSON (sources present, parents before children).
    pub fn parse(json: &str) -> Result<Self, ProfileError> {
        let profile: Profile =
            crate::json::from_str(json).map_err(|e| ProfileError::Malformed(e.to_string()))?;
        profile.check_sources()?;
        Ok(profile)
    }

    /// A shipped profile by id.
    pub fn builtin(id: &str) -> Result<Self, ProfileError> {
        let at = PROFILE_IDS
            .iter()
            .position(|p| *p == id)
            .ok_or_else(|| ProfileError::Unknown(id.to_string()))?;
        Profile::parse(SOURCES[at])
    }

    /// Every shipped profile, in seed order.
    pub fn all() -> Vec<Profile> {
        PROFILE_IDS
            .iter()
            .map(|id| Profile::builtin(id).expect("shipped profiles parse (tested)"))
            .collect()
    }

    /// The clocks as the deadline rules take them.
    pub fn policy(&self) -> SlaPolicy {
        let c = &self.clocks;
        SlaPolicy {
            register: c.register.value,
            dispatch: c.dispatch.value,
            preliminary_opinion: c.preliminary_opinion.value,
            review: c.review.value,
            feedback: c.feedback.value,
            whole_case: c.whole_case.value,
            whole_case_special: c.whole_case_special.value,
            consultation: c.consultation.value,
            revisit: c.revisit.value,
        }
    }

    /// Whether an admin's edit of a profile may be put in force, replacing `current` (the
    /// profile in force, if any): its sources are all given (checked by [`Profile::parse`]),
    /// its version is above the shipped one and the one in force for the same id, and its
    /// clocks are consistent for a case received on any day of the calendar's first known
    /// year, in the morning or late at night, on both paths.
    pub fn check_edit(
        &self,
        current: Option<&ProfileInfo>,
        calendar: &WorkCalendar,
    ) -> Result<(), ProfileError> {
        self.check_sources()?;
        let shipped = Profile::builtin(&self.id).ok().map(|p| p.version);
        let in_force = current.filter(|c| c.id == self.id).map(|c| c.version);
        if let Some(v) = shipped
            .into_iter()
            .chain(in_force)
            .find(|v| *v >= self.version)
        {
            return Err(ProfileError::VersionTaken(v));
        }
        self.check_clocks_all_year(calendar)
    }

    /// [`Profile::check_clocks`] for a case received at 10:30 and at 23:30 on every day of
    /// the calendar's first year: the clock part of [`Profile::check_edit`], which the
    /// administrator's screen runs before sending (without the shipped profiles' data).
    pub fn check_clocks_all_year(&self, calendar: &WorkCalendar) -> Result<(), ProfileError> {
        let year = calendar.years.iter().next().copied().unwrap_or(2026);
        let mut day = crate::clock::Date::new(year, 1, 1).expect("1 January");
        while day.year() == year {
            for hour in [10, 23] {
                let received = Timestamp::from_local(day, hour, 30, calendar.offset_minutes);
                self.check_clocks(calendar, received)?;
            }
            day = day.succ();
        }
        Ok(())
    }

    /// The rules a case registered under this profile runs under (carried in its
    /// registration).
    pub fn rules(&self) -> CaseRules {
        let clocks = self.policy();
        let w = &self.workflow;
        CaseRules {
            profile: self.id.clone(),
            version: self.version,
            clocks,
            emergency: w.emergency.value.map(|e| EmergencyRules {
                interim: e.interim,
                clocks: SlaPolicy {
                    dispatch: e.dispatch,
                    preliminary_opinion: e.preliminary_opinion,
                    review: e.review,
                    feedback: e.feedback,
                    whole_case: e.whole_case,
                    ..clocks
                },
            }),
            short_path: w.short_path.value,
            unfounded_feedback: w.unfounded_feedback.value,
            approval_levels: self.approval.levels,
            second_level_above_yuan: self.approval.second_level_above_yuan,
            supplement_pause: w.supplement_pause.value,
            appeal_decision: w.appeal_decision.value,
            rectification: w.rectification.value,
            co_handling: w.co_handling.value,
            team: w.team.value,
        }
    }

    /// The category tree as the catalog holds it.
    pub fn catalog_categories(&self) -> Vec<Category> {
        self.categories
            .iter()
            .map(|c| Category {
                id: c.id.clone(),
                parent: c.parent.clone(),
                name_zh_cn: c.name.zh_cn.clone(),
                name_zh_tw: c.name.zh_tw.clone(),
                name_en: c.name.en.clone(),
                requires_goods: c.requires_goods,
            })
            .collect()
    }

    /// What devices are told of the profile in force with the reference data.
    pub fn info(&self) -> ProfileInfo {
        ProfileInfo {
            id: self.id.clone(),
            version: self.version,
            name: self.name.clone(),
            satisfaction: self.satisfaction.clone(),
            measures: self.measures.clone(),
            forms: Some(self.forms.clone()),
            ask_fault: self.ask_fault.value,
            rules: Some(self.rules()),
            near_due_hours: self.workflow.near_due_hours.value,
        }
    }

    /// Whether a case that takes each stage's whole limit, one after another (execution
    /// taking no time), is still answered within the whole-case limit, for a case received
    /// at `received`. The stages: dispatch, the department's opinion, review, feedback.
    pub fn check_clocks(
        &self,
        calendar: &WorkCalendar,
        received: Timestamp,
    ) -> Result<(), ProfileError> {
        let rules = self.rules();
        check_policy(&rules.clocks, calendar, received)?;
        if let Some(e) = &rules.emergency {
            check_policy(&e.clocks, calendar, received)?;
        }
        Ok(())
    }

    fn check_sources(&self) -> Result<(), ProfileError> {
        let need = |what: &str, seed: &str| {
            if seed.trim().is_empty() {
                Err(ProfileError::Unsourced(what.to_string()))
            } else {
                Ok(())
            }
        };
        let c = &self.clocks;
        for (what, s) in [
            ("register", &c.register),
            ("dispatch", &c.dispatch),
            ("preliminary_opinion", &c.preliminary_opinion),
            ("review", &c.review),
            ("feedback", &c.feedback),
            ("whole_case", &c.whole_case),
            ("whole_case_special", &c.whole_case_special),
            ("consultation", &c.consultation),
            ("revisit", &c.revisit),
        ] {
            need(what, &s.seed)?;
        }
        let mut seen: Vec<&CategoryId> = Vec::new();
        for cat in &self.categories {
            need(cat.id.as_str(), &cat.seed)?;
            if let Some(parent) = &cat.parent
                && !seen.contains(&parent)
            {
                return Err(ProfileError::Orphan(cat.id.to_string()));
            }
            seen.push(&cat.id);
        }
        for i in &self.causes {
            need(&i.id, &i.seed)?;
        }
        for m in &self.measures {
            need(&format!("{:?}", m.id), &m.seed)?;
        }
        for s in &self.severities {
            need(&format!("{:?}", s.level), &s.seed)?;
        }
        for s in &self.satisfaction {
            need(&format!("{:?}", s.level), &s.seed)?;
        }
        need("approval", &self.approval.seed)?;
        need("retention_days", &self.retention_days.seed)?;
        need("ask_fault", &self.ask_fault.seed)?;
        need("forms.record", &self.forms.record.seed)?;
        need("forms.handling", &self.forms.handling.seed)?;
        let w = &self.workflow;
        need("workflow.short_path", &w.short_path.seed)?;
        need("workflow.emergency", &w.emergency.seed)?;
        need("workflow.unfounded_feedback", &w.unfounded_feedback.seed)?;
        need("workflow.supplement_pause", &w.supplement_pause.seed)?;
        need("workflow.appeal_decision", &w.appeal_decision.seed)?;
        need("workflow.rectification", &w.rectification.seed)?;
        need("workflow.co_handling", &w.co_handling.seed)?;
        need("workflow.team", &w.team.seed)?;
        Ok(())
    }
}

/// Whether a case taking each stage's whole limit of `p` is still answered in time.
fn check_policy(
    p: &SlaPolicy,
    calendar: &WorkCalendar,
    received: Timestamp,
) -> Result<(), ProfileError> {
    // Each stage starts the moment the one before falls due (its last millisecond, so a
    // stage due at the end of a day hands over on that day).
    let mut at = received;
    for limit in [p.dispatch, p.preliminary_opinion, p.review, p.feedback] {
        at = Timestamp(limit.due(at, calendar).at.0 - 1);
    }
    let whole = p.whole_case.due(received, calendar).at;
    let stages_end = Timestamp(at.0 + 1);
    if stages_end > whole {
        return Err(ProfileError::Inconsistent { stages_end, whole });
    }
    Ok(())
}

impl CaseRules {
    /// Whether these are exactly the rules of a shipped profile's version: what the server
    /// accepts in a registration (a device cannot make up its own rules).
    pub fn is_shipped(&self) -> bool {
        crate::profile::Profile::builtin(&self.profile)
            .is_ok_and(|p| p.version == self.version && p.rules() == *self)
    }
}

/// The profile in force, as devices are told with the reference data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileInfo {
    /// Id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// Name.
    pub name: Names,
    /// The satisfaction levels as this regulation names them (screens and forms use them).
    #[serde(default)]
    pub satisfaction: Vec<SatisfactionLabel>,
    /// The accountability measures this regulation names, in its words.
    #[serde(default)]
    pub measures: Vec<MeasureItem>,
    /// The printed forms, laid out as the regulation has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forms: Option<Forms>,
    /// The investigation report says whose fault it was.
    #[serde(default)]
    pub ask_fault: bool,
    /// The rules a case registered now runs under: devices put them in the registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<CaseRules>,
    /// Hours before a deadline in which staff are alerted.
    #[serde(default = "default_near_due_hours")]
    pub near_due_hours: u32,
}

fn default_near_due_hours() -> u32 {
    crate::alerts::DEFAULT_NEAR_DUE_HOURS
}
