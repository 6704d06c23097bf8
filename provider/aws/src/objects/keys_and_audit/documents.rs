//! Policy documents read back from AWS, compared with the stack's by meaning: AWS reorders and
//! reformats what it stores, and IAM returns documents URL-encoded.

use percent_encoding::percent_decode_str;
use serde_json::Value;
use vault_core::policy::{equivalent, PolicyKind};

use crate::objects::Ctx;

/// How a stored document differs from the one the stack synthesizes, if it does: `what` names
/// the document in the drift line ("key policy", "trust policy").
pub fn policy_drift(ctx: &Ctx<'_>, kind: PolicyKind, what: &str, have: &str) -> Option<String> {
    let want = ctx.stack.policy(kind, &ctx.assigned());
    match serde_json::from_str::<Value>(have) {
        Ok(have) if equivalent(&want, &have) => None,
        Ok(_) => Some(format!(
            "{what} differs from the {} policy the stack synthesizes",
            kind.as_str()
        )),
        Err(_) => Some(format!("{what} is not a JSON document")),
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
