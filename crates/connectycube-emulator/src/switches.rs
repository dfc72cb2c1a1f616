//! The admin-panel switches of the emulated app as run-time settings: they start from
//! the command line (`EmulatorConfig`) and the web page or a test flips them with
//! `PATCH /__emulator/config`, without a restart.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Map, Value};

use crate::config::EmulatorConfig;

/// One switch of the admin panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// Reject `POST /session` without a `signature`.
    RequireSignature,
    /// "Session creation without an existing user entity: Deny".
    DenySessionWithoutUser,
    /// Every session login is a Custom Identity Provider token.
    CustomIdentityProvider,
    /// "DISABLE LIST USERS API V1".
    DenyUsersV1List,
    /// Password reset by email switched off.
    DisablePasswordReset,
}

impl Switch {
    pub const ALL: [Switch; 5] = [
        Switch::RequireSignature,
        Switch::DenySessionWithoutUser,
        Switch::CustomIdentityProvider,
        Switch::DenyUsersV1List,
        Switch::DisablePasswordReset,
    ];

    /// The key in `GET|PATCH /__emulator/config` (the `EmulatorConfig` field's name).
    pub fn key(self) -> &'static str {
        match self {
            Switch::RequireSignature => "require_signature",
            Switch::DenySessionWithoutUser => "deny_session_without_user",
            Switch::CustomIdentityProvider => "custom_identity_provider",
            Switch::DenyUsersV1List => "deny_users_v1_list",
            Switch::DisablePasswordReset => "disable_password_reset",
        }
    }

    fn from_key(key: &str) -> Option<Switch> {
        Switch::ALL.into_iter().find(|switch| switch.key() == key)
    }

    fn index(self) -> usize {
        self as usize
    }

    fn initial(self, config: &EmulatorConfig) -> bool {
        match self {
            Switch::RequireSignature => config.require_signature,
            Switch::DenySessionWithoutUser => config.deny_session_without_user,
            Switch::CustomIdentityProvider => config.custom_identity_provider,
            Switch::DenyUsersV1List => config.deny_users_v1_list,
            Switch::DisablePasswordReset => config.disable_password_reset,
        }
    }
}

/// Settings of the config that are fixed at start: a `PATCH` naming one is refused
/// with a message that says so, rather than as an unknown key.
const FIXED_AT_START: &[&str] = &["app_id", "auth_key", "auth_secret"];

/// Why a `PATCH /__emulator/config` body was refused; nothing was changed.
#[derive(Debug, PartialEq, Eq)]
pub enum SwitchesError {
    Empty,
    Fixed(String),
    Unknown(String),
    NotBoolean(String),
}

impl std::fmt::Display for SwitchesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let settable = Switch::ALL.map(Switch::key).join(", ");
        match self {
            Self::Empty => write!(f, "name at least one setting to change: {settable}"),
            Self::Fixed(key) => write!(f, "{key} is fixed when the emulator starts (a command-line flag)"),
            Self::Unknown(key) => write!(f, "unknown setting '{key}'; settable: {settable}"),
            Self::NotBoolean(key) => write!(f, "{key} must be true or false"),
        }
    }
}

pub struct Switches {
    current: [AtomicBool; Switch::ALL.len()],
    /// The values at start, which `POST /__emulator/reset` restores.
    at_start: [bool; Switch::ALL.len()],
}

impl Switches {
    pub fn new(config: &EmulatorConfig) -> Self {
        let at_start = Switch::ALL.map(|switch| switch.initial(config));
        Self {
            current: at_start.map(AtomicBool::new),
            at_start,
        }
    }

    pub fn get(&self, switch: Switch) -> bool {
        self.current[switch.index()].load(Ordering::Relaxed)
    }

    /// Applies `{"<key>": true|false, …}` whole or not at all.
    pub fn apply(&self, changes: &Map<String, Value>) -> Result<(), SwitchesError> {
        if changes.is_empty() {
            return Err(SwitchesError::Empty);
        }
        let mut parsed = Vec::with_capacity(changes.len());
        for (key, value) in changes {
            if FIXED_AT_START.contains(&key.as_str()) {
                return Err(SwitchesError::Fixed(key.clone()));
            }
            let switch = Switch::from_key(key).ok_or_else(|| SwitchesError::Unknown(key.clone()))?;
            let on = value.as_bool().ok_or_else(|| SwitchesError::NotBoolean(key.clone()))?;
            parsed.push((switch, on));
        }
        for (switch, on) in parsed {
            self.current[switch.index()].store(on, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Back to the values the emulator was started with.
    pub fn restore(&self) {
        for switch in Switch::ALL {
            self.current[switch.index()].store(self.at_start[switch.index()], Ordering::Relaxed);
        }
    }

    /// Every switch by its key, in [`Switch::ALL`] order.
    pub fn to_json(&self) -> Map<String, Value> {
        Switch::ALL
            .into_iter()
            .map(|switch| (switch.key().to_owned(), Value::Bool(self.get(switch))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_refused_patch_changes_nothing_and_restore_returns_to_the_start() {
        let config = EmulatorConfig {
            disable_password_reset: true,
            ..EmulatorConfig::default()
        };
        let switches = Switches::new(&config);
        assert!(switches.get(Switch::DisablePasswordReset));
        let bad = object(json!({"deny_users_v1_list": true, "require_signature": "yes"}));
        assert_eq!(
            switches.apply(&bad),
            Err(SwitchesError::NotBoolean("require_signature".into()))
        );
        assert!(!switches.get(Switch::DenyUsersV1List), "nothing applied");
        let unknown = object(json!({"deny_users_v1_list": true, "deny_everything": true}));
        assert_eq!(
            switches.apply(&unknown),
            Err(SwitchesError::Unknown("deny_everything".into()))
        );
        let fixed = object(json!({"auth_key": true}));
        assert_eq!(switches.apply(&fixed), Err(SwitchesError::Fixed("auth_key".into())));
        assert_eq!(switches.apply(&Map::new()), Err(SwitchesError::Empty));

        let good = object(json!({"deny_users_v1_list": true, "disable_password_reset": false}));
        assert_eq!(switches.apply(&good), Ok(()));
        assert!(switches.get(Switch::DenyUsersV1List));
        assert!(!switches.get(Switch::DisablePasswordReset));
        switches.restore();
        assert!(!switches.get(Switch::DenyUsersV1List));
        assert!(switches.get(Switch::DisablePasswordReset));
    }

    #[test]
    fn every_switch_has_its_own_key_and_slot() {
        for (index, switch) in Switch::ALL.into_iter().enumerate() {
            assert_eq!(switch.index(), index);
            assert_eq!(Switch::from_key(switch.key()), Some(switch));
        }
    }
}
