//! Users through the exports: sign-up, profile update and password change, lookups,
//! searches with pages and sorters, the search-parameter policy, password reset, deletion.

use std::collections::HashMap;

use super::{PASSWORD, Turn, user};
use crate::{ConnectycubeError, ConnectycubeUser, ParamValue, RequestPagination, RequestSorter};

fn logins(page: &crate::PagedUsersResult) -> Vec<&str> {
    page.items.iter().filter_map(|u| u.login.as_deref()).collect()
}

#[tokio::test]
async fn sign_up_update_change_password_and_delete() {
    let turn = Turn::start().await;
    let mut new = user("marvin18", PASSWORD);
    new.email = Some("awesomeman@gmail.com".into());
    new.tags = Some("iphone, apple".into());
    new.custom_data = Some("{\"a\":1}".into());
    let created = turn.cube.sign_up(new).await.unwrap();
    assert!(created.id > 0);
    assert_eq!(created.tags.as_deref(), Some("iphone,apple"));
    assert_eq!(created.password, None, "never echoed");

    turn.cube
        .create_session(Some(user("marvin18", PASSWORD)))
        .await
        .unwrap();
    let update = ConnectycubeUser {
        full_name: Some("Marvin Simon".into()),
        ..Default::default()
    };
    assert_eq!(
        turn.cube.update_user(update).await.unwrap().full_name.as_deref(),
        Some("Marvin Simon")
    );

    let change = ConnectycubeUser {
        password: Some("newsecurepwd".into()),
        old_password: Some(PASSWORD.into()),
        ..Default::default()
    };
    turn.cube.update_user(change).await.unwrap();
    turn.cube
        .create_session(Some(user("marvin18", "newsecurepwd")))
        .await
        .unwrap();

    turn.cube.delete_user().await.unwrap();
    let gone = turn.cube.get_user_by_login("marvin18".into()).await;
    assert!(
        matches!(
            gone,
            Err(ConnectycubeError::NotFound { .. }) | Err(ConnectycubeError::SessionExpired)
        ),
        "{gone:?}"
    );
}

#[tokio::test]
async fn lookups_by_each_key() {
    let turn = Turn::start().await;
    let mut new = user("amigo", PASSWORD);
    new.email = Some("amigo@example.com".into());
    new.phone = Some("+15550001".into());
    new.external_id = Some("ext-1".into());
    new.face_book_id = Some("fb-1".into());
    new.twitter_id = Some("tw-1".into());
    let created = turn.cube.sign_up(new).await.unwrap();
    turn.cube.create_session(None).await.unwrap();
    let cube = &turn.cube;
    assert_eq!(cube.get_user_by_id(created.id).await.unwrap().id, created.id);
    assert_eq!(cube.get_user_by_login("amigo".into()).await.unwrap().id, created.id);
    assert_eq!(
        cube.get_user_by_email("amigo@example.com".into()).await.unwrap().id,
        created.id
    );
    assert_eq!(
        cube.get_user_by_phone_number("+15550001".into()).await.unwrap().id,
        created.id
    );
    assert_eq!(
        cube.get_user_by_external_id("ext-1".into()).await.unwrap().id,
        created.id
    );
    assert_eq!(
        cube.get_user_by_facebook_id("fb-1".into()).await.unwrap().id,
        created.id
    );
    assert_eq!(cube.get_user_by_twitter_id("tw-1".into()).await.unwrap().id, created.id);
    let by_id = cube.get_user_by_id(424_242).await.unwrap_err();
    assert!(
        matches!(&by_id, ConnectycubeError::NotFound { http_status_code: 404, errors } if errors == &["User not found"]),
        "{by_id:?}"
    );
    let by_email = cube.get_user_by_email("nobody@example.com".into()).await;
    assert!(
        matches!(by_email, Err(ConnectycubeError::NotFound { .. })),
        "{by_email:?}"
    );
    let missing = cube.get_user_by_login("nobody".into()).await.unwrap_err();
    assert!(
        matches!(
            missing,
            ConnectycubeError::NotFound {
                http_status_code: 404,
                ..
            }
        ),
        "{missing:?}"
    );
    assert_eq!(missing.code(), "not_found");
}

#[tokio::test]
async fn searches_with_pages_sorters_and_the_parameter_policy() {
    let turn = Turn::start().await;
    let mut ids = Vec::new();
    for i in 1..=5 {
        let mut new = user(&format!("search{i}"), PASSWORD);
        new.full_name = Some(format!("Marvin Search {i}"));
        new.tags = Some(if i % 2 == 0 { "vip".into() } else { "team".into() });
        ids.push(turn.cube.sign_up(new).await.unwrap().id);
    }
    turn.cube.create_session(None).await.unwrap();
    let asc = || {
        Some(RequestSorter {
            field_name: "login".into(),
            sort_type: "asc".into(),
            field_type: None,
        })
    };
    let page = |page, items_per_page| Some(RequestPagination { page, items_per_page });

    let by_ids = turn
        .cube
        .get_users_by_ids(ids.clone(), page(1, 2), asc())
        .await
        .unwrap();
    assert_eq!(logins(&by_ids), ["search3", "search4"]);
    assert_eq!(by_ids.total_entries, 5);
    let by_name = turn
        .cube
        .get_users_by_full_name("Marvin Search".into(), None, asc())
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 5);
    let by_tags = turn
        .cube
        .get_users_by_tags(vec!["vip".into()], None, asc())
        .await
        .unwrap();
    assert_eq!(logins(&by_tags), ["search2", "search4"]);

    let params = |pairs: Vec<(&str, ParamValue)>| {
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<HashMap<_, _>>()
    };
    let found = turn
        .cube
        .get_users(
            params(vec![(
                "id[in]",
                ParamValue::AnyList {
                    values: vec![
                        ParamValue::Int {
                            value: i64::from(ids[0]),
                        },
                        ParamValue::Float {
                            value: f64::from(ids[4]),
                        },
                    ],
                },
            )]),
            None,
            asc(),
        )
        .await
        .unwrap();
    assert_eq!(logins(&found), ["search1", "search5"], "whole floats are whole numbers");
    let before = turn.requests().await;
    for bad in [
        ParamValue::Float { value: 1.5 },
        ParamValue::AnyList {
            values: vec![ParamValue::Int { value: 1 }, ParamValue::Str { value: "a".into() }],
        },
    ] {
        let error = turn
            .cube
            .get_users(params(vec![("id", bad)]), None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, ConnectycubeError::InvalidArgument { reason } if reason.contains("parameter 'id'")),
            "{error:?}"
        );
        assert_eq!(error.code(), "invalid_input");
    }
    let sideways = Some(RequestSorter {
        field_name: "login".into(),
        sort_type: "sideways".into(),
        field_type: None,
    });
    let refused = turn.cube.get_users_by_ids(ids, None, sideways).await;
    assert!(
        matches!(refused, Err(ConnectycubeError::InvalidArgument { .. })),
        "{refused:?}"
    );
    // A v2 rule the search refuses (a stand-alone field cannot be excluded).
    let nin = params(vec![(
        "login[nin]",
        ParamValue::StrList {
            values: vec!["admin".into()],
        },
    )]);
    let refused = turn.cube.get_users(nin, None, None).await;
    assert!(
        matches!(refused, Err(ConnectycubeError::InvalidArgument { .. })),
        "{refused:?}"
    );
    assert_eq!(turn.requests().await, before, "refused before anything was sent");
}

#[tokio::test]
async fn a_password_reset_mails_only_a_known_address() {
    let turn = Turn::start().await;
    let mut new = user("forgetful", PASSWORD);
    new.email = Some("forgetful@example.com".into());
    turn.cube.sign_up(new).await.unwrap();
    turn.cube.create_session(None).await.unwrap();
    turn.cube.reset_password("forgetful@example.com".into()).await.unwrap();
    turn.cube.reset_password("nobody@example.com".into()).await.unwrap();
    let outbox = turn.control("GET", "outbox", None).await;
    let text = outbox.to_string();
    assert!(
        text.contains("forgetful@example.com") && !text.contains("nobody@example.com"),
        "{text}"
    );
}

/// What the 1.x SDKs did that the 2.x ones dropped: a user by numeric external id, the v1
/// list with `filter[]` and `order`, online users, sign-up-and-sign-in in one call.
#[tokio::test]
async fn the_1x_lookups_and_sign_up_sign_in() {
    let turn = Turn::start().await;
    let numbered = turn
        .cube
        .sign_up(ConnectycubeUser {
            external_user_id: Some(3789),
            ..user("numbered1", PASSWORD)
        })
        .await
        .unwrap();
    turn.sign_up("listed01").await;
    turn.sign_up("listed02").await;

    let me = turn.cube.sign_up_and_sign_in(user("newbie01", PASSWORD)).await.unwrap();
    assert_eq!(me.login.as_deref(), Some("newbie01"));
    assert_eq!(
        turn.cube.get_session().await.unwrap().user_id,
        Some(me.id),
        "signed in as the new user"
    );

    let found = turn.cube.get_user_by_external_user_id(3789).await.unwrap();
    assert_eq!((found.id, found.external_user_id), (numbered.id, Some(3789)));
    assert!(matches!(
        turn.cube.get_user_by_external_user_id(3790).await,
        Err(ConnectycubeError::NotFound { .. })
    ));

    let mut pages = Vec::new();
    for number in [1, 2] {
        let filters = vec!["string login in listed01,listed02,numbered1".to_owned()];
        let order = Some("desc string login".to_owned());
        pages.push(turn.cube.get_users_v1(filters, order, number, 2).await.unwrap());
    }
    assert_eq!(logins(&pages[0]), ["numbered1", "listed02"]);
    assert_eq!(logins(&pages[1]), ["listed01"]);
    assert_eq!(
        (pages[0].page, pages[0].per_page, pages[0].total_entries),
        (0, 2, 3),
        "page is 0-based in the answer"
    );

    let before = turn.requests().await;
    for (filters, order) in [
        (vec!["number id eq abc".to_owned()], None),
        (vec!["login eq bob".to_owned()], None),
        (vec![], Some("sideways string login".to_owned())),
    ] {
        let refused = turn.cube.get_users_v1(filters.clone(), order, 1, 10).await;
        assert!(
            matches!(refused, Err(ConnectycubeError::InvalidArgument { .. })),
            "{filters:?}: {refused:?}"
        );
    }
    assert_eq!(turn.requests().await, before, "refused before anything is sent");

    let online = turn.cube.get_online_users(100, 0).await.unwrap();
    assert!(online.iter().any(|u| u.id == me.id), "the signed-in user is online");
    assert!(turn.cube.get_online_users_count().await.unwrap() >= 1);
}
