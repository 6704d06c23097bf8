//! Defaults of SPEC §3.1, and the values AWS allows. One place, so docs and code agree.

pub const CIDR_BLOCK: &str = "10.0.0.0/16";
/// How many availability zones a stack spreads over when none are given.
pub const AVAILABILITY_ZONE_COUNT: usize = 3;

/// The database engine: Aurora MySQL.
pub const ENGINE: &str = "aurora-mysql";
/// An Aurora MySQL 3 (MySQL 8.0 compatible) release.
pub const ENGINE_VERSION: &str = "8.0.mysql_aurora.3.08.2";
pub const INSTANCE_CLASS: &str = "db.t3.medium";
pub const INSTANCE_COUNT: i64 = 2;
pub const DATABASE_NAME: &str = "app";
pub const MASTER_USERNAME: &str = "appadmin";
pub const PORT: i64 = 3306;
pub const BACKUP_RETENTION_DAYS: i64 = 7;

pub const ROTATION_DAYS: i64 = 30;
pub const RUNTIME: &str = "nodejs22.x";
pub const TIMEOUT_SECONDS: i64 = 30;
pub const MEMORY_MB: i64 = 256;
/// RDS rejects `/`, `'`, `"` and `@` in master passwords; `\` is excluded because it breaks
/// too many clients' connection strings. GetRandomPassword leaves spaces out by default.
pub const EXCLUDE_CHARACTERS: &str = "/@\"'\\";
/// Characters a password set on Aurora MySQL must never contain.
pub const RDS_FORBIDDEN_PASSWORD_CHARACTERS: &[char] = &['/', '\'', '"', '@'];
pub const PASSWORD_LENGTH: i64 = 32;
pub const ROTATE_IMMEDIATELY: bool = false;
pub const STRATEGY_SINGLE_USER: &str = "single_user";
pub const STRATEGY_ALTERNATING_USERS: &str = "alternating_users";
pub const STRATEGIES: &[&str] = &[STRATEGY_SINGLE_USER, STRATEGY_ALTERNATING_USERS];
pub const APP_USERNAME: &str = "app";
/// What the rotation function appends to name the application user's alternate (`app_clone`),
/// as AWS's multi-user rotation functions do.
pub const CLONE_SUFFIX: &str = "_clone";
/// MySQL 8 (Aurora MySQL 3) user names are at most 32 characters; the alternate adds `_clone`.
pub const APP_USERNAME_MAX_LEN: usize = 32 - CLONE_SUFFIX.len();

pub const LOG_RETENTION_DAYS: i64 = 365;
/// The retention periods CloudWatch Logs accepts.
pub const LOG_RETENTION_ALLOWED: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub const KMS_DELETION_WINDOW_DAYS: i64 = 7;
pub const CLOUDTRAIL: bool = true;

pub const CREATE_TIMEOUT: &str = "90m";
pub const UPDATE_TIMEOUT: &str = "90m";
pub const DELETE_TIMEOUT: &str = "60m";

/// Runtimes the rotation function supports, newest last.
pub const RUNTIMES_SUPPORTED: &[&str] = &["nodejs20.x", "nodejs22.x", "nodejs24.x"];
/// Accepted with a warning: AWS blocks creating new functions on them.
pub const RUNTIMES_DEPRECATED: &[&str] = &["nodejs18.x"];

/// Retries of throttled and transiently failed AWS calls, as terraform-provider-aws.
pub const MAX_RETRIES: u32 = 25;
/// More would only hide an outage: 25 retries already wait out several minutes.
pub const MAX_RETRIES_LIMIT: u32 = 100;

/// The region used when neither the provider block, the environment nor a profile names one.
pub const REGION: &str = "us-east-1";

/// The management tag that lets the provider find (and adopt) its objects after a crash.
pub const MANAGEMENT_TAG: &str = "vault:stack";
/// Written on the stack's VPC, with the time, as the last step of a create that finished: a
/// complete stack belongs to the state that created it (or imported it), and a create from
/// another state stops at plan instead of adopting it. Tag reconciliation leaves it alone.
pub const CREATED_TAG: &str = "vault:created";
/// Who is creating the stack: written when the stack's claim (its rotation role, whose name is
/// unique in the account) is created, as `host:working-directory`. A create adopts what an
/// interrupted create left only when the claim is its own; two applies racing for one suffix
/// cannot both create the claim. Tag reconciliation leaves it alone.
pub const OWNER_TAG: &str = "vault:owner";
pub const MANDATORY_TAGS: &[&str] = &["CostCenter", "Compliance"];
/// AWS allows 50 tags per object; the provider adds `Environment` and the management tag.
pub const MAX_TAGS: usize = 50;
/// CloudTrail's quota of trails per region and account, which AWS does not raise: a new stack's
/// audit trail is checked against it at plan, before anything is created.
pub const TRAILS_PER_REGION: usize = 5;
