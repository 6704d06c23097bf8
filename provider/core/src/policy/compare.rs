//! Policy documents compared by meaning, as IAM reads them: statement order never matters, a
//! single string equals a one-element array, the order inside `Action`/`Resource`/`Principal`/
//! condition value lists never matters, and action names and condition keys are
//! case-insensitive. Used by the golden-file tests and, at plan time, to tell a real policy
//! change from AWS's reformatting of a document it returns.

use serde_json::{Map, Value};

/// Whether two policy documents mean the same.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    normalize(a) == normalize(b)
}

/// The `Sid`s of the statements that differ in meaning between two documents (changed, added or
/// removed), sorted: what a reviewer needs to look at.
pub fn changed_statements(before: &Value, after: &Value) -> Vec<String> {
    let by_sid = |doc: &Value| -> std::collections::BTreeMap<String, Value> {
        as_list(&doc["Statement"])
            .iter()
            .map(|s| {
                let sid = s["Sid"].as_str().unwrap_or("(no Sid)").to_string();
                (sid, statement(s))
            })
            .collect()
    };
    let (before, after) = (by_sid(before), by_sid(after));
    let mut sids: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|sid| before.get(*sid) != after.get(*sid))
        .cloned()
        .collect();
    sids.sort();
    sids.dedup();
    sids
}

/// The canonical form of a policy document: every list a sorted array without duplicates,
/// statements sorted, actions and condition keys lowercased, scalar condition values as strings.
pub fn normalize(doc: &Value) -> Value {
    let Value::Object(doc) = doc else {
        return doc.clone();
    };
    let mut out = Map::new();
    for (k, v) in doc {
        let v = match k.as_str() {
            "Statement" => {
                let mut statements: Vec<Value> = as_list(v).iter().map(statement).collect();
                statements.sort_by_cached_key(canonical_text);
                statements.dedup();
                Value::Array(statements)
            }
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

fn statement(s: &Value) -> Value {
    let Value::Object(s) = s else {
        return s.clone();
    };
    let mut out = Map::new();
    for (k, v) in s {
        let v = match k.as_str() {
            "Action" | "NotAction" => string_set(v, true),
            "Resource" | "NotResource" => string_set(v, false),
            "Principal" | "NotPrincipal" => principal(v),
            "Condition" => condition(v),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

fn principal(p: &Value) -> Value {
    match p {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), string_set(v, false)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn condition(c: &Value) -> Value {
    let Value::Object(operators) = c else {
        return c.clone();
    };
    Value::Object(
        operators
            .iter()
            .map(|(op, keys)| {
                let keys = match keys {
                    Value::Object(keys) => Value::Object(
                        keys.iter()
                            .map(|(k, v)| (k.to_ascii_lowercase(), string_set(v, false)))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                (op.clone(), keys)
            })
            .collect(),
    )
}

fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// A string or list of strings (or booleans and numbers, as condition values may be) as a sorted
/// array of strings.
fn string_set(v: &Value, lowercase: bool) -> Value {
    let mut items: Vec<String> = as_list(v)
        .iter()
        .map(|item| match item {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .map(|s| if lowercase { s.to_ascii_lowercase() } else { s })
        .collect();
    items.sort();
    items.dedup();
    Value::Array(items.into_iter().map(Value::String).collect())
}

/// A text form with object keys sorted, whatever map order serde_json was built with.
fn canonical_text(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by_key(|(k, _)| *k);
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), canonical_text(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical_text).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn statement_order_does_not_matter() {
        let a = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        ]});
        let b = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        ]});
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn a_single_string_equals_a_one_element_array() {
        let a = json!({"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
            "Principal": {"Service": "logs.amazonaws.com"},
            "Condition": {"StringEquals": {"kms:ViaService": "rds.us-east-1.amazonaws.com"}}}});
        let b = json!({"Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ["*"],
            "Principal": {"Service": ["logs.amazonaws.com"]},
            "Condition": {"StringEquals": {"kms:ViaService": ["rds.us-east-1.amazonaws.com"]}}}]});
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn list_order_and_action_case_do_not_matter() {
        let a = json!({"Statement": [{"Effect": "Allow",
            "Action": ["kms:Encrypt", "KMS:decrypt"], "Resource": ["arn:b", "arn:a"]}]});
        let b = json!({"Statement": [{"Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": ["arn:a", "arn:b"]}]});
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn boolean_condition_values_equal_their_string_form() {
        let a = json!({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": false}}}]});
        let b = json!({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:securetransport": "false"}}}]});
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn different_resources_effects_or_conditions_are_different() {
        let base = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::a/*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]});
        let other_resource = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]});
        let other_effect = json!({"Statement": [{"Effect": "Deny", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::a/*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}]});
        let other_condition = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::a/*", "Condition": {"StringLike": {"aws:SourceAccount": "1"}}}]});
        let extra_statement = json!({"Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::a/*"}]});
        for other in [
            other_resource,
            other_effect,
            other_condition,
            extra_statement,
        ] {
            assert!(!equivalent(&base, &other), "{other}");
        }
    }

    #[test]
    fn changed_statements_names_only_statements_that_differ_in_meaning() {
        let before = json!({"Statement": [
            {"Sid": "Kept", "Effect": "Allow", "Action": ["a:B", "a:C"], "Resource": "arn:x"},
            {"Sid": "Changed", "Effect": "Allow", "Action": "a:B", "Resource": "arn:old"},
            {"Sid": "Removed", "Effect": "Allow", "Action": "a:B", "Resource": "arn:y"}]});
        let after = json!({"Statement": [
            {"Sid": "Added", "Effect": "Allow", "Action": "a:B", "Resource": "arn:z"},
            {"Sid": "Changed", "Effect": "Allow", "Action": "a:B", "Resource": ["arn:old", "arn:new"]},
            {"Sid": "Kept", "Effect": "Allow", "Action": ["A:c", "a:b"], "Resource": ["arn:x"]}]});
        assert_eq!(
            changed_statements(&before, &after),
            ["Added", "Changed", "Removed"]
        );
        assert!(changed_statements(&before, &before).is_empty());
    }

    #[test]
    fn resource_values_keep_their_case() {
        let a = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::A"}]});
        let b = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a"}]});
        assert!(!equivalent(&a, &b));
    }
}
