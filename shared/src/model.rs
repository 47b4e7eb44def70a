//! The record sheet (客戶投訴記錄單) and everything a case accumulates (DESIGN §3–§9).

use serde::{Deserialize, Serialize};

use crate::{
    clock::Timestamp,
    ids::{CategoryId, DepartmentId, UserId},
    validate::{BlobHash, Email, Field, FieldError, LongText, PhoneNumber, Rule, ShortText},
};

/// What kind of matter a case is (類型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 投訴
    Complaint,
    /// 建議
    Suggestion,
    /// 咨詢
    Consultation,
}

crate::wire::wire_names!(CaseKind {
    Complaint => "complaint",
    Suggestion => "suggestion",
    Consultation => "consultation",
});

impl CaseKind {
    /// Whether a case of this kind may close without feedback and revisit (a consultation
    /// answered at once, a suggestion acknowledged: DESIGN §4).
    pub fn allows_early_close(self) -> bool {
        matches!(self, CaseKind::Suggestion | CaseKind::Consultation)
    }
}

/// How the case reached us (渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Channel {
    Phone,
    Web,
    OnSite,
    Email,
    Letter,
    SuggestionBox,
    InternalOa,
    Kiosk,
}

crate::wire::wire_names!(Channel {
    Phone => "phone",
    Web => "web",
    OnSite => "on_site",
    Email => "email",
    Letter => "letter",
    SuggestionBox => "suggestion_box",
    InternalOa => "internal_oa",
    Kiosk => "kiosk",
});

/// Urgency and weight (緊急程度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 一般性
    General,
    /// 一般重要
    Important,
    /// 緊急重大: starts the emergency path, listed above everything else.
    UrgentMajor,
}

crate::wire::wire_names!(Severity {
    General => "general",
    Important => "important",
    UrgentMajor => "urgent_major",
});

/// Where a case is in its lifecycle (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Stage {
    Registered,
    Triaged,
    Dispatched,
    Investigating,
    PlanProposed,
    PlanApproved,
    Executing,
    FeedbackGiven,
    Revisited,
    Closed,
    Archived,
    Destroyed,
}

crate::wire::wire_names!(Stage {
    Registered => "registered",
    Triaged => "triaged",
    Dispatched => "dispatched",
    Investigating => "investigating",
    PlanProposed => "plan_proposed",
    PlanApproved => "plan_approved",
    Executing => "executing",
    FeedbackGiven => "feedback_given",
    Revisited => "revisited",
    Closed => "closed",
    Archived => "archived",
    Destroyed => "destroyed",
});

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 12] = [
        Stage::Registered,
        Stage::Triaged,
        Stage::Dispatched,
        Stage::Investigating,
        Stage::PlanProposed,
        Stage::PlanApproved,
        Stage::Executing,
        Stage::FeedbackGiven,
        Stage::Revisited,
        Stage::Closed,
        Stage::Archived,
        Stage::Destroyed,
    ];

    /// Open cases are those still being handled (not closed, archived or destroyed).
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Closed | Stage::Archived | Stage::Destroyed)
    }
}

/// How a closed case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Handled through feedback and revisit.
    Resolved,
    /// Closed early: a consultation answered or a suggestion acknowledged.
    AnsweredEarly,
    /// 不予受理: outside what the organisation handles.
    OutOfScope,
    /// A duplicate of another case.
    Duplicate,
}

crate::wire::wire_names!(Outcome {
    Resolved => "resolved",
    AnsweredEarly => "answered_early",
    OutOfScope => "out_of_scope",
    Duplicate => "duplicate",
});

/// Who the complainant is to the organisation (004: "本制度適用於公司內部員工、客戶以及與公司有
/// 業務往來的合作夥伴"). Not personal data: kept for statistics, also on anonymous complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplainantType {
    /// 客戶.
    Customer,
    /// 內部員工.
    Employee,
    /// 合作夥伴.
    Partner,
}

crate::wire::wire_names!(ComplainantType {
    Customer => "customer",
    Employee => "employee",
    Partner => "partner",
});

/// The person complaining. Every field is optional (anonymous complaints) and all of it is
/// personal data (DESIGN §9), masked for roles without the right.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Complainant {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ShortText>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneNumber>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Organisation (客戶名稱 when the customer is a company).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<ShortText>,
    /// Address (服務地址).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<ShortText>,
}

impl Complainant {
    /// Whether there is a way to answer: a phone number or an e-mail.
    pub fn has_contact(&self) -> bool {
        self.phone.is_some() || self.email.is_some()
    }
}

/// Goods concerned (品名, 數量), when a case is about goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Goods {
    /// Product name.
    pub name: ShortText,
    /// Quantity, at least 1.
    pub quantity: u32,
}

impl Goods {
    /// Goods with a quantity of at least one.
    pub fn new(name: ShortText, quantity: u32) -> Result<Self, FieldError> {
        if quantity == 0 || quantity > 1_000_000 {
            return Err(FieldError::new(Field::GoodsQuantity, Rule::OutOfRange));
        }
        Ok(Goods { name, quantity })
    }
}

/// A photo or document, named by the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Attachment {
    /// Content hash; the blob is fetched by it.
    pub hash: BlobHash,
    /// Media type, e.g. `image/jpeg`.
    pub media_type: ShortText,
    /// Original file name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ShortText>,
    /// Size in bytes.
    pub size: u64,
}

/// What happened and what is asked: the record sheet's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseDetails {
    /// When it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// Where: site, station, address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<ShortText>,
    /// What happened (投訴事由).
    pub description: LongText,
    /// What the complainant asks for (訴求).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<LongText>,
    /// Goods concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods: Option<Goods>,
}

/// The record sheet as registered (受理登記).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Registration {
    /// Complaint, suggestion or consultation. (`case_kind` on the wire: `kind` is the event
    /// tag.)
    #[serde(rename = "case_kind")]
    pub kind: CaseKind,
    /// How it reached us.
    pub channel: Channel,
    /// The complainant chose not to be identified.
    pub anonymous: bool,
    /// Who complains (empty when anonymous).
    #[serde(default)]
    pub complainant: Complainant,
    /// Who the complainant is to the organisation, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_type: Option<ComplainantType>,
    /// What happened and what is asked.
    pub details: CaseDetails,
    /// When we received it (may precede registration: a phone call noted on paper).
    pub received_at: Timestamp,
    /// Category, if the registrant already knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryId>,
    /// Severity, if already assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Photos and documents handed in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// The rules the case runs under, from the profile in force where it was registered
    /// (`None`: registered before profiles; the legacy rules apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Box<crate::rules::CaseRules>>,
    /// The answer date a kiosk or web receipt promised the complainant (002 "自動回復…預計
    /// 處理時間"): what staff see they are held to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_answer: Option<Timestamp>,
}

impl Registration {
    /// Checks the rules that span fields, against the configured reference data: a named
    /// (not anonymous) case needs a phone or e-mail to answer; an anonymous one carries no
    /// personal data; the category must exist, and a category about goods (parcel loss or
    /// damage) needs the goods (品名, 數量). Returns every broken rule, not just the first,
    /// so a form can show them all.
    pub fn check(&self, catalog: &Catalog) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !self.anonymous && !self.complainant.has_contact() {
            errors.push(FieldError::new(Field::Contact, Rule::ContactRequired));
        }
        if self.anonymous && self.complainant != Complainant::default() {
            errors.push(FieldError::new(Field::ComplainantName, Rule::NotForKind));
        }
        if let Some(category) = &self.category {
            match catalog.categories.iter().find(|c| &c.id == category) {
                None => errors.push(FieldError::new(Field::Category, Rule::UnknownCategory)),
                Some(c) if c.requires_goods && self.details.goods.is_none() => {
                    errors.push(FieldError::new(Field::GoodsName, Rule::Required));
                }
                Some(_) => {}
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Kinds of note in the investigation record (調查記錄).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Site visit, records checked, findings in progress.
    Investigation,
    /// An interview; may carry the interviewee's signature (簽字確認).
    Interview,
    /// The department manager's opinion (部門負責人意見).
    DepartmentOpinion,
    /// The customer's opinion on the handling sheet (客戶意見).
    CustomerOpinion,
    /// Anything else.
    Remark,
}

crate::wire::wire_names!(NoteKind {
    Investigation => "investigation",
    Interview => "interview",
    DepartmentOpinion => "department_opinion",
    CustomerOpinion => "customer_opinion",
    Remark => "remark",
});

/// A plan reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanDecision {
    /// Approved: execution may start.
    Approved,
    /// 審核不通過: back to investigating with the reviewer's comment.
    Returned,
}

crate::wire::wire_names!(PlanDecision {
    Approved => "approved",
    Returned => "returned",
});

/// How the complainant was told the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum FeedbackChannel {
    Phone,
    Sms,
    Email,
    Letter,
    InPerson,
}

crate::wire::wire_names!(FeedbackChannel {
    Phone => "phone",
    Sms => "sms",
    Email => "email",
    Letter => "letter",
    InPerson => "in_person",
});

/// How a revisit was made (回訪).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum RevisitMethod {
    Phone,
    OnSite,
    Questionnaire,
}

crate::wire::wire_names!(RevisitMethod {
    Phone => "phone",
    OnSite => "on_site",
    Questionnaire => "questionnaire",
});

/// The complainant's satisfaction at revisit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 滿意
    Satisfied,
    /// 基本滿意
    PartlySatisfied,
    /// 不滿意: reopens the case.
    NotSatisfied,
}

crate::wire::wire_names!(Satisfaction {
    Satisfied => "satisfied",
    PartlySatisfied => "partly_satisfied",
    NotSatisfied => "not_satisfied",
});

/// The kind of responsibility held (責任追究, DESIGN §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Responsibility {
    Direct,
    Indirect,
    Primary,
    Secondary,
    Leadership,
}

crate::wire::wire_names!(Responsibility {
    Direct => "direct",
    Indirect => "indirect",
    Primary => "primary",
    Secondary => "secondary",
    Leadership => "leadership",
});

/// The measure taken against the person responsible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Measure {
    CriticismEducation,
    WrittenSelfReview,
    Fine,
    Reassignment,
    Dismissal,
    /// 警告 (002, 004).
    Warning,
    /// 降職 (002, 004).
    Demotion,
    /// 降薪 (004).
    PayCut,
    /// 解除勞動合同 (004).
    ContractTerminated,
    /// 追究法律責任 (004).
    LegalAction,
    /// 績效扣分 (002).
    PerformanceDeduction,
    /// A department reprimanded (通報批評, 001 and 002).
    DepartmentNotice,
}

crate::wire::wire_names!(Measure {
    CriticismEducation => "criticism_education",
    WrittenSelfReview => "written_self_review",
    Fine => "fine",
    Reassignment => "reassignment",
    Dismissal => "dismissal",
    Warning => "warning",
    Demotion => "demotion",
    PayCut => "pay_cut",
    ContractTerminated => "contract_terminated",
    LegalAction => "legal_action",
    PerformanceDeduction => "performance_deduction",
    DepartmentNotice => "department_notice",
});

impl Measure {
    /// The measures Tousu offered before regulation profiles (DESIGN §8), offered where no
    /// profile names its own.
    pub const GENERAL: [Measure; 5] = [
        Measure::CriticismEducation,
        Measure::WrittenSelfReview,
        Measure::Fine,
        Measure::Reassignment,
        Measure::Dismissal,
    ];
}

/// A category of the configurable tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Category {
    /// Id.
    pub id: CategoryId,
    /// Parent node, `None` at the top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CategoryId>,
    /// Name in Simplified Chinese.
    pub name_zh_cn: String,
    /// Name in Traditional Chinese.
    pub name_zh_tw: String,
    /// Name in English.
    pub name_en: String,
    /// Cases in this category are about goods: product name and quantity are required.
    #[serde(default)]
    pub requires_goods: bool,
}

/// A department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Department {
    /// Id.
    pub id: DepartmentId,
    /// Display name.
    pub name: String,
    /// The department it belongs to, for a sub-unit (001 所屬各單位).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<DepartmentId>,
}

/// Reference data that rules check against: the category tree and the departments.
/// Admin-editable on the server; shipped with the defaults below.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Catalog {
    /// The category tree, parents before children.
    pub categories: Vec<Category>,
    /// The departments.
    pub departments: Vec<Department>,
}

impl Catalog {
    /// Whether `id` is a configured category.
    pub fn has_category(&self, id: &CategoryId) -> bool {
        self.categories.iter().any(|c| &c.id == id)
    }

    /// Whether `id` is a configured department.
    pub fn has_department(&self, id: &DepartmentId) -> bool {
        self.departments.iter().any(|d| &d.id == id)
    }

    /// The default category tree drawn from the seeds (service quality, facilities and
    /// equipment, safety, hygiene, parcel loss/damage, attitude, process, other).
    pub fn default_categories() -> Vec<Category> {
        let c = |id: &str, zh_cn: &str, zh_tw: &str, en: &str| Category {
            id: CategoryId::parse(id).expect("valid default id"),
            parent: None,
            name_zh_cn: zh_cn.into(),
            name_zh_tw: zh_tw.into(),
            name_en: en.into(),
            requires_goods: id == "parcel-loss-damage",
        };
        vec![
            c("service-quality", "服务质量", "服務質量", "Service quality"),
            c(
                "facilities",
                "设施设备",
                "設施設備",
                "Facilities and equipment",
            ),
            c("safety", "安全", "安全", "Safety"),
            c("hygiene", "卫生", "衛生", "Hygiene"),
            c(
                "parcel-loss-damage",
                "快件丢失/损坏",
                "快件丟失/損壞",
                "Parcel loss or damage",
            ),
            c("attitude", "服务态度", "服務態度", "Staff attitude"),
            c(
                "process",
                "流程与管理",
                "流程與管理",
                "Process and management",
            ),
            c("other", "其他", "其他", "Other"),
        ]
    }
}

/// Who the fold saw do what: the user behind an event.
pub type Person = UserId;
