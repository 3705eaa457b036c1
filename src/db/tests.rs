use super::*;

#[test]
fn urls_name_their_backend() {
    let (b, u) = normalise_url("postgres://u@localhost/db").unwrap();
    assert_eq!(
        (b, u.as_str()),
        (Backend::Postgres, "postgres://u@localhost/db")
    );
    let (b, u) = normalise_url("data/practices.db").unwrap();
    assert_eq!(
        (b, u.as_str()),
        (Backend::Sqlite, "sqlite://data/practices.db?mode=rwc")
    );
    let (_, u) = normalise_url("sqlite:/tmp/x.db").unwrap();
    assert_eq!(u, "sqlite:///tmp/x.db?mode=rwc");
    let (_, u) = normalise_url("sqlite:///tmp/x.db").unwrap();
    assert_eq!(u, "sqlite:///tmp/x.db?mode=rwc");
    for bad in ["", "  ", "sqlite::memory:", "mysql://x/y", "sqlite:"] {
        assert!(
            matches!(normalise_url(bad), Err(DbError::Invalid { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn etags_round_trip_and_refuse_others() {
    let v = Version(12);
    assert_eq!(v.etag("abc-1"), "\"abc-1-12\"");
    assert_eq!(Version::from_etag("abc-1", "\"abc-1-12\""), Some(v));
    for bad in [
        "abc-1-12",
        "W/\"abc-1-12\"",
        "\"abc-2-12\"",
        "\"abc-1-\"",
        "\"abc-1-x\"",
        "\"abc-1-+1\"",
    ] {
        assert_eq!(Version::from_etag("abc-1", bad), None, "{bad}");
    }
}
