//! Every error's stable code and what it means for the app: whether retrying can help,
//! whether the user must sign in, and what to do. One table ([`ERROR_CODES`]) holds it all;
//! [`crate::Error`]'s methods read it and `docs/errors.md` is generated from it
//! ([`error_codes_markdown`]), so the documentation cannot say something the SDK does not do.
//!
//! Which server messages earn a code of their own is decided here too ([`known_message`]):
//! the texts are the service's (`rest-api.md` §1.5), matched the way the service varies them
//! (case, surrounding blanks), and every one of them names something the app can act on.

use std::collections::BTreeMap;

/// The stable codes. Their text ([`ErrorCode::as_str`]) never changes once released; apps,
/// logs and the bindings branch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `api`: a refused call no other code covers (400, another 401, 405, 501…).
    Api,
    /// `rate_limited`: the server limits this app's requests (429).
    RateLimited,
    /// `server_error`: the server or a proxy before it failed (500, 502, 503, 504).
    ServerError,
    /// `session_expired`: the session ended and could not be renewed; sign in again.
    SessionExpired,
    /// `user_session_required`: the call needs a signed-in user ("Forbidden. Need user.").
    UserSessionRequired,
    /// `invalid_credentials`: a sign-in was refused (wrong password, unknown login, rejected token), or a wrong app id or auth key.
    InvalidCredentials,
    /// `unknown_user`: no user has this login or email, and the app does not create one at sign-in.
    UnknownUser,
    /// `identity_provider_rejected`: the app's Custom Identity Provider refused the token.
    IdentityProviderRejected,
    /// `signature_rejected`: the server refused the session's signature (check the auth secret).
    SignatureRejected,
    /// `invalid_timestamp`: the signed session's timestamp was refused even after correcting by the server's clock.
    InvalidTimestamp,
    /// `forbidden`: the session may not do this (403).
    Forbidden,
    /// `users_list_disabled`: the v1 user list (`GET /users`) is switched off in the admin panel.
    UsersListDisabled,
    /// `not_found`: nothing has this id, login, email or other key (404).
    NotFound,
    /// `validation`: the server refused the input (422); the field errors say why.
    Validation,
    /// `login_taken`: another user has this login.
    LoginTaken,
    /// `email_taken`: another user has this email.
    EmailTaken,
    /// `password_reset_disabled`: password reset by email is switched off in the admin panel.
    PasswordResetDisabled,
    /// `network`: the request was not delivered or its answer not received.
    Network,
    /// `tls`: the server's certificate was refused or the TLS handshake failed.
    Tls,
    /// `request_too_large`: too many ids in one lookup (414) or too large a body (413).
    RequestTooLarge,
    /// `response_too_large`: the answer is larger than `max_response_bytes`.
    ResponseTooLarge,
    /// `timeout`: an attempt or the whole call ran out of time.
    Timeout,
    /// `decode`: the server's answer was not what the API documents.
    Decode,
    /// `invalid_input`: the call's arguments were refused before anything was sent.
    InvalidInput,
    /// `cancelled`: the call was cancelled (its task or the runtime stopped).
    Cancelled,
    /// `not_initialized`: Swift, Kotlin and Python only — a call before `doInit`.
    NotInitialized,
}

/// One row of the table: a code and what it means for the app.
#[derive(Debug)]
#[non_exhaustive]
pub struct ErrorCodeInfo {
    /// The code this row describes.
    pub code: ErrorCode,
    /// The stable text, e.g. `user_session_required`.
    pub name: &'static str,
    /// What happened.
    pub meaning: &'static str,
    /// Whether the same call can succeed later without anything changing (the failure is
    /// transient). The SDK has already retried what was safe to repeat ([`Self::sdk_retries`]).
    pub retryable: bool,
    /// Which of these failures the SDK retries on its own before reporting one.
    pub sdk_retries: &'static str,
    /// Whether the user must sign in (again) before the call can succeed.
    pub needs_sign_in: bool,
    /// What the app (or its developer) should do.
    pub hint: &'static str,
}

const NEVER: &str = "no";
const SAFE_CALLS: &str = "calls safe to repeat (not sign-up, password reset, upload creation), up to the attempts of RetryConfig (3 by default)";

/// Every code, in the order of [`ErrorCode`]'s variants (checked when compiling).
pub const ERROR_CODES: &[ErrorCodeInfo] = &[
    ErrorCodeInfo {
        code: ErrorCode::Api,
        name: "api",
        meaning: "The server refused the call with a status no other code covers (400, another 401, 405, 501…).",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Read the server's messages: the request does not suit the server as it is.",
    },
    ErrorCodeInfo {
        code: ErrorCode::RateLimited,
        name: "rate_limited",
        meaning: "The server is limiting this app's requests (429).",
        retryable: true,
        sdk_retries: "calls safe to repeat, after the server's Retry-After, up to the attempts of RetryConfig (3 by default)",
        needs_sign_in: false,
        hint: "Wait a little and try again; make fewer calls (batch lookups, cache answers).",
    },
    ErrorCodeInfo {
        code: ErrorCode::ServerError,
        name: "server_error",
        meaning: "The server or a proxy before it failed (500, 502, 503, 504).",
        retryable: true,
        sdk_retries: SAFE_CALLS,
        needs_sign_in: false,
        hint: "Try again later. A sign-up, password reset or upload may have been done anyway: check before repeating it.",
    },
    ErrorCodeInfo {
        code: ErrorCode::SessionExpired,
        name: "session_expired",
        meaning: "The session expired or was ended and could not be renewed (no restore hook, no kept sign-in, or it failed).",
        retryable: false,
        sdk_retries: "renewed and replayed once before this error",
        needs_sign_in: true,
        hint: "Show the sign-in screen; to renew by itself, keep retain_credentials on or set a SessionRestore.",
    },
    ErrorCodeInfo {
        code: ErrorCode::UserSessionRequired,
        name: "user_session_required",
        meaning: "The call needs a signed-in user, and the session has none (\"Forbidden. Need user.\").",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: true,
        hint: "Sign a user in (createSession with a login or email and password), then make the call again.",
    },
    ErrorCodeInfo {
        code: ErrorCode::InvalidCredentials,
        name: "invalid_credentials",
        meaning: "A sign-in was refused: wrong password, unknown login, or a provider token the server rejected (\"Invalid password\", \"Unauthorized\"); for a session without a user, a wrong application id or auth key.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: true,
        hint: "Ask the user to check the login or email and the password; if no user was signing in, check the application id and auth key.",
    },
    ErrorCodeInfo {
        code: ErrorCode::UnknownUser,
        name: "unknown_user",
        meaning: "No user has this login or email, and the app does not create one at sign-in (\"User not found\"; admin panel: session creation without an existing user entity is denied).",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Offer sign-up, or ask the user to check the login or email.",
    },
    ErrorCodeInfo {
        code: ErrorCode::IdentityProviderRejected,
        name: "identity_provider_rejected",
        meaning: "The app's Custom Identity Provider refused the token sent as the login (\"Custom Identity Provider responded with an error…\").",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: true,
        hint: "Get a fresh token from your identity provider and sign in with it; if every token fails, check the verify URL in the admin panel.",
    },
    ErrorCodeInfo {
        code: ErrorCode::SignatureRejected,
        name: "signature_rejected",
        meaning: "The server refused the session's signature (\"Unexpected signature\").",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Check the auth secret: it must be this application's, from the admin panel. If it is, check the device's date and time.",
    },
    ErrorCodeInfo {
        code: ErrorCode::InvalidTimestamp,
        name: "invalid_timestamp",
        meaning: "The server refused the signed session's timestamp as too far from its time (\"invalid timestamp\"), even after the SDK corrected it by the server's clock.",
        retryable: false,
        sdk_retries: "signed again once with the server's time before this error",
        needs_sign_in: false,
        hint: "The device clock is wrong by far: ask the user to set the date and time to automatic.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Forbidden,
        name: "forbidden",
        meaning: "The session may not do this (403), e.g. change another user's data.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Read the server's messages; only the owner can change or delete a user or file.",
    },
    ErrorCodeInfo {
        code: ErrorCode::UsersListDisabled,
        name: "users_list_disabled",
        meaning: "The v1 user list (GET /users) is switched off in the admin panel; the server's message names the settings page.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Use the v2 search (getUsers with parameters), or allow the v1 list on the settings page the message names.",
    },
    ErrorCodeInfo {
        code: ErrorCode::NotFound,
        name: "not_found",
        meaning: "Nothing has this id, login, email or other key (404), or it was deleted.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Show that nothing was found; check the id or key.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Validation,
        name: "validation",
        meaning: "The server refused the input (422); field errors name each field and why.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Show the field errors next to their fields and let the user correct them.",
    },
    ErrorCodeInfo {
        code: ErrorCode::LoginTaken,
        name: "login_taken",
        meaning: "Another user has this login (\"login must be unique\"); the field errors map login to the message.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Ask for another login, or offer sign-in if the account is the user's own.",
    },
    ErrorCodeInfo {
        code: ErrorCode::EmailTaken,
        name: "email_taken",
        meaning: "Another user has this email (\"email must be unique\"); the field errors map email to the message.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Ask for another email, or offer sign-in or a password reset if the account is the user's own.",
    },
    ErrorCodeInfo {
        code: ErrorCode::PasswordResetDisabled,
        name: "password_reset_disabled",
        meaning: "Password reset by email is switched off for this app in the admin panel (\"Reset password by email is disabled\").",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Switch it on in the admin panel, or offer another way to recover an account.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Network,
        name: "network",
        meaning: "The request could not be delivered or its answer not received; the kind says whether it may have reached the server (io, closed) or not (connect).",
        retryable: true,
        sdk_retries: "connect failures for every call; io and closed for calls safe to repeat; up to the attempts of RetryConfig (3 by default)",
        needs_sign_in: false,
        hint: "Check the connection and try again. After io or closed, a sign-up, password reset or upload may have been done: check before repeating it.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Tls,
        name: "tls",
        meaning: "The server's certificate was refused (untrusted, wrong host, expired, pin mismatch) or the TLS handshake failed.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Do not retry or fall back to plain HTTP: the network may be hostile. Check the endpoint, the extra root certificates and the pins.",
    },
    ErrorCodeInfo {
        code: ErrorCode::RequestTooLarge,
        name: "request_too_large",
        meaning: "The request is larger than the server takes: too many ids in one lookup (414) or too large a body (413).",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Split the lookup into smaller ones, or send a smaller file.",
    },
    ErrorCodeInfo {
        code: ErrorCode::ResponseTooLarge,
        name: "response_too_large",
        meaning: "The server's answer is larger than the client reads (max_response_bytes).",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Ask for smaller pages; raise max_response_bytes only if the endpoint is trusted.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Timeout,
        name: "timeout",
        meaning: "An attempt or the whole operation (retries and renewal included) ran out of time.",
        retryable: true,
        sdk_retries: SAFE_CALLS,
        needs_sign_in: false,
        hint: "Try again, perhaps on a better connection. A sign-up, password reset or upload may have been done: check before repeating it.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Decode,
        name: "decode",
        meaning: "The server's answer was not what the API documents.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Check the API endpoint; if it is ConnectyCube's, report it as a bug.",
    },
    ErrorCodeInfo {
        code: ErrorCode::InvalidInput,
        name: "invalid_input",
        meaning: "The call's arguments were refused before anything was sent.",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Correct the argument the message names.",
    },
    ErrorCodeInfo {
        code: ErrorCode::Cancelled,
        name: "cancelled",
        meaning: "The call was cancelled (its task or the runtime was stopped).",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Nothing, if the app cancelled it; else make the call again once the app runs.",
    },
    ErrorCodeInfo {
        code: ErrorCode::NotInitialized,
        name: "not_initialized",
        meaning: "Swift, Kotlin and Python only: a call was made before doInit (Kotlin init, Python do_init).",
        retryable: false,
        sdk_retries: NEVER,
        needs_sign_in: false,
        hint: "Call doInit with the application id and auth key at start.",
    },
];

// The table is indexed by the code: a row out of place fails the build.
const _: () = {
    let mut index = 0;
    while index < ERROR_CODES.len() {
        assert!(
            ERROR_CODES[index].code as usize == index,
            "ERROR_CODES is out of ErrorCode's order"
        );
        index += 1;
    }
    assert!(
        ErrorCode::NotInitialized as usize == ERROR_CODES.len() - 1,
        "a code has no row"
    );
};

impl ErrorCode {
    /// This code's row of [`ERROR_CODES`].
    pub fn info(self) -> &'static ErrorCodeInfo {
        &ERROR_CODES[self as usize]
    }

    /// The stable text: `user_session_required`, `network`, …
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The code whose text this is.
    pub fn from_name(name: &str) -> Option<Self> {
        ERROR_CODES.iter().find(|row| row.name == name).map(|row| row.code)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The server's messages that name something the app acts on, matched however they are
/// cased or padded.
const NEED_USER: &str = "forbidden. need user.";
const USERS_LIST_DISABLED: &str = "users retrieving forbidden in admin panel";
const IDENTITY_PROVIDER: &str = "custom identity provider responded with an error";
const UNEXPECTED_SIGNATURE: &str = "unexpected signature";
const INVALID_TIMESTAMP: &str = "invalid timestamp";
const PASSWORD_RESET_DISABLED: &str = "reset password by email is disabled";
/// How the service says a value is taken: its own words, and its ancestor's (QuickBlox).
const TAKEN: [&str; 2] = ["must be unique", "has already been taken"];
/// What a refused sign-in says (2024 service, older service).
const REFUSED_SIGN_IN: [&str; 2] = ["invalid password", "unauthorized"];
/// An unknown user at sign-in, when the app does not create users there.
const USER_NOT_FOUND: &str = "user not found";

fn normalized(message: &str) -> String {
    message.trim().to_ascii_lowercase()
}

/// The code a known server message calls for, whatever the status it came with (several are
/// documented without one): `None` when no message is known.
pub(crate) fn known_message(messages: &[String], fields: &BTreeMap<String, Vec<String>>) -> Option<ErrorCode> {
    let field_says = |field: &str, words: &[&str]| {
        fields.get(field).is_some_and(|list| {
            list.iter()
                .map(|m| normalized(m))
                .any(|m| words.iter().any(|w| m.trim_end_matches('.') == *w))
        })
    };
    if field_says("login", &TAKEN) {
        return Some(ErrorCode::LoginTaken);
    }
    if field_says("email", &TAKEN) {
        return Some(ErrorCode::EmailTaken);
    }
    if field_says("timestamp", &[INVALID_TIMESTAMP]) {
        return Some(ErrorCode::InvalidTimestamp);
    }
    messages.iter().map(|m| normalized(m)).find_map(|m| {
        if m == NEED_USER {
            Some(ErrorCode::UserSessionRequired)
        } else if m.starts_with(USERS_LIST_DISABLED) {
            Some(ErrorCode::UsersListDisabled)
        } else if m.starts_with(IDENTITY_PROVIDER) {
            Some(ErrorCode::IdentityProviderRejected)
        } else if m == UNEXPECTED_SIGNATURE {
            Some(ErrorCode::SignatureRejected)
        } else if m == PASSWORD_RESET_DISABLED {
            Some(ErrorCode::PasswordResetDisabled)
        } else {
            None
        }
    })
}

/// Statuses of server-side trouble (`server_error`), which the retry loop repeats for calls
/// safe to repeat; 429 is `rate_limited`, repeated alike.
pub(crate) fn is_server_trouble(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// A 401 that refused credentials, not a session.
pub(crate) fn is_refused_sign_in(messages: &[String]) -> bool {
    messages
        .iter()
        .any(|m| REFUSED_SIGN_IN.contains(&normalized(m).as_str()))
}

/// A 404 to a sign-in: "User not found".
pub(crate) fn is_unknown_user(messages: &[String]) -> bool {
    messages.iter().any(|m| normalized(m) == USER_NOT_FOUND)
}

/// The service's `{"errors":{"base":["login must be unique"]}}` names its field only in the
/// text: the field errors get `login` → `must be unique` (and alike for email), so an app
/// shows it next to the field as it does every other field error.
pub(crate) fn fields_named_in_base(messages: &[String], fields: &mut BTreeMap<String, Vec<String>>) {
    for message in messages {
        let text = message.trim();
        for field in ["login", "email"] {
            let Some(rest) = text.strip_prefix(field).and_then(|r| r.strip_prefix(' ')) else {
                continue;
            };
            if TAKEN.contains(&normalized(rest).trim_end_matches('.')) {
                let list = fields.entry(field.to_owned()).or_default();
                if !list.iter().any(|m| m == rest) {
                    list.push(rest.to_owned());
                }
            }
        }
    }
}

/// `docs/errors.md`: the table of every code, as the SDK behaves.
pub fn error_codes_markdown() -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut out = String::from(
        "# Error codes\n\n\
         <!-- Generated from crates/connectycube/src/error_code.rs (ERROR_CODES); do not edit.\n     \
         Regenerate: UPDATE_DOCS=1 cargo test -p connectycube --test error_codes -->\n\n\
         Every error carries one of these codes in every language: Rust `Error::code()`, Kotlin\n\
         `e.code()`, Swift `error.code()`, Python `error.code()`. `retryable` says whether the same\n\
         call can succeed later unchanged (the failure is transient); the SDK has already retried\n\
         what the \"SDK retries\" column says. `sign in` says whether the user must sign in (again)\n\
         before the call can succeed. The hint is what `hint()` returns.\n\n\
         | code | meaning | retryable | SDK retries | sign in | what to do |\n\
         |---|---|---|---|---|---|\n",
    );
    for row in ERROR_CODES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            row.name,
            row.meaning.replace('|', "\\|"),
            yes_no(row.retryable),
            row.sdk_retries,
            yes_no(row.needs_sign_in),
            row.hint.replace('|', "\\|"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_found_again() {
        for row in ERROR_CODES {
            assert!(
                row.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                row.name
            );
            assert_eq!(ErrorCode::from_name(row.name), Some(row.code));
            assert_eq!(row.code.to_string(), row.name);
            assert!(!row.hint.is_empty() && !row.meaning.is_empty());
        }
        assert_eq!(ErrorCode::from_name("nonsense"), None);
    }

    #[test]
    fn known_messages_ignore_case_blanks_and_status() {
        let none = BTreeMap::new();
        let of = |m: &str| known_message(&[m.to_owned()], &none);
        assert_eq!(of(" Forbidden. need user. "), Some(ErrorCode::UserSessionRequired));
        assert_eq!(of("UNEXPECTED SIGNATURE"), Some(ErrorCode::SignatureRejected));
        assert_eq!(
            of(
                "Users retrieving forbidden in admin panel, application settings. Setup it here https://admin.connectycube.com/apps/230/service/users/settings"
            ),
            Some(ErrorCode::UsersListDisabled)
        );
        assert_eq!(of("Forbidden"), None);
        let fields = BTreeMap::from([("login".to_owned(), vec!["has already been taken.".to_owned()])]);
        assert_eq!(known_message(&[], &fields), Some(ErrorCode::LoginTaken));
    }

    #[test]
    fn taken_values_in_base_become_field_errors() {
        let mut fields = BTreeMap::new();
        let messages = ["login must be unique".to_owned(), "email must be unique".to_owned()];
        fields_named_in_base(&messages, &mut fields);
        assert_eq!(fields["login"], ["must be unique"]);
        assert_eq!(fields["email"], ["must be unique"]);
        // Already a field error: not doubled. Other base messages: no field.
        fields_named_in_base(&messages, &mut fields);
        assert_eq!(fields["login"], ["must be unique"]);
        let mut other = BTreeMap::new();
        fields_named_in_base(
            &["loginx must be unique".to_owned(), "login is odd".to_owned()],
            &mut other,
        );
        assert!(other.is_empty(), "{other:?}");
    }
}
