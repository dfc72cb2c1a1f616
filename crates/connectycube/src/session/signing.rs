//! The legacy session signature (`rest-api.md` §6): HMAC-SHA1, keyed by the auth secret,
//! over the lexicographically sorted `name=value` pairs of every session parameter but
//! `signature`, values unencoded; lowercase hex.

use hmac::{Hmac, Mac};
use sha1::Sha1;

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

    #[test]
    fn the_signature_itself_is_not_signed() {
        let with = pairs(&[("a", "1"), ("signature", "x")]);
        assert_eq!(sign("k", &with), sign("k", &pairs(&[("a", "1")])));
    }
}
