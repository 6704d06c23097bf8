//! A stack's configuration with every default applied and every value known: what the model is
//! built from, and what change classification compares attribute by attribute.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::attribute::Attribute;
use crate::cidr::Ipv4Cidr;
use crate::defaults as d;
use crate::ids::Region;
use crate::input::{Input, InputType, ProviderContext, StackConfig, Tags};
use crate::model::ModelError;
use crate::names::EnvironmentSuffix;
use crate::{duration, validate};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackInputs {
    pub region: Region,
    pub suffix: EnvironmentSuffix,
    /// The resource's own `tags`.
    pub tags: Tags,
    /// The provider's `default_tags`, under the resource's `tags`.
    pub default_tags: Tags,
    pub cidr_block: Ipv4Cidr,
    /// One private subnet each, in this order.
    pub availability_zones: Vec<String>,
    pub database: DatabaseInputs,
    pub rotation: RotationInputs,
    pub log_retention_days: u16,
    pub kms_deletion_window_days: u8,
    pub cloudtrail: bool,
    pub timeouts: Timeouts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseInputs {
    pub engine_version: String,
    pub instance_class: String,
    pub instance_count: u8,
    pub database_name: String,
    pub master_username: String,
    pub port: u16,
    pub backup_retention_days: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationInputs {
    /// Used when `schedule_expression` is not set.
    pub automatically_after_days: u16,
    pub schedule_expression: Option<String>,
    pub duration: Option<String>,
    pub runtime: String,
    pub timeout_seconds: u16,
    pub memory_mb: u16,
    pub exclude_characters: String,
    pub password_length: u8,
    pub rotate_immediately: bool,
    pub strategy: RotationStrategy,
    /// The application user of `AlternatingUsers`; kept (and ignored) for `SingleUser`, so a
    /// switch back names the same user.
    pub app_username: String,
}

/// SPEC §3.5: who the rotation function rotates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RotationStrategy {
    /// The master secret only: its user changes its own password.
    #[default]
    SingleUser,
    /// Also an application secret whose two users take turns (zero downtime).
    AlternatingUsers,
}

impl RotationStrategy {
    pub fn parse(s: &str) -> Option<RotationStrategy> {
        match s {
            d::STRATEGY_SINGLE_USER => Some(RotationStrategy::SingleUser),
            d::STRATEGY_ALTERNATING_USERS => Some(RotationStrategy::AlternatingUsers),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RotationStrategy::SingleUser => d::STRATEGY_SINGLE_USER,
            RotationStrategy::AlternatingUsers => d::STRATEGY_ALTERNATING_USERS,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

/// How the rotation is scheduled on the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RotationSchedule {
    AfterDays(u16),
    Expression {
        expression: String,
        /// The rotation window, `"3h"`; Secrets Manager's default when `None`.
        duration: Option<String>,
    },
}

impl RotationInputs {
    pub fn schedule(&self) -> RotationSchedule {
        match &self.schedule_expression {
            Some(expression) => RotationSchedule::Expression {
                expression: expression.clone(),
                duration: self.duration.clone(),
            },
            None => RotationSchedule::AfterDays(self.automatically_after_days),
        }
    }
}

impl StackInputs {
    /// Resolves a fully known configuration. `region_zones` are the region's available zones in
    /// order; the first three are used when the configuration names none.
    pub fn resolve(
        cfg: &StackConfig,
        ctx: &ProviderContext,
        region_zones: &[String],
    ) -> Result<StackInputs, ModelError> {
        let errors: Vec<_> = validate::validate(cfg, Some(ctx))
            .into_iter()
            .filter(|f| f.is_error())
            .collect();
        if !errors.is_empty() {
            return Err(ModelError::Invalid(errors));
        }
        let mut r = Resolver {
            prior: None,
            region_zones,
            unknown: BTreeSet::new(),
        };
        let inputs = r.resolve(cfg, ctx)?;
        if r.unknown.is_empty() {
            Ok(inputs)
        } else {
            Err(ModelError::Unknown(r.unknown.into_iter().collect()))
        }
    }

    /// Resolves a proposed configuration against the stack as it is: values not yet known keep
    /// their prior value and are returned as unknown.
    pub fn resolve_over(
        prior: &StackInputs,
        cfg: &StackConfig,
        ctx: &ProviderContext,
        region_zones: &[String],
    ) -> Result<(StackInputs, BTreeSet<Attribute>), ModelError> {
        let errors: Vec<_> = validate::validate(cfg, Some(ctx))
            .into_iter()
            .filter(|f| f.is_error())
            .collect();
        if !errors.is_empty() {
            return Err(ModelError::Invalid(errors));
        }
        let mut r = Resolver {
            prior: Some(prior),
            region_zones,
            unknown: BTreeSet::new(),
        };
        let inputs = r.resolve(cfg, ctx)?;
        Ok((inputs, r.unknown))
    }

    /// A copy of `self` with `attr` taken from `other`: the stack as it would be if only that
    /// attribute changed.
    pub fn with_attribute_of(&self, attr: Attribute, other: &StackInputs) -> StackInputs {
        use Attribute::*;
        let mut s = self.clone();
        let (db, odb) = (&mut s.database, &other.database);
        let (rot, orot) = (&mut s.rotation, &other.rotation);
        match attr {
            Region => s.region = other.region.clone(),
            EnvironmentSuffix => s.suffix = other.suffix.clone(),
            Tags => {
                s.tags = other.tags.clone();
                s.default_tags = other.default_tags.clone();
            }
            NetworkCidrBlock => s.cidr_block = other.cidr_block,
            NetworkAvailabilityZones => s.availability_zones = other.availability_zones.clone(),
            DatabaseEngineVersion => db.engine_version = odb.engine_version.clone(),
            DatabaseInstanceClass => db.instance_class = odb.instance_class.clone(),
            DatabaseInstanceCount => db.instance_count = odb.instance_count,
            DatabaseName => db.database_name = odb.database_name.clone(),
            DatabaseMasterUsername => db.master_username = odb.master_username.clone(),
            DatabasePort => db.port = odb.port,
            DatabaseBackupRetentionDays => db.backup_retention_days = odb.backup_retention_days,
            RotationAutomaticallyAfterDays => {
                rot.automatically_after_days = orot.automatically_after_days
            }
            RotationScheduleExpression => {
                rot.schedule_expression = orot.schedule_expression.clone()
            }
            RotationDuration => rot.duration = orot.duration.clone(),
            RotationRuntime => rot.runtime = orot.runtime.clone(),
            RotationTimeoutSeconds => rot.timeout_seconds = orot.timeout_seconds,
            RotationMemoryMb => rot.memory_mb = orot.memory_mb,
            RotationExcludeCharacters => rot.exclude_characters = orot.exclude_characters.clone(),
            RotationPasswordLength => rot.password_length = orot.password_length,
            RotationRotateImmediately => rot.rotate_immediately = orot.rotate_immediately,
            RotationStrategy => rot.strategy = orot.strategy,
            RotationAppUsername => rot.app_username = orot.app_username.clone(),
            LogsRetentionInDays => s.log_retention_days = other.log_retention_days,
            KmsDeletionWindowInDays => s.kms_deletion_window_days = other.kms_deletion_window_days,
            AuditCloudtrail => s.cloudtrail = other.cloudtrail,
            TimeoutsCreate => s.timeouts.create = other.timeouts.create,
            TimeoutsUpdate => s.timeouts.update = other.timeouts.update,
            TimeoutsDelete => s.timeouts.delete = other.timeouts.delete,
        }
        s
    }

    /// The value of one attribute as users read it in a plan warning.
    pub fn display(&self, attr: Attribute) -> String {
        use Attribute::*;
        let (db, rot) = (&self.database, &self.rotation);
        let opt = |v: &Option<String>| v.as_ref().map_or("null".to_string(), |v| format!("{v:?}"));
        match attr {
            Region => format!("{:?}", self.region.as_str()),
            EnvironmentSuffix => format!("{:?}", self.suffix.as_str()),
            Tags => {
                let mut merged = self.default_tags.clone();
                merged.extend(self.tags.clone());
                format!("{merged:?}")
            }
            NetworkCidrBlock => format!("{:?}", self.cidr_block.to_string()),
            NetworkAvailabilityZones => format!("{:?}", self.availability_zones),
            DatabaseEngineVersion => format!("{:?}", db.engine_version),
            DatabaseInstanceClass => format!("{:?}", db.instance_class),
            DatabaseInstanceCount => db.instance_count.to_string(),
            DatabaseName => format!("{:?}", db.database_name),
            DatabaseMasterUsername => format!("{:?}", db.master_username),
            DatabasePort => db.port.to_string(),
            DatabaseBackupRetentionDays => db.backup_retention_days.to_string(),
            RotationAutomaticallyAfterDays => rot.automatically_after_days.to_string(),
            RotationScheduleExpression => opt(&rot.schedule_expression),
            RotationDuration => opt(&rot.duration),
            RotationRuntime => format!("{:?}", rot.runtime),
            RotationTimeoutSeconds => rot.timeout_seconds.to_string(),
            RotationMemoryMb => rot.memory_mb.to_string(),
            RotationExcludeCharacters => format!("{:?}", rot.exclude_characters),
            RotationPasswordLength => rot.password_length.to_string(),
            RotationRotateImmediately => rot.rotate_immediately.to_string(),
            RotationStrategy => format!("{:?}", rot.strategy.as_str()),
            RotationAppUsername => format!("{:?}", rot.app_username),
            LogsRetentionInDays => self.log_retention_days.to_string(),
            KmsDeletionWindowInDays => self.kms_deletion_window_days.to_string(),
            AuditCloudtrail => self.cloudtrail.to_string(),
            TimeoutsCreate => format!("{:?}", self.timeouts.create),
            TimeoutsUpdate => format!("{:?}", self.timeouts.update),
            TimeoutsDelete => format!("{:?}", self.timeouts.delete),
        }
    }

    /// Whether `attr` has the same value in both.
    pub fn same(&self, attr: Attribute, other: &StackInputs) -> bool {
        self.with_attribute_of(attr, other) == *self
    }
}

struct Resolver<'a> {
    prior: Option<&'a StackInputs>,
    region_zones: &'a [String],
    unknown: BTreeSet<Attribute>,
}

impl Resolver<'_> {
    /// The value of one input: set, else its default; when unknown, the prior value (if any) and
    /// a note that it is unknown.
    fn pick<T: InputType + Default + Clone>(
        &mut self,
        input: Option<&Input<T>>,
        attr: Attribute,
        prior: impl FnOnce(&StackInputs) -> T,
    ) -> T {
        let default = declared(attr);
        match input {
            Some(Input::Set(v)) => v.clone(),
            None | Some(Input::Unset) => default,
            Some(Input::Unknown) => {
                self.unknown.insert(attr);
                self.prior.map(prior).unwrap_or(default)
            }
        }
    }

    fn number<T: TryFrom<i64>>(
        &mut self,
        input: Option<&Input<i64>>,
        attr: Attribute,
        prior: impl FnOnce(&StackInputs) -> T,
    ) -> Result<T, ModelError> {
        let default: i64 = declared(attr);
        match input {
            Some(Input::Unknown) => {
                self.unknown.insert(attr);
                match self.prior {
                    Some(p) => Ok(prior(p)),
                    None => convert(default, attr),
                }
            }
            Some(Input::Set(v)) => convert(*v, attr),
            None | Some(Input::Unset) => convert(default, attr),
        }
    }

    fn optional(
        &mut self,
        input: Option<&Input<String>>,
        attr: Attribute,
        prior: impl FnOnce(&StackInputs) -> Option<String>,
    ) -> Option<String> {
        match input {
            Some(Input::Set(v)) => Some(v.clone()),
            None | Some(Input::Unset) => None,
            Some(Input::Unknown) => {
                self.unknown.insert(attr);
                self.prior.and_then(prior)
            }
        }
    }

    fn timeout(
        &mut self,
        input: Option<&Input<String>>,
        attr: Attribute,
        prior: impl FnOnce(&StackInputs) -> Duration,
    ) -> Result<Duration, ModelError> {
        let text = match input {
            Some(Input::Set(v)) => v.clone(),
            None | Some(Input::Unset) => declared(attr),
            Some(Input::Unknown) => {
                self.unknown.insert(attr);
                if let Some(p) = self.prior {
                    return Ok(prior(p));
                }
                declared(attr)
            }
        };
        duration::parse(&text).map_err(|_| ModelError::OutOfRange {
            attribute: attr,
            value: text,
        })
    }

    fn resolve(
        &mut self,
        cfg: &StackConfig,
        ctx: &ProviderContext,
    ) -> Result<StackInputs, ModelError> {
        use Attribute as A;
        let region = ctx.region.as_deref().ok_or(ModelError::NoRegion)?;
        let region = Region::parse(region).map_err(ModelError::Region)?;

        let suffix = self.pick(Some(&cfg.environment_suffix), A::EnvironmentSuffix, |p| {
            p.suffix.as_str().to_string()
        });
        let suffix = EnvironmentSuffix::parse(&suffix).map_err(|_| {
            if self.unknown.contains(&A::EnvironmentSuffix) {
                ModelError::Unknown(vec![A::EnvironmentSuffix])
            } else {
                ModelError::OutOfRange {
                    attribute: A::EnvironmentSuffix,
                    value: suffix.clone(),
                }
            }
        })?;
        let tags = self.pick(Some(&cfg.tags), A::Tags, |p| p.tags.clone());

        let net = cfg.network.as_ref();
        let cidr = self.pick(net.map(|n| &n.cidr_block), A::NetworkCidrBlock, |p| {
            p.cidr_block.to_string()
        });
        let cidr_block = Ipv4Cidr::parse_vpc(&cidr).map_err(ModelError::Cidr)?;
        let zones = self.pick(
            net.map(|n| &n.availability_zones),
            A::NetworkAvailabilityZones,
            |p| p.availability_zones.clone(),
        );
        let availability_zones = if zones.is_empty() {
            self.region_zones
                .iter()
                .take(d::AVAILABILITY_ZONE_COUNT)
                .cloned()
                .collect()
        } else {
            zones
        };
        if availability_zones.len() < 2 {
            return Err(ModelError::TooFewZones(availability_zones.len()));
        }
        cidr_block
            .subnets(availability_zones.len())
            .map_err(ModelError::Cidr)?;

        let db = cfg.database.as_ref();
        let database = DatabaseInputs {
            engine_version: self.pick(
                db.map(|x| &x.engine_version),
                A::DatabaseEngineVersion,
                |p| p.database.engine_version.clone(),
            ),
            instance_class: self.pick(
                db.map(|x| &x.instance_class),
                A::DatabaseInstanceClass,
                |p| p.database.instance_class.clone(),
            ),
            instance_count: self.number(
                db.map(|x| &x.instance_count),
                A::DatabaseInstanceCount,
                |p| p.database.instance_count,
            )?,
            database_name: self.pick(db.map(|x| &x.database_name), A::DatabaseName, |p| {
                p.database.database_name.clone()
            }),
            master_username: self.pick(
                db.map(|x| &x.master_username),
                A::DatabaseMasterUsername,
                |p| p.database.master_username.clone(),
            ),
            port: self.number(db.map(|x| &x.port), A::DatabasePort, |p| p.database.port)?,
            backup_retention_days: self.number(
                db.map(|x| &x.backup_retention_days),
                A::DatabaseBackupRetentionDays,
                |p| p.database.backup_retention_days,
            )?,
        };
        if database.instance_count == 0 {
            return Err(ModelError::OutOfRange {
                attribute: A::DatabaseInstanceCount,
                value: "0".into(),
            });
        }

        let rot = cfg.rotation.as_ref();
        let rotation = RotationInputs {
            automatically_after_days: self.number(
                rot.map(|x| &x.automatically_after_days),
                A::RotationAutomaticallyAfterDays,
                |p| p.rotation.automatically_after_days,
            )?,
            schedule_expression: self.optional(
                rot.map(|x| &x.schedule_expression),
                A::RotationScheduleExpression,
                |p| p.rotation.schedule_expression.clone(),
            ),
            duration: self.optional(rot.map(|x| &x.duration), A::RotationDuration, |p| {
                p.rotation.duration.clone()
            }),
            runtime: self.pick(rot.map(|x| &x.runtime), A::RotationRuntime, |p| {
                p.rotation.runtime.clone()
            }),
            timeout_seconds: self.number(
                rot.map(|x| &x.timeout_seconds),
                A::RotationTimeoutSeconds,
                |p| p.rotation.timeout_seconds,
            )?,
            memory_mb: self.number(rot.map(|x| &x.memory_mb), A::RotationMemoryMb, |p| {
                p.rotation.memory_mb
            })?,
            exclude_characters: self.pick(
                rot.map(|x| &x.exclude_characters),
                A::RotationExcludeCharacters,
                |p| p.rotation.exclude_characters.clone(),
            ),
            password_length: self.number(
                rot.map(|x| &x.password_length),
                A::RotationPasswordLength,
                |p| p.rotation.password_length,
            )?,
            rotate_immediately: self.pick(
                rot.map(|x| &x.rotate_immediately),
                A::RotationRotateImmediately,
                |p| p.rotation.rotate_immediately,
            ),
            strategy: {
                let text = self.pick(rot.map(|x| &x.strategy), A::RotationStrategy, |p| {
                    p.rotation.strategy.as_str().to_string()
                });
                RotationStrategy::parse(&text).ok_or(ModelError::OutOfRange {
                    attribute: A::RotationStrategy,
                    value: text,
                })?
            },
            app_username: self.pick(rot.map(|x| &x.app_username), A::RotationAppUsername, |p| {
                p.rotation.app_username.clone()
            }),
        };

        let log_retention_days = self.number(
            cfg.logs.as_ref().map(|x| &x.retention_in_days),
            A::LogsRetentionInDays,
            |p| p.log_retention_days,
        )?;
        let kms_deletion_window_days = self.number(
            cfg.kms.as_ref().map(|x| &x.deletion_window_in_days),
            A::KmsDeletionWindowInDays,
            |p| p.kms_deletion_window_days,
        )?;
        let cloudtrail = self.pick(
            cfg.audit.as_ref().map(|x| &x.cloudtrail),
            A::AuditCloudtrail,
            |p| p.cloudtrail,
        );
        let t = cfg.timeouts.as_ref();
        let timeouts = Timeouts {
            create: self.timeout(t.map(|x| &x.create), A::TimeoutsCreate, |p| {
                p.timeouts.create
            })?,
            update: self.timeout(t.map(|x| &x.update), A::TimeoutsUpdate, |p| {
                p.timeouts.update
            })?,
            delete: self.timeout(t.map(|x| &x.delete), A::TimeoutsDelete, |p| {
                p.timeouts.delete
            })?,
        };

        Ok(StackInputs {
            region,
            suffix,
            tags,
            default_tags: ctx.default_tags.clone(),
            cidr_block,
            availability_zones,
            database,
            rotation,
            log_retention_days,
            kms_deletion_window_days,
            cloudtrail,
            timeouts,
        })
    }
}

/// The default `attr` declares ([`crate::stack_inputs`]), or its type's empty value when it has
/// none: a required input, tags, and zones the region chooses.
fn declared<T: InputType + Default>(attr: Attribute) -> T {
    attr.presence()
        .default()
        .and_then(T::from_literal)
        .unwrap_or_default()
}

fn convert<T: TryFrom<i64>>(v: i64, attribute: Attribute) -> Result<T, ModelError> {
    T::try_from(v).map_err(|_| ModelError::OutOfRange {
        attribute,
        value: v.to_string(),
    })
}
