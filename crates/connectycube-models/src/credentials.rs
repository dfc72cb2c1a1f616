//! How a session authenticates, and the parameter shapes of `POST /session` and `POST /login`.

use serde_json::{Map, Value};

use crate::secret::Secret;

/// The password sent with a Custom Identity Provider token: the server wants a non-empty one and ignores it.
pub const CIDP_PASSWORD: &str = "cidp";

/// How a session authenticates. `Debug` redacts passwords, tokens and secrets.
#[derive(Clone, Debug, PartialEq)]
pub enum Credentials {
    /// Login and password.
    Login {
        /// The user's login.
        login: String,
        /// The user's password.
        password: Secret,
    },
    /// E-mail and password.
    Email {
        /// The user's e-mail address.
        email: String,
        /// The user's password.
        password: Secret,
    },
    /// A guest user, created by the server for this session (valid one day).
    Guest {
        /// Display name of the guest.
        full_name: Option<String>,
    },
    /// Custom Identity Provider: the external token travels as `user[login]`, with any non-empty password (`"cidp"`).
    CustomIdentityProvider {
        /// The token the app's identity provider issued.
        token: Secret,
    },
    /// Facebook access token.
    Facebook {
        /// The Facebook access token.
        access_token: Secret,
    },
    /// Twitter OAuth 1 token and secret.
    Twitter {
        /// The OAuth token.
        access_token: Secret,
        /// The OAuth token secret.
        access_token_secret: Secret,
    },
    /// Firebase phone authentication (ID token).
    FirebasePhone {
        /// The Firebase project id.
        project_id: String,
        /// The Firebase ID token.
        access_token: Secret,
    },
    /// Firebase e-mail or Google sign-in (ID token).
    FirebaseEmail {
        /// The Firebase project id.
        project_id: String,
        /// The Firebase ID token.
        access_token: Secret,
    },
}

fn pair(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

impl Credentials {
    /// Login and password.
    pub fn login(login: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Login {
            login: login.into(),
            password: password.into(),
        }
    }

    /// E-mail and password.
    pub fn email(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Email {
            email: email.into(),
            password: password.into(),
        }
    }

    /// The session parameters these credentials add, flattened one level as the signature needs them:
    /// e.g. `[("user[login]","john"),("user[password]","11111111")]`, guest
    /// `[("user[guest]","1"),("user[full_name]","Olof Shodger")]` (no `full_name` pair when it is `None`),
    /// twitter `[("provider","twitter"),("keys[token]","TT"),("keys[secret]","SS")]`.
    /// Values are raw (unencoded). Order does not matter (the caller sorts).
    pub fn session_params(&self) -> Vec<(String, String)> {
        match self {
            Self::Login { login, password } => {
                vec![pair("user[login]", login), pair("user[password]", password.expose())]
            }
            Self::Email { email, password } => {
                vec![pair("user[email]", email), pair("user[password]", password.expose())]
            }
            Self::Guest { full_name } => {
                let mut params = vec![pair("user[guest]", "1")];
                if let Some(name) = full_name {
                    params.push(pair("user[full_name]", name));
                }
                params
            }
            Self::CustomIdentityProvider { token } => {
                vec![
                    pair("user[login]", token.expose()),
                    pair("user[password]", CIDP_PASSWORD),
                ]
            }
            Self::Facebook { .. } | Self::Twitter { .. } => self.provider_params(),
            Self::FirebasePhone { .. } | Self::FirebaseEmail { .. } => self.provider_params(),
        }
    }

    /// The same for `POST /login` (top-level `login`/`email`/`password`, or `provider` + `keys[…]` /
    /// `firebase_*[…]`), flattened. Guest credentials cannot upgrade a session: they give no pairs
    /// (see [`Credentials::supports_login`]).
    pub fn login_params(&self) -> Vec<(String, String)> {
        match self {
            Self::Login { login, password } => vec![pair("login", login), pair("password", password.expose())],
            Self::Email { email, password } => vec![pair("email", email), pair("password", password.expose())],
            Self::Guest { .. } => Vec::new(),
            Self::CustomIdentityProvider { token } => {
                vec![pair("login", token.expose()), pair("password", CIDP_PASSWORD)]
            }
            Self::Facebook { .. } | Self::Twitter { .. } => self.provider_params(),
            Self::FirebasePhone { .. } | Self::FirebaseEmail { .. } => self.provider_params(),
        }
    }

    /// Social and Firebase pairs, identical for `POST /session` and `POST /login`.
    fn provider_params(&self) -> Vec<(String, String)> {
        match self {
            Self::Facebook { access_token } => {
                vec![pair("provider", "facebook"), pair("keys[token]", access_token.expose())]
            }
            Self::Twitter {
                access_token,
                access_token_secret,
            } => vec![
                pair("provider", "twitter"),
                pair("keys[token]", access_token.expose()),
                pair("keys[secret]", access_token_secret.expose()),
            ],
            Self::FirebasePhone {
                project_id,
                access_token,
            }
            | Self::FirebaseEmail {
                project_id,
                access_token,
            } => {
                let provider = self.kind();
                vec![
                    pair("provider", provider),
                    (format!("{provider}[project_id]"), project_id.clone()),
                    (format!("{provider}[access_token]"), access_token.expose().to_owned()),
                ]
            }
            _ => Vec::new(),
        }
    }

    /// A login or email with a password: what can sign in again by itself. Tokens (CIdP,
    /// Firebase, social) expire on their own and a guest is a new user each time.
    pub fn is_password(&self) -> bool {
        matches!(self, Self::Login { .. } | Self::Email { .. })
    }

    /// `false` only for guests: `POST /login` cannot turn an application session into a guest session.
    pub fn supports_login(&self) -> bool {
        !matches!(self, Self::Guest { .. })
    }

    /// A short name for logs: "login", "email", "guest", "cidp", "facebook", "twitter", "firebase_phone",
    /// "firebase_email".
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Login { .. } => "login",
            Self::Email { .. } => "email",
            Self::Guest { .. } => "guest",
            Self::CustomIdentityProvider { .. } => "cidp",
            Self::Facebook { .. } => "facebook",
            Self::Twitter { .. } => "twitter",
            Self::FirebasePhone { .. } => "firebase_phone",
            Self::FirebaseEmail { .. } => "firebase_email",
        }
    }
}

/// Turns flattened pairs (`user[login]=john`, `application_id=1`) into a nested JSON object
/// (`{"user":{"login":"john"},"application_id":"1"}`); one level of nesting; values stay strings.
///
/// `key[]` pairs collect into an array. A later plain `key` and a nested `key[…]` replace each other
/// (last wins), as a form decoder would; a key whose brackets do not close is kept verbatim.
pub fn nest_params(pairs: &[(String, String)]) -> Value {
    let mut root = Map::new();
    for (key, value) in pairs {
        let value = Value::String(value.clone());
        match split_key(key) {
            None => {
                root.insert(key.clone(), value);
            }
            Some((outer, "")) => match root.get_mut(outer) {
                Some(Value::Array(items)) => items.push(value),
                _ => {
                    root.insert(outer.to_owned(), Value::Array(vec![value]));
                }
            },
            Some((outer, inner)) => match root.get_mut(outer) {
                Some(Value::Object(map)) => {
                    map.insert(inner.to_owned(), value);
                }
                _ => {
                    let mut map = Map::new();
                    map.insert(inner.to_owned(), value);
                    root.insert(outer.to_owned(), Value::Object(map));
                }
            },
        }
    }
    Value::Object(root)
}

/// `outer[inner]` → `(outer, inner)`; `None` for a plain key or a malformed one.
fn split_key(key: &str) -> Option<(&str, &str)> {
    let (outer, rest) = key.split_once('[')?;
    let inner = rest.strip_suffix(']')?;
    (!outer.is_empty()).then_some((outer, inner))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The string to sign of rest-api.md §6: credentials + app id, auth key, nonce, timestamp; sorted.
    fn string_to_sign(credentials: &Credentials, nonce: &str) -> String {
        let mut params = credentials.session_params();
        params.extend([
            pair("application_id", "1"),
            pair("auth_key", "29WfrNWdvkhmX6V"),
            pair("nonce", nonce),
            pair("timestamp", "1544010993"),
        ]);
        let mut parts: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parts.sort();
        parts.join("&")
    }

    #[test]
    fn session_params_match_the_reference_strings_to_sign() {
        assert_eq!(
            string_to_sign(&Credentials::login("john", "11111111"), "111"),
            "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user[login]=john&user[password]=11111111"
        );
        assert_eq!(
            string_to_sign(&Credentials::email("john@example.com", "11111111"), "111"),
            "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user[email]=john@example.com&user[password]=11111111"
        );
        let twitter = Credentials::Twitter {
            access_token: "TT".into(),
            access_token_secret: "SS".into(),
        };
        assert_eq!(
            string_to_sign(&twitter, "111"),
            "application_id=1&auth_key=29WfrNWdvkhmX6V&keys[secret]=SS&keys[token]=TT&nonce=111&provider=twitter&timestamp=1544010993"
        );
        let guest = Credentials::Guest {
            full_name: Some("Olof Shodger".into()),
        };
        assert_eq!(
            string_to_sign(&guest, "111"),
            "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user[full_name]=Olof Shodger&user[guest]=1"
        );
    }

    #[test]
    fn session_params_of_every_variant() {
        let p = |c: Credentials| c.session_params();
        assert_eq!(p(Credentials::Guest { full_name: None }), [pair("user[guest]", "1")]);
        assert_eq!(
            p(Credentials::CustomIdentityProvider {
                token: "ext-tok".into()
            }),
            [pair("user[login]", "ext-tok"), pair("user[password]", "cidp")]
        );
        assert_eq!(
            p(Credentials::Facebook {
                access_token: "FB".into()
            }),
            [pair("provider", "facebook"), pair("keys[token]", "FB")]
        );
        assert_eq!(
            p(Credentials::FirebasePhone {
                project_id: "p1".into(),
                access_token: "at".into()
            }),
            [
                pair("provider", "firebase_phone"),
                pair("firebase_phone[project_id]", "p1"),
                pair("firebase_phone[access_token]", "at")
            ]
        );
        assert_eq!(
            p(Credentials::FirebaseEmail {
                project_id: "p2".into(),
                access_token: "at2".into()
            }),
            [
                pair("provider", "firebase_email"),
                pair("firebase_email[project_id]", "p2"),
                pair("firebase_email[access_token]", "at2")
            ]
        );
    }

    #[test]
    fn session_body_matches_js6_wire() {
        let mut params = vec![pair("application_id", "77"), pair("auth_key", "AK-x")];
        params.extend(
            Credentials::Guest {
                full_name: Some("G U".into()),
            }
            .session_params(),
        );
        assert_eq!(
            nest_params(&params),
            json!({"application_id":"77","auth_key":"AK-x","user":{"guest":"1","full_name":"G U"}})
        );
        let firebase = Credentials::FirebasePhone {
            project_id: "p1".into(),
            access_token: "at".into(),
        };
        assert_eq!(
            nest_params(&firebase.session_params()),
            json!({"provider":"firebase_phone","firebase_phone":{"project_id":"p1","access_token":"at"}})
        );
    }

    #[test]
    fn login_params_are_top_level() {
        assert_eq!(
            nest_params(&Credentials::login("john", "secret12").login_params()),
            json!({"login":"john","password":"secret12"})
        );
        assert_eq!(
            Credentials::email("a@b.c", "pw").login_params(),
            [pair("email", "a@b.c"), pair("password", "pw")]
        );
        assert_eq!(
            Credentials::CustomIdentityProvider { token: "tok".into() }.login_params(),
            [pair("login", "tok"), pair("password", "cidp")]
        );
        let twitter = Credentials::Twitter {
            access_token: "TT".into(),
            access_token_secret: "SS".into(),
        };
        assert_eq!(
            nest_params(&twitter.login_params()),
            json!({"provider":"twitter","keys":{"token":"TT","secret":"SS"}})
        );
        let guest = Credentials::Guest { full_name: None };
        assert!(guest.login_params().is_empty());
        assert!(!guest.supports_login());
        assert!(twitter.supports_login());
    }

    #[test]
    fn kinds() {
        let all = [
            Credentials::login("a", "b"),
            Credentials::email("a", "b"),
            Credentials::Guest { full_name: None },
            Credentials::CustomIdentityProvider { token: "t".into() },
            Credentials::Facebook {
                access_token: "t".into(),
            },
            Credentials::Twitter {
                access_token: "t".into(),
                access_token_secret: "s".into(),
            },
            Credentials::FirebasePhone {
                project_id: "p".into(),
                access_token: "t".into(),
            },
            Credentials::FirebaseEmail {
                project_id: "p".into(),
                access_token: "t".into(),
            },
        ];
        let kinds: Vec<_> = all.iter().map(Credentials::kind).collect();
        assert_eq!(
            kinds,
            [
                "login",
                "email",
                "guest",
                "cidp",
                "facebook",
                "twitter",
                "firebase_phone",
                "firebase_email"
            ]
        );
    }

    #[test]
    fn debug_redacts_every_secret() {
        let all = [
            Credentials::login("john", "CANARY1"),
            Credentials::email("j@x.io", "CANARY2"),
            Credentials::CustomIdentityProvider {
                token: "CANARY3".into(),
            },
            Credentials::Facebook {
                access_token: "CANARY4".into(),
            },
            Credentials::Twitter {
                access_token: "CANARY5".into(),
                access_token_secret: "CANARY6".into(),
            },
            Credentials::FirebasePhone {
                project_id: "proj".into(),
                access_token: "CANARY7".into(),
            },
            Credentials::FirebaseEmail {
                project_id: "proj".into(),
                access_token: "CANARY8".into(),
            },
        ];
        for c in &all {
            let text = format!("{c:?}");
            assert!(!text.contains("CANARY"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }

    #[test]
    fn nesting_edge_cases() {
        let pairs = [
            pair("tags[]", "a"),
            pair("tags[]", "b"),
            pair("user", "plain"),
            pair("user[login]", "john"),
            pair("odd[", "x"),
            pair("[x]", "y"),
        ];
        assert_eq!(
            nest_params(&pairs),
            json!({"tags":["a","b"],"user":{"login":"john"},"odd[":"x","[x]":"y"})
        );
        assert_eq!(nest_params(&[]), json!({}));
    }
}
