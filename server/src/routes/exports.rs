//! `GET /api/v1/exports/cases.xlsx`: the case ledger (台賬) of a period as an Excel file
//! (issue 14 §6), every case the caller may see shaped as the pull shapes it, in the shared
//! ledger's columns. The sheet is written in rust_xlsxwriter's constant-memory mode (rows go
//! to a temporary file as they come) and the finished file is streamed from disk, so an export
//! of 100,000 cases never sits whole in memory.

use std::collections::HashMap;

use axum::{
    body::Body,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;
use tousu_shared::{
    access::{Principal, Role},
    clock::{CHINA_OFFSET_MINUTES, Date, Timestamp},
    ids::CaseId,
    ledger::{self, Cell, Facts, HEADINGS, Reader},
};

use super::stats::parse_period;
use crate::{AppState, auth::Caller, error::ApiError, store::StoreError};

/// Query of `GET /exports/cases.xlsx`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// As for `/statistics`: `2026-03`, `2026-Q1`, `2026` or `2026-01-01..2026-03-31`.
    #[schemars(pattern(tousu_shared::schema::PERIOD))]
    pub period: String,
    /// `zh-CN` (default), `zh-TW` or `en`: the headings' and the words' language.
    #[serde(default)]
    #[schemars(extend("enum" = ["zh-CN", "zh-TW", "en"]))]
    pub lang: Option<String>,
}

/// The ledger being written: the workbook, its next row and what each row reads.
struct LedgerSheet {
    workbook: Workbook,
    row: u32,
    money: Format,
}

/// What the store's thread needs to make rows, and where it sends them.
struct RowMaker {
    rows: std::sync::mpsc::SyncSender<Vec<Cell>>,
    stats: HashMap<CaseId, Facts>,
    catalog: tousu_shared::model::Catalog,
    reader: Reader,
}

impl LedgerSheet {
    fn write(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Count(n) => {
                    sheet.write_number(self.row, col, f64::from(*n))?;
                }
                Cell::Yuan(fen) => {
                    sheet.write_number_with_format(
                        self.row,
                        col,
                        *fen as f64 / 100.0,
                        &self.money,
                    )?;
                }
                other => {
                    let text = other.text();
                    if !text.is_empty() {
                        sheet.write_string(self.row, col, text)?;
                    }
                }
            }
        }
        self.row += 1;
        Ok(())
    }
}

/// The words' index (as [`Reader::lang`]) of a `lang` parameter: `zh-CN` (default), `zh-TW`
/// or `en`.
pub(super) fn parse_lang(lang: Option<&str>) -> Result<usize, ApiError> {
    match lang {
        None | Some("zh-CN") => Ok(0),
        Some("zh-TW") => Ok(1),
        Some("en") => Ok(2),
        Some(other) => Err(ApiError::BadRequest(format!(
            "lang {other:?}: zh-CN, zh-TW or en"
        ))),
    }
}

/// A small workbook of one sheet (a table of at most a few thousand lines, made in memory):
/// bold headings, frozen, then the lines; sent as the download `name`.
pub(super) fn table_xlsx(
    name: &str,
    sheet_name: &str,
    headings: &[&str],
    lines: &[Vec<Cell>],
) -> Result<Response, ApiError> {
    let write = || -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("0.00");
        let wrap = Format::new().set_text_wrap();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name)?;
        for (col, heading) in headings.iter().enumerate() {
            sheet.set_column_width(col as u16, 16)?;
            sheet.write_string_with_format(0, col as u16, *heading, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (row, cells) in lines.iter().enumerate() {
            let row = row as u32 + 1;
            for (col, cell) in cells.iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Count(n) => {
                        sheet.write_number(row, col, f64::from(*n))?;
                    }
                    Cell::Yuan(fen) => {
                        sheet.write_number_with_format(row, col, *fen as f64 / 100.0, &money)?;
                    }
                    other => {
                        let text = other.text();
                        if text.contains('\n') {
                            sheet.set_column_width(col, 60)?;
                            sheet.write_string_with_format(row, col, text, &wrap)?;
                        } else if !text.is_empty() {
                            sheet.write_string(row, col, text)?;
                        }
                    }
                }
            }
        }
        workbook.save_to_buffer()
    };
    let bytes = write().map_err(|e| ApiError::Internal(e.into()))?;
    Ok(xlsx_download(name, Body::from(bytes)))
}

fn xlsx_download(name: &str, body: Body) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/v1/exports/cases.xlsx?period=…&lang=…`: any staff member, for the cases they may
/// see (supervisors every case, heads their department's, others their own scope), personal
/// data masked as in their pull and phones masked for everyone but supervisors.
pub async fn cases_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    if !matches!(caller.principal, Principal::User { .. }) {
        return Err(ApiError::Forbidden("exports"));
    }
    let period = parse_period(&q.period)?;
    let lang = parse_lang(q.lang.as_deref())?;
    let (first, last) = period.bounds();
    let from = Timestamp::from_local(first, 0, 0, CHINA_OFFSET_MINUTES);
    let to = Timestamp::from_local(Date::from_days(last.days() + 1), 0, 0, CHINA_OFFSET_MINUTES);
    let stats = state
        .store
        .with_stat_rows(move |rows| {
            rows.iter()
                .filter(|r| from <= r.received && r.received < to)
                .map(|r| (r.case, Facts::of(r)))
                .collect::<HashMap<_, _>>()
        })
        .await?;
    let reader = Reader {
        lang,
        full_phones: caller.principal.has(Role::Supervisor),
        offset_minutes: CHINA_OFFSET_MINUTES,
    };
    let mut workbook = Workbook::new();
    // Fast deflate: the default level spent a second on a 100,000-case ledger for a file
    // a fifth smaller.
    workbook.set_zip_compression_level(1);
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(|e| ApiError::Internal(e.into()))?;
    let title = ["台账", "台賬", "Ledger"][lang];
    let mut write_head = || -> Result<(), XlsxError> {
        sheet.set_name(format!("{title} {}", period.text().replace("..", " – ")))?;
        for (col, heading) in HEADINGS.iter().enumerate() {
            sheet.set_column_width(col as u16, if col == HEADINGS.len() - 1 { 60 } else { 14 })?;
            sheet.write_string_with_format(0, col as u16, heading[lang], &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(())
    };
    write_head().map_err(|e| ApiError::Internal(e.into()))?;
    let mut ledger = LedgerSheet {
        workbook,
        row: 1,
        money: Format::new().set_num_format("0.00"),
    };
    // Rows are made (events read, folded, shaped) on the store's thread and written to the
    // sheet on this one, so the two halves of the work overlap.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Cell>>(1024);
    let writer = std::thread::spawn(move || -> Result<std::fs::File, anyhow::Error> {
        for cells in rx {
            ledger.write(&cells)?;
        }
        let mut file = tempfile::tempfile()?;
        ledger.workbook.save_to_writer(&mut file)?;
        use std::io::Seek as _;
        file.rewind()?;
        Ok(file)
    });
    let maker = RowMaker {
        rows: tx,
        stats,
        catalog: state.store.catalog().await?,
        reader,
    };
    let made = state
        .store
        .each_visible_case(
            caller.principal.clone(),
            state.now(),
            (from, to),
            maker,
            |m, case| {
                let cells = ledger::row(&case, m.stats.get(&case.view.id), &m.catalog, m.reader);
                m.rows
                    .send(cells)
                    .map_err(|_| StoreError::Corrupt("the ledger's writer stopped".into()))
            },
        )
        .await;
    // Dropping the maker (its sender) ends the writer's loop; on an error it is gone already.
    let made = made.map(drop);
    let file = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("the ledger's writer panicked")))?;
    made?;
    let file = file?;
    let name = format!("tousu-ledger-{}.xlsx", period.text().replace("..", "_"));
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(
        tokio::fs::File::from_std(file),
    ));
    Ok(xlsx_download(&name, body))
}
