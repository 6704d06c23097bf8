//! Drift: how an object AWS holds differs from what the stack wants, decided here once for every
//! kind, so the AWS layer only reports what it read and carries out what this module decides.

use std::cmp::Ordering;

use crate::input::Tags;

/// Tags under AWS's reserved prefix: set by AWS (CloudFormation, Backup, ...), never removable.
const AWS_RESERVED_PREFIX: &str = "aws:";

/// Tags the configuration does not own: AWS's own, the provider's completion mark and the
/// stack's owner.
fn reserved(key: &str) -> bool {
    key.starts_with(AWS_RESERVED_PREFIX)
        || key == crate::defaults::CREATED_TAG
        || key == crate::defaults::OWNER_TAG
}

/// How to bring an object's tags to the wanted ones: the configuration is authoritative, as in
/// Terraform, so a tag removed from `tags` or `default_tags` is removed from the object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagChange {
    /// Tags to add, or whose value changes.
    pub set: Tags,
    /// Keys on the object that are no longer wanted.
    pub remove: Vec<String>,
}

impl TagChange {
    /// From the tags read back (`have`) to the wanted ones; `aws:` tags are left alone.
    pub fn between(want: &Tags, have: &Tags) -> TagChange {
        TagChange {
            set: want
                .iter()
                .filter(|(k, v)| have.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            remove: have
                .keys()
                .filter(|k| !want.contains_key(*k) && !reserved(k))
                .cloned()
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }

    /// The change in words, for the plan's drift list. Values are shown: tags are not secret.
    pub fn describe(&self, have: &Tags) -> Vec<String> {
        let set = self.set.iter().map(|(k, v)| match have.get(k) {
            Some(h) => format!("tag {k} = {h:?}, want {v:?}"),
            None => format!("tag {k} missing"),
        });
        let removed = self.remove.iter().map(|k| format!("tag {k} not wanted"));
        set.chain(removed).collect()
    }
}

/// Tag drift of an object: empty when its tags are exactly the wanted ones (plus `aws:` tags).
/// `want` is `None` for kinds AWS cannot tag.
pub fn tags(want: Option<&Tags>, have: &Tags) -> Vec<String> {
    want.map(|w| TagChange::between(w, have).describe(have))
        .unwrap_or_default()
}

/// An Aurora engine version (`8.0.mysql_aurora.3.08.2`) ordered by its numbers, so that AWS's
/// automatic minor upgrades compare as newer.
fn version_numbers(v: &str) -> Option<Vec<u32>> {
    v.split(['.', '_'])
        .filter(|p| p.chars().all(|c| c.is_ascii_digit()))
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect()
}

/// Engine version drift. The configured version is a floor: AWS's automatic minor upgrades move
/// a cluster to a newer version, which is not drift and must never be "repaired" by asking RDS
/// for a downgrade (which it refuses). Only an older running version is drift.
pub fn engine_version(want: &str, have: &str) -> Option<String> {
    let older = match (version_numbers(want), version_numbers(have)) {
        (Some(w), Some(h)) if same_family(want, have) => h.cmp(&w) == Ordering::Less,
        _ => want != have,
    };
    older.then(|| format!("engine version {have}, want at least {want}"))
}

/// Whether two versions are of the same engine line (`8.0.mysql_aurora`), so their numbers can
/// be compared at all.
fn same_family(a: &str, b: &str) -> bool {
    let family = |v: &str| -> String { v.chars().filter(|c| c.is_ascii_alphabetic()).collect() };
    family(a) == family(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags_of(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_tag_added_to_the_configuration_is_set() {
        let c = TagChange::between(&tags_of(&[("A", "1"), ("B", "2")]), &tags_of(&[("A", "1")]));
        assert_eq!(c.set, tags_of(&[("B", "2")]));
        assert!(c.remove.is_empty());
    }

    #[test]
    fn a_tag_removed_from_the_configuration_is_removed_from_the_object() {
        let c = TagChange::between(&tags_of(&[("A", "1")]), &tags_of(&[("A", "1"), ("B", "2")]));
        assert!(c.set.is_empty());
        assert_eq!(c.remove, ["B"]);
        assert_eq!(
            tags(
                Some(&tags_of(&[("A", "1")])),
                &tags_of(&[("A", "1"), ("B", "2")])
            ),
            ["tag B not wanted"]
        );
    }

    #[test]
    fn a_changed_value_is_set_again() {
        let c = TagChange::between(&tags_of(&[("A", "2")]), &tags_of(&[("A", "1")]));
        assert_eq!(c.set, tags_of(&[("A", "2")]));
        assert_eq!(
            c.describe(&tags_of(&[("A", "1")])),
            ["tag A = \"1\", want \"2\""]
        );
    }

    #[test]
    fn aws_reserved_tags_are_never_removed_nor_drift() {
        let have = tags_of(&[("A", "1"), ("aws:cloudformation:stack-name", "x")]);
        assert!(TagChange::between(&tags_of(&[("A", "1")]), &have).is_empty());
    }

    #[test]
    fn the_completion_mark_is_not_drift_and_never_removed() {
        let have = tags_of(&[("A", "1"), ("vault:created", "2026-11-30T10:00:00Z")]);
        assert!(TagChange::between(&tags_of(&[("A", "1")]), &have).is_empty());
    }

    #[test]
    fn the_owner_mark_is_not_drift_and_never_removed() {
        let have = tags_of(&[("A", "1"), ("vault:owner", "ci-7:/work/infra/prod")]);
        assert!(TagChange::between(&tags_of(&[("A", "1")]), &have).is_empty());
    }

    #[test]
    fn kinds_without_tags_have_no_tag_drift() {
        assert!(tags(None, &tags_of(&[("A", "1")])).is_empty());
    }

    #[test]
    fn every_taggable_kind_drifts_on_a_tag_added_by_hand_and_on_one_removed_by_hand() {
        let stack = crate::fixtures::stack();
        let mut kinds = std::collections::BTreeSet::new();
        for c in stack.components() {
            let Some(want) = &c.tags else {
                assert!(!c.kind().taggable(), "{} is taggable but has no tags", c.id);
                continue;
            };
            kinds.insert(c.kind());
            assert!(tags(Some(want), want).is_empty(), "{}", c.id);
            let mut extra = want.clone();
            extra.insert("AddedByHand".into(), "x".into());
            assert_eq!(
                tags(Some(want), &extra),
                ["tag AddedByHand not wanted"],
                "{}",
                c.id
            );
            let mut fewer = want.clone();
            fewer.remove("Compliance");
            assert_eq!(
                tags(Some(want), &fewer),
                ["tag Compliance missing"],
                "{}",
                c.id
            );
        }
        let taggable: Vec<_> = crate::model::ComponentKind::ALL
            .into_iter()
            .filter(|k| k.taggable())
            .collect();
        assert_eq!(kinds.into_iter().collect::<Vec<_>>(), taggable);
    }

    #[test]
    fn a_newer_engine_minor_version_installed_by_aws_is_not_drift() {
        assert_eq!(
            engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.09.0"),
            None
        );
        assert_eq!(
            engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.08.10"),
            None
        );
        assert_eq!(
            engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.08.2"),
            None
        );
    }

    #[test]
    fn an_engine_older_than_configured_is_drift() {
        assert_eq!(
            engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.07.1").as_deref(),
            Some("engine version 8.0.mysql_aurora.3.07.1, want at least 8.0.mysql_aurora.3.08.2")
        );
    }

    #[test]
    fn versions_of_another_engine_line_compare_by_equality() {
        assert!(engine_version("8.0.mysql_aurora.3.08.2", "5.7.mysql_aurora.2.11.2").is_some());
        assert!(engine_version("custom", "custom").is_none());
    }
}
