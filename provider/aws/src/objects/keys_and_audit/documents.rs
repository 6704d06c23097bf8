//! Policy documents read back from AWS, compared with the stack's by meaning: AWS reorders and
//! reformats what it stores, and IAM returns documents URL-encoded.

use vault_core::policy::{equivalent, PolicyKind};

use crate::objects::Ctx;

/// How a stored document differs from the one the stack synthesizes, if it does: `what` names
/// the document in the drift line ("key policy", "trust policy").
pub fn policy_drift(ctx: &Ctx<'_>, kind: PolicyKind, what: &str, have: &str) -> Option<String> {
    let want = ctx.stack.policy(kind, &ctx.assigned());
    // The type is serde_json's `Value`, inferred from `equivalent`: this crate parses documents
    // only here, through `FromStr`, and so needs no JSON dependency of its own.
    match have.parse() {
        Ok(have) if equivalent(&want, &have) => None,
        Ok(_) => Some(format!(
            "{what} differs from the {} policy the stack synthesizes",
            kind.as_str()
        )),
        Err(_) => Some(format!("{what} is not a JSON document")),
    }
}

/// IAM returns policy documents URL-encoded (RFC 3986: `%XX` escapes, `+` is a plus sign).
pub fn url_decoded(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push(hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_decoding_restores_an_iam_document() {
        assert_eq!(
            url_decoded("%7B%22Version%22%3A%20%222012-10-17%22%7D"),
            r#"{"Version": "2012-10-17"}"#
        );
    }

    #[test]
    fn url_decoding_keeps_plus_signs_and_stray_percent_signs() {
        assert_eq!(url_decoded("a+b%2"), "a+b%2");
        assert_eq!(url_decoded("100%"), "100%");
    }
}
