//! The store's contract, run against both backends: every test runs on a
//! fresh SQLite file, and again on PostgreSQL in a schema of its own when
//! `MAPA_TEST_DATABASE_URL` names a server (`scripts/test` starts a
//! throwaway one; without the variable the PostgreSQL runs say so and pass).

use std::collections::HashMap;

use mapa_praktyk::db::{
    ChangeKind, DbError, PublicChange, QueueFilter, QueueKind, RevisionKind, Store, Version,
};
use mapa_praktyk::gazetteer::{AdminChain, AdminRef};
use mapa_praktyk::practice::{Area, Practice};
use mapa_praktyk::workflow::{Action, Actor, Intent, Role, Status};

/// A store for one test: `Some` with a guard that keeps its files (or
/// schema) alive; `None` when the backend is not available.
struct Fixture {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("t.db").to_str().unwrap())
        .await
        .unwrap();
    Fixture {
        store,
        _dir: Some(dir),
    }
}

async fn postgres(test: &str) -> Option<Fixture> {
    let Ok(url) = std::env::var("MAPA_TEST_DATABASE_URL") else {
        eprintln!("{test}: MAPA_TEST_DATABASE_URL not set; PostgreSQL not tested here");
        return None;
    };
    // A schema of its own per test, dropped first if an earlier run left it.
    let schema = format!("t_{}_{}", test, std::process::id());
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url)
        .await
        .expect("MAPA_TEST_DATABASE_URL connects");
    admin
        .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}options=-csearch_path%3D{schema}");
    Some(Fixture {
        store: Store::open(&url)
            .await
            .expect("the store opens on PostgreSQL"),
        _dir: None,
    })
}

/// `contract!(name)` runs `async fn name(store: Store)` on both backends.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::sqlite().await;
                    super::$name(f.store.clone()).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::postgres(stringify!($name)).await {
                        super::$name(f.store.clone()).await;
                    }
                }
            )*
        }
    };
}

contract!(
    accounts_are_unique_by_email_in_any_case,
    tokens_work_until_revoked_or_the_account_is_disabled,
    sessions_are_stored_and_end_with_the_account,
    drafts_are_seen_by_their_author_and_editors_only,
    contributors_cannot_publish,
    the_workflow_from_draft_to_published_with_comments,
    an_edit_of_a_published_practice_waits_while_the_old_version_stays_public,
    contributors_propose_changes_only_in_their_units,
    a_stale_version_is_a_conflict,
    history_records_author_time_and_changed_fields_and_restores,
    the_queue_lists_submissions_and_pending_revisions_for_editors,
    mine_lists_an_authors_work_with_comments,
    archive_removes_from_the_public_and_logs_it,
    import_submits_publishes_and_never_overwrites_peoples_edits,
    seed_and_published_pages_and_the_change_log,
    hostile_text_is_stored_verbatim_and_changes_nothing_else,
    concurrent_publishes_reach_the_read_path_in_commit_order,
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

async fn account(store: &Store, email: &str, role: Role, units: &[&str]) -> Actor {
    let units: Vec<String> = units.iter().map(|u| u.to_string()).collect();
    store
        .add_account(
            email,
            "",
            role,
            &units,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        )
        .await
        .unwrap()
        .actor()
}

fn comment(s: &str) -> String {
    s.to_string()
}

async fn published_ids(store: &Store) -> Vec<String> {
    let mut ids = Vec::new();
    store
        .published(2, |batch| ids.extend(batch.into_iter().map(|p| p.id)))
        .await
        .unwrap();
    ids
}

async fn public_title(store: &Store, id: &str) -> Option<String> {
    let mut title = None;
    store
        .published(100, |batch| {
            for p in batch {
                if p.id == id {
                    title = Some(p.title);
                }
            }
        })
        .await
        .unwrap();
    title
}

async fn accounts_are_unique_by_email_in_any_case(store: Store) {
    let a = store
        .add_account("Ala@Example.org", "Ala", Role::Editor, &[], "hash")
        .await
        .unwrap();
    assert_eq!(a.email, "Ala@Example.org");
    assert_eq!(a.role, Role::Editor);
    let dup = store
        .add_account("ala@example.ORG", "", Role::Contributor, &[], "hash")
        .await;
    assert!(matches!(dup, Err(DbError::Duplicate { .. })), "{dup:?}");
    let (found, hash) = store.account_by_email("ALA@example.org").await.unwrap();
    assert_eq!((found.id, hash.as_str()), (a.id, "hash"));
    assert!(matches!(
        store.account_by_email("ola@example.org").await,
        Err(DbError::NotFound { .. })
    ));
    for bad in ["", "no-at-sign", "@example.org", "a b@example.org"] {
        assert!(
            matches!(
                store
                    .add_account(bad, "", Role::Contributor, &[], "h")
                    .await,
                Err(DbError::Invalid { .. })
            ),
            "{bad:?}"
        );
    }
    let units = vec!["1261011".to_string(), "12".to_string(), "12".to_string()];
    let c = store
        .add_account("c@example.org", "C", Role::Contributor, &units, "h")
        .await
        .unwrap();
    assert_eq!(c.units, vec!["12".to_string(), "126101".to_string()]);
    assert!(matches!(
        store
            .add_account("d@example.org", "", Role::Contributor, &["12x".into()], "h")
            .await,
        Err(DbError::Invalid { .. })
    ));
    let c = store.set_role(c.id, Role::Editor).await.unwrap();
    assert_eq!(c.role, Role::Editor);
    let c = store.set_units(c.id, &["14".into()]).await.unwrap();
    assert_eq!(c.units, vec!["14".to_string()]);
    let all = store.accounts().await.unwrap();
    assert_eq!(
        all.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![a.id, c.id]
    );
}

async fn tokens_work_until_revoked_or_the_account_is_disabled(store: Store) {
    let a = store
        .add_account("t@example.org", "T", Role::Contributor, &[], "h")
        .await
        .unwrap();
    let h1 = "a".repeat(64);
    let h2 = "b".repeat(64);
    let t1 = store.add_token(a.id, &h1, "qgis").await.unwrap();
    let t2 = store.add_token(a.id, &h2, "script").await.unwrap();
    assert_ne!(t1, t2);
    assert_eq!(
        store.account_by_token(&h1).await.unwrap().map(|x| x.1),
        Some(t1)
    );
    assert!(
        store
            .account_by_token(&"c".repeat(64))
            .await
            .unwrap()
            .is_none()
    );
    store.revoke_token(t1).await.unwrap();
    assert!(store.account_by_token(&h1).await.unwrap().is_none());
    assert!(store.account_by_token(&h2).await.unwrap().is_some());
    let tokens = store.tokens(a.id).await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert!(tokens[0].revoked_at.is_some() && tokens[1].revoked_at.is_none());
    assert_eq!(tokens[1].label, "script");
    let disabled = store.disable_account("T@example.org").await.unwrap();
    assert!(!disabled.is_active());
    assert!(store.account_by_token(&h2).await.unwrap().is_none());
    assert!(
        store
            .tokens(a.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.revoked_at.is_some())
    );
    assert!(matches!(
        store.add_token(a.id, &"d".repeat(64), "x").await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.revoke_token(mapa_praktyk::db::TokenId(9999)).await,
        Err(DbError::NotFound { .. })
    ));
}

async fn sessions_are_stored_and_end_with_the_account(store: Store) {
    use mapa_praktyk::db::SessionRecord;
    let a = store
        .add_account("s@example.org", "S", Role::Editor, &[], "h")
        .await
        .unwrap();
    let rec = SessionRecord {
        account: Some(a.id),
        data: "{\"csrf\":\"x\"}".into(),
        expires_at: 2_000,
    };
    store.session_save("sid1", &rec).await.unwrap();
    store
        .session_save(
            "anon",
            &SessionRecord {
                account: None,
                data: "{}".into(),
                expires_at: 2_000,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.session_load("sid1", 1_000).await.unwrap(),
        Some(rec.clone())
    );
    assert_eq!(
        store.session_load("sid1", 2_000).await.unwrap(),
        None,
        "expired"
    );
    assert!(store.session_load("anon", 1_000).await.unwrap().is_some());
    let renewed = SessionRecord {
        expires_at: 3_000,
        ..rec
    };
    store.session_save("sid1", &renewed).await.unwrap();
    assert_eq!(
        store.session_load("sid1", 2_500).await.unwrap(),
        Some(renewed)
    );
    store.disable_account("s@example.org").await.unwrap();
    assert_eq!(store.session_load("sid1", 1_000).await.unwrap(), None);
    assert_eq!(
        store.sessions_delete_expired(2_500).await.unwrap(),
        1,
        "the anonymous one"
    );
    store.session_delete("anon").await.unwrap();
}

async fn drafts_are_seen_by_their_author_and_editors_only(store: Store) {
    let alice = account(&store, "alice@example.org", Role::Contributor, &[]).await;
    let bob = account(&store, "bob@example.org", Role::Contributor, &["12"]).await;
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let w = store
        .create(&alice, practice("p1", "Szkic"), Intent::Draft)
        .await
        .unwrap();
    assert_eq!(w.public, None);
    assert_eq!(w.entry.status, Status::Draft);
    assert_eq!(w.entry.version, Version(1));
    assert_eq!(w.entry.owner, alice.account());
    assert!(matches!(
        store.entry(&bob, "p1").await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.history(&bob, "p1").await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.act(&bob, "p1", Action::Submit, None).await,
        Err(DbError::NotFound { .. })
    ));
    assert_eq!(
        store.entry(&ed, "p1").await.unwrap().practice.title,
        "Szkic"
    );
    assert!(published_ids(&store).await.is_empty());
    assert!(matches!(
        store
            .create(&bob, practice("p1", "Inny"), Intent::Draft)
            .await,
        Err(DbError::Duplicate { .. })
    ));
    assert!(matches!(
        store.entry(&alice, "nope").await,
        Err(DbError::NotFound { .. })
    ));
}

async fn contributors_cannot_publish(store: Store) {
    let alice = account(&store, "alice@example.org", Role::Contributor, &["12"]).await;
    let r = store
        .create(&alice, practice("p1", "T"), Intent::Publish)
        .await;
    assert!(matches!(r, Err(DbError::Denied(_))), "{r:?}");
    store
        .create(&alice, practice("p1", "T"), Intent::Submit)
        .await
        .unwrap();
    let r = store.act(&alice, "p1", Action::Publish, None).await;
    assert!(matches!(r, Err(DbError::Denied(_))), "{r:?}");
    let r = store
        .edit(
            &alice,
            "p1",
            practice("p1", "T2"),
            Version(1),
            Intent::Publish,
        )
        .await;
    assert!(matches!(r, Err(DbError::Denied(_))), "{r:?}");
    assert!(matches!(
        store.queue(&alice, &QueueFilter::default()).await,
        Err(DbError::Denied(_))
    ));
    assert!(published_ids(&store).await.is_empty());
    assert_eq!(store.changes_since(0, 10).await.unwrap(), vec![]);
}

async fn the_workflow_from_draft_to_published_with_comments(store: Store) {
    let alice = account(&store, "alice@example.org", Role::Contributor, &[]).await;
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    store
        .create(&alice, practice("p1", "Pierwsza"), Intent::Draft)
        .await
        .unwrap();
    let w = store.act(&alice, "p1", Action::Submit, None).await.unwrap();
    assert_eq!(w.entry.status, Status::Submitted);
    let w = store
        .act(
            &ed,
            "p1",
            Action::RequestChanges {
                comment: comment("Dodaj opis kosztów"),
            },
            Some(w.entry.version),
        )
        .await
        .unwrap();
    assert_eq!(w.entry.status, Status::ChangesRequested);
    let seen = store.entry(&alice, "p1").await.unwrap();
    assert_eq!(seen.comments.len(), 1);
    assert_eq!(seen.comments[0].text, "Dodaj opis kosztów");
    assert_eq!(seen.comments[0].status, Status::ChangesRequested);
    let mut better = practice("p1", "Pierwsza");
    better.cost_pln = Some(12_000);
    let w = store
        .edit(&alice, "p1", better.clone(), seen.version, Intent::Submit)
        .await
        .unwrap();
    assert_eq!(w.entry.status, Status::Submitted);
    assert_eq!(w.public, None);
    let w = store
        .act(&ed, "p1", Action::Publish, Some(w.entry.version))
        .await
        .unwrap();
    assert_eq!(w.entry.status, Status::Published);
    assert_eq!(w.public, Some(PublicChange::Put(Box::new(better.clone()))));
    assert_eq!(w.entry.public_version, Some(w.entry.version));
    assert_eq!(published_ids(&store).await, vec!["p1".to_string()]);
    let log = store.changes_since(0, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].id.as_str(), log[0].kind), ("p1", ChangeKind::Put));
    assert_eq!(log[0].revision, Some(w.entry.version));
    // Rejecting a published practice is not in the table.
    assert!(matches!(
        store
            .act(
                &ed,
                "p1",
                Action::Reject {
                    comment: comment("x")
                },
                None
            )
            .await,
        Err(DbError::Denied(_))
    ));
    // A rejected one ends there for its author.
    store
        .create(&alice, practice("p2", "Druga"), Intent::Submit)
        .await
        .unwrap();
    let w = store
        .act(
            &ed,
            "p2",
            Action::Reject {
                comment: comment("Poza zakresem"),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(w.entry.status, Status::Rejected);
    assert!(matches!(
        store.act(&alice, "p2", Action::Submit, None).await,
        Err(DbError::Denied(_))
    ));
    assert_eq!(published_ids(&store).await, vec!["p1".to_string()]);
}

async fn an_edit_of_a_published_practice_waits_while_the_old_version_stays_public(store: Store) {
    let alice = account(&store, "alice@example.org", Role::Contributor, &[]).await;
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let w = store
        .create(&alice, practice("p1", "Stary tytuł"), Intent::Submit)
        .await
        .unwrap();
    let w = store
        .act(&ed, "p1", Action::Publish, Some(w.entry.version))
        .await
        .unwrap();
    let public_v = w.entry.version;
    let w = store
        .edit(
            &alice,
            "p1",
            practice("p1", "Nowy tytuł"),
            public_v,
            Intent::Draft,
        )
        .await
        .unwrap();
    assert_eq!(w.public, None);
    assert_eq!(w.entry.status, Status::Published);
    let pending = w.entry.pending.clone().expect("a pending revision");
    assert_eq!(pending.status, Status::Submitted);
    assert_eq!(pending.changed, vec!["title".to_string()]);
    assert_eq!(
        w.entry.practice.title, "Nowy tytuł",
        "its author sees the proposal"
    );
    // Readers, and a contributor who did not propose it, see the old one.
    assert_eq!(
        public_title(&store, "p1").await.as_deref(),
        Some("Stary tytuł")
    );
    let bob = account(&store, "bob@example.org", Role::Contributor, &[]).await;
    let seen = store.entry(&bob, "p1").await.unwrap();
    assert_eq!(seen.practice.title, "Stary tytuł");
    assert_eq!(seen.pending, None);
    assert!(seen.comments.is_empty());
    assert_eq!(seen.version, public_v);
    // The editor sends it back, the author fixes it, the editor publishes.
    let w = store
        .act(
            &ed,
            "p1",
            Action::RequestChanges {
                comment: comment("Literówka"),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        w.entry.pending.as_ref().unwrap().status,
        Status::ChangesRequested
    );
    assert_eq!(
        public_title(&store, "p1").await.as_deref(),
        Some("Stary tytuł")
    );
    let v = store.entry(&alice, "p1").await.unwrap().version;
    store
        .edit(
            &alice,
            "p1",
            practice("p1", "Nowy tytuł!"),
            v,
            Intent::Submit,
        )
        .await
        .unwrap();
    let w = store.act(&ed, "p1", Action::Publish, None).await.unwrap();
    assert_eq!(w.entry.pending, None);
    assert!(matches!(&w.public, Some(PublicChange::Put(p)) if p.title == "Nowy tytuł!"));
    assert_eq!(
        public_title(&store, "p1").await.as_deref(),
        Some("Nowy tytuł!")
    );
    // A rejected proposal is dropped; the public version stays.
    let v = store.entry(&alice, "p1").await.unwrap().version;
    store
        .edit(&alice, "p1", practice("p1", "Zły"), v, Intent::Submit)
        .await
        .unwrap();
    let w = store
        .act(
            &ed,
            "p1",
            Action::Reject {
                comment: comment("Nie"),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(w.public, None);
    assert_eq!(w.entry.pending, None);
    assert_eq!(w.entry.practice.title, "Nowy tytuł!");
    assert_eq!(
        public_title(&store, "p1").await.as_deref(),
        Some("Nowy tytuł!")
    );
    // An editor publishes an edit at once.
    let v = w.entry.version;
    let w = store
        .edit(&ed, "p1", practice("p1", "Od redakcji"), v, Intent::Publish)
        .await
        .unwrap();
    assert!(matches!(&w.public, Some(PublicChange::Put(p)) if p.title == "Od redakcji"));
    assert_eq!(
        public_title(&store, "p1").await.as_deref(),
        Some("Od redakcji")
    );
    // The public ETag stays good after review actions changed nothing public.
    assert_eq!(w.entry.public_version, Some(w.entry.version));
}

async fn contributors_propose_changes_only_in_their_units(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let krakow = account(&store, "k@example.org", Role::Contributor, &["1261011"]).await;
    let slask = account(&store, "s@example.org", Role::Contributor, &["24"]).await;
    let w = store
        .create(&ed, practice("p1", "W Krakowie"), Intent::Publish)
        .await
        .unwrap();
    let v = w.entry.version;
    let r = store
        .edit(&slask, "p1", practice("p1", "Zmiana"), v, Intent::Submit)
        .await;
    assert!(matches!(r, Err(DbError::Denied(_))), "{r:?}");
    let w = store
        .edit(&krakow, "p1", practice("p1", "Zmiana"), v, Intent::Submit)
        .await
        .unwrap();
    assert!(w.entry.pending.is_some());
    // Someone else's proposal is in the way of another contributor.
    let other = account(&store, "o@example.org", Role::Contributor, &["12"]).await;
    let r = store
        .edit(
            &other,
            "p1",
            practice("p1", "Inna"),
            w.entry.version,
            Intent::Submit,
        )
        .await;
    assert!(matches!(r, Err(DbError::Denied(_))), "{r:?}");
}

async fn a_stale_version_is_a_conflict(store: Store) {
    let alice = account(&store, "alice@example.org", Role::Contributor, &[]).await;
    let w = store
        .create(&alice, practice("p1", "A"), Intent::Draft)
        .await
        .unwrap();
    let v1 = w.entry.version;
    let w = store
        .edit(&alice, "p1", practice("p1", "B"), v1, Intent::Draft)
        .await
        .unwrap();
    let r = store
        .edit(&alice, "p1", practice("p1", "C"), v1, Intent::Draft)
        .await;
    match r {
        Err(DbError::Conflict { given, current }) => {
            assert_eq!((given, current), (v1, w.entry.version));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(matches!(
        store.act(&alice, "p1", Action::Submit, Some(v1)).await,
        Err(DbError::Conflict { .. })
    ));
    assert_eq!(store.entry(&alice, "p1").await.unwrap().practice.title, "B");
    // The record's id must be the one addressed.
    assert!(matches!(
        store
            .edit(
                &alice,
                "p1",
                practice("p2", "B"),
                w.entry.version,
                Intent::Draft
            )
            .await,
        Err(DbError::Invalid { .. })
    ));
    let mut bad = practice("p1", " ");
    bad.title = "  ".into();
    assert!(matches!(
        store
            .edit(&alice, "p1", bad, w.entry.version, Intent::Draft)
            .await,
        Err(DbError::Invalid { .. })
    ));
}

async fn history_records_author_time_and_changed_fields_and_restores(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let alice = account(&store, "alice@example.org", Role::Contributor, &[]).await;
    store
        .create(&ed, practice("p1", "Jeden"), Intent::Publish)
        .await
        .unwrap();
    let mut two = practice("p1", "Dwa");
    two.town = Some("Kraków".into());
    let w = store
        .edit(&ed, "p1", two, Version(1), Intent::Publish)
        .await
        .unwrap();
    assert_eq!(w.entry.version, Version(2));
    let h = store.history(&ed, "p1").await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].kind, RevisionKind::Create);
    assert_eq!(h[1].kind, RevisionKind::Edit);
    assert_eq!(h[1].author, ed.account());
    assert_eq!(h[1].author_name, "ed@example.org");
    assert_eq!(h[1].changed, vec!["title".to_string(), "town".to_string()]);
    assert!(h[1].at >= h[0].at && h[1].at.ends_with('Z'));
    let old = store.revision(&ed, "p1", Version(1)).await.unwrap();
    assert_eq!(old.title, "Jeden");
    // An editor restores at once; a new revision, the old ones kept.
    let w = store.restore(&ed, "p1", Version(1), None).await.unwrap();
    assert_eq!(w.entry.version, Version(3));
    assert!(matches!(&w.public, Some(PublicChange::Put(p)) if p.title == "Jeden"));
    let h = store.history(&alice, "p1").await.unwrap();
    assert_eq!(
        h.iter().map(|x| (x.revision.0, x.kind)).collect::<Vec<_>>(),
        vec![
            (1, RevisionKind::Create),
            (2, RevisionKind::Edit),
            (3, RevisionKind::Restore)
        ]
    );
    // A contributor of the unit restores as a proposal.
    let k = account(&store, "k@example.org", Role::Contributor, &["12"]).await;
    let w = store.restore(&k, "p1", Version(2), None).await.unwrap();
    assert_eq!(w.public, None);
    assert_eq!(
        w.entry.pending.as_ref().unwrap().changed,
        vec!["title", "town"]
    );
    assert_eq!(public_title(&store, "p1").await.as_deref(), Some("Jeden"));
    // Readers do not see the proposal in the history.
    assert_eq!(store.history(&alice, "p1").await.unwrap().len(), 3);
    assert!(matches!(
        store.revision(&alice, "p1", Version(4)).await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.revision(&ed, "p1", Version(99)).await,
        Err(DbError::NotFound { .. })
    ));
}

async fn the_queue_lists_submissions_and_pending_revisions_for_editors(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let alice = account(&store, "alice@example.org", Role::Contributor, &["12"]).await;
    store
        .create(&ed, practice("pub", "Opublikowana"), Intent::Publish)
        .await
        .unwrap();
    store
        .create(&alice, practice("sub", "Zgłoszona"), Intent::Submit)
        .await
        .unwrap();
    store
        .create(&alice, practice("draft", "Szkic"), Intent::Draft)
        .await
        .unwrap();
    let mut other = practice("slask", "Na Śląsku");
    other.area = Area::Oswiata;
    other.admin = AdminChain {
        gmina: None,
        powiat: None,
        voivodeship: Some(AdminRef::new("24", "śląskie")),
    };
    store.create(&alice, other, Intent::Submit).await.unwrap();
    store
        .edit(
            &alice,
            "pub",
            practice("pub", "Poprawiona"),
            Version(1),
            Intent::Submit,
        )
        .await
        .unwrap();
    let q = store.queue(&ed, &QueueFilter::default()).await.unwrap();
    let ids: Vec<_> = q.iter().map(|i| (i.id.as_str(), i.kind)).collect();
    assert_eq!(
        ids,
        vec![
            ("pub", QueueKind::PendingRevision),
            ("slask", QueueKind::Submission),
            ("sub", QueueKind::Submission)
        ],
        "newest first"
    );
    assert_eq!(q[0].title, "Poprawiona");
    assert_eq!(q[0].changed, vec!["title".to_string()]);
    assert_eq!(q[0].author_name, "alice@example.org");
    let only = |f: QueueFilter| {
        let store = store.clone();
        let ed = ed.clone();
        async move {
            store
                .queue(&ed, &f)
                .await
                .unwrap()
                .into_iter()
                .map(|i| i.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        only(QueueFilter {
            voivodeship: Some("24".into()),
            area: None
        })
        .await,
        vec!["slask"]
    );
    assert_eq!(
        only(QueueFilter {
            voivodeship: None,
            area: Some(Area::Oswiata)
        })
        .await,
        vec!["slask"]
    );
    assert!(matches!(
        store
            .queue(
                &ed,
                &QueueFilter {
                    voivodeship: Some("12'; DROP TABLE practices; --".into()),
                    area: None
                }
            )
            .await,
        Err(DbError::Invalid { .. })
    ));
}

async fn mine_lists_an_authors_work_with_comments(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let alice = account(&store, "alice@example.org", Role::Contributor, &["12"]).await;
    let bob = account(&store, "bob@example.org", Role::Contributor, &[]).await;
    store
        .create(&ed, practice("pub", "Redakcji"), Intent::Publish)
        .await
        .unwrap();
    store
        .create(&alice, practice("a1", "Moja"), Intent::Submit)
        .await
        .unwrap();
    store
        .act(
            &ed,
            "a1",
            Action::RequestChanges {
                comment: comment("Więcej"),
            },
            None,
        )
        .await
        .unwrap();
    store
        .edit(
            &alice,
            "pub",
            practice("pub", "Propozycja"),
            Version(1),
            Intent::Submit,
        )
        .await
        .unwrap();
    store
        .create(&bob, practice("b1", "Boba"), Intent::Draft)
        .await
        .unwrap();
    let mine = store.mine(&alice).await.unwrap();
    let ids: Vec<_> = mine.iter().map(|e| e.practice.id.as_str()).collect();
    assert_eq!(ids, vec!["pub", "a1"]);
    assert_eq!(mine[1].comments[0].text, "Więcej");
    assert_eq!(mine[1].status, Status::ChangesRequested);
    assert_eq!(mine[0].practice.title, "Propozycja");
    assert!(store.mine(&Actor::System).await.unwrap().is_empty());
}

async fn archive_removes_from_the_public_and_logs_it(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let alice = account(&store, "alice@example.org", Role::Contributor, &["12"]).await;
    store
        .create(&ed, practice("p1", "Jedna"), Intent::Publish)
        .await
        .unwrap();
    assert!(matches!(
        store.act(&alice, "p1", Action::Archive, None).await,
        Err(DbError::Denied(_))
    ));
    let w = store
        .act(&ed, "p1", Action::Archive, Some(Version(1)))
        .await
        .unwrap();
    assert_eq!(w.public, Some(PublicChange::Remove("p1".into())));
    assert_eq!(w.entry.status, Status::Archived);
    assert!(published_ids(&store).await.is_empty());
    assert!(matches!(
        store.entry(&alice, "p1").await,
        Err(DbError::NotFound { .. })
    ));
    let log = store.changes_since(0, 10).await.unwrap();
    assert_eq!(
        log.iter().map(|c| c.kind).collect::<Vec<_>>(),
        vec![ChangeKind::Put, ChangeKind::Remove]
    );
    assert!(log[0].seq < log[1].seq);
    assert_eq!(store.changes_since(log[0].seq, 10).await.unwrap().len(), 1);
    assert_eq!(store.last_change().await.unwrap(), log[1].seq);
    // Published again by an editor.
    let w = store.act(&ed, "p1", Action::Publish, None).await.unwrap();
    assert!(matches!(w.public, Some(PublicChange::Put(_))));
    assert_eq!(published_ids(&store).await, vec!["p1".to_string()]);
}

async fn import_submits_publishes_and_never_overwrites_peoples_edits(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let alice = account(&store, "alice@example.org", Role::Contributor, &[]).await;
    let batch = vec![practice("a", "A"), practice("b", "B"), practice("c", "C")];
    let mut doubtful = HashMap::new();
    doubtful.insert(
        "c".to_string(),
        vec!["placed with low confidence".to_string()],
    );
    assert!(matches!(
        store.import(&alice, batch.clone(), true, &doubtful).await,
        Err(DbError::Denied(_))
    ));
    let r = store
        .import(&Actor::System, batch.clone(), true, &doubtful)
        .await
        .unwrap();
    assert_eq!(r.published, vec!["a", "b"]);
    assert_eq!(
        r.submitted,
        vec!["c"],
        "the importer's doubts stay submitted"
    );
    let q = store.queue(&ed, &QueueFilter::default()).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].doubts, vec!["placed with low confidence".to_string()]);
    assert_eq!(store.entry(&ed, "c").await.unwrap().doubts.len(), 1);
    // The same batch again: nothing.
    let r = store
        .import(&Actor::System, batch.clone(), true, &HashMap::new())
        .await
        .unwrap();
    assert_eq!(r.unchanged, vec!["a", "b", "c"]);
    // An editor moves "a"'s title; the importer brings a new summary for
    // "a" and "b": "a" waits as a pending revision, "b" is published.
    store
        .edit(
            &ed,
            "a",
            practice("a", "A poprawione"),
            Version(1),
            Intent::Publish,
        )
        .await
        .unwrap();
    let mut a2 = practice("a", "A");
    a2.summary = "Nowy opis".into();
    let mut b2 = practice("b", "B");
    b2.summary = "Nowy opis".into();
    let r = store
        .import(&Actor::System, vec![a2, b2], true, &HashMap::new())
        .await
        .unwrap();
    assert_eq!(r.pending, vec!["a"]);
    assert_eq!(r.published, vec!["b"]);
    assert_eq!(
        public_title(&store, "a").await.as_deref(),
        Some("A poprawione")
    );
    let e = store.entry(&ed, "a").await.unwrap();
    assert_eq!(e.pending.as_ref().unwrap().author_name, "import");
    let h = store.history(&ed, "a").await.unwrap();
    assert_eq!(h.last().unwrap().kind, RevisionKind::Import);
    // Without --publish, new ids are submitted and changes wait.
    let mut b3 = practice("b", "B");
    b3.summary = "Trzeci opis".into();
    let r = store
        .import(
            &Actor::System,
            vec![practice("d", "D"), b3],
            false,
            &HashMap::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.submitted, r.pending),
        (vec!["d".to_string()], vec!["b".to_string()])
    );
    // A submission the author changed is kept, not overwritten.
    store
        .create(&alice, practice("e", "Alicji"), Intent::Submit)
        .await
        .unwrap();
    let r = store
        .import(
            &Actor::System,
            vec![practice("e", "Importera")],
            true,
            &HashMap::new(),
        )
        .await
        .unwrap();
    assert_eq!(r.kept, vec!["e"]);
    assert_eq!(
        store.entry(&alice, "e").await.unwrap().practice.title,
        "Alicji"
    );
}

async fn seed_and_published_pages_and_the_change_log(store: Store) {
    let many: Vec<Practice> = (0..2_345)
        .map(|i| practice(&format!("s{i:05}"), &format!("Praktyka {i}")))
        .collect();
    assert_eq!(store.seed(&many).await.unwrap(), 2_345);
    assert_eq!(store.count().await.unwrap(), 2_345);
    let mut seen = Vec::new();
    let n = store
        .published(1000, |batch| {
            assert!(batch.len() <= 1000);
            seen.extend(batch.into_iter().map(|p| p.id));
        })
        .await
        .unwrap();
    assert_eq!(n, 2_345);
    let want: Vec<String> = many.iter().map(|p| p.id.clone()).collect();
    assert_eq!(seen, want, "every one, once, in id order");
    let page = store.published_page(Some("s02343"), 10).await.unwrap();
    assert_eq!(
        page,
        vec![many[2_344].clone()],
        "records read back unchanged"
    );
    let log = store.changes_since(2_340, 100).await.unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(store.last_change().await.unwrap(), 2_345);
    assert!(matches!(
        store.seed(&many[..1]).await,
        Err(DbError::Duplicate { .. })
    ));
    assert_eq!(
        store.count().await.unwrap(),
        2_345,
        "a failed seed adds nothing"
    );
}

async fn hostile_text_is_stored_verbatim_and_changes_nothing_else(store: Store) {
    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let hostile = [
        "x'); DROP TABLE practices; --",
        "\" OR 1=1 --",
        "$1; DELETE FROM revisions",
        "Robert'); UPDATE accounts SET role='admin",
        "zażółć'||chr(0)||'gęślą",
    ];
    store
        .create(&ed, practice("keep", "Zostaje"), Intent::Publish)
        .await
        .unwrap();
    for (i, h) in hostile.iter().enumerate() {
        let mut p = practice(&format!("h{i}"), h);
        p.summary = h.to_string();
        p.town = Some(h.to_string());
        store.create(&ed, p.clone(), Intent::Publish).await.unwrap();
        let back = store.entry(&ed, &p.id).await.unwrap().practice;
        assert_eq!(back, p);
        assert!(matches!(
            store.entry(&ed, h).await,
            Err(DbError::NotFound { .. })
        ));
        let _ = store
            .add_account(&format!("{}@x.org", i), h, Role::Contributor, &[], h)
            .await
            .unwrap();
        assert!(store.account_by_token(h).await.unwrap().is_none());
    }
    // A NUL is refused by name on both backends (PostgreSQL cannot store it).
    let mut nul = practice("nul", "Tytuł");
    nul.contacts = vec![mapa_praktyk::practice::Contact {
        name: "Jan\u{0}".into(),
        ..Default::default()
    }];
    match store.create(&ed, nul, Intent::Publish).await {
        Err(DbError::Invalid { field, .. }) => assert_eq!(field, "contacts.name"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(matches!(
        store
            .add_account("nul@x.org", "a\u{0}b", Role::Contributor, &[], "h")
            .await,
        Err(DbError::Invalid { .. })
    ));
    assert_eq!(store.count().await.unwrap(), 1 + hostile.len() as i64);
    assert_eq!(published_ids(&store).await.len(), 1 + hostile.len());
    assert_eq!(store.accounts().await.unwrap().len(), 1 + hostile.len());
    assert!(
        store
            .accounts()
            .await
            .unwrap()
            .iter()
            .filter(|a| a.role == Role::Admin)
            .count()
            == 0
    );
}

/// What was acknowledged is there after the store is closed and opened again.
#[tokio::test]
async fn sqlite_writes_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let url = path.to_str().unwrap().to_string();
    {
        let store = Store::open(&url).await.unwrap();
        store
            .create(&Actor::System, practice("p1", "Trwała"), Intent::Publish)
            .await
            .unwrap();
        store.close().await;
    }
    let store = Store::open(&format!("sqlite:{url}")).await.unwrap();
    assert_eq!(public_title(&store, "p1").await.as_deref(), Some("Trwała"));
    let mode: String = {
        use sqlx::Row;
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        sqlx::query("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    };
    assert_eq!(mode, "wal");
}

/// Six writers publish edits of one practice at once (each retrying on a
/// stale version). Each committed write's `seq` is its place in the change
/// log, and laying them over the read path in the reverse order (the worst
/// order the answers can come back in) ends at the last committed version.
async fn concurrent_publishes_reach_the_read_path_in_commit_order(store: Store) {
    use mapa_praktyk::live::{Change, Live};
    use mapa_praktyk::snapshot::Snapshot;

    let ed = account(&store, "ed@example.org", Role::Editor, &[]).await;
    let first = practice("p1", "Wersja 0");
    store
        .create(&ed, first.clone(), Intent::Publish)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for k in 0..6 {
        let (store, ed) = (store.clone(), ed.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            let mut i = 0;
            while done.len() < 3 {
                i += 1;
                assert!(i < 500, "writer {k} never got a current version");
                let v = store.entry(&ed, "p1").await.unwrap().version;
                let p = practice("p1", &format!("Wersja {k}-{i}"));
                match store.edit(&ed, "p1", p, v, Intent::Publish).await {
                    Ok(w) => done.push((w.seq.expect("a publish is logged"), w.public.unwrap())),
                    Err(DbError::Conflict { .. }) => tokio::task::yield_now().await,
                    Err(e) => panic!("writer {k}: {e}"),
                }
            }
            done
        }));
    }
    let mut written = Vec::new();
    for t in tasks {
        written.extend(t.await.unwrap());
    }
    written.sort_by_key(|(seq, _)| *seq);
    let seqs: Vec<i64> = written.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs.len(), 18);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    // The same seqs in the log, in the same order, after the create's.
    let log = store.changes_since(0, 100).await.unwrap();
    assert_eq!(log.iter().skip(1).map(|c| c.seq).collect::<Vec<_>>(), seqs);
    let title = |c: &PublicChange| match c {
        PublicChange::Put(p) => p.title.clone(),
        PublicChange::Remove(id) => panic!("{id} removed"),
    };
    let last = title(&written.last().unwrap().1);
    assert_eq!(public_title(&store, "p1").await, Some(last.clone()));
    // The read path, fed newest first, shows the newest.
    let live = Live::new(Snapshot::new(vec![first]), false);
    for (seq, c) in written.into_iter().rev() {
        let c = match c {
            PublicChange::Put(p) => Change::Put(*p),
            PublicChange::Remove(id) => Change::Remove(id),
        };
        live.apply_logged(seq, c).unwrap();
    }
    assert_eq!(live.current().by_id("p1").map(|p| p.title), Some(last));
}
