//! JSON Schemas of the types that read themselves from a string or a number (feature `schema`,
//! the server's OpenAPI document). A derived schema would say only "string"; these say what
//! each `parse` accepts, as patterns and lengths, so a client (or a fuzzer) can tell a valid
//! value from the document. Where a rule cannot be a pattern (30 February, a landline's area
//! code length) the pattern is the looser one and `parse` stays the authority.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::{
    clock::Date,
    ids::{CategoryId, DepartmentId, UserId},
    number::CaseNumber,
    validate::{BlobHash, Email, LongText, Money, PhoneNumber, ShortText},
};

macro_rules! schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// A slug: lowercase ASCII letters, digits, `_`, `-`, `.`, 1–64, starting with a letter or digit.
pub(crate) const SLUG: &str = "^[a-z0-9][a-z0-9_.-]{0,63}$";
/// Something besides spaces (names, reasons: trimmed, then required).
pub(crate) const NOT_BLANK: &str = "\\S";
/// A kiosk's exit PIN (`api::admin::exit_pin_ok`).
pub(crate) const PIN: &str = "^[0-9]{4,8}$";
/// A reporting period as `stats::Period::parse` reads it: a month, a quarter, a year (1900 to
/// 9999), or a range of dates.
pub const PERIOD: &str = "^(19[0-9]{2}|[2-9][0-9]{3})(-(0?[1-9]|1[0-2]|Q[1-4]))?$|^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\\.\\.(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/// An official complaint number (`CaseNumber::parse`).
pub(crate) const CASE_NUMBER: &str =
    "^[0-9]{2}(0[1-9]|1[0-2])(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3,8})$";

schema!(UserId, "UserId", {
    "type": "string", "pattern": SLUG,
    "description": "A staff member's account id (lowercase slug)."
});
schema!(DepartmentId, "DepartmentId", {
    "type": "string", "pattern": SLUG, "description": "A department's id (lowercase slug)."
});
schema!(CategoryId, "CategoryId", {
    "type": "string", "pattern": SLUG, "description": "A category's id (lowercase slug)."
});

/// Text with at least one character that is not a space, and no control character but a
/// newline or a tab (what `validate::text` accepts, before trimming).
const TEXT: &str = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";

schema!(ShortText, "ShortText", {
    "type": "string", "pattern": TEXT, "minLength": 1, "maxLength": ShortText::MAX,
    "description": "Text up to 200 characters, not blank."
});
schema!(LongText, "LongText", {
    "type": "string", "pattern": TEXT, "minLength": 1, "maxLength": LongText::MAX,
    "description": "Text up to 5,000 characters, not blank."
});
schema!(PhoneNumber, "PhoneNumber", {
    "type": "string",
    "pattern": "^((\\+86|0086)-?)?(1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}|0[12][0-9][0-9]{7,8}|0[3-9][0-9]{2}[0-9]{7,8})$",
    "description": "A mainland mobile (11 digits) or a landline with its area code."
});
schema!(Email, "Email", {
    "type": "string", "maxLength": 254,
    "pattern": "^[^\\s@\\u0000-\\u001F\\u007F-\\u009F]+@[^\\s@.\\u0000-\\u001F\\u007F-\\u009F]+(\\.[^\\s@.\\u0000-\\u001F\\u007F-\\u009F]+)+$",
    "description": "An e-mail address."
});
schema!(BlobHash, "BlobHash", {
    "type": "string", "pattern": "^[0-9a-fA-F]{64}$",
    "description": "An attachment's SHA-256, in hex."
});
schema!(Money, "Money", {
    "type": "integer", "minimum": 0, "maximum": Money::MAX_FEN,
    "description": "An amount in fen (1/100 yuan)."
});
schema!(Date, "Date", {
    "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "description": "A date, YYYY-MM-DD."
});
schema!(CaseNumber, "CaseNumber", {
    "type": "string",
    "pattern": CASE_NUMBER,
    "description": "An official complaint number: YYMM and the month's serial."
});
