//! Users (`rest-api.md` §4): sign up, update, delete, reset password, lookups, searches.
//! Lookups go through `GET /users/v2` (the current API), except by id (`GET /users/{id}`)
//! and the deprecated v1 list.

use std::sync::Arc;

use connectycube_models::{
    NewUser, Page, Pagination, SearchField, Sorter, User, UserFilter, UserOrder, UserSearch, UserUpdate, decode_count,
    decode_online_users, decode_user, decode_users_v1, decode_users_v2,
};
use connectycube_transport::Method;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::request::{ApiRequest, Auth, Need, Repeat, api_path};
use crate::session::auth_state::AuthChangeReason;

/// User operations; from [`crate::ConnectyCube::users`].
#[derive(Clone)]
pub struct UsersClient {
    client: Arc<Client>,
}

fn decoded<T>(result: std::result::Result<T, serde_json::Error>) -> Result<T> {
    result.map_err(|e| Error::decode(&e))
}

fn invalid(error: impl std::fmt::Display) -> Error {
    Error::InvalidInput(error.to_string())
}

impl UsersClient {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    /// `POST /users`: with the current session if one is live, else with the auth key
    /// alone (no session is created for it). Never repeated once it may have reached the
    /// server: a repeat could create a second account or fail as a duplicate.
    pub async fn sign_up(&self, user: NewUser) -> Result<User> {
        user.validate().map_err(invalid)?;
        let request = ApiRequest::new(Method::POST, "/users", Auth::SessionOrAuthKey).json(user.to_body());
        let answer = self.client.execute(request).await?;
        decoded(decode_user(&answer.response.body))
    }

    /// The signed-in user's id (a user session is renewed or restored if needed), and
    /// whether it was.
    async fn me(&self) -> Result<(u64, bool)> {
        let (session, renewed) = self.client.ensure_session(Need::User).await?;
        Ok((session.user_id.ok_or(Error::SessionExpired)?, renewed))
    }

    /// `PUT /users/{id}` of the signed-in user: profile fields, and the password when both
    /// the current and the new one are given.
    pub async fn update(&self, update: UserUpdate) -> Result<User> {
        update.validate().map_err(invalid)?;
        let (me, renewed) = self.me().await?;
        let new_password = update.fields.password.clone().filter(|_| update.old_password.is_some());
        let request = ApiRequest::new(
            Method::PUT,
            api_path!("/users/{id}", id = me),
            Auth::Session(Need::User),
        )
        .json(update.to_body())
        .renewed_first(renewed);
        let answer = self.client.execute(request).await?;
        let user = decoded(decode_user(&answer.response.body))?;
        self.client.refresh_session_user(&user);
        if let Some(new_password) = &new_password {
            self.client.password_changed(new_password);
        }
        Ok(user)
    }

    /// `DELETE /users/{id}` of the signed-in user; the session ends with the account.
    pub async fn delete_me(&self) -> Result<()> {
        let (me, renewed) = self.me().await?;
        let request = ApiRequest::new(
            Method::DELETE,
            api_path!("/users/{id}", id = me),
            Auth::Session(Need::User),
        )
        .renewed_first(renewed);
        self.client.execute(request).await?;
        self.client.forget_session(AuthChangeReason::UserDeleted);
        Ok(())
    }

    /// `DELETE /users/external/{id}`: the signed-in user, named by external id.
    pub async fn delete_by_external_id(&self, external_id: &str) -> Result<()> {
        if external_id.is_empty() || external_id.contains(['/', '?', '#']) {
            return Err(Error::InvalidInput(
                "external id must be a non-empty path segment".into(),
            ));
        }
        let request = ApiRequest::new(
            Method::DELETE,
            // Percent-encoded: an id may hold `%`, `+`, `&`, spaces or non-ASCII letters.
            api_path!(
                "/users/external/{id}",
                id = percent_encoding::utf8_percent_encode(external_id, percent_encoding::NON_ALPHANUMERIC)
            ),
            Auth::Session(Need::User),
        );
        self.client.execute(request).await?;
        self.client.forget_session(AuthChangeReason::UserDeleted);
        Ok(())
    }

    /// `GET /users/password/reset?email=`: the server emails reset instructions when the
    /// address belongs to a user. Never repeated once sent (it would send the email twice).
    pub async fn reset_password(&self, email: &str) -> Result<()> {
        if !email.contains('@') {
            return Err(Error::InvalidInput("email is not an address".into()));
        }
        let request = ApiRequest::get("/users/password/reset", Need::Any)
            .query([("email".to_owned(), email.trim().to_owned())])
            .repeat(Repeat::OnlyIfNotSent);
        self.client.execute(request).await.map(drop)
    }

    /// `GET /users/{id}`.
    pub async fn get(&self, id: u64) -> Result<User> {
        let answer = self
            .client
            .execute(ApiRequest::get(api_path!("/users/{id}", id = id), Need::Any))
            .await?;
        decoded(decode_user(&answer.response.body))
    }

    /// A v2 search (`GET /users/v2`), its rules checked before anything is sent.
    pub async fn search(&self, search: UserSearch) -> Result<Page<User>> {
        search.validate().map_err(invalid)?;
        let request = ApiRequest::get("/users/v2", Need::Any).query(search.query_pairs());
        let answer = self.client.execute(request).await?;
        decoded(decode_users_v2(&answer.response.body))
    }

    /// The one user a v2 search finds; `NotFound` when none.
    async fn single(&self, field: SearchField, value: &str) -> Result<User> {
        if value.trim().is_empty() {
            return Err(Error::InvalidInput(format!("{} is empty", field.as_str())));
        }
        let search = UserSearch::new()
            .eq(field, value.trim())
            .paginate(Pagination::new(0, 1));
        let page = self.search(search).await?;
        page.items.into_iter().next().ok_or_else(|| Error::NotFound {
            messages: vec!["User not found".into()],
        })
    }

    /// The user whose login is exactly this, by a v2 search.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when nobody has it; [`Error::InvalidInput`] when it is blank.
    pub async fn get_by_login(&self, login: &str) -> Result<User> {
        self.single(SearchField::Login, login).await
    }

    /// The user whose email is exactly this, by a v2 search.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when nobody has it; [`Error::InvalidInput`] when it is blank.
    pub async fn get_by_email(&self, email: &str) -> Result<User> {
        self.single(SearchField::Email, email).await
    }

    /// The user whose phone is exactly this, by a v2 search.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when nobody has it; [`Error::InvalidInput`] when it is blank.
    pub async fn get_by_phone(&self, phone: &str) -> Result<User> {
        self.single(SearchField::Phone, phone).await
    }

    /// The user whose external id is exactly this, by a v2 search (the numeric form of the
    /// 1.x SDKs is [`Self::get_by_external_user_id`]).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when nobody has it; [`Error::InvalidInput`] when it is blank.
    pub async fn get_by_external_id(&self, external_id: &str) -> Result<User> {
        self.single(SearchField::ExternalId, external_id).await
    }

    /// `GET /users/external/{id}`: the user with this numeric external id, the 1.x SDKs' form
    /// (`user(withExternalID: 3789)`); `NotFound` when none.
    pub async fn get_by_external_user_id(&self, external_user_id: u64) -> Result<User> {
        let request = ApiRequest::get(api_path!("/users/external/{id}", id = external_user_id), Need::Any);
        let answer = self.client.execute(request).await?;
        decoded(decode_user(&answer.response.body))
    }

    /// The user whose facebook id is exactly this, by a v2 search.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when nobody has it; [`Error::InvalidInput`] when it is blank.
    pub async fn get_by_facebook_id(&self, facebook_id: &str) -> Result<User> {
        self.single(SearchField::FacebookId, facebook_id).await
    }

    /// The user whose twitter id is exactly this, by a v2 search.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when nobody has it; [`Error::InvalidInput`] when it is blank.
    pub async fn get_by_twitter_id(&self, twitter_id: &str) -> Result<User> {
        self.single(SearchField::TwitterId, twitter_id).await
    }

    fn paged(search: UserSearch, pagination: Option<Pagination>, sorter: Option<Sorter>) -> UserSearch {
        let search = match pagination {
            Some(pagination) => search.paginate(pagination),
            None => search,
        };
        match sorter {
            Some(sorter) => search.sort(sorter),
            None => search,
        }
    }

    /// Users by ids, paged and sorted.
    pub async fn get_by_ids(
        &self,
        ids: &[u64],
        pagination: Option<Pagination>,
        sorter: Option<Sorter>,
    ) -> Result<Page<User>> {
        let search = UserSearch::new().is_in(SearchField::Id, ids.iter().copied());
        self.search(Self::paged(search, pagination, sorter)).await
    }

    /// Users whose full name starts with `full_name` (at least 4 characters, the server's
    /// rule; the server answers at most 5).
    pub async fn get_by_full_name(
        &self,
        full_name: &str,
        pagination: Option<Pagination>,
        sorter: Option<Sorter>,
    ) -> Result<Page<User>> {
        let search = UserSearch::new().start_with(SearchField::FullName, full_name.trim());
        self.search(Self::paged(search, pagination, sorter)).await
    }

    /// Users with any of the tags.
    pub async fn get_by_tags(
        &self,
        tags: &[&str],
        pagination: Option<Pagination>,
        sorter: Option<Sorter>,
    ) -> Result<Page<User>> {
        let search = UserSearch::new().is_in(SearchField::UserTags, tags.iter().copied());
        self.search(Self::paged(search, pagination, sorter)).await
    }

    /// The deprecated v1 list (`GET /users`) with `filter[]` and `order`; `page` from 1.
    #[deprecated(note = "the v1 list API is deprecated by ConnectyCube and can be disabled per app; use `search`")]
    pub async fn list_v1(
        &self,
        filters: &[UserFilter],
        order: Option<&UserOrder>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<User>> {
        let mut query = vec![
            ("page".to_owned(), page.max(1).to_string()),
            ("per_page".to_owned(), per_page.clamp(1, 100).to_string()),
        ];
        for filter in filters {
            filter.validate().map_err(invalid)?;
            query.push(("filter[]".to_owned(), filter.to_query_value()));
        }
        if let Some(order) = order {
            query.push(("order".to_owned(), order.to_query_value()));
        }
        let answer = self
            .client
            .execute(ApiRequest::get("/users", Need::Any).query(query))
            .await?;
        decoded(decode_users_v1(&answer.response.body))
    }

    /// Users online now (`GET /users/online`).
    pub async fn online(&self, limit: u32, offset: u64) -> Result<Vec<User>> {
        let query = [
            ("limit".to_owned(), limit.clamp(1, 100).to_string()),
            ("offset".to_owned(), offset.to_string()),
        ];
        let answer = self
            .client
            .execute(ApiRequest::get("/users/online", Need::Any).query(query))
            .await?;
        decoded(decode_online_users(&answer.response.body))
    }

    /// How many users are online (`GET /users/online?count=true`).
    pub async fn online_count(&self) -> Result<u64> {
        let request = ApiRequest::get("/users/online", Need::Any).query([("count".to_owned(), "true".to_owned())]);
        let answer = self.client.execute(request).await?;
        decoded(decode_count(&answer.response.body))
    }
}
