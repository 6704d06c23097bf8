//! Tags of the kinds in this group. Each service spells tags its own way; what they share is
//! which tags an update removes.

use std::collections::BTreeMap;

use vault_core::defaults::MANAGEMENT_TAG;
use vault_core::input::Tags;

use crate::objects::Ctx;

/// Tags present on the object but no longer in the configuration (a tag removed from `tags` or
/// `default_tags`), which an update removes: the configuration's tags are authoritative, as in
/// Terraform. Tags under AWS's reserved `aws:` prefix cannot be removed and are left alone.
pub fn unwanted(want: &Tags, have: &BTreeMap<String, String>) -> Vec<String> {
    have.keys()
        .filter(|k| !want.contains_key(*k) && !k.starts_with("aws:"))
        .cloned()
        .collect()
}

/// Whether tags read back mark the object as this stack's.
pub fn is_managed(ctx: &Ctx<'_>, have: &BTreeMap<String, String>) -> bool {
    have.get(MANAGEMENT_TAG).map(String::as_str) == Some(ctx.stack.suffix().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_no_longer_configured_are_removed_except_reserved_ones() {
        let want: Tags = [("Environment".to_string(), "dev".to_string())].into();
        let have: BTreeMap<String, String> = [
            ("Environment", "dev"),
            ("Team", "platform"),
            ("aws:cloudformation:stack-name", "x"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        assert_eq!(unwanted(&want, &have), ["Team"]);
    }
}
