//! The office's case table (issue 15 §4) in Chromium: on a 1920×1080 desktop the list opens as
//! a dense table with over 40 rows in view under a sticky header; a column's head orders it,
//! a second click reverses it; a tablet keeps the cards and may switch.

use tousu_e2e::{Browser, DEMO_PASSWORD, TestServer, axe_source};

/// Rows wholly between the sticky header and the status bar.
const ROWS_IN_VIEW: &str = "const t = document.querySelector('[data-testid=case-table]'); \
     if (!t) return null; \
     const head = t.querySelector('thead th').getBoundingClientRect().bottom; \
     const foot = document.querySelector('[data-testid=statusbar]').getBoundingClientRect().top; \
     const rows = [...t.querySelectorAll('tbody tr')]; \
     if (rows.length < 50) return null; \
     return String(rows.filter(r => { const b = r.getBoundingClientRect(); return b.top >= head - 1 && b.bottom <= foot + 1; }).length);";

/// The labels of the first five rows, comma-separated.
const FIRST_LABELS: &str = "const rows = [...document.querySelectorAll('[data-testid=case-table-row] [data-testid=case-label]')]; \
     return rows.length > 5 ? rows.slice(0, 5).map(r => r.textContent).join(',') : null;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_desktop_reads_a_dense_sortable_table() -> anyhow::Result<()> {
    let server = TestServer::start_demo(240)?;
    let desk = Browser::start().await?;
    let tablet = Browser::start().await?;
    let result = async {
        desk.client.set_window_size(1920, 1080).await?;
        desk.sign_in(&server.url, "supervisor", DEMO_PASSWORD).await?;
        desk.wait_all_synced().await?;
        // Every case, so the table is long.
        desk.client.goto(&server.url).await?;
        desk.click("filter-open").await?;
        desk.wait_for_script("the table", "return document.querySelectorAll('[data-testid=case-table-row]').length >= 50;").await?;
        desk.client.execute("document.querySelector('[data-testid=case-table] tbody').scrollIntoView(); return null;", vec![]).await?;
        let in_view: usize = desk.wait_for_script_value("rows in view", ROWS_IN_VIEW).await?.parse()?;
        assert!(in_view >= 40, "{in_view} rows in view at 1920×1080");
        eprintln!("case table: {in_view} rows in view at 1920×1080");
        // The header stays in view while the rows scroll under it.
        let header_top = desk.wait_for_script_value("the header's place",
            "const h = document.querySelector('[data-testid=case-table] thead th').getBoundingClientRect(); \
             const main = document.querySelector('main').getBoundingClientRect(); \
             return String(Math.round(h.top - main.top));").await?;
        assert_eq!(header_top, "0", "sticky header at the top of the content area");
        desk.screenshot("case-table-desktop").await?;

        desk.click("sort-number").await?;
        let up = desk.wait_for_script_value("ascending numbers", FIRST_LABELS).await?;
        let labels: Vec<&str> = up.split(',').collect();
        assert!(labels.windows(2).all(|w| w[0] < w[1]), "ascending: {up}");
        desk.click("sort-number").await?;
        let script = format!(
            "const now = (function() {{ {FIRST_LABELS} }})(); return now && now !== {} ? now : null;",
            serde_json::to_string(&up)?
        );
        let down = desk.wait_for_script_value("descending numbers", &script).await?;
        let labels: Vec<&str> = down.split(',').collect();
        assert!(labels.windows(2).all(|w| w[0] > w[1]), "descending: {down}");
        let sort = desk.wait_for_script_value("aria-sort",
            "return document.querySelector('[data-testid=sort-number]').parentElement.getAttribute('aria-sort');").await?;
        assert_eq!(sort, "descending");
        let violations = desk.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (table): {violations:?}");
        desk.set_dark(true).await?;
        desk.select("lang-select", "en").await?;
        desk.wait_for_text_where("[data-testid=sort-due]", "English heads", |t| t.contains("Time limit")).await?;
        let violations = desk.axe_violations(&axe_source()?).await?;
        assert!(violations.is_empty(), "axe (table, dark): {violations:?}");
        desk.screenshot("case-table-desktop-en-dark").await?;

        // A tablet keeps the cards, and may switch.
        tablet.sign_in(&server.url, "supervisor", DEMO_PASSWORD).await?;
        tablet.wait_all_synced().await?;
        tablet.wait_for_script("the cards", "return document.querySelectorAll('[data-testid=case-row]').length > 0 \
            && document.querySelector('[data-testid=case-table]') === null;").await?;
        tablet.click("view-table").await?;
        tablet.wait_for_script("the table on the tablet", "return document.querySelectorAll('[data-testid=case-table-row]').length > 0 \
            && document.querySelector('[data-testid=case-row]') === null;").await?;
        tablet.screenshot("case-table-tablet").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    desk.close().await?;
    tablet.close().await?;
    result
}
