//! The configuration of a `vault_secrets_stack` as the core sees it: every value is set, unset
//! (null in HCL, so the default applies) or not yet known (computed from another resource).

use std::collections::BTreeMap;

/// A configuration value as Terraform hands it over during validate and plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Input<T> {
    Set(T),
    #[default]
    Unset,
    /// Known only after another resource is applied: never guessed, never validated.
    Unknown,
}

impl<T> Input<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Input::Set(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_set(&self) -> bool {
        matches!(self, Input::Set(_))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Input::Unknown)
    }
}

pub type Tags = BTreeMap<String, String>;

/// The resource's configuration. A block is `None` when the user did not write it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StackConfig {
    pub environment_suffix: Input<String>,
    pub tags: Input<Tags>,
    pub network: Option<NetworkConfig>,
    pub database: Option<DatabaseConfig>,
    pub rotation: Option<RotationConfig>,
    pub logs: Option<LogsConfig>,
    pub kms: Option<KmsConfig>,
    pub audit: Option<AuditConfig>,
    pub timeouts: Option<TimeoutsConfig>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkConfig {
    pub cidr_block: Input<String>,
    pub availability_zones: Input<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatabaseConfig {
    pub engine_version: Input<String>,
    pub instance_class: Input<String>,
    pub instance_count: Input<i64>,
    pub database_name: Input<String>,
    pub master_username: Input<String>,
    pub port: Input<i64>,
    pub backup_retention_days: Input<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationConfig {
    pub automatically_after_days: Input<i64>,
    pub schedule_expression: Input<String>,
    pub duration: Input<String>,
    pub runtime: Input<String>,
    pub timeout_seconds: Input<i64>,
    pub memory_mb: Input<i64>,
    pub exclude_characters: Input<String>,
    pub password_length: Input<i64>,
    pub rotate_immediately: Input<bool>,
    /// `single_user` or `alternating_users` (SPEC §3.5).
    pub strategy: Input<String>,
    /// The application user of `alternating_users`.
    pub app_username: Input<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogsConfig {
    pub retention_in_days: Input<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KmsConfig {
    pub deletion_window_in_days: Input<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditConfig {
    pub cloudtrail: Input<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeoutsConfig {
    pub create: Input<String>,
    pub update: Input<String>,
    pub delete: Input<String>,
}

/// Whether a value is unset or its default.
fn at_default<T: PartialEq>(v: &Input<T>, default: T) -> bool {
    match v {
        Input::Unset => true,
        Input::Set(v) => *v == default,
        Input::Unknown => false,
    }
}

impl LogsConfig {
    /// A block of defaults means the same as no block: `terraform import` leaves it out.
    pub fn is_default(&self) -> bool {
        at_default(&self.retention_in_days, crate::defaults::LOG_RETENTION_DAYS)
    }
}

impl AuditConfig {
    /// A block of defaults means the same as no block.
    pub fn is_default(&self) -> bool {
        at_default(&self.cloudtrail, crate::defaults::CLOUDTRAIL)
    }
}

impl StackConfig {
    /// A stack read back from AWS (`terraform import`), written as its configuration most likely
    /// is, so that the configuration plans empty against it: tags the provider's `default_tags`
    /// supply are left to them, the application user at its default is left unset, and the
    /// `logs` and `audit` blocks are left out when they hold their defaults (`kms` and `timeouts`
    /// are not held by any object, so import never writes them). The blocks that shape the stack
    /// (`network`, `database`, `rotation`) are kept, as users write them; Terraform cannot tell at
    /// import whether a block was written (docs/guides/design-decisions.md).
    pub fn as_imported(mut self, default_tags: &Tags) -> StackConfig {
        if let Input::Set(tags) = &mut self.tags {
            tags.retain(|k, v| default_tags.get(k) != Some(v));
        }
        if let Some(r) = &mut self.rotation {
            if r.app_username.known().map(String::as_str) == Some(crate::defaults::APP_USERNAME) {
                r.app_username = Input::Unset;
            }
        }
        self.logs = self.logs.filter(|b| !b.is_default());
        self.audit = self.audit.filter(|b| !b.is_default());
        self
    }
}

/// What the configured provider contributes to a stack's validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderContext {
    /// The resolved region; `None` while the provider is not configured (validate time).
    pub region: Option<String>,
    pub default_tags: Tags,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported() -> StackConfig {
        StackConfig {
            environment_suffix: Input::Set("dev".into()),
            tags: Input::Set(Tags::from([
                ("Team".into(), "payments".into()),
                ("Owner".into(), "platform".into()),
            ])),
            rotation: Some(RotationConfig {
                app_username: Input::Set(crate::defaults::APP_USERNAME.into()),
                ..RotationConfig::default()
            }),
            logs: Some(LogsConfig {
                retention_in_days: Input::Set(crate::defaults::LOG_RETENTION_DAYS),
            }),
            audit: Some(AuditConfig {
                cloudtrail: Input::Set(true),
            }),
            ..StackConfig::default()
        }
    }

    #[test]
    fn an_imported_stack_leaves_out_default_blocks_default_tags_and_the_default_app_user() {
        let defaults = Tags::from([("Owner".into(), "platform".into())]);
        let c = imported().as_imported(&defaults);
        assert_eq!(
            c.tags,
            Input::Set(Tags::from([("Team".into(), "payments".into())]))
        );
        assert_eq!(c.logs, None);
        assert_eq!(c.audit, None);
        assert_eq!(c.rotation.unwrap().app_username, Input::Unset);
    }

    #[test]
    fn an_imported_stack_keeps_what_differs_from_the_defaults() {
        let mut c = imported();
        c.logs = Some(LogsConfig {
            retention_in_days: Input::Set(30),
        });
        c.audit = Some(AuditConfig {
            cloudtrail: Input::Set(false),
        });
        c.rotation.as_mut().unwrap().app_username = Input::Set("billing".into());
        let d = c.clone().as_imported(&Tags::new());
        assert_eq!(d.logs, c.logs);
        assert_eq!(d.audit, c.audit);
        assert_eq!(
            d.rotation.unwrap().app_username,
            Input::Set("billing".into())
        );
        assert_eq!(d.tags, c.tags, "tags the provider does not supply stay");
    }

    #[test]
    fn a_logs_block_holding_only_defaults_means_the_same_as_no_block() {
        assert!(LogsConfig::default().is_default());
        let days = |d| LogsConfig {
            retention_in_days: Input::Set(d),
        };
        assert!(days(365).is_default());
        assert!(!days(30).is_default());
    }
}
