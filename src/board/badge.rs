//! `badges/<vendor>.svg`: "N-central PSA | <status>", with a `<title>` and
//! `role="img"`, the status in words on its colour. Static SVG: no script,
//! no font or image fetched.

/// The badge's left half.
const LABEL: &str = "N-central PSA";

/// Text colour on white (the left half) and each status's background;
/// every pair has a contrast of at least 4.5:1 with white text.
fn colour(status: &str) -> &'static str {
    match status {
        "accepted" => "#1a7f37",
        "accepted-with-waivers" => "#0550ae",
        "not-accepted" => "#b3191a",
        "stale" => "#7a4f00",
        _ => "#555f6a",
    }
}

/// A width for `text` in 11px Verdana-like type: ~6.5px a character.
fn width(text: &str) -> usize {
    text.chars().count() * 13 / 2 + 12
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The badge of vendor `name` with `status`.
pub(crate) fn svg(name: &str, status: &str) -> String {
    let (lw, rw) = (width(LABEL), width(status));
    let total = lw + rw;
    let title = escape(&format!("{name}: {LABEL} {status}"));
    let status = escape(status);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">
<title>{title}</title>
<rect width="{lw}" height="20" fill="#3d444d"/>
<rect x="{lw}" width="{rw}" height="20" fill="{fill}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="{lx}" y="14">{LABEL}</text>
<text x="{rx}" y="14">{status}</text>
</g>
</svg>
"##,
        fill = colour(&status),
        lx = lw / 2,
        rx = lw + rw / 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_names_the_status_in_words_and_in_its_title() {
        let b = svg("Acme <PSA>", "accepted-with-waivers");
        assert!(b.contains("<title>Acme &lt;PSA&gt;: N-central PSA accepted-with-waivers</title>"));
        assert!(b.contains(">accepted-with-waivers</text>"));
        assert!(b.contains("#0550ae"));
        assert!(!b.contains("<script") && !b.contains("href"));
    }
}
