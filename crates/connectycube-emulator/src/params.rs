//! Request parameters, read the way the real service reads them: a JSON body, a
//! form-urlencoded body or a query string, all into one JSON-like tree.
//!
//! Official clients send the same parameters in different shapes (`rest-api.md` §1.3):
//! `a[b]=1`, `a[]=1&a[]=2`, `a[0]=1`, brackets percent-encoded (`a%5Bb%5D`), comma lists,
//! and JSON bodies with bracketed keys (`{"firebase_phone[project_id]": "p"}`). They all
//! land in the same tree here, so handlers read `user.login` once.

use serde_json::{Map, Value};

/// Nesting deeper than this is not something any client sends; it is cut off rather than
/// letting a hostile key build a deep tree.
const MAX_DEPTH: usize = 8;

#[derive(Debug, Default, Clone)]
pub struct Params(pub Map<String, Value>);

#[derive(Debug)]
pub enum ParamsError {
    MalformedJson(String),
    NotAnObject,
}

impl Params {
    pub fn from_query(raw: &str) -> Self {
        let mut map = Map::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode_component(key);
            if key.is_empty() {
                continue;
            }
            insert(&mut map, &key, Value::String(decode_component(value)));
        }
        Self(map)
    }

    pub fn from_json(body: &[u8]) -> Result<Self, ParamsError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| ParamsError::MalformedJson(e.to_string()))?;
        let Value::Object(object) = value else {
            return Err(ParamsError::NotAnObject);
        };
        let mut map = Map::new();
        for (key, value) in object {
            // `{"firebase_phone[project_id]": "p"}` is what the JS docs' credentials turn into.
            insert(&mut map, &key, value);
        }
        Ok(Self(map))
    }

    /// Reads a body by its content type (or by its first byte when the type is missing or generic).
    pub fn from_body(content_type: Option<&str>, body: &[u8]) -> Result<Self, ParamsError> {
        let trimmed = body.trim_ascii_start();
        if trimmed.is_empty() {
            return Ok(Self::default());
        }
        let content_type = content_type.unwrap_or("").to_ascii_lowercase();
        let is_json = content_type.contains("json")
            || (!content_type.contains("x-www-form-urlencoded") && trimmed.first() == Some(&b'{'));
        if is_json {
            Self::from_json(body)
        } else {
            Ok(Self::from_query(&String::from_utf8_lossy(body)))
        }
    }

    /// Body parameters win over query parameters of the same name.
    pub fn merge(mut self, other: Params) -> Self {
        for (key, value) in other.0 {
            self.0.insert(key, value);
        }
        self
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// `path(&["user", "login"])` reads `user[login]`.
    pub fn path(&self, path: &[&str]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        let mut value = self.get(first)?;
        for key in rest {
            value = value.as_object()?.get(*key)?;
        }
        (!value.is_null()).then_some(value)
    }

    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).and_then(scalar_text)
    }
}

/// The decimal or literal text of a scalar; `None` for null, arrays and objects.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The items of a list parameter, whichever way it came: `["a","b"]`, `"a,b"`,
/// `{"0":"a","1":"b"}`, or a single scalar.
pub fn list_items(value: &Value) -> Vec<String> {
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    match value {
        Value::Array(items) => items.iter().filter_map(scalar_text).flat_map(|s| split(&s)).collect(),
        Value::Object(map) => map.values().filter_map(scalar_text).flat_map(|s| split(&s)).collect(),
        other => scalar_text(other).map(|s| split(&s)).unwrap_or_default(),
    }
}

fn decode_component(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

enum Segment<'a> {
    Key(&'a str),
    /// `[]` or `[0]`: an element of a list.
    Item,
}

/// Splits `a[b][]` into `a`, `[Key(b), Item]`. A key whose brackets do not close is kept whole.
fn split_key(key: &str) -> (&str, Vec<Segment<'_>>) {
    let Some(open) = key.find('[') else {
        return (key, Vec::new());
    };
    if open == 0 {
        return (key, Vec::new());
    }
    let base = &key[..open];
    let mut segments = Vec::new();
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return (key, Vec::new());
        };
        let name = &inner[..close];
        segments.push(if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
            Segment::Item
        } else {
            Segment::Key(name)
        });
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() || segments.len() > MAX_DEPTH {
        return (key, Vec::new());
    }
    (base, segments)
}

fn insert(map: &mut Map<String, Value>, key: &str, value: Value) {
    let (base, segments) = split_key(key);
    let slot = map.entry(base.to_owned()).or_insert(Value::Null);
    insert_at(slot, &segments, value);
}

fn insert_at(slot: &mut Value, segments: &[Segment<'_>], value: Value) {
    match segments.split_first() {
        None => match slot {
            Value::Null => *slot = value,
            // A repeated plain key (`tags=a&tags=b`) collects into a list.
            Value::Array(items) => items.push(value),
            // `user_tags[nin][]=vip&user_tags=apple`: the plain value is the `eq` operand.
            Value::Object(map) => {
                map.entry("eq").or_insert(value);
            }
            other => {
                let first = other.take();
                *other = Value::Array(vec![first, value]);
            }
        },
        Some((Segment::Item, rest)) => {
            if !slot.is_array() {
                let existing = slot.take();
                *slot = Value::Array(if existing.is_null() { Vec::new() } else { vec![existing] });
            }
            let Value::Array(items) = slot else { return };
            if rest.is_empty() {
                items.push(value);
            } else {
                // `a[0][b]=1&a[0][c]=2`: fill the last object until one of its keys repeats.
                let reuse = matches!((items.last(), rest.first()),
                    (Some(Value::Object(last)), Some(Segment::Key(k))) if !last.contains_key(*k));
                if !reuse {
                    items.push(Value::Null);
                }
                if let Some(last) = items.last_mut() {
                    insert_at(last, rest, value);
                }
            }
        }
        Some((Segment::Key(name), rest)) => {
            if !slot.is_object() {
                // `user_tags=apple&user_tags[nin][]=vip`: keep the plain value as `eq`.
                let mut map = Map::new();
                match slot.take() {
                    Value::Null => {}
                    plain => {
                        map.insert("eq".to_owned(), plain);
                    }
                }
                *slot = Value::Object(map);
            }
            let Value::Object(object) = slot else { return };
            let child = object.entry((*name).to_owned()).or_insert(Value::Null);
            insert_at(child, rest, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_query_form_official_clients_send() {
        let q = Params::from_query(
            "full_name[start_with]=dive%20r&id[in][]=51941&id[in][]=51946&limit=10&user_tags%5Bnin%5D%5B0%5D=vip&tags=a%2Cb&login=john+doe",
        );
        assert_eq!(q.path(&["full_name", "start_with"]), Some(&json!("dive r")));
        assert_eq!(q.path(&["id", "in"]), Some(&json!(["51941", "51946"])));
        assert_eq!(q.path(&["user_tags", "nin"]), Some(&json!(["vip"])));
        assert_eq!(list_items(q.get("tags").unwrap()), vec!["a", "b"]);
        assert_eq!(q.text("login").as_deref(), Some("john doe"));
        assert_eq!(q.text("limit").as_deref(), Some("10"));
    }

    #[test]
    fn a_plain_value_beside_operators_becomes_eq() {
        for query in [
            "user_tags=apple&user_tags[nin][]=vip",
            "user_tags[nin][]=vip&user_tags=apple",
        ] {
            let q = Params::from_query(query);
            assert_eq!(
                q.get("user_tags"),
                Some(&json!({"eq": "apple", "nin": ["vip"]})),
                "{query}"
            );
        }
    }

    #[test]
    fn json_bodies_with_bracketed_keys_nest() {
        let p = Params::from_json(
            br#"{"provider":"firebase_phone","firebase_phone[project_id]":"p1","firebase_phone[access_token]":"t"}"#,
        )
        .unwrap();
        assert_eq!(p.path(&["firebase_phone", "project_id"]), Some(&json!("p1")));
        assert_eq!(p.path(&["firebase_phone", "access_token"]), Some(&json!("t")));
    }

    #[test]
    fn form_and_json_bodies_read_alike() {
        let form = Params::from_body(
            Some("application/x-www-form-urlencoded"),
            b"user%5Blogin%5D=john&user[password]=11111111&application_id=1",
        )
        .unwrap();
        let json = Params::from_body(
            None,
            br#"{"user":{"login":"john","password":"11111111"},"application_id":1}"#,
        )
        .unwrap();
        assert_eq!(form.path(&["user", "login"]), json.path(&["user", "login"]));
        assert_eq!(form.text("application_id"), json.text("application_id"));
    }

    #[test]
    fn hostile_input_never_panics() {
        for raw in [
            "[",
            "a[",
            "a]",
            "[]=1",
            "a[b=1",
            "a[][][]=1",
            "a=1&a[b]=2&a[]=3",
            "%ff%fe=%zz",
            "a[0][b]=1&a[0][b]=2",
        ] {
            let _ = Params::from_query(raw);
        }
        let deep = format!("a{}", "[x]".repeat(100));
        let p = Params::from_query(&format!("{deep}=1"));
        assert!(p.get(&deep).is_some(), "over-deep keys are kept flat");
        assert!(matches!(
            Params::from_json(b"{nope"),
            Err(ParamsError::MalformedJson(_))
        ));
        assert!(matches!(Params::from_json(b"[1,2]"), Err(ParamsError::NotAnObject)));
    }
}
