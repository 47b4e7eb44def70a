//! The rules a case runs under: its regulation profile's workflow settings and clocks, fixed
//! when the case is registered and carried in the registration event, so a case keeps the
//! version it started under and every device and the server fold it the same way, offline or
//! after an admin switched profiles.
//!
//! A registration without rules (written before profiles, or by a device with old reference
//! data) runs [`CaseRules::legacy`]: the one path every case took before.

use serde::{Deserialize, Serialize};

use crate::{
    model::Severity,
    sla::{Limit, SlaPolicy},
    validate::Money,
    view::CaseView,
};

/// The emergency path of 緊急重大 cases (002 "立即啟動應急預案"; 004 "立即啟動緊急處理程序").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

    /// Whether these are exactly the rules of a shipped profile's version: what the server
    /// accepts in a registration (a device cannot make up its own rules).
    pub fn is_shipped(&self) -> bool {
        crate::profile::Profile::builtin(&self.profile)
            .is_ok_and(|p| p.version == self.version && p.rules() == *self)
    }

    /// The clocks for a case of `severity`: the emergency path's for 緊急重大 where the
    /// profile has one.
    pub fn clocks_for(&self, severity: Option<Severity>) -> &SlaPolicy {
        match (&self.emergency, severity) {
            (Some(e), Some(Severity::UrgentMajor)) => &e.clocks,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// Investigation, plan, approval, execution, feedback.
    Standard,
    /// 緊急重大 under a profile with an emergency path.
    Emergency,
    /// 一般性 under a profile that lets the receiving department handle it directly.
    Short,
}

impl CaseView {
    /// The rules this case runs under: those its registration carries, else the legacy
    /// rules with `fallback` clocks (the policy in force).
    pub fn rules_or(&self, fallback: &SlaPolicy) -> std::borrow::Cow<'_, CaseRules> {
        match self.registration.as_ref().and_then(|r| r.rules.as_deref()) {
            Some(rules) => std::borrow::Cow::Borrowed(rules),
            None => std::borrow::Cow::Owned(CaseRules::legacy(*fallback)),
        }
    }

    /// The path the case is on now (severity may change at triage).
    pub fn path(&self) -> Path {
        let rules = self.registration.as_ref().and_then(|r| r.rules.as_deref());
        match (rules, self.severity) {
            (Some(r), Some(Severity::UrgentMajor)) if r.emergency.is_some() => Path::Emergency,
            (Some(r), Some(Severity::General)) if r.short_path => Path::Short,
            _ => Path::Standard,
        }
    }

    /// Whether the emergency alert is up for this case: urgent-major and open (DESIGN §4
    /// "supervisor and department are alerted first", whichever rules it runs under).
    pub fn alerts(&self) -> bool {
        self.severity == Some(Severity::UrgentMajor) && self.stage.is_open()
    }

    /// Whether the interim measure is still owed before the plan, execution and feedback.
    pub fn interim_owed(&self) -> bool {
        self.path() == Path::Emergency
            && self
                .registration
                .as_ref()
                .and_then(|r| r.rules.as_deref())
                .and_then(|r| r.emergency)
                .is_some_and(|e| e.interim.is_some())
            && self.interim.is_empty()
    }

    /// Whether the clocks are paused now, waiting for the complainant.
    pub fn paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.resumed.is_none())
    }

    /// The latest report found the complaint unfounded.
    pub fn found_unfounded(&self) -> bool {
        self.reports
            .last()
            .and_then(|r| r.value.finding)
            .is_some_and(|f| f == crate::event::Finding::Unfounded)
    }

    /// Whether the approval `event` gives now completes the current plan's approvals.
    pub fn approval_completes(&self, rules: &CaseRules) -> bool {
        let needed = rules.approvals_needed(self.plan.as_ref().and_then(|p| p.compensation));
        self.plan_approvals.len() + 1 >= usize::from(needed)
    }
}
