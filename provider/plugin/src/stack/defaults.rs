//! Plan-time values: defaults for unset inputs, the merged tags, and unknown outputs.

use vault_core::{defaults as d, ProviderContext};

use super::state::StackState;
use crate::protocol::Value;
use crate::provider::StringMap;

fn or<T>(v: &mut Value<T>, default: T) {
    if v.is_null() {
        *v = Value::Value(default);
    }
}

fn s(v: &mut Value<String>, default: &str) {
    or(v, default.to_string());
}

/// Fills the defaults of SPEC §3.1 into every block the user wrote.
pub fn fill(st: &mut StackState) {
    for b in st.network.iter_mut().flatten() {
        s(&mut b.cidr_block, d::CIDR_BLOCK);
        // The region's zones are looked up at apply; a plan never guesses them.
        if b.availability_zones.is_null() {
            b.availability_zones = Value::Unknown;
        }
    }
    for b in st.database.iter_mut().flatten() {
        s(&mut b.engine_version, d::ENGINE_VERSION);
        s(&mut b.instance_class, d::INSTANCE_CLASS);
        or(&mut b.instance_count, d::INSTANCE_COUNT);
        s(&mut b.database_name, d::DATABASE_NAME);
        s(&mut b.master_username, d::MASTER_USERNAME);
        or(&mut b.port, d::PORT);
        or(&mut b.backup_retention_days, d::BACKUP_RETENTION_DAYS);
    }
    for b in st.rotation.iter_mut().flatten() {
        match b.schedule_expression {
            Value::Null => or(&mut b.automatically_after_days, d::ROTATION_DAYS),
            Value::Unknown if b.automatically_after_days.is_null() => {
                b.automatically_after_days = Value::Unknown
            }
            _ => {}
        }
        s(&mut b.runtime, d::RUNTIME);
        or(&mut b.timeout_seconds, d::TIMEOUT_SECONDS);
        or(&mut b.memory_mb, d::MEMORY_MB);
        s(&mut b.exclude_characters, d::EXCLUDE_CHARACTERS);
        or(&mut b.password_length, d::PASSWORD_LENGTH);
        or(&mut b.rotate_immediately, d::ROTATE_IMMEDIATELY);
        // `app_username` stays null when unset: a default would read as "set" with single_user.
        s(&mut b.strategy, d::STRATEGY_SINGLE_USER);
    }
    for b in st.logs.iter_mut().flatten() {
        or(&mut b.retention_in_days, d::LOG_RETENTION_DAYS);
    }
    for b in st.kms.iter_mut().flatten() {
        or(&mut b.deletion_window_in_days, d::KMS_DELETION_WINDOW_DAYS);
    }
    for b in st.audit.iter_mut().flatten() {
        or(&mut b.cloudtrail, d::CLOUDTRAIL);
    }
    for b in st.timeouts.iter_mut().flatten() {
        s(&mut b.create, d::CREATE_TIMEOUT);
        s(&mut b.update, d::UPDATE_TIMEOUT);
        s(&mut b.delete, d::DELETE_TIMEOUT);
    }
}

/// `default_tags`, then `tags`, then `Environment` and the management tag, which always win.
pub fn tags_all(st: &StackState, ctx: &ProviderContext) -> Value<StringMap> {
    let suffix = match &st.environment_suffix {
        Value::Value(s) => s.clone(),
        _ => return Value::Unknown,
    };
    let mut all: StringMap = ctx
        .default_tags
        .iter()
        .map(|(k, v)| (k.clone(), Value::Value(v.clone())))
        .collect();
    match &st.tags {
        Value::Value(tags) => all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone()))),
        Value::Null => {}
        Value::Unknown => return Value::Unknown,
    }
    all.insert("Environment".into(), Value::Value(suffix.clone()));
    all.insert(d::MANAGEMENT_TAG.into(), Value::Value(suffix));
    Value::Value(all)
}

/// Everything apply computes, unknown until then; `drift` empty, since apply repairs it.
pub fn unknown_outputs(st: &mut StackState) {
    st.secret_arn = Value::Unknown;
    st.secret_name = Value::Unknown;
    st.app_secret_arn = Value::Unknown;
    st.vpc_id = Value::Unknown;
    st.private_subnet_ids = Value::Unknown;
    st.security_group_ids = Value::Unknown;
    st.vpc_endpoint_ids = Value::Unknown;
    st.kms_key_arns = Value::Unknown;
    st.cluster_arn = Value::Unknown;
    st.cluster_endpoint = Value::Unknown;
    st.reader_endpoint = Value::Unknown;
    st.rotation_lambda_arn = Value::Unknown;
    st.rotation_role_arn = Value::Unknown;
    st.log_group_names = Value::Unknown;
    st.rotation_policy_json = Value::Unknown;
    st.components = Value::Unknown;
    // Apply leaves every object as configured: nothing to report as drift.
    st.drift = Value::Value(Vec::new());
}
