//! Who is signed in on this tablet, and the moves between users: boot (reopen the signed-in
//! user's data), sign in (online once; afterwards the app opens offline until the session
//! ends), sign out (push first, never lose work silently) and so switching users on a shared
//! tablet. Each user has a database of their own; the device database only names who is
//! signed in. Pages call these functions; none of them opens a database itself.

use leptos::prelude::*;
use tousu_shared::{
    api::{
        admin::PasswordChange,
        sync::{LoginRequest, LoginResponse},
    },
    author::Author,
    event::Actor,
    ids::DeviceId,
};

use crate::{
    api::{self, ApiError},
    context::{App, RefData},
    store::{CaseStore as _, DeviceStore, Session, StoreError, UserStore},
    sync,
};

/// Reads who is signed in on this device and opens their data; then starts sync.
pub async fn boot(app: App) {
    let result = async {
        let device = DeviceStore::open().await?;
        device.install_id().await?;
        let current = device.current_user().await?;
        device.close();
        if let Some(username) = current {
            let user_store = UserStore::open(&username).await?;
            let session = user_store.session().await;
            user_store.close();
            if let Some(session) = session? {
                enter(app, session).await?;
            }
        }
        Ok::<(), StoreError>(())
    }
    .await;
    if let Err(e) = result {
        app.storage_error.set(Some(e));
    }
    app.ready.set(true);
    app.refresh_counts().await;
    sync::start(app);
}

/// Opens `session`'s local database and makes it the current one: its writing state
/// (created with this user's own device id on first use) and cached reference data.
async fn enter(app: App, session: Session) -> Result<(), StoreError> {
    let store = UserStore::open(&session.username).await?;
    let author = match store.author().await? {
        Some(author) => author,
        None => {
            // One device id per user database: the server counts `dev_seq` per device,
            // and two people sharing a tablet keep separate sequences.
            let author = Author::new(
                DeviceId(uuid::Uuid::now_v7()),
                Actor::User(session.user.id.clone()),
            );
            store.put_author(&author).await?;
            author
        }
    };
    if let Some(reference) = store.reference().await? {
        app.reference.set(RefData::from_reference(&reference));
    }
    store.put_session(&session).await?;
    let device = DeviceStore::open().await?;
    device.set_current_user(Some(&session.username)).await?;
    device.close();
    if crate::platform::switch_build(crate::context::Menu::office_desk(&session.user.roles)) {
        // The other build loads and opens this session again: show nothing of this one.
        store.close();
        std::future::pending::<()>().await;
    }
    // Summaries written by an older app lack what this one keeps in them: folded again once.
    let rules = app.reference.with_untracked(|r| r.rules.clone());
    store.upgrade_summaries(&rules).await?;
    app.store.set_value(Some(store));
    app.author.set_value(Some(author));
    app.session.set(Some(session));
    app.revision.update(|r| *r += 1);
    Ok(())
}

/// Why signing in did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInError {
    /// The user name or the password is empty.
    Missing,
    /// Wrong user name or password.
    WrongCredentials,
    /// Too many failed attempts: the server waits.
    TooMany,
    /// No network: the first sign-in needs one.
    Unreachable,
    /// The server refused for another reason.
    Server(ApiError),
    /// The local database could not be opened or written.
    Storage(StoreError),
}

/// A sign-in with a one-time password: the server allows nothing but choosing a new one,
/// so nothing of it is kept on the device until [`choose_password`] succeeds.
#[derive(Debug, Clone)]
pub struct PasswordDue {
    username: String,
    device: DeviceId,
    known: bool,
    answer: LoginResponse,
}

/// How a sign-in that the server accepted went on.
#[derive(Debug, Clone)]
pub enum SignedIn {
    /// The user's data is open and syncing.
    Done,
    /// A one-time password: a new one must be chosen first.
    PasswordDue(Box<PasswordDue>),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        SignInError::Storage(e)
    }
}

/// Signs `username` in with the server and opens their data on this device: the device id
/// they already have here, or a new one registered with this sign-in. Then syncs. After a
/// one-time password nothing is opened: the answer says a new password is due.
pub async fn sign_in(app: App, username: &str, password: String) -> Result<SignedIn, SignInError> {
    let username = username.trim().to_string();
    if username.is_empty() || password.is_empty() {
        return Err(SignInError::Missing);
    }
    // The device id is per user database: read it if this user has one here.
    let known = match UserStore::open(&username).await {
        Ok(store) => {
            let author = store.author().await.ok().flatten();
            store.close();
            author
        }
        Err(_) => None,
    };
    let device = known
        .as_ref()
        .map(|a| a.device)
        .unwrap_or_else(|| DeviceId(uuid::Uuid::now_v7()));
    let answer = api::login(&LoginRequest {
        username: username.clone(),
        password,
        device_id: Some(device),
    })
    .await
    .map_err(|e| match e {
        ApiError::Refused { status: 401, .. } | ApiError::Unauthorized => {
            SignInError::WrongCredentials
        }
        ApiError::TooMany => SignInError::TooMany,
        ApiError::Unreachable(_) => SignInError::Unreachable,
        other => SignInError::Server(other),
    })?;
    let due = PasswordDue {
        username,
        device,
        known: known.is_some(),
        answer,
    };
    if due.answer.must_change_password {
        return Ok(SignedIn::PasswordDue(Box::new(due)));
    }
    open_signed_in(app, due).await?;
    Ok(SignedIn::Done)
}

/// Chooses the new password a one-time password asked for (`current` is the one-time
/// password), then opens the user's data as a sign-in does.
pub async fn choose_password(
    app: App,
    due: PasswordDue,
    current: String,
    new: String,
) -> Result<(), SignInError> {
    api::change_password(&due.answer.token, &PasswordChange { current, new })
        .await
        .map_err(|e| match e {
            ApiError::Unreachable(_) => SignInError::Unreachable,
            other => SignInError::Server(other),
        })?;
    open_signed_in(app, due).await
}

/// Keeps the session the server gave and opens the user's data; then syncs.
async fn open_signed_in(app: App, due: PasswordDue) -> Result<(), SignInError> {
    let PasswordDue {
        username,
        device,
        known,
        answer,
    } = due;
    let session = Session {
        token: answer.token,
        user: answer.user,
        username: username.clone(),
        expires_at: answer.expires_at,
        ended: false,
    };
    if !known {
        // A fresh database gets the device id registered just now.
        let store = UserStore::open(&username).await?;
        let author = Author::new(device, Actor::User(session.user.id.clone()));
        let kept = store.put_author(&author).await;
        store.close();
        kept?;
    }
    enter(app, session).await?;
    app.refresh_counts().await;
    sync::sync_now(app);
    Ok(())
}

/// How signing out ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// Signed out; the user's local database is gone.
    Done,
    /// Changes could not reach the server: nothing was deleted; the user decides.
    Unsynced(u32),
}

/// Signs the current user out: pushes first and stops if anything is left (unless `force`,
/// the user's explicit choice to discard it), then ends the session on the server, deletes
/// the user's database and names nobody as signed in. Another user may then sign in.
pub async fn sign_out(app: App, force: bool) -> SignOut {
    if !force {
        let _ = sync::flush(app).await;
        let left = match app.user_store() {
            Some(store) => store.outbox_len().await.unwrap_or(0),
            None => 0,
        };
        if left > 0 {
            return SignOut::Unsynced(left);
        }
    }
    if let Some(session) = app.session.get_untracked() {
        let _ = api::logout(&session.token).await;
        if let Some(store) = app.user_store() {
            app.store.set_value(None);
            let _ = store.wipe(&session.username).await;
        }
        if let Ok(device) = DeviceStore::open().await {
            let _ = device.set_current_user(None).await;
            device.close();
        }
    }
    app.author.set_value(None);
    app.session.set(None);
    SignOut::Done
}
