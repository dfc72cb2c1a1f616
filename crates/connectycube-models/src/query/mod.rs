//! Query types of the user lists, one file per concern:
//! - `paging.rs` — pagination and sorting;
//! - `search.rs` — the typed `GET /users/v2` search: fields, values, operators, its rules;
//! - `filter.rs` — the deprecated v1 `filter[]`/`order` parameters.
//!
//! Every type here produces raw query pairs (keys with literal brackets, unencoded values); the caller
//! percent-encodes them.

mod filter;
mod paging;
mod search;

pub use filter::{FilterOp, FilterType, UserFilter, UserOrder};
pub use paging::{Order, Pagination, Sorter};
pub use search::{SearchError, SearchField, SearchValue, UserSearch};

/// Largest page the server serves.
pub const MAX_PER_PAGE: u32 = 100;
/// The page size the server forces when `start_with` is used.
pub const START_WITH_LIMIT: u32 = 5;
/// Shortest `start_with` argument the server accepts.
pub const START_WITH_MIN_LEN: usize = 4;

#[cfg(test)]
mod tests;
