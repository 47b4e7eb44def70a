//! Turning what a person typed into domain values: the record sheet and each workflow
//! command's form. Pure (no browser), so every rule is checked by the shared parse functions
//! and a rejected form reports every broken field at once while keeping what was typed.

use std::collections::BTreeMap;

use tousu_shared::{
    clock::{Date, Timestamp},
    event::{
        AccountabilityRecorded, AppealDecided, AppealFiled, Classified, Closed, DeadlineSet,
        Dispatched, EventBody, ExecutionRecorded, FeedbackGiven, LinkedDuplicate, NoteAdded,
        PlanProposed, PlanReviewed, Reasoned, ReportSubmitted, RevisitRecorded,
    },
    ids::{CaseId, CategoryId, DepartmentId, UserId},
    model::{
        CaseDetails, CaseKind, Catalog, Channel, Complainant, FeedbackChannel, Goods, Measure,
        NoteKind, PlanDecision, Registration, Responsibility, RevisitMethod, Satisfaction,
        Severity,
    },
    validate::{Email, Field, FieldError, LongText, Money, PhoneNumber, Rule, ShortText},
};

/// What a form holds: field name → text as typed.
pub type Values = BTreeMap<String, String>;

fn get<'a>(v: &'a Values, key: &str) -> &'a str {
    v.get(key).map(String::as_str).unwrap_or("").trim()
}

/// Collects parse results, remembering every error.
#[derive(Default)]
struct Check(Vec<FieldError>);

impl Check {
    fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    fn opt<T>(
        &mut self,
        raw: &str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        if raw.is_empty() {
            None
        } else {
            self.take(parse(raw))
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.0),
        }
    }
}

fn enum_value<T: serde::de::DeserializeOwned>(field: Field, raw: &str) -> Result<T, FieldError> {
    if raw.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    crate::pages::intake::enum_parse(raw).ok_or(FieldError::new(field, Rule::BadFormat))
}

/// Parses an HTML `datetime-local` value (`2025-01-27T16:00`) at the given UTC offset.
pub fn parse_local_datetime(
    field: Field,
    raw: &str,
    offset_minutes: i32,
) -> Result<Timestamp, FieldError> {
    let bad = || FieldError::new(field, Rule::BadFormat);
    let (date, time) = raw.split_once('T').ok_or_else(bad)?;
    let date = Date::parse(date).map_err(|_| bad())?;
    let (h, m) = time.split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.get(..2).unwrap_or(m).parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(Timestamp::from_local(date, h, m, offset_minutes))
}

/// Formats a timestamp for a `datetime-local` input.
pub fn format_local_datetime(at: Timestamp, offset_minutes: i32) -> String {
    let d = at.date(offset_minutes);
    let ms = at.ms_of_day(offset_minutes);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.year(),
        d.month(),
        d.day(),
        ms / 3_600_000,
        (ms % 3_600_000) / 60_000
    )
}

/// The record sheet (記錄單) from the intake form, checked by the shared rules.
pub fn registration(
    v: &Values,
    catalog: &Catalog,
    offset_minutes: i32,
) -> Result<Registration, Vec<FieldError>> {
    let mut c = Check::default();
    let kind: Option<CaseKind> = c.take(enum_value(Field::Text, get(v, "kind")));
    let channel: Option<Channel> = c.take(enum_value(Field::Text, get(v, "channel")));
    let anonymous = get(v, "anonymous") == "true";
    let complainant = complainant(&mut c, v);
    let description = c.take(LongText::parse(Field::Description, get(v, "description")));
    let goods = match (get(v, "goods_name"), get(v, "goods_quantity")) {
        ("", "") => None,
        (name, qty) => {
            let name = c.take(ShortText::parse(Field::GoodsName, name));
            let qty = c.take(
                qty.parse::<u32>()
                    .map_err(|_| FieldError::new(Field::GoodsQuantity, Rule::BadFormat)),
            );
            match (name, qty) {
                (Some(name), Some(qty)) => c.take(Goods::new(name, qty)),
                _ => None,
            }
        }
    };
    let details = description.map(|description| CaseDetails {
        occurred_at: c.opt(get(v, "occurred_at"), |s| {
            parse_local_datetime(Field::OccurredAt, s, offset_minutes)
        }),
        location: c.opt(get(v, "location"), |s| ShortText::parse(Field::Location, s)),
        description,
        request: c.opt(get(v, "request"), |s| LongText::parse(Field::Request, s)),
        goods,
    });
    let received_at = c.take(parse_local_datetime(
        Field::ReceivedAt,
        get(v, "received_at"),
        offset_minutes,
    ));
    let category = c.opt(get(v, "category"), CategoryId::parse);
    let severity: Option<Severity> = c.opt(get(v, "severity"), |s| enum_value(Field::Severity, s));
    let registration = match (kind, channel, details, received_at) {
        (Some(kind), Some(channel), Some(details), Some(received_at)) => Some(Registration {
            kind,
            channel,
            anonymous,
            complainant: if anonymous {
                Complainant::default()
            } else {
                complainant
            },
            details,
            received_at,
            category,
            severity,
            attachments: Vec::new(),
        }),
        _ => None,
    };
    if let Some(r) = &registration
        && let Err(errors) = r.check(catalog)
    {
        c.0.extend(errors);
    }
    c.finish(registration)
}

/// Corrections to the record sheet (補充信息): the complainant block and the details, as the
/// form shows them prefilled with the current values ([`amend_values`]).
pub fn amendment(
    v: &Values,
    offset_minutes: i32,
) -> Result<tousu_shared::event::RecordAmended, Vec<FieldError>> {
    let mut c = Check::default();
    let anonymous = get(v, "anonymous") == "true";
    let complainant = complainant(&mut c, v);
    if !anonymous && !complainant.has_contact() {
        c.0.push(FieldError::new(Field::Contact, Rule::ContactRequired));
    }
    let description = c.take(LongText::parse(Field::Description, get(v, "description")));
    let details = description.map(|description| CaseDetails {
        occurred_at: c.opt(get(v, "occurred_at"), |s| {
            parse_local_datetime(Field::OccurredAt, s, offset_minutes)
        }),
        location: c.opt(get(v, "location"), |s| ShortText::parse(Field::Location, s)),
        description,
        request: c.opt(get(v, "request"), |s| LongText::parse(Field::Request, s)),
        goods: None,
    });
    let amended = details.map(|details| tousu_shared::event::RecordAmended {
        complainant: Some(if anonymous {
            Complainant::default()
        } else {
            complainant
        }),
        anonymous: Some(anonymous),
        details: Some(details),
    });
    c.finish(amended)
}

/// The amendment form's starting values: the record sheet as it stands (goods are kept).
pub fn amend_values(r: &Registration, offset_minutes: i32) -> Values {
    let text = |t: Option<&str>| t.unwrap_or_default().to_string();
    let c = &r.complainant;
    let d = &r.details;
    [
        (
            "anonymous",
            if r.anonymous {
                "true".to_string()
            } else {
                String::new()
            },
        ),
        ("name", text(c.name.as_ref().map(|x| x.as_str()))),
        ("phone", text(c.phone.as_ref().map(|x| x.as_str()))),
        ("email", text(c.email.as_ref().map(|x| x.as_str()))),
        (
            "organisation",
            text(c.organisation.as_ref().map(|x| x.as_str())),
        ),
        ("address", text(c.address.as_ref().map(|x| x.as_str()))),
        ("location", text(d.location.as_ref().map(|x| x.as_str()))),
        ("description", d.description.as_str().to_string()),
        ("request", text(d.request.as_ref().map(|x| x.as_str()))),
        (
            "occurred_at",
            d.occurred_at
                .map(|t| format_local_datetime(t, offset_minutes))
                .unwrap_or_default(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The complainant block of the record sheet and of its amendment.
fn complainant(c: &mut Check, v: &Values) -> Complainant {
    Complainant {
        name: c.opt(get(v, "name"), |s| {
            ShortText::parse(Field::ComplainantName, s)
        }),
        phone: c.opt(get(v, "phone"), PhoneNumber::parse),
        email: c.opt(get(v, "email"), Email::parse),
        organisation: c.opt(get(v, "organisation"), |s| {
            ShortText::parse(Field::Organisation, s)
        }),
        address: c.opt(get(v, "address"), |s| ShortText::parse(Field::Address, s)),
    }
}

fn long(c: &mut Check, field: Field, raw: &str) -> Option<LongText> {
    c.take(LongText::parse(field, raw))
}

fn long_opt(c: &mut Check, field: Field, raw: &str) -> Option<LongText> {
    c.opt(raw, |s| LongText::parse(field, s))
}

fn money_opt(c: &mut Check, raw: &str) -> Option<Money> {
    c.opt(raw, Money::parse_yuan)
}

/// A workflow command's event body from its form (commands without a form take no values).
pub fn command_body(
    command: tousu_shared::event::CommandKind,
    v: &Values,
    offset_minutes: i32,
) -> Result<EventBody, Vec<FieldError>> {
    use tousu_shared::event::CommandKind as C;
    let mut c = Check::default();
    let body = match command {
        C::Classify => {
            let category = c.take(CategoryId::parse(get(v, "category")).map_err(|mut e| {
                e.field = Field::Category;
                e
            }));
            let severity = c.take(enum_value(Field::Severity, get(v, "severity")));
            let cause = c.opt(get(v, "cause"), |s| ShortText::parse(Field::Cause, s));
            match (category, severity) {
                (Some(category), Some(severity)) => Some(EventBody::Classified(Classified {
                    category,
                    cause,
                    severity,
                })),
                _ => None,
            }
        }
        C::RejectOutOfScope | C::Reopen => {
            long(&mut c, Field::Reason, get(v, "reason")).map(|reason| {
                let r = Reasoned { reason };
                if command == C::Reopen {
                    EventBody::Reopened(r)
                } else {
                    EventBody::RejectedOutOfScope(r)
                }
            })
        }
        C::Dispatch => {
            let department = c.take(DepartmentId::parse(get(v, "department")).map_err(|mut e| {
                e.field = Field::Department;
                e.rule = Rule::Required;
                e
            }));
            let instructions = long_opt(&mut c, Field::Comment, get(v, "instructions"));
            department.map(|department| {
                EventBody::Dispatched(Dispatched {
                    department,
                    due: None,
                    instructions,
                })
            })
        }
        C::SetDeadline => {
            let reason = long_opt(&mut c, Field::Reason, get(v, "reason"));
            Some(EventBody::DeadlineSet(DeadlineSet {
                special: get(v, "special") == "true",
                due: None,
                reason,
            }))
        }
        C::StartInvestigation => Some(EventBody::InvestigationStarted),
        C::AddNote => {
            let note_kind: Option<NoteKind> = c.take(enum_value(Field::Text, get(v, "note_kind")));
            let text = long(&mut c, Field::Text, get(v, "text"));
            let signed_by = c.opt(get(v, "signed_by"), |s| ShortText::parse(Field::Person, s));
            match (note_kind, text) {
                (Some(note_kind), Some(text)) => Some(EventBody::NoteAdded(NoteAdded {
                    note_kind,
                    text,
                    attachments: Vec::new(),
                    signature: None,
                    signed_by,
                })),
                _ => None,
            }
        }
        C::SubmitReport => {
            let findings = long(&mut c, Field::Text, get(v, "findings"));
            let cause = c.opt(get(v, "cause"), |s| ShortText::parse(Field::Cause, s));
            findings.map(|findings| EventBody::ReportSubmitted(ReportSubmitted { findings, cause }))
        }
        C::ProposePlan => {
            let plan = long(&mut c, Field::Plan, get(v, "plan"));
            let opinion = long_opt(&mut c, Field::Opinion, get(v, "opinion"));
            let compensation = money_opt(&mut c, get(v, "compensation"));
            let loss = money_opt(&mut c, get(v, "loss"));
            plan.map(|plan| {
                EventBody::PlanProposed(PlanProposed {
                    plan,
                    opinion,
                    compensation,
                    loss,
                })
            })
        }
        C::ReviewPlan => {
            let decision: Option<PlanDecision> =
                c.take(enum_value(Field::Text, get(v, "decision")));
            let comment = long_opt(&mut c, Field::Comment, get(v, "comment"));
            if decision == Some(PlanDecision::Returned) && comment.is_none() {
                c.0.push(FieldError::new(Field::Comment, Rule::Required));
            }
            decision.map(|decision| EventBody::PlanReviewed(PlanReviewed { decision, comment }))
        }
        C::RecordExecution => {
            let result = long(&mut c, Field::Result, get(v, "result"));
            let compensation = money_opt(&mut c, get(v, "compensation"));
            let loss = money_opt(&mut c, get(v, "loss"));
            result.map(|result| {
                EventBody::ExecutionRecorded(ExecutionRecorded {
                    result,
                    compensation,
                    loss,
                })
            })
        }
        C::GiveFeedback => {
            let channel: Option<FeedbackChannel> =
                c.take(enum_value(Field::Text, get(v, "channel")));
            let text = long(&mut c, Field::Text, get(v, "text"));
            match (channel, text) {
                (Some(channel), Some(text)) => {
                    Some(EventBody::FeedbackGiven(FeedbackGiven { channel, text }))
                }
                _ => None,
            }
        }
        C::RecordRevisit => {
            let method: Option<RevisitMethod> = c.take(enum_value(Field::Text, get(v, "method")));
            let satisfaction: Option<Satisfaction> =
                c.take(enum_value(Field::Text, get(v, "satisfaction")));
            let comment = long_opt(&mut c, Field::Comment, get(v, "comment"));
            match (method, satisfaction) {
                (Some(method), Some(satisfaction)) => {
                    Some(EventBody::RevisitRecorded(RevisitRecorded {
                        method,
                        satisfaction,
                        comment,
                    }))
                }
                _ => None,
            }
        }
        C::Close => {
            let summary = long_opt(&mut c, Field::Summary, get(v, "summary"));
            Some(EventBody::Closed(Closed { summary }))
        }
        C::RecordAccountability => {
            let person = c.take(UserId::parse(get(v, "person")).map_err(|mut e| {
                e.field = Field::Person;
                e
            }));
            let responsibility: Option<Responsibility> =
                c.take(enum_value(Field::Text, get(v, "responsibility")));
            let measure: Option<Measure> = c.take(enum_value(Field::Text, get(v, "measure")));
            let reason = long(&mut c, Field::Reason, get(v, "reason"));
            let until = c.take(
                Date::parse(get(v, "appeal_until"))
                    .map(|d| Timestamp::from_local(d.succ(), 0, 0, offset_minutes))
                    .map_err(|_| FieldError::new(Field::Deadline, Rule::BadFormat)),
            );
            match (person, responsibility, measure, reason, until) {
                (Some(person), Some(responsibility), Some(measure), Some(reason), Some(until)) => {
                    Some(EventBody::AccountabilityRecorded(AccountabilityRecorded {
                        person,
                        responsibility,
                        measure,
                        reason,
                        appeal_until: until,
                    }))
                }
                _ => None,
            }
        }
        C::FileAppeal => {
            let accountability = c.take(event_id(Field::Accountability, get(v, "accountability")));
            let reason = long(&mut c, Field::Reason, get(v, "reason"));
            match (accountability, reason) {
                (Some(accountability), Some(reason)) => Some(EventBody::AppealFiled(AppealFiled {
                    accountability,
                    reason,
                })),
                _ => None,
            }
        }
        C::DecideAppeal => {
            let appeal = c.take(event_id(Field::Appeal, get(v, "appeal")));
            let decision = long(&mut c, Field::Text, get(v, "decision"));
            match (appeal, decision) {
                (Some(appeal), Some(decision)) => Some(EventBody::AppealDecided(AppealDecided {
                    appeal,
                    upheld: get(v, "upheld") == "true",
                    decision,
                })),
                _ => None,
            }
        }
        C::AmendRecord => match amendment(v, offset_minutes) {
            Ok(mut a) => {
                // Goods are not on the form: keep them as they are.
                if let (Some(details), Some(goods)) = (a.details.as_mut(), v.get("__goods")) {
                    details.goods = serde_json::from_str(goods).ok();
                }
                Some(EventBody::RecordAmended(a))
            }
            Err(errors) => {
                c.0.extend(errors);
                None
            }
        },
        C::LinkDuplicate => c
            .take(
                get(v, "of")
                    .parse::<uuid::Uuid>()
                    .map(CaseId)
                    .map_err(|_| FieldError::new(Field::CaseNumber, Rule::Required)),
            )
            .map(|of| EventBody::LinkedDuplicate(LinkedDuplicate { of })),
        _ => None,
    };
    c.finish(body)
}

fn event_id(field: Field, raw: &str) -> Result<tousu_shared::ids::EventId, FieldError> {
    raw.parse::<uuid::Uuid>()
        .map(tousu_shared::ids::EventId)
        .map_err(|_| FieldError::new(field, Rule::Required))
}

/// The commands this app has a form for (the rest are shown, but done on the office desktop
/// in a later release).
pub fn has_form(command: tousu_shared::event::CommandKind) -> bool {
    use tousu_shared::event::CommandKind as C;
    matches!(
        command,
        C::Classify
            | C::RejectOutOfScope
            | C::Reopen
            | C::Dispatch
            | C::SetDeadline
            | C::StartInvestigation
            | C::AddNote
            | C::SubmitReport
            | C::ProposePlan
            | C::ReviewPlan
            | C::RecordExecution
            | C::GiveFeedback
            | C::RecordRevisit
            | C::Close
            | C::AmendRecord
            | C::RecordAccountability
            | C::FileAppeal
            | C::DecideAppeal
            | C::LinkDuplicate
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn catalog() -> Catalog {
        Catalog {
            categories: Catalog::default_categories(),
            departments: Vec::new(),
        }
    }

    #[test]
    fn a_complete_record_sheet_parses() {
        let v = values(&[
            ("kind", "complaint"),
            ("channel", "on_site"),
            ("name", "张三"),
            ("phone", "13812345678"),
            ("description", "快件外包装破损"),
            ("received_at", "2025-01-27T16:00"),
        ]);
        let r = registration(&v, &catalog(), 480).expect("valid");
        assert_eq!(r.kind, CaseKind::Complaint);
        assert_eq!(
            r.received_at,
            Timestamp::from_local(Date::new(2025, 1, 27).unwrap(), 16, 0, 480)
        );
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let v = values(&[
            ("kind", "complaint"),
            ("channel", "phone"),
            ("phone", "12"),
            ("received_at", "2025-01-27T16:00"),
        ]);
        let errors = registration(&v, &catalog(), 480).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&Field::Phone), "{errors:?}");
        assert!(fields.contains(&Field::Description), "{errors:?}");
    }

    #[test]
    fn a_named_complaint_without_contact_is_refused_but_anonymous_is_fine() {
        let base = [
            ("kind", "complaint"),
            ("channel", "phone"),
            ("description", "服务态度差"),
            ("received_at", "2025-01-27T16:00"),
        ];
        let errors = registration(&values(&base), &catalog(), 480).unwrap_err();
        assert_eq!(errors[0].rule, Rule::ContactRequired);
        let mut anon = values(&base);
        anon.insert("anonymous".into(), "true".into());
        assert!(registration(&anon, &catalog(), 480).is_ok());
    }

    #[test]
    fn returning_a_plan_needs_a_comment() {
        use tousu_shared::event::CommandKind as C;
        let errors =
            command_body(C::ReviewPlan, &values(&[("decision", "returned")]), 480).unwrap_err();
        assert_eq!(errors[0].field, Field::Comment);
        assert!(command_body(C::ReviewPlan, &values(&[("decision", "approved")]), 480).is_ok());
    }

    #[test]
    fn accountability_appeals_until_the_end_of_the_chosen_day() {
        use tousu_shared::event::CommandKind as C;
        let v = values(&[
            ("person", "handler"),
            ("responsibility", "direct"),
            ("measure", "written_self_review"),
            ("reason", "未按时限反馈"),
            ("appeal_until", "2026-11-30"),
        ]);
        let Ok(EventBody::AccountabilityRecorded(a)) =
            command_body(C::RecordAccountability, &v, 480)
        else {
            panic!("valid accountability");
        };
        assert_eq!(
            a.appeal_until,
            Timestamp::from_local(Date::new(2026, 12, 1).unwrap(), 0, 0, 480)
        );
        let errors = command_body(C::RecordAccountability, &values(&[]), 480).unwrap_err();
        assert!(errors.len() >= 4, "{errors:?}");
    }

    #[test]
    fn an_amendment_starts_from_the_record_sheet_and_keeps_its_rules() {
        let v = values(&[
            ("kind", "complaint"),
            ("channel", "phone"),
            ("name", "张三"),
            ("phone", "13812345678"),
            ("description", "服务态度差"),
            ("received_at", "2025-01-27T16:00"),
        ]);
        let r = registration(&v, &catalog(), 480).unwrap();
        let mut start = amend_values(&r, 480);
        assert_eq!(start["phone"], "13812345678");
        start.insert("email".into(), "zhang@example.com".into());
        let a = amendment(&start, 480).unwrap();
        assert_eq!(
            a.complainant.unwrap().email.map(|e| e.as_str().to_string()),
            Some("zhang@example.com".into())
        );
        start.insert("phone".into(), String::new());
        start.insert("email".into(), String::new());
        let errors = amendment(&start, 480).unwrap_err();
        assert_eq!(errors[0].rule, Rule::ContactRequired);
    }

    #[test]
    fn datetime_inputs_round_trip() {
        let at = parse_local_datetime(Field::ReceivedAt, "2026-11-23T09:05", 480).unwrap();
        assert_eq!(format_local_datetime(at, 480), "2026-11-23T09:05");
        assert!(parse_local_datetime(Field::ReceivedAt, "2026-11-23T25:00", 480).is_err());
    }
}
