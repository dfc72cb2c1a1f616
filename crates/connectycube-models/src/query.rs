//! Query types of the user lists: pagination, sorting, the typed `GET /users/v2` search and the
//! deprecated v1 `filter[]`/`order` parameters.
//!
//! Every type here produces raw query pairs (keys with literal brackets, unencoded values); the caller
//! percent-encodes them.

use time::OffsetDateTime;

use crate::date::format_rfc3339;

/// Largest page the server serves.
pub const MAX_PER_PAGE: u32 = 100;
/// The page size the server forces when `start_with` is used.
pub const START_WITH_LIMIT: u32 = 5;
/// Shortest `start_with` argument the server accepts.
pub const START_WITH_MIN_LEN: usize = 4;

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

/// Fields of `GET /users/v2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchField {
    /// `id` (integer, stand-alone).
    Id,
    /// `login` (string, stand-alone).
    Login,
    /// `email` (string, stand-alone).
    Email,
    /// `full_name` (string, stand-alone).
    FullName,
    /// `phone` (string, stand-alone).
    Phone,
    /// `external_id` (string, stand-alone).
    ExternalId,
    /// `facebook_id` (string, stand-alone).
    FacebookId,
    /// `twitter_id` (string, stand-alone).
    TwitterId,
    /// `user_tags` (tags; stand-alone and additional).
    UserTags,
    /// `last_request_at` (date, additional only).
    LastRequestAt,
    /// `created_at` (date, additional only).
    CreatedAt,
    /// `updated_at` (date, additional only).
    UpdatedAt,
}

impl SearchField {
    /// Every field, in documentation order.
    pub const ALL: [SearchField; 12] = [
        SearchField::Id,
        SearchField::Login,
        SearchField::Email,
        SearchField::FullName,
        SearchField::Phone,
        SearchField::ExternalId,
        SearchField::FacebookId,
        SearchField::TwitterId,
        SearchField::UserTags,
        SearchField::LastRequestAt,
        SearchField::CreatedAt,
        SearchField::UpdatedAt,
    ];

    /// The wire name (`full_name`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            SearchField::Id => "id",
            SearchField::Login => "login",
            SearchField::Email => "email",
            SearchField::FullName => "full_name",
            SearchField::Phone => "phone",
            SearchField::ExternalId => "external_id",
            SearchField::FacebookId => "facebook_id",
            SearchField::TwitterId => "twitter_id",
            SearchField::UserTags => "user_tags",
            SearchField::LastRequestAt => "last_request_at",
            SearchField::CreatedAt => "created_at",
            SearchField::UpdatedAt => "updated_at",
        }
    }

    /// The field with this wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// A date field (`last_request_at`, `created_at`, `updated_at`): additional conditions only.
    pub fn is_date(&self) -> bool {
        matches!(
            self,
            SearchField::LastRequestAt | SearchField::CreatedAt | SearchField::UpdatedAt
        )
    }

    /// A field that can carry a search alone (everything but the dates; `user_tags` included).
    pub fn is_stand_alone(&self) -> bool {
        !self.is_date()
    }

    /// A string field (the ones `start_with` works on).
    pub fn is_string(&self) -> bool {
        !self.is_date() && !matches!(self, SearchField::Id | SearchField::UserTags)
    }
}

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

/// Value type of a deprecated v1 `filter[]` (`number`, `string`, `date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterType {
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `date` (`yyyy-mm-dd` or `yyyy.mm.dd`).
    Date,
}

impl FilterType {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            FilterType::Number => "number",
            FilterType::String => "string",
            FilterType::Date => "date",
        }
    }
}

/// Operator of a v1 `filter[]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterOp {
    /// `gt`.
    Gt,
    /// `lt`.
    Lt,
    /// `ge`.
    Ge,
    /// `le`.
    Le,
    /// `eq`.
    Eq,
    /// `ne`.
    Ne,
    /// `between` (two comma-separated values).
    Between,
    /// `in` (comma-separated values).
    In,
}

impl FilterOp {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            FilterOp::Gt => "gt",
            FilterOp::Lt => "lt",
            FilterOp::Ge => "ge",
            FilterOp::Le => "le",
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Between => "between",
            FilterOp::In => "in",
        }
    }
}

/// Deprecated v1 list filter: `filter[]=<type> <field> <op> <value>`.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFilter {
    /// How the server compares the values.
    pub field_type: FilterType,
    /// The user field (anything but `custom_data`).
    pub field: String,
    /// The operator.
    pub op: FilterOp,
    /// One value, two for `between`, one or more for `in`.
    pub values: Vec<String>,
}

impl UserFilter {
    /// A filter; check it with [`UserFilter::validate`].
    pub fn new(
        field_type: FilterType,
        field: impl Into<String>,
        op: FilterOp,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            field_type,
            field: field.into(),
            op,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// Rejects what the server would: an empty field or one with spaces, `custom_data` (not searchable),
    /// the wrong number of values (`between` 2, `in` at least 1, others exactly 1), commas inside the
    /// values of `between`/`in`, and `number` values that are not numbers.
    pub fn validate(&self) -> Result<(), SearchError> {
        let err = |msg: String| Err(SearchError(msg));
        let field = self.field.trim();
        if field.is_empty() || field.chars().any(char::is_whitespace) {
            return err(format!("invalid filter field '{}'", self.field));
        }
        if field.eq_ignore_ascii_case("custom_data") {
            return err("custom_data cannot be filtered".to_owned());
        }
        let n = self.values.len();
        let count_ok = match self.op {
            FilterOp::Between => n == 2,
            FilterOp::In => n >= 1,
            _ => n == 1,
        };
        if !count_ok {
            return err(format!("'{}' cannot take {n} value(s)", self.op.as_str()));
        }
        let multi = matches!(self.op, FilterOp::Between | FilterOp::In);
        for value in &self.values {
            if value.trim().is_empty() && self.field_type != FilterType::String {
                return err(format!("empty {} value", self.field_type.as_str()));
            }
            if multi && value.contains(',') {
                return err(format!("'{value}' contains a comma, which separates values"));
            }
            if self.field_type == FilterType::Number && !value.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                return err(format!("'{value}' is not a number"));
            }
        }
        Ok(())
    }

    /// The `filter[]` value, e.g. `number id in 51941,51946`.
    pub fn to_query_value(&self) -> String {
        format!(
            "{} {} {} {}",
            self.field_type.as_str(),
            self.field.trim(),
            self.op.as_str(),
            self.values.join(",")
        )
    }
}

/// Deprecated v1 list order: `order=<asc|desc> <type> <field>`.
#[derive(Clone, Debug, PartialEq)]
pub struct UserOrder {
    /// The direction.
    pub order: Order,
    /// How the server compares the field.
    pub field_type: FilterType,
    /// The user field.
    pub field: String,
}

impl UserOrder {
    /// An order by `field`.
    pub fn new(order: Order, field_type: FilterType, field: impl Into<String>) -> Self {
        Self {
            order,
            field_type,
            field: field.into(),
        }
    }

    /// The `order` value, e.g. `desc string full_name`.
    pub fn to_query_value(&self) -> String {
        format!(
            "{} {} {}",
            self.order.as_str(),
            self.field_type.as_str(),
            self.field.trim()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SearchField::*;
    use time::macros::datetime;

    fn pairs(search: &UserSearch) -> Vec<(String, String)> {
        search.query_pairs()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn pagination() {
        let page = Pagination::new(5, 10);
        assert_eq!((page.offset(), page.limit(), page.v1_page()), (50, 10, 6));
        assert_eq!(Pagination::new(2, 0).limit(), 1);
        assert_eq!(Pagination::new(2, 0).offset(), 2);
        assert_eq!(Pagination::new(1, 1000).limit(), 100);
        assert_eq!(Pagination::new(1, 1000).offset(), 100);
        assert_eq!(Pagination::new(u32::MAX, u32::MAX).offset(), u64::from(u32::MAX) * 100);
        assert_eq!(Pagination::default(), Pagination::new(0, 100));
    }

    #[test]
    fn sorter_and_fields() {
        assert_eq!(Sorter::asc(Id).query_pair(), p("sort_asc", "id"));
        assert_eq!(
            Sorter::desc(LastRequestAt).query_pair(),
            p("sort_desc", "last_request_at")
        );
        for f in SearchField::ALL {
            assert_eq!(SearchField::parse(f.as_str()), Some(f));
        }
        assert_eq!(SearchField::parse("custom_data"), None);
        assert_eq!(SearchField::parse("ID"), None);
        assert!(FullName.is_string() && !Id.is_string() && !UserTags.is_string() && !CreatedAt.is_string());
        assert!(UserTags.is_stand_alone() && !UpdatedAt.is_stand_alone());
    }

    #[test]
    fn documented_valid_examples() {
        let date = datetime!(2018-12-06 09:21:41 UTC);
        let cases: Vec<(UserSearch, Vec<(String, String)>)> = vec![
            (UserSearch::new().eq(Id, 51946), vec![p("id", "51946")]),
            (
                UserSearch::new().is_in(Id, [51941, 51946]).gt(LastRequestAt, date),
                vec![
                    p("id[in][]", "51941"),
                    p("id[in][]", "51946"),
                    p("last_request_at[gt]", "2018-12-06T09:21:41Z"),
                ],
            ),
            (UserSearch::new().eq(UserTags, "guest"), vec![p("user_tags", "guest")]),
            (
                UserSearch::new().eq(UserTags, "guest").lt(CreatedAt, 1690886495),
                vec![p("user_tags", "guest"), p("created_at[lt]", "1690886495")],
            ),
            (
                UserSearch::new()
                    .eq(Login, "smith1")
                    .eq(Phone, "+6110797757")
                    .not_in(UserTags, ["vip"])
                    .lte(UpdatedAt, datetime!(2019-11-06 09:21:41 UTC)),
                vec![
                    p("login", "smith1"),
                    p("phone", "+6110797757"),
                    p("user_tags[nin][]", "vip"),
                    p("updated_at[lte]", "2019-11-06T09:21:41Z"),
                ],
            ),
            (
                UserSearch::new().eq(Phone, "+6110797757").eq(LastRequestAt, date),
                vec![p("phone", "+6110797757"), p("last_request_at", "2018-12-06T09:21:41Z")],
            ),
            (
                UserSearch::new().start_with(FullName, "hunter").not_in(Id, [68647]),
                vec![
                    p("full_name[start_with]", "hunter"),
                    p("id[nin][]", "68647"),
                    p("limit", "5"),
                ],
            ),
            (
                UserSearch::new()
                    .gte(UpdatedAt, "2019-11-06T09:21:41Z")
                    .is_in(Email, ["a@b.c"]),
                vec![p("updated_at[gte]", "2019-11-06T09:21:41Z"), p("email[in][]", "a@b.c")],
            ),
        ];
        for (search, want) in cases {
            assert_eq!(search.validate(), Ok(()), "{search:?}");
            assert_eq!(pairs(&search), want);
        }
    }

    #[test]
    fn documented_invalid_examples() {
        let date = datetime!(2018-12-06 09:21:41 UTC);
        let cases = [
            UserSearch::new().not_in(Login, ["admin19"]),
            UserSearch::new().not_in(UserTags, ["guest"]),
            UserSearch::new().eq(LastRequestAt, date),
            UserSearch::new().gte(CreatedAt, date),
            UserSearch::new().start_with(Login, "vip"),
            UserSearch::new(),
        ];
        for search in cases {
            assert!(search.validate().is_err(), "{search:?}");
        }
    }

    #[test]
    fn operator_rules() {
        let bad = [
            UserSearch::new().eq(Id, 1).gt(Id, 5),
            UserSearch::new().eq(Id, 1).lte(Login, "x"),
            UserSearch::new().eq(Id, 1).is_in(CreatedAt, [1]),
            UserSearch::new().eq(Id, 1).not_in(UpdatedAt, [1]),
            UserSearch::new().eq(Id, 1).start_with(CreatedAt, "2019-"),
            UserSearch::new().start_with(UserTags, "guest"),
            UserSearch::new().start_with(Id, "12345"),
            UserSearch::new().eq(UserTags, "a").gt(UserTags, "b"),
            UserSearch::new().is_in(Id, Vec::<i64>::new()),
            UserSearch::new().eq(Id, 1).not_in(Login, Vec::<String>::new()),
            UserSearch::new().eq(Id, "abc"),
            UserSearch::new().eq(Login, datetime!(2019-11-06 09:21:41 UTC)),
            UserSearch::new().eq(Id, 1).eq(Id, 2),
            UserSearch::new().start_with(FullName, "héé"),
        ];
        for search in bad {
            let e = search.validate().unwrap_err();
            assert!(e.to_string().starts_with("invalid user search: "), "{e}");
        }
        let good = [
            UserSearch::new().eq(Id, "42"),
            UserSearch::new().start_with(FullName, "héér"),
            UserSearch::new().eq(Id, 1).is_in(Id, [2, 3]),
            UserSearch::new()
                .is_in(UserTags, ["a", "b"])
                .gt(CreatedAt, 1)
                .lt(CreatedAt, 2),
            UserSearch::new()
                .eq(FacebookId, 91234409u64)
                .eq(TwitterId, "83510562734"),
            UserSearch::new().eq(ExternalId, "a014ef63"),
        ];
        for search in good {
            assert_eq!(search.validate(), Ok(()), "{search:?}");
        }
    }

    #[test]
    fn pagination_and_sort_pairs() {
        let search = UserSearch::new()
            .is_in(Id, [51946u64, 51941u64])
            .paginate(Pagination::new(5, 10))
            .sort(Sorter::desc(Id));
        assert_eq!(
            pairs(&search),
            vec![
                p("id[in][]", "51946"),
                p("id[in][]", "51941"),
                p("limit", "10"),
                p("offset", "50"),
                p("sort_desc", "id"),
            ]
        );
        assert_eq!(search.effective_limit(), 10);
        assert_eq!(search.pagination(), Some(Pagination::new(5, 10)));
        assert_eq!(search.sorter(), Some(&Sorter::desc(Id)));
    }

    #[test]
    fn start_with_forces_limit_five() {
        let search = UserSearch::new()
            .start_with(FullName, "dive r")
            .paginate(Pagination::new(3, 50));
        assert!(search.uses_start_with());
        assert_eq!(search.effective_limit(), 5);
        assert_eq!(
            pairs(&search),
            vec![p("full_name[start_with]", "dive r"), p("limit", "5"), p("offset", "15")]
        );
        assert_eq!(UserSearch::new().eq(Id, 1).effective_limit(), 100);
    }

    #[test]
    fn search_values() {
        assert_eq!(SearchValue::from(u64::MAX), SearchValue::Text(u64::MAX.to_string()));
        assert_eq!(SearchValue::from(7u64), SearchValue::Int(7));
        assert_eq!(SearchValue::from(7u32), SearchValue::Int(7));
        assert_eq!(SearchValue::from(-7i32), SearchValue::Int(-7));
        assert_eq!(SearchValue::from(String::from("x")), SearchValue::Text("x".into()));
        assert_eq!(
            SearchValue::from(datetime!(2019-11-06 11:21:41.250 +02:00)).to_query_value(),
            "2019-11-06T09:21:41Z"
        );
    }

    #[test]
    fn v1_filters() {
        let f = UserFilter::new(FilterType::Number, "id", FilterOp::In, ["51941", "51946"]);
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.to_query_value(), "number id in 51941,51946");
        let f = UserFilter::new(
            FilterType::Date,
            "created_at",
            FilterOp::Between,
            ["2018-01-01", "2018.12.31"],
        );
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.to_query_value(), "date created_at between 2018-01-01,2018.12.31");
        let f = UserFilter::new(FilterType::String, "login", FilterOp::Eq, ["john doe"]);
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.to_query_value(), "string login eq john doe");
        assert_eq!(
            UserFilter::new(FilterType::Number, "id", FilterOp::Gt, ["1.5"]).validate(),
            Ok(())
        );

        let bad = [
            UserFilter::new(FilterType::String, "custom_data", FilterOp::Eq, ["000001"]),
            UserFilter::new(FilterType::String, "", FilterOp::Eq, ["x"]),
            UserFilter::new(FilterType::String, "full name", FilterOp::Eq, ["x"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Between, ["1"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Between, ["1", "2", "3"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::In, Vec::<String>::new()),
            UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["1", "2"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["abc"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["NaN"]),
            UserFilter::new(FilterType::String, "login", FilterOp::In, ["a,b"]),
            UserFilter::new(FilterType::Date, "created_at", FilterOp::Gt, [" "]),
        ];
        for f in bad {
            assert!(f.validate().is_err(), "{f:?}");
        }
    }

    #[test]
    fn v1_order() {
        assert_eq!(
            UserOrder::new(Order::Desc, FilterType::String, "full_name").to_query_value(),
            "desc string full_name"
        );
        assert_eq!(
            UserOrder::new(Order::Asc, FilterType::Date, "created_at").to_query_value(),
            "asc date created_at"
        );
    }
}

#[cfg(test)]
mod from_query_pairs_tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn loose_parameters_become_the_same_typed_search() {
        let loose = UserSearch::from_query_pairs(&pairs(&[
            ("id[in]", "51941,51946"),
            ("full_name[start_with]", "dive r"),
            ("limit", "10"),
            ("offset", "20"),
            ("sort_desc", "id"),
        ]))
        .unwrap();
        let typed = UserSearch::new()
            .is_in(SearchField::Id, [51941, 51946])
            .start_with(SearchField::FullName, "dive r")
            .paginate(Pagination::new(2, 10))
            .sort(Sorter::desc(SearchField::Id));
        assert_eq!(loose, typed);
        let repeated = UserSearch::from_query_pairs(&pairs(&[("user_tags", "a"), ("user_tags", "b")])).unwrap();
        assert_eq!(repeated, UserSearch::new().is_in(SearchField::UserTags, ["a", "b"]));
        assert!(UserSearch::from_query_pairs(&pairs(&[("nickname", "x")])).is_err());
        assert!(UserSearch::from_query_pairs(&pairs(&[("login[like]", "x")])).is_err());
        assert!(UserSearch::from_query_pairs(&pairs(&[("login", "x"), ("limit", "ten")])).is_err());
    }
}
