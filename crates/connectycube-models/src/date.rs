//! Dates of the wire.
//!
//! The server writes three formats: RFC 3339 in bodies (`2023-08-25T11:29:29Z`, sessions with
//! milliseconds `2021-06-04T10:10:53.908Z`), `2021-06-04 12:10:53 UTC` in the `CB-Token-ExpirationDate`
//! header, and RFC 1123 in the HTTP `Date` header. Every parser here returns `None` instead of failing,
//! since a date the SDK cannot read must not make a whole response unreadable.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Parses `CB-Token-ExpirationDate` (`2021-06-04 12:10:53 UTC`); also takes RFC 3339 for robustness.
pub fn parse_expiration_header(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    let space_utc = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    let space_gmt = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] GMT");
    PrimitiveDateTime::parse(value, &space_utc)
        .or_else(|_| PrimitiveDateTime::parse(value, &space_gmt))
        .map(PrimitiveDateTime::assume_utc)
        .ok()
        .or_else(|| OffsetDateTime::parse(value, &Rfc3339).ok())
}

/// Parses an HTTP `Date` header: RFC 1123 (`Tue, 12 Sep 2023 06:49:14 GMT`) and, as HTTP asks of
/// recipients, the obsolete RFC 850 (`Tuesday, 12-Sep-23 06:49:14 GMT`) and asctime
/// (`Tue Sep 12 06:49:14 2023`) forms. A weekday that does not match the date makes it `None`.
pub fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    let imf = format_description!(
        "[weekday repr:short case_sensitive:false], [day] [month repr:short case_sensitive:false] [year] [hour]:[minute]:[second] GMT"
    );
    let asctime = format_description!(
        "[weekday repr:short case_sensitive:false] [month repr:short case_sensitive:false] [day padding:space] [hour]:[minute]:[second] [year]"
    );
    PrimitiveDateTime::parse(value, &imf)
        .or_else(|_| PrimitiveDateTime::parse(value, &asctime))
        .ok()
        .or_else(|| parse_rfc850(value))
        .filter(|t| weekday_matches(value, *t))
        .map(PrimitiveDateTime::assume_utc)
}

/// The leading weekday name (short or long) agrees with the date (`time` parses it but does not check it).
fn weekday_matches(value: &str, t: PrimitiveDateTime) -> bool {
    let long = t.weekday().to_string();
    let token = value.split([',', ' ']).next().unwrap_or("");
    token.eq_ignore_ascii_case(&long) || long.get(..3).is_some_and(|short| token.eq_ignore_ascii_case(short))
}

/// `Tuesday, 12-Sep-23 06:49:14 GMT`: two-digit years 70..=99 are 19xx, the rest 20xx.
fn parse_rfc850(value: &str) -> Option<PrimitiveDateTime> {
    let (weekday, rest) = value.split_once(", ")?;
    let (date, clock) = rest.split_once(' ')?;
    let mut parts = date.split('-');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: u16 = year.parse().ok()?;
    let full_year = if year >= 70 { 1900 + year } else { 2000 + year };
    let rebuilt = format!("{weekday}, {day}-{month}-{full_year} {clock}");
    let long = format_description!(
        "[weekday repr:long case_sensitive:false], [day]-[month repr:short case_sensitive:false]-[year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(&rebuilt, &long).ok()
}

/// Parses a date found in a body, tolerantly: RFC 3339 (with or without fractional seconds), the header
/// form `YYYY-MM-DD HH:MM:SS UTC`, or Unix seconds written as digits.
pub fn parse_wire_date(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value
            .parse::<i64>()
            .ok()
            .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok());
    }
    OffsetDateTime::parse(value, &Rfc3339)
        .ok()
        .or_else(|| parse_expiration_header(value))
}

/// Writes a date the way the server writes user dates and search arguments: UTC, whole seconds,
/// `YYYY-MM-DDTHH:MM:SSZ`. Falls back to Unix seconds for a year the format cannot hold.
pub fn format_rfc3339(value: OffsetDateTime) -> String {
    let utc = value.to_offset(UtcOffset::UTC);
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    match utc.format(&seconds) {
        Ok(text) if (0..=9999).contains(&utc.year()) => text,
        _ => utc.unix_timestamp().to_string(),
    }
}

/// Serde for `Option<OffsetDateTime>` fields: written as RFC 3339 (fraction kept when non-zero) or
/// `null`; read tolerantly (see [`parse_wire_date`]; numbers are Unix seconds; anything unreadable is `None`).
pub(crate) mod opt_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub(crate) fn serialize<S: Serializer>(value: &Option<OffsetDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            None => serializer.serialize_none(),
            Some(t) => {
                let utc = t.to_offset(time::UtcOffset::UTC);
                match utc.format(&Rfc3339) {
                    Ok(text) => serializer.serialize_str(&text),
                    Err(_) => serializer.serialize_i64(utc.unix_timestamp()),
                }
            }
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<OffsetDateTime>, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(s) => crate::date::parse_wire_date(&s),
            Value::Number(n) => n.as_i64().and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// Checks a parser against texts it must read (with what they mean) and texts it must
    /// refuse.
    fn reads(parse: fn(&str) -> Option<OffsetDateTime>, good: &[(&str, OffsetDateTime)], bad: &[&str]) {
        for (text, want) in good {
            assert_eq!(parse(text), Some(*want), "{text}");
        }
        for text in bad {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn expiration_header() {
        let want = datetime!(2021-06-04 12:10:53 UTC);
        reads(
            parse_expiration_header,
            &[
                ("2021-06-04 12:10:53 UTC", want),
                (" 2021-06-04 12:10:53 GMT ", want),
                ("2021-06-04T12:10:53Z", want),
            ],
            &[
                "",
                "2021-06-04",
                "2021-13-04 12:10:53 UTC",
                "tomorrow",
                "2021-06-04 25:10:53 UTC",
            ],
        );
    }

    #[test]
    fn http_date_forms() {
        let want = datetime!(2023-09-12 06:49:14 UTC);
        let old = datetime!(1994-11-06 08:49:37 UTC);
        reads(
            parse_http_date,
            &[
                ("Tue, 12 Sep 2023 06:49:14 GMT", want),
                ("Tuesday, 12-Sep-23 06:49:14 GMT", want),
                ("Tue Sep 12 06:49:14 2023", want),
                ("Sun Nov  6 08:49:37 1994", old),
                ("Sunday, 06-Nov-94 08:49:37 GMT", old),
            ],
            &[
                "",
                "Wed, 12 Sep 2023 06:49:14 GMT",
                "Tue, 12 Sep 2023 06:49:14 UTC",
                "Tue, 32 Sep 2023 06:49:14 GMT",
                "12 Sep 2023",
                "Tuesday, 12-Sep-2023 06:49:14 GMT",
                "Monday, 12-Sep-23 06:49:14 GMT",
                "Mon Sep 12 06:49:14 2023",
            ],
        );
    }

    #[test]
    fn wire_dates() {
        assert_eq!(
            parse_wire_date("2023-08-25T11:29:29Z"),
            Some(datetime!(2023-08-25 11:29:29 UTC))
        );
        assert_eq!(
            parse_wire_date("2021-06-04T10:10:53.908Z"),
            Some(datetime!(2021-06-04 10:10:53.908 UTC))
        );
        assert_eq!(parse_wire_date("1690886495"), Some(datetime!(2023-08-01 10:41:35 UTC)));
        assert_eq!(parse_wire_date(""), None);
        assert_eq!(parse_wire_date("99999999999999999999999"), None);
        assert_eq!(parse_wire_date("not a date"), None);
    }

    #[test]
    fn format_is_whole_seconds_utc() {
        assert_eq!(
            format_rfc3339(datetime!(2019-11-06 09:21:41.5 UTC)),
            "2019-11-06T09:21:41Z"
        );
        assert_eq!(
            format_rfc3339(datetime!(2019-11-06 11:21:41 +02:00)),
            "2019-11-06T09:21:41Z"
        );
    }
}
