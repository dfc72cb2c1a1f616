//! [`Page`]: one page of results, the single page type of the SDK (its decoders are in
//! `decode.rs`).

/// One page of results; the single page type of the SDK (v1 and v2 envelopes both decode into it).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Matches in total, over all pages.
    pub total_entries: u64,
    /// Items before this page.
    pub skip: u64,
    /// Page size the server used.
    pub limit: u64,
}

impl<T> Page<T> {
    /// 0-based page number: `skip / limit` (0 when `limit` is 0).
    pub fn page(&self) -> u64 {
        self.skip.checked_div(self.limit).unwrap_or(0)
    }

    /// `true` when more matches follow this page.
    pub fn has_more(&self) -> bool {
        self.skip.saturating_add(self.items.len() as u64) < self.total_entries
    }

    /// Applies `f` to every item, keeping the counters.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total_entries: self.total_entries,
            skip: self.skip,
            limit: self.limit,
        }
    }
}
