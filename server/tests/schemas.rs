//! The OpenAPI document's patterns say what the parsers accept: a value the document calls
//! valid is accepted, and one it calls invalid is refused, for the samples below (where a
//! pattern is knowingly looser than its parser, as for 30 February, the sample is left out).

use regex::Regex;
use serde_json::Value;
use tousu_server::routes::openapi::document;
use tousu_shared::{
    clock::Date,
    ids::{DepartmentId, UserId},
    number::CaseNumber,
    schema::PERIOD,
    stats::Period,
    validate::{BlobHash, Email, Field, PhoneNumber, ShortText},
};

/// A string schema's pattern and lengths.
struct Rule {
    pattern: Regex,
    min: usize,
    max: usize,
}

impl Rule {
    fn valid(&self, s: &str) -> bool {
        let n = s.chars().count();
        self.pattern.is_match(s) && (self.min..=self.max).contains(&n)
    }
}

fn pattern(doc: &Value, name: &str) -> Rule {
    let schema = &doc["components"]["schemas"][name];
    let p = schema["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} has a pattern"));
    let len = |key: &str, or: usize| schema[key].as_u64().map_or(or, |n| n as usize);
    Rule {
        pattern: Regex::new(p).unwrap(),
        min: len("minLength", 0),
        max: len("maxLength", usize::MAX),
    }
}

fn agree(what: &str, rule: &Rule, samples: &[&str], parses: impl Fn(&str) -> bool) {
    for s in samples {
        assert_eq!(
            rule.valid(s),
            parses(s),
            "{what}: the pattern and the parser disagree on {s:?}"
        );
    }
}

#[test]
fn patterns_and_parsers_agree() {
    let doc = document();
    let slugs = [
        "ops",
        "a",
        "a-b.c_d",
        "9x",
        "Ops",
        "-x",
        "",
        "办公室",
        "a b",
        &"x".repeat(64),
        &"x".repeat(65),
    ];
    agree("UserId", &pattern(&doc, "UserId"), &slugs, |s| {
        UserId::parse(s).is_ok()
    });
    agree(
        "DepartmentId",
        &pattern(&doc, "DepartmentId"),
        &slugs,
        |s| DepartmentId::parse(s).is_ok(),
    );
    let texts = [
        "x",
        "x ",
        "退款没到账",
        "",
        "   ",
        "\n",
        "a\nb\tc",
        "a\rb",
        "a\u{0}b",
        "a\u{85}b",
        &"长".repeat(200),
        &"长".repeat(201),
    ];
    agree("ShortText", &pattern(&doc, "ShortText"), &texts, |s| {
        ShortText::parse(Field::Text, s).is_ok()
    });
    let phones = [
        "13800138000",
        "+8613800138000",
        "008613800138000",
        "+86-13800138000",
        "010-12345678",
        "01012345678",
        "0755-1234567",
        "075512345678",
        "12800138000",
        "1380013800",
        "abc",
        "021-123",
        "",
    ];
    agree("PhoneNumber", &pattern(&doc, "PhoneNumber"), &phones, |s| {
        PhoneNumber::parse(s).is_ok()
    });
    let emails = [
        "a@b.cn",
        "zhang.san@example.com.cn",
        "a@b",
        "@b.cn",
        "a@@b.cn",
        "a@.b.cn",
        "a@b.cn.",
        "a@b..cn",
        "a b@c.cn",
        "",
    ];
    agree("Email", &pattern(&doc, "Email"), &emails, |s| {
        Email::parse(s).is_ok()
    });
    let hashes = [
        &"a".repeat(64),
        &"A".repeat(64),
        &"a".repeat(63),
        &"g".repeat(64),
    ];
    agree(
        "BlobHash",
        &pattern(&doc, "BlobHash"),
        &hashes.map(String::as_str),
        |s| BlobHash::parse(s).is_ok(),
    );
    let dates = [
        "2026-03-01",
        "2026-13-01",
        "2026-3-1",
        "26-03-01",
        "2026-03-32",
        "",
    ];
    agree("Date", &pattern(&doc, "Date"), &dates, |s| {
        Date::parse(s).is_ok()
    });
    let numbers = [
        "26030001",
        "26030000",
        "26130001",
        "2603000",
        "260312345",
        "260301234",
        "x",
    ];
    agree("CaseNumber", &pattern(&doc, "CaseNumber"), &numbers, |s| {
        CaseNumber::parse(s).is_ok()
    });
    let periods = [
        "2026-03",
        "2026-Q1",
        "2026",
        "2026-01-01..2026-03-31",
        "1900",
        "1899",
        "2026-13",
        "2026-Q5",
        "2147483647-12",
        "-2147483648-Q1",
        "99999",
        "2026-3",
    ];
    let period = Rule {
        pattern: Regex::new(PERIOD).unwrap(),
        min: 0,
        max: usize::MAX,
    };
    agree("period", &period, &periods, |s| Period::parse(s).is_some());
}

/// Every link leads to a documented operation (a JSON pointer into the document's paths).
#[test]
fn links_lead_to_documented_operations() {
    let doc = document();
    let mut n = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let links = op["responses"]["200"]["links"].as_object();
            for (name, link) in links.into_iter().flatten() {
                let target = link["operationRef"].as_str().unwrap();
                let pointer = target.trim_start_matches('#');
                assert!(
                    doc.pointer(pointer)
                        .is_some_and(|o| o["responses"].is_object()),
                    "{method} {path}: link {name} leads nowhere ({target})"
                );
                n += 1;
            }
        }
    }
    assert!(n >= 7, "{n} links");
}
