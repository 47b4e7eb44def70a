//! The counter and the public (DESIGN §12, issue 16): a complaint from a member of the public
//! at a kiosk or on the web form, its receipt with a lookup code, and the status lookup that
//! tells number + code holders where their complaint stands, without any personal data.
//!
//! 002 "在線反饋平台…隨時提交", "自動回復…預計處理時間"; 000/001 website and WeChat entries.

use serde::{Deserialize, Serialize};

use crate::{
    clock::Timestamp,
    ids::CaseId,
    model::{CaseDetails, CaseKind, Channel, Complainant, Outcome, Registration, Stage},
    validate::{Email, Field, FieldError, LongText, PhoneNumber, Rule, ShortText},
    view::CaseView,
};

/// What a member of the public writes, at a kiosk or on `/complain`: the form's steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicComplaint {
    /// What happened (投訴事由).
    pub what: String,
    /// What they ask for (訴求), if anything.
    #[serde(default)]
    pub ask: String,
    /// Where it happened, if they say.
    #[serde(default)]
    pub place: String,
    /// They stay anonymous: no name or contact is kept (and none may be given).
    #[serde(default)]
    pub anonymous: bool,
    /// Their name.
    #[serde(default)]
    pub name: String,
    /// Their phone.
    #[serde(default)]
    pub phone: String,
    /// Their e-mail.
    #[serde(default)]
    pub email: String,
    /// They accepted the privacy notice (required).
    #[serde(default)]
    pub privacy_accepted: bool,
    /// A field hidden from people: a form that fills it was filled by a robot.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub website: String,
}

/// The most photos one public complaint carries.
pub const MAX_PUBLIC_PHOTOS: usize = 3;

impl PublicComplaint {
    /// The record sheet this complaint makes, received at `received_at` through `channel`,
    /// or every field that is wrong (the form shows them all). The honeypot is not checked
    /// here: the server refuses a filled one before anything else.
    pub fn registration(
        &self,
        channel: Channel,
        received_at: Timestamp,
    ) -> Result<Registration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let description = keep(&mut errors, LongText::parse(Field::Description, &self.what));
        let optional = |raw: &str| !raw.trim().is_empty();
        let request = optional(&self.ask)
            .then(|| keep(&mut errors, LongText::parse(Field::Request, &self.ask)))
            .flatten();
        let location = optional(&self.place)
            .then(|| keep(&mut errors, ShortText::parse(Field::Location, &self.place)))
            .flatten();
        let mut complainant = Complainant::default();
        if self.anonymous {
            if [&self.name, &self.phone, &self.email]
                .iter()
                .any(|s| optional(s))
            {
                errors.push(FieldError::new(Field::ComplainantName, Rule::NotForKind));
            }
        } else {
            complainant.name = optional(&self.name)
                .then(|| {
                    keep(
                        &mut errors,
                        ShortText::parse(Field::ComplainantName, &self.name),
                    )
                })
                .flatten();
            complainant.phone = optional(&self.phone)
                .then(|| keep(&mut errors, PhoneNumber::parse(&self.phone)))
                .flatten();
            complainant.email = optional(&self.email)
                .then(|| keep(&mut errors, Email::parse(&self.email)))
                .flatten();
            if !optional(&self.phone) && !optional(&self.email) {
                errors.push(FieldError::new(Field::Contact, Rule::ContactRequired));
            }
        }
        if !self.privacy_accepted {
            errors.push(FieldError::new(Field::Privacy, Rule::Required));
        }
        match description {
            Some(description) if errors.is_empty() => Ok(Registration {
                kind: CaseKind::Complaint,
                channel,
                anonymous: self.anonymous,
                complainant,
                complainant_type: None,
                details: CaseDetails {
                    occurred_at: None,
                    location,
                    description,
                    request,
                    goods: None,
                },
                received_at,
                category: None,
                severity: None,
                attachments: Vec::new(),
                rules: None,
                promised_answer: None,
            }),
            _ => Err(errors),
        }
    }
}

/// The value of a field read, or its error kept with the others.
fn keep<T>(errors: &mut Vec<FieldError>, read: Result<T, FieldError>) -> Option<T> {
    read.map_err(|e| errors.push(e)).ok()
}

/// A photo handed in with a public complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicPhoto {
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub media_type: String,
    /// The bytes, base64 (standard alphabet, padded).
    pub data: String,
}

/// `POST /api/v1/public/complaints`: a complaint from the web form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebComplaint {
    /// What they wrote.
    #[serde(flatten)]
    pub complaint: PublicComplaint,
    /// Photos, at most [`MAX_PUBLIC_PHOTOS`].
    #[serde(default)]
    pub photos: Vec<PublicPhoto>,
}

/// What a kiosk seals: the complaint with what the kiosk decided when it was submitted (the
/// case id, so a retry is recognised; when; the lookup code printed on the receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KioskComplaint {
    /// The case id the kiosk chose (its provisional label is on the receipt).
    pub case_id: CaseId,
    /// When it was submitted at the counter.
    pub submitted_at: Timestamp,
    /// The lookup code printed on the receipt.
    pub lookup_code: String,
    /// What they wrote.
    pub complaint: PublicComplaint,
    /// Photos, at most [`MAX_PUBLIC_PHOTOS`].
    #[serde(default)]
    pub photos: Vec<PublicPhoto>,
}

/// A [`KioskComplaint`] sealed to the server's key: ECDH on P-256 with a fresh key of the
/// kiosk's, the shared secret hashed with SHA-256 (after [`SEAL_CONTEXT`] and the kiosk's
/// public key) into an AES-256-GCM key. `POST /api/v1/kiosk/complaints` carries it; only
/// the server can open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sealed {
    /// The kiosk's one-time public key, uncompressed SEC1 (65 bytes), base64.
    pub key: String,
    /// The AES-GCM nonce (12 bytes), base64.
    pub nonce: String,
    /// The ciphertext with its tag, base64.
    pub data: String,
}

/// Hashed in front of the shared secret: a key for this use and no other.
pub const SEAL_CONTEXT: &[u8] = b"tousu kiosk seal v1";

/// `GET /api/v1/kiosk/seal-key`: the server's public sealing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SealKey {
    /// Uncompressed SEC1 P-256 point (65 bytes), base64.
    pub key: String,
    /// The expected answer date of a complaint received on each of the coming days, so a
    /// kiosk offline prints the date the server would (the server's own promise, recorded
    /// on the case when the complaint arrives, is the one staff are held to).
    #[serde(default)]
    pub promises: Vec<Promise>,
}

/// The expected answer date of a complaint received on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Promise {
    /// The day of receipt, `YYYY-MM-DD` (China time).
    pub received: String,
    /// The expected answer date, `YYYY-MM-DD`.
    pub due: String,
    /// The calendar does not know that year's holidays yet.
    #[serde(default)]
    pub uncertain: bool,
}

/// How many days ahead a kiosk is told the expected answer dates.
pub const PROMISE_DAYS: i64 = 62;

/// The receipt a public complaint gets (kiosk or web).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicReceipt {
    /// The case.
    pub case_id: CaseId,
    /// Its number (assigned at once on the server).
    pub number: String,
    /// The code that, with the number, shows the status at `/status`.
    pub lookup_code: String,
    /// When it was received (ms).
    pub received_at: i64,
    /// The expected answer date (the whole-case clock), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_due: Option<String>,
    /// The calendar does not know that year's holidays yet: the date assumes weekends only.
    #[serde(default)]
    pub answer_due_uncertain: bool,
}

/// `POST /api/v1/public/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusQuery {
    /// The number (or the provisional label of a kiosk receipt printed offline).
    pub number: String,
    /// The lookup code.
    pub code: String,
}

/// Where a complaint stands, in plain words for its complainant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PublicStage {
    /// Received, being looked at.
    Received,
    /// Being investigated and handled.
    InHand,
    /// The complainant is asked for more information (the clocks pause).
    WaitingForYou,
    /// Answered: we told them the result.
    Answered,
    /// Closed.
    Closed,
    /// Not accepted (outside what the organisation handles), with the reason told.
    NotAccepted,
}

impl PublicStage {
    /// The stage a case shows the public.
    pub fn of(view: &CaseView) -> PublicStage {
        if view.outcome == Some(Outcome::OutOfScope) {
            return PublicStage::NotAccepted;
        }
        if view.pauses.iter().any(|p| p.resumed.is_none()) {
            return PublicStage::WaitingForYou;
        }
        match view.stage {
            Stage::Registered | Stage::Triaged => PublicStage::Received,
            Stage::Dispatched
            | Stage::Investigating
            | Stage::PlanProposed
            | Stage::PlanApproved
            | Stage::Executing => PublicStage::InHand,
            Stage::FeedbackGiven | Stage::Revisited => PublicStage::Answered,
            Stage::Closed | Stage::Archived | Stage::Destroyed => PublicStage::Closed,
        }
    }

    /// Its words in zh-CN, zh-TW and English.
    pub fn words(self) -> [&'static str; 3] {
        match self {
            PublicStage::Received => [
                "已受理，正在核实",
                "已受理，正在核實",
                "Received and being reviewed",
            ],
            PublicStage::InHand => [
                "正在调查处理",
                "正在調查處理",
                "Being investigated and handled",
            ],
            PublicStage::WaitingForYou => [
                "等待您补充材料",
                "等待您補充材料",
                "Waiting for more information from you",
            ],
            PublicStage::Answered => ["已答复", "已答覆", "Answered"],
            PublicStage::Closed => ["已办结", "已辦結", "Closed"],
            PublicStage::NotAccepted => [
                "不予受理（已告知原因）",
                "不予受理（已告知原因）",
                "Not accepted (the reason was given)",
            ],
        }
    }
}

/// The answer of a status lookup: no personal data, no staff names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicStatus {
    /// The number (as assigned).
    pub number: String,
    /// Where it stands.
    pub stage: PublicStage,
    /// When it was received (ms).
    pub received_at: i64,
    /// The expected answer date, `YYYY-MM-DD`, while unanswered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_due: Option<String>,
    /// Whether the complainant has been answered.
    pub answered: bool,
}

/// Length of a lookup code without its dashes.
pub const LOOKUP_CODE_LEN: usize = 8;

/// The alphabet of lookup codes: no 0/O, 1/I/L, so a code read aloud or copied from paper
/// is not mistyped.
pub const LOOKUP_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A lookup code from random bytes (8 characters of [`LOOKUP_ALPHABET`], `ABCD-EFGH`).
pub fn lookup_code(random: &[u8; LOOKUP_CODE_LEN]) -> String {
    let mut out = String::with_capacity(LOOKUP_CODE_LEN + 1);
    for (i, b) in random.iter().enumerate() {
        if i == LOOKUP_CODE_LEN / 2 {
            out.push('-');
        }
        out.push(LOOKUP_ALPHABET[*b as usize % LOOKUP_ALPHABET.len()] as char);
    }
    out
}

/// A lookup code or number as typed, made comparable: upper case, spaces dropped; `O` read as
/// `0` and `I`/`L` as `1` only in numbers, where the alphabet has them.
pub fn normalise_lookup(typed: &str) -> String {
    let bare: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if bare.len() != LOOKUP_CODE_LEN {
        return bare;
    }
    format!("{}-{}", &bare[..4], &bare[4..])
}

/// A number or provisional label as typed, made comparable with the stored one: trimmed,
/// upper case, full-width characters (typed on a Chinese keyboard) made plain.
pub fn normalise_reference(typed: &str) -> String {
    typed
        .trim()
        .chars()
        .map(|c| match c {
            '—' | '–' => '-',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named() -> PublicComplaint {
        PublicComplaint {
            what: "候车室空调坏了三天".into(),
            ask: "尽快修好".into(),
            name: "王女士".into(),
            phone: "13800138000".into(),
            privacy_accepted: true,
            ..PublicComplaint::default()
        }
    }

    #[test]
    fn a_named_complaint_makes_a_web_record_sheet() {
        let r = named()
            .registration(Channel::Web, Timestamp(1))
            .expect("valid");
        assert_eq!(r.channel, Channel::Web);
        assert_eq!(r.kind, CaseKind::Complaint);
        assert_eq!(r.complainant.name.unwrap().as_str(), "王女士");
        assert_eq!(r.details.request.unwrap().as_str(), "尽快修好");
        assert!(!r.anonymous);
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let empty = PublicComplaint::default();
        let errors = empty
            .registration(Channel::Kiosk, Timestamp(1))
            .unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&Field::Description), "{fields:?}");
        assert!(fields.contains(&Field::Contact), "{fields:?}");
        assert!(fields.contains(&Field::Privacy), "{fields:?}");
    }

    #[test]
    fn an_anonymous_complaint_carries_no_contact() {
        let anonymous = PublicComplaint {
            anonymous: true,
            name: String::new(),
            phone: String::new(),
            ..named()
        };
        let r = anonymous
            .registration(Channel::Kiosk, Timestamp(1))
            .expect("valid");
        assert_eq!(r.complainant, Complainant::default());
        let leaky = PublicComplaint {
            anonymous: true,
            ..named()
        };
        assert!(leaky.registration(Channel::Kiosk, Timestamp(1)).is_err());
    }

    #[test]
    fn lookup_codes_avoid_look_alikes_and_read_back_however_typed() {
        let code = lookup_code(&[0, 1, 2, 3, 250, 251, 252, 253]);
        assert_eq!(code.len(), 9);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
        assert_eq!(
            normalise_lookup(&code.to_lowercase().replace('-', " ")),
            code
        );
        assert_eq!(normalise_reference(" ｔｓ-２５１２-0001 "), "TS-2512-0001");
    }
}
