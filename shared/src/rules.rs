//! The rules a case runs under: its regulation profile's workflow settings and clocks, fixed
//! when the case is registered and carried in the registration event, so a case keeps the
//! version it started under and every device and the server fold it the same way, offline or
//! after an admin switched profiles.
//!
//! A registration without rules (written before profiles, or by a device with old reference
//! data) runs [`CaseRules::legacy`]: the one path every case took before.
//!
//! Data only, below everything that reads it: the time limits ([`Limit`], [`SlaPolicy`];
//! how a limit falls due on a calendar is [`crate::sla`]'s), the rules, the paths. What a
//! case's rules mean for it now is on [`CaseView`](crate::view::CaseView).

use serde::{Deserialize, Serialize};

use crate::validate::Money;

/// The emergency path of 緊急重大 cases (002 "立即啟動應急預案"; 004 "立即啟動緊急處理程序").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EmergencyRules {
    /// Receipt to the interim measure (臨時解決方案), where the regulation asks for one; the
    /// plan, execution and feedback wait for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interim: Option<Limit>,
    /// The shorter clocks of the path.
    pub clocks: SlaPolicy,
}

/// The workflow settings and clocks a case runs under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseRules {
    /// The profile the case started under.
    pub profile: String,
    /// Its version.
    pub version: u32,
    /// The stage clocks.
    pub clocks: SlaPolicy,
    /// 緊急重大 cases take the emergency path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<EmergencyRules>,
    /// 一般性 cases may be handled directly, without a plan and its approval (002
    /// "一般性問題:客戶服務部門可直接協調相關人員進行處理").
    #[serde(default)]
    pub short_path: bool,
    /// A complaint found unfounded may go straight to an explaining feedback (003
    /// "若客戶投訴事項的責任不在公司方,要耐心、認真地向客戶做出解釋").
    #[serde(default)]
    pub unfounded_feedback: bool,
    /// Plan approval levels: 1, or 2 where the second is needed above
    /// `second_level_above_yuan` of compensation.
    pub approval_levels: u8,
    /// With two levels, compensation above this (yuan) needs the second approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_level_above_yuan: Option<u32>,
    /// The clocks may pause while the complainant completes the record (004 "補充完善").
    #[serde(default)]
    pub supplement_pause: bool,
    /// Several departments may handle a case, one leading (001 "相關部門和單位", 002 "對於
    /// 複雜或涉及多部門的問題").
    #[serde(default)]
    pub co_handling: bool,
    /// A named investigator or an investigation team with a lead (003 "指定專人", 004
    /// "成立調查小組").
    #[serde(default)]
    pub team: bool,
    /// Rectification measures with an owner and a deadline are tracked (000 "整改措施", 002
    /// "明確責任人和整改期限").
    #[serde(default)]
    pub rectification: bool,
    /// An appeal is decided within this limit of its filing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_decision: Option<Limit>,
}

impl CaseRules {
    /// The rules of a case registered without any (before profiles): one path for every
    /// severity, one approval, no pause, the clocks of the policy in force.
    pub fn legacy(clocks: SlaPolicy) -> Self {
        CaseRules {
            profile: String::new(),
            version: 0,
            clocks,
            emergency: None,
            short_path: false,
            unfounded_feedback: false,
            approval_levels: 1,
            second_level_above_yuan: None,
            supplement_pause: false,
            rectification: false,
            co_handling: false,
            team: false,
            appeal_decision: None,
        }
    }

    /// The clocks for a case: the emergency path's for an urgent-major one (緊急重大) where
    /// the profile has one.
    pub fn clocks_for(&self, urgent_major: bool) -> &SlaPolicy {
        match &self.emergency {
            Some(e) if urgent_major => &e.clocks,
            _ => &self.clocks,
        }
    }

    /// How many approvals a plan offering `compensation` needs.
    pub fn approvals_needed(&self, compensation: Option<Money>) -> u8 {
        match (self.approval_levels, self.second_level_above_yuan) {
            (2, Some(above)) => {
                let fen = compensation.map(|m| m.fen()).unwrap_or(0);
                if fen > i64::from(above) * 100 { 2 } else { 1 }
            }
            (2, None) => 2,
            _ => 1,
        }
    }
}

/// Which path a case is on, by its rules and severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// Investigation, plan, approval, execution, feedback.
    Standard,
    /// 緊急重大 under a profile with an emergency path.
    Emergency,
    /// 一般性 under a profile that lets the receiving department handle it directly.
    Short,
}

crate::wire::wire_names!(Path {
    Standard => "standard",
    Emergency => "emergency",
    Short => "short",
});

/// A time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Limit {
    /// Clock minutes.
    Minutes(u32),
    /// Clock hours.
    Hours(u32),
    /// Calendar days (same time of day).
    CalendarDays(u32),
    /// Working days (end of the Nth working day after the start day).
    WorkingDays(u32),
}

/// Read from its flat wire form (`{"unit": …, "n": …}`), not through serde's reader of
/// adjacently tagged enums (`crate::wire`).
impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Flat {
            unit: String,
            n: u32,
        }
        let Flat { unit, n } = Flat::deserialize(d)?;
        match unit.as_str() {
            "minutes" => Ok(Limit::Minutes(n)),
            "hours" => Ok(Limit::Hours(n)),
            "calendar_days" => Ok(Limit::CalendarDays(n)),
            "working_days" => Ok(Limit::WorkingDays(n)),
            other => Err(D::Error::custom(format_args!("unknown variant `{other}`"))),
        }
    }
}

/// Time limits per stage, defaults from the seeds (DESIGN §5), configurable by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlaPolicy {
    /// Receipt to registration.
    pub register: Limit,
    /// Receipt to dispatch.
    pub dispatch: Limit,
    /// Dispatch to the department's plan (preliminary opinion).
    pub preliminary_opinion: Limit,
    /// Plan to review.
    pub review: Limit,
    /// Execution to feedback to the complainant.
    pub feedback: Limit,
    /// Receipt to answer (feedback or closing), ordinary cases.
    pub whole_case: Limit,
    /// Receipt to answer for special cases.
    pub whole_case_special: Limit,
    /// Receipt to answer for consultations.
    pub consultation: Limit,
    /// Feedback to revisit.
    pub revisit: Limit,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            register: Limit::Minutes(10),
            dispatch: Limit::WorkingDays(1),
            preliminary_opinion: Limit::WorkingDays(3),
            review: Limit::WorkingDays(1),
            feedback: Limit::WorkingDays(1),
            whole_case: Limit::WorkingDays(3),
            whole_case_special: Limit::WorkingDays(7),
            consultation: Limit::Hours(24),
            revisit: Limit::CalendarDays(7),
        }
    }
}
