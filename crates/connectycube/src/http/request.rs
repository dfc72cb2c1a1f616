//! An API call before it meets the network: where it goes, what it carries, what
//! credential it needs and whether it may be repeated.

use connectycube_transport::{Method, MultipartBody};

/// What a call needs of the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// Any live session (reads).
    Any,
    /// A user session (writes, the caller's own profile).
    User,
}

/// Which credential a call carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Nothing (`POST /session`, the storage upload form).
    None,
    /// The session token if one is live, else `CB-AuthKey` — no session is created for it
    /// (sign-up works without one).
    SessionOrAuthKey,
    /// A live session, created or renewed on demand.
    Session(Need),
    /// The session in use and nothing else: calls that end a session must not create one
    /// to end. No live session, or a 401 for it, is `SessionExpired`.
    CurrentOnly,
}

/// Whether repeating the call after it may have reached the server is harmless.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Reads, updates to a given state, deletes, `POST /session`.
    Safe,
    /// Sign-up, password reset (sends an email), blob creation: retried only when the
    /// request provably never left.
    OnlyIfNotSent,
}

#[derive(Clone)]
pub(crate) enum Body {
    Empty,
    Json(serde_json::Value),
    /// `POST /session` parameters, flattened (`user[login]`); signed anew for every attempt
    /// when an auth secret is configured, then sent as nested JSON.
    SessionParams(Vec<(String, String)>),
    Multipart(MultipartBody),
}

/// Where a request goes.
#[derive(Clone)]
pub(crate) enum Target {
    /// A path under the API endpoint (`/users/v2`), sent with the ConnectyCube headers.
    Api(String),
    /// An absolute URL the server handed out (the upload form's file host), sent without
    /// them; checked before it gets here (`api/storage.rs`).
    External(url::Url),
}

/// A path under the API with the route it belongs to: `/users/7` is `/users/{id}`. The
/// route is what request observers are told, so it never holds an id, token or query value;
/// a path with a variable part is written with [`api_path!`], which makes both from one
/// template so they cannot disagree.
pub(crate) struct ApiPath {
    pub route: &'static str,
    pub path: String,
}

/// A fixed path is its own route.
impl From<&'static str> for ApiPath {
    fn from(path: &'static str) -> Self {
        Self {
            route: path,
            path: path.to_owned(),
        }
    }
}

/// `api_path!("/users/{id}", id = me)`: the path `/users/7`, of the route `/users/{id}`.
macro_rules! api_path {
    ($template:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::http::request::ApiPath {
            route: $template,
            path: format!($template, $($name = $value),+),
        }
    };
}
pub(crate) use api_path;

/// The route of an upload to the storage address the server handed out (outside the API).
pub(crate) const UPLOAD_ROUTE: &str = "{upload_url}";

#[derive(Clone)]
pub(crate) struct ApiRequest {
    pub method: Method,
    pub target: Target,
    /// The route template (`/users/{id}`), for request observers.
    pub route: &'static str,
    pub query: Vec<(String, String)>,
    pub body: Body,
    pub auth: Auth,
    pub repeat: Repeat,
    /// The handle renewed the session before building the request (to learn the user's
    /// id): request observers count it as this call's renewal.
    pub renewed_first: bool,
}

impl ApiRequest {
    pub fn new(method: Method, path: impl Into<ApiPath>, auth: Auth) -> Self {
        let path = path.into();
        let repeat = if method == Method::POST {
            Repeat::OnlyIfNotSent
        } else {
            Repeat::Safe
        };
        Self {
            method,
            target: Target::Api(path.path),
            route: path.route,
            query: Vec::new(),
            body: Body::Empty,
            auth,
            repeat,
            renewed_first: false,
        }
    }

    /// A request to a URL outside the API, with no credential.
    pub fn external(method: Method, url: url::Url) -> Self {
        let mut request = Self::new(method, "", Auth::None);
        request.target = Target::External(url);
        request.route = UPLOAD_ROUTE;
        request
    }

    pub fn get(path: impl Into<ApiPath>, need: Need) -> Self {
        Self::new(Method::GET, path, Auth::Session(need))
    }

    pub fn query(mut self, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        self.query.extend(pairs);
        self
    }

    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    pub fn renewed_first(mut self, renewed: bool) -> Self {
        self.renewed_first = renewed;
        self
    }

    pub fn repeat(mut self, repeat: Repeat) -> Self {
        self.repeat = repeat;
        self
    }
}
