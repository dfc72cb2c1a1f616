//! Pagination (`limit`/`offset`) and sorting (`sort_asc`/`sort_desc`) of the user lists.

use super::field::SearchField;

/// Largest page the server serves.
pub const MAX_PER_PAGE: u32 = 100;

/// 0-based page of a list request: `offset = page * limit()`, `limit = items_per_page` clamped to 1..=100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// 0-based page number.
    pub page: u32,
    /// Page size; clamped to 1..=100 on the wire.
    pub items_per_page: u32,
}

impl Pagination {
    /// Page `page` (0-based) of `items_per_page` items.
    pub fn new(page: u32, items_per_page: u32) -> Self {
        Self { page, items_per_page }
    }

    /// Items to skip: `page * limit()` (the clamped size, so pages never overlap or leave gaps).
    pub fn offset(&self) -> u64 {
        u64::from(self.page) * u64::from(self.limit())
    }

    /// Page size as sent: `items_per_page` clamped to 1..=100.
    pub fn limit(&self) -> u32 {
        self.items_per_page.clamp(1, MAX_PER_PAGE)
    }

    /// v1 lists count pages from 1: `page + 1`.
    pub fn v1_page(&self) -> u64 {
        u64::from(self.page) + 1
    }
}

impl Default for Pagination {
    /// The first page of 100 items (the server's own default for v2).
    fn default() -> Self {
        Self::new(0, MAX_PER_PAGE)
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl Order {
    /// `asc` or `desc`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }
}

/// Sorting of a v2 search: `sort_asc=<field>` or `sort_desc=<field>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sorter {
    /// The field to sort by.
    pub field: SearchField,
    /// The direction.
    pub order: Order,
}

impl Sorter {
    /// Ascending by `field`.
    pub fn asc(field: SearchField) -> Self {
        Self {
            field,
            order: Order::Asc,
        }
    }

    /// Descending by `field`.
    pub fn desc(field: SearchField) -> Self {
        Self {
            field,
            order: Order::Desc,
        }
    }

    /// The query pair, e.g. `("sort_asc", "id")`.
    pub fn query_pair(&self) -> (String, String) {
        let key = match self.order {
            Order::Asc => "sort_asc",
            Order::Desc => "sort_desc",
        };
        (key.to_owned(), self.field.as_str().to_owned())
    }
}
