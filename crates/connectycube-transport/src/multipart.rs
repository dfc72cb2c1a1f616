//! `multipart/form-data` for the S3-style file upload, built here so the body can be
//! streamed in chunks that report upload progress.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};

/// Called with (bytes sent so far, total bytes) while a file uploads.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The form of an upload: plain fields in order, then the file.
#[derive(Clone)]
pub struct MultipartBody {
    /// `(name, value)` text fields sent before the file, in this order (an S3-style upload
    /// checks the policy fields before it reads the file).
    pub fields: Vec<(String, String)>,
    /// The file, sent last.
    pub file: FilePart,
}

/// The file of a [`MultipartBody`].
#[derive(Clone)]
pub struct FilePart {
    /// The form field name; `file` for ConnectyCube uploads.
    pub field_name: String,
    /// The `filename` the server sees; quotes and line breaks are replaced when encoded.
    pub file_name: String,
    /// The file's MIME type, e.g. `image/png`.
    pub content_type: String,
    /// The file's bytes, sent in 64 KiB chunks.
    pub data: Bytes,
    /// Called as each chunk is handed to the connection, with (bytes sent, total bytes),
    /// both counting the whole encoded form, so the last call has `sent == total`. Called
    /// on the sending task: it should return quickly.
    pub progress: Option<ProgressFn>,
}

/// Upload chunk size: small enough for smooth progress, large enough to cost nothing.
pub(crate) const CHUNK: usize = 64 * 1024;

impl MultipartBody {
    /// The encoded form as (preamble, file bytes, epilogue), and its content type.
    pub(crate) fn encode(&self, boundary: &str) -> (Bytes, Bytes, Bytes, String) {
        let mut head = BytesMut::new();
        for (name, value) in &self.fields {
            head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            head.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", escape(name)).as_bytes(),
            );
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        head.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                escape(&self.file.field_name),
                escape(&self.file.file_name),
                self.file.content_type.replace(['\r', '\n'], "")
            )
            .as_bytes(),
        );
        let tail = Bytes::from(format!("\r\n--{boundary}--\r\n"));
        (
            head.freeze(),
            self.file.data.clone(),
            tail,
            format!("multipart/form-data; boundary={boundary}"),
        )
    }
}

/// Quotes and line breaks cannot appear inside a quoted form-data name.
fn escape(text: &str) -> String {
    text.replace('"', "%22").replace(['\r', '\n'], " ")
}
