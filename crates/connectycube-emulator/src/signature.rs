//! The legacy session signature (`rest-api.md` §6): HMAC-SHA1 over the sorted
//! `name=value` pairs of every session parameter but `signature`, values raw.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha1::Sha1;

use crate::params::{Params, scalar_text};

/// The string a client signs, rebuilt from the parameters it sent.
pub fn string_to_sign(params: &Params) -> String {
    let mut pairs = Vec::new();
    for (key, value) in &params.0 {
        if key == "signature" {
            continue;
        }
        match value {
            // One level of nesting is flattened as `outer[inner]`.
            Value::Object(inner) => {
                for (name, value) in inner {
                    if let Some(text) = scalar_text(value) {
                        pairs.push(format!("{key}[{name}]={text}"));
                    }
                }
            }
            other => {
                if let Some(text) = scalar_text(other) {
                    pairs.push(format!("{key}={text}"));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.join("&")
}

pub fn sign(secret: &str, message: &str) -> String {
    hex::encode(mac(secret, message).finalize().into_bytes())
}

/// Compares in constant time: the signature is a secret-derived value.
pub fn verify(secret: &str, message: &str, signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    mac(secret, message).verify_slice(&expected).is_ok()
}

fn mac(secret: &str, message: &str) -> Hmac<Sha1> {
    // HMAC accepts keys of any length, so this cannot fail; the fallback keeps it panic-free.
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| Hmac::<Sha1>::new_from_slice(b"").expect("empty HMAC key is valid"));
    mac.update(message.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "SECRETsecret123";

    /// The five reference vectors of `rest-api.md` §6.
    #[test]
    fn reference_vectors_verify() {
        let vectors = [
            (
                r#"{"application_id":1,"auth_key":"29WfrNWdvkhmX6V","nonce":4214611091,"timestamp":1544010993}"#,
                "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=4214611091&timestamp=1544010993",
                "096ab77da446bbce2b5deaed0ca072a2d4ed906b",
            ),
            (
                r#"{"application_id":"1","auth_key":"29WfrNWdvkhmX6V","nonce":"111","timestamp":"1544010993","user":{"login":"john","password":"11111111"}}"#,
                "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user[login]=john&user[password]=11111111",
                "2d7e6d6585f9b1607caffdab6604aefe3f014d95",
            ),
            (
                r#"{"application_id":1,"auth_key":"29WfrNWdvkhmX6V","nonce":111,"timestamp":1544010993,"user":{"email":"john@example.com","password":"11111111"}}"#,
                "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user[email]=john@example.com&user[password]=11111111",
                "6b6c19160ae7a8822656f6084c004286bb71ec75",
            ),
            (
                r#"{"application_id":1,"auth_key":"29WfrNWdvkhmX6V","keys":{"secret":"SS","token":"TT"},"nonce":111,"provider":"twitter","timestamp":1544010993}"#,
                "application_id=1&auth_key=29WfrNWdvkhmX6V&keys[secret]=SS&keys[token]=TT&nonce=111&provider=twitter&timestamp=1544010993",
                "de08c283bc1083d12ac12eea04f27c1f8fe502fc",
            ),
            (
                r#"{"application_id":1,"auth_key":"29WfrNWdvkhmX6V","nonce":111,"timestamp":1544010993,"user":{"full_name":"Olof Shodger","guest":1}}"#,
                "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user[full_name]=Olof Shodger&user[guest]=1",
                "559062a1d19f5135887a0de9ce0b022e98cc875d",
            ),
        ];
        for (body, expected_string, expected_signature) in vectors {
            let params = Params::from_json(body.as_bytes()).unwrap();
            let message = string_to_sign(&params);
            assert_eq!(message, expected_string);
            assert_eq!(sign(SECRET, &message), expected_signature);
            assert!(verify(SECRET, &message, expected_signature));
            assert!(!verify(SECRET, &message, &expected_signature.replace('0', "1")));
        }
    }

    #[test]
    fn form_bodies_sign_the_same_string() {
        let form = Params::from_query(
            "application_id=1&auth_key=29WfrNWdvkhmX6V&nonce=111&timestamp=1544010993&user%5Bfull_name%5D=Olof+Shodger&user%5Bguest%5D=1&signature=x",
        );
        assert_eq!(
            sign(SECRET, &string_to_sign(&form)),
            "559062a1d19f5135887a0de9ce0b022e98cc875d"
        );
    }
}
