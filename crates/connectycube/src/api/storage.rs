//! Files, as far as avatars need them (`rest-api.md` §5): upload (create → upload form →
//! complete), private and public URLs, set the avatar.

use std::sync::Arc;

use bytes::Bytes;
use connectycube_models::{
    Blob, UploadForm, User, UserFields, UserUpdate, complete_blob_body, decode_blob, new_blob_body,
};
use connectycube_transport::{FilePart, Method, MultipartBody, ProgressFn};

use crate::api::users::UsersClient;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::request::{ApiRequest, Auth, Body, Need, Repeat, api_path};

/// A file to upload.
#[derive(Clone)]
pub struct Upload {
    /// The file's bytes, held in memory for the whole upload (a retry sends them again).
    pub data: Bytes,
    /// The file name the blob gets, e.g. `avatar.png`.
    pub name: String,
    /// The MIME type, e.g. `image/png`; [`content_type_for`](crate::content_type_for)
    /// guesses it from a file name.
    pub content_type: String,
    /// Public files are readable without a token (`public_url`); private ones need one.
    pub public: bool,
    /// Called with (file bytes sent, file size) as the upload goes; the last call is
    /// (size, size).
    pub progress: Option<ProgressFn>,
}

impl Upload {
    /// A private upload (readable with a session token only) without a progress callback.
    pub fn new(data: impl Into<Bytes>, name: impl Into<String>, content_type: impl Into<String>) -> Self {
        Self {
            data: data.into(),
            name: name.into(),
            content_type: content_type.into(),
            public: false,
            progress: None,
        }
    }

    /// Makes the file public (readable by anyone with its [`public_url`](StorageClient::public_url))
    /// or private (the default).
    pub fn public(mut self, public: bool) -> Self {
        self.public = public;
        self
    }

    /// Calls `progress(file bytes sent, file size)` as the file goes out, about every 64 KiB,
    /// the last call being (size, size). It runs on the uploading task: keep it short.
    ///
    /// ```
    /// use connectycube::Upload;
    /// let upload = Upload::new(vec![0u8; 200_000], "photo.jpg", "image/jpeg")
    ///     .on_progress(|sent, total| eprintln!("{sent}/{total} bytes"));
    /// assert!(upload.progress.is_some());
    /// ```
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

impl Upload {
    /// Reads a file; its name is the file name and its content type is guessed from the
    /// extension (`application/octet-stream` when unknown).
    pub async fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref().to_owned();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        let content_type = content_type_for(&name);
        let data = tokio::task::spawn_blocking(move || std::fs::read(path))
            .await
            .map_err(|_| Error::Cancelled)?
            .map_err(|e| Error::InvalidInput(format!("cannot read the file: {e}")))?;
        Ok(Self::new(data, name, content_type))
    }
}

/// The content type of a file name, by extension, for the kinds of file avatars and
/// attachments usually are.
pub fn content_type_for(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("bytes", &self.data.len())
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("public", &self.public)
            .finish()
    }
}

/// Storage operations; from [`crate::ConnectyCube::storage`].
#[derive(Clone)]
pub struct StorageClient {
    client: Arc<Client>,
}

impl StorageClient {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    /// Uploads a file: `POST /blobs`, the upload form it returns, `PUT /blobs/{id}/complete`.
    pub async fn upload(&self, upload: Upload) -> Result<Blob> {
        if upload.name.trim().is_empty() {
            return Err(Error::InvalidInput("a file needs a name".into()));
        }
        let size = upload.data.len() as u64;
        let create = ApiRequest::new(Method::POST, "/blobs", Auth::Session(Need::User))
            .json(new_blob_body(&upload.name, &upload.content_type, upload.public))
            .repeat(Repeat::OnlyIfNotSent);
        let answer = self.client.execute(create).await?;
        let mut blob = decode_blob(&answer.response.body).map_err(|e| Error::decode(&e))?;
        let params = blob
            .blob_object_access
            .as_ref()
            .map(|access| access.params.clone())
            .ok_or_else(|| Error::Decode("the new blob has no upload form".into()))?;
        let form = UploadForm::parse(&params).map_err(|e| Error::Decode(format!("upload form: {e}")))?;
        let address = upload_address(&form.url, &self.client.config().api_endpoint)?;
        let mut send = ApiRequest::external(Method::POST, address).repeat(Repeat::Safe);
        send.body = Body::Multipart(MultipartBody {
            fields: form.fields,
            file: FilePart {
                field_name: "file".into(),
                file_name: upload.name.clone(),
                content_type: upload.content_type.clone(),
                data: upload.data,
                progress: upload.progress.map(|report| file_progress(report, size)),
            },
        });
        self.client.execute(send).await?;
        let complete = ApiRequest::new(
            Method::PUT,
            api_path!("/blobs/{id}/complete", id = blob.id),
            Auth::Session(Need::User),
        )
        .json(complete_blob_body(size));
        self.client.execute(complete).await?;
        blob.size = Some(size);
        blob.blob_object_access = None;
        Ok(blob)
    }

    /// Reads a file from disk and uploads it.
    pub async fn upload_file(
        &self,
        path: impl AsRef<std::path::Path>,
        content_type: &str,
        public: bool,
    ) -> Result<Blob> {
        let mut upload = Upload::from_path(path).await?;
        upload.content_type = content_type.to_owned();
        self.upload(upload.public(public)).await
    }

    /// `{api}/blobs/{uid}?token={token}`: a private file, readable with the current
    /// session. `SessionExpired` when there is no live session.
    pub fn private_url(&self, uid: &str) -> Result<String> {
        let session = self.client.live_session().ok_or(Error::SessionExpired)?;
        let token = percent_encoding::utf8_percent_encode(session.token.expose(), percent_encoding::NON_ALPHANUMERIC);
        Ok(format!(
            "{}/blobs/{}?token={token}",
            self.client.config().api_endpoint,
            encode_segment(uid)
        ))
    }

    /// `{api}/blobs/{uid}`: a public file.
    pub fn public_url(&self, uid: &str) -> String {
        format!("{}/blobs/{}", self.client.config().api_endpoint, encode_segment(uid))
    }

    /// Uploads an image and makes it the signed-in user's avatar.
    pub async fn set_avatar(&self, upload: Upload) -> Result<(Blob, User)> {
        let blob = self.upload(upload).await?;
        let update = UserUpdate {
            fields: UserFields {
                avatar: Some(blob.uid.clone()),
                ..UserFields::default()
            },
            ..UserUpdate::default()
        };
        let user = UsersClient::new(self.client.clone()).update(update).await?;
        Ok((blob, user))
    }
}

/// The transport counts the bytes of the whole multipart body (form fields, file, closing
/// boundary); the app asked about its file. Reports (file bytes sent, file size): the form's
/// overhead is counted as if it went first, so the file is never reported ahead of the wire,
/// and the last report is exactly (size, size).
fn file_progress(report: ProgressFn, file_len: u64) -> ProgressFn {
    Arc::new(move |sent: u64, total: u64| {
        let overhead = total.saturating_sub(file_len);
        report(sent.saturating_sub(overhead).min(file_len), file_len);
    })
}

/// Where the file goes: an absolute URL the server chose. The file never travels in
/// cleartext because an answer said so: it must be `https` when the API is. A user name
/// or password in it is refused (it would be sent to that host and printed in logs).
fn upload_address(text: &str, api_endpoint: &str) -> Result<url::Url> {
    let refused = |why: &str| Error::Decode(format!("the upload address {why}; the file was not sent"));
    let address = url::Url::parse(text).map_err(|_| refused("is not a URL"))?;
    if !address.username().is_empty() || address.password().is_some() {
        return Err(refused("holds a user name or password"));
    }
    let api_is_plain_http = api_endpoint.starts_with("http://");
    match address.scheme() {
        "https" => Ok(address),
        "http" if api_is_plain_http => Ok(address),
        "http" => Err(refused("is plain http:// while the API is https://")),
        _ => Err(refused("is not an http(s) URL")),
    }
}

fn encode_segment(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_address_must_be_https_when_the_api_is() {
        let api = "https://api.connectycube.com";
        let address = upload_address("HTTPS://S3.Example.com/bucket", api).unwrap();
        assert_eq!(address.as_str(), "https://s3.example.com/bucket");
        for (text, why) in [
            (
                "http://s3.example.com/bucket",
                "is plain http:// while the API is https://",
            ),
            (
                "HTTP://s3.example.com/bucket",
                "is plain http:// while the API is https://",
            ),
            ("https://user:CANARY@s3.example.com/", "holds a user name or password"),
            ("ftp://s3.example.com/", "is not an http(s) URL"),
            ("/s3/cb-shared-s3", "is not a URL"),
        ] {
            let error = upload_address(text, api).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("could not decode the server's answer: the upload address {why}; the file was not sent")
            );
        }
        assert!(upload_address("http://127.0.0.1:9/s3", "http://127.0.0.1:9").is_ok());
    }
}
