//! The legacy session signature (`rest-api.md` §6): HMAC-SHA1, keyed by the auth secret,
//! over the lexicographically sorted `name=value` pairs of every session parameter but
//! `signature`, values unencoded; lowercase hex.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};

use hmac::{Hmac, Mac};
use rand::Rng;
use sha1::Sha1;

/// The server refuses a (timestamp, nonce) pair it has seen. Independent random draws
/// collide: at a few hundred sessions a second from one process, two draws in the same
/// second meet about once in a hundred runs of five minutes. A counter from a random
/// start never repeats within a process for 2³¹ sessions, and processes still start apart.
static NEXT_NONCE: LazyLock<AtomicU32> = LazyLock::new(|| AtomicU32::new(rand::rng().random_range(0..NONCE_SPAN)));

/// Nonces are 1..=i32::MAX - 1: positive and inside a signed 32-bit integer, as servers parse them.
const NONCE_SPAN: u32 = i32::MAX as u32 - 1;

fn next_nonce() -> u32 {
    NEXT_NONCE.fetch_add(1, Ordering::Relaxed) % NONCE_SPAN + 1
}

/// The parameters of one `POST /session` attempt, signed: a fresh nonce, the server's
/// time (`server_now`, Unix seconds) and the signature over them all.
pub(crate) fn sign_session_params(secret: &str, pairs: &[(String, String)], server_now: i64) -> Vec<(String, String)> {
    let mut pairs = pairs.to_vec();
    pairs.push(("nonce".into(), next_nonce().to_string()));
    pairs.push(("timestamp".into(), server_now.to_string()));
    let signature = sign(secret, &pairs);
    pairs.push(("signature".into(), signature));
    pairs
}

/// The string that gets signed.
pub(crate) fn string_to_sign(pairs: &[(String, String)]) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "signature")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    parts.sort_unstable();
    parts.join("&")
}

pub(crate) fn sign(secret: &str, pairs: &[(String, String)]) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign(pairs).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// The five reference vectors of `rest-api.md` §6, given in scrambled order: the
    /// signature must not depend on the order parameters were added in.
    #[test]
    fn reference_vectors() {
        let base = [
            ("timestamp", "1544010993"),
            ("auth_key", "29WfrNWdvkhmX6V"),
            ("application_id", "1"),
        ];
        let cases: [(Vec<(&str, &str)>, &str); 5] = [
            (
                vec![("nonce", "4214611091")],
                "096ab77da446bbce2b5deaed0ca072a2d4ed906b",
            ),
            (
                vec![
                    ("user[password]", "11111111"),
                    ("nonce", "111"),
                    ("user[login]", "john"),
                ],
                "2d7e6d6585f9b1607caffdab6604aefe3f014d95",
            ),
            (
                vec![
                    ("user[password]", "11111111"),
                    ("user[email]", "john@example.com"),
                    ("nonce", "111"),
                ],
                "6b6c19160ae7a8822656f6084c004286bb71ec75",
            ),
            (
                vec![
                    ("provider", "twitter"),
                    ("keys[token]", "TT"),
                    ("nonce", "111"),
                    ("keys[secret]", "SS"),
                ],
                "de08c283bc1083d12ac12eea04f27c1f8fe502fc",
            ),
            (
                vec![
                    ("user[guest]", "1"),
                    ("nonce", "111"),
                    ("user[full_name]", "Olof Shodger"),
                ],
                "559062a1d19f5135887a0de9ce0b022e98cc875d",
            ),
        ];
        for (extra, expected) in cases {
            let mut all = extra.clone();
            all.extend(base);
            assert_eq!(sign("SECRETsecret123", &pairs(&all)), expected, "{extra:?}");
            all.reverse();
            assert_eq!(sign("SECRETsecret123", &pairs(&all)), expected, "order-independent");
        }
    }

    /// 200,000 independent draws from 1..2³¹ would almost surely hold a repeat (about
    /// nine expected); the server would refuse the second session signed with it.
    #[test]
    fn nonces_do_not_repeat_within_a_process() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200_000 {
            let nonce = next_nonce();
            assert!((1..i32::MAX as u32).contains(&nonce), "{nonce} out of range");
            assert!(seen.insert(nonce), "nonce {nonce} repeated");
        }
    }

    #[test]
    fn the_signature_itself_is_not_signed() {
        let with = pairs(&[("a", "1"), ("signature", "x")]);
        assert_eq!(sign("k", &with), sign("k", &pairs(&[("a", "1")])));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn independent(secret: &str, pairs: &[(String, String)]) -> String {
        let mut parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parts.sort();
        let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(parts.join("&").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Deterministic, independent of the order pairs come in, any UTF-8 in keys, values and
        /// secret, always 40 lowercase hex characters, and equal to a straightforward HMAC-SHA1.
        #[test]
        fn signing_is_deterministic_and_order_independent(
            secret in "\\PC{0,40}",
            pairs in proptest::collection::vec(("[a-z_\\[\\]]{1,20}", "\\PC{0,30}"), 0..12),
            seed in any::<u64>(),
        ) {
            let signature = sign(&secret, &pairs);
            prop_assert_eq!(signature.len(), 40);
            prop_assert!(signature.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            let mut shuffled = pairs.clone();
            let len = shuffled.len().max(1);
            shuffled.rotate_left((seed as usize) % len);
            shuffled.reverse();
            prop_assert_eq!(&sign(&secret, &shuffled), &signature);
            prop_assert_eq!(&sign(&secret, &pairs), &signature);
            let unsigned: Vec<_> = pairs.iter().filter(|(k, _)| k != "signature").cloned().collect();
            prop_assert_eq!(independent(&secret, &unsigned), signature);
        }
    }
}
