//! Unit tests of `http`.

use super::*;

#[test]
fn endpoint_keys_fold_path_parameters() {
    assert_eq!(
        endpoint_key(&Method::POST, "/api/custom-psa/tickets/42"),
        "POST /api/custom-psa/tickets/{customPsaTicketId}"
    );
    assert_eq!(
        endpoint_key(&Method::POST, "/api/standard-psa/abc/credential"),
        "POST /api/standard-psa/{psaType}/credential"
    );
    assert_eq!(
        endpoint_key(&Method::GET, "/api/custom-psa/tickets"),
        "GET /api/custom-psa/tickets"
    );
}

#[test]
fn retry_after_reads_seconds_and_dates() {
    assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
    // A date in the past, or 0, is waited at least MIN_429_WAIT.
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(MIN_429_WAIT)
    );
    assert_eq!(parse_retry_after("0"), Some(MIN_429_WAIT));
    assert_eq!(parse_retry_after("soon"), None);
}

/// A date in the future is waited until: the delay is that date minus
/// now. 2100-01-01T00:00:00Z is 4102444800 s after the epoch
/// (`date -ud @4102444800` prints `Fri, 01 Jan 2100 00:00:00 GMT`).
#[test]
fn retry_after_a_future_date_waits_until_that_date() {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let before = now();
    let wait = parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT").unwrap();
    let after = now();
    assert!(
        (4_102_444_800 - after - 1..=4_102_444_800 - before).contains(&wait.as_secs()),
        "{wait:?}"
    );
    // Ninety seconds ahead, written as an IMF-fixdate.
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(90);
    let date = ahead.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let wait = parse_retry_after(&date).unwrap();
    assert!(
        (Duration::from_secs(88)..=Duration::from_secs(90)).contains(&wait),
        "{date}: {wait:?}"
    );
}
