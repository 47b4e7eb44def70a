//! Complaints from the public (issue 16, DESIGN §12): a kiosk's (opened from its seal) or the
//! web form's complaint becomes a case in one transaction — its record sheet, photos and
//! number, written by the server for the kiosk or the public — with the hash of the lookup
//! code its receipt shows; and the status lookup's read.

use rusqlite::{Connection, OptionalExtension, params};
use tousu_shared::{
    clock::{CHINA_OFFSET_MINUTES, Hlc, Timestamp},
    event::{Actor, Event, EventBody, NumberAssigned, SCHEMA_VERSION},
    fold::{fold, fold_after},
    ids::{CaseId, DeviceId, EventId},
    model::{Attachment, Registration},
    number::{CaseNumber, provisional_label},
    sla::{self, Due},
    validate::{BlobHash, Field, ShortText},
    view::CaseView,
};

use super::{Store, StoreError, audit, events, reference, stats::StatInputs};

/// A public complaint ready to be stored: checked, its photos sniffed and hashed.
pub struct Intake {
    /// The case id (the kiosk's, or a new one for the web).
    pub case: CaseId,
    /// The record sheet (channel `kiosk` or `web`), checked.
    pub registration: Registration,
    /// Who the events name: the kiosk, or the server for the web.
    pub actor: Actor,
    /// The lookup code's hash (argon2, PHC string).
    pub code_hash: String,
    /// Photos: hash, media type, bytes.
    pub photos: Vec<(BlobHash, &'static str, Vec<u8>)>,
    /// Who is named in the audit trail (`kiosk:<id>`, `public`).
    pub author: String,
}

/// What was stored for a public complaint.
#[derive(Debug, Clone)]
pub struct Intaken {
    /// The case as it stands.
    pub view: CaseView,
    /// The expected answer date promised.
    pub answer_due: Option<Due>,
    /// The case existed already (a kiosk's retry): nothing was written.
    pub again: bool,
}

impl Store {
    /// Stores a public complaint as a case with its number, in one transaction. A case id
    /// that exists answers the case as it stands (a retried kiosk submission), writing
    /// nothing.
    pub async fn intake(&self, intake: Intake, now: Timestamp) -> Result<Intaken, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            if let Some(view) = events::case_view(&tx, intake.case)? {
                let inputs = StatInputs::load(&tx)?;
                let answer_due = answer_due(&view, &inputs, now);
                return Ok(Intaken {
                    view,
                    answer_due,
                    again: true,
                });
            }
            let stored = write_intake(&tx, intake, now)?;
            tx.commit()?;
            Ok(stored)
        })
        .await
    }

    /// The expected answer date of a kiosk complaint received on each of the next `days`
    /// days (at this time of day), as [`Store::intake`] would promise it.
    pub async fn promises(
        &self,
        now: Timestamp,
        days: i64,
    ) -> Result<Vec<(Timestamp, Due)>, StoreError> {
        self.read(move |conn| {
            let inputs = StatInputs::load(conn)?;
            let rules = reference::profile_full(conn)?.map(|p| Box::new(p.rules()));
            let sample = tousu_shared::api::public::PublicComplaint {
                what: "-".into(),
                anonymous: true,
                privacy_accepted: true,
                ..Default::default()
            };
            let case = CaseId(uuid::Uuid::nil());
            let mut out = Vec::new();
            for day in 0..days {
                let at = Timestamp(now.0 + day * 24 * 3600 * 1000);
                let Ok(mut r) = sample.registration(tousu_shared::model::Channel::Kiosk, at) else {
                    continue;
                };
                r.rules = rules.clone();
                if let Some(due) = promise(case, &r, &inputs, at) {
                    out.push((at, due));
                }
            }
            Ok(out)
        })
        .await
    }

    /// The value of a meta key, stored as `fresh` first if there is none (the server's
    /// sealing key: made once, kept).
    pub async fn meta_or_insert(
        &self,
        key: &'static str,
        fresh: Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![key, b64.encode(&fresh)],
            )?;
            let value = reference::meta(conn, key)?.unwrap_or_default();
            b64.decode(value)
                .map_err(|_| StoreError::Corrupt(format!("meta {key}: not base64")))
        })
        .await
    }

    /// The case a status lookup names (by number, or by the provisional label of a kiosk
    /// receipt printed offline) and its lookup code's hash; `None` when no public case has
    /// that reference.
    pub async fn lookup(
        &self,
        reference: String,
    ) -> Result<Option<(String, CaseView)>, StoreError> {
        self.read(move |conn| {
            let found: Option<(String, String)> = conn
                .query_row(
                    "SELECT l.case_id, l.code_hash FROM lookup_codes l \
                     LEFT JOIN cases c ON c.id = l.case_id \
                     WHERE c.number = ?1 OR l.label = ?1 LIMIT 1",
                    [&reference],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((case, hash)) = found else {
                return Ok(None);
            };
            let view = events::case_view(conn, events::parse_case(&case)?)?;
            Ok(view.map(|v| (hash, v)))
        })
        .await
    }
}

/// The whole-case clock's due time of a case registered as `registration`, before it is.
fn promise(
    case: CaseId,
    registration: &Registration,
    inputs: &StatInputs,
    now: Timestamp,
) -> Option<Due> {
    let draft = Event {
        id: EventId(uuid::Uuid::nil()),
        case_id: case,
        device_id: DeviceId(uuid::Uuid::nil()),
        dev_seq: 0,
        actor: Actor::System,
        hlc: Hlc::ZERO,
        parents: Vec::new(),
        schema: SCHEMA_VERSION,
        body: EventBody::Registered(registration.clone()),
    };
    answer_due(&fold(case, &[draft]), inputs, now)
}

/// The whole-case clock's due time of a case.
fn answer_due(view: &CaseView, inputs: &StatInputs, now: Timestamp) -> Option<Due> {
    sla::answer_due(&sla::clocks(view, &inputs.policy, &inputs.calendar, now))
}

/// Writes the record sheet (with the profile's rules, the photos and the promised answer
/// date), the number, the projection, the lookup code's hash and the audit row.
fn write_intake(tx: &Connection, intake: Intake, now: Timestamp) -> Result<Intaken, StoreError> {
    let Intake {
        case,
        mut registration,
        actor,
        code_hash,
        photos,
        author,
    } = intake;
    for (hash, media_type, data) in &photos {
        tx.execute(
            "INSERT INTO blobs (hash, media_type, size, data, uploader, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![
                hash.as_str(),
                media_type,
                data.len() as i64,
                data,
                author,
                now.0
            ],
        )?;
        tx.execute(
            "INSERT INTO blob_refs (hash, case_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![hash.as_str(), case.to_string()],
        )?;
        registration.attachments.push(Attachment {
            hash: hash.clone(),
            media_type: ShortText::parse(Field::Attachment, media_type).expect("a media type"),
            name: None,
            size: data.len() as u64,
        });
    }
    registration.rules = reference::profile_full(tx)?.map(|p| Box::new(p.rules()));
    let inputs = StatInputs::load(tx)?;
    // The promise is what the clocks say of the registration as it will be stored.
    let mut system = events::SystemWriter::reserve(tx, 2, now)?;
    registration.promised_answer = promise(case, &registration, &inputs, now).map(|d| d.at);
    let received = registration.received_at;
    let (registered, _) = system.write_as(
        tx,
        actor,
        case,
        Vec::new(),
        Hlc::ZERO,
        EventBody::Registered(registration),
    )?;
    let view = fold(case, std::slice::from_ref(&registered));
    let month = events::serial_month(received);
    let serial = events::take_serials(tx, &month, 1)?;
    let number = CaseNumber::new(received.date(CHINA_OFFSET_MINUTES), serial as u32)
        .map_err(|e| StoreError::Corrupt(format!("number: {e}")))?;
    let (assigned, seq) = system.write(
        tx,
        case,
        view.heads.clone(),
        registered.hlc,
        EventBody::NumberAssigned(NumberAssigned { number }),
    )?;
    let view = fold_after(case, Some(&view), &[registered], &assigned);
    events::store_view(tx, &view, seq, &inputs)?;
    tx.execute(
        "INSERT INTO lookup_codes (case_id, code_hash, label, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![case.to_string(), code_hash, provisional_label(case), now.0],
    )?;
    audit::append(
        tx,
        now.0,
        &author,
        "public_complaint",
        &case.to_string(),
        &serde_json::json!({ "number": number.to_string() }).to_string(),
    )?;
    Ok(Intaken {
        answer_due: answer_due(&view, &inputs, now),
        view,
        again: false,
    })
}
