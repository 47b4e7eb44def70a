//! Demo data: departments, one user per role, and a few hundred cases in every stage, made
//! through the same push path as real devices (same policy, same numbering, same fold).

use tousu_shared::{
    access::{Principal, Role},
    clock::{DAY_MS, HOUR_MS, Hlc, MINUTE_MS, Timestamp},
    event::{
        Classified, Closed, Dispatched, Event, EventBody, ExecutionRecorded, FeedbackGiven,
        NoteAdded, PlanProposed, PlanReviewed, ReportSubmitted, RevisitRecorded, SCHEMA_VERSION,
    },
    fold::fold,
    ids::{CaseId, CategoryId, DepartmentId, DeviceId, EventId, UserId},
    model::{
        CaseDetails, CaseKind, Channel, Complainant, ComplainantType, FeedbackChannel, Goods,
        NoteKind, PlanDecision, Registration, RevisitMethod, Satisfaction, Severity,
    },
    validate::{Email, Field, LongText, Money, PhoneNumber, ShortText},
};

use crate::{
    auth::{self, Caller},
    store::{Store, StoreError, accounts::NewAccount},
    sync,
};

/// Default demo password when `TOUSU_DEMO_PASSWORD` is not set (written in the README).
pub const DEFAULT_DEMO_PASSWORD: &str = "tousu-demo";

/// The demo departments.
pub const DEPARTMENTS: &[(&str, &str)] = &[("ops", "运营服务部"), ("north", "北区站点部")];

/// The demo users: (id, display name, roles, department).
pub const USERS: &[(&str, &str, &[Role], Option<&str>)] = &[
    ("admin", "系统管理员", &[Role::Admin], None),
    (
        "supervisor",
        "投诉处理中心 王主管",
        &[Role::Supervisor],
        None,
    ),
    (
        "manager",
        "运营服务部 李经理",
        &[Role::Manager],
        Some("ops"),
    ),
    (
        "handler",
        "运营服务部 张专员",
        &[Role::Handler],
        Some("ops"),
    ),
    (
        "handler2",
        "北区站点部 赵专员",
        &[Role::Handler],
        Some("north"),
    ),
    ("clerk", "受理员 陈晓", &[Role::Clerk], None),
    ("archivist", "档案管理员 周敏", &[Role::Archivist], None),
    ("leader", "分管领导 孙总", &[Role::Leader], None),
];

/// An account with `password` (hashed here: call from a blocking thread).
pub fn account(
    id: &str,
    display_name: &str,
    roles: &[Role],
    department: Option<&str>,
    password: &str,
) -> Result<NewAccount, StoreError> {
    Ok(NewAccount {
        id: UserId::parse(id).map_err(|e| StoreError::Corrupt(format!("user id {id}: {e}")))?,
        display_name: display_name.to_string(),
        roles: roles.to_vec(),
        department: department
            .map(DepartmentId::parse)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("department: {e}")))?,
        password_hash: auth::hash_password(password)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        must_change: false,
    })
}

/// A tiny deterministic generator, so every demo database looks the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn long(s: &str) -> LongText {
    LongText::parse(Field::Text, s).expect("demo text")
}
fn short(s: &str) -> ShortText {
    ShortText::parse(Field::Text, s).expect("demo text")
}

/// One demo actor: a user on their own device.
struct Actor_ {
    caller: Caller,
    device: DeviceId,
    seq: u64,
}

/// What `seed` made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSummary {
    /// Users created.
    pub users: usize,
    /// Cases created.
    pub cases: usize,
    /// Events applied.
    pub events: usize,
}

const PLACES: &[&str] = &[
    "朝阳门站点",
    "建国路驿站",
    "西直门营业厅",
    "北苑仓库",
    "望京服务点",
    "中关村站点",
];
const STORIES: &[(&str, &str, &str, bool)] = &[
    (
        "parcel-loss-damage",
        "快件外包装破损，内件手机屏幕碎裂",
        "赔偿损失",
        true,
    ),
    (
        "attitude",
        "工作人员态度冷淡，催促顾客离开",
        "向我道歉",
        false,
    ),
    (
        "service-quality",
        "取件排队超过四十分钟，只开一个窗口",
        "增加高峰时段人手",
        false,
    ),
    (
        "facilities",
        "自助取件柜屏幕失灵，无法取件",
        "尽快维修",
        false,
    ),
    ("hygiene", "站点地面积水，有明显异味", "清洁并整改", false),
    ("safety", "货架摆放过高，有坠落风险", "立即整改", false),
    (
        "process",
        "同一快件被要求重复出示身份证三次",
        "简化流程",
        false,
    ),
];
const NAMES: &[&str] = &[
    "刘洋", "陈静", "杨帆", "黄磊", "吴敏", "孙丽", "马超", "朱红",
];

/// Seeds departments, the demo users (all with `password`) and `n_cases` cases spread over
/// every stage, received during the 60 days before `now`; some overdue, some archived.
pub async fn seed(
    store: &Store,
    password: &str,
    n_cases: usize,
    now: Timestamp,
) -> Result<SeedSummary, StoreError> {
    let departments = DEPARTMENTS
        .iter()
        .map(|(id, name)| {
            (
                DepartmentId::parse(id).expect("demo dept"),
                name.to_string(),
            )
        })
        .collect();
    let password = password.to_string();
    let accounts = tokio::task::spawn_blocking(move || {
        USERS
            .iter()
            .map(|(id, name, roles, dept)| account(id, name, roles, *dept, &password))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| StoreError::Corrupt(e.to_string()))??;
    store.create_accounts(departments, accounts, now).await?;
    let mut actors = std::collections::BTreeMap::new();
    for (id, name, roles, dept) in USERS {
        let user = UserId::parse(id).expect("demo id");
        // Named after its user, as a tablet a person signs in on first is.
        let device = store
            .register_browser(user.clone(), (*name).into(), now)
            .await?;
        let principal = Principal::user(
            user,
            roles,
            dept.map(|d| DepartmentId::parse(d).expect("demo dept")),
        );
        actors.insert(
            *id,
            Actor_ {
                caller: Caller {
                    principal,
                    device: Some(device),
                    token_hash: Vec::new(),
                },
                device,
                seq: 0,
            },
        );
    }
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    // The demo follows the profile in force: its stories are filed under its categories.
    let categories = store.catalog().await?.categories;
    // And its rules: the cases are registered under it, as a device would.
    let rules = store.profile().await?.and_then(|p| p.rules);
    let mut n_events = 0;
    for i in 0..n_cases {
        // Older cases are further along; the newest are still being handled.
        let age_days = 60.0 * (1.0 - i as f64 / n_cases as f64);
        let received = Timestamp(
            now.0 - (age_days * DAY_MS as f64) as i64 - (rng.next() % (8 * HOUR_MS as u64)) as i64,
        );
        let target = if age_days > 35.0 {
            12
        } else if age_days > 3.0 {
            (rng.next() % 12) as usize
        } else {
            (rng.next() % 4) as usize
        };
        n_events += seed_case(
            store,
            &mut actors,
            &mut rng,
            (&categories, rules.as_ref()),
            received,
            (target, now),
        )
        .await?;
    }
    Ok(SeedSummary {
        users: USERS.len(),
        cases: n_cases,
        events: n_events,
    })
}

async fn seed_case(
    store: &Store,
    actors: &mut std::collections::BTreeMap<&'static str, Actor_>,
    rng: &mut Rng,
    (categories, rules): (
        &[tousu_shared::model::Category],
        Option<&tousu_shared::rules::CaseRules>,
    ),
    received: Timestamp,
    (target, now): (usize, Timestamp),
) -> Result<usize, StoreError> {
    let case = CaseId(uuid::Uuid::now_v7());
    let (story_category, story, request, goods) = *rng.pick(STORIES);
    // The story's own category where the profile has it, else one of the profile's, by turn.
    let (category, goods) = match categories.iter().find(|c| c.id.as_str() == story_category) {
        Some(c) => (c.id.to_string(), goods || c.requires_goods),
        None if !categories.is_empty() => {
            let c = rng.pick(categories);
            (c.id.to_string(), c.requires_goods)
        }
        None => (story_category.to_string(), goods),
    };
    let category = category.as_str();
    let north = rng.next().is_multiple_of(3);
    let (dept, handler, planner) = if north {
        ("north", "handler2", "supervisor")
    } else {
        ("ops", "handler", "manager")
    };
    let anonymous = rng.next().is_multiple_of(9);
    let kind = match rng.next() % 10 {
        0 => CaseKind::Suggestion,
        1 => CaseKind::Consultation,
        _ => CaseKind::Complaint,
    };
    let channel = *rng.pick(&[
        Channel::Phone,
        Channel::Web,
        Channel::OnSite,
        Channel::Email,
        Channel::Phone,
    ]);
    let name = *rng.pick(NAMES);
    let phone = format!("13{}{:08}", 5 + rng.next() % 5, rng.next() % 100_000_000);
    let registration = Registration {
        // Partners write by e-mail in the demo (no draw from the generator: the demo's
        // spread of stages stays as it was).
        complainant_type: Some(if channel == Channel::Email {
            ComplainantType::Partner
        } else {
            ComplainantType::Customer
        }),
        kind,
        channel,
        anonymous,
        complainant: if anonymous {
            Complainant::default()
        } else {
            Complainant {
                name: Some(short(name)),
                phone: PhoneNumber::parse(&phone).ok(),
                email: (rng.next().is_multiple_of(3))
                    .then(|| Email::parse("customer@example.com").expect("email")),
                organisation: None,
                address: Some(short("北京市朝阳区建国路88号")),
            }
        },
        details: CaseDetails {
            occurred_at: Some(Timestamp(received.0 - 2 * HOUR_MS)),
            location: Some(short(rng.pick::<&str>(PLACES))),
            description: long(story),
            request: Some(long(request)),
            goods: goods.then(|| Goods::new(short("手机"), 1).expect("goods")),
        },
        received_at: received,
        category: Some(CategoryId::parse(category).expect("category")),
        severity: None,
        attachments: Vec::new(),
        rules: rules.cloned().map(Box::new),
        promised_answer: None,
    };
    let registrar = if channel == Channel::OnSite {
        handler
    } else {
        "clerk"
    };
    let severity = match rng.next() % 8 {
        0 => Severity::UrgentMajor,
        1 | 2 => Severity::Important,
        _ => Severity::General,
    };
    let mut steps: Vec<(&str, EventBody)> = vec![(registrar, EventBody::Registered(registration))];
    let early = kind != CaseKind::Complaint;
    let plan = if goods {
        "按保价规则赔偿并致歉"
    } else {
        "当面致歉并对相关人员进行培训"
    };
    let mut path: Vec<(&str, EventBody)> = vec![
        (
            "supervisor",
            EventBody::Classified(Classified {
                category: CategoryId::parse(category).expect("c"),
                cause: None,
                severity,
            }),
        ),
        (
            "supervisor",
            EventBody::Dispatched(Dispatched {
                department: DepartmentId::parse(dept).expect("d"),
                co_departments: Vec::new(),
                due: None,
                instructions: None,
            }),
        ),
        (handler, EventBody::InvestigationStarted),
        (
            handler,
            EventBody::NoteAdded(NoteAdded {
                note_kind: NoteKind::Investigation,
                text: long("已到现场查看并调取监控"),
                attachments: Vec::new(),
                signature: None,
                signed_by: None,
            }),
        ),
        (
            handler,
            EventBody::ReportSubmitted(ReportSubmitted {
                findings: long("经核实情况属实"),
                cause: Some(short("操作不规范")),
                finding: Some(tousu_shared::event::Finding::Founded),
                fault: None,
            }),
        ),
        (
            planner,
            EventBody::PlanProposed(PlanProposed {
                plan: long(plan),
                opinion: None,
                compensation: goods.then(|| Money::from_fen(29_900).expect("m")),
                loss: goods.then(|| Money::from_fen(29_900).expect("m")),
            }),
        ),
        (
            "supervisor",
            EventBody::PlanReviewed(PlanReviewed {
                decision: PlanDecision::Approved,
                comment: None,
            }),
        ),
        (
            handler,
            EventBody::ExecutionRecorded(ExecutionRecorded {
                result: long("已按方案处理完毕"),
                compensation: goods.then(|| Money::from_fen(29_900).expect("m")),
                loss: None,
            }),
        ),
        (
            handler,
            EventBody::FeedbackGiven(FeedbackGiven {
                channel: FeedbackChannel::Phone,
                text: long("已电话告知处理结果"),
            }),
        ),
        (
            handler,
            EventBody::RevisitRecorded(RevisitRecorded {
                method: RevisitMethod::Phone,
                satisfaction: if rng.next().is_multiple_of(7) {
                    Satisfaction::PartlySatisfied
                } else {
                    Satisfaction::Satisfied
                },
                comment: None,
            }),
        ),
        ("supervisor", EventBody::Closed(Closed { summary: None })),
        ("archivist", EventBody::Archived),
    ];
    // The emergency path takes its interim measure (002 "制定臨時解決方案") after dispatch.
    let interim = rules.and_then(|r| r.emergency).and_then(|e| e.interim);
    if severity == Severity::UrgentMajor && interim.is_some() {
        path.insert(
            2,
            (
                "supervisor",
                EventBody::InterimMeasureTaken(tousu_shared::event::InterimMeasure {
                    measure: long("先行安排人员到场并提供替代方案，减少客户损失"),
                }),
            ),
        );
    }
    if early && target >= 1 {
        steps.push((
            "supervisor",
            EventBody::Closed(Closed {
                summary: Some(long("已当场答复")),
            }),
        ));
    } else {
        steps.extend(path.into_iter().take(target));
    }

    let mut events: Vec<Event> = Vec::new();
    let mut at = received.0 + 5 * MINUTE_MS;
    let mut applied = 0;
    for (who, body) in steps {
        let actor = actors.get_mut(who).expect("demo actor");
        let view = fold(case, &events);
        actor.seq += 1;
        let hlc = Hlc {
            wall_ms: at.min(now.0),
            counter: actor.seq as u32 % 1000,
        };
        let event = Event {
            id: EventId(uuid::Uuid::now_v7()),
            case_id: case,
            device_id: actor.device,
            dev_seq: actor.seq,
            actor: actor.caller.principal.actor(),
            hlc,
            parents: view.heads.clone(),
            schema: SCHEMA_VERSION,
            body,
        };
        let raw = serde_json::value::to_raw_value(&event).expect("serializes");
        let response = sync::push(store, &actor.caller, vec![raw], now).await?;
        match &response.results[0] {
            tousu_shared::api::sync::PushResult::Applied { .. } => {
                applied += 1;
                events = store.case_events(case).await?;
            }
            other => {
                return Err(StoreError::Corrupt(format!(
                    "demo event refused: {other:?}"
                )));
            }
        }
        at += (4 + rng.next() % 20) as i64 * HOUR_MS / 4;
    }
    Ok(applied)
}
