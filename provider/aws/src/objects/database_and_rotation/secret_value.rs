//! The secret's value: `{engine, host, port, username, password, dbname, dbClusterIdentifier}`,
//! the shape AWS's RDS rotation functions read. It holds the master password, so it has no
//! `Display`, its `Debug` names fields only, and errors about it never quote it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::error::Category;
use serde_json::{Map, Value};
use vault_core::model::component::SecretSettings;

use crate::error::AwsError;

/// The fields in the order they are written.
pub const FIELDS: [&str; 7] = [
    "engine",
    "host",
    "port",
    "username",
    "password",
    "dbname",
    "dbClusterIdentifier",
];

/// Every field may be missing from a value read back (the rotation function owns it too); a
/// missing one is not written back.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    engine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    /// A number, or a string of digits: kept as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dbname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    db_cluster_identifier: Option<String>,
    /// Fields other than the seven, kept because the rotation function keeps them too.
    #[serde(flatten)]
    other: Map<String, Value>,
}

impl SecretValue {
    /// The first value: the cluster's endpoint (`host`) is empty until the cluster exists.
    pub fn initial(s: &SecretSettings, password: String) -> SecretValue {
        SecretValue {
            engine: Some(s.engine.into()),
            host: Some(String::new()),
            port: Some(s.port.into()),
            username: Some(s.username.clone()),
            password: Some(password),
            dbname: Some(s.dbname.clone()),
            db_cluster_identifier: Some(s.db_cluster_identifier.clone()),
            other: Map::new(),
        }
    }

    /// The first value of an application secret (alternating users): no password and an empty
    /// host, and `masterarn`, the master secret whose user the rotation function logs in as. Its
    /// first rotation creates the user, sets its password and copies the master's host.
    pub fn application(s: &SecretSettings, master_arn: &str) -> SecretValue {
        SecretValue {
            password: None,
            other: Map::from_iter([("masterarn".to_string(), Value::from(master_arn))]),
            ..SecretValue::initial(s, String::new())
        }
    }

    /// Reads a value. `what` names it in errors: "the AWSCURRENT value of <arn>".
    pub fn parse(text: &str, what: &str) -> Result<SecretValue, AwsError> {
        serde_json::from_str(text).map_err(|e| {
            // serde_json's messages can quote the offending value, which may be the password:
            // say where the problem is, never what.
            let problem = match e.classify() {
                Category::Data => "not a JSON object of string fields",
                _ => "not valid JSON",
            };
            AwsError::Invalid(format!(
                "{what} is {problem} (at line {}, column {})",
                e.line(),
                e.column()
            ))
        })
    }

    /// A string field, by its name in the JSON text.
    pub fn field(&self, name: &str) -> Option<&str> {
        let known = match name {
            "engine" => &self.engine,
            "host" => &self.host,
            "username" => &self.username,
            "password" => &self.password,
            "dbname" => &self.dbname,
            "dbClusterIdentifier" => &self.db_cluster_identifier,
            "port" => return self.port.as_ref()?.as_str(),
            other => return self.other.get(other)?.as_str(),
        };
        known.as_deref()
    }

    /// The field names present, in the order they are written.
    pub fn field_names(&self) -> Vec<&str> {
        let known = [
            self.engine.is_some(),
            self.host.is_some(),
            self.port.is_some(),
            self.username.is_some(),
            self.password.is_some(),
            self.dbname.is_some(),
            self.db_cluster_identifier.is_some(),
        ];
        FIELDS
            .into_iter()
            .zip(known)
            .filter_map(|(name, present)| present.then_some(name))
            .chain(self.other.keys().map(String::as_str))
            .collect()
    }

    /// `port` as written: a number, or a string of digits.
    pub fn port(&self) -> Option<u16> {
        match self.port.as_ref()? {
            Value::Number(n) => n.as_u64()?.try_into().ok(),
            Value::String(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    pub fn with_host(mut self, host: &str) -> SecretValue {
        self.host = Some(host.to_string());
        self
    }

    /// The text to store in Secrets Manager.
    pub fn to_json(&self) -> String {
        // A struct of strings, JSON values and a string-keyed map always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `e` with the password cut out of its message, in case a service ever echoes a request
    /// parameter back in an error.
    pub fn scrub(&self, e: AwsError) -> AwsError {
        let Some(password) = self.password().filter(|p| !p.is_empty()) else {
            return e;
        };
        // As the password appears inside the JSON text of the secret value.
        let quoted = Value::from(password).to_string();
        let escaped = &quoted[1..quoted.len() - 1];
        let cut = |m: &str| m.replace(password, "***").replace(escaped, "***");
        match e {
            AwsError::Api {
                operation,
                code,
                message,
                request_id,
            } => AwsError::Api {
                operation,
                code,
                message: cut(&message),
                request_id,
            },
            AwsError::Transport { operation, message } => AwsError::Transport {
                operation,
                message: cut(&message),
            },
            AwsError::Invalid(m) => AwsError::Invalid(cut(&m)),
            other => other,
        }
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: the values include the password.
        f.debug_struct("SecretValue")
            .field("fields", &self.field_names())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vault_core::model::component::PasswordPolicy;

    fn settings() -> SecretSettings {
        SecretSettings {
            description: "d".into(),
            kms_key: "kms_key/secrets".into(),
            engine: "mysql",
            username: "appadmin".into(),
            dbname: "app".into(),
            port: 3306,
            db_cluster_identifier: "aurora-dev".into(),
            initial_password: Some(PasswordPolicy {
                length: 32,
                exclude_characters: String::new(),
            }),
            master_secret: None,
            force_delete_without_recovery: true,
        }
    }

    #[test]
    fn the_initial_value_has_the_seven_fields_and_an_empty_host() {
        let v = SecretValue::initial(&settings(), "pw-1234".into());
        assert_eq!(
            v.to_json(),
            r#"{"engine":"mysql","host":"","port":3306,"username":"appadmin","password":"pw-1234","dbname":"app","dbClusterIdentifier":"aurora-dev"}"#
        );
        assert_eq!(v.field_names(), FIELDS);
        assert_eq!(v.port(), Some(3306));
    }

    #[test]
    fn an_application_value_names_its_master_and_has_no_password() {
        let v = SecretValue::application(
            &SecretSettings {
                username: "app".into(),
                ..settings()
            },
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-AbC123",
        );
        assert_eq!(
            v.to_json(),
            r#"{"engine":"mysql","host":"","port":3306,"username":"app","dbname":"app","dbClusterIdentifier":"aurora-dev","masterarn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-AbC123"}"#
        );
        assert_eq!(v.password(), None);
    }

    #[test]
    fn setting_the_host_keeps_the_password_and_fields_the_stack_does_not_know() {
        let v = SecretValue::parse(
            r#"{"host":"","password":"pw","port":"3306","custom":{"a":1}}"#,
            "value",
        )
        .unwrap()
        .with_host("aurora-dev.cluster-x.rds.amazonaws.com");
        assert_eq!(v.password(), Some("pw"));
        assert_eq!(v.host(), Some("aurora-dev.cluster-x.rds.amazonaws.com"));
        assert_eq!(v.port(), Some(3306));
        assert!(v.to_json().contains(r#""custom":{"a":1}"#));
    }

    #[test]
    fn the_password_shows_in_no_debug_output_or_error() {
        let v = SecretValue::initial(&settings(), "Sup3r\"S3cret".into());
        assert!(!format!("{v:?}").contains("S3cret"));
        let e = v.scrub(AwsError::Api {
            operation: "CreateDBCluster",
            code: "InvalidParameterValue".into(),
            message: "bad password Sup3r\"S3cret or Sup3r\\\"S3cret".into(),
            request_id: None,
        });
        assert!(!e.to_string().contains("S3cret"), "{e}");
        let bad = SecretValue::parse(r#"{"password":"S3cret""#, "the value").unwrap_err();
        assert!(!bad.to_string().contains("S3cret"), "{bad}");
    }
}
