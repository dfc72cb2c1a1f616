//! Serde models and query types of the ConnectyCube REST API (sessions, users, avatar storage).
//!
//! Pure data: no I/O, no async, no HTTP crate. The transport sends what these types produce
//! (`to_body`, `query_pairs`, `session_params`) and hands response bodies to the `decode_*` functions
//! and [`ErrorBody::parse`]. Decoding is tolerant of the server's variations (numbers as strings,
//! `user_tags` as a string or an array, `user_id: 0`), and no function here panics on any input.
//!
//! Secrets (passwords, tokens) are [`Secret`]s, so every derived `Debug` in this crate is safe to log.
//!
//! ```
//! use connectycube_models::{decode_users_v2, Pagination, SearchField, Sorter, UserSearch};
//!
//! let search = UserSearch::new()
//!     .is_in(SearchField::Id, [51941, 51946])
//!     .paginate(Pagination::new(0, 10))
//!     .sort(Sorter::desc(SearchField::Id));
//! search.validate()?;
//! assert_eq!(search.query_pairs()[0], ("id[in][]".to_owned(), "51941".to_owned()));
//!
//! let page = decode_users_v2(br#"{"limit":10,"skip":0,"total_entries":1,"items":[{"id":51941,"user_tags":"vip"}]}"#)?;
//! assert_eq!(page.items[0].tags, ["vip"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod blob;
mod credentials;
pub mod date;
mod decode;
mod error_body;
mod lenient;
mod page;
mod query;
mod secret;
mod session;
mod user;

pub use blob::{Blob, BlobObjectAccess, UploadForm, complete_blob_body, new_blob_body};
pub use credentials::{CIDP_PASSWORD, Credentials, nest_params};
pub use decode::{
    decode_blob, decode_count, decode_online_users, decode_session, decode_user, decode_users_v1, decode_users_v2,
};
pub use error_body::{ErrorBody, INVALID_TIMESTAMP, NEED_USER, SESSION_MISSING};
pub use page::Page;
pub use query::{
    FilterOp, FilterType, MAX_PER_PAGE, Order, Pagination, START_WITH_LIMIT, START_WITH_MIN_LEN, SearchError,
    SearchField, SearchValue, Sorter, UserFilter, UserOrder, UserSearch,
};
pub use secret::{REDACTED, Secret};
pub use session::Session;
pub use user::{LOGIN_LEN, NewUser, PASSWORD_MIN_LEN, User, UserFields, UserUpdate, ValidationError};

/// Re-exported so callers name the same `OffsetDateTime` as the models.
pub use time::OffsetDateTime;
