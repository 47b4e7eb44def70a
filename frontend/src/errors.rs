//! What a screen says when something failed: every error the app can meet, in the user's
//! language, chosen by its variant (an error's own `Display` is for logs, never shown).

use crate::{api::ApiError, labels::Tr, media::MediaError, store::StoreError};

/// A failure a screen shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The local database.
    Store(StoreError),
    /// The server or the network.
    Api(ApiError),
    /// A photo or a signature.
    Media(MediaError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

impl From<MediaError> for Failure {
    fn from(e: MediaError) -> Self {
        Failure::Media(e)
    }
}

/// A local database failure in words.
pub fn store(tr: Tr, e: &StoreError) -> &'static str {
    match e {
        StoreError::Open(_) => tr.t(
            "无法打开本机存储（可能是隐私浏览模式或存储空间已满）。",
            "無法開啟本機儲存（可能是隱私瀏覽模式或儲存空間已滿）。",
            "Local storage cannot be opened (private browsing, or the storage is full).",
        ),
        StoreError::Idb(_) => tr.t(
            "本机存储读写失败，请重试。",
            "本機儲存讀寫失敗，請重試。",
            "Reading or writing local storage failed; try again.",
        ),
        StoreError::Corrupt(_) => tr.t(
            "本机存储中有一条记录无法读取。",
            "本機儲存中有一筆記錄無法讀取。",
            "A record in local storage cannot be read.",
        ),
    }
}

/// A server or network failure in words (the server's stable code, never its message).
pub fn api(tr: Tr, e: &ApiError) -> String {
    match e {
        ApiError::Unreachable(_) => tr
            .t(
                "无法连接服务器。",
                "無法連線伺服器。",
                "The server cannot be reached.",
            )
            .into(),
        ApiError::Unauthorized => tr
            .t(
                "会话已结束，请重新登录。",
                "工作階段已結束，請重新登入。",
                "Your session ended; sign in again.",
            )
            .into(),
        ApiError::TooMany => tr
            .t(
                "尝试次数过多，请稍后再试。",
                "嘗試次數過多，請稍後再試。",
                "Too many attempts; try again later.",
            )
            .into(),
        ApiError::Refused { status, body } => format!(
            "{} ({status} {})",
            tr.t(
                "服务器拒绝了请求",
                "伺服器拒絕了請求",
                "The server refused the request"
            ),
            body.code
        ),
        ApiError::Decode(_) => tr
            .t(
                "服务器的回答无法读取（版本不一致？）。",
                "伺服器的回答無法讀取（版本不一致？）。",
                "The server's answer cannot be read (another version?).",
            )
            .into(),
    }
}

/// A photo or signature failure in words.
pub fn media(tr: Tr, e: &MediaError) -> &'static str {
    match e {
        MediaError::Photo(_) => tr.t(
            "这张照片无法读取，请换一张。",
            "這張照片無法讀取，請換一張。",
            "This photo cannot be read; choose another.",
        ),
        MediaError::Signature(_) => tr.t(
            "签名无法保存，请重新签字。",
            "簽名無法保存，請重新簽字。",
            "The signature cannot be saved; sign again.",
        ),
    }
}

/// Any failure in words.
pub fn failure(tr: Tr, f: &Failure) -> String {
    match f {
        Failure::Store(e) => store(tr, e).into(),
        Failure::Api(e) => api(tr, e),
        Failure::Media(e) => media(tr, e).into(),
    }
}
