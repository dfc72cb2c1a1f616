//! Host-name lookups on a thread of their own that ends with the lookup.
//!
//! reqwest's default resolver runs `getaddrinfo` on tokio's blocking pool, whose idle
//! threads linger for 10 s and then wake to exit: on a phone that is a thread and a wake-up
//! after every first connection, for a lookup that happens once per connection at most.

use std::net::ToSocketAddrs;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

pub(crate) struct ThreadResolver;

impl Resolve for ThreadResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let (answer, answered) = tokio::sync::oneshot::channel();
        // A cancelled call leaves the lookup to finish on its thread, which then ends.
        let spawned = std::thread::Builder::new()
            .name("connectycube-dns".into())
            .spawn(move || {
                let addresses = (host.as_str(), 0).to_socket_addrs().map(Vec::from_iter);
                let _ = answer.send(addresses);
            });
        Box::pin(async move {
            spawned?;
            let addresses = answered.await??;
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}
