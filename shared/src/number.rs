//! Complaint numbers (投訴編號, DESIGN §6): `YYMM` + a monthly serial of at least four digits,
//! e.g. `23050001`; after 9999 in a month the serial simply grows (`230510000`).
//! Before the server assigns one, a case shows a provisional label made from its id.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    clock::Date,
    ids::CaseId,
    validate::{Field, FieldError, Rule},
};

/// An official complaint number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber {
    year: u16,
    month: u8,
    serial: u32,
}

impl CaseNumber {
    /// The `serial`-th number of the month of `date` (serial from 1).
    pub fn new(date: Date, serial: u32) -> Result<Self, FieldError> {
        if serial == 0 || !(2000..=2099).contains(&date.year()) {
            return Err(FieldError::new(Field::CaseNumber, Rule::OutOfRange));
        }
        Ok(CaseNumber {
            year: date.year() as u16,
            month: date.month(),
            serial,
        })
    }

    /// Parses `YYMMNNNN` (and longer serials). Years are 20YY.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(Field::CaseNumber, Rule::BadFormat);
        let s = raw.trim();
        if s.len() < 8 || s.len() > 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let yy: u16 = s[0..2].parse().map_err(|_| bad())?;
        let month: u8 = s[2..4].parse().map_err(|_| bad())?;
        let serial_digits = &s[4..];
        // A serial of five or more digits never starts with 0: 00001 would be 0001.
        if serial_digits.len() > 4 && serial_digits.starts_with('0') {
            return Err(bad());
        }
        let serial: u32 = serial_digits.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || serial == 0 {
            return Err(bad());
        }
        Ok(CaseNumber {
            year: 2000 + yy,
            month,
            serial,
        })
    }

    /// The year the number belongs to.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month the number belongs to.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The monthly serial.
    pub fn serial(self) -> u32 {
        self.serial
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}{:02}{:04}",
            self.year % 100,
            self.month,
            self.serial
        )
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        CaseNumber::parse(&raw)
    }
}

impl From<CaseNumber> for String {
    fn from(value: CaseNumber) -> String {
        value.to_string()
    }
}

/// The label a case shows until the server assigns its number: `P-` and the last eight hex
/// digits of its id (the random part of a UUIDv7), grouped: `P-A1B2-C3D4`.
pub fn provisional_label(case: CaseId) -> String {
    let hex = case.0.simple().to_string().to_ascii_uppercase();
    let tail = &hex[hex.len() - 8..];
    format!("P-{}-{}", &tail[..4], &tail[4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_and_parse() {
        let may = Date::new(2023, 5, 14).unwrap();
        let n = CaseNumber::new(may, 1).unwrap();
        assert_eq!(n.to_string(), "23050001");
        assert_eq!(CaseNumber::parse("23050001").unwrap(), n);
        let big = CaseNumber::new(may, 10_000).unwrap();
        assert_eq!(big.to_string(), "230510000");
        assert_eq!(CaseNumber::parse("230510000").unwrap(), big);
        assert!(CaseNumber::parse("23050001").unwrap() < big);
    }

    #[test]
    fn bad_numbers_are_rejected() {
        for raw in [
            "2305001",
            "23130001",
            "23050000",
            "2305000x",
            "230500001",
            "",
        ] {
            assert_eq!(
                CaseNumber::parse(raw),
                Err(FieldError::new(Field::CaseNumber, Rule::BadFormat)),
                "{raw}"
            );
        }
        assert!(CaseNumber::new(Date::new(2023, 5, 1).unwrap(), 0).is_err());
    }

    #[test]
    fn provisional_label_uses_the_random_tail() {
        let id = CaseId::from_u128(0x0190_0000_0000_7000_8000_0000_a1b2_c3d4);
        assert_eq!(provisional_label(id), "P-A1B2-C3D4");
    }
}
