//! Invitations and account administration, on both backends: a link makes
//! one account, once, before it expires; revoked and replaced links do not
//! work; accounts are disabled and enabled by number.

use super::*;
use mapa_praktyk::db::{InviteId, NewInvite};
use mapa_praktyk::workflow::AccountId;

contract!(
    an_invite_makes_its_account_once,
    expired_revoked_and_replaced_invites_do_not_work,
    an_invite_is_refused_for_an_existing_account_and_bad_values,
    accounts_are_disabled_and_enabled_by_number,
);

const NOW: i64 = 1_800_000_000;
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

fn token(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn new_invite<'a>(
    email: &'a str,
    units: &'a [String],
    token_hash: &'a str,
    expires_at: i64,
) -> NewInvite<'a> {
    NewInvite {
        email,
        name: "Nowa Osoba",
        role: Role::Editor,
        units,
        by: None,
        token_hash,
        expires_at,
    }
}

async fn an_invite_makes_its_account_once(store: Store) {
    let units = vec!["1261".to_string(), "12".to_string()];
    let t = token(1);
    let i = store
        .add_invite(&new_invite("Nowa@Example.org", &units, &t, NOW + 3600))
        .await
        .unwrap();
    assert_eq!(i.email, "Nowa@Example.org");
    assert_eq!(i.units, ["1261", "12"]);
    assert!(i.is_open(NOW));
    assert_eq!(
        store.open_invites().await.unwrap(),
        std::slice::from_ref(&i)
    );
    assert_eq!(store.open_invite_by_token(&t, NOW).await.unwrap().id, i.id);

    let a = store.accept_invite(&t, HASH, NOW).await.unwrap();
    assert_eq!(
        (a.email.as_str(), a.name.as_str(), a.role),
        ("Nowa@Example.org", "Nowa Osoba", Role::Editor)
    );
    assert_eq!(a.units, ["12", "1261"]);
    let (by_email, hash) = store.account_by_email("nowa@example.org").await.unwrap();
    assert_eq!((by_email, hash.as_str()), (a.clone(), HASH));

    let used = store.invite(i.id).await.unwrap();
    assert!(used.used_at.is_some() && !used.is_open(NOW));
    assert_eq!(used.account, Some(a.id));
    assert!(store.open_invites().await.unwrap().is_empty());
    for r in [
        store.accept_invite(&t, HASH, NOW).await.map(|_| ()),
        store.open_invite_by_token(&t, NOW).await.map(|_| ()),
    ] {
        assert!(matches!(r, Err(DbError::NotFound { .. })), "{r:?}");
    }
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

async fn expired_revoked_and_replaced_invites_do_not_work(store: Store) {
    let (t1, t2, t3) = (token(1), token(2), token(3));
    // Expired at NOW.
    store
        .add_invite(&new_invite("a@example.org", &[], &t1, NOW))
        .await
        .unwrap();
    assert!(matches!(
        store.open_invite_by_token(&t1, NOW).await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.accept_invite(&t1, HASH, NOW).await,
        Err(DbError::NotFound { .. })
    ));
    assert_eq!(
        store.open_invites().await.unwrap().len(),
        1,
        "expired ones are still listed"
    );
    // Replaced by a newer invite of the same e-mail (any case).
    let second = store
        .add_invite(&new_invite("A@example.org", &[], &t2, NOW + 60))
        .await
        .unwrap();
    let open = store.open_invites().await.unwrap();
    assert_eq!(open.iter().map(|i| i.id).collect::<Vec<_>>(), [second.id]);
    store.open_invite_by_token(&t2, NOW).await.unwrap();
    // Revoked.
    let r = store.revoke_invite(second.id).await.unwrap();
    assert!(r.revoked_at.is_some());
    assert!(matches!(
        store.accept_invite(&t2, HASH, NOW).await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.revoke_invite(second.id).await,
        Err(DbError::NotFound { .. })
    ));
    assert!(matches!(
        store.revoke_invite(InviteId(9999)).await,
        Err(DbError::NotFound { .. })
    ));
    // An account made meanwhile: the invite stays unused, nothing half done.
    store
        .add_invite(&new_invite("b@example.org", &[], &t3, NOW + 60))
        .await
        .unwrap();
    store
        .add_account("B@example.org", "", Role::Contributor, &[], HASH)
        .await
        .unwrap();
    assert!(matches!(
        store.accept_invite(&t3, HASH, NOW).await,
        Err(DbError::Duplicate { .. })
    ));
    assert!(store.open_invite_by_token(&t3, NOW).await.is_ok());
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

async fn an_invite_is_refused_for_an_existing_account_and_bad_values(store: Store) {
    store
        .add_account("ala@example.org", "", Role::Editor, &[], HASH)
        .await
        .unwrap();
    let t = token(4);
    let r = store
        .add_invite(&new_invite("ALA@example.org", &[], &t, NOW + 60))
        .await;
    assert!(matches!(r, Err(DbError::Duplicate { .. })), "{r:?}");
    let bad_units = vec!["12x".to_string()];
    for (invite, field) in [
        (new_invite("not an e-mail", &[], &t, NOW + 60), "email"),
        (
            new_invite("c@example.org", &bad_units, &t, NOW + 60),
            "unit",
        ),
        (new_invite("c@example.org", &[], "short", NOW + 60), "token"),
    ] {
        match store.add_invite(&invite).await {
            Err(DbError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    // Hostile text is kept as text.
    let i = store
        .add_invite(&NewInvite {
            name: "Robert'); DROP TABLE accounts;--",
            ..new_invite("d@example.org", &[], &t, NOW + 60)
        })
        .await
        .unwrap();
    assert_eq!(i.name, "Robert'); DROP TABLE accounts;--");
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

async fn accounts_are_disabled_and_enabled_by_number(store: Store) {
    let a = store
        .add_account("e@example.org", "", Role::Contributor, &[], HASH)
        .await
        .unwrap();
    let t = store.add_token(a.id, &token(5), "skrypt").await.unwrap();
    let d = store.disable_account_id(a.id).await.unwrap();
    assert!(!d.is_active());
    let again = store.disable_account_id(a.id).await.unwrap();
    assert_eq!(again.disabled_at, d.disabled_at, "the first time is kept");
    assert!(store.token(t).await.unwrap().revoked_at.is_some());
    let e = store.enable_account(a.id).await.unwrap();
    assert!(e.is_active());
    assert!(
        store.account_by_token(&token(5)).await.unwrap().is_none(),
        "revoked tokens stay revoked"
    );
    for r in [
        store.disable_account_id(AccountId(9999)).await,
        store.enable_account(AccountId(9999)).await,
    ] {
        assert!(matches!(r, Err(DbError::NotFound { .. })), "{r:?}");
    }
}
