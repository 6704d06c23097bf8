//! Every rule a stack's configuration must satisfy before any AWS call is made.
//!
//! `validate` runs twice: at `terraform validate` time without a provider context (only the
//! configuration itself is checked), and at plan time with the configured provider's region and
//! `default_tags`, when the region- and tag-dependent rules can be decided too. Unknown values are
//! skipped: they are checked at the next plan, once known.

use crate::cidr::Ipv4Cidr;
use crate::defaults as d;
use crate::input::{
    DatabaseConfig, Input, LogsConfig, NetworkConfig, ProviderContext, RotationConfig, StackConfig,
    Tags, TimeoutsConfig,
};
use crate::names::EnvironmentSuffix;
use crate::{duration, schedule, Finding, Path};

pub fn validate(cfg: &StackConfig, ctx: Option<&ProviderContext>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Numbers against the range each declares (`stack_inputs!`), then the other rules.
    cfg.check_ranges(&mut out);
    let suffix = check_suffix(&cfg.environment_suffix, &mut out);
    check_tags(cfg, suffix.as_ref(), ctx, &mut out);
    check_network(cfg.network.as_ref(), ctx, &mut out);
    check_database(cfg.database.as_ref(), &mut out);
    check_rotation(cfg.rotation.as_ref(), &mut out);
    check_app_user(cfg.rotation.as_ref(), cfg.database.as_ref(), &mut out);
    check_logs(cfg.logs.as_ref(), &mut out);
    check_timeouts(cfg.timeouts.as_ref(), &mut out);
    out
}

/// Rules for the provider block itself.
pub fn validate_provider(region: &Input<String>, default_tags: &Input<Tags>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(r) = region.known() {
        if !is_region(r) {
            out.push(Finding::error(
                Path::attr("region"),
                "Invalid AWS region",
                format!("{r:?} is not an AWS region name such as \"us-east-1\"."),
            ));
        }
    }
    if let Some(tags) = default_tags.known() {
        for (k, v) in tags {
            check_tag(Path::attr("default_tags").key(k), k, v, &mut out);
        }
    }
    out
}

fn check_suffix(suffix: &Input<String>, out: &mut Vec<Finding>) -> Option<EnvironmentSuffix> {
    let s = suffix.known()?;
    match EnvironmentSuffix::parse(s) {
        Ok(s) => Some(s),
        Err(e) => {
            out.push(Finding::error(
                Path::attr("environment_suffix"),
                "Invalid environment_suffix",
                format!(
                    "{s:?} {e}. The suffix is appended to every object name as \
                     {{resource-type}}-{{suffix}} and must match [a-z0-9-]{{1,24}}."
                ),
            ));
            None
        }
    }
}

fn check_tags(
    cfg: &StackConfig,
    suffix: Option<&EnvironmentSuffix>,
    ctx: Option<&ProviderContext>,
    out: &mut Vec<Finding>,
) {
    let tags = match &cfg.tags {
        Input::Unknown => return,
        Input::Set(t) => t.clone(),
        Input::Unset => Tags::new(),
    };
    for (k, v) in &tags {
        let path = Path::attr("tags").key(k);
        check_tag(path.clone(), k, v, out);
        if k == "Environment" {
            if let Some(s) = suffix {
                if v != s.as_str() {
                    out.push(Finding::error(
                        path,
                        "Environment tag conflicts with environment_suffix",
                        format!(
                            "The stack tags every object with Environment = {:?} (its \
                             environment_suffix); remove Environment from tags or set it to {:?}.",
                            s.as_str(),
                            s.as_str()
                        ),
                    ));
                }
            }
        }
    }
    // Mandatory tags may come from the provider's default_tags: decidable only at plan time.
    let Some(ctx) = ctx else { return };
    let mut merged = ctx.default_tags.clone();
    merged.extend(tags);
    for key in d::MANDATORY_TAGS {
        if merged.get(*key).is_none_or(|v| v.trim().is_empty()) {
            out.push(Finding::error(
                Path::attr("tags"),
                format!("Missing mandatory tag {key}"),
                format!(
                    "Every object of a vault_secrets_stack carries the compliance tags \
                     CostCenter and Compliance. Set {key} in this resource's tags or in the \
                     provider's default_tags."
                ),
            ));
        }
    }
    merged.insert("Environment".into(), String::new());
    merged.insert(d::MANAGEMENT_TAG.into(), String::new());
    // The VPC also carries the completion mark and the rotation role the owner mark.
    let carried = merged.len() + 1;
    if carried > d::MAX_TAGS {
        out.push(Finding::error(
            Path::attr("tags"),
            "Too many tags",
            format!(
                "With default_tags, Environment, {} and {} (or {}) the stack's objects would \
                 carry up to {carried} tags; AWS allows {}.",
                d::MANAGEMENT_TAG,
                d::CREATED_TAG,
                d::OWNER_TAG,
                d::MAX_TAGS
            ),
        ));
    }
}

fn check_tag(path: Path, key: &str, value: &str, out: &mut Vec<Finding>) {
    let key_ok = !key.is_empty()
        && key.chars().count() <= 128
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || " _.:/=+-@".contains(c));
    if !key_ok {
        out.push(Finding::error(
            path.clone(),
            "Invalid tag key",
            format!(
                "{key:?}: tag keys are 1 to 128 letters, digits, spaces and the characters _ . : / = + - @."
            ),
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        out.push(Finding::error(
            path.clone(),
            "Reserved tag key",
            format!("{key:?}: the aws: prefix is reserved for AWS."),
        ));
    }
    if key == d::MANAGEMENT_TAG {
        out.push(Finding::error(
            path.clone(),
            "Reserved tag key",
            format!(
                "{key:?} is the provider's management tag (set to the environment_suffix); it \
                 cannot be set by hand."
            ),
        ));
    }
    if value.chars().count() > 256 {
        out.push(Finding::error(
            path,
            "Tag value too long",
            format!("The value of {key:?} is longer than AWS's 256 characters."),
        ));
    }
}

fn is_region(r: &str) -> bool {
    // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7 ...
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1]
            .parse::<u8>()
            .is_ok_and(|n| n > 0 && !parts[parts.len() - 1].starts_with('0'))
}

fn check_network(
    net: Option<&NetworkConfig>,
    ctx: Option<&ProviderContext>,
    out: &mut Vec<Finding>,
) {
    let default = NetworkConfig::default();
    let net = net.unwrap_or(&default);
    let zones: Option<Vec<String>> = match &net.availability_zones {
        Input::Set(z) => Some(z.clone()),
        Input::Unset => Some(Vec::new()),
        Input::Unknown => None,
    };
    let zone_count = zones.as_ref().map(|z| {
        if z.is_empty() {
            d::AVAILABILITY_ZONE_COUNT
        } else {
            z.len()
        }
    });
    let path = Path::block_attr("network", "availability_zones");
    if let Some(zones) = zones.as_ref().filter(|z| !z.is_empty()) {
        if zones.len() < 2 {
            out.push(Finding::error(
                path.clone(),
                "At least two availability zones are required",
                "Aurora needs subnets in two or more availability zones for failover; list at \
                 least two, or omit availability_zones to use the region's first three.",
            ));
        }
        for (i, zone) in zones.iter().enumerate() {
            let zpath = path.clone().index(i);
            if zones[..i].contains(zone) {
                out.push(Finding::error(
                    zpath,
                    "Duplicate availability zone",
                    format!("{zone:?} is listed more than once; each zone gets one subnet."),
                ));
                continue;
            }
            let Some(region) = zone_region(zone) else {
                out.push(Finding::error(
                    zpath,
                    "Invalid availability zone",
                    format!("{zone:?} is not an availability zone name such as \"us-east-1a\"."),
                ));
                continue;
            };
            if let Some(want) = ctx.and_then(|c| c.region.as_deref()) {
                if region != want {
                    out.push(Finding::error(
                        zpath,
                        "Availability zone outside the provider's region",
                        format!(
                            "{zone:?} is in {region}, but the provider manages {want}; use zones \
                             such as \"{want}a\"."
                        ),
                    ));
                }
            }
        }
    }
    if let Some(block) = net.cidr_block.known() {
        let cpath = Path::block_attr("network", "cidr_block");
        match Ipv4Cidr::parse_vpc(block) {
            Err(e) => out.push(Finding::error(cpath, "Invalid cidr_block", format!("{e}."))),
            Ok(cidr) => {
                if let Some(n) = zone_count.filter(|n| *n >= 2) {
                    if let Err(e) = cidr.subnets(n) {
                        out.push(Finding::error(
                            cpath,
                            "cidr_block too small",
                            format!("{e}."),
                        ));
                    }
                }
            }
        }
    }
}

/// `us-east-1a` -> `us-east-1`.
fn zone_region(zone: &str) -> Option<&str> {
    let region = zone.strip_suffix(|c: char| c.is_ascii_lowercase())?;
    is_region(region).then_some(region)
}

fn check_database(db: Option<&DatabaseConfig>, out: &mut Vec<Finding>) {
    let Some(db) = db else { return };
    let p = |a| Path::block_attr("database", a);
    let engine_version = db.engine_version.known().map(String::as_str);
    if let Some(v) = engine_version {
        if !is_aurora_mysql_8(v) {
            out.push(Finding::error(
                p("engine_version"),
                "Unsupported engine_version",
                format!(
                    "{v:?} is not an Aurora MySQL 8.0 (Aurora MySQL 3) version; use one such as \
                     {:?}.",
                    d::ENGINE_VERSION
                ),
            ));
        }
    }
    if let Some(class) = db.instance_class.known() {
        let shape_ok = class.starts_with("db.")
            && class.split('.').count() == 3
            && class.split('.').all(|s| {
                !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !shape_ok {
            out.push(Finding::error(
                p("instance_class"),
                "Invalid instance_class",
                format!("{class:?} is not a DB instance class such as \"db.t3.medium\"."),
            ));
        } else if [
            "db.t2.",
            "db.t3.micro",
            "db.t3.small",
            "db.t4g.micro",
            "db.t4g.small",
        ]
        .iter()
        .any(|c| class.starts_with(c) && (c.ends_with('.') || class == c))
        {
            out.push(Finding::error(
                p("instance_class"),
                "Instance class not supported by Aurora MySQL 8.0",
                format!(
                    "Aurora MySQL 8.0 (version 3) does not run on {class}; the smallest \
                     burstable classes it supports are db.t3.medium and db.t4g.medium."
                ),
            ));
        }
    }
    if let Some(n) = db.instance_count.known() {
        if !(1..=16).contains(n) {
            out.push(Finding::error(
                p("instance_count"),
                "Invalid instance_count",
                format!(
                    "{n} instances: an Aurora cluster has 1 writer and up to 15 readers (1 to 16)."
                ),
            ));
        } else if *n == 1 {
            out.push(Finding::warning(
                p("instance_count"),
                "A single instance has no failover",
                "With instance_count = 1 the cluster has no replica in a second availability \
                 zone; use 2 or more for production.",
            ));
        }
    }
    if let Some(name) = db.database_name.known() {
        let ok = (1..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            out.push(Finding::error(
                p("database_name"),
                "Invalid database_name",
                format!(
                    "{name:?}: 1 to 64 letters, digits or underscores, starting with a letter."
                ),
            ));
        }
    }
    if let Some(user) = db.master_username.known() {
        let ok = (1..=16).contains(&user.len())
            && user.starts_with(|c: char| c.is_ascii_alphabetic())
            && user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let reserved =
            ["rdsadmin", "rdsrepladmin", "root", "mysql.sys", "admin_"].contains(&user.as_str());
        if !ok || reserved {
            out.push(Finding::error(
                p("master_username"),
                "Invalid master_username",
                format!(
                    "{user:?}: Aurora MySQL master user names are 1 to 16 letters, digits or \
                     underscores, start with a letter, and are not reserved (rdsadmin, root)."
                ),
            ));
        }
    }
}

/// Aurora MySQL 3 versions look like `8.0.mysql_aurora.3.08.2`.
fn is_aurora_mysql_8(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("8.0.mysql_aurora.3.") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn check_rotation(rot: Option<&RotationConfig>, out: &mut Vec<Finding>) {
    let Some(rot) = rot else { return };
    let p = |a| Path::block_attr("rotation", a);
    if rot.automatically_after_days.is_set() && rot.schedule_expression.is_set() {
        out.push(Finding::error(
            p("schedule_expression"),
            "Conflicting rotation schedules",
            "Set either automatically_after_days or schedule_expression, not both.",
        ));
    }
    if let Some(expr) = rot.schedule_expression.known() {
        if let Err(e) = schedule::check_schedule_expression(expr) {
            out.push(Finding::error(
                p("schedule_expression"),
                "Invalid schedule_expression",
                format!("{e}. Examples: \"rate(30 days)\", \"cron(0 4 1 * ? *)\"."),
            ));
        }
    }
    if let Some(window) = rot.duration.known() {
        if !schedule::check_duration(window) {
            out.push(Finding::error(
                p("duration"),
                "Invalid duration",
                format!("{window:?}: the rotation window is whole hours from \"1h\" to \"24h\"."),
            ));
        } else if matches!(rot.schedule_expression, Input::Unset) {
            out.push(Finding::error(
                p("duration"),
                "duration needs schedule_expression",
                "Secrets Manager applies a rotation window only to a schedule_expression.",
            ));
        }
    }
    if let Some(rt) = rot.runtime.known() {
        if d::RUNTIMES_DEPRECATED.contains(&rt.as_str()) {
            out.push(Finding::warning(
                p("runtime"),
                format!("{rt} is deprecated"),
                format!(
                    "AWS no longer allows new Lambda functions on {rt}; creating the rotation \
                     function will fail in most accounts. Use {}.",
                    d::RUNTIME
                ),
            ));
        } else if !d::RUNTIMES_SUPPORTED.contains(&rt.as_str()) {
            out.push(Finding::error(
                p("runtime"),
                "Unsupported runtime",
                format!(
                    "{rt:?}: the rotation function runs on {}.",
                    d::RUNTIMES_SUPPORTED.join(", ")
                ),
            ));
        }
    }
    if let Some(ex) = rot.exclude_characters.known() {
        let missing: String = d::RDS_FORBIDDEN_PASSWORD_CHARACTERS
            .iter()
            .filter(|c| !ex.contains(**c))
            .collect();
        if !missing.is_empty() {
            out.push(Finding::error(
                p("exclude_characters"),
                "exclude_characters must exclude what RDS forbids",
                format!(
                    "Aurora rejects master passwords containing {missing:?}; add them to \
                     exclude_characters (default {:?}).",
                    d::EXCLUDE_CHARACTERS
                ),
            ));
        }
    }
}

/// The strategy, and the application user of `alternating_users`: a MySQL user name that its
/// alternate (`<name>_clone`) also fits, and never the master user or its alternate (the function
/// would then change the master's password with the master's own credentials).
fn check_app_user(
    rot: Option<&RotationConfig>,
    db: Option<&DatabaseConfig>,
    out: &mut Vec<Finding>,
) {
    let Some(rot) = rot else { return };
    let p = |a| Path::block_attr("rotation", a);
    if let Some(strategy) = rot.strategy.known() {
        if !d::STRATEGIES.contains(&strategy.as_str()) {
            out.push(Finding::error(
                p("strategy"),
                "Invalid strategy",
                format!(
                    "{strategy:?}: the rotation strategy is one of {}.",
                    d::STRATEGIES
                        .iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let Some(user) = rot.app_username.known() else {
        return;
    };
    let well_formed = (1..=d::APP_USERNAME_MAX_LEN).contains(&user.len())
        && user.starts_with(|c: char| c.is_ascii_alphabetic())
        && user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let reserved = ["rdsadmin", "rdsrepladmin", "root", "mysql.sys"].contains(&user.as_str());
    if !well_formed || reserved || user.ends_with(d::CLONE_SUFFIX) {
        out.push(Finding::error(
            p("app_username"),
            "Invalid app_username",
            format!(
                "{user:?}: the application user name is 1 to {} letters, digits or underscores,                  starts with a letter, does not end in {:?} (the rotation function adds that to                  name its alternate user) and is not reserved (rdsadmin, root).",
                d::APP_USERNAME_MAX_LEN,
                d::CLONE_SUFFIX
            ),
        ));
        return;
    }
    let master = match db.map(|db| &db.master_username) {
        Some(Input::Set(m)) => Some(m.as_str()),
        Some(Input::Unknown) => None,
        None | Some(Input::Unset) => Some(d::MASTER_USERNAME),
    };
    if let Some(master) = master {
        let alternate = format!("{user}{}", d::CLONE_SUFFIX);
        if master.eq_ignore_ascii_case(user) || master.eq_ignore_ascii_case(&alternate) {
            out.push(Finding::error(
                p("app_username"),
                "app_username must differ from master_username",
                format!(
                    "{user:?}: the application users ({user:?} and {alternate:?}) must not be                      the master user {master:?}: the master secret rotates on its own, and the                      application's rotation logs in as the master to change them."
                ),
            ));
        }
    }
    if matches!(
        rot.strategy.known().map(String::as_str),
        None | Some(d::STRATEGY_SINGLE_USER)
    ) && rot.app_username.is_set()
        && !rot.strategy.is_unknown()
    {
        out.push(Finding::warning(
            p("app_username"),
            "app_username has no effect with single_user",
            format!(
                "Only strategy = {:?} creates an application user; with {:?} only the master                  secret rotates.",
                d::STRATEGY_ALTERNATING_USERS,
                d::STRATEGY_SINGLE_USER
            ),
        ));
    }
}

fn check_logs(logs: Option<&LogsConfig>, out: &mut Vec<Finding>) {
    if let Some(days) = logs.and_then(|l| l.retention_in_days.known()) {
        if !d::LOG_RETENTION_ALLOWED.contains(days) {
            out.push(Finding::error(
                Path::block_attr("logs", "retention_in_days"),
                "Invalid retention_in_days",
                format!(
                    "CloudWatch Logs does not offer {days} days; choose one of {:?}.",
                    d::LOG_RETENTION_ALLOWED
                ),
            ));
        }
    }
}

fn check_timeouts(t: Option<&TimeoutsConfig>, out: &mut Vec<Finding>) {
    let Some(t) = t else { return };
    for (name, value) in [
        ("create", &t.create),
        ("update", &t.update),
        ("delete", &t.delete),
    ] {
        if let Some(v) = value.known() {
            match duration::parse(v) {
                Err(e) => out.push(Finding::error(
                    Path::block_attr("timeouts", name),
                    format!("Invalid {name} timeout"),
                    format!("{e}."),
                )),
                Ok(dur) if dur.is_zero() => out.push(Finding::error(
                    Path::block_attr("timeouts", name),
                    format!("Invalid {name} timeout"),
                    "A timeout must be longer than zero.",
                )),
                Ok(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::config;

    fn findings(rot: RotationConfig, db: Option<DatabaseConfig>) -> Vec<Finding> {
        let cfg = StackConfig {
            rotation: Some(rot),
            database: db,
            ..config()
        };
        validate(&cfg, None)
            .into_iter()
            .filter(|f| f.path.to_string().starts_with("rotation"))
            .collect()
    }

    fn alternating(app_username: &str) -> RotationConfig {
        RotationConfig {
            strategy: Input::Set("alternating_users".into()),
            app_username: Input::Set(app_username.into()),
            ..RotationConfig::default()
        }
    }

    #[test]
    fn an_unknown_strategy_is_an_error_at_its_path() {
        let f = findings(
            RotationConfig {
                strategy: Input::Set("multi_user".into()),
                ..RotationConfig::default()
            },
            None,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].is_error());
        assert_eq!(f[0].path.to_string(), "rotation[0].strategy");
        assert!(f[0].detail.contains("alternating_users"), "{}", f[0].detail);
    }

    #[test]
    fn a_valid_application_user_passes() {
        assert!(findings(alternating("app"), None).is_empty());
        assert!(findings(alternating(&"a".repeat(26)), None).is_empty());
    }

    #[test]
    fn application_user_names_mysql_cannot_hold_with_their_alternate_are_errors() {
        for bad in ["", "1app", "app-user", "app_clone", &"a".repeat(27), "root"] {
            let f = findings(alternating(bad), None);
            assert_eq!(f.len(), 1, "{bad:?}: {f:?}");
            assert_eq!(f[0].path.to_string(), "rotation[0].app_username");
            assert_eq!(f[0].summary, "Invalid app_username");
        }
    }

    #[test]
    fn the_application_user_must_not_be_the_master_user_or_its_alternate() {
        let master = |m: &str| {
            Some(DatabaseConfig {
                master_username: Input::Set(m.into()),
                ..DatabaseConfig::default()
            })
        };
        for (app, db) in [
            ("appadmin", None),
            ("dbo", master("dbo")),
            ("dbo", master("dbo_clone")),
        ] {
            let f = findings(alternating(app), db);
            assert_eq!(f.len(), 1, "{app:?}: {f:?}");
            assert_eq!(f[0].path.to_string(), "rotation[0].app_username");
            assert_eq!(
                f[0].summary,
                "app_username must differ from master_username"
            );
        }
    }

    #[test]
    fn an_application_user_with_single_user_is_a_warning() {
        let f = findings(
            RotationConfig {
                app_username: Input::Set("app".into()),
                ..RotationConfig::default()
            },
            None,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(!f[0].is_error());
    }
}
