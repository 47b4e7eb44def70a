//! Administrators' changes, one path for all: the change and its audit row in one
//! transaction, committed together. Who may make them is the caller's check
//! (`routes::admin::Admin` can only be had by an administrator).

use tousu_shared::{clock::Timestamp, ids::DeviceId, profile::ProfileInfo};

use super::{Store, StoreError, accounts, audit, kiosks, reference};

/// A change an administrator makes.
#[derive(Debug, Clone)]
pub enum AdminChange {
    /// A new account.
    CreateUser(accounts::NewAccount),
    /// An account stops at once (its sessions end).
    DisableUser(String),
    /// A disabled account may sign in again.
    EnableUser(String),
    /// An account's name, roles and department replaced (its sessions end).
    UpdateUser {
        /// Account id.
        id: String,
        /// Display name.
        display_name: String,
        /// Roles.
        roles: Vec<tousu_shared::access::Role>,
        /// Department.
        department: Option<String>,
    },
    /// A new one-time password (hashed) for an account; its sessions end and it must choose
    /// its own password at the next sign-in.
    ResetPassword {
        /// Account id.
        id: String,
        /// argon2id PHC string of the one-time password.
        password_hash: String,
    },
    /// A department, new or renamed; with `parent` a sub-unit of it.
    SaveDepartment {
        /// Id.
        id: String,
        /// Name.
        name: String,
        /// The department it belongs to.
        parent: Option<String>,
    },
    /// A kiosk registered with the hash of its one-time setup code.
    RegisterKiosk {
        /// Its device id.
        device: DeviceId,
        /// Where it stands.
        name: String,
        /// SHA-256 of its setup code.
        setup_hash: Vec<u8>,
        /// Until when the code may be used.
        setup_until: i64,
        /// SHA-256 (hex) of its exit PIN's text, if one was set.
        exit_pin_hash: Option<String>,
    },
    /// A kiosk revoked.
    RevokeKiosk(String),
    /// A regulation profile applied: its clocks and category tree replace the ones in
    /// force, and it is recorded as the profile in force, in one transaction.
    ApplyProfile {
        /// What devices are told of it.
        info: Box<ProfileInfo>,
        /// Its clocks, JSON.
        sla_policy: String,
        /// Its category tree, JSON.
        categories: String,
        /// The whole profile, JSON.
        full: String,
        /// Its rules, JSON, when it is an admin's edit rather than a shipped version: kept
        /// so registrations under them are accepted from then on.
        edited_rules: Option<String>,
    },
    /// A reference record replaced (`calendar`, `sla_policy`, `categories`).
    SaveReference {
        /// Which ([`reference::CALENDAR_KEY`] …).
        key: &'static str,
        /// Its new text.
        value: String,
    },
}

/// Why a change was not made (nothing written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdminRefusal {
    /// The id is in use.
    #[error("that id is taken")]
    Taken,
    /// The department named does not exist.
    #[error("unknown department")]
    UnknownDepartment,
    /// Nothing by that id.
    #[error("not found")]
    NotFound,
    /// A department cannot belong to itself or to one of its own sub-units.
    #[error("a department cannot belong to itself or to one of its sub-units")]
    Loop,
}

impl AdminChange {
    /// The change that puts `profile` in force (its clocks and categories).
    pub fn apply_profile(profile: &tousu_shared::profile::Profile) -> Self {
        AdminChange::ApplyProfile {
            info: Box::new(profile.info()),
            sla_policy: serde_json::to_string(&profile.policy()).expect("json"),
            categories: serde_json::to_string(&profile.catalog_categories()).expect("json"),
            full: serde_json::to_string(profile).expect("json"),
            edited_rules: {
                let rules = profile.rules();
                (!rules.is_shipped()).then(|| serde_json::to_string(&rules).expect("json"))
            },
        }
    }

    /// The audit action and subject of this change.
    fn audit(&self) -> (String, String) {
        match self {
            AdminChange::CreateUser(a) => ("admin_user_created".into(), a.id.to_string()),
            AdminChange::DisableUser(id) => ("admin_user_disabled".into(), id.clone()),
            AdminChange::EnableUser(id) => ("admin_user_enabled".into(), id.clone()),
            AdminChange::UpdateUser { id, .. } => ("admin_user_updated".into(), id.clone()),
            AdminChange::ResetPassword { id, .. } => ("admin_password_reset".into(), id.clone()),
            AdminChange::SaveDepartment { id, .. } => ("admin_department_saved".into(), id.clone()),
            AdminChange::RegisterKiosk { device, .. } => {
                ("admin_kiosk_registered".into(), device.to_string())
            }
            AdminChange::RevokeKiosk(id) => ("admin_kiosk_revoked".into(), id.clone()),
            AdminChange::SaveReference { key, .. } => {
                (format!("admin_{key}_saved"), key.to_string())
            }
            AdminChange::ApplyProfile { info, .. } => (
                "admin_profile_applied".into(),
                format!("{}@{}", info.id, info.version),
            ),
        }
    }
}

impl Store {
    /// Makes `change` for `admin`: checks what only the store can (ids taken, departments
    /// known, rows found), writes it and its audit row, commits. A refusal writes nothing.
    pub async fn admin_change(
        &self,
        admin: String,
        change: AdminChange,
        now: Timestamp,
    ) -> Result<Result<(), AdminRefusal>, StoreError> {
        self.with_conn(move |conn| {
            let tx = conn.transaction()?;
            let outcome = match &change {
                AdminChange::CreateUser(account) => {
                    if accounts::user_exists(&tx, account.id.as_str())? {
                        Err(AdminRefusal::Taken)
                    } else if let Some(d) = &account.department
                        && !reference::department_exists(&tx, d.as_str())?
                    {
                        Err(AdminRefusal::UnknownDepartment)
                    } else {
                        accounts::insert_account(&tx, account, now.0)?;
                        audit::append(
                            &tx,
                            now.0,
                            "system",
                            "user_created",
                            account.id.as_str(),
                            "{}",
                        )?;
                        Ok(())
                    }
                }
                AdminChange::DisableUser(id) => {
                    if accounts::disable_user(&tx, id)? {
                        Ok(())
                    } else {
                        Err(AdminRefusal::NotFound)
                    }
                }
                AdminChange::EnableUser(id) => {
                    if accounts::enable_user(&tx, id)? {
                        Ok(())
                    } else {
                        Err(AdminRefusal::NotFound)
                    }
                }
                AdminChange::UpdateUser {
                    id,
                    display_name,
                    roles,
                    department,
                } => {
                    if let Some(d) = department
                        && !reference::department_exists(&tx, d)?
                    {
                        Err(AdminRefusal::UnknownDepartment)
                    } else if accounts::update_user(
                        &tx,
                        id,
                        display_name,
                        roles,
                        department.as_deref(),
                    )? {
                        Ok(())
                    } else {
                        Err(AdminRefusal::NotFound)
                    }
                }
                AdminChange::ResetPassword { id, password_hash } => {
                    if accounts::set_password(&tx, id, password_hash, true, None)? {
                        Ok(())
                    } else {
                        Err(AdminRefusal::NotFound)
                    }
                }
                AdminChange::SaveDepartment { id, name, parent } => match parent {
                    Some(p) if !reference::department_exists(&tx, p)? => {
                        Err(AdminRefusal::UnknownDepartment)
                    }
                    Some(p) if reference::would_loop(&tx, id, p)? => Err(AdminRefusal::Loop),
                    _ => reference::save_department(&tx, id, name, parent.as_deref()).map(Ok)?,
                },
                AdminChange::RegisterKiosk {
                    device,
                    name,
                    setup_hash,
                    setup_until,
                    exit_pin_hash,
                } => kiosks::insert_kiosk(
                    &tx,
                    *device,
                    name,
                    (setup_hash, *setup_until),
                    exit_pin_hash.as_deref(),
                    now.0,
                )
                .map(Ok)?,
                AdminChange::RevokeKiosk(id) => {
                    if kiosks::revoke_kiosk(&tx, id)? {
                        Ok(())
                    } else {
                        Err(AdminRefusal::NotFound)
                    }
                }
                AdminChange::SaveReference { key, value } => {
                    reference::set_meta(&tx, key, value).map(Ok)?
                }
                AdminChange::ApplyProfile {
                    info,
                    sla_policy,
                    categories,
                    full,
                    edited_rules,
                } => {
                    reference::set_meta(&tx, reference::SLA_KEY, sla_policy)?;
                    reference::set_meta(&tx, reference::CATEGORIES_KEY, categories)?;
                    reference::set_meta(&tx, reference::PROFILE_FULL_KEY, full)?;
                    if let Some(rules) = edited_rules {
                        let mut known = reference::known_rules(&tx)?;
                        let rules: tousu_shared::rules::CaseRules =
                            serde_json::from_str(rules).expect("written above");
                        if !known.contains(&rules) {
                            known.push(rules);
                        }
                        let known = serde_json::to_string(&known).expect("json");
                        reference::set_meta(&tx, reference::KNOWN_RULES_KEY, &known)?;
                    }
                    let info = serde_json::to_string(info).expect("json");
                    reference::set_meta(&tx, reference::PROFILE_KEY, &info).map(Ok)?
                }
            };
            if outcome.is_err() {
                return Ok(outcome);
            }
            let (action, subject) = change.audit();
            audit::append(&tx, now.0, &admin, &action, &subject, "{}")?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await
    }
}
