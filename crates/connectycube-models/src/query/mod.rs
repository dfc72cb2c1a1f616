//! Query types of the user lists, one file per concern:
//! - `field.rs` — the fields a v2 search or sort names;
//! - `paging.rs` — pagination and sorting;
//! - `search.rs` — the typed `GET /users/v2` search: values, operators, its rules;
//! - `filter.rs` — the deprecated v1 `filter[]`/`order` parameters.
//!
//! Every type here produces raw query pairs (keys with literal brackets, unencoded values); the caller
//! percent-encodes them.

mod field;
mod filter;
mod paging;
mod search;

pub use field::SearchField;
pub use filter::{FilterOp, FilterType, UserFilter, UserOrder};
pub use paging::{MAX_PER_PAGE, Order, Pagination, Sorter};
pub use search::{START_WITH_LIMIT, START_WITH_MIN_LEN, SearchError, SearchValue, UserSearch};

#[cfg(test)]
mod tests;
