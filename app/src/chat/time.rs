//! Times and days, in the reader's time zone.
//!
//! The server renders times before any script runs, so it must know the
//! reader's offset from UTC: the browser keeps it in a cookie that both sides
//! read, so that the server's HTML and the hydrated page agree. The first
//! visit (no cookie yet) renders in UTC and corrects itself once hydrated.
//! One offset is used for all times, which can be an hour off for messages
//! from the other side of a daylight-saving change.

use leptos::prelude::*;

use crate::protocol::Millis;

/// The cookie holding the reader's offset from UTC, in minutes.
const COOKIE: &str = "banter_tz";

/// The reader's offset from UTC, in minutes (east positive).
#[derive(Clone, Copy)]
pub struct TimeZone(pub RwSignal<i32>);

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    /// Days since 1970-01-01, for comparing days.
    ordinal: i64,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

/// The local day of an instant at `offset` minutes from UTC.
pub fn day_of(at: Millis, offset: i32) -> Day {
    let local = at.0 + i64::from(offset) * 60_000;
    let days = local.div_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Day {
        year,
        month,
        day,
        ordinal: days,
    }
}

/// "14:05" at `offset` minutes from UTC.
pub fn clock(at: Millis, offset: i32) -> String {
    let local = at.0 + i64::from(offset) * 60_000;
    let minutes = local.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "Today", "Yesterday", "Monday 3 November", or with the year when it is not
/// this year's.
pub fn day_label(day: Day, today: Day) -> String {
    match today.ordinal - day.ordinal {
        0 => "Today".to_owned(),
        1 => "Yesterday".to_owned(),
        _ => {
            let weekday = WEEKDAYS[day.ordinal.rem_euclid(7) as usize];
            let month = MONTHS[usize::from(day.month - 1)];
            if day.year == today.year {
                format!("{weekday} {} {month}", day.day)
            } else {
                format!("{weekday} {} {month} {}", day.day, day.year)
            }
        }
    }
}

/// "Today, 14:05", "Monday 3 November, 09:30": when something happened, at
/// `offset` minutes from UTC.
pub fn moment(at: Millis, offset: i32) -> String {
    let day = day_label(day_of(at, offset), day_of(now(), offset));
    format!("{day}, {}", clock(at, offset))
}

/// An ISO 8601 timestamp in UTC, for `<time datetime>`.
pub fn iso(at: Millis) -> String {
    let day = day_of(at, 0);
    let ms = at.0.rem_euclid(86_400_000);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        day.year,
        day.month,
        day.day,
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60
    )
}

/// Year, month and day of a count of days since 1970-01-01, in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Provides the reader's time zone: from the cookie, and in the browser
/// corrected to the real offset (and remembered) once hydrated.
pub fn provide_time_zone() -> TimeZone {
    let zone = TimeZone(RwSignal::new(cookie_offset().unwrap_or(0)));
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        let actual = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        if zone.0.get_untracked() != actual {
            zone.0.set(actual);
        }
        crate::cookies::set_cookie(COOKIE, &actual.to_string());
    });
    provide_context(zone);
    zone
}

fn cookie_offset() -> Option<i32> {
    offset_of(&crate::cookies::read_cookie(COOKIE)?)
}

/// The reader's offset from UTC in a request's `Cookie` header (0 without
/// one), for the server's responses that are not pages.
pub fn offset_in(cookies: &str) -> i32 {
    crate::cookies::find(cookies, COOKIE)
        .and_then(offset_of)
        .unwrap_or(0)
}

fn offset_of(value: &str) -> Option<i32> {
    value.parse().ok().filter(|m: &i32| m.abs() <= 18 * 60)
}

/// Waits `millis` milliseconds (in the browser; at once on the server,
/// where nothing waits on timers).
pub async fn sleep(millis: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(millis).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = millis;
}

/// The current time, by this side's clock.
pub fn now() -> Millis {
    #[cfg(feature = "hydrate")]
    {
        Millis(js_sys::Date::now() as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let elapsed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Millis(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-22T04:08:52Z
    const AT: Millis = Millis(1_795_320_532_000);

    #[test]
    fn splits_an_instant_into_a_local_day_and_clock() {
        let day = day_of(AT, 0);
        assert_eq!((day.year, day.month, day.day), (2026, 11, 22));
        assert_eq!(clock(AT, 0), "04:08");
        assert_eq!(clock(AT, -300), "23:08", "five hours west");
        assert_eq!(day_of(AT, -300).day, 21);
        assert_eq!(iso(AT), "2026-11-22T04:08:52Z");
        assert_eq!(iso(Millis(0)), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn labels_days_relative_to_today() {
        let today = day_of(AT, 0);
        let day = |days_ago: i64| day_of(Millis(AT.0 - days_ago * 86_400_000), 0);
        assert_eq!(day_label(today, today), "Today");
        assert_eq!(day_label(day(1), today), "Yesterday");
        assert_eq!(day_label(day(2), today), "Friday 20 November");
        assert_eq!(day_label(day(365), today), "Saturday 22 November 2025");
    }

    #[test]
    fn handles_leap_days_and_the_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
