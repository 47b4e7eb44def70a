//! Turning what a person typed into domain values: the record sheet, and the pieces every
//! form uses (collecting broken rules, enum names, local dates). Each workflow command's form
//! is its own unit in [`crate::commands`]. Pure (no browser), so every rule is checked by the shared parse functions
//! and a rejected form reports every broken field at once while keeping what was typed.

use std::collections::BTreeMap;

use tousu_shared::{
    clock::{Date, Timestamp},
    ids::CategoryId,
    model::{CaseDetails, CaseKind, Catalog, Channel, Complainant, Goods, Registration, Severity},
    validate::{Email, Field, FieldError, LongText, PhoneNumber, Rule, ShortText},
};

/// What a form holds: field name → text as typed.
pub type Values = BTreeMap<String, String>;

/// The trimmed text of `key` ("" when absent).
pub(crate) fn get<'a>(v: &'a Values, key: &str) -> &'a str {
    v.get(key).map(String::as_str).unwrap_or("").trim()
}

/// Collects parse results, remembering every error.
#[derive(Default)]
pub(crate) struct Check(Vec<FieldError>);

impl Check {
    /// The value, or remembers why not.
    pub(crate) fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    /// An optional value: nothing typed is `None`, something typed must parse.
    pub(crate) fn opt<T>(
        &mut self,
        raw: &str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        if raw.is_empty() {
            None
        } else {
            self.take(parse(raw))
        }
    }

    /// Remembers more broken rules.
    pub(crate) fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.0.extend(errors);
    }

    /// The value when every rule held, else every broken rule.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.0),
        }
    }
}

/// A required enum value from its serde name.
pub(crate) fn enum_value<T: serde::de::DeserializeOwned>(
    field: Field,
    raw: &str,
) -> Result<T, FieldError> {
    if raw.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    enum_parse(raw).ok_or(FieldError::new(field, Rule::BadFormat))
}

/// The serde name of an enum value (its wire form, used as the option value). Through JSON
/// text, not `serde_json::Value`: the text (de)serializers of these types are in the wasm
/// anyway, for events.
pub fn enum_str<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .ok()
        .and_then(|s| s.strip_prefix('"')?.strip_suffix('"').map(str::to_string))
        .unwrap_or_default()
}

/// An enum value from its serde name ([`enum_str`]'s inverse).
pub fn enum_parse<T: serde::de::DeserializeOwned>(raw: &str) -> Option<T> {
    tousu_shared::json::from_str(&serde_json::to_string(raw).ok()?).ok()
}

/// Parses an HTML `datetime-local` value (`2025-01-27T16:00`) at the given UTC offset.
pub fn parse_local_datetime(
    field: Field,
    raw: &str,
    offset_minutes: i32,
) -> Result<Timestamp, FieldError> {
    let bad = || FieldError::new(field, Rule::BadFormat);
    let (date, time) = raw.split_once('T').ok_or_else(bad)?;
    let date = Date::parse(date).map_err(|_| bad())?;
    let (h, m) = time.split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.get(..2).unwrap_or(m).parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(Timestamp::from_local(date, h, m, offset_minutes))
}

/// Formats a timestamp for a `datetime-local` input.
pub fn format_local_datetime(at: Timestamp, offset_minutes: i32) -> String {
    let d = at.date(offset_minutes);
    let ms = at.ms_of_day(offset_minutes);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.year(),
        d.month(),
        d.day(),
        ms / 3_600_000,
        (ms % 3_600_000) / 60_000
    )
}

/// The record sheet (記錄單) from the intake form, checked by the shared rules.
pub fn registration(
    v: &Values,
    catalog: &Catalog,
    offset_minutes: i32,
) -> Result<Registration, Vec<FieldError>> {
    let mut c = Check::default();
    let kind: Option<CaseKind> = c.take(enum_value(Field::Text, get(v, sheet::KIND)));
    let channel: Option<Channel> = c.take(enum_value(Field::Text, get(v, sheet::CHANNEL)));
    let anonymous = get(v, sheet::ANONYMOUS) == "true";
    let complainant = complainant(&mut c, v);
    let description = c.take(LongText::parse(
        Field::Description,
        get(v, sheet::DESCRIPTION),
    ));
    let goods = match (get(v, sheet::GOODS_NAME), get(v, sheet::GOODS_QUANTITY)) {
        ("", "") => None,
        (name, qty) => {
            let name = c.take(ShortText::parse(Field::GoodsName, name));
            let qty = c.take(
                qty.parse::<u32>()
                    .map_err(|_| FieldError::new(Field::GoodsQuantity, Rule::BadFormat)),
            );
            match (name, qty) {
                (Some(name), Some(qty)) => c.take(Goods::new(name, qty)),
                _ => None,
            }
        }
    };
    let details = description.map(|description| CaseDetails {
        occurred_at: c.opt(get(v, sheet::OCCURRED_AT), |s| {
            parse_local_datetime(Field::OccurredAt, s, offset_minutes)
        }),
        location: c.opt(get(v, sheet::LOCATION), |s| {
            ShortText::parse(Field::Location, s)
        }),
        description,
        request: c.opt(get(v, sheet::REQUEST), |s| {
            LongText::parse(Field::Request, s)
        }),
        goods,
    });
    let received_at = c.take(parse_local_datetime(
        Field::ReceivedAt,
        get(v, sheet::RECEIVED_AT),
        offset_minutes,
    ));
    let category = c.opt(get(v, sheet::CATEGORY), CategoryId::parse);
    let severity: Option<Severity> =
        c.opt(get(v, sheet::SEVERITY), |s| enum_value(Field::Severity, s));
    let complainant_type = c.opt(get(v, sheet::COMPLAINANT_TYPE), |s| {
        enum_value(Field::Text, s)
    });
    let registration = match (kind, channel, details, received_at) {
        (Some(kind), Some(channel), Some(details), Some(received_at)) => Some(Registration {
            kind,
            channel,
            anonymous,
            complainant: if anonymous {
                Complainant::default()
            } else {
                complainant
            },
            complainant_type,
            details,
            received_at,
            category,
            severity,
            attachments: Vec::new(),
            rules: None,
            promised_answer: None,
        }),
        _ => None,
    };
    if let Some(r) = &registration
        && let Err(errors) = r.check(catalog)
    {
        c.0.extend(errors);
    }
    c.finish(registration)
}

/// The complainant block of the record sheet and of its amendment.
pub(crate) fn complainant(c: &mut Check, v: &Values) -> Complainant {
    Complainant {
        name: c.opt(get(v, sheet::NAME), |s| {
            ShortText::parse(Field::ComplainantName, s)
        }),
        phone: c.opt(get(v, sheet::PHONE), PhoneNumber::parse),
        email: c.opt(get(v, sheet::EMAIL), Email::parse),
        organisation: c.opt(get(v, sheet::ORGANISATION), |s| {
            ShortText::parse(Field::Organisation, s)
        }),
        address: c.opt(get(v, sheet::ADDRESS), |s| {
            ShortText::parse(Field::Address, s)
        }),
    }
}

/// Field names of the record sheet, shared by the intake form and the amendment form.
pub mod sheet {
    /// Kind (complaint, suggestion…).
    pub const KIND: &str = "kind";
    /// Channel.
    pub const CHANNEL: &str = "channel";
    /// Anonymous (`"true"` or empty).
    pub const ANONYMOUS: &str = "anonymous";
    /// Complainant's name.
    pub const NAME: &str = "name";
    /// Phone.
    pub const PHONE: &str = "phone";
    /// E-mail.
    pub const EMAIL: &str = "email";
    /// Organisation.
    pub const ORGANISATION: &str = "organisation";
    /// Who the complainant is (customer, employee, partner).
    pub const COMPLAINANT_TYPE: &str = "complainant_type";
    /// Address.
    pub const ADDRESS: &str = "address";
    /// When it happened (`datetime-local`).
    pub const OCCURRED_AT: &str = "occurred_at";
    /// Where.
    pub const LOCATION: &str = "location";
    /// What happened.
    pub const DESCRIPTION: &str = "description";
    /// What is asked.
    pub const REQUEST: &str = "request";
    /// Goods' name.
    pub const GOODS_NAME: &str = "goods_name";
    /// Goods' quantity.
    pub const GOODS_QUANTITY: &str = "goods_quantity";
    /// When it was received (`datetime-local`).
    pub const RECEIVED_AT: &str = "received_at";
    /// Category.
    pub const CATEGORY: &str = "category";
    /// Severity.
    pub const SEVERITY: &str = "severity";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn catalog() -> Catalog {
        Catalog {
            categories: Catalog::default_categories(),
            departments: Vec::new(),
        }
    }

    #[test]
    fn a_complete_record_sheet_parses() {
        let v = values(&[
            ("kind", "complaint"),
            ("channel", "on_site"),
            ("name", "张三"),
            ("phone", "13812345678"),
            ("description", "快件外包装破损"),
            ("received_at", "2025-01-27T16:00"),
        ]);
        let r = registration(&v, &catalog(), 480).expect("valid");
        assert_eq!(r.kind, CaseKind::Complaint);
        assert_eq!(
            r.received_at,
            Timestamp::from_local(Date::new(2025, 1, 27).unwrap(), 16, 0, 480)
        );
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let v = values(&[
            ("kind", "complaint"),
            ("channel", "phone"),
            ("phone", "12"),
            ("received_at", "2025-01-27T16:00"),
        ]);
        let errors = registration(&v, &catalog(), 480).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&Field::Phone), "{errors:?}");
        assert!(fields.contains(&Field::Description), "{errors:?}");
    }

    #[test]
    fn a_named_complaint_without_contact_is_refused_but_anonymous_is_fine() {
        let base = [
            ("kind", "complaint"),
            ("channel", "phone"),
            ("description", "服务态度差"),
            ("received_at", "2025-01-27T16:00"),
        ];
        let errors = registration(&values(&base), &catalog(), 480).unwrap_err();
        assert_eq!(errors[0].rule, Rule::ContactRequired);
        let mut anon = values(&base);
        anon.insert("anonymous".into(), "true".into());
        assert!(registration(&anon, &catalog(), 480).is_ok());
        // Who the complainant is stays on an anonymous complaint (004: 員工、客戶、合作夥伴);
        // not chosen, it is not recorded.
        assert_eq!(
            registration(&anon, &catalog(), 480)
                .unwrap()
                .complainant_type,
            None
        );
        anon.insert("complainant_type".into(), "employee".into());
        assert_eq!(
            registration(&anon, &catalog(), 480)
                .unwrap()
                .complainant_type,
            Some(tousu_shared::model::ComplainantType::Employee)
        );
    }

    #[test]
    fn datetime_inputs_round_trip() {
        let at = parse_local_datetime(Field::ReceivedAt, "2026-11-23T09:05", 480).unwrap();
        assert_eq!(format_local_datetime(at, 480), "2026-11-23T09:05");
        assert!(parse_local_datetime(Field::ReceivedAt, "2026-11-23T25:00", 480).is_err());
    }
}
