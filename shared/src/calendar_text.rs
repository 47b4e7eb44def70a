//! The calendar's text edited one year at a time (issue 15 §3: "one year of text"). The
//! text ([`crate::sla::WorkCalendar::parse`]) is a header (comments, `offset`) and one block
//! per `year YYYY` line; an administrator edits one block and the others stay as they were.

/// The calendar text cut into its header and its years' blocks, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarText {
    /// Everything before the first `year` line.
    pub header: String,
    /// Each year and its block, the block starting with its `year YYYY` line.
    pub years: Vec<(i32, String)>,
}

impl CalendarText {
    /// Cuts `text` at each `year YYYY` line. Lines after a `year` line belong to it until
    /// the next; a malformed `year` line stays inside the block before it (the parser names it).
    pub fn split(text: &str) -> Self {
        let mut header = String::new();
        let mut years: Vec<(i32, String)> = Vec::new();
        for line in text.lines() {
            let year = line
                .trim()
                .strip_prefix("year ")
                .and_then(|y| y.trim().parse::<i32>().ok());
            match (year, years.last_mut()) {
                (Some(y), _) => years.push((y, format!("{line}\n"))),
                (None, Some((_, block))) => {
                    block.push_str(line);
                    block.push('\n');
                }
                (None, None) => {
                    header.push_str(line);
                    header.push('\n');
                }
            }
        }
        CalendarText { header, years }
    }

    /// The block of `year`, or a new one (`year YYYY` and nothing listed yet).
    pub fn block(&self, year: i32) -> String {
        self.years
            .iter()
            .find(|(y, _)| *y == year)
            .map_or_else(|| format!("year {year}\n"), |(_, b)| b.clone())
    }

    /// The whole text with `year`'s block replaced by `block` (added in year order when new),
    /// and the number of lines before the block, so a parse error's line can be told
    /// relative to the block as the administrator sees it.
    pub fn with_block(&self, year: i32, block: &str) -> (String, usize) {
        let mut block = block.trim_end().to_string();
        block.push('\n');
        let mut years = self.years.clone();
        match years.iter_mut().find(|(y, _)| *y == year) {
            Some((_, b)) => *b = block,
            None => {
                let at = years
                    .iter()
                    .position(|(y, _)| *y > year)
                    .unwrap_or(years.len());
                years.insert(at, (year, block));
            }
        }
        let mut text = self.header.clone();
        let mut before = 0;
        for (y, b) in &years {
            if *y == year {
                before = text.lines().count();
            }
            // Blocks are kept apart by one blank line.
            if !text.is_empty() && !text.ends_with("\n\n") {
                text.push('\n');
                if *y == year {
                    before += 1;
                }
            }
            text.push_str(b.trim_end());
            text.push('\n');
        }
        (text, before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::WorkCalendar;

    const TEXT: &str = "# comment\noffset +08:00\n\nyear 2025\n2025-01-01 holiday 元旦\n\nyear 2026\n2026-01-01 holiday 元旦\n";

    #[test]
    fn a_year_is_edited_and_the_others_stay() {
        let cut = CalendarText::split(TEXT);
        assert_eq!(cut.header, "# comment\noffset +08:00\n\n");
        assert_eq!(
            cut.years.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
            [2025, 2026]
        );
        assert_eq!(cut.block(2026), "year 2026\n2026-01-01 holiday 元旦\n");
        assert_eq!(cut.block(2027), "year 2027\n");
        let (text, before) = cut.with_block(
            2026,
            "year 2026\n2026-01-01 holiday 元旦\n2026-01-02 holiday 加一天\n",
        );
        let cal = WorkCalendar::parse(&text).unwrap();
        assert!(cal.years.contains(&2025) && cal.years.contains(&2026));
        assert!(text.contains("2025-01-01 holiday 元旦"));
        // The block starts right after the lines before it.
        assert_eq!(text.lines().nth(before), Some("year 2026"));
        // Unchanged text round-trips.
        let (same, _) = cut.with_block(2025, &cut.block(2025));
        assert_eq!(
            WorkCalendar::parse(&same).unwrap(),
            WorkCalendar::parse(TEXT).unwrap()
        );
    }

    #[test]
    fn a_new_year_goes_in_year_order_and_errors_name_the_block_line() {
        let cut = CalendarText::split(TEXT);
        let (text, before) = cut.with_block(2024, "year 2024\n2024-13-01 holiday 坏日期");
        assert_eq!(text.lines().nth(before), Some("year 2024"));
        let err = WorkCalendar::parse(&text).unwrap_err();
        assert_eq!(err.line - before, 2, "the second line of the block");
        let years: Vec<i32> = CalendarText::split(&text)
            .years
            .iter()
            .map(|(y, _)| *y)
            .collect();
        assert_eq!(years, [2024, 2025, 2026]);
    }
}
