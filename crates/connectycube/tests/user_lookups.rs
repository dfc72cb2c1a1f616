//! Lookups through `cc.users()` against the in-process emulator: by id, login, email,
//! phone and the other ids, by full name and tags, the v2 search, the deprecated v1 list,
//! online users, and values with reserved characters.
#![allow(clippy::unwrap_used, reason = "tests: a panic is the test failing")]

mod common;

use common::Harness;
use common::users::{PASSWORD, cast, ids, new_user, signed_in};
use connectycube::{
    Error, FilterOp, FilterType, NewUser, Order, Pagination, SearchField, Sorter, UserFields, UserFilter, UserOrder,
    UserSearch,
};

// ---------------------------------------------------------------------------------------
// Lookups

#[tokio::test(flavor = "multi_thread")]
async fn single_user_lookups() {
    let h = Harness::start().await;
    let c = cast(&h).await;
    let users = h.client().users();

    assert_eq!(users.get(c.alice.id).await.unwrap(), c.alice);
    assert_eq!(users.get_by_login("alice01").await.unwrap().id, c.alice.id);
    assert_eq!(users.get_by_login(" bob0001 ").await.unwrap().id, c.bob.id, "trimmed");
    assert_eq!(users.get_by_email("bob@example.com").await.unwrap().id, c.bob.id);
    assert_eq!(users.get_by_phone("+100001").await.unwrap().id, c.alice.id);
    assert_eq!(users.get_by_external_id("ext-alice").await.unwrap().id, c.alice.id);
    assert_eq!(users.get_by_facebook_id("fb-alice").await.unwrap().id, c.alice.id);
    assert_eq!(users.get_by_twitter_id("tw-bob").await.unwrap().id, c.bob.id);
    let found = users.get_by_login("carol01").await.unwrap();
    assert_eq!(found.full_name.as_deref(), Some("Carol Anders"));
    assert_eq!(found.tags, ["vip"]);
    // One application session served them all.
    assert_eq!(h.count("POST /session").await, 1);
}

/// The 1.x SDKs looked users up by a numeric external id in the path (`/users/external/3789`).
#[tokio::test(flavor = "multi_thread")]
async fn lookup_by_numeric_external_user_id() {
    let h = Harness::start().await;
    cast(&h).await;
    let numbered = h
        .client()
        .users()
        .sign_up(new_user(
            "numbered1",
            UserFields {
                external_user_id: Some(3789),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    let users = h.client().users();
    let found = users.get_by_external_user_id(3789).await.unwrap();
    assert_eq!((found.id, found.external_user_id), (numbered.id, Some(3789)));
    let error = users.get_by_external_user_id(3790).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    assert_eq!(
        h.count("GET /users/external/{id}").await,
        2,
        "the path form, not a search"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lookups_that_find_nobody_are_not_found() {
    let h = Harness::start().await;
    cast(&h).await;
    let users = h.client().users();
    for error in [
        users.get(999_999).await.unwrap_err(),
        users.get_by_login("nobody99").await.unwrap_err(),
        users.get_by_email("nobody@example.com").await.unwrap_err(),
        users.get_by_phone("+999").await.unwrap_err(),
        users.get_by_external_id("ext-nobody").await.unwrap_err(),
        users.get_by_facebook_id("fb-nobody").await.unwrap_err(),
        users.get_by_twitter_id("tw-nobody").await.unwrap_err(),
    ] {
        assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
        assert_eq!(error.code(), "not_found");
    }
    let before = h.total_requests().await;
    let error = users.get_by_login("   ").await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(h.total_requests().await, before, "an empty login is refused locally");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_by_ids_pages_and_sorts() {
    let h = Harness::start().await;
    let c = cast(&h).await;
    let users = h.client().users();
    let all = [c.alice.id, c.bob.id, c.carol.id];

    let first = users
        .get_by_ids(&all, Some(Pagination::new(0, 2)), Some(Sorter::desc(SearchField::Id)))
        .await
        .unwrap();
    assert_eq!(ids(&first.items), [c.carol.id, c.bob.id]);
    assert_eq!(first.total_entries, 3);
    assert_eq!((first.skip, first.limit), (0, 2));
    assert!(first.has_more());

    let second = users
        .get_by_ids(&all, Some(Pagination::new(1, 2)), Some(Sorter::desc(SearchField::Id)))
        .await
        .unwrap();
    assert_eq!(ids(&second.items), [c.alice.id]);
    assert_eq!((second.skip, second.limit, second.total_entries), (2, 2, 3));
    assert_eq!(second.page(), 1);
    assert!(!second.has_more());

    let by_login = users
        .get_by_ids(&all, None, Some(Sorter::asc(SearchField::Login)))
        .await
        .unwrap();
    assert_eq!(ids(&by_login.items), [c.alice.id, c.bob.id, c.carol.id]);
    let unsorted_unknown = users.get_by_ids(&[c.dave.id, 999_999], None, None).await.unwrap();
    assert_eq!(ids(&unsorted_unknown.items), [c.dave.id]);
    assert_eq!(unsorted_unknown.total_entries, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_by_full_name_and_tags() {
    let h = Harness::start().await;
    let c = cast(&h).await;
    let users = h.client().users();

    let alices = users
        .get_by_full_name("Alice", None, Some(Sorter::asc(SearchField::Login)))
        .await
        .unwrap();
    assert_eq!(ids(&alices.items), [c.alice.id, c.dave.id]);
    assert_eq!(alices.total_entries, 2);
    let carol = users.get_by_full_name("Carol", None, None).await.unwrap();
    assert_eq!(ids(&carol.items), [c.carol.id]);
    let nobody = users.get_by_full_name("Zaphod", None, None).await.unwrap();
    assert!(nobody.items.is_empty());
    assert_eq!(nobody.total_entries, 0);
    // The server's rule: at least 4 characters, checked before sending.
    let before = h.total_requests().await;
    let error = users.get_by_full_name("Al", None, None).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(h.total_requests().await, before);

    let vip = users
        .get_by_tags(&["vip"], None, Some(Sorter::asc(SearchField::Login)))
        .await
        .unwrap();
    assert_eq!(ids(&vip.items), [c.alice.id, c.carol.id]);
    let any = users
        .get_by_tags(&["vip", "sales"], None, Some(Sorter::desc(SearchField::Id)))
        .await
        .unwrap();
    assert_eq!(ids(&any.items), [c.carol.id, c.bob.id, c.alice.id]);
    let paged = users
        .get_by_tags(
            &["vip", "sales"],
            Some(Pagination::new(1, 2)),
            Some(Sorter::desc(SearchField::Id)),
        )
        .await
        .unwrap();
    assert_eq!(ids(&paged.items), [c.alice.id]);
    assert_eq!((paged.total_entries, paged.skip, paged.limit), (3, 2, 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn search_with_operators_paging_and_sorting() {
    let h = Harness::start().await;
    let c = cast(&h).await;
    // A user created an hour later, for the date operators.
    h.advance_clock(3600).await;
    let late = h
        .client()
        .users()
        .sign_up(NewUser::with_login("latecomer", PASSWORD))
        .await
        .unwrap();
    let late_created = late.created_at.unwrap();
    let users = h.client().users();
    let everyone = [c.alice.id, c.bob.id, c.carol.id, c.dave.id, late.id];

    // in + nin
    let page = users
        .search(
            UserSearch::new()
                .is_in(SearchField::Id, everyone)
                .not_in(SearchField::UserTags, ["sales"])
                .sort(Sorter::asc(SearchField::Id)),
        )
        .await
        .unwrap();
    assert_eq!(ids(&page.items), [c.carol.id, c.dave.id, late.id]);

    // eq on a tag, with a date comparison
    let page = users
        .search(
            UserSearch::new()
                .is_in(SearchField::Id, everyone)
                .gte(SearchField::CreatedAt, late_created - time::Duration::minutes(30)),
        )
        .await
        .unwrap();
    assert_eq!(ids(&page.items), [late.id]);
    let page = users
        .search(
            UserSearch::new()
                .is_in(SearchField::Id, everyone)
                .lt(SearchField::CreatedAt, late_created - time::Duration::minutes(30))
                .sort(Sorter::asc(SearchField::Id)),
        )
        .await
        .unwrap();
    assert_eq!(ids(&page.items), [c.alice.id, c.bob.id, c.carol.id, c.dave.id]);

    // start_with on login
    let page = users
        .search(UserSearch::new().start_with(SearchField::Login, "caro"))
        .await
        .unwrap();
    assert_eq!(ids(&page.items), [c.carol.id]);

    // eq on a tag
    let page = users
        .search(
            UserSearch::new()
                .eq(SearchField::UserTags, "vip")
                .sort(Sorter::desc(SearchField::Login)),
        )
        .await
        .unwrap();
    assert_eq!(ids(&page.items), [c.carol.id, c.alice.id]);

    // paging through everyone, two by two, sorted by login descending
    let search = |page: u32| {
        UserSearch::new()
            .is_in(SearchField::Id, everyone)
            .paginate(Pagination::new(page, 2))
            .sort(Sorter::desc(SearchField::Login))
    };
    let mut seen = Vec::new();
    for n in 0..3 {
        let page = users.search(search(n)).await.unwrap();
        assert_eq!(page.total_entries, 5);
        assert_eq!(page.skip, u64::from(n) * 2);
        assert_eq!(page.limit, 2);
        assert_eq!(page.page(), u64::from(n));
        seen.extend(page.items.iter().filter_map(|u| u.login.clone()));
    }
    assert_eq!(seen, ["latecomer", "dave001", "carol01", "bob0001", "alice01"]);
    let past_the_end = users.search(search(3)).await.unwrap();
    assert!(past_the_end.items.is_empty());
    assert_eq!(past_the_end.total_entries, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_search_is_refused_before_any_request() {
    let h = Harness::start().await;
    let users = h.client().users();
    let invalid = [
        UserSearch::new(),
        UserSearch::new().gt(SearchField::CreatedAt, time::OffsetDateTime::now_utc()),
        UserSearch::new().gt(SearchField::Id, 5),
        UserSearch::new().start_with(SearchField::FullName, "Al"),
        UserSearch::new().is_in(SearchField::Id, Vec::<u64>::new()),
        UserSearch::new().start_with(SearchField::UserTags, "vipvip"),
    ];
    for search in invalid {
        let error = users.search(search.clone()).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{search:?}: {error:?}");
    }
    assert_eq!(h.total_requests().await, 0, "not even a session was created");
}

#[tokio::test(flavor = "multi_thread")]
#[allow(
    deprecated,
    reason = "the v1 list is deprecated but still offered; it must keep working"
)]
async fn list_v1_filters_orders_and_pages() {
    let h = Harness::start().await;
    let c = cast(&h).await;
    let users = h.client().users();
    let filter = UserFilter::new(
        FilterType::Number,
        "id",
        FilterOp::In,
        [c.alice.id, c.bob.id, c.carol.id].map(|id| id.to_string()),
    );
    let order = UserOrder::new(Order::Desc, FilterType::String, "login");

    let first = users
        .list_v1(std::slice::from_ref(&filter), Some(&order), 1, 2)
        .await
        .unwrap();
    assert_eq!(ids(&first.items), [c.carol.id, c.bob.id]);
    assert_eq!((first.total_entries, first.skip, first.limit), (3, 0, 2));
    let second = users
        .list_v1(std::slice::from_ref(&filter), Some(&order), 2, 2)
        .await
        .unwrap();
    assert_eq!(ids(&second.items), [c.alice.id]);
    assert_eq!((second.total_entries, second.skip, second.limit), (3, 2, 2));

    let by_name = UserFilter::new(FilterType::String, "login", FilterOp::Eq, ["bob0001"]);
    let bob = users.list_v1(&[by_name], None, 1, 10).await.unwrap();
    assert_eq!(ids(&bob.items), [c.bob.id]);
    assert_eq!(bob.items[0].tags, ["sales"]);

    // A filter the server would refuse is refused here, before sending.
    let before = h.total_requests().await;
    let bad = UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["not-a-number"]);
    let error = users.list_v1(&[bad], None, 1, 10).await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(h.total_requests().await, before);
}

#[tokio::test(flavor = "multi_thread")]
#[allow(
    deprecated,
    reason = "the v1 list is deprecated but still offered; its refusal must be typed"
)]
async fn list_v1_disabled_by_the_app_is_forbidden() {
    let h = Harness::start_with(|c| c.deny_users_v1_list = true).await;
    let error = h.client().users().list_v1(&[], None, 1, 10).await.unwrap_err();
    assert!(matches!(error, Error::Forbidden { .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn online_users_and_their_count() {
    let h = Harness::start().await;
    let (_alice_cc, alice) = signed_in(&h, "alice01").await;
    let (_bob_cc, bob) = signed_in(&h, "bob0001").await;
    let observer = h.client();

    let online = observer.users().online(10, 0).await.unwrap();
    let mut online_ids = ids(&online);
    online_ids.sort_unstable();
    assert_eq!(online_ids, [alice.id, bob.id]);
    assert_eq!(observer.users().online_count().await.unwrap(), 2);
    let page = observer.users().online(1, 1).await.unwrap();
    assert_eq!(page.len(), 1);

    // Ten minutes of silence: nobody is online any more.
    h.advance_clock(600).await;
    assert!(observer.users().online(10, 0).await.unwrap().is_empty());
    assert_eq!(observer.users().online_count().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn values_with_reserved_characters_reach_the_server_intact() {
    let h = Harness::start().await;
    let odd = h
        .client()
        .users()
        .sign_up(new_user(
            "odd.one-ü",
            UserFields {
                email: Some("a+b@example.com".into()),
                full_name: Some("Zoë & Co = 100%".into()),
                phone: Some("+1 (555) 010-9999".into()),
                tags: Some(vec!["c++".into(), "r&d".into()]),
                external_id: Some("ext 42+ü&x=%41".into()),
                ..UserFields::default()
            },
        ))
        .await
        .unwrap();
    assert_eq!(odd.full_name.as_deref(), Some("Zoë & Co = 100%"));
    let users = h.client().users();
    assert_eq!(users.get_by_login("odd.one-ü").await.unwrap().id, odd.id);
    assert_eq!(users.get_by_email("a+b@example.com").await.unwrap().id, odd.id);
    assert_eq!(users.get_by_phone("+1 (555) 010-9999").await.unwrap().id, odd.id);
    assert_eq!(users.get_by_external_id("ext 42+ü&x=%41").await.unwrap().id, odd.id);
    let by_name = users.get_by_full_name("Zoë & Co", None, None).await.unwrap();
    assert_eq!(ids(&by_name.items), [odd.id]);
    let by_tag = users.get_by_tags(&["r&d"], None, None).await.unwrap();
    assert_eq!(ids(&by_tag.items), [odd.id]);
    let by_tag = users.get_by_tags(&["c++"], None, None).await.unwrap();
    assert_eq!(ids(&by_tag.items), [odd.id]);

    // The external id travels in the path of the delete.
    let (cc, me) = signed_in(&h, "odd.one-ü").await;
    assert_eq!(me.id, odd.id);
    cc.users().delete_by_external_id("ext 42+ü&x=%41").await.unwrap();
    assert!(matches!(users.get(odd.id).await, Err(Error::NotFound { .. })));
}
