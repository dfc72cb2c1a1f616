//! How a request becomes HTTP and is judged, one file per step; nothing here knows of
//! sessions, the client or the API handles:
//! - `request.rs` — the SDK-level request: path, query, body, what credential it needs,
//!   whether it is safe to repeat;
//! - `compose.rs` — builds it: URL, query encoding, headers, body;
//! - `send.rs` — sends one attempt: timeout cut to the deadline, the transport call;
//! - `retry.rs` — decides after each attempt: done, renew, re-sign, retry after a delay, fail;
//! - `last_parsed.rs` — header dates parsed once per new text, not once per answer.

pub(crate) mod compose;
pub(crate) mod last_parsed;
pub(crate) mod request;
pub(crate) mod retry;
pub(crate) mod send;
