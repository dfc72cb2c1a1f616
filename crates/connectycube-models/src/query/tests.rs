//! The query types against the documented examples and rules.

mod search_paging_filter {
    use crate::query::*;
    use SearchField::*;
    use time::macros::datetime;

    fn pairs(search: &UserSearch) -> Vec<(String, String)> {
        search.query_pairs()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn pagination() {
        let page = Pagination::new(5, 10);
        assert_eq!((page.offset(), page.limit(), page.v1_page()), (50, 10, 6));
        assert_eq!(Pagination::new(2, 0).limit(), 1);
        assert_eq!(Pagination::new(2, 0).offset(), 2);
        assert_eq!(Pagination::new(1, 1000).limit(), 100);
        assert_eq!(Pagination::new(1, 1000).offset(), 100);
        assert_eq!(Pagination::new(u32::MAX, u32::MAX).offset(), u64::from(u32::MAX) * 100);
        assert_eq!(Pagination::default(), Pagination::new(0, 100));
    }

    #[test]
    fn sorter_and_fields() {
        assert_eq!(Sorter::asc(Id).query_pair(), p("sort_asc", "id"));
        assert_eq!(
            Sorter::desc(LastRequestAt).query_pair(),
            p("sort_desc", "last_request_at")
        );
        for f in SearchField::ALL {
            assert_eq!(SearchField::parse(f.as_str()), Some(f));
        }
        assert_eq!(SearchField::parse("custom_data"), None);
        assert_eq!(SearchField::parse("ID"), None);
        assert!(FullName.is_string() && !Id.is_string() && !UserTags.is_string() && !CreatedAt.is_string());
        assert!(UserTags.is_stand_alone() && !UpdatedAt.is_stand_alone());
    }

    #[test]
    fn documented_valid_examples() {
        let date = datetime!(2018-12-06 09:21:41 UTC);
        let cases: Vec<(UserSearch, Vec<(String, String)>)> = vec![
            (UserSearch::new().eq(Id, 51946), vec![p("id", "51946")]),
            (
                UserSearch::new().is_in(Id, [51941, 51946]).gt(LastRequestAt, date),
                vec![
                    p("id[in][]", "51941"),
                    p("id[in][]", "51946"),
                    p("last_request_at[gt]", "2018-12-06T09:21:41Z"),
                ],
            ),
            (UserSearch::new().eq(UserTags, "guest"), vec![p("user_tags", "guest")]),
            (
                UserSearch::new().eq(UserTags, "guest").lt(CreatedAt, 1690886495),
                vec![p("user_tags", "guest"), p("created_at[lt]", "1690886495")],
            ),
            (
                UserSearch::new()
                    .eq(Login, "smith1")
                    .eq(Phone, "+6110797757")
                    .not_in(UserTags, ["vip"])
                    .lte(UpdatedAt, datetime!(2019-11-06 09:21:41 UTC)),
                vec![
                    p("login", "smith1"),
                    p("phone", "+6110797757"),
                    p("user_tags[nin][]", "vip"),
                    p("updated_at[lte]", "2019-11-06T09:21:41Z"),
                ],
            ),
            (
                UserSearch::new().eq(Phone, "+6110797757").eq(LastRequestAt, date),
                vec![p("phone", "+6110797757"), p("last_request_at", "2018-12-06T09:21:41Z")],
            ),
            (
                UserSearch::new().start_with(FullName, "hunter").not_in(Id, [68647]),
                vec![
                    p("full_name[start_with]", "hunter"),
                    p("id[nin][]", "68647"),
                    p("limit", "5"),
                ],
            ),
            (
                UserSearch::new()
                    .gte(UpdatedAt, "2019-11-06T09:21:41Z")
                    .is_in(Email, ["a@b.c"]),
                vec![p("updated_at[gte]", "2019-11-06T09:21:41Z"), p("email[in][]", "a@b.c")],
            ),
        ];
        for (search, want) in cases {
            assert_eq!(search.validate(), Ok(()), "{search:?}");
            assert_eq!(pairs(&search), want);
        }
    }

    #[test]
    fn documented_invalid_examples() {
        let date = datetime!(2018-12-06 09:21:41 UTC);
        let cases = [
            UserSearch::new().not_in(Login, ["admin19"]),
            UserSearch::new().not_in(UserTags, ["guest"]),
            UserSearch::new().eq(LastRequestAt, date),
            UserSearch::new().gte(CreatedAt, date),
            UserSearch::new().start_with(Login, "vip"),
            UserSearch::new(),
        ];
        for search in cases {
            assert!(search.validate().is_err(), "{search:?}");
        }
    }

    #[test]
    fn operator_rules() {
        let bad = [
            UserSearch::new().eq(Id, 1).gt(Id, 5),
            UserSearch::new().eq(Id, 1).lte(Login, "x"),
            UserSearch::new().eq(Id, 1).is_in(CreatedAt, [1]),
            UserSearch::new().eq(Id, 1).not_in(UpdatedAt, [1]),
            UserSearch::new().eq(Id, 1).start_with(CreatedAt, "2019-"),
            UserSearch::new().start_with(UserTags, "guest"),
            UserSearch::new().start_with(Id, "12345"),
            UserSearch::new().eq(UserTags, "a").gt(UserTags, "b"),
            UserSearch::new().is_in(Id, Vec::<i64>::new()),
            UserSearch::new().eq(Id, 1).not_in(Login, Vec::<String>::new()),
            UserSearch::new().eq(Id, "abc"),
            UserSearch::new().eq(Login, datetime!(2019-11-06 09:21:41 UTC)),
            UserSearch::new().eq(Id, 1).eq(Id, 2),
            UserSearch::new().start_with(FullName, "héé"),
        ];
        for search in bad {
            let e = search.validate().unwrap_err();
            assert!(e.to_string().starts_with("invalid user search: "), "{e}");
        }
        let good = [
            UserSearch::new().eq(Id, "42"),
            UserSearch::new().start_with(FullName, "héér"),
            UserSearch::new().eq(Id, 1).is_in(Id, [2, 3]),
            UserSearch::new()
                .is_in(UserTags, ["a", "b"])
                .gt(CreatedAt, 1)
                .lt(CreatedAt, 2),
            UserSearch::new()
                .eq(FacebookId, 91234409u64)
                .eq(TwitterId, "83510562734"),
            UserSearch::new().eq(ExternalId, "a014ef63"),
        ];
        for search in good {
            assert_eq!(search.validate(), Ok(()), "{search:?}");
        }
    }

    #[test]
    fn pagination_and_sort_pairs() {
        let search = UserSearch::new()
            .is_in(Id, [51946u64, 51941u64])
            .paginate(Pagination::new(5, 10))
            .sort(Sorter::desc(Id));
        assert_eq!(
            pairs(&search),
            vec![
                p("id[in][]", "51946"),
                p("id[in][]", "51941"),
                p("limit", "10"),
                p("offset", "50"),
                p("sort_desc", "id"),
            ]
        );
        assert_eq!(search.effective_limit(), 10);
        assert_eq!(search.pagination(), Some(Pagination::new(5, 10)));
        assert_eq!(search.sorter(), Some(&Sorter::desc(Id)));
    }

    #[test]
    fn start_with_forces_limit_five() {
        let search = UserSearch::new()
            .start_with(FullName, "dive r")
            .paginate(Pagination::new(3, 50));
        assert!(search.uses_start_with());
        assert_eq!(search.effective_limit(), 5);
        assert_eq!(
            pairs(&search),
            vec![p("full_name[start_with]", "dive r"), p("limit", "5"), p("offset", "15")]
        );
        assert_eq!(UserSearch::new().eq(Id, 1).effective_limit(), 100);
    }

    #[test]
    fn search_values() {
        assert_eq!(SearchValue::from(u64::MAX), SearchValue::Text(u64::MAX.to_string()));
        assert_eq!(SearchValue::from(7u64), SearchValue::Int(7));
        assert_eq!(SearchValue::from(7u32), SearchValue::Int(7));
        assert_eq!(SearchValue::from(-7i32), SearchValue::Int(-7));
        assert_eq!(SearchValue::from(String::from("x")), SearchValue::Text("x".into()));
        assert_eq!(
            SearchValue::from(datetime!(2019-11-06 11:21:41.250 +02:00)).to_query_value(),
            "2019-11-06T09:21:41Z"
        );
    }

    #[test]
    fn v1_filters() {
        let f = UserFilter::new(FilterType::Number, "id", FilterOp::In, ["51941", "51946"]);
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.to_query_value(), "number id in 51941,51946");
        let f = UserFilter::new(
            FilterType::Date,
            "created_at",
            FilterOp::Between,
            ["2018-01-01", "2018.12.31"],
        );
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.to_query_value(), "date created_at between 2018-01-01,2018.12.31");
        let f = UserFilter::new(FilterType::String, "login", FilterOp::Eq, ["john doe"]);
        assert_eq!(f.validate(), Ok(()));
        assert_eq!(f.to_query_value(), "string login eq john doe");
        assert_eq!(
            UserFilter::new(FilterType::Number, "id", FilterOp::Gt, ["1.5"]).validate(),
            Ok(())
        );

        let bad = [
            UserFilter::new(FilterType::String, "custom_data", FilterOp::Eq, ["000001"]),
            UserFilter::new(FilterType::String, "", FilterOp::Eq, ["x"]),
            UserFilter::new(FilterType::String, "full name", FilterOp::Eq, ["x"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Between, ["1"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Between, ["1", "2", "3"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::In, Vec::<String>::new()),
            UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["1", "2"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["abc"]),
            UserFilter::new(FilterType::Number, "id", FilterOp::Eq, ["NaN"]),
            UserFilter::new(FilterType::String, "login", FilterOp::In, ["a,b"]),
            UserFilter::new(FilterType::Date, "created_at", FilterOp::Gt, [" "]),
        ];
        for f in bad {
            assert!(f.validate().is_err(), "{f:?}");
        }
    }

    #[test]
    fn v1_order() {
        assert_eq!(
            UserOrder::new(Order::Desc, FilterType::String, "full_name").to_query_value(),
            "desc string full_name"
        );
        assert_eq!(
            UserOrder::new(Order::Asc, FilterType::Date, "created_at").to_query_value(),
            "asc date created_at"
        );
    }

    /// The wire form reads back into the same filter; what `validate` refuses, `parse` refuses.
    #[test]
    fn v1_filters_parse_from_their_wire_form() {
        for text in [
            "number id in 51941,51946",
            "date created_at between 2018-01-01,2018.12.31",
            "string login eq john doe",
            "number id gt 1.5",
        ] {
            assert_eq!(UserFilter::parse(text).map(|f| f.to_query_value()), Ok(text.to_owned()));
        }
        assert_eq!(
            UserFilter::parse("NUMBER id IN 1, 2"),
            Ok(UserFilter::new(FilterType::Number, "id", FilterOp::In, ["1", "2"]))
        );
        for bad in [
            "",
            "number id in",
            "integer id eq 1",
            "number id like 1",
            "number id eq abc",
            "string custom_data eq x",
            "number id between 1",
        ] {
            assert!(UserFilter::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            UserOrder::parse("desc string full_name"),
            Ok(UserOrder::new(Order::Desc, FilterType::String, "full_name"))
        );
        for bad in ["", "up string login", "asc text login", "asc string"] {
            assert!(UserOrder::parse(bad).is_err(), "{bad:?}");
        }
    }
}

mod from_query_pairs {
    use crate::query::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn loose_parameters_become_the_same_typed_search() {
        let loose = UserSearch::from_query_pairs(&pairs(&[
            ("id[in]", "51941,51946"),
            ("full_name[start_with]", "dive r"),
            ("limit", "10"),
            ("offset", "20"),
            ("sort_desc", "id"),
        ]))
        .unwrap();
        let typed = UserSearch::new()
            .is_in(SearchField::Id, [51941, 51946])
            .start_with(SearchField::FullName, "dive r")
            .paginate(Pagination::new(2, 10))
            .sort(Sorter::desc(SearchField::Id));
        assert_eq!(loose, typed);
        let repeated = UserSearch::from_query_pairs(&pairs(&[("user_tags", "a"), ("user_tags", "b")])).unwrap();
        assert_eq!(repeated, UserSearch::new().is_in(SearchField::UserTags, ["a", "b"]));
        assert!(UserSearch::from_query_pairs(&pairs(&[("nickname", "x")])).is_err());
        assert!(UserSearch::from_query_pairs(&pairs(&[("login[like]", "x")])).is_err());
        assert!(UserSearch::from_query_pairs(&pairs(&[("login", "x"), ("limit", "ten")])).is_err());
    }
}
