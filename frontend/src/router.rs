//! The app's screens and the address bar: the current path as a signal, same-origin link
//! clicks turned into history entries, back and forward followed.
//!
//! Eight fixed screens need no route tree; this replaces `leptos_router` (about 20 KB of the
//! compressed wasm, docs/DECISIONS.md). Links are ordinary `<a href>` elements: they work
//! with the keyboard, open in a new tab with a modifier key and are read as links.

use leptos::prelude::*;
use wasm_bindgen::JsCast as _;

/// A screen of the app and what its address names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// `/` and `/cases`: the case list.
    Cases,
    /// `/cases/:id`; `new` when `?new=1` (just registered on this screen's intake).
    Case {
        /// The case id as written in the address (not yet parsed).
        id: String,
        /// Opened straight after registering.
        new: bool,
    },
    /// `/cases/:id/print/:sheet`.
    Print {
        /// The case id as written in the address.
        id: String,
        /// `record` or `handling`.
        sheet: String,
    },
    /// `/intake`.
    Intake,
    /// `/revisit`.
    Revisit,
    /// `/sync`.
    Sync,
    /// `/stats?period=…&by=…`: the office's figures.
    Stats {
        /// The period named, if any.
        period: Option<String>,
        /// The grouping named, if any.
        by: Option<String>,
    },
    /// `/stats/table?period=…`: the statistics table (003 客戶投訴統計表).
    StatsTable {
        /// The period named, if any.
        period: Option<String>,
    },
    /// `/stats/revisits?period=…`: the revisit summary.
    RevisitSummary {
        /// The period named, if any.
        period: Option<String>,
    },
    /// `/stats/accountability?period=…`: the accountability summary (supervisors).
    AccountabilitySummary {
        /// The period named, if any.
        period: Option<String>,
    },
    /// `/appraisal?period=…`: 績效考核.
    Appraisal {
        /// The period named, if any.
        period: Option<String>,
    },
    /// `/teaching?case=…`: the teaching cases (案例分析), or one of them.
    Teaching {
        /// The one case to show, if any.
        case: Option<String>,
    },
    /// `/archive`: monthly runs, access requests, the archive's cases and their destruction.
    Archive,
    /// `/audit`: the audit trail and its hash-chain check.
    Audit,
    /// `/admin`: accounts, departments and the calendar (administrators).
    Admin,
    /// `/todo`: my to-do (待辦), the cases waiting for this person's step.
    ToDo,
    /// `/archive/cases/:id`: an archived case opened read-only under an access grant.
    GrantedCase {
        /// The case id, as written in the address.
        id: String,
    },
    /// `/cases?period=…&by=…&key=…`: the cases behind one bar of the statistics.
    Drill {
        /// `Period::text`.
        period: String,
        /// `Dimension::tag`.
        by: String,
        /// The group's key, decoded.
        key: String,
        /// How many cases the statistics counted in it.
        n: Option<u32>,
    },
    /// Anything else.
    NotFound,
}

impl Screen {
    /// The screen an address shows: `path` as in `location.pathname`, `query` as in
    /// `location.search` (with or without its `?`).
    pub fn parse(path: &str, query: &str) -> Screen {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let flag = |name: &str| {
            query
                .trim_start_matches('?')
                .split('&')
                .any(|pair| pair.split('=').next() == Some(name))
        };
        let param = |name: &str| {
            query.trim_start_matches('?').split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (k == name).then(|| decode(v))
            })
        };
        match segments.as_slice() {
            ["cases"] if param("by").is_some() => Screen::Drill {
                period: param("period").unwrap_or_default(),
                by: param("by").unwrap_or_default(),
                key: param("key").unwrap_or_default(),
                n: param("n").and_then(|n| n.parse().ok()),
            },
            [] | ["cases"] => Screen::Cases,
            ["cases", id] => Screen::Case {
                id: (*id).to_string(),
                new: flag("new"),
            },
            ["cases", id, "print", sheet] => Screen::Print {
                id: (*id).to_string(),
                sheet: (*sheet).to_string(),
            },
            ["intake"] => Screen::Intake,
            ["todo"] => Screen::ToDo,
            ["revisit"] => Screen::Revisit,
            ["sync"] => Screen::Sync,
            ["stats", "table"] => Screen::StatsTable {
                period: param("period"),
            },
            ["stats", "revisits"] => Screen::RevisitSummary {
                period: param("period"),
            },
            ["stats", "accountability"] => Screen::AccountabilitySummary {
                period: param("period"),
            },
            ["appraisal"] => Screen::Appraisal {
                period: param("period"),
            },
            ["archive"] => Screen::Archive,
            ["audit"] => Screen::Audit,
            ["admin"] => Screen::Admin,
            ["archive", "cases", id] => Screen::GrantedCase {
                id: (*id).to_string(),
            },
            ["teaching"] => Screen::Teaching {
                case: param("case"),
            },
            ["stats"] => Screen::Stats {
                period: param("period"),
                by: param("by"),
            },
            _ => Screen::NotFound,
        }
    }
}

/// A query value with its percent-escapes undone (`+` is a space); malformed escapes are
/// kept as written.
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| raw.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| raw.to_string())
}

/// A query value escaped for an address.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether a navigation entry at `href` is the page at `path` or one beneath it (the
/// case list's entry stays marked on a case and on `/`).
pub fn is_current(href: &str, path: &str) -> bool {
    let path = if path == "/" { "/cases" } else { path };
    path == href
        || path
            .strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The address the app shows: path and query.
#[derive(Clone, Copy)]
pub struct Router {
    location: RwSignal<(String, String)>,
}

impl Router {
    /// Follows `window.location` from now on: back/forward buttons and clicks on same-origin
    /// links. Call once, at the root.
    pub fn start() -> Router {
        let router = Router {
            location: RwSignal::new(current()),
        };
        let popstate = window_event_listener(leptos::ev::popstate, move |_| {
            router.location.set(current());
        });
        let click = window_event_listener(leptos::ev::click, move |ev| router.on_click(ev));
        on_cleanup(move || {
            popstate.remove();
            click.remove();
        });
        router
    }

    /// The screen for the current address (changes only when the screen does).
    pub fn screen(self) -> Memo<Screen> {
        Memo::new(move |_| {
            self.location
                .with(|(path, query)| Screen::parse(path, query))
        })
    }

    /// The current path, tracked.
    pub fn path(self) -> String {
        self.location.with(|(path, _)| path.clone())
    }

    /// Goes to `href` (an absolute path with an optional query) as a new history entry.
    pub fn navigate(self, href: &str) {
        let here = self
            .location
            .with_untracked(|(path, query)| format!("{path}{query}"));
        if href == here {
            // The page shown already: no second history entry.
            return;
        }
        let pushed = window()
            .history()
            .and_then(|h| h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href)));
        if pushed.is_err() {
            // Without the History API the browser can still load the address itself.
            let _ = window().location().set_href(href);
            return;
        }
        self.location.set(current());
        // A new screen starts at its top: the window, and the frame's content area, which
        // scrolls by itself (the top bar and the status strip stay put).
        window().scroll_to_with_x_and_y(0.0, 0.0);
        if let Some(main) = document().get_element_by_id("main") {
            main.set_scroll_top(0);
        }
    }

    /// A plain left click on a link to one of our own pages: handled here, without a reload.
    fn on_click(self, ev: web_sys::MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(anchor) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = anchor.get_attribute("href").unwrap_or_default();
        if href.starts_with('#')
            || anchor.has_attribute("target")
            || anchor.has_attribute("download")
        {
            return;
        }
        let location = window().location();
        let (Ok(base), Ok(origin)) = (location.href(), location.origin()) else {
            return;
        };
        let Ok(url) = web_sys::Url::new_with_base(&href, &base) else {
            return;
        };
        let web = matches!(url.protocol().as_str(), "http:" | "https:");
        if !web || url.origin() != origin || url.pathname().starts_with("/api/") {
            return;
        }
        ev.prevent_default();
        self.navigate(&format!("{}{}", url.pathname(), url.search()));
    }
}

fn current() -> (String, String) {
    let location = window().location();
    (
        location.pathname().unwrap_or_else(|_| "/".into()),
        location.search().unwrap_or_default(),
    )
}

/// The router provided at the root.
pub fn use_router() -> Router {
    expect_context::<Router>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_their_screens() {
        assert_eq!(Screen::parse("/", ""), Screen::Cases);
        assert_eq!(Screen::parse("/cases/", ""), Screen::Cases);
        assert_eq!(
            Screen::parse("/cases/abc", "?new=1"),
            Screen::Case {
                id: "abc".into(),
                new: true
            }
        );
        assert_eq!(
            Screen::parse("/cases/abc", "?renew=1"),
            Screen::Case {
                id: "abc".into(),
                new: false
            }
        );
        assert_eq!(
            Screen::parse("/cases/abc/print/handling", ""),
            Screen::Print {
                id: "abc".into(),
                sheet: "handling".into()
            }
        );
        assert_eq!(Screen::parse("/intake", ""), Screen::Intake);
        assert_eq!(Screen::parse("/revisit", ""), Screen::Revisit);
        assert_eq!(Screen::parse("/sync", ""), Screen::Sync);
        assert_eq!(
            Screen::parse("/stats", "?by=cause"),
            Screen::Stats {
                period: None,
                by: Some("cause".into())
            }
        );
        let key = "服务态度 & 其他";
        assert_eq!(
            Screen::parse(
                "/cases",
                &format!("?period=2026-Q1&by=cause&key={}", encode(key))
            ),
            Screen::Drill {
                period: "2026-Q1".into(),
                by: "cause".into(),
                key: key.into(),
                n: None
            }
        );
        assert_eq!(decode("a+b%2"), "a b%2", "a broken escape stays as written");
        assert_eq!(Screen::parse("/cases/abc/edit", ""), Screen::NotFound);
        assert_eq!(Screen::parse("/nowhere", ""), Screen::NotFound);
    }

    #[test]
    fn a_navigation_entry_is_current_on_its_pages() {
        assert!(is_current("/cases", "/"));
        assert!(is_current("/cases", "/cases"));
        assert!(is_current("/cases", "/cases/abc/print/record"));
        assert!(!is_current("/cases", "/casesx"));
        assert!(!is_current("/intake", "/cases"));
        assert!(is_current("/sync", "/sync"));
    }
}
