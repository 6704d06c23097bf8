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

/// Every input attribute of `vault_secrets_stack`, declared once: its block, field and type, the
/// type the model uses once it is resolved (`i64 as u8`: a number of days, `String as Duration`),
/// the [`Attribute`](crate::Attribute) that names it, whether it is required, optional or has a
/// default, the range a number must lie in (and why), what a change to it does at most (the
/// classification rule, with the words the plan warning uses) and the description the schema and
/// the docs show.
///
/// This is the one place a new input is declared. It is read by generators, each a `macro_rules`
/// that receives the whole table: [`input`](crate::input) makes the configuration structs
/// ([`StackConfig`], [`DatabaseConfig`], ...), [`attribute`](crate::attribute) the `Attribute`
/// enum and what it says about each input, [`model::inputs`](crate::model::inputs) the resolved
/// [`StackInputs`](crate::model::StackInputs) (one struct per block, `DatabaseInputs`, ...), and
/// the plugin its state structs, their conversion to
/// and from the configuration, the schema and the plan-time defaults. The order is the schema's
/// and [`Attribute::ALL`](crate::Attribute::ALL)'s; `d` is [`crate::defaults`].
// rustfmt would move the descriptions' continuation lines to the first column.
#[rustfmt::skip]
#[macro_export]
macro_rules! stack_inputs {
    ($generate:ident) => {
        $generate! {
            top {
                EnvironmentSuffix environment_suffix: String as EnvironmentSuffix {
                    presence: required(),
                    change: (ReplaceStack, "renames every object: replaces the whole stack"),
                    description: "Suffix of every object name (`{resource-type}-{suffix}`), \
                        `[a-z0-9-]{1,24}`. Also the import id. Changing it replaces the whole \
                        stack.",
                }
                Tags tags: Tags as Tags {
                    presence: optional(),
                    change: (Update, "updates the tags of every taggable object"),
                    description: "Tags for every taggable object, merged over the provider's \
                        `default_tags`. `CostCenter` and `Compliance` must be set here or in \
                        `default_tags`; `Environment` is always the suffix.",
                }
            }
            network NetworkConfig NetworkBlock NetworkInputs
                "The private network the stack lives in. No \
                internet gateway, NAT or public IP mapping is ever created." {
                NetworkCidrBlock cidr_block: String as Ipv4Cidr {
                    presence: defaulted(d::CIDR_BLOCK),
                    change: (Replace, "replaces the network (VPC, subnets, route table, security \
                        groups, endpoints) and everything inside it (DB subnet group, Aurora \
                        cluster and instances); updates the function and the role policy that \
                        name them"),
                    description: format!("IPv4 block of the VPC, /16 to /28. Default `{}`. \
                        Changing it replaces the network and everything in it.", d::CIDR_BLOCK),
                }
                NetworkAvailabilityZones availability_zones: Vec<String> as Vec<String> {
                    // Which zones the region offers is known only to AWS.
                    presence: chosen_at_apply(),
                    change: (Replace, "creates and deletes the subnets of added and removed \
                        zones, replaces subnets whose CIDR moves and Aurora instances whose zone \
                        changes; updates the endpoints, DB subnet group, function and role policy"),
                    description: "Availability zones of the private subnets (one subnet each), \
                        at least two, all in the provider's region, each offering the Secrets \
                        Manager and KMS interface endpoints and the instance class (checked at \
                        plan). Default: the region's first three available zones that do, looked \
                        up at apply.",
                }
            }
            database DatabaseConfig DatabaseBlock DatabaseInputs
                "The Aurora MySQL 8.0 cluster whose master \
                credentials the stack holds and rotates." {
                DatabaseEngineVersion engine_version: String as String {
                    presence: defaulted(d::ENGINE_VERSION),
                    change: (Update, "upgrades the Aurora cluster in place"),
                    description: format!("Aurora MySQL 8.0 (Aurora MySQL 3) engine version. \
                        Default `{}`.", d::ENGINE_VERSION),
                }
                DatabaseInstanceClass instance_class: String as String {
                    presence: defaulted(d::INSTANCE_CLASS),
                    change: (Update, "modifies each Aurora instance in place"),
                    description: format!("DB instance class. Default `{}`. `db.t3.small` and \
                        smaller are rejected: Aurora MySQL 8.0 does not run on them.",
                        d::INSTANCE_CLASS),
                }
                DatabaseInstanceCount instance_count: i64 as u8 {
                    presence: defaulted(d::INSTANCE_COUNT),
                    change: (Update, "creates or deletes Aurora instances at the end of the list"),
                    description: format!("Number of cluster instances (1 writer, the rest \
                        readers), 1 to 16, spread over the availability zones. Default `{}`.",
                        d::INSTANCE_COUNT),
                }
                DatabaseName database_name: String as String {
                    presence: defaulted(d::DATABASE_NAME),
                    change: (Replace, "replaces the Aurora cluster and its instances (Aurora \
                        cannot rename the initial database); updates the secret"),
                    description: format!("Name of the initial database. Default `{}`.",
                        d::DATABASE_NAME),
                }
                DatabaseMasterUsername master_username: String as String {
                    presence: defaulted(d::MASTER_USERNAME).sensitive(),
                    change: (Replace, "replaces the Aurora cluster and its instances (Aurora \
                        cannot rename the master user); updates the secret"),
                    description: format!("Master user name, 1 to 16 characters. Sensitive: \
                        half of the credential pair, kept out of plan output. Default `{}`.",
                        d::MASTER_USERNAME),
                }
                DatabasePort port: i64 as u16 {
                    presence: defaulted(d::PORT),
                    range: (1150..=65535, "RDS accepts ports 1150 to 65535."),
                    change: (Replace, "modifies the cluster's port in place, replaces the two \
                        security group rules for the port, updates the secret"),
                    description: format!("Port the cluster listens on, 1150 to 65535. Default \
                        `{}`.", d::PORT),
                }
                DatabaseBackupRetentionDays backup_retention_days: i64 as u8 {
                    presence: defaulted(d::BACKUP_RETENTION_DAYS),
                    range: (1..=35, "Aurora keeps automated backups for 1 to 35 days."),
                    change: (Update, "modifies the Aurora cluster in place"),
                    description: format!("Days of automated backups, 1 to 35. Default `{}`.",
                        d::BACKUP_RETENTION_DAYS),
                }
            }
            rotation RotationConfig RotationBlock RotationInputs
                "How the master password is rotated by the \
                stack's Lambda function." {
                RotationAutomaticallyAfterDays automatically_after_days: i64 as u16 {
                    // The default applies only without a `schedule_expression`.
                    presence: defaulted(d::ROTATION_DAYS).unless(RotationScheduleExpression),
                    range: (1..=1000, "Secrets Manager rotates every 1 to 1000 days."),
                    change: (Update, "updates the rotation schedule"),
                    description: format!("Rotate every N days, 1 to 1000. Default `{}`. \
                        Conflicts with `schedule_expression`.", d::ROTATION_DAYS),
                }
                RotationScheduleExpression schedule_expression: String as Option<String> {
                    presence: optional(),
                    change: (Update, "updates the rotation schedule"),
                    description: "A `rate(...)` or six-field `cron(...)` rotation schedule \
                        instead of `automatically_after_days`.",
                }
                RotationDuration duration: String as Option<String> {
                    presence: optional(),
                    change: (Update, "updates the rotation schedule"),
                    description: "Rotation window with `schedule_expression`, whole hours from \
                        `1h` to `24h`.",
                }
                RotationRuntime runtime: String as String {
                    presence: defaulted(d::RUNTIME),
                    change: (Update, "updates the rotation function's configuration"),
                    description: format!("Node.js runtime of the rotation function: {}. Default \
                        `{}`. `nodejs18.x` is accepted with a warning: AWS blocks new functions \
                        on it.", d::RUNTIMES_SUPPORTED.join(", "), d::RUNTIME),
                }
                RotationTimeoutSeconds timeout_seconds: i64 as u16 {
                    presence: defaulted(d::TIMEOUT_SECONDS),
                    range: (1..=900, "Lambda functions run for 1 to 900 seconds."),
                    change: (Update, "updates the rotation function's configuration"),
                    description: format!("Rotation function timeout, 1 to 900 seconds. Default \
                        `{}`.", d::TIMEOUT_SECONDS),
                }
                RotationMemoryMb memory_mb: i64 as u16 {
                    presence: defaulted(d::MEMORY_MB),
                    range: (128..=10240, "Lambda allows 128 to 10240 MB."),
                    change: (Update, "updates the rotation function's configuration"),
                    description: format!("Rotation function memory, 128 to 10240 MB. Default \
                        `{}`.", d::MEMORY_MB),
                }
                RotationExcludeCharacters exclude_characters: String as String {
                    presence: defaulted(d::EXCLUDE_CHARACTERS),
                    change: (Update, "updates the rotation function's environment"),
                    description: format!("Characters generated passwords never contain; must \
                        include `/`, `'`, `\"` and `@`, which Aurora rejects. Default `{}`.",
                        d::EXCLUDE_CHARACTERS),
                }
                RotationPasswordLength password_length: i64 as u8 {
                    presence: defaulted(d::PASSWORD_LENGTH),
                    range: (8..=41, "Aurora MySQL master passwords are 8 to 41 characters."),
                    change: (Update, "updates the rotation function's environment"),
                    description: format!("Length of generated passwords, 8 to 41 (Aurora \
                        MySQL's limit). Default `{}`.", d::PASSWORD_LENGTH),
                }
                RotationRotateImmediately rotate_immediately: bool as bool {
                    presence: defaulted(d::ROTATE_IMMEDIATELY),
                    change: (NoOp, "changes no object: it applies when the rotation is next \
                        configured"),
                    description: "Rotate once as soon as rotation is configured. Default \
                        `false`.",
                }
                RotationStrategy strategy: String as RotationStrategy {
                    presence: defaulted(d::STRATEGY_SINGLE_USER),
                    change: (Update, "creates or deletes the application secret, its invoke \
                        permission and its rotation schedule; updates the role policy, the \
                        Secrets Manager endpoint and the secrets key policy that name it"),
                    description: format!("`{}`: the master secret's user changes its own \
                        password (an application holding the old one fails until it reads the \
                        secret again). `{}`: the stack also holds an application secret \
                        `secret-<suffix>-app` that alternates between `app_username` and \
                        `<app_username>_clone`, created and changed by the function logging in \
                        with the master secret, so the credentials an application holds keep \
                        working until the rotation after next (zero downtime). Its first \
                        rotation starts at create and creates the user with privileges on \
                        `database_name` only. Switching is an in-place update that adds or \
                        removes the application secret and its rotation. Default `{}`.",
                        d::STRATEGY_SINGLE_USER, d::STRATEGY_ALTERNATING_USERS,
                        d::STRATEGY_SINGLE_USER),
                }
                RotationAppUsername app_username: String as String {
                    // Planned null when unset: a default would read as "set" with single_user.
                    // Resolved (and ignored) with single_user too, so a switch back names the
                    // same user.
                    presence: implied(d::APP_USERNAME),
                    change: (Replace, "replaces the application secret and its rotation (the \
                        first rotation of the new secret creates the new user; the old users \
                        stay in the database)"),
                    description: format!("The application user of `alternating_users`: 1 to {} \
                        letters, digits or underscores, starting with a letter, not ending in \
                        `_clone`, not the master user. Changing it replaces the application \
                        secret (the new user is created by its first rotation; the old users \
                        stay in the database). Default `{}`.", d::APP_USERNAME_MAX_LEN,
                        d::APP_USERNAME),
                }
            }
            logs LogsConfig LogsBlock LogsInputs
                "The KMS-encrypted CloudWatch log groups of the rotation \
                function and the audit trail." {
                LogsRetentionInDays retention_in_days: i64 as u16 {
                    presence: defaulted(d::LOG_RETENTION_DAYS),
                    change: (Update, "updates the retention of both log groups"),
                    description: format!("Retention of both log groups; one of the periods \
                        CloudWatch Logs offers (1, 3, 5, 7, 14, 30, ... 3653). Default `{}`.",
                        d::LOG_RETENTION_DAYS),
                }
            }
            kms KmsConfig KmsBlock KmsInputs
                "The customer-managed KMS keys (database, secrets, logs)." {
                KmsDeletionWindowInDays deletion_window_in_days: i64 as u8 {
                    presence: defaulted(d::KMS_DELETION_WINDOW_DAYS),
                    range: (7..=30, "KMS schedules key deletion 7 to 30 days ahead."),
                    change: (NoOp, "changes no object: the window applies when destroy \
                        schedules the keys for deletion"),
                    description: format!("Days between destroy and key deletion, 7 to 30. \
                        Default `{}`.", d::KMS_DELETION_WINDOW_DAYS),
                }
            }
            audit AuditConfig AuditBlock AuditInputs
                "The audit trail of secret access." {
                AuditCloudtrail cloudtrail: bool as bool {
                    presence: defaulted(d::CLOUDTRAIL),
                    change: (Update, "creates or deletes the trail, its bucket (with its logs), \
                        delivery role and metric filter; updates the logs key policy"),
                    description: "Create a CloudTrail trail delivering management events to the \
                        encrypted audit log group and an S3 bucket, with a metric filter on this \
                        secret's calls. Turn off in accounts that already run an organisation \
                        trail. Default `true`.",
                }
            }
            timeouts TimeoutsConfig TimeoutsBlock Timeouts
                "How long apply and destroy may take, in \
                Terraform duration strings such as `90m`." {
                TimeoutsCreate create: String as Duration {
                    presence: defaulted(d::CREATE_TIMEOUT),
                    change: (NoOp, "changes no object: only how long the provider waits"),
                    description: format!("Default `{}`.", d::CREATE_TIMEOUT),
                }
                TimeoutsUpdate update: String as Duration {
                    presence: defaulted(d::UPDATE_TIMEOUT),
                    change: (NoOp, "changes no object: only how long the provider waits"),
                    description: format!("Default `{}`.", d::UPDATE_TIMEOUT),
                }
                TimeoutsDelete delete: String as Duration {
                    presence: defaulted(d::DELETE_TIMEOUT),
                    change: (NoOp, "changes no object: only how long the provider waits"),
                    description: format!("Default `{}`.", d::DELETE_TIMEOUT),
                }
            }
        }
    };
}

/// Generates the configuration: [`StackConfig`] with the top-level inputs and one `Option` per
/// block (`None` when the user did not write it), and one struct per block.
macro_rules! configuration {
    (
        top { $( $tattr:ident $tfield:ident : $tty:ty as $trty:ty { $($tspec:tt)* } )* }
        $(
            $block:ident $Config:ident $Block:ident $Inputs:ident $bdoc:literal {
                $( $attr:ident $field:ident : $ty:ty as $rty:ty { $($spec:tt)* } )*
            }
        )*
    ) => {
        /// The resource's configuration. A block is `None` when the user did not write it.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct StackConfig {
            $( pub $tfield: Input<$tty>, )*
            $( pub $block: Option<$Config>, )*
        }

        impl StackConfig {
            /// Every number outside its declared range, as an error at its path.
            pub(crate) fn check_ranges(&self, out: &mut Vec<crate::Finding>) {
                use crate::Attribute as A;
                $( <$tty as InputType>::check_range(&self.$tfield, A::$tattr, out); )*
                $(
                    if let Some(b) = &self.$block {
                        $( <$ty as InputType>::check_range(&b.$field, A::$attr, out); )*
                    }
                )*
            }
        }

        $(
            #[doc = $bdoc]
            #[derive(Clone, Debug, Default, PartialEq, Eq)]
            pub struct $Config {
                $( pub $field: Input<$ty>, )*
            }

            impl $Config {
                /// Whether every input of the block is unset or at its default: such a block
                /// means the same as no block.
                pub fn is_default(&self) -> bool {
                    true $( && at_default(&self.$field, &crate::Attribute::$attr.presence()) )*
                }
            }
        )*
    };
}

stack_inputs!(configuration);

/// Whether an input must be written, may be, or has a default when it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presence {
    pub kind: PresenceKind,
    /// Kept out of plan output (half of a credential pair).
    pub sensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresenceKind {
    Required,
    /// Unset means null: no default.
    Optional,
    /// Unset means this value, shown in the plan of a block the user wrote.
    Default(Literal),
    /// Unset means this value unless the other attribute is set (then it stays null).
    DefaultUnless(Literal, crate::Attribute),
    /// Unset means a value apply chooses, unknown in the plan.
    ChosenAtApply,
    /// Unset means this value, but the plan keeps it null: shown, it would read as set where it
    /// has no effect.
    Implied(Literal),
}

/// A default, as written in [`crate::defaults`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal {
    Text(&'static str),
    Number(i64),
    Bool(bool),
}

impl From<&'static str> for Literal {
    fn from(v: &'static str) -> Literal {
        Literal::Text(v)
    }
}

impl From<i64> for Literal {
    fn from(v: i64) -> Literal {
        Literal::Number(v)
    }
}

impl From<bool> for Literal {
    fn from(v: bool) -> Literal {
        Literal::Bool(v)
    }
}

pub(crate) fn required() -> Presence {
    Presence {
        kind: PresenceKind::Required,
        sensitive: false,
    }
}

pub(crate) fn optional() -> Presence {
    Presence {
        kind: PresenceKind::Optional,
        sensitive: false,
    }
}

pub(crate) fn defaulted(v: impl Into<Literal>) -> Presence {
    Presence {
        kind: PresenceKind::Default(v.into()),
        sensitive: false,
    }
}

pub(crate) fn implied(v: impl Into<Literal>) -> Presence {
    Presence {
        kind: PresenceKind::Implied(v.into()),
        sensitive: false,
    }
}

pub(crate) fn chosen_at_apply() -> Presence {
    Presence {
        kind: PresenceKind::ChosenAtApply,
        sensitive: false,
    }
}

impl Presence {
    pub(crate) fn sensitive(self) -> Presence {
        Presence {
            sensitive: true,
            ..self
        }
    }

    pub(crate) fn unless(self, other: crate::Attribute) -> Presence {
        match self.kind {
            PresenceKind::Default(v) => Presence {
                kind: PresenceKind::DefaultUnless(v, other),
                ..self
            },
            _ => self,
        }
    }

    /// The value an unset input takes, when it is a literal.
    pub fn default(&self) -> Option<Literal> {
        match self.kind {
            PresenceKind::Default(v)
            | PresenceKind::DefaultUnless(v, _)
            | PresenceKind::Implied(v) => Some(v),
            _ => None,
        }
    }
}

/// The types an input can have, and what the schema calls them.
pub trait InputType: Sized + PartialEq {
    const KIND: InputKind;
    /// The default as this type; `None` when the literal is of another type.
    fn from_literal(l: Literal) -> Option<Self>;

    /// Adds an error when the value lies outside the attribute's declared range (only numbers
    /// have one).
    fn check_range(_: &Input<Self>, _: crate::Attribute, _: &mut Vec<crate::Finding>) {}
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Text,
    Number,
    Bool,
    TextList,
    TextMap,
}

impl InputType for String {
    const KIND: InputKind = InputKind::Text;
    fn from_literal(l: Literal) -> Option<Self> {
        match l {
            Literal::Text(v) => Some(v.to_string()),
            _ => None,
        }
    }
}

impl InputType for i64 {
    const KIND: InputKind = InputKind::Number;
    fn from_literal(l: Literal) -> Option<Self> {
        match l {
            Literal::Number(v) => Some(v),
            _ => None,
        }
    }

    fn check_range(v: &Input<i64>, a: crate::Attribute, out: &mut Vec<crate::Finding>) {
        let (Some(v), Some((range, why))) = (v.known(), a.range()) else {
            return;
        };
        if !range.contains(v) {
            out.push(crate::Finding::error(
                a.path(),
                format!("Invalid {}", a.parts().1),
                format!("{v} is outside {}..={}: {why}", range.start(), range.end()),
            ));
        }
    }
}

impl InputType for bool {
    const KIND: InputKind = InputKind::Bool;
    fn from_literal(l: Literal) -> Option<Self> {
        match l {
            Literal::Bool(v) => Some(v),
            _ => None,
        }
    }
}

impl InputType for Vec<String> {
    const KIND: InputKind = InputKind::TextList;
    fn from_literal(_: Literal) -> Option<Self> {
        None
    }
}

impl InputType for Tags {
    const KIND: InputKind = InputKind::TextMap;
    fn from_literal(_: Literal) -> Option<Self> {
        None
    }
}

/// Whether a value is unset or its default.
fn at_default<T: InputType>(v: &Input<T>, presence: &Presence) -> bool {
    match v {
        Input::Unset => true,
        Input::Set(v) => presence.default().and_then(T::from_literal).as_ref() == Some(v),
        Input::Unknown => false,
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
            if at_default(
                &r.app_username,
                &crate::Attribute::RotationAppUsername.presence(),
            ) {
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
