//! Date formats of the wire: how the real service writes dates, and the forms clients send.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, format_description::well_known::Rfc3339};

/// `2023-08-25T11:29:29Z`: user dates.
pub fn iso_seconds(t: OffsetDateTime) -> String {
    format!("{}Z", date_and_time(t, 'T'))
}

/// `2021-06-04T10:10:53.908Z`: session dates.
pub fn iso_millis(t: OffsetDateTime) -> String {
    format!("{}.{:03}Z", date_and_time(t, 'T'), t.millisecond())
}

/// `2021-06-04 12:10:53 UTC`: the `CB-Token-ExpirationDate` header.
pub fn expiration_header(t: OffsetDateTime) -> String {
    format!("{} UTC", date_and_time(t, ' '))
}

/// `2021-06-04{between}12:10:53` in UTC: the part the formats above share.
fn date_and_time(t: OffsetDateTime, between: char) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}{between}{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `Tue, 12 Sep 2023 06:49:14 GMT`: the `Date` header.
pub fn http_date(t: OffsetDateTime) -> String {
    let secs = t.unix_timestamp().max(0) as u64;
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// Reads a date as clients send it in searches: Unix seconds, RFC 3339 / ISO 8601
/// (`2018-12-06T09:21:41Z`, with or without zone or fraction), a bare date
/// (`2017-11-10`, `2017.11.10`), or JavaScript's `String(date)`
/// (`Fri Nov 10 2017 00:00:00 GMT+0000 (Coordinated Universal Time)`).
pub fn parse_date(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(secs).ok();
    }
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    parse_iso_loose(text).or_else(|| parse_js_date(text))
}

fn parse_iso_loose(text: &str) -> Option<OffsetDateTime> {
    // Date part: YYYY-MM-DD or YYYY.MM.DD
    let (date_part, rest) = text.split_at(text.len().min(10));
    let mut nums = date_part.split(['-', '.']);
    let year: i32 = nums.next()?.parse().ok()?;
    let month: u8 = nums.next()?.parse().ok()?;
    let day: u8 = nums.next()?.parse().ok()?;
    if nums.next().is_some() {
        return None;
    }
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let rest = rest.trim_start_matches(['T', ' ']);
    if rest.is_empty() {
        return Some(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc());
    }
    let rest = rest.trim_end_matches('Z').trim_end_matches(" UTC");
    let clock = rest.split(['.', '+']).next()?;
    let mut hms = clock.split(':');
    let hour: u8 = hms.next()?.parse().ok()?;
    let minute: u8 = hms.next().unwrap_or("0").parse().ok()?;
    let second: u8 = hms.next().unwrap_or("0").parse().ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

fn parse_js_date(text: &str) -> Option<OffsetDateTime> {
    // "Fri Nov 10 2017 00:00:00 GMT+0000 (Coordinated Universal Time)"
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let month = match parts.next()? {
        "Jan" => Month::January,
        "Feb" => Month::February,
        "Mar" => Month::March,
        "Apr" => Month::April,
        "May" => Month::May,
        "Jun" => Month::June,
        "Jul" => Month::July,
        "Aug" => Month::August,
        "Sep" => Month::September,
        "Oct" => Month::October,
        "Nov" => Month::November,
        "Dec" => Month::December,
        _ => return None,
    };
    let day: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let time = Time::from_hms(
        hms.next()?.parse().ok()?,
        hms.next()?.parse().ok()?,
        hms.next()?.parse().ok()?,
    )
    .ok()?;
    let offset = match parts.next() {
        Some(zone) => {
            let zone = zone.strip_prefix("GMT")?;
            if zone.is_empty() {
                UtcOffset::UTC
            } else {
                let sign: i8 = if zone.starts_with('-') { -1 } else { 1 };
                let digits = zone.get(1..5)?;
                let hours: i8 = digits.get(0..2)?.parse().ok()?;
                let minutes: i8 = digits.get(2..4)?.parse().ok()?;
                UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?
            }
        }
        None => UtcOffset::UTC,
    };
    let date = Date::from_calendar_date(year, month, day).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_real_service() {
        let t = OffsetDateTime::from_unix_timestamp(1_622_801_453).unwrap() + time::Duration::milliseconds(908);
        assert_eq!(iso_seconds(t), "2021-06-04T10:10:53Z");
        assert_eq!(iso_millis(t), "2021-06-04T10:10:53.908Z");
        assert_eq!(expiration_header(t), "2021-06-04 10:10:53 UTC");
        assert_eq!(http_date(t), "Fri, 04 Jun 2021 10:10:53 GMT");
    }

    #[test]
    fn parses_every_date_form_clients_send() {
        let expected = OffsetDateTime::from_unix_timestamp(1_510_272_000).unwrap(); // 2017-11-10T00:00:00Z
        for text in [
            "1510272000",
            "2017-11-10T00:00:00Z",
            "2017-11-10T00:00:00.000Z",
            "2017-11-10T00:00:00",
            "2017-11-10",
            "2017.11.10",
            "Fri Nov 10 2017 00:00:00 GMT+0000 (Coordinated Universal Time)",
            "Fri Nov 10 2017 02:00:00 GMT+0200 (Eastern European Standard Time)",
        ] {
            assert_eq!(parse_date(text), Some(expected), "{text}");
        }
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("2017-13-40"), None);
    }
}
