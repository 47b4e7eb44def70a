//! The office's tables as workbooks (issue 14 §6): the statistics table (003 客戶投訴統計表, or
//! the profile's own) of a period, every case the caller may see shaped as the pull shapes it
//! and each cell filled by the shared sheet rule the printed table uses; and the appraisal
//! (績效考核) lines the caller may see.

use std::collections::HashMap;

use axum::{
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;
use tousu_shared::{
    access::Principal,
    clock::{CHINA_OFFSET_MINUTES, Date, HOUR_MS, MINUTE_MS, Timestamp},
    event::{AccountabilityRecorded, Actor},
    ids::{DepartmentId, UserId},
    ledger::{Cell, department_name},
    model::{Catalog, Satisfaction},
    profile::{Forms, Names, SatisfactionLabel},
    sheets::{self, SheetNames},
    sla::{self, Due, SlaPolicy, WorkCalendar},
    stats::{APPRAISAL_HEADINGS, AppraisalBy},
    view::CaseView,
    words::Worded as _,
};

use super::{
    exports::{parse_lang, table_xlsx},
    stats::{appraisal_lines, parse_period},
};
use crate::{AppState, auth::Caller, error::ApiError, store::StoreError};

/// Query of the statistics table and the appraisal workbooks.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableQuery {
    /// As for `/statistics`.
    #[schemars(pattern(tousu_shared::schema::PERIOD))]
    pub period: String,
    /// The appraisal's grouping: `person` (default) or `department`.
    #[serde(default)]
    pub by: Option<AppraisalBy>,
    /// `zh-CN` (default), `zh-TW` or `en`.
    #[serde(default)]
    #[schemars(extend("enum" = ["zh-CN", "zh-TW", "en"]))]
    pub lang: Option<String>,
}

/// How the server names what a sheet refers to: people and departments from the directory,
/// dates as `2026-03-01` in China's time.
struct ServerNames {
    lang: usize,
    people: HashMap<UserId, String>,
    catalog: Catalog,
    satisfaction: Vec<SatisfactionLabel>,
    policy: SlaPolicy,
    calendar: WorkCalendar,
    now: Timestamp,
}

fn pick(names: &Names, lang: usize) -> String {
    [&names.zh_cn, &names.zh_tw, &names.en][lang.min(2)].clone()
}

impl ServerNames {
    fn person(&self, id: &UserId) -> String {
        self.people
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

impl SheetNames for ServerNames {
    fn lang(&self) -> usize {
        self.lang
    }
    fn actor(&self, actor: &Actor) -> String {
        match actor {
            Actor::User(u) => self.person(u),
            Actor::Kiosk(_) => ["自助终端", "自助終端", "Kiosk"][self.lang].to_string(),
            Actor::System => ["系统", "系統", "Tousu"][self.lang].to_string(),
        }
    }
    fn responsible(&self, record: &AccountabilityRecorded) -> String {
        match (&record.person, &record.department) {
            (Some(p), _) => self.person(p),
            (None, Some(d)) => self.department(d),
            (None, None) => String::new(),
        }
    }
    fn department(&self, id: &DepartmentId) -> String {
        department_name(&self.catalog, id)
    }
    fn date(&self, at: Timestamp) -> String {
        at.date(CHINA_OFFSET_MINUTES).to_string()
    }
    fn date_time(&self, at: Timestamp) -> String {
        let ms = at.ms_of_day(CHINA_OFFSET_MINUTES);
        format!(
            "{} {:02}:{:02}",
            self.date(at),
            ms / HOUR_MS,
            (ms % HOUR_MS) / MINUTE_MS
        )
    }
    fn satisfaction(&self, s: Satisfaction) -> String {
        self.satisfaction
            .iter()
            .find(|l| l.level == s)
            .map(|l| pick(&l.name, self.lang))
            .unwrap_or_else(|| s.words()[self.lang].to_string())
    }
    fn answer_due(&self, view: &CaseView) -> Option<Due> {
        sla::answer_due(&sla::clocks(view, &self.policy, &self.calendar, self.now))
    }
}

/// `GET /api/v1/exports/statistics-table.xlsx?period=…&lang=…`: any staff member, the cases
/// received in the period they may see, masked as in their pull, oldest first.
pub async fn statistics_table(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TableQuery>,
) -> Result<Response, ApiError> {
    if !matches!(caller.principal, Principal::User { .. }) {
        return Err(ApiError::Forbidden("exports"));
    }
    let period = parse_period(&q.period)?;
    let lang = parse_lang(q.lang.as_deref())?;
    let profile = state.store.profile().await?;
    let form = profile
        .as_ref()
        .and_then(|p| p.forms.as_ref())
        .and_then(|f| f.statistics.clone())
        .unwrap_or_else(Forms::generic_statistics);
    let (policy, calendar) = state.store.clock_rules().await?;
    let names = ServerNames {
        lang,
        people: people(&state).await?,
        catalog: state.store.catalog().await?,
        satisfaction: profile.map(|p| p.satisfaction).unwrap_or_default(),
        policy,
        calendar,
        now: state.now(),
    };
    let (first, last) = period.bounds();
    let from = Timestamp::from_local(first, 0, 0, CHINA_OFFSET_MINUTES);
    let to = Timestamp::from_local(Date::from_days(last.days() + 1), 0, 0, CHINA_OFFSET_MINUTES);
    // A table to print holds a period's cases, not a whole archive's: at most this many.
    const MAX_LINES: usize = 20_000;
    let keys: Vec<_> = form.fields.iter().map(|f| f.key).collect();
    let (names, mut lines) = state
        .store
        .each_visible_case(
            caller.principal.clone(),
            state.now(),
            (from, to),
            (names, Vec::new()),
            move |(names, lines), case| {
                if lines.len() >= MAX_LINES {
                    return Err(StoreError::Corrupt("too many cases for one table".into()));
                }
                let received = case.view.registration.as_ref().map(|r| r.received_at);
                let cells: Vec<Cell> = keys
                    .iter()
                    .map(|&k| Cell::Text(sheets::value(&case.view, k, names)))
                    .collect();
                lines.push((received, case.view.id, cells));
                Ok(())
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Corrupt(m) if m.starts_with("too many") => ApiError::BadRequest(format!(
                "more than {MAX_LINES} cases in the period: choose a shorter one"
            )),
            other => other.into(),
        })?;
    lines.sort_by_key(|(received, id, _)| (*received, *id));
    let headings: Vec<String> = form.fields.iter().map(|f| pick(&f.name, lang)).collect();
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    let lines: Vec<Vec<Cell>> = lines.into_iter().map(|(_, _, cells)| cells).collect();
    let title = pick(&form.title, names.lang);
    table_xlsx(
        &format!(
            "tousu-statistics-table-{}.xlsx",
            period.text().replace("..", "_")
        ),
        &sheet_name(&title),
        &headings,
        &lines,
    )
}

/// `GET /api/v1/exports/appraisal.xlsx?period=…&by=…&lang=…`: the lines `GET /appraisal`
/// answers the caller, with names.
pub async fn appraisal(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TableQuery>,
) -> Result<Response, ApiError> {
    let period = parse_period(&q.period)?;
    let lang = parse_lang(q.lang.as_deref())?;
    let by = q.by.unwrap_or(AppraisalBy::Person);
    let (_, lines) = appraisal_lines(&state, &caller, period, by).await?;
    let people = people(&state).await?;
    let catalog = state.store.catalog().await?;
    let name = |key: &str| match by {
        AppraisalBy::Person => UserId::parse(key)
            .ok()
            .and_then(|u| people.get(&u).cloned())
            .unwrap_or_else(|| key.to_string()),
        AppraisalBy::Department => DepartmentId::parse(key)
            .map(|d| department_name(&catalog, &d))
            .unwrap_or_else(|_| key.to_string()),
    };
    let lines: Vec<Vec<Cell>> = lines
        .iter()
        .map(|l| {
            std::iter::once(Cell::Text(name(&l.key)))
                .chain(l.cells().map(Cell::Text))
                .collect()
        })
        .collect();
    let headings: Vec<&str> = APPRAISAL_HEADINGS.iter().map(|h| h[lang]).collect();
    table_xlsx(
        &format!("tousu-appraisal-{}.xlsx", period.text().replace("..", "_")),
        ["绩效考核", "績效考核", "Appraisal"][lang],
        &headings,
        &lines,
    )
}

/// Everyone's display name by account.
async fn people(state: &AppState) -> Result<HashMap<UserId, String>, ApiError> {
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter_map(|u| Some((UserId::parse(&u.id).ok()?, u.display_name)))
        .collect())
}

/// A worksheet's name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}
