//! Nodes following the store's log of public changes (issue 25): every
//! committed change reaches every node's read path, in order and once; a
//! node started later reads on from its own number; on PostgreSQL a lost
//! listening connection loses nothing. Each test runs on a fresh SQLite file
//! and again on PostgreSQL in a schema of its own when
//! `MAPA_TEST_DATABASE_URL` names a server (without it the PostgreSQL runs
//! say so and pass).

use std::time::Duration;

use mapa_praktyk::dataset::follow::{FollowConfig, Follower};
use mapa_praktyk::db::Store;
use mapa_praktyk::gazetteer::{AdminChain, AdminRef};
use mapa_praktyk::live::Live;
use mapa_praktyk::practice::{Area, Practice};
use mapa_praktyk::snapshot::Snapshot;
use mapa_praktyk::workflow::{Action, Actor, Intent, Role};

struct Fixture {
    store: Store,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("t.db").to_str().unwrap().to_string();
    let store = Store::open(&url).await.unwrap();
    Fixture {
        store,
        url,
        _dir: Some(dir),
    }
}

async fn postgres(test: &str) -> Option<Fixture> {
    let Ok(url) = std::env::var("MAPA_TEST_DATABASE_URL") else {
        eprintln!("{test}: MAPA_TEST_DATABASE_URL not set; PostgreSQL not tested here");
        return None;
    };
    let schema = format!("feed_{}_{}", test, std::process::id());
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url).await.unwrap();
    admin
        .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}options=-csearch_path%3D{schema}");
    Some(Fixture {
        store: Store::open(&url).await.unwrap(),
        url,
        _dir: None,
    })
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::sqlite().await;
                    super::$name(f).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::postgres(stringify!($name)).await {
                        super::$name(f).await;
                    }
                }
            )*
        }
    };
}

both!(
    every_node_applies_every_change_in_order,
    a_node_started_later_reads_on_from_its_own_number,
    readiness_reports_the_lag_of_a_node_that_cannot_read_the_log,
    a_node_starts_from_its_snapshot_file_and_reads_the_log_on,
);

fn practice(id: &str, title: &str) -> Practice {
    let mut p = Practice::new(id.into(), title.into(), Area::Kultura, "test".into());
    p.summary = "Opis praktyki.".into();
    p.admin = AdminChain {
        gmina: Some(AdminRef::new("126101", "Kraków")),
        powiat: Some(AdminRef::new("1261", "Kraków")),
        voivodeship: Some(AdminRef::new("12", "małopolskie")),
    };
    p
}

async fn editor(store: &Store) -> Actor {
    store
        .add_account(
            "editor@example.org",
            "",
            Role::Editor,
            &[],
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        )
        .await
        .unwrap()
        .actor()
}

/// A node: an empty read path following the log after `from`, polling
/// slowly (so a test sees notifications and kicks, not the poll).
async fn node(store: &Store, from: i64) -> (Live, Follower) {
    let live = Live::new(Snapshot::new(Vec::new()), false);
    let config = FollowConfig {
        poll: Duration::from_secs(30),
        max_lag: Duration::from_secs(1),
    };
    let f = Follower::start(store.clone(), live.clone(), from, config);
    (live, f)
}

const WAIT: Duration = Duration::from_secs(20);

fn title(live: &Live, id: &str) -> Option<String> {
    live.current().by_id(id).map(|p| p.title)
}

async fn every_node_applies_every_change_in_order(f: Fixture) {
    let store = f.store;
    let ed = editor(&store).await;
    let (a, fa) = node(&store, 0).await;
    let (b, fb) = node(&store, 0).await;
    let mut last = 0;
    for i in 0..5 {
        let w = store
            .create(
                &ed,
                practice(&format!("p{i}"), &format!("Tytuł {i}")),
                Intent::Publish,
            )
            .await
            .unwrap();
        let seq = w.seq.expect("a published practice is logged");
        assert!(seq > last, "numbers grow: {seq} after {last}");
        last = seq;
    }
    // A draft is not public: not logged, not applied.
    let draft = store
        .create(&ed, practice("draft", "Szkic"), Intent::Draft)
        .await
        .unwrap();
    assert_eq!(draft.seq, None);
    let e = store.entry(&ed, "p1").await.unwrap();
    let w = store
        .edit(
            &ed,
            "p1",
            practice("p1", "Nowy tytuł"),
            e.version,
            Intent::Publish,
        )
        .await
        .unwrap();
    last = w.seq.unwrap();
    let w = store.act(&ed, "p3", Action::Archive, None).await.unwrap();
    last = w.seq.unwrap().max(last);
    for (live, f) in [(&a, &fa), (&b, &fb)] {
        assert!(f.wait_for(last, WAIT).await, "the node reached {last}");
        assert_eq!(f.applied(), last);
        let view = live.current();
        assert_eq!(view.len(), 4, "p0, p1, p2, p4");
        assert_eq!(title(live, "p1").as_deref(), Some("Nowy tytuł"));
        assert_eq!(title(live, "p3"), None);
        assert_eq!(title(live, "draft"), None);
        // Nothing more to read: every change was applied once.
        assert_eq!(f.catch_up().await.unwrap(), 0);
        let s = f.status().await;
        assert_eq!((s.applied, s.head, s.lag_changes), (last, last, 0));
        assert!(s.ready);
    }
}

async fn a_node_started_later_reads_on_from_its_own_number(f: Fixture) {
    let store = f.store;
    let ed = editor(&store).await;
    for i in 0..3 {
        store
            .create(&ed, practice(&format!("p{i}"), "Stary"), Intent::Publish)
            .await
            .unwrap();
    }
    let from = store.last_change().await.unwrap();
    for i in 3..5 {
        store
            .create(&ed, practice(&format!("p{i}"), "Nowy"), Intent::Publish)
            .await
            .unwrap();
    }
    let head = store.last_change().await.unwrap();
    let (live, f) = node(&store, from).await;
    assert!(f.wait_for(head, WAIT).await);
    // Only what came after its number: the two new practices.
    let mut ids: Vec<String> = live.current().practices().map(|p| p.id).collect();
    ids.sort();
    assert_eq!(ids, ["p3", "p4"]);
}

/// Runs one statement on the fixture's database, on a connection of its own.
async fn exec(url: &str, sql: &str) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("postgres") {
        url.to_string()
    } else {
        format!("sqlite://{url}")
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    pool.execute(sql).await.unwrap();
    pool.close().await;
}

async fn readiness_reports_the_lag_of_a_node_that_cannot_read_the_log(f: Fixture) {
    // The log's head can be read but not the records it published (their
    // table moved away): a node knows it is behind, and after the limit it
    // is not ready; once it can read again it catches up and is ready.
    let store = f.store;
    let ed = editor(&store).await;
    let mut head = 0;
    for i in 0..2 {
        let w = store
            .create(&ed, practice(&format!("p{i}"), "Tytuł"), Intent::Publish)
            .await
            .unwrap();
        head = w.seq.unwrap();
    }
    exec(&f.url, "ALTER TABLE revisions RENAME TO revisions_away").await;
    let (live, node) = node(&store, 0).await;
    let behind = node.status().await;
    assert_eq!(
        (behind.applied, behind.head, behind.lag_changes),
        (0, head, head)
    );
    assert!(node.catch_up().await.is_err());
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let late = node.status().await;
    assert!(!late.ready, "behind for longer than the limit: {late:?}");
    assert!(late.error.is_some());
    exec(&f.url, "ALTER TABLE revisions_away RENAME TO revisions").await;
    assert!(node.wait_for(head, WAIT).await);
    let s = node.status().await;
    assert!(s.ready && s.lag_changes == 0 && s.error.is_none(), "{s:?}");
    assert_eq!(live.current().len(), 2);
}

async fn a_node_starts_from_its_snapshot_file_and_reads_the_log_on(f: Fixture) {
    use mapa_praktyk::dataset::database::load_at;
    let store = f.store;
    let ed = editor(&store).await;
    for i in 0..3 {
        store
            .create(&ed, practice(&format!("p{i}"), "Stary"), Intent::Publish)
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("node.snapshot");
    let built = load_at(&store, Some(&file), false).await.unwrap();
    assert!(!built.from_file);
    assert_eq!(built.snapshot.len(), 3);
    assert!(
        file.exists(),
        "the snapshot file is written for the next start"
    );
    let e = store.entry(&ed, "p0").await.unwrap();
    store
        .edit(
            &ed,
            "p0",
            practice("p0", "Nowy"),
            e.version,
            Intent::Publish,
        )
        .await
        .unwrap();
    store
        .create(&ed, practice("p3", "Nowy"), Intent::Publish)
        .await
        .unwrap();
    let head = store.last_change().await.unwrap();
    let again = load_at(&store, Some(&file), false).await.unwrap();
    assert!(again.from_file);
    assert_eq!(again.seq, built.seq);
    assert_eq!(again.snapshot.len(), 3, "as the file holds it");
    let live = Live::new(again.snapshot, false);
    let follower = Follower::start(
        store.clone(),
        live.clone(),
        again.seq,
        FollowConfig::default(),
    );
    assert!(follower.wait_for(head, WAIT).await);
    assert_eq!(live.current().len(), 4);
    assert_eq!(title(&live, "p0").as_deref(), Some("Nowy"));
    // A file of another database is not used.
    let other = sqlite().await;
    let ed2 = editor(&other.store).await;
    for i in 0..5 {
        other
            .store
            .create(&ed2, practice(&format!("q{i}"), "Inna"), Intent::Publish)
            .await
            .unwrap();
    }
    let foreign = load_at(&other.store, Some(&file), false).await.unwrap();
    assert!(!foreign.from_file);
    assert_eq!(foreign.snapshot.len(), 5);
}
