//! The input attributes of a `vault_secrets_stack`, by name: what change classification reports
//! on and what a still-unknown value is blamed on.

use std::fmt;

use crate::Path;

/// Every input attribute of the resource, plus the provider's region (a stack lives in one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attribute {
    Region,
    EnvironmentSuffix,
    /// The resource's `tags` merged over the provider's `default_tags`.
    Tags,
    NetworkCidrBlock,
    NetworkAvailabilityZones,
    DatabaseEngineVersion,
    DatabaseInstanceClass,
    DatabaseInstanceCount,
    DatabaseName,
    DatabaseMasterUsername,
    DatabasePort,
    DatabaseBackupRetentionDays,
    RotationAutomaticallyAfterDays,
    RotationScheduleExpression,
    RotationDuration,
    RotationRuntime,
    RotationTimeoutSeconds,
    RotationMemoryMb,
    RotationExcludeCharacters,
    RotationPasswordLength,
    RotationRotateImmediately,
    RotationStrategy,
    RotationAppUsername,
    LogsRetentionInDays,
    KmsDeletionWindowInDays,
    AuditCloudtrail,
    TimeoutsCreate,
    TimeoutsUpdate,
    TimeoutsDelete,
}

impl Attribute {
    pub const ALL: [Attribute; 29] = [
        Attribute::Region,
        Attribute::EnvironmentSuffix,
        Attribute::Tags,
        Attribute::NetworkCidrBlock,
        Attribute::NetworkAvailabilityZones,
        Attribute::DatabaseEngineVersion,
        Attribute::DatabaseInstanceClass,
        Attribute::DatabaseInstanceCount,
        Attribute::DatabaseName,
        Attribute::DatabaseMasterUsername,
        Attribute::DatabasePort,
        Attribute::DatabaseBackupRetentionDays,
        Attribute::RotationAutomaticallyAfterDays,
        Attribute::RotationScheduleExpression,
        Attribute::RotationDuration,
        Attribute::RotationRuntime,
        Attribute::RotationTimeoutSeconds,
        Attribute::RotationMemoryMb,
        Attribute::RotationExcludeCharacters,
        Attribute::RotationPasswordLength,
        Attribute::RotationRotateImmediately,
        Attribute::RotationStrategy,
        Attribute::RotationAppUsername,
        Attribute::LogsRetentionInDays,
        Attribute::KmsDeletionWindowInDays,
        Attribute::AuditCloudtrail,
        Attribute::TimeoutsCreate,
        Attribute::TimeoutsUpdate,
        Attribute::TimeoutsDelete,
    ];

    /// `(block, attribute)`; the block is `None` for top-level attributes and for the provider's
    /// region, which is not an attribute of the resource at all.
    fn parts(self) -> (Option<&'static str>, &'static str) {
        use Attribute::*;
        match self {
            Region => (None, "region"),
            EnvironmentSuffix => (None, "environment_suffix"),
            Tags => (None, "tags"),
            NetworkCidrBlock => (Some("network"), "cidr_block"),
            NetworkAvailabilityZones => (Some("network"), "availability_zones"),
            DatabaseEngineVersion => (Some("database"), "engine_version"),
            DatabaseInstanceClass => (Some("database"), "instance_class"),
            DatabaseInstanceCount => (Some("database"), "instance_count"),
            DatabaseName => (Some("database"), "database_name"),
            DatabaseMasterUsername => (Some("database"), "master_username"),
            DatabasePort => (Some("database"), "port"),
            DatabaseBackupRetentionDays => (Some("database"), "backup_retention_days"),
            RotationAutomaticallyAfterDays => (Some("rotation"), "automatically_after_days"),
            RotationScheduleExpression => (Some("rotation"), "schedule_expression"),
            RotationDuration => (Some("rotation"), "duration"),
            RotationRuntime => (Some("rotation"), "runtime"),
            RotationTimeoutSeconds => (Some("rotation"), "timeout_seconds"),
            RotationMemoryMb => (Some("rotation"), "memory_mb"),
            RotationExcludeCharacters => (Some("rotation"), "exclude_characters"),
            RotationPasswordLength => (Some("rotation"), "password_length"),
            RotationRotateImmediately => (Some("rotation"), "rotate_immediately"),
            RotationStrategy => (Some("rotation"), "strategy"),
            RotationAppUsername => (Some("rotation"), "app_username"),
            LogsRetentionInDays => (Some("logs"), "retention_in_days"),
            KmsDeletionWindowInDays => (Some("kms"), "deletion_window_in_days"),
            AuditCloudtrail => (Some("audit"), "cloudtrail"),
            TimeoutsCreate => (Some("timeouts"), "create"),
            TimeoutsUpdate => (Some("timeouts"), "update"),
            TimeoutsDelete => (Some("timeouts"), "delete"),
        }
    }

    /// The Terraform attribute path (`database[0].port`), for diagnostics and `RequiresReplace`.
    /// The provider's region has no path in the resource: it maps to the resource as a whole.
    pub fn path(self) -> Path {
        match (self, self.parts()) {
            (Attribute::Region, _) => Path::root(),
            (_, (Some(block), name)) => Path::block_attr(block, name),
            (_, (None, name)) => Path::attr(name),
        }
    }

    /// The name users read in plan warnings: `database.port`, `provider region`.
    pub fn name(self) -> String {
        match (self, self.parts()) {
            (Attribute::Region, _) => "provider region".to_string(),
            (_, (Some(block), name)) => format!("{block}.{name}"),
            (_, (None, name)) => name.to_string(),
        }
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_attributes_print_dotted_and_path_indexed() {
        assert_eq!(Attribute::DatabasePort.name(), "database.port");
        assert_eq!(
            Attribute::DatabasePort.path().to_string(),
            "database[0].port"
        );
        assert_eq!(
            Attribute::EnvironmentSuffix.path().to_string(),
            "environment_suffix"
        );
    }

    #[test]
    fn every_attribute_is_listed_once() {
        let mut names: Vec<String> = Attribute::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Attribute::ALL.len());
    }
}
