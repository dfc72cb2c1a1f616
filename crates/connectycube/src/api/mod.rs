//! One handle per API area, each owning a share of the client (cheap to clone, `'static`).

mod auth;
mod storage;
mod users;

pub use auth::AuthClient;
pub use storage::{StorageClient, Upload, content_type_for};
pub use users::UsersClient;
