//! Attachments, content-addressed, and the cases that refer to them (written with the
//! events that name them, in [`super::events`]).

use rusqlite::{OptionalExtension, params};
use tousu_shared::{clock::Timestamp, validate::BlobHash, view::CaseView};

use super::{Store, StoreError, events};

impl Store {
    /// Keeps an attachment (idempotent: the same hash twice is stored once).
    pub async fn put_blob(
        &self,
        hash: BlobHash,
        media_type: &'static str,
        data: Vec<u8>,
        uploader: String,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.with_conn(move |conn| {
            conn.execute(
                "INSERT INTO blobs (hash, media_type, size, data, uploader, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![hash.as_str(), media_type, data.len() as i64, data, uploader, now.0],
            )?;
            Ok(())
        })
        .await
    }

    /// An attachment's media type and bytes, when `may_see` allows one of the cases that
    /// refer to it.
    pub async fn blob<F>(
        &self,
        hash: BlobHash,
        may_see: F,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError>
    where
        F: Fn(&CaseView) -> bool + Send + 'static,
    {
        self.read(move |conn| {
            let cases: Vec<String> = conn
                .prepare_cached("SELECT case_id FROM blob_refs WHERE hash = ?1")?
                .query_map([hash.as_str()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut allowed = false;
            for id in cases {
                let Ok(case) = events::parse_case(&id) else {
                    continue;
                };
                if events::case_view(conn, case)?.is_some_and(|v| may_see(&v)) {
                    allowed = true;
                    break;
                }
            }
            if !allowed {
                return Ok(None);
            }
            Ok(conn
                .query_row(
                    "SELECT media_type, data FROM blobs WHERE hash = ?1",
                    [hash.as_str()],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
                )
                .optional()?)
        })
        .await
    }
}
