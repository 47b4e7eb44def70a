//! The words for the domain's enumerations, each a triple (Simplified Chinese, Traditional
//! Chinese, English), so the app's screens and the server's exports (ledger, statistics
//! table) name a stage, a channel or a verdict the same way.

use crate::{
    event::Finding,
    model::{CaseKind, Channel, ComplainantType, Severity, Stage},
    sla::SlaStage,
};

/// Simplified Chinese, Traditional Chinese, English.
pub type Words = [&'static str; 3];

/// An enumeration with words of its own.
pub trait Worded: Copy {
    /// Its words.
    fn words(self) -> Words;
}

impl Worded for crate::event::CommandKind {
    fn words(self) -> Words {
        use crate::event::CommandKind as C;
        match self {
            C::Register => ["受理登记", "受理登記", "Register"],
            C::AmendRecord => ["补充信息", "補充資訊", "Amend record"],
            C::Classify => ["分类定级", "分類定級", "Classify"],
            C::RejectOutOfScope => ["不予受理", "不予受理", "Out of scope"],
            C::Dispatch => ["派单", "派單", "Dispatch"],
            C::SetDeadline => ["设定时限", "設定時限", "Set deadline"],
            C::StartInvestigation => ["开始调查", "開始調查", "Start investigation"],
            C::AddNote => ["添加记录", "新增記錄", "Add note"],
            C::AddAttachment => ["添加附件", "新增附件", "Add attachment"],
            C::SubmitReport => ["提交调查报告", "提交調查報告", "Submit report"],
            C::ProposePlan => ["提出处理方案", "提出處理方案", "Propose plan"],
            C::ReviewPlan => ["审核方案", "審核方案", "Review plan"],
            C::RecordExecution => ["记录处理结果", "記錄處理結果", "Record execution"],
            C::GiveFeedback => ["反馈客户", "回饋客戶", "Give feedback"],
            C::RecordRevisit => ["回访", "回訪", "Record revisit"],
            C::Close => ["结案", "結案", "Close"],
            C::Reopen => ["重新打开", "重新開啟", "Reopen"],
            C::RecordAccountability => ["责任追究", "責任追究", "Accountability"],
            C::FileAppeal => ["申诉", "申訴", "Appeal"],
            C::DecideAppeal => ["申诉决定", "申訴決定", "Decide appeal"],
            C::RecordInterimMeasure => ["临时措施", "臨時措施", "Interim measure"],
            C::RequestSupplement => ["请投诉人补充", "請投訴人補充", "Ask the complainant"],
            C::ReceiveSupplement => ["收到补充", "收到補充", "Reply received"],
            C::NameInvestigators => ["指定调查人员", "指定調查人員", "Name investigators"],
            C::SetRectification => ["整改措施", "整改措施", "Rectification measure"],
            C::CompleteRectification => ["整改完成", "整改完成", "Rectification done"],
            C::LinkDuplicate => ["标记重复", "標記重複", "Link duplicate"],
            C::MarkTeachingCase => ["标为教学案例", "標為教學案例", "Mark as teaching case"],
            C::ResolveConflict => ["解决冲突", "解決衝突", "Resolve conflict"],
            C::AssignNumber => ["分配编号", "分配編號", "Number assigned"],
            C::Archive => ["归档", "歸檔", "Archived"],
            C::Destroy => ["销毁", "銷毀", "Destroyed"],
        }
    }
}

impl Worded for crate::model::Outcome {
    fn words(self) -> Words {
        use crate::model::Outcome as O;
        match self {
            O::Resolved => ["已解决", "已解決", "Resolved"],
            O::AnsweredEarly => ["直接答复", "直接答覆", "Answered early"],
            O::OutOfScope => ["不予受理", "不予受理", "Out of scope"],
            O::Duplicate => ["重复投诉", "重複投訴", "Duplicate"],
        }
    }
}

impl Worded for crate::model::Satisfaction {
    fn words(self) -> Words {
        use crate::model::Satisfaction as S;
        match self {
            S::Satisfied => ["满意", "滿意", "Satisfied"],
            S::PartlySatisfied => ["基本满意", "基本滿意", "Partly satisfied"],
            S::NotSatisfied => ["不满意", "不滿意", "Not satisfied"],
        }
    }
}

impl Worded for crate::model::Measure {
    fn words(self) -> Words {
        use crate::model::Measure as M;
        match self {
            M::CriticismEducation => ["批评教育", "批評教育", "Criticism and education"],
            M::WrittenSelfReview => ["书面检讨", "書面檢討", "Written self-review"],
            M::Fine => ["罚款", "罰款", "Fine"],
            M::Reassignment => ["调岗", "調崗", "Reassignment"],
            M::Dismissal => ["辞退", "辭退", "Dismissal"],
            M::Warning => ["警告", "警告", "Warning"],
            M::Demotion => ["降职", "降職", "Demotion"],
            M::PayCut => ["降薪", "降薪", "Pay cut"],
            M::ContractTerminated => [
                "解除劳动合同",
                "解除勞動合同",
                "Employment contract terminated",
            ],
            M::LegalAction => ["追究法律责任", "追究法律責任", "Legal liability pursued"],
            M::PerformanceDeduction => ["绩效扣分", "績效扣分", "Performance points deducted"],
            M::DepartmentNotice => ["通报批评", "通報批評", "Reprimand of the department"],
        }
    }
}

impl Worded for crate::model::PlanDecision {
    fn words(self) -> Words {
        use crate::model::PlanDecision as D;
        match self {
            D::Approved => ["批准", "批准", "Approve"],
            D::Returned => ["退回", "退回", "Return"],
        }
    }
}

impl Worded for Stage {
    fn words(self) -> Words {
        match self {
            Stage::Registered => ["已登记", "已登記", "Registered"],
            Stage::Triaged => ["已分类", "已分類", "Triaged"],
            Stage::Dispatched => ["已派单", "已派單", "Dispatched"],
            Stage::Investigating => ["调查中", "調查中", "Investigating"],
            Stage::PlanProposed => ["方案待审", "方案待審", "Plan proposed"],
            Stage::PlanApproved => ["方案已批", "方案已批", "Plan approved"],
            Stage::Executing => ["处理中", "處理中", "Executing"],
            Stage::FeedbackGiven => ["已反馈", "已回饋", "Feedback given"],
            Stage::Revisited => ["已回访", "已回訪", "Revisited"],
            Stage::Closed => ["已结案", "已結案", "Closed"],
            Stage::Archived => ["已归档", "已歸檔", "Archived"],
            Stage::Destroyed => ["已销毁", "已銷毀", "Destroyed"],
        }
    }
}

impl Worded for CaseKind {
    fn words(self) -> Words {
        match self {
            CaseKind::Complaint => ["投诉", "投訴", "Complaint"],
            CaseKind::Suggestion => ["建议", "建議", "Suggestion"],
            CaseKind::Consultation => ["咨询", "諮詢", "Consultation"],
        }
    }
}

impl Worded for Severity {
    fn words(self) -> Words {
        match self {
            Severity::UrgentMajor => ["紧急重大", "緊急重大", "Urgent-major"],
            Severity::Important => ["一般重要", "一般重要", "Important"],
            Severity::General => ["一般性", "一般性", "General"],
        }
    }
}

impl Worded for Channel {
    fn words(self) -> Words {
        match self {
            Channel::Phone => ["电话热线", "電話熱線", "Phone hotline"],
            Channel::Web => ["网站/App", "網站/App", "Web / app"],
            Channel::OnSite => ["现场", "現場", "On site"],
            Channel::Email => ["电子邮件", "電子郵件", "E-mail"],
            Channel::Letter => ["信函/传真", "信函/傳真", "Letter / fax"],
            Channel::SuggestionBox => ["意见箱", "意見箱", "Suggestion box"],
            Channel::InternalOa => ["内部OA", "內部OA", "Internal OA"],
            Channel::Kiosk => ["自助终端", "自助終端", "Kiosk"],
        }
    }
}

impl Worded for Finding {
    fn words(self) -> Words {
        match self {
            Finding::Founded => ["属实", "屬實", "Borne out"],
            Finding::PartlyFounded => ["部分属实", "部分屬實", "Partly borne out"],
            Finding::Unfounded => ["不属实", "不屬實", "Not borne out"],
        }
    }
}

impl Worded for ComplainantType {
    fn words(self) -> Words {
        match self {
            ComplainantType::Customer => ["客户", "客戶", "Customer"],
            ComplainantType::Employee => ["内部员工", "內部員工", "Employee"],
            ComplainantType::Partner => ["合作伙伴", "合作夥伴", "Business partner"],
        }
    }
}

impl Worded for SlaStage {
    fn words(self) -> Words {
        match self {
            SlaStage::Register => ["登记", "登記", "Registration"],
            SlaStage::Dispatch => ["派单", "派單", "Dispatch"],
            SlaStage::PreliminaryOpinion => ["初步意见", "初步意見", "Preliminary opinion"],
            SlaStage::Review => ["审核", "審核", "Review"],
            SlaStage::Feedback => ["反馈", "回饋", "Feedback"],
            SlaStage::WholeCase => ["整体时限", "整體時限", "Whole case"],
            SlaStage::Revisit => ["回访", "回訪", "Revisit"],
            SlaStage::Interim => ["临时措施", "臨時措施", "Interim measure"],
            SlaStage::AppealDecision => ["申诉答复", "申訴答覆", "Appeal decision"],
            SlaStage::Rectification => ["整改期限", "整改期限", "Rectification due"],
        }
    }
}

impl Worded for crate::stats::Dimension {
    fn words(self) -> Words {
        use crate::stats::Dimension as D;
        match self {
            D::Category => ["类别", "類別", "Category"],
            D::Cause => ["原因", "原因", "Cause"],
            D::Department => ["责任部门", "責任部門", "Department"],
            D::Channel => ["渠道", "渠道", "Channel"],
            D::Severity => ["紧急程度", "緊急程度", "Severity"],
            D::Kind => ["类型", "類型", "Kind"],
            D::Finding => ["调查结论", "調查結論", "Finding"],
            D::ComplainantType => ["投诉人类型", "投訴人類型", "Complainant type"],
            D::Satisfaction => ["满意度", "滿意度", "Satisfaction"],
            D::Month => ["受理月份", "受理月份", "Month received"],
        }
    }
}
