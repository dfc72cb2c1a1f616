//! Storage: the blob object, its S3-style upload form, and the request bodies of the avatar flow
//! (create → upload → complete).

use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::lenient;
use crate::user::ValidationError;

/// A stored file (`{"blob":{...}}`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Blob {
    /// Numeric id (used by `PUT /blobs/{id}/complete`).
    #[serde(deserialize_with = "lenient::u64_required")]
    pub id: u64,
    /// UID: what `user.avatar` stores and what file URLs are built from.
    pub uid: String,
    /// MIME type.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub content_type: Option<String>,
    /// File name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Size in bytes; `null` until the upload is completed.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub size: Option<u64>,
    /// Readable without a token.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub public: Option<bool>,
    /// Creation time.
    #[serde(default, with = "crate::date::opt_serde")]
    pub created_at: Option<OffsetDateTime>,
    /// Last change.
    #[serde(default, with = "crate::date::opt_serde")]
    pub updated_at: Option<OffsetDateTime>,
    /// Upload permission, present in the create response.
    #[serde(default)]
    pub blob_object_access: Option<BlobObjectAccess>,
}

impl Blob {
    /// The upload form of the create response; an error when the blob carries none.
    pub fn upload_form(&self) -> Result<UploadForm, ValidationError> {
        match &self.blob_object_access {
            Some(access) => UploadForm::parse(&access.params),
            None => Err(ValidationError::new("blob_object_access", "is missing")),
        }
    }
}

/// Upload permission of a new blob.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BlobObjectAccess {
    /// Id of the permission.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub id: Option<u64>,
    /// The blob it belongs to.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub blob_id: Option<u64>,
    /// Expiry, as the server wrote it.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub expires: Option<String>,
    /// `Write` for an upload.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub object_access_type: Option<String>,
    /// The upload URL with the form fields as its query (see [`UploadForm::parse`]); empty when absent.
    #[serde(default)]
    pub params: String,
}

/// The S3-style upload form hidden in `params`: the URL part (scheme+host+path) and every query pair
/// URL-decoded as form fields, in order. The file goes last, as field `file`, in a multipart POST.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadForm {
    /// Where to POST the multipart form (no query, no fragment).
    pub url: String,
    /// Form fields, decoded, in the server's order.
    pub fields: Vec<(String, String)>,
}

impl UploadForm {
    /// Splits `params`. Error when params is not an absolute http(s) URL with a host. Query pairs are
    /// form-decoded (`+` is a space, `%XX` a byte; a malformed escape stays as written); empty segments are
    /// skipped and a pair without `=` is a field with an empty value.
    pub fn parse(params: &str) -> Result<Self, ValidationError> {
        let params = params.trim();
        let invalid = |why: &str| ValidationError::new("params", why);
        let lower = params.get(..8).unwrap_or(params).to_ascii_lowercase();
        let after_scheme = if lower.starts_with("https://") {
            8
        } else if lower.starts_with("http://") {
            7
        } else {
            return Err(invalid("is not an absolute http(s) URL"));
        };
        if params.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains whitespace or control characters"));
        }
        let without_fragment = params.split_once('#').map_or(params, |(before, _)| before);
        let (url, query) = without_fragment.split_once('?').unwrap_or((without_fragment, ""));
        let authority = url.get(after_scheme..).unwrap_or("").split('/').next().unwrap_or("");
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.is_empty() || host.starts_with(':') {
            return Err(invalid("has no host"));
        }
        let fields = query
            .split('&')
            .filter(|segment| !segment.is_empty())
            .map(|segment| {
                let (k, v) = segment.split_once('=').unwrap_or((segment, ""));
                (form_decode(k), form_decode(v))
            })
            .collect();
        Ok(Self {
            url: url.to_owned(),
            fields,
        })
    }

    /// The value of the first field named `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` decoding of one key or value; invalid UTF-8 is replaced.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Body of `POST /blobs`: `{"blob":{"content_type","name","public"}}`.
pub fn new_blob_body(name: &str, content_type: &str, public: bool) -> Value {
    json!({ "blob": { "content_type": content_type, "name": name, "public": public } })
}

/// Body of `PUT /blobs/{id}/complete`: `{"blob":{"size":N}}` (the documented and Dart form).
pub fn complete_blob_body(size: u64) -> Value {
    json!({ "blob": { "size": size } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode_blob;
    use time::macros::datetime;

    /// `POST /blobs` response of the storage docs (ConnectyCube/docs, server/storage.md).
    const CREATE: &str = r#"{
    "blob": {
        "id": 46919,
        "uid": "763ef825ad8748239ed07def2c14555100",
        "content_type": "image/jpeg",
        "name": "cat.jpeg",
        "size": null,
        "created_at": "2018-12-10T10:26:01Z",
        "updated_at": "2018-12-10T10:26:01Z",
        "public": true,
        "blob_object_access": {
            "id": 46919,
            "blob_id": 46919,
            "expires": "2018-12-10T11:26:01Z",
            "object_access_type": "Write",
            "params": "https://s3.amazonaws.com/cb-shared-s3?Content-Type=image%2Fjpeg&Expires=Mon%2C%2010%20Dec%202018%2011%3A26%3A01%20GMT&acl=public-read&key=763ef825ad8748239ed07def2c14555100&policy=eyJleHBpcmF0aW9uIjoiMjAxOC0xMi0xMFQxMToyNjowMVoiLCJjb25kaXRpb25zIjpbeyJidWNrZXQiOiJjYi1zaGFyZWQtczMifSx7ImFjbCI6InB1YmxpYy1yZWFkIn0seyJDb250ZW50LVR5cGUiOiJpbWFnZS9qcGVnIn0seyJzdWNjZXNzX2FjdGlvbl9zdGF0dXMiOiIyMDEifSx7IkV4cGlyZXMiOiJNb24sIDEwIERlYyAyMDE4IDExOjI2OjAxIEdNVCJ9LHsia2V5IjoiNzYzZWY4MjVhZDg3NDgyMzllZDA3ZGVmMmMxNDU1NTEwMCJ9LHsieC1hbXotY3JlZGVudGlhbCI6IkFLSUFJRzNXUFQ3UkFMWU9aVzZRLzIwMTgxMjEwL3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSx7IngtYW16LWFsZ29yaXRobSI6IkFXUzQtSE1BQy1TSEEyNTYifSx7IngtYW16LWRhdGUiOiIyMDE4MTIxMFQxMDI2MDFaIn1dfQ%3D%3D&success_action_status=201&x-amz-algorithm=AWS4-HMAC-SHA256&x-amz-credential=AKIAIG3WPT7RALYOZW6Q%2F20181210%2Fus-east-1%2Fs3%2Faws4_request&x-amz-date=20181210T102601Z&x-amz-signature=718eabea1a52a1cf03f926310a22ad7f68daa5b2b66432abaed2a0f90e74952d"
        }
    }
}"#;

    #[test]
    fn decodes_docs_create_response() {
        let blob = decode_blob(CREATE.as_bytes()).unwrap();
        assert_eq!(blob.id, 46919);
        assert_eq!(blob.uid, "763ef825ad8748239ed07def2c14555100");
        assert_eq!(blob.content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(blob.name.as_deref(), Some("cat.jpeg"));
        assert_eq!(blob.size, None);
        assert_eq!(blob.public, Some(true));
        assert_eq!(blob.created_at, Some(datetime!(2018-12-10 10:26:01 UTC)));
        let access = blob.blob_object_access.as_ref().unwrap();
        assert_eq!(access.blob_id, Some(46919));
        assert_eq!(access.object_access_type.as_deref(), Some("Write"));
        assert_eq!(access.expires.as_deref(), Some("2018-12-10T11:26:01Z"));
        let form = blob.upload_form().unwrap();
        assert_eq!(form.url, "https://s3.amazonaws.com/cb-shared-s3");
        let names: Vec<&str> = form.fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "Expires",
                "acl",
                "key",
                "policy",
                "success_action_status",
                "x-amz-algorithm",
                "x-amz-credential",
                "x-amz-date",
                "x-amz-signature"
            ]
        );
        assert_eq!(form.field("Content-Type"), Some("image/jpeg"));
        assert_eq!(form.field("Expires"), Some("Mon, 10 Dec 2018 11:26:01 GMT"));
        assert_eq!(form.field("key"), Some("763ef825ad8748239ed07def2c14555100"));
        assert!(form.field("policy").unwrap().ends_with("fQ=="));
        assert_eq!(
            form.field("x-amz-credential"),
            Some("AKIAIG3WPT7RALYOZW6Q/20181210/us-east-1/s3/aws4_request")
        );
        assert_eq!(form.field("file"), None);
    }

    #[test]
    fn get_blob_without_access_and_string_size() {
        let blob = decode_blob(
            br#"{"blob":{"id":"8049","uid":"9ad7","content_type":"image/jpeg","name":"Mixed_Pets.jpg","size":"70980",
                 "created_at":"2018-08-02T07:52:51Z","updated_at":"2018-08-02T07:52:51Z","public":true,"blob_status":"complete"}}"#,
        )
        .unwrap();
        assert_eq!((blob.id, blob.size), (8049, Some(70980)));
        assert_eq!(blob.blob_object_access, None);
        assert_eq!(blob.upload_form().unwrap_err().field, "blob_object_access");
        let no_params =
            decode_blob(br#"{"blob":{"id":1,"uid":"u","blob_object_access":{"dowload_url":"https://x/y"}}}"#).unwrap();
        assert!(no_params.upload_form().is_err());
        assert!(decode_blob(br#"{"blob":{"id":1}}"#).is_err());
    }

    #[test]
    fn emulator_style_params() {
        let form = UploadForm::parse(
            "http://127.0.0.1:1234/s3/cb-shared-s3?Content-Type=image%2Fpng&Expires=2024-01-01T10%3A00%3A00Z\
             &acl=authenticated-read&key=abc&policy=7b22&success_action_status=201&x-amz-algorithm=AWS4-HMAC-SHA256\
             &x-amz-credential=EMULATOR%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&x-amz-date=20240101T100000Z\
             &x-amz-signature=deadbeef",
        )
        .unwrap();
        assert_eq!(form.url, "http://127.0.0.1:1234/s3/cb-shared-s3");
        assert_eq!(form.fields.len(), 10);
        assert_eq!(form.fields[0], ("Content-Type".to_owned(), "image/png".to_owned()));
        assert_eq!(form.field("Expires"), Some("2024-01-01T10:00:00Z"));
        assert_eq!(form.field("key"), Some("abc"));
        assert_eq!(
            form.field("x-amz-credential"),
            Some("EMULATOR/20240101/us-east-1/s3/aws4_request")
        );
    }

    #[test]
    fn form_decoding_details() {
        let form = UploadForm::parse("HTTPS://h.example/p?a=1+2&&b&c=%zz%4&d=%E2%82%AC&e=x=y#frag").unwrap();
        assert_eq!(form.url, "HTTPS://h.example/p");
        assert_eq!(
            form.fields,
            [
                ("a".to_owned(), "1 2".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "%zz%4".to_owned()),
                ("d".to_owned(), "€".to_owned()),
                ("e".to_owned(), "x=y".to_owned()),
            ]
        );
        assert_eq!(UploadForm::parse("http://host").unwrap().fields, []);
        assert_eq!(form_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn rejects_non_http_params() {
        for bad in [
            "",
            "s3.amazonaws.com/cb-shared-s3?key=1",
            "/s3/cb-shared-s3?key=1",
            "ftp://host/x?key=1",
            "http://",
            "https:///path?key=1",
            "http://:80/x",
            "http://host/a b?key=1",
            "https",
            "é",
        ] {
            assert!(UploadForm::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_bodies() {
        assert_eq!(
            new_blob_body("cat.jpeg", "image/jpeg", true),
            json!({"blob":{"content_type":"image/jpeg","name":"cat.jpeg","public":true}})
        );
        assert_eq!(complete_blob_body(347), json!({"blob":{"size":347}}));
    }
}
