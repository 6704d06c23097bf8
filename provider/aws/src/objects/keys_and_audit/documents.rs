//! Policy documents read back from AWS, compared with the stack's by meaning: AWS reorders and
//! reformats what it stores, and IAM returns documents URL-encoded.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// A stored document as JSON, for the core to compare by meaning; `None` when there is none or
/// it is not JSON.
pub fn document(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
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
