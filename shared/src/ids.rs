//! Identifiers. Case, event and device ids are UUIDs made on the device (v7, by the caller:
//! this crate generates nothing); users, departments and categories have readable slugs.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validate::{Field, FieldError, Rule};

macro_rules! uuid_id {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Builds an id from 128 bits (tests and fixtures).
            pub const fn from_u128(bits: u128) -> Self {
                $name(Uuid::from_u128(bits))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    CaseId,
    "A case, made on the device that registered it. References use this, never the number."
);
uuid_id!(EventId, "One event of a case's history.");
uuid_id!(
    DeviceId,
    "One browser install or kiosk; the server has its own."
);

macro_rules! slug_id {
    ($name:ident, $field:expr, $doc:literal) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = "1–64 characters of lowercase ASCII letters, digits, `_`, `-`, `.`, starting with a letter or digit."]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses a slug.
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                let ok = !raw.is_empty()
                    && raw.len() <= 64
                    && raw.as_bytes()[0].is_ascii_alphanumeric()
                    && raw.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
                    });
                if ok {
                    Ok($name(raw.to_string()))
                } else if raw.is_empty() {
                    Err(FieldError::new($field, Rule::Required))
                } else {
                    Err(FieldError::new($field, Rule::BadFormat))
                }
            }

            /// The slug.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(raw: String) -> Result<Self, FieldError> {
                Self::parse(&raw)
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

slug_id!(UserId, Field::UserId, "A staff member's account id.");
slug_id!(
    DepartmentId,
    Field::DepartmentId,
    "A department (部門) responsible for handling cases."
);
slug_id!(
    CategoryId,
    Field::CategoryId,
    "A node of the complaint category tree."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(UserId::parse("handler2").is_ok());
        assert!(DepartmentId::parse("ops.north-1").is_ok());
        assert_eq!(
            UserId::parse("").unwrap_err(),
            FieldError::new(Field::UserId, Rule::Required)
        );
        for bad in ["Admin", "-x", "a b", "名字", &"a".repeat(65)] {
            assert_eq!(
                UserId::parse(bad).unwrap_err(),
                FieldError::new(Field::UserId, Rule::BadFormat),
                "{bad}"
            );
        }
    }
}
