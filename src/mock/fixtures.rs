//! The mock's fixed data: the custom PSA tickets each style knows (with
//! their creation dates written the way that style's server would write
//! them) and the credentials one mock instance generates and accepts.

use super::options::{MockCredentials, Style};
use super::tokens::{TokenAuthority, TokenKind, ACCESS_EXPIRY_SECS};
use crate::redact::Secret;

/// One custom PSA ticket.
pub(super) struct Ticket {
    pub id: &'static str,
    pub title: &'static str,
    pub details: &'static str,
    pub status: &'static str,
    pub created: &'static str,
}

/// N-central's own example ticket and one more, `ISO_ZONED_DATE_TIME` style.
const CANONICAL: &[Ticket] = &[
    Ticket {
        id: "1142285696",
        title: "Network Connectivity Issue",
        details: "Customer reporting intermittent connectivity",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-02-21T06:28:10.624-05:00[America/New_York]",
    },
    Ticket {
        id: "1142285697",
        title: "Disk space low on FS01",
        details: "C: below 5% free",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-03-02T11:04:55.001+01:00[Europe/Paris]",
    },
    Ticket {
        id: "1142285698",
        title: "Firewall rule review",
        details: "Waiting for its PSA ticket",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-03-05T08:15:00.250-05:00[America/New_York]",
    },
    Ticket {
        id: "1142285699",
        title: "Patch window missed on SRV07",
        details: "Open; its PSA may resolve and reopen it",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-03-06T17:42:31.007-05:00[America/New_York]",
    },
];

/// Other ids (one beyond int32), other statuses, plain RFC 3339 dates.
const ALTERNATE: &[Ticket] = &[
    Ticket {
        id: "42",
        title: "Printer offline",
        details: "Floor 3 printer unreachable since 09:00",
        status: "TICKET_RESOLVED",
        created: "2025-07-01T12:00:00Z",
    },
    Ticket {
        id: "987654321012",
        title: "VPN tunnel flapping",
        details: "",
        status: "UPDATE_TICKET_PENDING_2",
        created: "2025-01-15T23:59:59.5+05:30",
    },
    Ticket {
        id: "43",
        title: "New laptop for J. Doe",
        details: "",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2025-02-01T09:00:00Z",
    },
    Ticket {
        id: "44",
        title: "Shared mailbox full",
        details: "Sales mailbox at 99%",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2025-02-02T10:30:00.5+01:00",
    },
];

/// What `ZonedDateTime.toString()` writes: no seconds when seconds and
/// nanos are zero, 3, 6 or 9 fraction digits, region or offset zone ids.
const NCENTRAL: &[Ticket] = &[
    Ticket {
        id: "1187340021",
        title: "Backup job failed on SQL02",
        details: "Nightly backup ended with VSS error 0x8004230f",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-02-21T06:28-05:00[America/New_York]",
    },
    Ticket {
        id: "1187340022",
        title: "Agent offline",
        details: "Windows agent on WS-114 has not checked in for 2 hours",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-03-02T11:04:55.001+01:00[UTC+01:00]",
    },
    Ticket {
        id: "1187340023",
        title: "Certificate expires in 7 days",
        details: "",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-10-27T02:30:00.123456789Z[UTC]",
    },
    Ticket {
        id: "1187340024",
        title: "RAID degraded on NAS01",
        details: "Disk 3 reported failed",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-11-03T01:30-04:00[America/New_York]",
    },
    Ticket {
        id: "1187340025",
        title: "Antivirus definitions out of date",
        details: "",
        status: "CREATE_TICKET_CREATED_IN_NCENTRAL",
        created: "2024-11-04T12:00:00.100200Z[UTC]",
    },
];

/// The tickets a style knows, the first one being the target's ticket.
pub(super) fn for_style(style: Style) -> &'static [Ticket] {
    match style {
        Style::Canonical => CANONICAL,
        Style::Alternate => ALTERNATE,
        Style::Ncentral => NCENTRAL,
    }
}

/// The tickets a style lets profile extended change: (pending, resolvable),
/// its last two, both int32 ids as N-central's create request needs.
pub(super) fn lifecycle_ids(style: Style) -> (&'static str, &'static str) {
    let tickets = for_style(style);
    let n = tickets.len();
    (tickets[n - 2].id, tickets[n - 1].id)
}

/// Whether a path parameter is a custom PSA ticket id (`^[1-9][0-9]*$`,
/// at most 19 digits: a Java `long`).
pub(super) fn well_formed_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('0')
        && id.len() <= 19
        && id.bytes().all(|b| b.is_ascii_digit())
}

/// A random secret of this process, recognisable by its prefix.
pub(super) fn random_secret(prefix: &str) -> String {
    format!("{prefix}-{:032x}", rand::random::<u128>())
}

/// Fresh credentials for one mock instance: tokens signed by `tokens`, a
/// random integration key and PSA password, the tickets of `style`.
pub(super) fn credentials(tokens: &TokenAuthority, style: Style) -> MockCredentials {
    MockCredentials {
        user_api_jwt: Secret::new(tokens.issue(TokenKind::UserApi, "psa-conformance", 86400 * 365)),
        access_token: Secret::new(tokens.issue(
            TokenKind::Access,
            "psa-conformance",
            ACCESS_EXPIRY_SECS,
        )),
        integration_key: Secret::new(random_secret("ik")),
        psa_type: "3".into(),
        username: "psa-admin@example.com".into(),
        password: Secret::new(random_secret("pw")),
        ticket_ids: for_style(style).iter().map(|t| t.id.to_string()).collect(),
        pending_ticket_id: lifecycle_ids(style).0.to_string(),
        resolvable_ticket_id: lifecycle_ids(style).1.to_string(),
    }
}
