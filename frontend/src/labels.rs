//! Words on screens, each written as a triple (Simplified Chinese, Traditional Chinese,
//! English) through [`Tr`], so no language can miss a text.

use tousu_shared::{
    access::Denied,
    api::sync::Quarantine,
    clock::{DAY_MS, HOUR_MS, MINUTE_MS, Timestamp},
    event::CommandKind,
    model::{
        CaseKind, Channel, FeedbackChannel, NoteKind, PlanDecision, RevisitMethod, Satisfaction,
        Severity, Stage,
    },
    sla::SlaStage,
    validate::{Field, FieldError, Rule},
    view::NotApplied,
    words::{Worded as _, Words},
    workflow::WorkflowError,
};

use crate::i18n::{I18n, Locale, use_i18n};

/// Picks one of three texts by the current language; `Copy`, so closures in views can use it.
#[derive(Clone, Copy)]
pub struct Tr(I18n);

impl Tr {
    /// The current language (reactive).
    pub fn locale(self) -> Locale {
        self.0.get_locale()
    }

    /// Simplified Chinese, Traditional Chinese or English, by the current language.
    pub fn t(self, zh_cn: &'static str, zh_tw: &'static str, en: &'static str) -> &'static str {
        match self.locale() {
            Locale::zh_CN => zh_cn,
            Locale::zh_TW => zh_tw,
            Locale::en => en,
        }
    }

    /// One of a triple from `shared` ([`Words`]), by the current language.
    pub fn w(self, words: Words) -> &'static str {
        self.t(words[0], words[1], words[2])
    }

    /// The index of the current language in a [`Words`] triple (0 Simplified, 1 Traditional,
    /// 2 English), as shared's files and anonymisation take it.
    pub fn index(self) -> usize {
        match self.locale() {
            Locale::zh_CN => 0,
            Locale::zh_TW => 1,
            Locale::en => 2,
        }
    }

    /// Whether English is shown (dates and numbers are formatted differently).
    pub fn is_en(self) -> bool {
        self.locale() == Locale::en
    }
}

/// The text picker for the current component.
pub fn use_tr() -> Tr {
    Tr(use_i18n())
}

/// The browser's offset from UTC in minutes (480 in China).
pub fn local_offset() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Now, by this device's clock.
pub fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// A date as `2025年1月27日` in Chinese and `27 Jan 2025` in English.
pub fn date(tr: Tr, at: Timestamp) -> String {
    let d = at.date(local_offset());
    if tr.is_en() {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {} {}",
            d.day(),
            MONTHS[(d.month() - 1) as usize],
            d.year()
        )
    } else {
        format!("{}年{}月{}日", d.year(), d.month(), d.day())
    }
}

/// A date and time of day.
pub fn date_time(tr: Tr, at: Timestamp) -> String {
    let ms = at.ms_of_day(local_offset());
    format!(
        "{} {:02}:{:02}",
        date(tr, at),
        ms / HOUR_MS,
        (ms % HOUR_MS) / MINUTE_MS
    )
}

/// A duration in days, hours or minutes ("2天3小时", "2 d 3 h").
pub fn duration(tr: Tr, ms: i64) -> String {
    let ms = ms.abs();
    let (d, h, m) = (
        ms / DAY_MS,
        (ms % DAY_MS) / HOUR_MS,
        (ms % HOUR_MS) / MINUTE_MS,
    );
    let (ud, uh, um) = if tr.is_en() {
        (" d", " h", " min")
    } else if tr.locale() == Locale::zh_TW {
        ("天", "小時", "分鐘")
    } else {
        ("天", "小时", "分钟")
    };
    if d > 0 {
        format!("{d}{ud} {h}{uh}")
    } else if h > 0 {
        format!("{h}{uh} {m}{um}")
    } else {
        format!("{m}{um}")
    }
}

/// Stage names.
pub fn stage(tr: Tr, s: Stage) -> &'static str {
    tr.w(s.words())
}

/// Kind names.
pub fn kind(tr: Tr, k: CaseKind) -> &'static str {
    tr.w(k.words())
}

/// Severity names.
pub fn severity(tr: Tr, s: Severity) -> &'static str {
    tr.w(s.words())
}

/// Channel names.
pub fn channel(tr: Tr, c: Channel) -> &'static str {
    tr.w(c.words())
}

/// Every channel staff may register (the kiosk channel belongs to kiosks).
pub const STAFF_CHANNELS: [Channel; 7] = [
    Channel::Phone,
    Channel::Web,
    Channel::OnSite,
    Channel::Email,
    Channel::Letter,
    Channel::SuggestionBox,
    Channel::InternalOa,
];

/// Note kinds.
pub fn note_kind(tr: Tr, n: NoteKind) -> &'static str {
    match n {
        NoteKind::Investigation => tr.t("调查记录", "調查記錄", "Investigation"),
        NoteKind::Interview => tr.t("访谈记录", "訪談記錄", "Interview"),
        NoteKind::DepartmentOpinion => tr.t("部门意见", "部門意見", "Department opinion"),
        NoteKind::CustomerOpinion => tr.t("客户意见", "客戶意見", "Customer opinion"),
        NoteKind::Remark => tr.t("备注", "備註", "Remark"),
    }
}

/// Plan decisions.
pub fn decision(tr: Tr, d: PlanDecision) -> &'static str {
    tr.w(d.words())
}

/// Feedback channels.
pub fn feedback_channel(tr: Tr, c: FeedbackChannel) -> &'static str {
    match c {
        FeedbackChannel::Phone => tr.t("电话", "電話", "Phone"),
        FeedbackChannel::Sms => tr.t("短信", "簡訊", "SMS"),
        FeedbackChannel::Email => tr.t("电子邮件", "電子郵件", "E-mail"),
        FeedbackChannel::Letter => tr.t("信函", "信函", "Letter"),
        FeedbackChannel::InPerson => tr.t("当面", "當面", "In person"),
    }
}

/// Revisit methods.
pub fn revisit_method(tr: Tr, m: RevisitMethod) -> &'static str {
    match m {
        RevisitMethod::Phone => tr.t("电话回访", "電話回訪", "Phone"),
        RevisitMethod::OnSite => tr.t("上门回访", "上門回訪", "On site"),
        RevisitMethod::Questionnaire => tr.t("问卷", "問卷", "Questionnaire"),
    }
}

/// An investigation's finding on the complaint.
pub fn finding(tr: Tr, f: tousu_shared::event::Finding) -> &'static str {
    tr.w(f.words())
}

/// Whose fault it was.
pub fn fault(tr: Tr, f: tousu_shared::event::Fault) -> &'static str {
    use tousu_shared::event::Fault as F;
    match f {
        F::Company => tr.t("公司方", "公司方", "Ours"),
        F::Client => tr.t(
            "委托方自身或误解",
            "委託方自身或誤解",
            "The client's side or a misunderstanding",
        ),
        F::Shared => tr.t("双方", "雙方", "Both"),
    }
}

/// Who the complainant is to the organisation.
pub fn complainant_type(tr: Tr, k: tousu_shared::model::ComplainantType) -> &'static str {
    tr.w(k.words())
}

/// A profile's text in the language shown.
pub fn names(tr: Tr, n: &tousu_shared::profile::Names) -> String {
    match tr.locale() {
        crate::i18n::Locale::zh_CN => n.zh_cn.clone(),
        crate::i18n::Locale::zh_TW => n.zh_tw.clone(),
        crate::i18n::Locale::en => n.en.clone(),
    }
}

/// The day a deadline ends on (a due time is the first instant after its last day).
pub fn due_day(tr: Tr, due: tousu_shared::sla::Due) -> String {
    date(tr, Timestamp(due.at.0 - 1))
}

/// A time limit in words: "7个工作日", "24小时", "7 working days".
pub fn limit(tr: Tr, l: tousu_shared::sla::Limit) -> String {
    use tousu_shared::sla::Limit;
    let (n, unit) = match l {
        Limit::Minutes(n) => (n, tr.t("分钟", "分鐘", " minutes")),
        Limit::Hours(n) => (n, tr.t("小时", "小時", " hours")),
        Limit::CalendarDays(n) => (n, tr.t("天", "天", " days")),
        Limit::WorkingDays(n) => (n, tr.t("个工作日", "個工作日", " working days")),
    };
    format!("{n}{unit}")
}

/// Satisfaction levels, as the regulation profile in force names them (000 says 部分滿意,
/// the others 基本滿意).
pub fn satisfaction(tr: Tr, s: Satisfaction) -> String {
    use leptos::prelude::WithUntracked as _;
    let named = leptos::prelude::use_context::<crate::context::App>().and_then(|app| {
        app.reference.with_untracked(|r| {
            let profile = r.profile.as_ref()?;
            let label = profile.satisfaction.iter().find(|l| l.level == s)?;
            Some(names(tr, &label.name))
        })
    });
    named.unwrap_or_else(|| tr.w(s.words()).to_string())
}

/// Kinds of responsibility (責任類型).
pub fn responsibility(tr: Tr, r: tousu_shared::model::Responsibility) -> &'static str {
    use tousu_shared::model::Responsibility as R;
    match r {
        R::Direct => tr.t("直接责任", "直接責任", "Direct"),
        R::Indirect => tr.t("间接责任", "間接責任", "Indirect"),
        R::Primary => tr.t("主要责任", "主要責任", "Primary"),
        R::Secondary => tr.t("次要责任", "次要責任", "Secondary"),
        R::Leadership => tr.t("领导责任", "領導責任", "Leadership"),
    }
}

/// Accountability measures.
pub fn measure(tr: Tr, m: tousu_shared::model::Measure) -> &'static str {
    tr.w(m.words())
}

/// Deadline names.
pub fn sla_stage(tr: Tr, s: SlaStage) -> &'static str {
    tr.w(s.words())
}

/// Command names (buttons and timeline entries).
pub fn command(tr: Tr, c: CommandKind) -> &'static str {
    tr.w(c.words())
}

/// Names of the single-valued facts that can conflict.
pub fn fact(tr: Tr, f: tousu_shared::event::Fact) -> &'static str {
    use tousu_shared::event::Fact as F;
    match f {
        F::Stage => tr.t("阶段", "階段", "Stage"),
        F::Department => tr.t("责任部门", "責任部門", "Department"),
        F::Severity => tr.t("紧急程度", "緊急程度", "Severity"),
        F::Category => tr.t("类别", "類別", "Category"),
        F::Deadline => tr.t("时限", "時限", "Deadline"),
        F::Plan => tr.t("处理方案", "處理方案", "Plan"),
        F::PlanDecision => tr.t("方案审核", "方案審核", "Plan decision"),
        F::Complainant => tr.t("投诉人信息", "投訴人資訊", "Complainant"),
        F::Details => tr.t("投诉内容", "投訴內容", "Details"),
        F::Number => tr.t("编号", "編號", "Number"),
        F::DuplicateOf => tr.t("重复案件", "重複案件", "Duplicate of"),
        F::Team => tr.t("调查人员", "調查人員", "Investigators"),
    }
}

/// Field names, for error messages.
pub fn field(tr: Tr, f: Field) -> &'static str {
    use Field as F;
    match f {
        F::ComplainantName => tr.t("投诉人姓名", "投訴人姓名", "Name"),
        F::Phone => tr.t("电话", "電話", "Phone"),
        F::Email => tr.t("电子邮件", "電子郵件", "E-mail"),
        F::Organisation => tr.t("单位", "單位", "Organisation"),
        F::Address => tr.t("地址", "地址", "Address"),
        F::Contact => tr.t("联系方式", "聯絡方式", "Contact"),
        F::Location => tr.t("地点", "地點", "Location"),
        F::Description => tr.t("投诉事由", "投訴事由", "What happened"),
        F::Request => tr.t("客户诉求", "客戶訴求", "What is asked"),
        F::GoodsName => tr.t("品名", "品名", "Goods"),
        F::GoodsQuantity => tr.t("数量", "數量", "Quantity"),
        F::Category => tr.t("类别", "類別", "Category"),
        F::Cause => tr.t("原因", "原因", "Cause"),
        F::Severity => tr.t("紧急程度", "緊急程度", "Severity"),
        F::Department => tr.t("责任部门", "責任部門", "Department"),
        F::Deadline => tr.t("时限", "時限", "Deadline"),
        F::Reason => tr.t("原因说明", "原因說明", "Reason"),
        F::Plan => tr.t("处理方案", "處理方案", "Plan"),
        F::Opinion => tr.t("意见", "意見", "Opinion"),
        F::Comment => tr.t("意见", "意見", "Comment"),
        F::Result => tr.t("处理结果", "處理結果", "Result"),
        F::Summary => tr.t("结案说明", "結案說明", "Summary"),
        F::Amount => tr.t("金额", "金額", "Amount"),
        F::ReceivedAt => tr.t("受理时间", "受理時間", "Received at"),
        F::Person => tr.t("人员", "人員", "Person"),
        F::CaseNumber => tr.t("案件编号", "案件編號", "Case number"),
        F::Accountability => tr.t("责任追究决定", "責任追究決定", "Accountability decision"),
        F::Appeal => tr.t("申诉", "申訴", "Appeal"),
        F::OccurredAt => tr.t("发生时间", "發生時間", "When it happened"),
        F::Decision => tr.t("审核结果", "審核結果", "Decision"),
        F::Satisfaction => tr.t("满意度", "滿意度", "Satisfaction"),
        F::Method => tr.t("回访方式", "回訪方式", "Method"),
        F::Channel => tr.t("反馈方式", "回饋方式", "How"),
        F::NoteKind => tr.t("记录类型", "記錄類型", "Kind of note"),
        F::Responsibility => tr.t("责任类型", "責任類型", "Responsibility"),
        F::Measure => tr.t("处理措施", "處理措施", "Measure"),
        F::Verdict => tr.t("申诉结论", "申訴結論", "Outcome"),
        F::Finding => tr.t("调查结论", "調查結論", "Finding"),
        F::Fault => tr.t("责任方", "責任方", "Whose fault"),
        F::Privacy => tr.t("隐私声明", "隱私聲明", "Privacy notice"),
        _ => tr.t("内容", "內容", "Text"),
    }
}

/// A broken field rule, in words.
pub fn rule(tr: Tr, r: &Rule) -> String {
    match r {
        Rule::Required => tr.t("必填", "必填", "is required").into(),
        Rule::TooLong { max } => match tr.locale() {
            Locale::en => format!("is longer than {max} characters"),
            Locale::zh_TW => format!("不能超過{max}個字"),
            Locale::zh_CN => format!("不能超过{max}个字"),
        },
        Rule::BadPhone => tr
            .t(
                "不是有效的电话号码",
                "不是有效的電話號碼",
                "is not a valid phone number",
            )
            .into(),
        Rule::BadEmail => tr
            .t(
                "不是有效的电子邮件地址",
                "不是有效的電子郵件地址",
                "is not a valid e-mail address",
            )
            .into(),
        Rule::BadFormat | Rule::OutOfRange => tr
            .t("格式不正确", "格式不正確", "is not in a valid form")
            .into(),
        Rule::UnknownCategory | Rule::UnknownDepartment => tr
            .t(
                "不在可选范围内",
                "不在可選範圍內",
                "is not one of the choices",
            )
            .into(),
        Rule::ContactRequired => tr
            .t(
                "实名投诉需留电话或电子邮件以便答复",
                "實名投訴需留電話或電子郵件以便答覆",
                "needs a phone or e-mail so we can answer (or tick anonymous)",
            )
            .into(),
        Rule::NotForKind => tr
            .t(
                "匿名投诉不能填写个人信息",
                "匿名投訴不能填寫個人資訊",
                "must be empty for an anonymous complaint",
            )
            .into(),
        Rule::ConfirmLower => tr
            .t(
                "低于案件当前的紧急程度，请勾选确认降级",
                "低於案件目前的緊急程度，請勾選確認降級",
                "is lower than the case's current severity: tick to confirm the downgrade",
            )
            .into(),
    }
}

/// A field error as one sentence: "投诉事由：必填".
pub fn field_error(tr: Tr, e: &FieldError) -> String {
    let sep = if tr.is_en() { " " } else { "：" };
    format!("{}{sep}{}", field(tr, e.field), rule(tr, &e.rule))
}

/// Why the server did not apply an event, in words.
pub fn quarantine(tr: Tr, q: &Quarantine) -> String {
    match q {
        Quarantine::Forbidden { denied } => denied_text(tr, *denied).into(),
        Quarantine::ClockAhead { .. } => tr
            .t(
                "设备时钟超前服务器5分钟以上，请校准时间",
                "設備時鐘超前伺服器5分鐘以上，請校準時間",
                "this device's clock is more than 5 minutes ahead of the server",
            )
            .into(),
        Quarantine::Invalid { fields, message } if fields.is_empty() => match tr.locale() {
            Locale::en => format!("invalid: {message}"),
            _ => format!("{}：{message}", tr.t("内容无效", "內容無效", "")),
        },
        Quarantine::Invalid { fields, .. } => fields
            .iter()
            .map(|f| field_error(tr, f))
            .collect::<Vec<_>>()
            .join("; "),
        Quarantine::Workflow { error } => workflow_error(tr, error),
        Quarantine::Gap { .. } | Quarantine::SeqReused | Quarantine::ForeignDevice => tr
            .t(
                "同步顺序错误，请联系管理员",
                "同步順序錯誤，請聯絡管理員",
                "sync sequence error: contact the administrator",
            )
            .into(),
        Quarantine::IdReused => tr
            .t(
                "同一编号的记录内容不同",
                "同一編號的記錄內容不同",
                "another event has this id with different content",
            )
            .into(),
        Quarantine::Unsupported => tr
            .t(
                "服务器版本较旧，暂不支持",
                "伺服器版本較舊，暫不支援",
                "the server does not support this yet",
            )
            .into(),
    }
}

/// A permission refusal, in words.
pub fn denied_text(tr: Tr, d: Denied) -> &'static str {
    match d {
        Denied::RoleLacks => tr.t(
            "您的角色无权执行此操作",
            "您的角色無權執行此操作",
            "your role does not allow this",
        ),
        Denied::NotInScope => tr.t(
            "此案件不在您的职责范围内",
            "此案件不在您的職責範圍內",
            "this case is outside your scope",
        ),
        Denied::KioskIntakeOnly => tr.t(
            "自助终端只能提交新投诉",
            "自助終端只能提交新投訴",
            "a kiosk may only submit new complaints",
        ),
        Denied::ArchivedNoGrant => tr.t(
            "已归档，需要批准的查阅申请",
            "已歸檔，需要核准的查閱申請",
            "archived: an approved access request is needed",
        ),
        Denied::NotYourAccountability => tr.t(
            "只有被追责本人可以申诉",
            "只有被追責本人可以申訴",
            "only the person held responsible may appeal",
        ),
        _ => tr.t("不允许", "不允許", "not allowed"),
    }
}

/// A lifecycle refusal, in words.
pub fn workflow_error(tr: Tr, e: &WorkflowError) -> String {
    use WorkflowError as W;
    let text = match e {
        W::NotInStage {
            command: c,
            stage: s,
        } => {
            return match tr.locale() {
                Locale::en => format!(
                    "“{}” is not possible at stage “{}”",
                    command(tr, *c),
                    stage(tr, *s)
                ),
                _ => format!(
                    "{}「{}」{}「{}」",
                    tr.t("阶段", "階段", ""),
                    stage(tr, *s),
                    tr.t("不能执行", "不能執行", ""),
                    command(tr, *c)
                ),
            };
        }
        W::NotRegistered => tr.t("案件尚未登记", "案件尚未登記", "the case is not registered"),
        W::AlreadyRegistered => tr.t("案件已登记", "案件已登記", "the case is already registered"),
        W::DepartmentRequired => tr.t(
            "须指定责任部门",
            "須指定責任部門",
            "a department is required",
        ),
        W::CommentRequired => tr.t(
            "退回须填写意见",
            "退回須填寫意見",
            "returning needs a comment",
        ),
        W::SummaryRequired => tr.t("须填写处理结果", "須填寫處理結果", "a summary is required"),
        W::FeedbackAndRevisitRequired => tr.t(
            "投诉须先答复并回访才能结案",
            "投訴須先答覆並回訪才能結案",
            "a complaint closes only after feedback and a revisit",
        ),
        W::NoSuchConflict => tr.t(
            "没有这个冲突版本",
            "沒有這個衝突版本",
            "no such conflict version",
        ),
        W::NoSuchAccountability => tr.t(
            "没有这条问责记录",
            "沒有這條問責記錄",
            "no such accountability record",
        ),
        W::AlreadyAppealed => tr.t("该问责已申诉", "該問責已申訴", "already appealed"),
        W::AppealTooLate => tr.t("申诉期限已过", "申訴期限已過", "the appeal period is over"),
        W::NoSuchAppeal => tr.t("没有这项申诉", "沒有這項申訴", "no such appeal"),
        W::AppealAlreadyDecided => tr.t(
            "该申诉已有决定",
            "該申訴已有決定",
            "the appeal is already decided",
        ),
        W::AppealDecidedByImposer => tr.t(
            "申诉须由作出处理决定以外的人决定",
            "申訴須由作出處理決定以外的人決定",
            "the appeal is decided by someone other than who imposed the measure",
        ),
        W::InterimMeasureRequired => tr.t(
            "紧急案件须先记录临时措施",
            "緊急案件須先記錄臨時措施",
            "an urgent case takes its interim measure first",
        ),
        W::SecondApproverRequired => tr.t(
            "第二级审批须由另一人作出",
            "第二級審批須由另一人作出",
            "the second approval is another person's",
        ),
        W::AlreadyPaused => tr.t(
            "已在等待投诉人补充",
            "已在等待投訴人補充",
            "already waiting for the complainant",
        ),
        W::NotPaused => tr.t(
            "没有在等待投诉人补充",
            "沒有在等待投訴人補充",
            "not waiting for the complainant",
        ),
        W::BadTeam => tr.t(
            "组长须是组员之一，最多12人",
            "組長須是組員之一，最多12人",
            "the lead is one of the members, at most 12",
        ),
        W::ResponsibleRequired => tr.t(
            "须指定一名责任人或一个责任部门",
            "須指定一名責任人或一個責任部門",
            "name one person or one department held responsible",
        ),
        W::NoSuchRectification => tr.t(
            "没有未完成的这项整改措施",
            "沒有未完成的這項整改措施",
            "no such open rectification measure",
        ),
        W::NotInRules => tr.t(
            "本规定不设此步骤",
            "本規定不設此步驟",
            "the regulation in force has no such step",
        ),
    };
    text.to_string()
}

/// Why an event in the history does not shape the case, in words.
pub fn not_applied(tr: Tr, why: &NotApplied) -> String {
    match why {
        NotApplied::Workflow { error } => workflow_error(tr, error),
        NotApplied::UnknownKind { .. } => tr
            .t("需要更新应用", "需要更新應用", "update the app to read it")
            .into(),
        NotApplied::DuplicateIdDifferentContent => quarantine(tr, &Quarantine::IdReused),
        NotApplied::WrongCase => tr
            .t(
                "属于另一个案件",
                "屬於另一個案件",
                "it belongs to another case",
            )
            .into(),
    }
}
