//! `rest-api.md` §3 and §4: sign-up, update, delete, lookups, searches, password reset.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the test failing, with its message"
)]

mod common;

use common::*;
use serde_json::{Value, json};

const USER_FIELDS: &[&str] = &[
    "_id",
    "id",
    "created_at",
    "updated_at",
    "login",
    "full_name",
    "last_request_at",
    "timezone",
    "email",
    "phone",
    "website",
    "twitter_id",
    "external_user_id",
    "facebook_id",
    "custom_data",
    "user_tags",
    "avatar",
    "blob_id",
    "external_id",
    "is_guest",
];

#[tokio::test]
async fn sign_up_with_only_the_auth_key_returns_every_documented_field() {
    let s = start().await;
    let body = json!({"user": {"login": "Dacia", "password": "petU4or!", "email": "dacia_k@domain.com",
        "facebook_id": "91234409", "twitter_id": "83510562734", "full_name": "Dacia Kail ", "phone": "+6110797757",
        "timezone": 180, "tag_list": ["iphone", "apple"], "custom_data": "{\"middle_name\":\"Bartoleo\"}"}});
    let resp = s
        .send(s.http.post(s.url("/users")).header("CB-AuthKey", AUTH_KEY).json(&body))
        .await
        .expect(201);
    let user = resp.json["user"].as_object().unwrap();
    for field in USER_FIELDS {
        assert!(user.contains_key(*field), "missing {field}: {}", resp.text);
    }
    assert_eq!(user["full_name"], "Dacia Kail");
    assert_eq!(user["user_tags"], "iphone,apple");
    assert_eq!(user["timezone"], json!(180));
    assert_eq!(user["website"], Value::Null);
    assert_eq!(user["custom_data"], "{\"middle_name\":\"Bartoleo\"}");
    assert!(!resp.text.contains("petU4or!"), "the password never comes back");
    assert!(!user.contains_key("password"));
    // Keys in the real service's order, `_id` first.
    assert!(resp.text.starts_with("{\"user\":{\"_id\":"), "{}", resp.text);

    let no_credentials = s.call("POST", "/users", None, Some(body.clone())).await.expect(401);
    assert_eq!(no_credentials.json, json!({"errors": ["Token is required"]}));
    let wrong_key = s
        .send(s.http.post(s.url("/users")).header("CB-AuthKey", "wrong").json(&body))
        .await;
    assert_eq!(wrong_key.expect(401).json, json!({"errors": ["Unauthorized"]}));
}

#[tokio::test]
async fn sign_up_with_a_session_and_dart_style_bodies() {
    let s = start().await;
    let app = s.app_session().await;
    // Dart sends read-only fields, `tag_list` as a comma string, numbers as strings.
    let user = s
        .sign_up(
            &app,
            json!({"id": 99, "created_at": "2020-01-01T00:00:00Z", "guest": false, "login": "darty",
            "password": "password1", "tag_list": "a, b", "timezone": "60", "website": "example.com"}),
        )
        .await;
    assert_ne!(user["id"], json!(99));
    assert_eq!(user["user_tags"], "a,b");
    assert_eq!(user["timezone"], json!(60));
    assert_eq!(user["website"], "http://example.com");
    let with_user_session = s.user_session("someone", "password1").await.0;
    s.sign_up(
        &with_user_session,
        json!({"email": "only@email.com", "password": "password1"}),
    )
    .await;
}

#[tokio::test]
async fn sign_up_validates_and_keeps_logins_and_emails_unique() {
    let s = start().await;
    let app = s.app_session().await;
    s.sign_up(
        &app,
        json!({"login": "unique", "email": "u@example.com", "password": "password1"}),
    )
    .await;
    let cases = [
        (
            json!({"login": "UNIQUE", "password": "password1"}),
            json!({"errors": {"base": ["login must be unique"]}}),
        ),
        (
            json!({"login": "other", "email": "U@example.com", "password": "password1"}),
            json!({"errors": {"base": ["email must be unique"]}}),
        ),
        (
            json!({"login": "ab", "password": "password1"}),
            json!({"errors": {"login": ["is too short (minimum is 3 characters)"]}}),
        ),
        (
            json!({"login": "x".repeat(71), "password": "password1"}),
            json!({"errors": {"login": ["is too long (maximum is 70 characters)"]}}),
        ),
        (
            json!({"login": "shortpw", "password": "short"}),
            json!({"errors": {"password": ["is too short (minimum is 8 characters)"]}}),
        ),
        (
            json!({"login": "nopw"}),
            json!({"errors": {"password": ["cannot be blank"]}}),
        ),
        (
            json!({"password": "password1"}),
            json!({"errors": {"base": ["login or email required"]}}),
        ),
        (
            json!({"login": "bademail", "email": "not-an-email", "password": "password1"}),
            json!({"errors": {"email": ["is invalid"]}}),
        ),
        (
            json!({"login": "badtz", "password": "password1", "timezone": "east"}),
            json!({"errors": {"timezone": ["is not a number"]}}),
        ),
        (
            json!({"login": "badname", "password": "password1", "full_name": {"first": "x"}}),
            json!({"errors": {"full_name": ["must be a string"]}}),
        ),
    ];
    for (user, expected) in cases {
        let resp = s.call("POST", "/users", Some(&app), Some(json!({"user": user}))).await;
        assert_eq!(resp.status, 422, "{user}: {}", resp.text);
        assert_eq!(resp.json, expected, "{user}");
    }
    let resp = s
        .call("POST", "/users", Some(&app), Some(json!({"user": "login=x"})))
        .await
        .expect(422);
    assert_eq!(resp.json, json!({"errors": {"user": ["must be an object"]}}));
}

#[tokio::test]
async fn update_profile_and_password() {
    let s = start().await;
    let (token, id) = s.user_session("marvin18", "supersecurepwd").await;
    let path = format!("/users/{id}.json");
    let resp = s
        .call(
            "PUT",
            &path,
            Some(&token),
            Some(json!({"user": {"login": "marvin18sim", "full_name": "Mar Sim", "tag_list": ["x"]}})),
        )
        .await
        .expect(200);
    assert_eq!(resp.json["user"]["login"], "marvin18sim");
    assert_eq!(resp.json["user"]["full_name"], "Mar Sim");
    assert_eq!(resp.json["user"]["user_tags"], "x");
    assert!(resp.header("cb-token-expirationdate").is_some());
    // Clearing a field with null.
    let resp = s
        .call(
            "PUT",
            &path,
            Some(&token),
            Some(json!({"user": {"full_name": null, "tag_list": []}})),
        )
        .await;
    assert_eq!(resp.json["user"]["full_name"], Value::Null);
    assert_eq!(resp.json["user"]["user_tags"], Value::Null);

    let no_old = s
        .call(
            "PUT",
            &path,
            Some(&token),
            Some(json!({"user": {"password": "newPassword"}})),
        )
        .await
        .expect(422);
    assert_eq!(no_old.json, json!({"errors": {"old_password": ["cannot be blank"]}}));
    let wrong_old = s
        .call(
            "PUT",
            &path,
            Some(&token),
            Some(json!({"user": {"password": "newPassword", "old_password": "nope"}})),
        )
        .await
        .expect(422);
    assert_eq!(wrong_old.json, json!({"errors": {"old_password": ["is incorrect"]}}));
    s.call(
        "PUT",
        &path,
        Some(&token),
        Some(json!({"user": {"password": "newPassword", "old_password": "supersecurepwd"}})),
    )
    .await
    .expect(200);
    s.create_session(json!({"user": {"login": "marvin18sim", "password": "supersecurepwd"}}))
        .await
        .expect(401);
    s.create_session(json!({"user": {"login": "marvin18sim", "password": "newPassword"}}))
        .await
        .expect(201);
    // Dart 2.x sends `oldPassword`.
    s.call(
        "PUT",
        &path,
        Some(&token),
        Some(json!({"user": {"password": "thirdPassword", "oldPassword": "newPassword"}})),
    )
    .await
    .expect(200);
    s.create_session(json!({"user": {"login": "marvin18sim", "password": "thirdPassword"}}))
        .await
        .expect(201);
}

#[tokio::test]
async fn users_change_only_themselves() {
    let s = start().await;
    let (token, _) = s.user_session("me_user", "password1").await;
    let (_, other) = s.user_session("other_user", "password1").await;
    let body = Some(json!({"user": {"full_name": "Hacker"}}));
    let resp = s
        .call("PUT", &format!("/users/{other}"), Some(&token), body.clone())
        .await
        .expect(403);
    assert!(resp.json["errors"]["base"].is_array());
    s.call("DELETE", &format!("/users/{other}"), Some(&token), None)
        .await
        .expect(403);
    let resp = s.call("PUT", "/users/999999", Some(&token), body).await.expect(404);
    assert_eq!(resp.json, json!({"errors": ["User not found"]}));
    s.user_session("me_user", "password1").await; // still there
    let (_, taken_id) = s.user_session("taken", "password1").await;
    let _ = taken_id;
    let me = s.get("/session", &token).await.json["session"]["user_id"]
        .as_i64()
        .unwrap();
    let resp = s
        .call(
            "PUT",
            &format!("/users/{me}"),
            Some(&token),
            Some(json!({"user": {"login": "taken"}})),
        )
        .await;
    assert_eq!(
        resp.expect(422).json,
        json!({"errors": {"base": ["login must be unique"]}})
    );
}

#[tokio::test]
async fn delete_self_and_delete_by_external_id() {
    let s = start().await;
    let (token, id) = s.user_session("leaver", "password1").await;
    let (second_token, _) = s.user_session("leaver", "password1").await;
    let resp = s
        .call("DELETE", &format!("/users/{id}"), Some(&token), None)
        .await
        .expect(200);
    assert!(resp.text.is_empty());
    s.get("/session", &second_token).await.expect(401);
    let observer = s.app_session().await;
    s.get(&format!("/users/{id}"), &observer).await.expect(404);

    let (token, id) = s.user_session("external", "password1").await;
    s.call(
        "PUT",
        &format!("/users/{id}"),
        Some(&token),
        Some(json!({"user": {"external_user_id": 675373912}})),
    )
    .await
    .expect(200);
    let resp = s.get("/users/external/675373912.json", &observer).await.expect(200);
    assert_eq!(resp.json["user"]["id"], json!(id));
    s.call("DELETE", "/users/external/675373912", Some(&token), None)
        .await
        .expect(200);
    s.get("/users/external/675373912", &observer).await.expect(404);
}

async fn seed_users(s: &Server, token: &str) -> Vec<i64> {
    let people = [
        json!({"login": "adminFirstUser", "email": "admin@example.com", "full_name": "Marvin Samuel", "phone": "44678162873",
               "facebook_id": "fb-1", "twitter_id": "tw-1", "tag_list": ["apple", "vip"], "external_id": "ext-1"}),
        json!({"login": "diver_one", "full_name": "Diver Rob", "phone": "4723642", "tag_list": ["guest"]}),
        json!({"login": "diver_two", "full_name": "dive rights", "tag_list": "zoo"}),
        json!({"login": "smith1", "full_name": "Hunter Smith", "tag_list": ["apple"]}),
    ];
    let mut ids = Vec::new();
    for person in people {
        let mut person = person;
        person["password"] = json!("password1");
        ids.push(s.sign_up(token, person).await["id"].as_i64().unwrap());
    }
    ids
}

#[tokio::test]
async fn single_user_lookups() {
    let s = start().await;
    let token = s.app_session().await;
    let ids = seed_users(&s, &token).await;
    let first = json!(ids[0]);
    for path in [
        format!("/users/{}", ids[0]),
        "/users/by_login?login=adminFirstUser".to_owned(),
        "/users/by_login.json?login=ADMINFIRSTUSER".to_owned(),
        "/users/by_email?email=admin%40example.com".to_owned(),
        "/users/by_facebook_id?facebook_id=fb-1".to_owned(),
        "/users/by_twitter_id?twitter_id=tw-1".to_owned(),
        "/users/phone?phone=44678162873".to_owned(),
        "/users/by_phone?phone=44678162873".to_owned(),
        "/users/external/ext-1".to_owned(),
    ] {
        let resp = s.get(&path, &token).await;
        assert_eq!(resp.status, 200, "{path}: {}", resp.text);
        assert_eq!(resp.json["user"]["id"], first, "{path}");
    }
    for path in [
        "/users/by_login?login=ghost",
        "/users/by_facebook_id?facebook_id=none",
        "/users/424242",
        "/users/abc",
    ] {
        let resp = s.get(path, &token).await;
        assert_eq!(resp.status, 404, "{path}");
        assert_eq!(resp.json, json!({"errors": ["User not found"]}));
    }
    let resp = s.get("/users/by_login", &token).await.expect(422);
    assert_eq!(resp.json, json!({"errors": {"login": ["cannot be blank"]}}));
}

fn ids_of(items: &Value, wrapped: bool) -> Vec<i64> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            if wrapped { &item["user"]["id"] } else { &item["id"] }
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn v1_lists_are_wrapped_and_paged() {
    let s = start().await;
    let token = s.app_session().await;
    let ids = seed_users(&s, &token).await;
    let resp = s
        .get("/users/by_full_name?full_name=Marvin%20Samuel", &token)
        .await
        .expect(200);
    assert_eq!(resp.json["current_page"], json!(1));
    assert_eq!(resp.json["per_page"], json!(10));
    assert_eq!(resp.json["total_entries"], json!(1));
    assert_eq!(ids_of(&resp.json["items"], true), vec![ids[0]]);
    let resp = s
        .get("/users/by_tags.json?tags[]=apple&tags[]=zoo", &token)
        .await
        .expect(200);
    assert_eq!(ids_of(&resp.json["items"], true), vec![ids[0], ids[2], ids[3]]);
    let resp = s
        .get("/users/by_tags?tags=apple,zoo&per_page=2&page=2", &token)
        .await
        .expect(200);
    assert_eq!(ids_of(&resp.json["items"], true), vec![ids[3]]);
    assert_eq!(resp.json["total_entries"], json!(3));

    let filter = format!("number%20id%20in%20{}%2C{}", ids[1], ids[3]);
    let resp = s
        .get(
            &format!("/users.json?filter[]={filter}&order=desc%20number%20id&page=1&per_page=5"),
            &token,
        )
        .await
        .expect(200);
    assert_eq!(ids_of(&resp.json["items"], true), vec![ids[3], ids[1]]);
    let resp = s
        .get("/users?filter[]=string+login+eq+smith1", &token)
        .await
        .expect(200);
    assert_eq!(ids_of(&resp.json["items"], true), vec![ids[3]]);
    let resp = s
        .get(
            "/users?filter[]=date+created_at+gt+2000-01-01&order=asc+string+full_name",
            &token,
        )
        .await
        .expect(200);
    assert_eq!(resp.json["total_entries"], json!(4));
    // Byte order, as MongoDB's default collation: upper case sorts first.
    assert_eq!(resp.json["items"][0]["user"]["full_name"], "Diver Rob");
    let resp = s
        .get("/users?filter[]=string%20custom_data%20eq%20000001", &token)
        .await
        .expect(422);
    assert_eq!(
        resp.json,
        json!({"errors": {"base": ["Incorrect search field - \"custom_data\" for filter string \"string custom_data eq 000001\""]}})
    );
}

#[tokio::test]
async fn v1_list_can_be_disabled() {
    let s = start_with(|c| c.deny_users_v1_list = true).await;
    let token = s.app_session().await;
    let resp = s.get("/users", &token).await.expect(403);
    let message = resp.json["errors"]["base"][0].as_str().unwrap();
    assert!(
        message.starts_with("Users retrieving forbidden in admin panel"),
        "{message}"
    );
}

#[tokio::test]
async fn v2_search_fields_operators_paging_and_sorting() {
    let s = start().await;
    let token = s.app_session().await;
    let ids = seed_users(&s, &token).await;
    let search = |query: String| {
        let s = &s;
        let token = token.clone();
        async move {
            let resp = s.get(&format!("/users/v2?{query}"), &token).await;
            assert_eq!(resp.status, 200, "{query}: {}", resp.text);
            resp.json
        }
    };
    let body = search(format!("id[in][]={}&id[in][]={}", ids[0], ids[3])).await;
    assert_eq!(ids_of(&body["items"], false), vec![ids[0], ids[3]]);
    assert_eq!(
        (
            body["limit"].clone(),
            body["skip"].clone(),
            body["total_entries"].clone()
        ),
        (json!(100), json!(0), json!(2))
    );
    let body = search("login=adminFirstUser".into()).await;
    assert_eq!(ids_of(&body["items"], false), vec![ids[0]]);
    assert!(body["items"][0].get("user").is_none(), "v2 items are not wrapped");
    // The JS SDK's exact query shape (`created_at` here: these users never made a request,
    // so their `last_request_at` is null and matches no comparison).
    let body = search(format!(
        "created_at[gt]=2018-12-06T09%3A21%3A41Z&full_name[start_with]=dive%20r&id[in][]={}&id[in][]={}&limit=10&offset=0&sort_desc=id",
        ids[1], ids[2]
    ))
    .await;
    assert_eq!(body["limit"], json!(5), "start_with forces limit 5");
    assert_eq!(ids_of(&body["items"], false), vec![ids[2]]);
    // Dart's indexed arrays with percent-encoded brackets.
    let body = search("user_tags=apple&user_tags%5Bnin%5D%5B0%5D=vip".into()).await;
    assert_eq!(ids_of(&body["items"], false), vec![ids[3]]);
    let body = search("user_tags[in]=apple,zoo&sort_asc=login&limit=2&offset=1".into()).await;
    assert_eq!(body["total_entries"], json!(3));
    assert_eq!(ids_of(&body["items"], false), vec![ids[2], ids[3]]);
    let body = search("full_name[start_with]=hunter".into()).await;
    assert_eq!(ids_of(&body["items"], false), vec![ids[3]]);
    let body = search(format!("id={}&created_at[lt]=4102444800", ids[1])).await;
    assert_eq!(ids_of(&body["items"], false), vec![ids[1]]);
    let body = search(format!(
        "id={}&created_at[gt]=Fri%20Nov%2010%202017%2000%3A00%3A00%20GMT%2B0000",
        ids[1]
    ))
    .await;
    assert_eq!(ids_of(&body["items"], false), vec![ids[1]]);
    let body = search("phone=4723642&last_request_at[lte]=2000-01-01T00:00:00Z".into()).await;
    assert_eq!(body["total_entries"], json!(0));

    // The rules themselves are unit-tested in `search.rs`; here, that a broken query is a
    // 422 JSON error over HTTP.
    for invalid in [
        "login[nin][]=admin19",
        "last_request_at=2018-12-06T09:21:41Z",
        "nickname=x",
        "",
    ] {
        let resp = s.get(&format!("/users/v2?{invalid}"), &token).await;
        assert_eq!(resp.status, 422, "{invalid}: {}", resp.text);
        assert!(resp.json["errors"]["base"][0].is_string(), "{invalid}: {}", resp.text);
    }
}

#[tokio::test]
async fn online_users_and_their_count() {
    let s = start().await;
    let (token, id) = s.user_session("online1", "password1").await;
    s.user_session("online2", "password1").await;
    let resp = s.get("/users/online.json?count=true", &token).await.expect(200);
    assert_eq!(resp.json, json!({"count": 2}));
    s.advance_clock(600).await;
    s.get("/session", &token).await.expect(200);
    let resp = s.get("/users/online?limit=10&offset=0", &token).await.expect(200);
    assert_eq!(ids_of(&resp.json["users"], false), vec![id]);
}

#[tokio::test]
async fn password_reset_by_get_and_post_mails_known_addresses() {
    let s = start().await;
    let app = s.app_session().await;
    s.sign_up(
        &app,
        json!({"login": "forgetful", "email": "awesomeman@gmail.com", "password": "password1"}),
    )
    .await;
    let resp = s
        .get("/users/password/reset?email=awesomeman%40gmail.com", &app)
        .await
        .expect(200);
    assert!(resp.text.is_empty());
    s.call(
        "POST",
        "/users/password/reset.json",
        Some(&app),
        Some(json!({"email": "awesomeman@gmail.com"})),
    )
    .await
    .expect(200);
    s.call(
        "POST",
        "/users/password/reset",
        Some(&app),
        Some(json!({"email": "nobody@example.com"})),
    )
    .await
    .expect(200);
    let outbox = s.control("GET", "outbox", None).await;
    let sent: Vec<&str> = outbox
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert_eq!(sent, vec!["awesomeman@gmail.com", "awesomeman@gmail.com"]);
    assert!(outbox[0]["at"].as_str().unwrap().ends_with('Z'));
    s.call("POST", "/users/password/reset", Some(&app), Some(json!({})))
        .await
        .expect(422);
    s.call(
        "POST",
        "/users/password/reset",
        None,
        Some(json!({"email": "awesomeman@gmail.com"})),
    )
    .await
    .expect(401);

    let s = start_with(|c| c.disable_password_reset = true).await;
    let app = s.app_session().await;
    let resp = s.get("/users/password/reset?email=a%40b.co", &app).await.expect(422);
    assert_eq!(
        resp.json,
        json!({"errors": {"base": ["Reset password by email is disabled"]}})
    );
}
