//! Plan-time values: defaults for unset inputs, the merged tags, and unknown outputs.

use vault_core::{defaults as d, ProviderContext};

use super::state::StackState;
use crate::protocol::Value;
use crate::provider::StringMap;

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
