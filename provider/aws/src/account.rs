//! What the provider asks AWS before it can model a stack: whose account it is, checked at
//! configure (the zones are [`crate::zones`]).

use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_types::SdkConfig;

use crate::clients::Clients;
use crate::error::{api, human_duration, AwsError};

/// Why the provider's credentials could not be confirmed at configure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialProblem {
    /// No source of the chain produced credentials: why, in the chain's words.
    NotFound(String),
    /// Credentials were found, but STS refused them or could not be asked.
    Rejected(AwsError),
    /// Nothing came back within the bound.
    TimedOut(Duration),
}

/// Confirms the credentials at configure with one STS GetCallerIdentity: the account they
/// belong to. `limit` bounds the credential chain and STS's silence ([`Clients::bounded`]): a
/// throttled STS is reachable, and the SDK's retries finish the call.
pub async fn check_credentials(
    sdk: &SdkConfig,
    clients: &Clients,
    limit: Duration,
) -> Result<String, CredentialProblem> {
    let check = async {
        let Some(provider) = sdk.credentials_provider() else {
            return Err(CredentialProblem::NotFound(
                "no credential provider is configured".into(),
            ));
        };
        if let Err(e) = provider.provide_credentials().await {
            // The chain's own sentence (the innermost cause), never its Debug rendering.
            let mut cause: &(dyn std::error::Error + 'static) = &e;
            while let Some(next) = cause.source() {
                cause = next;
            }
            return Err(CredentialProblem::NotFound(cause.to_string()));
        }
        caller_account(clients)
            .await
            .map_err(CredentialProblem::Rejected)
    };
    clients
        .bounded(limit, check)
        .await
        .unwrap_or(Err(CredentialProblem::TimedOut(limit)))
}

impl std::fmt::Display for CredentialProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialProblem::NotFound(why) => {
                write!(f, "no valid credential source found: {why}")
            }
            CredentialProblem::Rejected(e) => write!(f, "{e}"),
            CredentialProblem::TimedOut(limit) => write!(
                f,
                "neither the credential chain nor STS answered within {}",
                human_duration(*limit)
            ),
        }
    }
}

/// The account the credentials belong to (STS GetCallerIdentity).
pub async fn caller_account(clients: &Clients) -> Result<String, AwsError> {
    let out = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(api("GetCallerIdentity"))?;
    out.account()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Invalid("GetCallerIdentity returned no account".into()))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::Instant;

    use aws_config::BehaviorVersion;
    use aws_credential_types::Credentials;

    use super::*;
    use crate::config::{Endpoints, Service};

    const THROTTLED: &str = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\n\
        Connection: close\r\nContent-Length: 153\r\n\r\n<ErrorResponse><Error><Type>Sender\
        </Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1\
        </RequestId></ErrorResponse>";

    fn identity() -> String {
        let body = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::\
            123456789012:user/ci</Arn><UserId>AIDA</UserId><Account>123456789012</Account>\
            </GetCallerIdentityResult></GetCallerIdentityResponse>";
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    /// An STS on a loopback port answering its n-th request with `replies[n]` after its delay;
    /// requests past the last get no answer at all.
    fn sts(replies: Vec<(Duration, String)>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let mut replies = replies.into_iter();
            let mut silent = Vec::new();
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                read_request(&mut stream);
                match replies.next() {
                    Some((delay, reply)) => {
                        std::thread::sleep(delay);
                        let _ = stream.write_all(reply.as_bytes());
                    }
                    None => silent.push(stream),
                }
            }
        });
        url
    }

    fn read_request(stream: &mut std::net::TcpStream) {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&seen).to_lowercase();
        let length: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        let head = text.find("\r\n\r\n").unwrap() + 4;
        let mut body = seen.len() - head;
        while body < length {
            body += stream.read(&mut buf).unwrap();
        }
    }

    async fn check(url: &str, limit: Duration) -> Result<String, CredentialProblem> {
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .region(aws_types::region::Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .load()
            .await;
        let endpoints = Endpoints([(Service::Sts, url.to_string())].into_iter().collect());
        check_credentials(&sdk, &Clients::new(&sdk, &endpoints), limit).await
    }

    #[tokio::test]
    async fn a_throttled_sts_is_waited_for_past_the_limit_since_it_answers() {
        let url = sts(vec![
            (Duration::ZERO, THROTTLED.to_string()),
            (Duration::from_millis(600), identity()),
        ]);
        let started = Instant::now();
        let account = check(&url, Duration::from_millis(200)).await;
        assert_eq!(account, Ok("123456789012".to_string()));
        assert!(
            started.elapsed() > Duration::from_millis(200),
            "past the limit"
        );
    }

    #[tokio::test]
    async fn an_sts_that_never_answers_fails_at_the_limit() {
        let url = sts(Vec::new());
        let started = Instant::now();
        let problem = check(&url, Duration::from_millis(300)).await;
        assert_eq!(
            problem,
            Err(CredentialProblem::TimedOut(Duration::from_millis(300)))
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
