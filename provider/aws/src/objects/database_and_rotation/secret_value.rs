//! The secret's value: `{engine, host, port, username, password, dbname, dbClusterIdentifier}`,
//! the shape AWS's RDS rotation functions read. It holds the master password, so it has no
//! `Display`, its `Debug` names fields only, and errors about it never quote it.

use std::fmt;

use vault_core::model::component::SecretSettings;

use super::json::{quote, Json};
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

#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Json);

impl SecretValue {
    /// The first value: the cluster's endpoint (`host`) is empty until the cluster exists.
    pub fn initial(s: &SecretSettings, password: String) -> SecretValue {
        SecretValue(Json::Object(vec![
            ("engine".into(), Json::String(s.engine.into())),
            ("host".into(), Json::String(String::new())),
            ("port".into(), Json::Number(s.port.to_string())),
            ("username".into(), Json::String(s.username.clone())),
            ("password".into(), Json::String(password)),
            ("dbname".into(), Json::String(s.dbname.clone())),
            (
                "dbClusterIdentifier".into(),
                Json::String(s.db_cluster_identifier.clone()),
            ),
        ]))
    }

    /// Reads a value; fields other than the seven are kept (the rotation function keeps them
    /// too). `what` names the value in errors: "the AWSCURRENT value of <arn>".
    pub fn parse(text: &str, what: &str) -> Result<SecretValue, AwsError> {
        match Json::parse(text) {
            Ok(v @ Json::Object(_)) => Ok(SecretValue(v)),
            Ok(_) => Err(AwsError::Invalid(format!("{what} is not a JSON object"))),
            Err(e) => Err(AwsError::Invalid(format!("{what} is {e}"))),
        }
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Json::as_str)
    }

    /// The field names present, in order.
    pub fn field_names(&self) -> Vec<&str> {
        match &self.0 {
            Json::Object(m) => m.iter().map(|(k, _)| k.as_str()).collect(),
            _ => vec![],
        }
    }

    /// `port` as written: a number, or a string of digits.
    pub fn port(&self) -> Option<u16> {
        match self.0.get("port")? {
            Json::Number(n) | Json::String(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn host(&self) -> Option<&str> {
        self.field("host")
    }

    pub fn password(&self) -> Option<&str> {
        self.field("password")
    }

    pub fn with_host(mut self, host: &str) -> SecretValue {
        self.0.set("host", Json::String(host.to_string()));
        self
    }

    /// The text to store in Secrets Manager.
    pub fn to_json(&self) -> String {
        self.0.render()
    }

    /// `e` with the password cut out of its message, in case a service ever echoes a request
    /// parameter back in an error.
    pub fn scrub(&self, e: AwsError) -> AwsError {
        let Some(password) = self.password().filter(|p| !p.is_empty()) else {
            return e;
        };
        let quoted = quote(password);
        let escaped = &quoted[1..quoted.len() - 1];
        let cut = |m: &str| m.replace(password, "***").replace(escaped, "***");
        match e {
            AwsError::Api {
                operation,
                code,
                message,
            } => AwsError::Api {
                operation,
                code,
                message: cut(&message),
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
            initial_password: PasswordPolicy {
                length: 32,
                exclude_characters: String::new(),
            },
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
        });
        assert!(!e.to_string().contains("S3cret"), "{e}");
        let bad = SecretValue::parse(r#"{"password":"S3cret""#, "the value").unwrap_err();
        assert!(!bad.to_string().contains("S3cret"), "{bad}");
    }
}
