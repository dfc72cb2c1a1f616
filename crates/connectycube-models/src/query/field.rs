//! The fields of `GET /users/v2` a search condition or a sort names, and what each accepts.

/// Fields of `GET /users/v2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchField {
    /// `id` (integer, stand-alone).
    Id,
    /// `login` (string, stand-alone).
    Login,
    /// `email` (string, stand-alone).
    Email,
    /// `full_name` (string, stand-alone).
    FullName,
    /// `phone` (string, stand-alone).
    Phone,
    /// `external_id` (string, stand-alone).
    ExternalId,
    /// `facebook_id` (string, stand-alone).
    FacebookId,
    /// `twitter_id` (string, stand-alone).
    TwitterId,
    /// `user_tags` (tags; stand-alone and additional).
    UserTags,
    /// `last_request_at` (date, additional only).
    LastRequestAt,
    /// `created_at` (date, additional only).
    CreatedAt,
    /// `updated_at` (date, additional only).
    UpdatedAt,
}

impl SearchField {
    /// Every field, in documentation order.
    pub const ALL: [SearchField; 12] = [
        SearchField::Id,
        SearchField::Login,
        SearchField::Email,
        SearchField::FullName,
        SearchField::Phone,
        SearchField::ExternalId,
        SearchField::FacebookId,
        SearchField::TwitterId,
        SearchField::UserTags,
        SearchField::LastRequestAt,
        SearchField::CreatedAt,
        SearchField::UpdatedAt,
    ];

    /// The wire name (`full_name`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            SearchField::Id => "id",
            SearchField::Login => "login",
            SearchField::Email => "email",
            SearchField::FullName => "full_name",
            SearchField::Phone => "phone",
            SearchField::ExternalId => "external_id",
            SearchField::FacebookId => "facebook_id",
            SearchField::TwitterId => "twitter_id",
            SearchField::UserTags => "user_tags",
            SearchField::LastRequestAt => "last_request_at",
            SearchField::CreatedAt => "created_at",
            SearchField::UpdatedAt => "updated_at",
        }
    }

    /// The field with this wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// A date field (`last_request_at`, `created_at`, `updated_at`): additional conditions only.
    pub fn is_date(&self) -> bool {
        matches!(
            self,
            SearchField::LastRequestAt | SearchField::CreatedAt | SearchField::UpdatedAt
        )
    }

    /// A field that can carry a search alone (everything but the dates; `user_tags` included).
    pub fn is_stand_alone(&self) -> bool {
        !self.is_date()
    }

    /// A string field (the ones `start_with` works on).
    pub fn is_string(&self) -> bool {
        !self.is_date() && !matches!(self, SearchField::Id | SearchField::UserTags)
    }
}
