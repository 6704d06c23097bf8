//! Drift: how an object AWS holds differs from what the stack wants, decided here once for every
//! kind, so the AWS layer only reports what it read ([`Observation`]) and carries out what this
//! module decides.
//!
//! Every kind's settings are compared field by field ([`settings`], each field with the rule its declaration names,
//! `rules.rs`), its
//! tags in both directions ([`TagChange`]), and what the settings types have no field for
//! ([`Extra`]: policy documents by meaning, routes and rules the stack did not make, ...).

pub(crate) mod rules;
#[cfg(test)]
pub(crate) mod tests;

use std::cmp::Ordering;

use serde_json::{json, Value};

use crate::input::Tags;
use crate::model::component::Settings;
use crate::model::Component;
use crate::policy::{equivalent, PolicyKind};

/// What a read of one object found, in the core's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The object's settings as AWS holds them. References are logical names (an id that is not
    /// the recorded one shows as itself); what AWS cannot report is the wanted value.
    pub settings: Settings,
    /// The object's tags, for kinds the provider tags.
    pub tags: Option<Tags>,
    /// What the settings types hold no field for.
    pub extras: Vec<Extra>,
}

impl Observation {
    /// An object found exactly as wanted: what tests start from.
    pub fn of(c: &Component) -> Observation {
        Observation {
            settings: c.settings.clone(),
            tags: c.tags.clone(),
            extras: Vec::new(),
        }
    }
}

/// What a read finds beyond its kind's settings fields.
#[derive(Clone, Debug, PartialEq)]
pub enum Extra {
    /// A policy document the object holds (`None`: not JSON), compared by meaning with the
    /// stack's `kind` document; `what` names it in the drift list ("key policy").
    Document {
        what: &'static str,
        kind: PolicyKind,
        have: Option<Value>,
    },
    /// A Lambda permission's statement, compared by meaning with the statement of the same `Sid`
    /// in the stack's `kind` policy, when no field of the permission differs already.
    Statement {
        kind: PolicyKind,
        sid: String,
        have: Value,
    },
    /// A route besides the table's implicit local route; the stack wants none.
    Route { destination: String, target: String },
    /// A virtual private gateway propagating routes into the table; the stack wants none.
    PropagatingGateway(String),
    /// A rule of the group that none of the stack's rules is, as AWS shows it.
    ForeignRule(String),
    /// A rule that is not one TCP port (protocol, from port, to port), as the stack's all are.
    PortRange {
        protocol: String,
        from: i32,
        to: i32,
    },
    /// A bucket's default encryption algorithm; the stack's is `aws:kms`.
    Encryption(String),
    /// The key's state; the stack wants it not `Disabled`.
    KeyState(String),
    /// Whether the trail is logging; the stack wants it on.
    Logging(bool),
    /// The endpoint's type; the stack's are `Interface` endpoints.
    EndpointType(String),
    /// The bucket's object ownership (`None`: no rule); the stack wants ACLs disabled.
    ObjectOwnership(Option<String>),
    /// The host the cluster's master secret names, and the cluster's endpoint it must be.
    SecretHost { host: String, endpoint: String },
    /// The SHA-256 of the function's code, and of this provider's rotation function.
    Code { have: String, want: String },
    /// The accounts a permission's `aws:SourceAccount` condition lists, and the stack's account.
    SourceAccounts { have: Vec<String>, want: String },
}

/// The object ownership that disables ACLs.
const BUCKET_OWNER_ENFORCED: &str = "BucketOwnerEnforced";

/// Every difference between a component and what a read of it found, in words for the plan's
/// drift list: settings, tags, and extras. `policy` renders one of the stack's documents with
/// the ids known so far.
pub fn component(
    want: &Component,
    have: &Observation,
    policy: &dyn Fn(PolicyKind) -> Value,
) -> Vec<String> {
    let mut out = settings(&want.settings, &have.settings);
    let (statements, extras): (Vec<&Extra>, Vec<&Extra>) = have
        .extras
        .iter()
        .partition(|e| matches!(e, Extra::Statement { .. }));
    out.extend(extras.into_iter().filter_map(|e| extra_drift(e, policy)));
    // A permission's whole statement only when nothing more precise differs.
    if out.is_empty() {
        out.extend(
            statements
                .into_iter()
                .filter_map(|e| extra_drift(e, policy)),
        );
    }
    if let Some(h) = &have.tags {
        out.extend(tags(want.tags.as_ref(), h));
    }
    out
}

/// How two settings of one kind differ, field by field. Settings of two kinds never match.
pub fn settings(want: &Settings, have: &Settings) -> Vec<String> {
    want.field_drift(have).unwrap_or_else(|| {
        vec![format!(
            "is a {}, want a {}",
            have.kind().noun().0,
            want.kind().noun().0
        )]
    })
}

fn extra_drift(extra: &Extra, policy: &dyn Fn(PolicyKind) -> Value) -> Option<String> {
    let differs_from = |what: &str, kind: PolicyKind| {
        format!(
            "{what} differs from the {} policy the stack synthesizes",
            kind.as_str()
        )
    };
    match extra {
        Extra::Document { what, kind, have } => match have {
            Some(have) if equivalent(&policy(*kind), have) => None,
            Some(_) => Some(differs_from(what, *kind)),
            None => Some(format!("{what} is not a JSON document")),
        },
        // The whole statement by meaning (the function policy the stack synthesizes also names
        // the function as the resource, with one statement per secret for alternating users).
        Extra::Statement { kind, sid, have } => {
            let policy = policy(*kind);
            let mine: Vec<&Value> = policy["Statement"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|w| w.get("Sid").and_then(Value::as_str) == Some(sid.as_str()))
                .collect();
            let want = json!({"Version": "2012-10-17", "Statement": mine});
            let have = json!({"Version": "2012-10-17", "Statement": [have]});
            (!equivalent(&want, &have)).then(|| differs_from("statement", *kind))
        }
        Extra::Route {
            destination,
            target,
        } => Some(format!(
            "route {destination} -> {target}, want only the local route"
        )),
        Extra::PropagatingGateway(gateway) => {
            Some(format!("routes propagated from {gateway}, want none"))
        }
        Extra::ForeignRule(rule) => Some(format!("rule {rule} is not one of the stack's")),
        Extra::PortRange { protocol, from, to } => {
            Some(format!("rule is {protocol} {from}-{to}, want one tcp port"))
        }
        Extra::Encryption(algorithm) => (algorithm != "aws:kms")
            .then(|| format!("default encryption is {algorithm}, want aws:kms")),
        Extra::KeyState(state) => {
            (state == "Disabled").then(|| "key is disabled, want enabled".to_string())
        }
        Extra::Logging(on) => (!on).then(|| "logging is stopped, want on".to_string()),
        Extra::EndpointType(t) => {
            (t != "Interface").then(|| format!("type {}, want Interface", or_none(t)))
        }
        Extra::ObjectOwnership(have) => {
            (have.as_deref() != Some(BUCKET_OWNER_ENFORCED)).then(|| {
                format!(
                    "object ownership {}, want {BUCKET_OWNER_ENFORCED} (ACLs disabled)",
                    have.as_deref().unwrap_or("not set")
                )
            })
        }
        Extra::SecretHost { host, endpoint } => (host != endpoint).then(|| {
            format!(
                "the secret's host is {}, want the cluster endpoint {endpoint}",
                or_none(host)
            )
        }),
        Extra::Code { have, want } => (have != want).then(|| {
            format!(
                "code {} is not this provider's rotation function",
                or_none(have)
            )
        }),
        Extra::SourceAccounts { have, want } => (have.len() != 1 || have[0] != *want).then(|| {
            format!(
                "source account {}, want {want}",
                if have.is_empty() {
                    "(none)".to_string()
                } else {
                    have.join(", ")
                }
            )
        }),
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "(none)"
    } else {
        s
    }
}

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
