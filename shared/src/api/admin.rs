//! Administration (`/api/v1/admin/*`) and one's own password (`/api/v1/auth/password`).

use serde::{Deserialize, Serialize};

use crate::{access::Role, ids::DeviceId};

/// A user as the administrator lists them (no password hash, ever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserRow {
    /// Account id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Department.
    pub department: Option<String>,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Signs in with a one-time password and must choose a new one first.
    #[serde(default)]
    pub must_change_password: bool,
}

/// `POST /api/v1/admin/users`: a new account. Without `password` the server makes a
/// one-time password, answers it once and asks for a new one at the first sign-in (what
/// the screen does); with one (scripted provisioning) the account signs in with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Account id (lowercase slug).
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG)))]
    pub id: String,
    /// Display name.
    #[cfg_attr(
        feature = "schema",
        schemars(length(min = 1, max = 100), pattern(crate::schema::NOT_BLANK))
    )]
    pub display_name: String,
    /// Roles, at least one.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub roles: Vec<Role>,
    /// Department (handlers and department heads).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG)))]
    pub department: Option<String>,
    /// A chosen initial password, at least 10 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(min = 10)))]
    pub password: Option<String>,
}

/// `PUT /api/v1/admin/users/{id}`: name, roles and department replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// Display name.
    #[cfg_attr(
        feature = "schema",
        schemars(length(min = 1, max = 100), pattern(crate::schema::NOT_BLANK))
    )]
    pub display_name: String,
    /// Roles, at least one.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub roles: Vec<Role>,
    /// Department.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG)))]
    pub department: Option<String>,
}

/// The answer to creating an account or resetting its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Created {
    /// The one-time password, shown once and stored only hashed; `None` when the
    /// administrator chose the password.
    pub one_time_password: Option<String>,
}

/// `POST /api/v1/auth/password`: one's own new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password signed in with (the one-time password after a reset).
    pub current: String,
    /// The new one: at least 10 characters, not the current one.
    #[cfg_attr(feature = "schema", schemars(length(min = 10)))]
    pub new: String,
}

/// A department as listed and saved; `parent` makes it a sub-unit (001 所屬各單位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DepartmentRow {
    /// Id.
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG)))]
    pub id: String,
    /// Name.
    #[cfg_attr(
        feature = "schema",
        schemars(length(min = 1, max = 100), pattern(crate::schema::NOT_BLANK))
    )]
    pub name: String,
    /// The department it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::SLUG)))]
    pub parent: Option<String>,
}

/// `POST /api/v1/admin/kiosks`: a kiosk to register, by where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewKiosk {
    /// Where it stands, e.g. "朝阳门站点 大厅".
    #[cfg_attr(
        feature = "schema",
        schemars(length(min = 1, max = 100), pattern(crate::schema::NOT_BLANK))
    )]
    pub name: String,
    /// The PIN that takes the counter's browser out of kiosk mode (4–8 digits); without
    /// one, nothing does (the kiosk is revoked and the browser's data cleared instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::PIN)))]
    pub exit_pin: Option<String>,
}

/// Whether `pin` may be a kiosk's exit PIN: 4 to 8 digits.
pub fn exit_pin_ok(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The text whose SHA-256 (hex) the kiosk keeps to check its exit PIN offline: the PIN
/// bound to the kiosk, so one kiosk's hash says nothing of another's.
pub fn exit_pin_text(device: DeviceId, pin: &str) -> String {
    format!("tousu kiosk exit {device} {pin}")
}

/// A registered kiosk's one-time setup code, answered once and stored only hashed; the
/// counter's browser exchanges it for the kiosk's token (`POST /kiosk/setup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KioskRegistered {
    /// The kiosk's device id.
    pub device_id: DeviceId,
    /// The setup code (`k7mq-3vxa-9pte`).
    pub setup_code: String,
    /// Until when the code may be used (ms since the epoch).
    pub setup_until: i64,
}

/// `POST /api/v1/kiosk/setup`: the code a counter's browser was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskSetup {
    /// The setup code as typed (case and spaces do not matter).
    pub code: String,
}

/// The kiosk's credentials, answered once to the setup code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KioskCredentials {
    /// The kiosk's device id.
    pub device_id: DeviceId,
    /// Its bearer token: it may only push new kiosk complaints.
    pub token: String,
    /// Where it stands.
    pub name: String,
    /// SHA-256 (hex) of [`exit_pin_text`], when the administrator set a PIN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_pin_hash: Option<String>,
}

/// Where a kiosk is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum KioskState {
    /// Registered; its setup code not used yet (and not expired).
    AwaitingSetup,
    /// The setup code expired unused: revoke and register again.
    SetupExpired,
    /// Set up and able to submit.
    Active,
    /// Revoked: its token no longer works.
    Revoked,
}

/// A kiosk as the administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KioskRow {
    /// Device id.
    pub device_id: DeviceId,
    /// Where it stands.
    pub name: String,
    /// Registered at (ms since the epoch).
    pub created_at: i64,
    /// Its state.
    pub state: KioskState,
    /// Until when its setup code works, while awaiting setup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_until: Option<i64>,
}

/// Normalises a typed setup code or one-time password: lowercase, spaces dropped, groups
/// joined by `-` as shown.
pub fn normalise_code(typed: &str) -> String {
    let bare: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut out = String::with_capacity(bare.len() + 2);
    for (i, c) in bare.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Whether an account with `roles` must belong to a department: handlers and department
/// heads work the cases dispatched to theirs.
pub fn department_required(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| matches!(r, Role::Handler | Role::Manager))
}

/// The longest name of a person, department or kiosk, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A display name, department name or kiosk place as typed: trimmed, 1 to
/// [`MAX_NAME_CHARS`] characters; `None` when empty or longer.
pub fn admin_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    (!name.is_empty() && name.chars().count() <= MAX_NAME_CHARS).then(|| name.to_string())
}

/// The shortest password a person may choose.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a new password is refused, if it is: too short, or the same as the current one.
pub fn password_problem(current: &str, new: &str) -> Option<PasswordProblem> {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        Some(PasswordProblem::TooShort)
    } else if new == current {
        Some(PasswordProblem::Unchanged)
    } else {
        None
    }
}

/// What is wrong with a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    TooShort,
    /// The same as the current password.
    Unchanged,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_long_enough_and_new() {
        assert_eq!(
            password_problem("otp-abcdefgh", "short"),
            Some(PasswordProblem::TooShort)
        );
        assert_eq!(
            password_problem("otp-abcdefgh", "otp-abcdefgh"),
            Some(PasswordProblem::Unchanged)
        );
        assert_eq!(password_problem("otp-abcdefgh", "a new secret 1"), None);
        // Characters, not bytes: ten Chinese characters are long enough.
        assert_eq!(password_problem("x", "投诉处理系统的新密码"), None);
    }

    #[test]
    fn names_are_trimmed_and_hold_one_to_a_hundred_characters() {
        assert_eq!(admin_name("  运营部夜班组 "), Some("运营部夜班组".into()));
        assert_eq!(admin_name("   "), None);
        assert!(admin_name(&"站".repeat(100)).is_some());
        assert_eq!(admin_name(&"站".repeat(101)), None);
    }

    #[test]
    fn a_code_is_read_however_it_was_typed() {
        assert_eq!(normalise_code("K7MQ 3VXA 9PTE"), "k7mq-3vxa-9pte");
        assert_eq!(normalise_code(" k7mq-3vxa-9pte "), "k7mq-3vxa-9pte");
        assert_eq!(normalise_code(""), "");
    }

    #[test]
    fn handlers_and_heads_need_a_department() {
        assert!(department_required(&[Role::Clerk, Role::Handler]));
        assert!(department_required(&[Role::Manager]));
        assert!(!department_required(&[Role::Supervisor, Role::Clerk]));
    }
}
