//! Parsed value types: a value of one of these types is valid by construction
//! ("parse, don't validate"). Every failure names the field and the rule it broke.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A form or event field, named in validation errors so screens can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Field {
    ComplainantName,
    Phone,
    Email,
    Organisation,
    Address,
    Contact,
    Location,
    Description,
    Request,
    GoodsName,
    GoodsQuantity,
    Category,
    Cause,
    Severity,
    Department,
    Deadline,
    Text,
    Reason,
    Plan,
    Opinion,
    Comment,
    Result,
    Summary,
    Amount,
    CaseNumber,
    UserId,
    DepartmentId,
    CategoryId,
    ReceivedAt,
    OccurredAt,
    BlobHash,
    Attachment,
    Person,
    Conflict,
    Appeal,
    Accountability,
    /// A review's decision (approve or return).
    Decision,
    /// A revisit's satisfaction.
    Satisfaction,
    /// How a revisit was made.
    Method,
    /// How feedback was given.
    Channel,
    /// The kind of a note.
    NoteKind,
    /// An accountability decision's responsibility.
    Responsibility,
    /// An accountability decision's measure.
    Measure,
    /// An appeal's outcome (upheld or dismissed).
    Verdict,
    /// An investigation's finding on the complaint (屬實 / 部分屬實 / 不屬實).
    Finding,
    /// Whose fault it was (003).
    Fault,
    /// The privacy notice of a public complaint (accepted or not).
    Privacy,
}

crate::wire::wire_names!(Field {
    Privacy => "privacy",
    ComplainantName => "complainant_name",
    Phone => "phone",
    Email => "email",
    Organisation => "organisation",
    Address => "address",
    Contact => "contact",
    Location => "location",
    Description => "description",
    Request => "request",
    GoodsName => "goods_name",
    GoodsQuantity => "goods_quantity",
    Category => "category",
    Cause => "cause",
    Severity => "severity",
    Department => "department",
    Deadline => "deadline",
    Text => "text",
    Reason => "reason",
    Plan => "plan",
    Opinion => "opinion",
    Comment => "comment",
    Result => "result",
    Summary => "summary",
    Amount => "amount",
    CaseNumber => "case_number",
    UserId => "user_id",
    DepartmentId => "department_id",
    CategoryId => "category_id",
    ReceivedAt => "received_at",
    OccurredAt => "occurred_at",
    BlobHash => "blob_hash",
    Attachment => "attachment",
    Person => "person",
    Conflict => "conflict",
    Appeal => "appeal",
    Accountability => "accountability",
    Decision => "decision",
    Satisfaction => "satisfaction",
    Method => "method",
    Channel => "channel",
    NoteKind => "note_kind",
    Responsibility => "responsibility",
    Measure => "measure",
    Verdict => "verdict",
    Finding => "finding",
    Fault => "fault",
});

/// The rule a value broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// The field must be given.
    Required,
    /// Longer than `max` characters.
    TooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// Not a mainland mobile (`1[3-9]` + 9 digits) or a landline with area code.
    BadPhone,
    /// Not an e-mail address.
    BadEmail,
    /// Not in the expected format (ids, hashes, numbers).
    BadFormat,
    /// A number outside its allowed range.
    OutOfRange,
    /// The category is not in the category tree.
    UnknownCategory,
    /// The department is not configured.
    UnknownDepartment,
    /// A named case is not anonymous, so a phone number or e-mail is needed to answer it.
    ContactRequired,
    /// This field does not apply to this kind of case.
    NotForKind,
    /// Lowering the severity of a case needs an explicit confirmation.
    ConfirmLower,
}

/// The rules without fields, by wire name (as serialized).
const UNIT_RULES: &[(&str, Rule)] = &[
    ("required", Rule::Required),
    ("bad_phone", Rule::BadPhone),
    ("bad_email", Rule::BadEmail),
    ("bad_format", Rule::BadFormat),
    ("out_of_range", Rule::OutOfRange),
    ("unknown_category", Rule::UnknownCategory),
    ("unknown_department", Rule::UnknownDepartment),
    ("contact_required", Rule::ContactRequired),
    ("not_for_kind", Rule::NotForKind),
    ("confirm_lower", Rule::ConfirmLower),
];

/// Read from its flat wire form (`{"rule": …, "max"?}`), not through serde's buffered reader
/// of internally tagged enums (`crate::wire`).
impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Flat {
            rule: String,
            #[serde(default)]
            max: Option<usize>,
        }
        let flat = Flat::deserialize(d)?;
        if flat.rule == "too_long" {
            let max = flat.max.ok_or_else(|| D::Error::missing_field("max"))?;
            return Ok(Rule::TooLong { max });
        }
        crate::wire::unit_variant(&flat.rule, UNIT_RULES).map_err(D::Error::custom)
    }
}

/// A value rejected by a constructor: which field, which rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[error("{field:?}: {rule:?}")]
pub struct FieldError {
    /// The field at fault.
    pub field: Field,
    /// The rule it broke.
    pub rule: Rule,
}

impl FieldError {
    /// Shorthand constructor.
    pub fn new(field: Field, rule: Rule) -> Self {
        FieldError { field, rule }
    }
}

fn text(field: Field, raw: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(field, Rule::TooLong { max }));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(field, Rule::BadFormat));
    }
    Ok(trimmed.to_string())
}

macro_rules! text_type {
    ($name:ident, $max:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Longest accepted value, in characters.
            pub const MAX: usize = $max;

            /// Trims `raw` and accepts it if non-empty, at most [`Self::MAX`] characters and
            /// free of control characters other than newline and tab.
            pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
                text(field, raw, Self::MAX).map($name)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(raw: String) -> Result<Self, FieldError> {
                Self::parse(Field::Text, &raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    ShortText,
    200,
    "Non-empty single-purpose text up to 200 characters (names, places, causes)."
);
text_type!(
    LongText,
    5000,
    "Non-empty free text up to 5,000 characters (what happened, notes, plans)."
);

/// A phone number: a mainland mobile (11 digits starting `1[3-9]`) or a landline with area
/// code (`0` + 2–3 digits, then 7–8 digits, optional dash), optionally prefixed `+86`.
/// Stored as digits (and one dash for landlines).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a phone number, ignoring spaces, and a `+86` / `0086` prefix.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(Field::Phone, Rule::BadPhone);
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(FieldError::new(Field::Phone, Rule::Required));
        }
        let local = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .unwrap_or(&compact);
        let local = local.strip_prefix('-').unwrap_or(local);
        let digits_only = local.bytes().all(|b| b.is_ascii_digit());
        // Mobile.
        if digits_only
            && local.len() == 11
            && local.as_bytes()[0] == b'1'
            && (b'3'..=b'9').contains(&local.as_bytes()[1])
        {
            return Ok(PhoneNumber(local.to_string()));
        }
        // Landline: area code 0XX or 0XXX, number of 7 or 8 digits.
        let (area, number) = match local.split_once('-') {
            Some((a, n)) => (a.to_string(), n.to_string()),
            None if digits_only && local.starts_with('0') && local.len() > 4 => {
                // Three-digit area codes are exactly 010 and 020–029; all others have four.
                let code = if matches!(local.as_bytes()[1], b'1' | b'2') {
                    3
                } else {
                    4
                };
                (local[..code].to_string(), local[code..].to_string())
            }
            None => return Err(bad()),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if all_digits(&area)
            && all_digits(&number)
            && area.starts_with('0')
            && (3..=4).contains(&area.len())
            && (7..=8).contains(&number.len())
        {
            return Ok(PhoneNumber(format!("{area}-{number}")));
        }
        Err(bad())
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with its middle hidden: `138****5678`, `010-****5678`.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 3, 4)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::parse(&raw)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> String {
        value.0
    }
}

/// An e-mail address: one `@`, a non-empty local part, a domain with a dot, no spaces,
/// at most 254 characters. Deliverability is not our business here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses an address, trimming spaces around it.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(Field::Email, Rule::Required));
        }
        let bad = || FieldError::new(Field::Email, Rule::BadEmail);
        if s.chars().count() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        Ok(Email(s.to_string()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with the local part hidden but its first character: `z***@example.com`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').expect("parsed");
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl TryFrom<String> for Email {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

/// An amount of money in fen (分, 1/100 yuan), never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Money(i64);

impl Money {
    /// Largest accepted amount: 100 million yuan.
    pub const MAX_FEN: i64 = 100_000_000 * 100;

    /// An amount in fen.
    pub fn from_fen(fen: i64) -> Result<Self, FieldError> {
        if (0..=Self::MAX_FEN).contains(&fen) {
            Ok(Money(fen))
        } else {
            Err(FieldError::new(Field::Amount, Rule::OutOfRange))
        }
    }

    /// Parses yuan as typed in a form: `12`, `12.5`, `12.50`, `1,200.00`.
    pub fn parse_yuan(raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(Field::Amount, Rule::BadFormat);
        let s: String = raw.trim().chars().filter(|&c| c != ',').collect();
        if s.is_empty() {
            return Err(FieldError::new(Field::Amount, Rule::Required));
        }
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty()
            || whole.len() > 12
            || frac.len() > 2
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Self::from_fen(whole * 100 + frac)
    }

    /// The amount in fen.
    pub fn fen(self) -> i64 {
        self.0
    }

    /// The amount in yuan as a form shows it: `299.00`.
    pub fn yuan(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl TryFrom<i64> for Money {
    type Error = FieldError;
    fn try_from(fen: i64) -> Result<Self, FieldError> {
        Self::from_fen(fen)
    }
}

impl From<Money> for i64 {
    fn from(value: Money) -> i64 {
        value.0
    }
}

/// A SHA-256 content hash in lowercase hex (64 characters): how attachments are named.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BlobHash(String);

impl BlobHash {
    /// Accepts 64 hex digits (either case; stored lowercase).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(BlobHash(raw.to_ascii_lowercase()))
        } else {
            Err(FieldError::new(Field::BlobHash, Rule::BadFormat))
        }
    }

    /// The hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BlobHash {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::parse(&raw)
    }
}

impl From<BlobHash> for String {
    fn from(value: BlobHash) -> String {
        value.0
    }
}

/// Hides the middle of `s`, keeping `head` leading and `tail` trailing characters:
/// `mask_middle("13812345678", 3, 4) == "138****5678"`. Short values are hidden entirely.
pub fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    // A landline keeps its area code and dash visible: 010-****5678.
    let head = match chars.iter().position(|&c| c == '-') {
        Some(dash) if dash >= head && dash + 1 + tail < chars.len() => dash + 1,
        _ => head,
    };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        let ok = [
            ("13812345678", "13812345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("0086-13812345678", "13812345678"),
            ("010-12345678", "010-12345678"),
            ("0755-1234567", "0755-1234567"),
            ("01012345678", "010-12345678"),
        ];
        for (raw, stored) in ok {
            assert_eq!(PhoneNumber::parse(raw).unwrap().as_str(), stored, "{raw}");
        }
        for raw in [
            "12812345678",
            "1381234567",
            "138123456789",
            "abc",
            "010-123",
            "1-2",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(FieldError::new(Field::Phone, Rule::BadPhone)),
                "{raw}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("  "),
            Err(FieldError::new(Field::Phone, Rule::Required))
        );
    }

    #[test]
    fn masking() {
        assert_eq!(
            PhoneNumber::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
        assert_eq!(
            PhoneNumber::parse("010-12345678").unwrap().masked(),
            "010-****5678"
        );
        assert_eq!(
            Email::parse("zhang.san@example.com").unwrap().masked(),
            "z***@example.com"
        );
        assert_eq!(mask_middle("ab", 3, 4), "**");
    }

    #[test]
    fn emails() {
        assert!(Email::parse(" a@b.cn ").is_ok());
        for raw in ["a@b", "@b.cn", "a b@c.cn", "a@@b.cn", "a@.cn", "a@b..cn"] {
            assert_eq!(
                Email::parse(raw),
                Err(FieldError::new(Field::Email, Rule::BadEmail)),
                "{raw}"
            );
        }
    }

    #[test]
    fn texts() {
        assert_eq!(
            ShortText::parse(Field::Location, "  站台 3 号口 ")
                .unwrap()
                .as_str(),
            "站台 3 号口"
        );
        assert_eq!(
            ShortText::parse(Field::Location, " "),
            Err(FieldError::new(Field::Location, Rule::Required))
        );
        assert_eq!(
            ShortText::parse(Field::Cause, &"长".repeat(201)),
            Err(FieldError::new(Field::Cause, Rule::TooLong { max: 200 }))
        );
        assert!(LongText::parse(Field::Description, &"长".repeat(5000)).is_ok());
        assert_eq!(
            LongText::parse(Field::Description, "a\u{0}b"),
            Err(FieldError::new(Field::Description, Rule::BadFormat))
        );
    }

    #[test]
    fn money() {
        assert_eq!(Money::parse_yuan("12").unwrap().fen(), 1200);
        assert_eq!(Money::parse_yuan("12.5").unwrap().fen(), 1250);
        assert_eq!(Money::parse_yuan("1,200.05").unwrap().fen(), 120005);
        for raw in ["-1", "1.234", "abc", ".5", "1e3"] {
            assert!(Money::parse_yuan(raw).is_err(), "{raw}");
        }
        assert!(Money::from_fen(-1).is_err());
    }

    #[test]
    fn serde_validates_on_the_way_in() {
        assert!(serde_json::from_str::<PhoneNumber>("\"12345\"").is_err());
        assert!(serde_json::from_str::<ShortText>("\"\"").is_err());
        assert!(serde_json::from_str::<Money>("-5").is_err());
        assert!(serde_json::from_str::<BlobHash>("\"xyz\"").is_err());
    }
}
