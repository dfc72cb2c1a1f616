//! The official SDKs' string constants (`OrderType`, `QueryRule`, `RequestFieldType`,
//! `ConnectycubeProvider`), listed once. uniffi exports no constants, so each language
//! declares its own holders in its idiom (Kotlin `const val`, Swift `OrderType.shared.ASC`,
//! Python class attributes) and a test in each compares them with `sdkConstants()`: every
//! language has exactly these names and values.

/// One constant: `holder.name == value` (`OrderType.ASC == "asc"`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SdkConstant {
    pub holder: String,
    pub name: String,
    pub value: String,
}

pub(crate) const CONSTANTS: &[(&str, &[(&str, &str)])] = &[
    ("OrderType", &[("ASC", "asc"), ("DESC", "desc")]),
    (
        "ConnectycubeProvider",
        &[
            ("FACEBOOK", "facebook"),
            ("TWITTER", "twitter"),
            ("FIREBASE_PHONE", "firebase_phone"),
            ("FIREBASE_EMAIL", "firebase_email"),
        ],
    ),
    // users/v2 understands eq, in, nin, start_with, gt, lt, gte, lte; ne, ge, le and between
    // are the official SDKs' v1 filter rules, kept so code written for them compiles.
    (
        "QueryRule",
        &[
            ("GT", "gt"),
            ("GTE", "gte"),
            ("LT", "lt"),
            ("GE", "ge"),
            ("LE", "le"),
            ("LTE", "lte"),
            ("EQ", "eq"),
            ("NE", "ne"),
            ("IN", "in"),
            ("NIN", "nin"),
            ("START_WITH", "start_with"),
            ("BETWEEN", "between"),
        ],
    ),
    (
        "RequestFieldType",
        &[("DATE", "date"), ("NUMBER", "number"), ("STRING", "string")],
    ),
];

/// Every constant of every holder, in declaration order.
#[uniffi::export]
pub fn sdk_constants() -> Vec<SdkConstant> {
    CONSTANTS
        .iter()
        .flat_map(|(holder, values)| {
            values.iter().map(|(name, value)| SdkConstant {
                holder: (*holder).to_owned(),
                name: (*name).to_owned(),
                value: (*value).to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{ParamValue, RequestSorter, param_pairs, sorter};
    use std::collections::HashMap;

    fn values(holder: &str) -> Vec<&'static str> {
        CONSTANTS
            .iter()
            .find(|(h, _)| *h == holder)
            .map(|(_, values)| values.iter().map(|(_, v)| *v).collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_constants_are_what_the_facade_accepts() {
        for order in values("OrderType") {
            let sort = RequestSorter {
                field_name: "login".into(),
                sort_type: order.into(),
                field_type: None,
            };
            assert!(sorter(Some(sort)).is_ok(), "{order}");
        }
        // The v2 operators are accepted by a search; the v1-only ones are refused by name.
        for rule in values("QueryRule") {
            let key = format!("login[{rule}]");
            let pairs = param_pairs(HashMap::from([(
                key.clone(),
                ParamValue::Str { value: "hunter".into() },
            )]))
            .expect("text is a search value");
            let parsed = connectycube::UserSearch::from_query_pairs(&pairs);
            let v1_only = ["ne", "ge", "le", "between"].contains(&rule);
            assert_eq!(parsed.is_err(), v1_only, "{key}");
        }
        assert_eq!(sdk_constants().len(), 21);
        assert_eq!(
            sdk_constants()[0],
            SdkConstant {
                holder: "OrderType".into(),
                name: "ASC".into(),
                value: "asc".into()
            }
        );
    }
}
