//! The statement in the rotation function's resource policy that lets Secrets Manager invoke it,
//! only for this stack's secret (`SourceArn`) in this account (`SourceAccount`). Its id is
//! `<function name>/<statement id>`, which is all RemovePermission needs.

use serde_json::Value;
use vault_core::drift::Extra;
use vault_core::model::component::{LambdaPermissionSettings, Settings};

use crate::error::AwsError;
use crate::objects::{Ctx, Observed};
use crate::retry;
use crate::waiter::{Waiter, GONE};

// find

pub async fn find(ctx: &Ctx<'_>, s: &LambdaPermissionSettings) -> Result<Option<String>, AwsError> {
    let Some(function) = ctx.parent(&s.function).map(function_name) else {
        return Ok(None);
    };
    let id = format!("{function}/{}", s.statement_id);
    Ok(statement(ctx, &id).await?.map(|_| id))
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &LambdaPermissionSettings) -> Result<String, AwsError> {
    let function = function_name(ctx.id(&s.function)?).to_string();
    let secret = ctx.id(&s.source_secret)?;
    ctx.call("AddPermission", || {
        ctx.clients
            .lambda
            .add_permission()
            .function_name(&function)
            .statement_id(&s.statement_id)
            .action(&s.action)
            .principal(&s.principal)
            .source_arn(secret)
            .source_account(s.source_account.as_str())
            .send()
    })
    .await?;
    Ok(format!("{function}/{}", s.statement_id))
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &LambdaPermissionSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(st) = statement(ctx, id).await? else {
        return Ok(None);
    };
    let condition = |operator: &str, key: &str| {
        st.get("Condition")
            .and_then(|c| get_ignore_case(c, operator))
            .and_then(|c| get_ignore_case(c, key))
            .map(strings)
            .unwrap_or_default()
    };
    // Secrets Manager's ARN is matched with ArnLike by AddPermission; ArnEquals means the same.
    let mut source_arns = condition("ArnLike", "aws:SourceArn");
    source_arns.extend(condition("ArnEquals", "aws:SourceArn"));
    // A statement may name several values where the stack has one: they read as a list.
    let joined = |v: Vec<&str>| v.join(", ");
    let settings = LambdaPermissionSettings {
        principal: joined(
            st.get("Principal")
                .and_then(|p| p.get("Service"))
                .map(strings)
                .unwrap_or_default(),
        ),
        action: joined(st.get("Action").map(strings).unwrap_or_default()),
        source_secret: ctx.reference(
            &s.source_secret,
            Some(joined(source_arns))
                .filter(|a| !a.is_empty())
                .as_deref(),
        ),
        // The permission is found in this function's policy by this id; the account is read
        // as a list and the statement compared by meaning, below.
        function: s.function.clone(),
        statement_id: s.statement_id.clone(),
        source_account: s.source_account.clone(),
        policy: s.policy,
    };
    let mut o = Observed::new(Settings::LambdaPermission(settings));
    o.extra(Extra::SourceAccounts {
        have: condition("StringEquals", "aws:SourceAccount")
            .into_iter()
            .map(str::to_string)
            .collect(),
        want: s.source_account.to_string(),
    });
    o.extra(Extra::Statement {
        kind: s.policy,
        sid: s.statement_id.clone(),
        have: st.clone(),
    });
    Ok(Some(o))
}

// update

/// A permission cannot be changed in place: it is removed and added again.
pub async fn update(ctx: &Ctx<'_>, s: &LambdaPermissionSettings, id: &str) -> Result<(), AwsError> {
    delete(ctx, id).await?;
    create(ctx, s).await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let (function, statement_id) = parse_id(id)?;
    ctx.delete_and_wait(
        &retry::DEFAULT,
        "RemovePermission",
        || {
            ctx.clients
                .lambda
                .remove_permission()
                .function_name(function)
                .statement_id(statement_id)
                .send()
        },
        Waiter::new(format!("lambda permission {id}"), &["present"], &[GONE]),
        || async { Ok(statement(ctx, id).await?.map(|_| "present".to_string())) },
    )
    .await
}

// waiters

/// The permission's statement in the function's policy; `None` when the function, its policy
/// or the statement is gone.
async fn statement(ctx: &Ctx<'_>, id: &str) -> Result<Option<Value>, AwsError> {
    let (function, statement_id) = parse_id(id)?;
    let Some(out) = ctx
        .call_found("GetPolicy", || {
            ctx.clients
                .lambda
                .get_policy()
                .function_name(function)
                .send()
        })
        .await?
    else {
        return Ok(None);
    };
    let Some(text) = out.policy() else {
        return Ok(None);
    };
    let mut policy: Value = serde_json::from_str(text).map_err(|e| {
        AwsError::Invalid(format!("the policy of {function} is not valid JSON ({e})"))
    })?;
    let statements = match policy.get_mut("Statement").map(Value::take) {
        Some(Value::Array(a)) => a,
        Some(one @ Value::Object(_)) => vec![one],
        _ => vec![],
    };
    Ok(statements
        .into_iter()
        .find(|st| st.get("Sid").and_then(Value::as_str) == Some(statement_id)))
}

/// A string, or the strings of an array: how IAM writes "one or more".
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// An object's member whose key equals `key` ignoring ASCII case (IAM condition keys).
fn get_ignore_case<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn parse_id(id: &str) -> Result<(&str, &str), AwsError> {
    id.split_once('/')
        .filter(|(f, s)| !f.is_empty() && !s.is_empty())
        .ok_or_else(|| {
            AwsError::Invalid(format!(
                "{id:?} is not a lambda permission id (<function name>/<statement id>)"
            ))
        })
}

/// A function's name from its ARN (`arn:...:function:<name>`), or the name itself.
fn function_name(function: &str) -> &str {
    function
        .split_once(":function:")
        .map_or(function, |(_, rest)| rest.split(':').next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_the_function_name_and_statement_id() {
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:123456789012:function:rotation-dev"),
            "rotation-dev"
        );
        assert_eq!(function_name("rotation-dev"), "rotation-dev");
        assert_eq!(
            parse_id("rotation-dev/SecretsManagerRotatesThisSecret").unwrap(),
            ("rotation-dev", "SecretsManagerRotatesThisSecret")
        );
        assert!(parse_id("rotation-dev").is_err());
        assert!(parse_id("/x").is_err());
    }

    #[test]
    fn condition_keys_match_without_case_and_one_or_more_strings_read_alike() {
        let cond = serde_json::json!({"AWS:SourceArn": ["a", "b"], "aws:SourceAccount": "1"});
        assert_eq!(
            get_ignore_case(&cond, "aws:sourcearn").map(strings),
            Some(vec!["a", "b"])
        );
        assert_eq!(
            get_ignore_case(&cond, "AWS:SOURCEACCOUNT").map(strings),
            Some(vec!["1"])
        );
    }
}
