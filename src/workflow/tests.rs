use super::*;

const ALICE: AccountId = AccountId(1);
const BOB: AccountId = AccountId(2);

fn person(account: AccountId, role: Role, units: &[&str]) -> Actor {
    Actor::Person(Person {
        account,
        role,
        units: units.iter().map(|u| u.to_string()).collect(),
    })
}

fn contributor(account: AccountId) -> Actor {
    person(account, Role::Contributor, &[])
}

fn editor() -> Actor {
    person(AccountId(9), Role::Editor, &[])
}

fn subject(status: Status, owner: Option<AccountId>) -> Subject<'static> {
    Subject {
        status,
        owner,
        pending: None,
        teryt: Some("126101"),
    }
}

fn comment() -> String {
    "popraw tytuł".to_string()
}

fn actions() -> Vec<Action> {
    vec![
        Action::Submit,
        Action::Publish,
        Action::RequestChanges { comment: comment() },
        Action::Reject { comment: comment() },
        Action::Archive,
    ]
}

#[test]
fn slugs_and_labels_round_trip() {
    for r in Role::ALL {
        assert_eq!(Role::from_slug(r.slug()), Some(r));
    }
    assert_eq!(Role::from_slug("root"), None);
    for s in Status::ALL {
        assert_eq!(Status::from_slug(s.slug()), Some(s));
    }
    assert_eq!(Status::ChangesRequested.label_pl(), "do poprawy");
    assert_eq!(Status::Submitted.label_pl(), "czeka na redakcję");
    assert_eq!(Status::from_slug("deleted"), None);
}

#[test]
fn transition_table_is_exactly_the_documented_one() {
    use Status::*;
    let expected = |a: &Action, from: Status| -> Option<Status> {
        match a.slug() {
            "submit" => [Draft, ChangesRequested]
                .contains(&from)
                .then_some(Submitted),
            "publish" => [Submitted, Draft, ChangesRequested, Archived]
                .contains(&from)
                .then_some(Published),
            "request_changes" => (from == Submitted).then_some(ChangesRequested),
            "reject" => [Submitted, ChangesRequested]
                .contains(&from)
                .then_some(Rejected),
            "archive" => (from != Archived).then_some(Archived),
            _ => unreachable!(),
        }
    };
    for a in actions() {
        for from in Status::ALL {
            assert_eq!(
                transition(&a, from),
                expected(&a, from),
                "{a:?} from {from:?}"
            );
        }
    }
}

#[test]
fn editors_may_every_transition_the_table_has() {
    for role in [Role::Editor, Role::Admin] {
        let ed = person(AccountId(5), role, &[]);
        for a in actions() {
            for from in Status::ALL.into_iter().filter(|&s| s != Status::Published) {
                let got = may(&ed, &a, &subject(from, Some(ALICE)));
                match transition(&a, from) {
                    Some(to) => assert_eq!(got, Ok(Outcome::Practice(to)), "{a:?} {from:?}"),
                    None => assert!(got.is_err(), "{a:?} {from:?}"),
                }
            }
        }
    }
}

#[test]
fn a_contributor_submits_and_withdraws_its_own_and_reviews_nothing() {
    let alice = contributor(ALICE);
    for from in Status::ALL {
        let s = subject(from, Some(ALICE));
        for a in actions() {
            let got = may(&alice, &a, &s);
            let allowed = match a {
                Action::Submit => transition(&a, from).is_some(),
                Action::Archive => from != Status::Published && transition(&a, from).is_some(),
                _ => false,
            };
            assert_eq!(got.is_ok(), allowed, "{a:?} from {from:?}: {got:?}");
        }
    }
}

#[test]
fn another_contributors_practice_is_invisible_until_published() {
    let bob = contributor(BOB);
    for from in Status::ALL {
        let s = subject(from, Some(ALICE));
        assert_eq!(may_see(&bob, &s), from == Status::Published, "{from:?}");
        assert!(may_see(&editor(), &s));
        assert!(may_see(&contributor(ALICE), &s));
        assert_eq!(may_see_working(&bob, &s), false);
        for a in actions() {
            assert!(may(&bob, &a, &s).is_err(), "{a:?} {from:?}");
        }
    }
}

#[test]
fn nobody_but_editors_and_the_system_publishes() {
    assert!(may_create(&contributor(ALICE), Intent::Publish).is_err());
    assert!(may_create(&contributor(ALICE), Intent::Submit).is_ok());
    assert!(may_create(&contributor(ALICE), Intent::Draft).is_ok());
    assert!(may_create(&editor(), Intent::Publish).is_ok());
    assert!(may_create(&Actor::System, Intent::Publish).is_ok());
    let s = subject(Status::Draft, Some(ALICE));
    assert!(may_edit(&contributor(ALICE), &s, Intent::Publish).is_err());
    assert_eq!(
        may_edit(&editor(), &s, Intent::Publish),
        Ok(EditOutcome::Publish)
    );
}

#[test]
fn an_author_edits_its_open_practice_in_place() {
    let alice = contributor(ALICE);
    for st in [Status::Draft, Status::Submitted, Status::ChangesRequested] {
        let s = subject(st, Some(ALICE));
        assert_eq!(
            may_edit(&alice, &s, Intent::Draft),
            Ok(EditOutcome::Working(st))
        );
        assert_eq!(
            may_edit(&alice, &s, Intent::Submit),
            Ok(EditOutcome::Working(Status::Submitted))
        );
        assert!(may_edit(&contributor(BOB), &s, Intent::Draft).is_err());
    }
    for st in [Status::Rejected, Status::Archived] {
        let s = subject(st, Some(ALICE));
        assert!(may_edit(&alice, &s, Intent::Draft).is_err(), "{st:?}");
        assert_eq!(
            may_edit(&editor(), &s, Intent::Draft),
            Ok(EditOutcome::Working(Status::Draft))
        );
    }
}

#[test]
fn an_edit_of_a_published_practice_is_a_pending_revision() {
    let s = subject(Status::Published, Some(ALICE));
    assert_eq!(
        may_edit(&contributor(ALICE), &s, Intent::Draft),
        Ok(EditOutcome::Pending(Status::Submitted))
    );
    assert_eq!(
        may_edit(&editor(), &s, Intent::Submit),
        Ok(EditOutcome::Pending(Status::Submitted))
    );
    assert_eq!(
        may_edit(&editor(), &s, Intent::Publish),
        Ok(EditOutcome::Publish)
    );
    // Someone else's, not in the contributor's units.
    assert!(may_edit(&contributor(BOB), &s, Intent::Draft).is_err());
    // The importer's (no owner).
    assert!(
        may_edit(
            &contributor(BOB),
            &subject(Status::Published, None),
            Intent::Draft
        )
        .is_err()
    );
}

#[test]
fn units_match_by_teryt_prefix() {
    let s = subject(Status::Published, None); // gmina 126101 (Kraków)
    for unit in ["12", "1261", "126101"] {
        let c = person(BOB, Role::Contributor, &[unit]);
        assert_eq!(
            may_edit(&c, &s, Intent::Draft),
            Ok(EditOutcome::Pending(Status::Submitted)),
            "{unit}"
        );
    }
    for unit in ["14", "1262", "126102"] {
        let c = person(BOB, Role::Contributor, &[unit]);
        assert!(may_edit(&c, &s, Intent::Draft).is_err(), "{unit}");
    }
    let unplaced = Subject { teryt: None, ..s };
    assert!(
        may_edit(
            &person(BOB, Role::Contributor, &["12"]),
            &unplaced,
            Intent::Draft
        )
        .is_err()
    );
    assert!(!in_units(&[String::new()], Some("12")));
}

#[test]
fn unit_codes_are_checked_and_the_type_digit_dropped() {
    assert_eq!(unit_code("12"), Ok("12".to_string()));
    assert_eq!(unit_code(" 1261 "), Ok("1261".to_string()));
    assert_eq!(unit_code("126101"), Ok("126101".to_string()));
    assert_eq!(unit_code("1261011"), Ok("126101".to_string()));
    for bad in ["", "1", "123", "12345", "12a4", "12610111", "１２"] {
        assert!(unit_code(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_pending_revision_of_someone_else_blocks_contributors_not_editors() {
    let s = Subject {
        pending: Some(Pending {
            status: Status::Submitted,
            author: Some(BOB),
        }),
        ..subject(Status::Published, Some(ALICE))
    };
    assert!(may_edit(&contributor(ALICE), &s, Intent::Draft).is_err());
    assert_eq!(
        may_edit(&contributor(BOB), &s, Intent::Draft),
        Ok(EditOutcome::Pending(Status::Submitted))
    );
    assert_eq!(
        may_edit(&editor(), &s, Intent::Draft),
        Ok(EditOutcome::Pending(Status::Submitted))
    );
    assert!(may_see_pending(&contributor(BOB), &s));
    assert!(!may_see_pending(&contributor(ALICE), &s));
    assert!(may_see_pending(&editor(), &s));
}

#[test]
fn actions_on_a_published_practice_act_on_its_pending_revision() {
    let with = |status| Subject {
        pending: Some(Pending {
            status,
            author: Some(BOB),
        }),
        ..subject(Status::Published, Some(ALICE))
    };
    let ed = editor();
    assert_eq!(
        may(&ed, &Action::Publish, &with(Status::Submitted)),
        Ok(Outcome::Pending(Status::Published))
    );
    assert_eq!(
        may(
            &ed,
            &Action::RequestChanges { comment: comment() },
            &with(Status::Submitted)
        ),
        Ok(Outcome::Pending(Status::ChangesRequested))
    );
    assert_eq!(
        may(
            &ed,
            &Action::Reject { comment: comment() },
            &with(Status::ChangesRequested)
        ),
        Ok(Outcome::Pending(Status::Rejected))
    );
    assert_eq!(
        may(
            &contributor(BOB),
            &Action::Submit,
            &with(Status::ChangesRequested)
        ),
        Ok(Outcome::Pending(Status::Submitted))
    );
    assert!(
        may(
            &contributor(BOB),
            &Action::Publish,
            &with(Status::Submitted)
        )
        .is_err()
    );
    assert!(
        may(
            &contributor(ALICE),
            &Action::Submit,
            &with(Status::ChangesRequested)
        )
        .is_err()
    );
    // Archive is the practice's, pending or not.
    assert_eq!(
        may(&ed, &Action::Archive, &with(Status::Submitted)),
        Ok(Outcome::Practice(Status::Archived))
    );
    // Nothing pending: nothing to review.
    let plain = subject(Status::Published, Some(ALICE));
    assert!(may(&ed, &Action::Publish, &plain).is_err());
    assert_eq!(
        may(&ed, &Action::Archive, &plain),
        Ok(Outcome::Practice(Status::Archived))
    );
}

#[test]
fn comments_must_say_something() {
    let s = subject(Status::Submitted, Some(ALICE));
    assert!(
        may(
            &editor(),
            &Action::Reject {
                comment: "  ".into()
            },
            &s
        )
        .is_err()
    );
    assert!(
        may(
            &editor(),
            &Action::RequestChanges {
                comment: String::new()
            },
            &s
        )
        .is_err()
    );
}

#[test]
fn the_system_does_everything_an_editor_does() {
    for from in Status::ALL.into_iter().filter(|&s| s != Status::Published) {
        let s = subject(from, None);
        for a in actions() {
            assert_eq!(
                may(&Actor::System, &a, &s),
                may(&editor(), &a, &s),
                "{a:?} {from:?}"
            );
        }
    }
    assert!(Actor::System.administers());
    assert!(!editor().administers());
    assert!(person(ALICE, Role::Admin, &[]).administers());
}
