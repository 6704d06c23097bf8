//! SPEC §3.4 (resource identity) and §4.1 (ephemeral credentials, the rotate action, the list
//! resource) through Terraform 1.15 against moto: the Terraform >= 1.10 features. Terraform 1.0
//! ignores them; the 1.0 suites of the other files run against the same provider binary.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value as Json;

use crate::apply::{apply_ok, basic, destroy_leaves_nothing, ok};
use crate::harness::{repo_root, Cli, Moto, Workspace};

/// The identity Terraform stored for the workspace's only resource instance.
fn stored_identity(ws: &Workspace) -> Json {
    let state: Json =
        serde_json::from_str(&fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap())
            .unwrap();
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["identity_schema_version"], 0, "{instance}");
    instance["identity"].clone()
}

fn dev_identity() -> Json {
    serde_json::json!({
        "environment_suffix": "dev",
        "region": "us-east-1",
        "account_id": "123456789012",
    })
}

#[test]
fn providers_schema_lists_the_ephemeral_resource_action_list_resource_and_identity_with_descriptions(
) {
    let ws = Workspace::new(Cli::V1_15);
    ws.write(
        "main.tf",
        "terraform {\n  required_providers {\n    vault = { source = \"platform/vault\" }\n  }\n}\n",
    );
    ws.init();
    let run = ws.run(&["providers", "schema", "-json"]);
    ok(&run, "providers schema -json");
    let doc: Json = serde_json::from_str(&run.stdout).unwrap();
    let vault = &doc["provider_schemas"]["registry.terraform.io/platform/vault"];
    let ephemeral = &vault["ephemeral_resource_schemas"]["vault_database_credentials"]["block"];
    assert!(
        ephemeral["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{vault}"
    );
    for a in [
        "host",
        "port",
        "username",
        "password",
        "dbname",
        "engine",
        "secret_arn",
        "environment_suffix",
        "version_stage",
    ] {
        assert!(
            ephemeral["attributes"][a]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "ephemeral attribute {a}: {ephemeral}"
        );
    }
    assert_eq!(ephemeral["attributes"]["password"]["sensitive"], true);
    let identity = &vault["resource_identity_schemas"]["vault_secrets_stack"];
    assert_eq!(identity["version"], 0, "{vault}");
    for a in ["environment_suffix", "region", "account_id"] {
        assert!(
            identity["attributes"][a]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "identity attribute {a}: {identity}"
        );
    }
    assert_eq!(
        identity["attributes"]["environment_suffix"]["required_for_import"],
        true
    );
    assert_eq!(
        identity["attributes"]["region"]["optional_for_import"],
        true
    );
    for (kind, name) in [
        ("action_schemas", "vault_rotate_secret"),
        ("list_resource_schemas", "vault_secrets_stack"),
    ] {
        assert!(
            vault[kind][name]["block"]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{kind}.{name}: {vault}"
        );
    }
}

/// A stack created by Terraform 1.0 (no identities) gains its identity at the first 1.15
/// refresh; `import { identity = { environment_suffix = "dev" } }` imports it, plans empty
/// afterwards, and an identity in another region is refused at its attribute.
#[test]
fn a_stack_gains_its_identity_on_refresh_and_imports_by_identity_on_terraform_1_15() {
    let moto = crate::harness::aws();
    let (old, var) = basic(Cli::V1_0, &moto);
    apply_ok(&old, &var, "apply on Terraform 1.0");

    // The same state, now under Terraform 1.15.
    let (upgraded, _) = basic(Cli::V1_15, &moto);
    fs::copy(
        old.path().join("terraform.tfstate"),
        upgraded.path().join("terraform.tfstate"),
    )
    .unwrap();
    let plan = upgraded.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(
        plan.code, 0,
        "a 1.0 state plans empty on 1.15:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    ok(
        &upgraded.run(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]),
        "refresh-only apply",
    );
    assert_eq!(stored_identity(&upgraded), dev_identity());

    // Import by identity in a new working directory, with `logs` left at its default.
    let (ws, _) = basic(Cli::V1_15, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let main = main.replace("  logs {\n    retention_in_days = 365\n  }\n", "");
    let wrong_region = format!(
        "{main}\nimport {{\n  to       = vault_secrets_stack.main\n  identity = {{ environment_suffix = \"dev\", region = \"eu-west-1\" }}\n}}\n"
    );
    ws.write("main.tf", &wrong_region);
    let refused = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("Stack identity in another region"),
        "{}",
        refused.stderr
    );
    ws.write(
        "main.tf",
        &format!(
            "{main}\nimport {{\n  to       = vault_secrets_stack.main\n  identity = {{ environment_suffix = \"dev\" }}\n}}\n"
        ),
    );
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    ok(&plan, "plan with an identity import block");
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    apply_ok(&ws, &var, "apply of the import");
    assert_eq!(stored_identity(&ws), dev_identity());
    let after = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(
        after.code, 0,
        "the plan after the identity import is empty:\n{}",
        after.stdout
    );

    // The original state is no longer needed: the imported one destroys the stack.
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// A throwaway MariaDB from `lambda/rotation/test/support/testbed.py`, stopped when dropped
/// (the script stops it when its stdin closes).
struct MariaDb {
    child: Child,
    port: u16,
    socket: String,
}

impl MariaDb {
    fn start() -> MariaDb {
        let mut child = Command::new(repo_root().join(".testbed/venv/bin/python"))
            .arg(repo_root().join("lambda/rotation/test/support/testbed.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("testbed.py starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Json = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        MariaDb {
            child,
            port: ready["db"]["port"].as_u64().unwrap() as u16,
            socket: ready["db"]["socket"].as_str().unwrap().to_string(),
        }
    }

    fn root_sql(&self, sql: &str) {
        let out = Command::new("mariadb")
            .args([&format!("--socket={}", self.socket), "-uroot", "-e", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The stack's secret as the rotation function leaves it once the cluster exists, but with the
/// test's MariaDB as the host (moto's cluster endpoint accepts no logins). Returns the ARN.
fn put_stack_secret(moto: &Moto, name: &str, value: &Json) -> String {
    let script = r#"
import sys, boto3
sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
print(sm.create_secret(Name=sys.argv[2], SecretString=sys.argv[3],
                       Tags=[{"Key": "vault:stack", "Value": "dev"}])["ARN"])
"#;
    let out = Command::new(repo_root().join(".testbed/venv/bin/python"))
        .args(["-c", script, &moto.url, name, &value.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Every entry of a saved plan (a zip archive), uncompressed and concatenated.
fn plan_contents(path: &std::path::Path) -> Vec<u8> {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nsys.stdout.buffer.write(b''.join(z.read(n) for n in z.namelist()))";
    let out = Command::new(repo_root().join(".testbed/venv/bin/python"))
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty());
    out.stdout
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

const CONSUMER: &str = r#"
variable "secret_arn" {
  type = string
}

ephemeral "vault_database_credentials" "by_suffix" {
  environment_suffix = "dev"
}

ephemeral "vault_database_credentials" "by_arn" {
  secret_arn    = var.secret_arn
  version_stage = "AWSCURRENT"
}

# A consumer that really logs in with the password during the run.
resource "terraform_data" "schema" {
  provisioner "local-exec" {
    command = "mariadb -h \"$DB_HOST\" -P \"$DB_PORT\" -u \"$DB_USER\" -N -e 'SELECT CURRENT_USER(), DATABASE()' \"$DB_NAME\" > logged_in.txt"
    environment = {
      DB_HOST   = ephemeral.vault_database_credentials.by_suffix.host
      DB_PORT   = ephemeral.vault_database_credentials.by_suffix.port
      DB_USER   = ephemeral.vault_database_credentials.by_suffix.username
      DB_NAME   = ephemeral.vault_database_credentials.by_suffix.dbname
      MYSQL_PWD = ephemeral.vault_database_credentials.by_suffix.password
    }
  }
}

resource "terraform_data" "by_arn" {
  provisioner "local-exec" {
    command = "mariadb -h 127.0.0.1 -P \"$DB_PORT\" -u \"$DB_USER\" -N -e \"SELECT '$ENGINE'\" > by_arn.txt"
    environment = {
      DB_PORT   = ephemeral.vault_database_credentials.by_arn.port
      DB_USER   = ephemeral.vault_database_credentials.by_arn.username
      ENGINE    = ephemeral.vault_database_credentials.by_arn.engine
      MYSQL_PWD = ephemeral.vault_database_credentials.by_arn.password
    }
  }
}
"#;

#[test]
fn ephemeral_credentials_log_a_provisioner_in_and_the_password_reaches_no_state_plan_or_log() {
    let moto = crate::harness::aws();
    let db = MariaDb::start();
    let password = format!("Eph{}x", uuid_like());
    db.root_sql(&format!(
        "CREATE DATABASE app; CREATE USER 'appadmin'@'%' IDENTIFIED BY '{password}'; \
         GRANT ALL ON app.* TO 'appadmin'@'%';"
    ));
    let arn = put_stack_secret(
        &moto,
        "secret-dev-database",
        &serde_json::json!({
            "engine": "mysql", "host": "127.0.0.1", "port": db.port, "username": "appadmin",
            "password": password, "dbname": "app", "dbClusterIdentifier": "aurora-dev",
        }),
    );

    let (ws, var) = basic(Cli::V1_15, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let provider_only = &main[..main.find("resource \"vault_secrets_stack\"").unwrap()];
    ws.write("main.tf", &format!("{provider_only}{CONSUMER}"));
    let trace = ws.dir.path().join("trace.log");
    let env = [
        ("TF_LOG", "TRACE"),
        ("TF_LOG_PROVIDER", "TRACE"),
        ("TF_LOG_PATH", trace.to_str().unwrap()),
    ];
    let arn_var = format!("secret_arn={arn}");
    let plan = ws.run_with(
        &[
            "plan",
            "-out=tfplan",
            "-input=false",
            "-no-color",
            "-var",
            &var,
            "-var",
            &arn_var,
        ],
        &env,
    );
    ok(&plan, "plan -out");
    let applied = ws.run_with(&["apply", "-input=false", "-no-color", "tfplan"], &env);
    ok(&applied, "apply of the saved plan");

    let logged_in = fs::read_to_string(ws.path().join("logged_in.txt")).unwrap();
    assert!(logged_in.starts_with("appadmin@"), "{logged_in}");
    assert!(logged_in.contains("\tapp"), "{logged_in}");
    let by_arn = fs::read_to_string(ws.path().join("by_arn.txt")).unwrap();
    assert_eq!(by_arn.trim(), "mysql");

    let state = fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap();
    let plan_file = plan_contents(&ws.path().join("tfplan"));
    let log = fs::read_to_string(&trace).unwrap();
    assert!(
        log.contains("OpenEphemeralResource"),
        "the trace covers the ephemeral resource"
    );
    for (what, text) in [
        ("state", state.as_bytes()),
        ("saved plan", plan_file.as_slice()),
        ("trace log", log.as_bytes()),
        (
            "plan output",
            format!("{}{}", plan.stdout, plan.stderr).as_bytes(),
        ),
        (
            "apply output",
            format!("{}{}", applied.stdout, applied.stderr).as_bytes(),
        ),
    ] {
        assert!(!contains(text, &password), "the password is in the {what}");
    }
}

/// 24 random alphanumerics: a password nothing else in the run can contain by chance.
fn uuid_like() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    while out.len() < 24 {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(out.len());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(24);
    out
}

/// Runs `script` (Python with boto3, `sm` a Secrets Manager client on moto) with `args`; its
/// stdout, trimmed.
fn boto(moto: &Moto, script: &str, args: &[&str]) -> String {
    let prelude = "import sys, json, boto3\nkw = dict(endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\nsm = boto3.client('secretsmanager', **kw)\nlogs = boto3.client('logs', **kw)\n";
    let out = Command::new(repo_root().join(".testbed/venv/bin/python"))
        .arg("-c")
        .arg(format!("{prelude}{script}"))
        .arg(&moto.url)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// AWSCURRENT's version id and password.
fn current(moto: &Moto, arn: &str) -> (String, String) {
    let out = boto(
        moto,
        "v = sm.get_secret_value(SecretId=sys.argv[2], VersionStage='AWSCURRENT')\nprint(v['VersionId'], json.loads(v['SecretString'])['password'])",
        &[arn],
    );
    let (id, password) = out.split_once(' ').unwrap();
    (id.to_string(), password.to_string())
}

fn can_log_in(db: &MariaDb, password: &str) -> bool {
    Command::new("mariadb")
        .args([
            "-h",
            "127.0.0.1",
            "-P",
            &db.port.to_string(),
            "-u",
            "appadmin",
            "-e",
            "SELECT 1",
            "app",
        ])
        .env("MYSQL_PWD", password)
        .output()
        .unwrap()
        .status
        .success()
}

/// The rotation function's part, played by `lambda/rotation/test/support/play_rotation.mjs`.
fn play_rotation(moto: &Moto, arn: &str) -> Child {
    Command::new("node")
        .arg(repo_root().join("lambda/rotation/test/support/play_rotation.mjs"))
        .args([&moto.url, arn, ROTATION_LOG_GROUP, "120000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs")
}

fn played(child: Child) -> Json {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

const ROTATION_LOG_GROUP: &str = "/aws/lambda/vault-rotation-dev";

const ACTIONS: &str = r#"
action "vault_rotate_secret" "now" {
  config {
    environment_suffix = "dev"
  }
}

action "vault_rotate_secret" "quick" {
  config {
    secret_arn = var.secret_arn
    timeout    = "3s"
  }
}

variable "secret_arn" {
  type = string
}
"#;

/// `terraform apply -invoke`: the action starts the rotation (RotateSecret as AWS starts it), the
/// real rotation function's steps run against a real MariaDB, and the action returns once
/// AWSCURRENT moved: the password changed and the new one logs in. A rotation whose function
/// fails fails the action with the logged error; one that never finishes times out.
#[test]
fn rotate_secret_action_waits_for_the_rotation_and_fails_with_the_logged_error_on_terraform_1_15() {
    // Every scenario's AWS behaviour, plus RotateSecret starting a rotation as AWS does.
    let moto = crate::harness::aws_with(|b| {
        b["rotation"] = "as_aws".into();
    });
    let db = MariaDb::start();
    let first_password = format!("Rot{}x", uuid_like());
    db.root_sql(&format!(
        "CREATE DATABASE app; CREATE USER 'appadmin'@'%' IDENTIFIED BY '{first_password}'; \
         GRANT ALL ON app.* TO 'appadmin'@'%';"
    ));
    let arn = put_stack_secret(
        &moto,
        "secret-dev-database",
        &serde_json::json!({
            "engine": "mysql", "host": "127.0.0.1", "port": db.port, "username": "appadmin",
            "password": first_password, "dbname": "app", "dbClusterIdentifier": "aurora-dev",
        }),
    );
    // The stack's rotation configuration, without a rotation yet.
    boto(
        &moto,
        "logs.create_log_group(logGroupName=sys.argv[3])\nsm.rotate_secret(SecretId=sys.argv[2], RotationLambdaARN='arn:aws:lambda:us-east-1:123456789012:function:vault-rotation-dev', RotationRules={'AutomaticallyAfterDays': 30}, RotateImmediately=False)",
        &[&arn, ROTATION_LOG_GROUP],
    );
    let (first_version, _) = current(&moto, &arn);

    let (ws, var) = basic(Cli::V1_15, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let provider_only = &main[..main.find("resource \"vault_secrets_stack\"").unwrap()];
    ws.write("main.tf", &format!("{provider_only}{ACTIONS}"));
    let arn_var = format!("secret_arn={arn}");
    let invoke = |name: &str| {
        ws.run(&[
            "apply",
            &format!("-invoke=action.vault_rotate_secret.{name}"),
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
            "-var",
            &arn_var,
        ])
    };

    let player = play_rotation(&moto, &arn);
    let run = invoke("now");
    let play = played(player);
    ok(&run, "apply -invoke of a rotation");
    assert_eq!(play["outcome"], "finished", "{play}");
    let token = play["token"].as_str().unwrap();
    assert!(
        run.stdout.contains(&format!("new version {token}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("finished: AWSCURRENT is version {token}")),
        "{}",
        run.stdout
    );
    let (version, password) = current(&moto, &arn);
    assert_eq!(version, token, "AWSCURRENT moved to the rotation's version");
    assert_ne!(version, first_version);
    assert_ne!(
        password, first_password,
        "the rotation changed the password"
    );
    assert!(can_log_in(&db, &password), "the new password logs in");
    assert!(
        !can_log_in(&db, &first_password),
        "the old password no longer does"
    );
    for secret in [&password, &first_password] {
        assert!(!run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()));
    }

    // Out of band, the user's password no longer matches the secret: setSecret cannot log in.
    db.root_sql("ALTER USER 'appadmin'@'%' IDENTIFIED BY 'changed-by-hand-42';");
    let player = play_rotation(&moto, &arn);
    let run = invoke("now");
    let play = played(player);
    assert_eq!(play["outcome"], "failed", "{play}");
    assert_ne!(run.code, 0, "{}", run.stdout);
    let logged = boto(
        &moto,
        "e = logs.filter_log_events(logGroupName=sys.argv[2], filterPattern='failed')['events']\nprint(json.loads(e[-1]['message'])['message'])",
        &[ROTATION_LOG_GROUP],
    );
    // Terraform wraps diagnostics at its terminal width.
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let stderr = flat(&run.stderr);
    assert!(
        stderr.contains(&format!("Rotation of {arn} failed")),
        "{}",
        run.stderr
    );
    assert!(
        stderr.contains(&flat(&logged)),
        "the action fails with the function's logged error {logged:?}:\n{}",
        run.stderr
    );
    assert_eq!(
        current(&moto, &arn).0,
        version,
        "a failed rotation promotes nothing"
    );

    // Secrets Manager gives up on the failed rotation; the next one is never carried out.
    boto(
        &moto,
        "sm.update_secret_version_stage(SecretId=sys.argv[2], VersionStage='AWSPENDING', RemoveFromVersionId=sys.argv[3])",
        &[&arn, play["token"].as_str().unwrap()],
    );
    let run = invoke("quick");
    assert_ne!(run.code, 0, "{}", run.stdout);
    let stderr = flat(&run.stderr);
    assert!(
        stderr.contains(&format!("Rotation of {arn} timed out")),
        "{}",
        run.stderr
    );
    assert!(
        stderr.contains("did not finish within 3s"),
        "{}",
        run.stderr
    );

    // From an action_trigger: the same action, run by an ordinary apply after a create.
    let stuck = boto(
        &moto,
        "d = sm.describe_secret(SecretId=sys.argv[2])\nprint([v for v, s in d['VersionIdsToStages'].items() if 'AWSPENDING' in s and 'AWSCURRENT' not in s][0])",
        &[&arn],
    );
    boto(
        &moto,
        "sm.update_secret_version_stage(SecretId=sys.argv[2], VersionStage='AWSPENDING', RemoveFromVersionId=sys.argv[3])",
        &[&arn, &stuck],
    );
    db.root_sql(&format!(
        "ALTER USER 'appadmin'@'%' IDENTIFIED BY '{password}';"
    ));
    ws.write(
        "main.tf",
        &format!(
            "{provider_only}{ACTIONS}\nresource \"terraform_data\" \"release\" {{\n  lifecycle {{\n    action_trigger {{\n      events  = [after_create]\n      actions = [action.vault_rotate_secret.now]\n    }}\n  }}\n}}\n"
        ),
    );
    let player = play_rotation(&moto, &arn);
    let run = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
        "-var",
        &arn_var,
    ]);
    let play = played(player);
    ok(&run, "apply with an action_trigger");
    assert_eq!(play["outcome"], "finished", "{play}");
    let (triggered, rotated) = current(&moto, &arn);
    assert_eq!(triggered, play["token"].as_str().unwrap());
    assert_ne!(rotated, password);
    assert!(
        can_log_in(&db, &rotated),
        "the triggered rotation's password logs in"
    );
}

const QUERY: &str = r#"
list "vault_secrets_stack" "all" {
  provider = vault
}
"#;

/// `terraform query` lists the stack with its identity and main ids; `-generate-config-out`
/// writes an import block and a configuration that imports it and then plans empty.
#[test]
fn terraform_query_lists_stacks_and_generated_configuration_imports_them_with_an_empty_plan_on_terraform_1_15(
) {
    let moto = crate::harness::aws();
    let (created, var) = basic(Cli::V1_15, &moto);
    apply_ok(&created, &var, "apply");
    // A create on Terraform 1.15 stores the identity from its apply.
    assert_eq!(stored_identity(&created), dev_identity());
    let vpc = crate::apply::state_components(&created)["vpc"]
        .as_str()
        .unwrap()
        .to_string();

    let (ws, _) = basic(Cli::V1_15, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let provider_only = &main[..main.find("resource \"vault_secrets_stack\"").unwrap()];
    ws.write("main.tf", provider_only);
    ws.write("stacks.tfquery.hcl", QUERY);
    let query = ws.run(&["query", "-no-color", "-var", &var]);
    ok(&query, "terraform query");
    let listed = format!("dev: VPC {vpc}, cluster aurora-dev, secret secret-dev-database");
    assert!(
        query.stdout.contains(&listed),
        "{listed}:\n{}",
        query.stdout
    );

    let generated = ws.run(&[
        "query",
        "-no-color",
        "-generate-config-out=generated.tf",
        "-var",
        &var,
    ]);
    ok(&generated, "terraform query -generate-config-out");
    let config = fs::read_to_string(ws.path().join("generated.tf")).unwrap();
    assert!(config.contains("import {"), "{config}");
    assert!(config.contains("environment_suffix = \"dev\""), "{config}");
    assert!(
        config.contains("resource \"vault_secrets_stack\""),
        "{config}"
    );

    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    ok(&plan, "plan of the generated configuration");
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}\n{config}",
        plan.stdout
    );
    apply_ok(&ws, &var, "apply of the import");
    let after = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(
        after.code, 0,
        "the plan after importing is empty:\n{}",
        after.stdout
    );
    destroy_leaves_nothing(&ws, &moto, &var);
}
