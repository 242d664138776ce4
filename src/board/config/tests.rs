//! Unit tests of `board::config`.

use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn keyed_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::attest::keys::generate(&dir.path().join("acme")).unwrap();
    dir
}

#[test]
fn a_good_keys_file_gives_each_vendor_its_keys_then_the_programs() {
    let dir = keyed_dir();
    crate::attest::keys::generate(&dir.path().join("prog")).unwrap();
    let p = write(
        dir.path(),
        "KEYS.toml",
        "[program]\nkeys = [\"prog.pub\"]\n[vendors.acme]\nname = \"Acme PSA\"\nside = \"psa\"\nkeys = [\"acme.pub\"]\n[vendors.nc]\nname = \"N\"\nside = \"ncentral\"\n",
    );
    let v = load_keys(&p).unwrap();
    assert_eq!(v["acme"].keys.len(), 2);
    assert_eq!(v["acme"].side, Side::Psa);
    assert_eq!(v["nc"].keys.len(), 1);
}

#[test]
fn each_bad_keys_file_names_its_line_and_key() {
    let dir = keyed_dir();
    for (text, line, key) in [
        (
            "[vendors.acme]\nname = \"A\"\nside = \"both\"\nkeys = [\"acme.pub\"]\n",
            3,
            "vendors.acme.side",
        ),
        (
            "[vendors.acme]\nname = \"A\"\nside = \"psa\"\nkeys = [\"nope.pub\"]\n",
            4,
            "vendors.acme.keys",
        ),
        (
            "[vendors.Acme]\nname = \"A\"\nside = \"psa\"\nkeys = [\"acme.pub\"]\n",
            1,
            "vendors.Acme",
        ),
        (
            "[vendors.acme]\nname = \"A\"\nsides = \"psa\"\nkeys = [\"acme.pub\"]\n",
            3,
            "sides",
        ),
        (
            "[vendors.acme]\nname = \"A\"\nside = \"psa\"\n",
            1,
            "vendors.acme.keys",
        ),
        (
            "[vendors.acme]\nname = \"A\"\n\nside = psa\n",
            4,
            "(document)",
        ),
    ] {
        let p = write(dir.path(), "KEYS.toml", text);
        let e = load_keys(&p).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (line, key), "{text}: {e}");
        assert!(e.to_string().contains("KEYS.toml line"), "{e}");
    }
}

#[test]
fn each_bad_waiver_names_its_line_and_key() {
    let dir = keyed_dir();
    let keys = write(
        dir.path(),
        "KEYS.toml",
        "[vendors.acme]\nname = \"A\"\nside = \"psa\"\nkeys = [\"acme.pub\"]\n",
    );
    let vendors = load_keys(&keys).unwrap();
    let good = "[[waiver]]\nvendor = \"acme\"\nrequirement = \"CB-05\"\nreason = \"r\"\nexpires = \"2027-01-31\"\napproved_by = \"p@example.com\"\n";
    let w = load_waivers(&write(dir.path(), "W.toml", good), &vendors).unwrap();
    assert_eq!(w[0].expires, jiff::civil::date(2027, 1, 31));
    let at = |d: &str| d.parse::<jiff::Timestamp>().unwrap();
    assert!(w[0].in_force(at("2027-01-31T23:59:59Z")));
    assert!(!w[0].in_force(at("2027-02-01T00:00:00Z")));
    for (from, to, line, key) in [
        ("\"acme\"", "\"zeta\"", 2, "waiver[0].vendor"),
        ("\"CB-05\"", "\"CB-99\"", 3, "waiver[0].requirement"),
        ("\"CB-05\"", "\"CRED-01\"", 3, "waiver[0].requirement"),
        ("\"2027-01-31\"", "\"next year\"", 5, "waiver[0].expires"),
        ("reason = \"r\"", "reason = \" \"", 4, "waiver[0].reason"),
        ("approved_by", "approved", 6, "approved"),
    ] {
        let p = write(dir.path(), "W.toml", &good.replace(from, to));
        let e = load_waivers(&p, &vendors).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (line, key), "{to}: {e}");
    }
    let literal = good.replace("\"2027-01-31\"", "2027-01-31");
    let w = load_waivers(&write(dir.path(), "W.toml", &literal), &vendors).unwrap();
    assert_eq!(w[0].expires, jiff::civil::date(2027, 1, 31));
}
