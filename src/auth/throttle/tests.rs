use super::*;

fn config() -> ThrottleConfig {
    let limits = |free| Limits {
        free_failures: free,
        first_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(60),
        forget_after: Duration::from_secs(600),
    };
    ThrottleConfig {
        per_address: limits(10),
        per_account: limits(3),
        capacity: 100,
    }
}

const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

#[test]
fn free_failures_then_growing_delays() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for _ in 0..3 {
        assert_eq!(t.check(HOME, "a@x.pl", now), Ok(()));
        t.failed(HOME, "a@x.pl", now);
    }
    // The fourth failure closes the door for 1 s, the fifth for 2 s, then 4 s.
    t.failed(HOME, "a@x.pl", now);
    assert_eq!(
        t.check(HOME, "a@x.pl", now),
        Err(Wait {
            retry_after_secs: 1
        })
    );
    let later = now + Duration::from_secs(1);
    assert_eq!(t.check(HOME, "a@x.pl", later), Ok(()));
    t.failed(HOME, "a@x.pl", later);
    assert_eq!(
        t.check(HOME, "a@x.pl", later),
        Err(Wait {
            retry_after_secs: 2
        })
    );
    let later = later + Duration::from_secs(2);
    t.failed(HOME, "a@x.pl", later);
    assert_eq!(
        t.check(HOME, "a@x.pl", later),
        Err(Wait {
            retry_after_secs: 4
        })
    );
    // Another account from the same address is not held back yet.
    assert_eq!(t.check(HOME, "b@x.pl", later), Ok(()));
}

#[test]
fn the_delay_is_capped() {
    let t = Throttle::new(config());
    let mut now = Instant::now();
    for _ in 0..40 {
        t.failed(HOME, "a@x.pl", now);
        now += Duration::from_millis(1);
    }
    let w = t.check(HOME, "a@x.pl", now).unwrap_err();
    assert_eq!(w.retry_after_secs, 60);
}

#[test]
fn accounts_are_one_spelling() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for spelling in ["A@X.pl", " a@x.pl", "a@x.PL", "a@x.pl"] {
        t.failed(HOME, spelling, now);
    }
    assert!(t.check(HOME, "a@x.pl", now).is_err());
}

#[test]
fn an_address_guessing_many_accounts_is_slowed() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for i in 0..11 {
        t.failed(HOME, &format!("user{i}@x.pl"), now);
    }
    assert!(t.check(HOME, "fresh@x.pl", now).is_err());
    let elsewhere = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));
    assert_eq!(t.check(elsewhere, "fresh@x.pl", now), Ok(()));
}

#[test]
fn ipv6_counts_per_64() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for i in 0..11u16 {
        let ip: IpAddr = format!("2001:db8:1:2::{i:x}").parse().unwrap();
        t.failed(ip, &format!("u{i}@x.pl"), now);
    }
    let same_64: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
    let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
    assert!(t.check(same_64, "new@x.pl", now).is_err());
    assert_eq!(t.check(other_64, "new@x.pl", now), Ok(()));
    let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
    assert_eq!(address_key(mapped), HOME);
}

#[test]
fn success_clears_the_account_not_the_address() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for _ in 0..11 {
        t.failed(HOME, "a@x.pl", now);
    }
    t.succeeded("a@x.pl");
    let other: IpAddr = "203.0.113.9".parse().unwrap();
    assert_eq!(t.check(other, "a@x.pl", now), Ok(()));
    assert!(t.check(HOME, "someone@x.pl", now).is_err());
}

#[test]
fn failures_are_forgotten_after_a_quiet_while() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for _ in 0..4 {
        t.failed(HOME, "a@x.pl", now);
    }
    let much_later = now + Duration::from_secs(601);
    assert_eq!(t.check(HOME, "a@x.pl", much_later), Ok(()));
    // One failure after the quiet while is a first failure again: no delay.
    t.failed(HOME, "a@x.pl", much_later);
    assert_eq!(t.check(HOME, "a@x.pl", much_later), Ok(()));
}

#[test]
fn memory_is_bounded() {
    let t = Throttle::new(config());
    let now = Instant::now();
    for i in 0..1000u32 {
        let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
        t.failed(
            ip,
            &format!("user{i}@x.pl"),
            now + Duration::from_millis(u64::from(i)),
        );
    }
    let (addresses, accounts) = t.len();
    assert_eq!((addresses, accounts), (100, 100));
    // The newest keys are kept: the last account still has its failure.
    let last = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + 999));
    for _ in 0..3 {
        t.failed(last, "user999@x.pl", now + Duration::from_secs(2));
    }
    assert!(
        t.check(last, "user999@x.pl", now + Duration::from_secs(2))
            .is_err()
    );
}
