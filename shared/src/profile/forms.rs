//! The printed forms of a profile (登記表, 處理單, 統計表…): their titles and, field by field,
//! what each shows of a case, with the seed they come from.

use serde::{Deserialize, Serialize};

use super::Names;

/// What a printed form's field shows of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SheetField {
    /// The complaint number (or provisional label); also 處理單號.
    Number,
    /// 客戶名稱: the organisation with the person's name.
    Customer,
    /// The complainant's name.
    Complainant,
    /// The complainant's organisation (所屬公司).
    Organisation,
    /// Who the complainant is (customer, employee, partner).
    ComplainantType,
    /// Phone and e-mail.
    Contact,
    /// 服務地址.
    Address,
    /// Where it happened.
    Location,
    /// When it was received.
    Received,
    Channel,
    Description,
    Request,
    /// Who received it.
    ReceivedBy,
    /// Who received it, and a box for their signature (受理人簽字).
    ReceivedBySignature,
    Department,
    /// Where the case stands (處理進度).
    Progress,
    /// The investigation report.
    Report,
    /// The investigation notes (調查過程, 處理過程).
    Investigation,
    Cause,
    Plan,
    /// The review's decision and comment.
    PlanReview,
    Result,
    /// When it was handled (the execution's date).
    HandledOn,
    /// Who handled it.
    Handler,
    Compensation,
    /// The department manager's opinion on the plan.
    ManagerOpinion,
    /// The customer's opinion (revisit verdict and own words).
    CustomerOpinion,
    /// The customer's signature, taken on the tablet.
    CustomerSignature,
    /// Who was held responsible and how.
    Accountability,
    /// The revisit's satisfaction.
    Satisfaction,
    /// The whole-case due date.
    Due,
    /// The case's date (received).
    Date,
    /// 品名: the goods concerned.
    Goods,
    /// 數量: their quantity.
    Quantity,
    /// 損失金額.
    Loss,
    /// 備註 (left blank for the hand).
    Remarks,
}

crate::wire::wire_names!(SheetField {
    Number => "number",
    Customer => "customer",
    Complainant => "complainant",
    Organisation => "organisation",
    ComplainantType => "complainant_type",
    Contact => "contact",
    Address => "address",
    Location => "location",
    Received => "received",
    Channel => "channel",
    Description => "description",
    Request => "request",
    ReceivedBy => "received_by",
    ReceivedBySignature => "received_by_signature",
    Department => "department",
    Progress => "progress",
    Report => "report",
    Investigation => "investigation",
    Cause => "cause",
    Plan => "plan",
    PlanReview => "plan_review",
    Result => "result",
    HandledOn => "handled_on",
    Handler => "handler",
    Compensation => "compensation",
    ManagerOpinion => "manager_opinion",
    CustomerOpinion => "customer_opinion",
    CustomerSignature => "customer_signature",
    Accountability => "accountability",
    Satisfaction => "satisfaction",
    Due => "due",
    Date => "date",
    Goods => "goods",
    Quantity => "quantity",
    Loss => "loss",
    Remarks => "remarks",
});

/// A field of a printed form: what it shows and what the form calls it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormField {
    /// What it shows.
    pub key: SheetField,
    /// Its label in the seed's form.
    pub name: Names,
}

/// A printed form: its title and its fields in the seed's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrintedForm {
    /// Title.
    pub title: Names,
    /// Fields, in order.
    pub fields: Vec<FormField>,
    /// Where it comes from.
    pub seed: String,
}

/// The printed forms of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Forms {
    /// The record sheet (記錄單 / 登記臺賬).
    pub record: PrintedForm,
    /// The handling sheet (處理單 / 處理結果報告).
    pub handling: PrintedForm,
    /// The statistics table, where the seed has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<PrintedForm>,
}

impl PrintedForm {
    /// The same form with another source (to compare layouts).
    pub fn with_seed(mut self, seed: &str) -> Self {
        self.seed = seed.into();
        self
    }
}

impl Forms {
    /// The record and handling sheets of DESIGN §10, printed where no profile is in force
    /// (a database from before profiles).
    pub fn generic() -> Self {
        let n = |zh_cn: &str, zh_tw: &str, en: &str| Names {
            zh_cn: zh_cn.into(),
            zh_tw: zh_tw.into(),
            en: en.into(),
        };
        let f = |key, zh_cn: &str, zh_tw: &str, en: &str| FormField {
            key,
            name: n(zh_cn, zh_tw, en),
        };
        use SheetField as K;
        Forms {
            record: PrintedForm {
                title: n("客户投诉记录单", "客戶投訴記錄單", "Complaint record sheet"),
                fields: vec![
                    f(K::Number, "投诉编号", "投訴編號", "Number"),
                    f(K::Customer, "客户名称", "客戶名稱", "Customer"),
                    f(
                        K::ComplainantType,
                        "投诉人类型",
                        "投訴人類型",
                        "Complainant is a",
                    ),
                    f(K::Address, "服务地址", "服務地址", "Service address"),
                    f(K::Received, "受理日期", "受理日期", "Received"),
                    f(K::Channel, "渠道", "渠道", "Channel"),
                    f(K::Contact, "联系方式", "聯絡方式", "Contact"),
                    f(K::Description, "投诉事由", "投訴事由", "What happened"),
                    f(K::Request, "客户诉求", "客戶訴求", "What is asked"),
                    f(K::ReceivedBy, "受理人", "受理人", "Received by"),
                ],
                seed: "DESIGN §10: record sheet (記錄單)".into(),
            },
            handling: PrintedForm {
                title: n(
                    "客户投诉处理单",
                    "客戶投訴處理單",
                    "Complaint handling sheet",
                ),
                fields: vec![
                    f(K::Number, "投诉编号", "投訴編號", "Number"),
                    f(K::Customer, "客户", "客戶", "Customer"),
                    f(K::Department, "责任部门", "責任部門", "Department"),
                    f(K::Date, "日期", "日期", "Date"),
                    f(K::Description, "投诉内容", "投訴內容", "Complaint"),
                    f(K::Plan, "处理方案", "處理方案", "Plan"),
                    f(K::Result, "处理结果", "處理結果", "Result"),
                    f(K::Compensation, "赔偿金额", "賠償金額", "Compensation"),
                    f(K::Handler, "处理人", "處理人", "Handled by"),
                    f(
                        K::ManagerOpinion,
                        "部门负责人意见",
                        "部門負責人意見",
                        "Department manager's opinion",
                    ),
                    f(
                        K::CustomerOpinion,
                        "客户意见",
                        "客戶意見",
                        "Customer's opinion",
                    ),
                    f(
                        K::CustomerSignature,
                        "客户签字",
                        "客戶簽字",
                        "Customer's signature",
                    ),
                ],
                seed: "DESIGN §10: handling sheet (處理單)".into(),
            },
            statistics: None,
        }
    }

    /// The statistics table printed where the profile has none of its own: 003's
    /// 客戶投訴統計表, whose columns cover what every seed counts per case ("《客戶投訴統計表》
    /// 格式如下:投訴 姓名 內容 責任部門 處理方式 損失金額 備註 日期 編號 品名 數量 賠償 折算").
    pub fn generic_statistics() -> PrintedForm {
        let f = |key, zh_cn: &str, zh_tw: &str, en: &str| FormField {
            key,
            name: Names {
                zh_cn: zh_cn.into(),
                zh_tw: zh_tw.into(),
                en: en.into(),
            },
        };
        use SheetField as K;
        PrintedForm {
            title: Names {
                zh_cn: "客户投诉统计表".into(),
                zh_tw: "客戶投訴統計表".into(),
                en: "Complaint statistics table".into(),
            },
            fields: vec![
                f(K::Date, "日期", "日期", "Date"),
                f(K::Number, "编号", "編號", "Number"),
                f(K::Complainant, "姓名", "姓名", "Name"),
                f(K::Goods, "品名", "品名", "Product"),
                f(K::Quantity, "数量", "數量", "Quantity"),
                f(K::Description, "内容", "內容", "Complaint"),
                f(
                    K::Department,
                    "责任部门",
                    "責任部門",
                    "Department responsible",
                ),
                f(K::Plan, "处理方式", "處理方式", "Handling"),
                f(K::Compensation, "赔偿", "賠償", "Compensation"),
                f(K::Compensation, "折算", "折算", "Converted"),
                f(K::Loss, "损失金额", "損失金額", "Loss"),
                f(K::Remarks, "备注", "備註", "Remarks"),
            ],
            seed: "003 客戶投訴統計表".into(),
        }
    }
}
