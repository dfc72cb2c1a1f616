//! Storage, only what avatars need (`rest-api.md` §5): create a blob, upload to the
//! emulator's own S3-like form endpoint, mark it complete, read and delete it.

use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request, State};
use bytes::BytesMut;
use hyper::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::request::{Req, Segment, declared_length};
use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::params::scalar_text;
use crate::reply::Reply;
use crate::signature;
use crate::state::{App, AppState};
use crate::store::{Blob, Store};
use crate::timefmt::iso_seconds;

pub const UPLOAD_PATH: &str = "/s3/cb-shared-s3";
/// Largest file the upload endpoint takes.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;
/// Largest upload form: the file and room for the policy fields beside it.
pub const MAX_UPLOAD_FORM_BYTES: usize = MAX_UPLOAD_BYTES + 64 * 1024;
const UPLOAD_URL_TTL: Duration = Duration::hours(1);

fn blob_not_found() -> ApiError {
    ApiError::not_found("Blob not found")
}

/// `http(s)://HOST:PORT` as the client reached us (the `Host` header), else as bound.
fn base_url(app: &AppState, headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .map(|host| format!("{}://{host}", app.scheme()))
        .unwrap_or_else(|| app.base_url.clone())
}

/// The upload form's signature binds the form to one blob, as S3's policy does.
fn upload_signature(app: &AppState, uid: &str) -> String {
    signature::sign(&app.config.auth_secret, &format!("upload:{uid}"))
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn upload_params(app: &AppState, base: &str, blob: &Blob, expires: OffsetDateTime) -> String {
    let amz_date = iso_seconds(expires).replace(['-', ':'], "");
    let pairs = [
        ("Content-Type", blob.content_type.clone()),
        ("Expires", iso_seconds(expires)),
        (
            "acl",
            if blob.public {
                "public-read"
            } else {
                "authenticated-read"
            }
            .to_owned(),
        ),
        ("key", blob.uid.clone()),
        ("policy", hex::encode(format!("{{\"key\":\"{}\"}}", blob.uid))),
        ("success_action_status", "201".to_owned()),
        ("x-amz-algorithm", "AWS4-HMAC-SHA256".to_owned()),
        (
            "x-amz-credential",
            format!(
                "EMULATOR/{}/us-east-1/s3/aws4_request",
                &amz_date[..8.min(amz_date.len())]
            ),
        ),
        ("x-amz-date", amz_date),
        ("x-amz-signature", upload_signature(app, &blob.uid)),
    ];
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    format!("{base}{UPLOAD_PATH}?{}", query.join("&"))
}

fn owned_blob<'a>(store: &'a mut Store, caller: &Caller, id: &str) -> Result<&'a mut Blob, ApiError> {
    let me = caller.user_id()?;
    let blob = id
        .parse()
        .ok()
        .and_then(|id| store.blob_mut(id))
        .ok_or_else(blob_not_found)?;
    if blob.owner != me {
        return Err(ApiError::forbidden("You can change only your own files"));
    }
    Ok(blob)
}

/// `POST /blobs {"blob":{"content_type","name","public"}}`.
pub async fn create(State(app): State<App>, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let owner = caller.user_id()?;
    let fields = match req.params.get("blob") {
        Some(Value::Object(map)) => map,
        Some(_) => return Err(ApiError::invalid("blob", "must be an object")),
        None => return Err(ApiError::invalid("blob", "cannot be blank")),
    };
    let text = |k: &str| fields.get(k).and_then(scalar_text).filter(|t| !t.is_empty());
    let name = text("name").ok_or_else(|| ApiError::invalid("name", "cannot be blank"))?;
    let content_type = text("content_type").unwrap_or_else(|| "application/octet-stream".to_owned());
    let public = text("public").is_some_and(|p| p == "true" || p == "1");
    let blob = store.create_blob(owner, name, content_type, public, now);
    let expires = now + UPLOAD_URL_TTL;
    let mut body = json!({ "blob": blob.view() });
    body["blob"]["blob_object_access"] = json!({
        "id": blob.id,
        "blob_id": blob.id,
        "expires": iso_seconds(expires),
        "object_access_type": "Write",
        "params": upload_params(&app, &base_url(&app, &req.headers), blob, expires),
    });
    Ok(Reply::json(StatusCode::CREATED, &body).expires(caller.expires_at()))
}

fn file_too_large() -> ApiError {
    ApiError::base(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("File is larger than {MAX_UPLOAD_BYTES} bytes"),
    )
}

fn bad_form(error: MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        file_too_large()
    } else {
        ApiError::bad_request(format!("Malformed multipart form: {}", error.body_text()))
    }
}

fn check_upload_signature(app: &AppState, key: &str, signature: Option<&str>) -> Result<(), ApiError> {
    if signature == Some(upload_signature(app, key).as_str()) {
        Ok(())
    } else {
        Err(ApiError::forbidden("Upload policy signature does not match"))
    }
}

/// The S3-like upload: a multipart form with the `params` fields and a `file` part.
///
/// The form is read as it streams in. Clients send the policy fields before the file,
/// so a forged form is refused before its file is read, and a declared length over the
/// limit before anything is.
pub async fn upload(State(app): State<App>, request: Request) -> Result<Reply, ApiError> {
    if declared_length(request.headers()).is_some_and(|n| n > MAX_UPLOAD_FORM_BYTES as u64) {
        return Err(file_too_large());
    }
    let base = base_url(&app, request.headers());
    let mut form = Multipart::from_request(request, &app)
        .await
        .map_err(|e| ApiError::bad_request(format!("Expected a multipart form: {}", e.body_text())))?;
    let mut key = None;
    let mut signature = None;
    let mut file = None;
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        match field.name().unwrap_or("") {
            "key" => key = Some(field.text().await.map_err(bad_form)?),
            "x-amz-signature" => signature = Some(field.text().await.map_err(bad_form)?),
            "file" => {
                if let Some(key) = &key {
                    check_upload_signature(&app, key, signature.as_deref())?;
                }
                let mut bytes = BytesMut::new();
                while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
                    if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                        return Err(file_too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes.freeze());
            }
            _ => {}
        }
    }
    let key = key.ok_or_else(|| ApiError::invalid("key", "cannot be blank"))?;
    let file = file.ok_or_else(|| ApiError::invalid("file", "cannot be blank"))?;
    check_upload_signature(&app, &key, signature.as_deref())?;
    let now = app.clock.now();
    let mut store = app.store(now);
    let blob = store.blob_by_uid_mut(&key).ok_or_else(blob_not_found)?;
    blob.size = Some(file.len() as i64);
    blob.data = Some(file);
    blob.updated_at = now;
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>{base}{UPLOAD_PATH}/{key}</Location><Bucket>cb-shared-s3</Bucket><Key>{key}</Key><ETag>\"{etag}\"</ETag></PostResponse>",
        etag = &upload_signature(&app, &key)[..32],
    );
    Ok(Reply::data(StatusCode::CREATED, "application/xml", xml))
}

/// `PUT /blobs/{id}/complete` with `{"blob":{"size":N}}` (docs, Dart) or `{"size":N}` (JS).
pub async fn complete(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let size = req
        .params
        .path(&["blob", "size"])
        .or_else(|| req.params.get("size"))
        .and_then(scalar_text);
    let size: i64 = size
        .ok_or_else(|| ApiError::invalid("size", "cannot be blank"))?
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid("size", "is not a number"))?;
    let blob = owned_blob(&mut store, &caller, &id)?;
    let Some(data) = &blob.data else {
        return Err(ApiError::invalid("base", "File is not uploaded"));
    };
    if data.len() as i64 != size {
        return Err(ApiError::invalid(
            "size",
            format!("does not match the uploaded file ({} bytes)", data.len()),
        ));
    }
    blob.completed = true;
    blob.updated_at = now;
    Ok(Reply::empty().expires(caller.expires_at()))
}

/// `GET /blobs/{id}` (numeric: the blob's record) or `GET /blobs/{uid}?token=` (the file).
pub async fn show(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    if let Ok(numeric) = id.parse::<i64>() {
        let caller = auth::caller(&mut store, &req.headers, now)?;
        let blob = store.blob(numeric).ok_or_else(blob_not_found)?;
        return Ok(Reply::ok(&json!({ "blob": blob.view() })).expires(caller.expires_at()));
    }
    let public = store.blob_by_uid(&id).ok_or_else(blob_not_found)?.public;
    let caller = match (public, reader_token(&req)) {
        (_, Some(token)) => Some(auth::caller_with_token(&mut store, &token, now)?),
        (true, None) => None,
        (false, None) => return Err(ApiError::token_required()),
    };
    let blob = store.blob_by_uid(&id).ok_or_else(blob_not_found)?;
    let data = blob.data.clone().ok_or_else(blob_not_found)?;
    let mut reply = Reply::data(StatusCode::OK, &blob.content_type, data);
    if let Some(caller) = &caller {
        reply = reply.expires(caller.expires_at());
    }
    Ok(reply)
}

/// The session of a file read: `?token=` (private URLs) or the `CB-Token` header.
fn reader_token(req: &Req) -> Option<String> {
    req.params
        .text("token")
        .filter(|t| !t.is_empty())
        .or_else(|| auth::token(&req.headers).map(str::to_owned))
}

/// `GET /blobs/{uid}/download`: a redirect to the file.
pub async fn download(State(app): State<App>, Segment(uid): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let token = reader_token(&req).ok_or_else(ApiError::token_required)?;
    let caller = auth::caller_with_token(&mut store, &token, now)?;
    store.blob_by_uid(&uid).ok_or_else(blob_not_found)?;
    let location = format!("{}/blobs/{uid}?token={}", base_url(&app, &req.headers), encode(&token));
    Ok(Reply::redirect(location).expires(caller.expires_at()))
}

/// `GET /blobs/{uid}/object?download_url=1`: a read link for the file.
pub async fn object(State(app): State<App>, Segment(uid): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let token = reader_token(&req).ok_or_else(ApiError::token_required)?;
    let caller = auth::caller_with_token(&mut store, &token, now)?;
    let blob = store.blob_by_uid(&uid).ok_or_else(blob_not_found)?;
    let body = json!({ "blob_object_access": {
        "id": blob.id,
        "blob_id": blob.id,
        "expires": iso_seconds(now + UPLOAD_URL_TTL),
        "object_access_type": "Read",
        "params": format!("{}/blobs/{uid}?token={}", base_url(&app, &req.headers), encode(&token)),
    }});
    Ok(Reply::ok(&body).expires(caller.expires_at()))
}

pub async fn delete(State(app): State<App>, Segment(id): Segment, req: Req) -> Result<Reply, ApiError> {
    let now = app.clock.now();
    let mut store = app.store(now);
    let caller = auth::caller(&mut store, &req.headers, now)?;
    let blob_id = owned_blob(&mut store, &caller, &id)?.id;
    store.remove_blob(blob_id);
    Ok(Reply::empty().expires(caller.expires_at()))
}
