//! The typed `GET /users/v2` search: its values and operators, the documented rules
//! it is checked against, and its query pairs (both ways).

use time::OffsetDateTime;

use super::field::SearchField;
use super::paging::{MAX_PER_PAGE, Pagination, Sorter};
use crate::date::format_rfc3339;

/// The page size the server forces when `start_with` is used.
pub const START_WITH_LIMIT: u32 = 5;
/// Shortest `start_with` argument the server accepts.
pub const START_WITH_MIN_LEN: usize = 4;

/// A value of a v2 condition.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchValue {
    /// An integer (ids; Unix seconds for dates).
    Int(i64),
    /// Text.
    Text(String),
    /// A date, written as RFC 3339 `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    Date(OffsetDateTime),
}

impl SearchValue {
    /// The raw (unencoded) query value.
    pub fn to_query_value(&self) -> String {
        match self {
            SearchValue::Int(n) => n.to_string(),
            SearchValue::Text(s) => s.clone(),
            SearchValue::Date(d) => format_rfc3339(*d),
        }
    }
}

impl From<i64> for SearchValue {
    fn from(v: i64) -> Self {
        SearchValue::Int(v)
    }
}

impl From<u64> for SearchValue {
    /// Values past `i64::MAX` keep their decimal text.
    fn from(v: u64) -> Self {
        i64::try_from(v).map_or_else(|_| SearchValue::Text(v.to_string()), SearchValue::Int)
    }
}

impl From<i32> for SearchValue {
    fn from(v: i32) -> Self {
        SearchValue::Int(i64::from(v))
    }
}

impl From<u32> for SearchValue {
    fn from(v: u32) -> Self {
        SearchValue::Int(i64::from(v))
    }
}

impl From<&str> for SearchValue {
    fn from(v: &str) -> Self {
        SearchValue::Text(v.to_owned())
    }
}

impl From<String> for SearchValue {
    fn from(v: String) -> Self {
        SearchValue::Text(v)
    }
}

impl From<&String> for SearchValue {
    fn from(v: &String) -> Self {
        SearchValue::Text(v.clone())
    }
}

impl From<OffsetDateTime> for SearchValue {
    fn from(v: OffsetDateTime) -> Self {
        SearchValue::Date(v)
    }
}

/// Why a search or filter was rejected before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid user search: {0}")]
pub struct SearchError(pub String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    In,
    Nin,
    StartWith,
    Gt,
    Lt,
    Gte,
    Lte,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::In => "in",
            Op::Nin => "nin",
            Op::StartWith => "start_with",
            Op::Gt => "gt",
            Op::Lt => "lt",
            Op::Gte => "gte",
            Op::Lte => "lte",
        }
    }

    fn is_primary(self) -> bool {
        matches!(self, Op::Eq | Op::In | Op::StartWith)
    }

    fn is_compare(self) -> bool {
        matches!(self, Op::Gt | Op::Lt | Op::Gte | Op::Lte)
    }

    fn is_list(self) -> bool {
        matches!(self, Op::In | Op::Nin)
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Condition {
    field: SearchField,
    op: Op,
    values: Vec<SearchValue>,
}

/// A typed `GET /users/v2` search, built with chained calls.
///
/// [`UserSearch::validate`] enforces the documented rules before a request is sent: at least one
/// stand-alone field (`id`, `login`, `email`, `full_name`, `phone`, `external_id`, `facebook_id`,
/// `twitter_id`, `user_tags`) with a primary operator (`eq`, `in`, `start_with`); stand-alone fields take no
/// `gt`/`lt`/`gte`/`lte`; dates only `eq` and the compare operators; `user_tags` only `eq`/`in`/`nin`;
/// `start_with` only on string fields, with an argument of at least 4 characters, and it forces `limit=5`;
/// `in`/`nin` need at least one value. It also rejects a non-integer `id` value, a date value on a
/// non-date field, and the same field/operator twice (the second would silently override the first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserSearch {
    conditions: Vec<Condition>,
    pagination: Option<Pagination>,
    sorter: Option<Sorter>,
}

impl UserSearch {
    /// An empty search (invalid until a primary condition is added).
    pub fn new() -> Self {
        Self::default()
    }

    fn push(mut self, field: SearchField, op: Op, values: Vec<SearchValue>) -> Self {
        self.conditions.push(Condition { field, op, values });
        self
    }

    /// `field=value`.
    #[must_use]
    pub fn eq(self, field: SearchField, value: impl Into<SearchValue>) -> Self {
        self.push(field, Op::Eq, vec![value.into()])
    }

    /// `field[in][]=a&field[in][]=b`.
    #[must_use]
    pub fn is_in(self, field: SearchField, values: impl IntoIterator<Item = impl Into<SearchValue>>) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.push(field, Op::In, values)
    }

    /// `field[nin][]=a&field[nin][]=b` (exclude).
    #[must_use]
    pub fn not_in(self, field: SearchField, values: impl IntoIterator<Item = impl Into<SearchValue>>) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.push(field, Op::Nin, values)
    }

    /// `field[start_with]=prefix` (string fields; at least 4 characters; forces 5 results per page).
    #[must_use]
    pub fn start_with(self, field: SearchField, prefix: impl Into<String>) -> Self {
        self.push(field, Op::StartWith, vec![SearchValue::Text(prefix.into())])
    }

    /// `field[gt]=value` (dates only).
    #[must_use]
    pub fn gt(self, field: SearchField, value: impl Into<SearchValue>) -> Self {
        self.push(field, Op::Gt, vec![value.into()])
    }

    /// `field[lt]=value` (dates only).
    #[must_use]
    pub fn lt(self, field: SearchField, value: impl Into<SearchValue>) -> Self {
        self.push(field, Op::Lt, vec![value.into()])
    }

    /// `field[gte]=value` (dates only).
    #[must_use]
    pub fn gte(self, field: SearchField, value: impl Into<SearchValue>) -> Self {
        self.push(field, Op::Gte, vec![value.into()])
    }

    /// `field[lte]=value` (dates only).
    #[must_use]
    pub fn lte(self, field: SearchField, value: impl Into<SearchValue>) -> Self {
        self.push(field, Op::Lte, vec![value.into()])
    }

    /// Sets `limit`/`offset`.
    #[must_use]
    pub fn paginate(mut self, pagination: Pagination) -> Self {
        self.pagination = Some(pagination);
        self
    }

    /// Sets `sort_asc`/`sort_desc`.
    #[must_use]
    pub fn sort(mut self, sorter: Sorter) -> Self {
        self.sorter = Some(sorter);
        self
    }

    /// The pagination, if set.
    pub fn pagination(&self) -> Option<Pagination> {
        self.pagination
    }

    /// The sorter, if set.
    pub fn sorter(&self) -> Option<&Sorter> {
        self.sorter.as_ref()
    }

    /// `true` when a `start_with` condition is present (the server then serves 5 items per page).
    pub fn uses_start_with(&self) -> bool {
        self.conditions.iter().any(|c| c.op == Op::StartWith)
    }

    /// The page size the server will use: 5 with `start_with`, else the pagination's limit, else 100.
    pub fn effective_limit(&self) -> u32 {
        if self.uses_start_with() {
            START_WITH_LIMIT
        } else {
            self.pagination.map_or(MAX_PER_PAGE, |p| p.limit())
        }
    }

    /// Checks the documented rules (see the type's docs).
    pub fn validate(&self) -> Result<(), SearchError> {
        let err = |msg: String| Err(SearchError(msg));
        for (i, c) in self.conditions.iter().enumerate() {
            let (field, op) = (c.field.as_str(), c.op.as_str());
            if self.conditions[..i].iter().any(|o| o.field == c.field && o.op == c.op) {
                return err(format!("'{field}[{op}]' is given twice"));
            }
            let allowed = if c.field == SearchField::UserTags {
                matches!(c.op, Op::Eq | Op::In | Op::Nin)
            } else if c.field.is_date() {
                c.op == Op::Eq || c.op.is_compare()
            } else {
                !c.op.is_compare() && (c.op != Op::StartWith || c.field.is_string())
            };
            if !allowed {
                return err(format!("operator '{op}' is not allowed for field '{field}'"));
            }
            if c.values.is_empty() {
                return err(format!("'{field}[{op}]' needs at least one value"));
            }
            if !c.op.is_list() && c.values.len() != 1 {
                return err(format!("'{field}[{op}]' takes exactly one value"));
            }
            for value in &c.values {
                match (c.field, value) {
                    (SearchField::Id, SearchValue::Text(t)) if t.trim().parse::<i64>().is_err() => {
                        return err(format!("'id' values must be integers, got '{t}'"));
                    }
                    (f, SearchValue::Date(_)) if !f.is_date() => {
                        return err(format!("a date value is not allowed for field '{field}'"));
                    }
                    _ => {}
                }
            }
            if c.op == Op::StartWith {
                let len = c.values.first().map_or(0, |v| v.to_query_value().chars().count());
                if len < START_WITH_MIN_LEN {
                    return err(format!(
                        "the argument of '{field}[start_with]' must be at least {START_WITH_MIN_LEN} characters long"
                    ));
                }
            }
        }
        if !self
            .conditions
            .iter()
            .any(|c| c.field.is_stand_alone() && c.op.is_primary())
        {
            return err(
                "the query needs at least one stand-alone field (id, login, email, full_name, phone, external_id, \
                 facebook_id, twitter_id, user_tags) with a primary operator (eq, in, start_with)"
                    .to_owned(),
            );
        }
        Ok(())
    }

    /// Query pairs, keys with literal brackets, values raw (caller percent-encodes):
    /// A search from loose query parameters, as the KMP and JS SDKs take them (`login`,
    /// `id[in]` with several values or a comma list, `full_name[start_with]`, `updated_at[gt]`,
    /// `limit`, `offset`, `sort_asc`/`sort_desc`). Unknown fields or operators are an error;
    /// the documented rules are checked later by [`UserSearch::validate`].
    pub fn from_query_pairs(pairs: &[(String, String)]) -> Result<Self, SearchError> {
        let mut search = Self::new();
        let (mut limit, mut offset) = (None, None);
        let mut grouped: Vec<(SearchField, Op, Vec<String>)> = Vec::new();
        for (key, value) in pairs {
            let number = |name: &str| {
                value
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| SearchError(format!("{name} must be a non-negative integer")))
            };
            match key.as_str() {
                "limit" => limit = Some(number("limit")?),
                "offset" => offset = Some(number("offset")?),
                "sort_asc" | "sort_desc" => {
                    let field = SearchField::parse(value.trim())
                        .ok_or_else(|| SearchError(format!("unknown sort field '{value}'")))?;
                    search.sorter = Some(if key == "sort_asc" {
                        Sorter::asc(field)
                    } else {
                        Sorter::desc(field)
                    });
                }
                _ => {
                    let (name, rest) = key.split_once('[').map_or((key.as_str(), ""), |(n, r)| (n, r));
                    let op_name = rest.split(']').next().unwrap_or("");
                    let field = SearchField::parse(name)
                        .ok_or_else(|| SearchError(format!("unknown search field '{name}'")))?;
                    let op = match op_name {
                        "" | "eq" => Op::Eq,
                        "in" => Op::In,
                        "nin" => Op::Nin,
                        "start_with" => Op::StartWith,
                        "gt" => Op::Gt,
                        "lt" => Op::Lt,
                        "gte" => Op::Gte,
                        "lte" => Op::Lte,
                        other => return Err(SearchError(format!("unknown operator '{other}' for '{name}'"))),
                    };
                    let values: Vec<String> = if op.is_list() {
                        value
                            .split(',')
                            .map(|v| v.trim().to_owned())
                            .filter(|v| !v.is_empty())
                            .collect()
                    } else {
                        vec![value.clone()]
                    };
                    match grouped.iter_mut().find(|(f, o, _)| *f == field && *o == op) {
                        Some((_, _, existing)) => existing.extend(values),
                        None => grouped.push((field, op, values)),
                    }
                }
            }
        }
        for (field, op, values) in grouped {
            // A plain field given several values (`id=1&id=2`) means `in`.
            let op = if op == Op::Eq && values.len() > 1 { Op::In } else { op };
            let typed = values
                .into_iter()
                .map(|v| match (field, v.trim().parse::<i64>()) {
                    (SearchField::Id, Ok(n)) => SearchValue::Int(n),
                    _ => SearchValue::Text(v),
                })
                .collect();
            search = search.push(field, op, typed);
        }
        if let Some(limit) = limit {
            let limit = limit.clamp(1, MAX_PER_PAGE);
            search.pagination = Some(Pagination::new(offset.unwrap_or(0) / limit, limit));
        }
        Ok(search)
    }

    /// `("id","5")`, `("id[in][]","1"),("id[in][]","2")`, `("user_tags[nin][]","vip")`,
    /// `("full_name[start_with]","hunter")`, `("updated_at[gt]","2019-11-06T09:21:41Z")`, `("limit","10")`,
    /// `("offset","50")`, `("sort_desc","id")`.
    ///
    /// Conditions come in the order they were added, then `limit`/`offset` (when pagination is set, or
    /// `limit=5` alone for `start_with`), then the sort pair. With `start_with` the limit is 5 and the
    /// offset is `page * 5`, so [`Pagination::page`] keeps counting pages of what the server really serves.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for c in &self.conditions {
            let field = c.field.as_str();
            let key = match c.op {
                Op::Eq => field.to_owned(),
                Op::In | Op::Nin => format!("{field}[{}][]", c.op.as_str()),
                op => format!("{field}[{}]", op.as_str()),
            };
            for value in &c.values {
                pairs.push((key.clone(), value.to_query_value()));
            }
        }
        let limit = self.effective_limit();
        match self.pagination {
            Some(p) => {
                pairs.push(("limit".to_owned(), limit.to_string()));
                let offset = u64::from(p.page) * u64::from(limit);
                pairs.push(("offset".to_owned(), offset.to_string()));
            }
            None if self.uses_start_with() => pairs.push(("limit".to_owned(), limit.to_string())),
            None => {}
        }
        if let Some(sorter) = &self.sorter {
            pairs.push(sorter.query_pair());
        }
        pairs
    }
}
