//! User searches: `GET /users/v2` (fields × operators with the documented rules) and
//! the deprecated v1 `filter[]` / `order` language (`rest-api.md` §4.6, §4.7).

use std::cmp::Ordering;

use serde_json::Value;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::params::{Params, list_items, scalar_text};
use crate::store::User;
use crate::timefmt::parse_date;

/// A user field's value, typed for comparisons.
#[derive(Debug, Clone, PartialEq)]
enum FieldValue {
    Int(i64),
    Text(String),
    Date(OffsetDateTime),
    Tags(Vec<String>),
}

fn field_value(user: &User, field: &str) -> Option<FieldValue> {
    let text = |v: &Option<String>| v.clone().map(FieldValue::Text);
    match field {
        "id" => Some(FieldValue::Int(user.id)),
        "login" => text(&user.login),
        "email" => text(&user.email),
        "full_name" => text(&user.full_name),
        "phone" => text(&user.phone),
        "website" => text(&user.website),
        "avatar" => text(&user.avatar),
        "external_id" => text(&user.external_id),
        "facebook_id" => text(&user.facebook_id),
        "twitter_id" => text(&user.twitter_id),
        "external_user_id" => user.external_user_id.map(FieldValue::Int),
        "blob_id" => user.blob_id.map(FieldValue::Int),
        "timezone" => user.timezone.map(FieldValue::Int),
        "user_tags" | "tags" => Some(FieldValue::Tags(user.tags.clone())),
        "created_at" => Some(FieldValue::Date(user.created_at)),
        "updated_at" => Some(FieldValue::Date(user.updated_at)),
        "last_request_at" => user.last_request_at.map(FieldValue::Date),
        _ => None,
    }
}

/// Login and email compare without case, as they are unique without case.
fn text_eq(field: &str, a: &str, b: &str) -> bool {
    if matches!(field, "login" | "email") {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

// ---------------------------------------------------------------- v2

#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    /// Searchable alone (`id`, `login`, …): primary operators and `nin`.
    StandAlone,
    /// `user_tags`: alone or as an additional condition.
    Tags,
    /// Dates: only additional conditions.
    Date,
}

fn v2_field(name: &str) -> Option<Class> {
    Some(match name {
        "id" | "login" | "email" | "full_name" | "phone" | "external_id" | "facebook_id" | "twitter_id" => {
            Class::StandAlone
        }
        "user_tags" => Class::Tags,
        "last_request_at" | "created_at" | "updated_at" => Class::Date,
        _ => return None,
    })
}

/// The v2 operators, by the rule that governs them (`rest-api.md` §4).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    /// Primary: a search needs one of these on a stand-alone field.
    Eq,
    In,
    StartWith,
    /// Excludes values; never primary.
    Nin,
    /// Comparisons: dates only.
    Gt,
    Lt,
    Gte,
    Lte,
}

/// Each operator with its name in a query key (`field[gte]`): one table read both ways.
const OPS: [(Op, &str); 8] = [
    (Op::Eq, "eq"),
    (Op::In, "in"),
    (Op::Nin, "nin"),
    (Op::StartWith, "start_with"),
    (Op::Gt, "gt"),
    (Op::Lt, "lt"),
    (Op::Gte, "gte"),
    (Op::Lte, "lte"),
];

impl Op {
    fn parse(name: &str) -> Option<Self> {
        OPS.iter().find(|(_, n)| *n == name).map(|(op, _)| *op)
    }

    fn name(self) -> &'static str {
        OPS.iter().find(|(op, _)| *op == self).map_or("", |(_, n)| n)
    }

    fn is_primary(self) -> bool {
        matches!(self, Op::Eq | Op::In | Op::StartWith)
    }

    fn is_compare(self) -> bool {
        matches!(self, Op::Gt | Op::Lt | Op::Gte | Op::Lte)
    }
}

#[derive(Debug)]
struct Condition {
    field: String,
    op: Op,
    values: Vec<FieldValue>,
}

#[derive(Debug)]
pub struct V2Query {
    conditions: Vec<Condition>,
    pub limit: usize,
    pub offset: usize,
    sort: Option<(String, bool)>,
}

pub const V2_MAX_LIMIT: usize = 100;
const START_WITH_LIMIT: usize = 5;
const START_WITH_MIN_LEN: usize = 4;

fn rule_error(message: impl Into<String>) -> ApiError {
    ApiError::invalid("base", message)
}

fn parse_count(params: &Params, key: &str, default: usize) -> Result<usize, ApiError> {
    match params.get(key) {
        None => Ok(default),
        Some(value) => scalar_text(value)
            .and_then(|t| t.trim().parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid(key, "must be a non-negative integer")),
    }
}

fn typed_value(field: &str, class: Class, text: &str) -> Result<FieldValue, ApiError> {
    match (field, class) {
        ("id", _) => text
            .trim()
            .parse()
            .map(FieldValue::Int)
            .map_err(|_| rule_error(format!("Invalid value '{text}' for field 'id': must be an integer"))),
        (_, Class::Date) => parse_date(text)
            .map(FieldValue::Date)
            .ok_or_else(|| rule_error(format!("Invalid date '{text}' for field '{field}'"))),
        _ => Ok(FieldValue::Text(text.to_owned())),
    }
}

impl V2Query {
    pub fn parse(params: &Params) -> Result<Self, ApiError> {
        let mut conditions = Vec::new();
        let mut sort = None;
        for (key, value) in &params.0 {
            match key.as_str() {
                "limit" | "offset" => continue,
                "sort_asc" | "sort_desc" => {
                    let field = scalar_text(value).unwrap_or_default();
                    if v2_field(&field).is_none() {
                        return Err(rule_error(format!("Incorrect sort field '{field}'")));
                    }
                    sort = Some((field, key == "sort_asc"));
                    continue;
                }
                _ => {}
            }
            let class = v2_field(key).ok_or_else(|| rule_error(format!("Unknown search field '{key}'")))?;
            let operators: Vec<(Op, &Value)> = match value {
                Value::Object(ops) => ops
                    .iter()
                    .map(|(name, v)| {
                        Op::parse(name)
                            .map(|op| (op, v))
                            .ok_or_else(|| rule_error(format!("Unknown operator '{name}' for field '{key}'")))
                    })
                    .collect::<Result<_, _>>()?,
                Value::Array(_) => vec![(Op::In, value)],
                scalar => vec![(Op::Eq, scalar)],
            };
            for (op, raw) in operators {
                conditions.push(Self::condition(key, class, op, raw)?);
            }
        }
        if !conditions
            .iter()
            .any(|c| v2_field(&c.field).is_some_and(|class| class != Class::Date) && c.op.is_primary())
        {
            return Err(rule_error(
                "The query must contain at least one stand-alone field (id, login, email, full_name, phone, external_id, facebook_id, twitter_id, user_tags) with a primary operator (eq, in, start_with)",
            ));
        }
        let mut limit = parse_count(params, "limit", V2_MAX_LIMIT)?.clamp(1, V2_MAX_LIMIT);
        if conditions.iter().any(|c| c.op == Op::StartWith) {
            limit = START_WITH_LIMIT;
        }
        Ok(Self {
            conditions,
            limit,
            offset: parse_count(params, "offset", 0)?,
            sort,
        })
    }

    fn condition(field: &str, class: Class, op: Op, raw: &Value) -> Result<Condition, ApiError> {
        let allowed = match class {
            Class::StandAlone => !op.is_compare() && (op != Op::StartWith || field != "id"),
            Class::Tags => matches!(op, Op::Eq | Op::In | Op::Nin),
            Class::Date => op == Op::Eq || op.is_compare(),
        };
        if !allowed {
            return Err(rule_error(format!(
                "Operator '{}' is not allowed for field '{field}'",
                op.name()
            )));
        }
        let texts = match op {
            Op::In | Op::Nin => list_items(raw),
            _ => scalar_text(raw).into_iter().collect(),
        };
        if texts.is_empty() {
            return Err(rule_error(format!("Missing value for '{field}[{}]'", op.name())));
        }
        if op == Op::StartWith && texts[0].chars().count() < START_WITH_MIN_LEN {
            return Err(rule_error(format!(
                "The argument of 'start_with' must be at least {START_WITH_MIN_LEN} characters long"
            )));
        }
        let values = texts
            .iter()
            .map(|t| typed_value(field, class, t))
            .collect::<Result<_, _>>()?;
        Ok(Condition {
            field: field.to_owned(),
            op,
            values,
        })
    }

    pub fn matches(&self, user: &User) -> bool {
        self.conditions.iter().all(|c| condition_matches(c, user))
    }

    pub fn sort(&self, users: &mut [&User]) {
        if let Some((field, asc)) = &self.sort {
            sort_users(users, field, *asc);
        }
    }
}

fn condition_matches(condition: &Condition, user: &User) -> bool {
    let field = condition.field.as_str();
    let value = field_value(user, field);
    let equal = |wanted: &FieldValue| match (&value, wanted) {
        (Some(FieldValue::Tags(tags)), FieldValue::Text(t)) => tags.iter().any(|tag| tag.eq_ignore_ascii_case(t)),
        (Some(FieldValue::Text(have)), FieldValue::Text(t)) => text_eq(field, have, t),
        // Dates match to the second: that is all the wire carries.
        (Some(FieldValue::Date(have)), FieldValue::Date(t)) => have.unix_timestamp() == t.unix_timestamp(),
        (Some(have), wanted) => have == wanted,
        (None, _) => false,
    };
    match condition.op {
        Op::Eq | Op::In => condition.values.iter().any(equal),
        Op::Nin => !condition.values.iter().any(equal),
        Op::StartWith => match (&value, condition.values.first()) {
            (Some(FieldValue::Text(have)), Some(FieldValue::Text(prefix))) => {
                have.to_lowercase().starts_with(&prefix.to_lowercase())
            }
            _ => false,
        },
        Op::Gt | Op::Lt | Op::Gte | Op::Lte => {
            let (Some(have), Some(bound)) = (&value, condition.values.first()) else {
                return false;
            };
            let Some(order) = compare(have, bound) else {
                return false;
            };
            match condition.op {
                Op::Gt => order == Ordering::Greater,
                Op::Lt => order == Ordering::Less,
                Op::Gte => order != Ordering::Less,
                _ => order != Ordering::Greater,
            }
        }
    }
}

fn compare(a: &FieldValue, b: &FieldValue) -> Option<Ordering> {
    match (a, b) {
        (FieldValue::Int(a), FieldValue::Int(b)) => Some(a.cmp(b)),
        (FieldValue::Date(a), FieldValue::Date(b)) => Some(a.unix_timestamp().cmp(&b.unix_timestamp())),
        (FieldValue::Text(a), FieldValue::Text(b)) => Some(a.cmp(b)),
        (FieldValue::Int(a), FieldValue::Text(b)) => b.parse::<f64>().ok().and_then(|b| (*a as f64).partial_cmp(&b)),
        _ => None,
    }
}

/// Sorts by a field, users without a value last, ties by id.
fn sort_users(users: &mut [&User], field: &str, asc: bool) {
    users.sort_by(|a, b| {
        let order = match (field_value(a, field), field_value(b, field)) {
            (Some(x), Some(y)) => {
                let order = compare(&x, &y).unwrap_or(Ordering::Equal);
                if asc { order } else { order.reverse() }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        order.then(a.id.cmp(&b.id))
    });
}

// ---------------------------------------------------------------- v1

/// One `filter[]=<type> <field> <op> <value>` of the deprecated list API.
#[derive(Debug)]
pub struct V1Filter {
    field: String,
    op: String,
    values: Vec<FieldValue>,
}

const V1_FIELDS: &[&str] = &[
    "id",
    "login",
    "email",
    "full_name",
    "phone",
    "website",
    "avatar",
    "external_id",
    "external_user_id",
    "facebook_id",
    "twitter_id",
    "blob_id",
    "timezone",
    "user_tags",
    "tags",
    "created_at",
    "updated_at",
    "last_request_at",
];

fn incorrect_field(field: &str, filter: &str) -> ApiError {
    rule_error(format!(
        "Incorrect search field - \"{field}\" for filter string \"{filter}\""
    ))
}

fn v1_value(kind: &str, text: &str, filter: &str) -> Result<FieldValue, ApiError> {
    match kind {
        "number" => text.trim().parse::<i64>().map(FieldValue::Int).map_err(|_| {
            rule_error(format!(
                "Incorrect number value \"{text}\" for filter string \"{filter}\""
            ))
        }),
        "date" => parse_date(text).map(FieldValue::Date).ok_or_else(|| {
            rule_error(format!(
                "Incorrect date value \"{text}\" for filter string \"{filter}\""
            ))
        }),
        _ => Ok(FieldValue::Text(text.to_owned())),
    }
}

impl V1Filter {
    pub fn parse(filter: &str) -> Result<Self, ApiError> {
        let mut parts = filter.trim().splitn(4, ' ');
        let (Some(kind), Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(rule_error(format!(
                "Incorrect filter string \"{filter}\": expected \"<type> <field> <operator> <value>\""
            )));
        };
        if !matches!(kind, "number" | "string" | "date") {
            return Err(rule_error(format!(
                "Incorrect search type - \"{kind}\" for filter string \"{filter}\""
            )));
        }
        if !V1_FIELDS.contains(&field) {
            return Err(incorrect_field(field, filter));
        }
        if !matches!(op, "gt" | "lt" | "ge" | "le" | "eq" | "ne" | "between" | "in") {
            return Err(rule_error(format!(
                "Incorrect search operator - \"{op}\" for filter string \"{filter}\""
            )));
        }
        let texts: Vec<&str> = if matches!(op, "in" | "between") {
            value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
        } else {
            vec![value]
        };
        if op == "between" && texts.len() != 2 {
            return Err(rule_error(format!(
                "Operator \"between\" needs two values in filter string \"{filter}\""
            )));
        }
        let values = texts
            .iter()
            .map(|t| v1_value(kind, t, filter))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            field: field.to_owned(),
            op: op.to_owned(),
            values,
        })
    }

    pub fn matches(&self, user: &User) -> bool {
        let Some(have) = field_value(user, &self.field) else {
            return self.op == "ne";
        };
        let cmp = |bound: &FieldValue| match (&have, bound) {
            (FieldValue::Text(a), FieldValue::Text(b)) if text_eq(&self.field, a, b) => Some(Ordering::Equal),
            (FieldValue::Tags(tags), FieldValue::Text(b)) => Some(if tags.iter().any(|t| t.eq_ignore_ascii_case(b)) {
                Ordering::Equal
            } else {
                Ordering::Less
            }),
            _ => compare(&have, bound),
        };
        let first = self.values.first().and_then(cmp);
        match self.op.as_str() {
            "eq" => first == Some(Ordering::Equal),
            "ne" => first != Some(Ordering::Equal),
            "gt" => first == Some(Ordering::Greater),
            "lt" => first == Some(Ordering::Less),
            "ge" => matches!(first, Some(Ordering::Greater | Ordering::Equal)),
            "le" => matches!(first, Some(Ordering::Less | Ordering::Equal)),
            "in" => self.values.iter().any(|v| cmp(v) == Some(Ordering::Equal)),
            "between" => {
                let upper = self.values.get(1).and_then(cmp);
                matches!(first, Some(Ordering::Greater | Ordering::Equal))
                    && matches!(upper, Some(Ordering::Less | Ordering::Equal))
            }
            _ => false,
        }
    }
}

/// `order=<asc|desc> <type> <field>`.
pub fn apply_v1_order(order: &str, users: &mut [&User]) -> Result<(), ApiError> {
    let parts: Vec<&str> = order.split_whitespace().collect();
    let [direction, kind, field] = parts.as_slice() else {
        return Err(rule_error(format!(
            "Incorrect order string \"{order}\": expected \"<asc|desc> <type> <field>\""
        )));
    };
    if !matches!(*direction, "asc" | "desc") || !matches!(*kind, "number" | "string" | "date") {
        return Err(rule_error(format!("Incorrect order string \"{order}\"")));
    }
    if !V1_FIELDS.contains(field) {
        return Err(rule_error(format!("Incorrect order field - \"{field}\"")));
    }
    sort_users(users, field, *direction == "asc");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(query: &str) -> Result<V2Query, ApiError> {
        V2Query::parse(&Params::from_query(query))
    }

    /// The documented examples of valid and invalid queries (`rest-api.md` §4.6).
    #[test]
    fn documented_rules() {
        for valid in [
            "id=51946",
            "id[in][]=51941&id[in][]=51946&last_request_at[gt]=2018-12-06T09:21:41Z",
            "user_tags=guest",
            "user_tags=guest&created_at[lt]=1690886495",
            "login=smith1&phone=4723642&user_tags[nin][]=vip&updated_at[lte]=2018-12-06T09:21:41Z",
            "phone=4723642&last_request_at=2018-12-06T09:21:41Z",
            "full_name[start_with]=hunter&id[nin][]=68647",
            "id[in]=51941%2C51946",
        ] {
            assert!(v2(valid).is_ok(), "{valid} should be valid");
        }
        for invalid in [
            "login[nin][]=admin19",
            "user_tags[nin][]=guest",
            "last_request_at=2018-12-06T09:21:41Z",
            "created_at[gte]=1690886495",
            "login[start_with]=vip",
            "id[gt]=5",
            "id=abc",
            "nickname=x",
            "login=x&sort_desc=password",
            "login=x&limit=-1",
            "",
        ] {
            let error = v2(invalid).expect_err(invalid);
            assert_eq!(error.status.as_u16(), 422, "{invalid}");
        }
        assert_eq!(v2("full_name[start_with]=hunter&limit=50").unwrap().limit, 5);
        assert_eq!(v2("login=x&limit=1000").unwrap().limit, 100);
    }

    #[test]
    fn v1_filters_parse_and_reject() {
        assert!(V1Filter::parse("number id in 51941,51946").is_ok());
        assert!(V1Filter::parse("date created_at between 2017-01-01,2017.12.31").is_ok());
        let error = V1Filter::parse("string custom_data eq 000001").unwrap_err();
        assert_eq!(
            error.body["errors"]["base"][0],
            "Incorrect search field - \"custom_data\" for filter string \"string custom_data eq 000001\""
        );
        assert!(V1Filter::parse("number id between 1").is_err());
        assert!(V1Filter::parse("bool id eq 1").is_err());
        assert!(V1Filter::parse("number id eq x").is_err());
    }
}
