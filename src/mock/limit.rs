//! The mock's rate limiter: per endpoint, either a bound on requests in
//! flight (as N-central does) or a bound on requests per time window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the mock limits each endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// At most this many requests in flight per endpoint; 429 beyond.
    InFlight(usize),
    /// At most `requests` per `window` per endpoint; 429 beyond.
    Window { requests: usize, window: Duration },
    /// Never answer 429.
    Off,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::InFlight(8)
    }
}

/// How long an endpoint stays limited once it has answered 429 (faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sticky {
    /// For this long, whatever arrives.
    For(Duration),
    /// For the rest of the server's life.
    Forever,
}

#[derive(Default)]
struct EndpointState {
    in_flight: usize,
    window_start: Option<Instant>,
    window_count: usize,
    blocked_until: Option<Instant>,
    blocked_forever: bool,
}

/// Counts requests per endpoint.
#[derive(Clone, Default)]
pub(super) struct Limiter {
    endpoints: Arc<Mutex<HashMap<String, EndpointState>>>,
}

/// Holds an in-flight slot; frees it when dropped.
pub(super) struct Slot {
    limiter: Limiter,
    endpoint: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self
            .limiter
            .endpoints
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(s) = map.get_mut(&self.endpoint) {
            s.in_flight = s.in_flight.saturating_sub(1);
        }
    }
}

impl Limiter {
    /// Admits a request, or says no (`None`). `sticky` keeps an endpoint
    /// limited once it has said no (a fault).
    pub(super) fn admit(
        &self,
        endpoint: &str,
        limit: RateLimit,
        sticky: Option<Sticky>,
    ) -> Option<Slot> {
        self.admit_at(Instant::now(), endpoint, limit, sticky)
    }

    /// [`Limiter::admit`] at a given instant, so tests name the time
    /// instead of sleeping through it.
    fn admit_at(
        &self,
        now: Instant,
        endpoint: &str,
        limit: RateLimit,
        sticky: Option<Sticky>,
    ) -> Option<Slot> {
        let mut map = self.endpoints.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.entry(endpoint.to_string()).or_default();
        if s.blocked_forever || s.blocked_until.is_some_and(|t| now < t) {
            return None;
        }
        let admitted = match limit {
            RateLimit::Off => true,
            RateLimit::InFlight(max) => s.in_flight < max,
            RateLimit::Window { requests, window } => {
                if s.window_start
                    .is_none_or(|t| now.duration_since(t) >= window)
                {
                    s.window_start = Some(now);
                    s.window_count = 0;
                }
                s.window_count += 1;
                s.window_count <= requests
            }
        };
        if !admitted {
            match sticky {
                Some(Sticky::For(d)) => s.blocked_until = Some(now + d),
                Some(Sticky::Forever) => s.blocked_forever = true,
                None => {}
            }
            return None;
        }
        s.in_flight += 1;
        Some(Slot {
            limiter: self.clone(),
            endpoint: endpoint.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_limit_frees_slots_on_drop() {
        let l = Limiter::default();
        let a = l.admit("e", RateLimit::InFlight(1), None);
        assert!(a.is_some());
        assert!(l.admit("e", RateLimit::InFlight(1), None).is_none());
        assert!(l.admit("other", RateLimit::InFlight(1), None).is_some());
        drop(a);
        assert!(l.admit("e", RateLimit::InFlight(1), None).is_some());
    }

    #[test]
    fn window_limit_counts_per_window() {
        let l = Limiter::default();
        let w = RateLimit::Window {
            requests: 2,
            window: Duration::from_secs(60),
        };
        assert!(l.admit("e", w, None).is_some());
        assert!(l.admit("e", w, None).is_some());
        assert!(l.admit("e", w, None).is_none());
    }

    #[test]
    fn a_forever_sticky_limit_never_admits_again() {
        let l = Limiter::default();
        let a = l.admit("e", RateLimit::InFlight(1), Some(Sticky::Forever));
        assert!(a.is_some());
        assert!(l
            .admit("e", RateLimit::InFlight(1), Some(Sticky::Forever))
            .is_none());
        drop(a);
        for _ in 0..3 {
            assert!(l
                .admit("e", RateLimit::InFlight(1), Some(Sticky::Forever))
                .is_none());
        }
        assert!(l
            .admit("other", RateLimit::InFlight(1), Some(Sticky::Forever))
            .is_some());
    }

    /// The instants are named, not slept through: a loaded machine cannot
    /// make the window pass early or late.
    #[test]
    fn a_timed_sticky_limit_ends() {
        let l = Limiter::default();
        let sticky = Some(Sticky::For(Duration::from_millis(50)));
        let one = RateLimit::InFlight(1);
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let a = l.admit_at(t0, "e", one, sticky);
        assert!(a.is_some());
        // Said no at t0: limited until t0 + 50 ms, even with the slot free.
        assert!(l.admit_at(t0, "e", one, sticky).is_none());
        drop(a);
        assert!(l.admit_at(ms(49), "e", one, sticky).is_none());
        assert!(l.admit_at(ms(50), "e", one, sticky).is_some());
    }

    #[test]
    fn a_window_limit_opens_again_when_its_window_has_passed() {
        let l = Limiter::default();
        let w = RateLimit::Window {
            requests: 1,
            window: Duration::from_millis(50),
        };
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        assert!(l.admit_at(t0, "e", w, None).is_some());
        assert!(l.admit_at(ms(49), "e", w, None).is_none());
        assert!(l.admit_at(ms(50), "e", w, None).is_some());
    }
}
