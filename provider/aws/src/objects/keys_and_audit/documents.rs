//! Policy documents read back from AWS, compared with the stack's by meaning: AWS reorders and
//! reformats what it stores, and IAM returns documents URL-encoded.

use percent_encoding::percent_decode_str;
use serde_json::Value;
use vault_core::drift::Extra;
use vault_core::policy::PolicyKind;

/// A stored document as JSON; `None` when there is none or it is not JSON.
pub fn document(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// A policy document an object holds, for the core to compare by meaning with the stack's
/// `kind` document; `what` names it in the drift list ("key policy").
pub fn held(what: &'static str, kind: PolicyKind, text: Option<&str>) -> Extra {
    Extra::Document {
        what,
        kind,
        have: document(text),
    }
}

/// IAM returns policy documents URL-encoded (RFC 3986: `%XX` escapes). Not form decoding: a
/// `+` is a plus sign, and a stray `%` stays as it is.
pub fn url_decoded(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_decoding_keeps_plus_signs_and_stray_percent_signs() {
        assert_eq!(url_decoded("a+b%2"), "a+b%2");
        assert_eq!(url_decoded("100%"), "100%");
    }
}
