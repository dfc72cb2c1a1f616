//! How a call becomes HTTP and back:
//! - `request.rs` — the SDK-level request: path, query, body, what session it needs,
//!   whether it is safe to repeat;
//! - `pipeline.rs` — session, headers, signing, send, retry, re-auth, decode of errors;
//! - `retry.rs` — which failures are retried and how long to wait;
//! - `last_parsed.rs` — header dates parsed once per new text, not once per answer.

pub(crate) mod last_parsed;
pub(crate) mod pipeline;
pub(crate) mod request;
pub(crate) mod retry;
