//! The database credentials a stack's secret holds at one version stage, for the
//! `vault_database_credentials` ephemeral resource. Read with an explicit stage: a read without
//! one can return a stale version on emulators, and names what it means on AWS.

use std::fmt;

use crate::clients::Clients;
use crate::error::{api, AwsError};
use crate::objects::database_and_rotation::secret_value::SecretValue;

/// What a client needs to log in. Holds the password: `Debug` leaves it out.
pub struct Credentials {
    pub secret_arn: String,
    pub version_id: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub dbname: Option<String>,
    pub engine: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_arn", &self.secret_arn)
            .field("version_id", &self.version_id)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("dbname", &self.dbname)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// The value `stage` labels on `secret_id` (an ARN or a name).
pub async fn read(
    clients: &Clients,
    secret_id: &str,
    stage: &str,
) -> Result<Credentials, AwsError> {
    let out = clients
        .secretsmanager
        .get_secret_value()
        .secret_id(secret_id)
        .version_stage(stage)
        .send()
        .await
        .map_err(api("GetSecretValue"))?;
    let what = format!("the {stage} value of {secret_id}");
    let text = out
        .secret_string()
        .ok_or_else(|| AwsError::Invalid(format!("{what} is not a string")))?;
    let value = SecretValue::parse(text, &what)?;
    let field = |name: &str| value.field(name).map(str::to_string);
    Ok(Credentials {
        secret_arn: out.arn().unwrap_or(secret_id).to_string(),
        version_id: out.version_id().unwrap_or_default().to_string(),
        host: field("host"),
        port: value.port(),
        username: field("username"),
        password: field("password"),
        dbname: field("dbname"),
        engine: field("engine"),
    })
}
