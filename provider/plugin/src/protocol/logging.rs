//! Logs the way Terraform reads them from plugins: one go-hclog JSON object per line on stderr
//! (`@level`, `@message`, `@timestamp`, `@module`, then the event's fields), at the level of
//! `TF_LOG_PROVIDER`, else `TF_LOG`; nothing when neither is set.
//!
//! At DEBUG, every AWS call attempt is one line: service, operation, attempt, HTTP status and
//! duration, read from the SDK's own spans. Other crates (the AWS SDK, hyper, rustls) log one
//! level quieter than asked, and at most at DEBUG even under TRACE: their TRACE output includes
//! raw wire data, and no secret may reach a log at any level.

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::{Map, Value as Json};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

const MODULE: &str = "provider.terraform-provider-vault";
/// Crates whose TRACE events are ours.
const OWN_CRATES: [&str; 3] = ["terraform_provider_vault", "vault_aws", "vault_core"];

/// The level Terraform asked for: `TF_LOG_PROVIDER`, else `TF_LOG`.
pub fn level_from(provider: Option<&str>, general: Option<&str>) -> LevelFilter {
    let value = provider
        .filter(|v| !v.is_empty())
        .or(general.filter(|v| !v.is_empty()));
    match value.map(str::to_ascii_uppercase).as_deref() {
        None | Some("OFF") => LevelFilter::OFF,
        Some("ERROR") => LevelFilter::ERROR,
        Some("WARN") => LevelFilter::WARN,
        Some("INFO") => LevelFilter::INFO,
        Some("DEBUG") => LevelFilter::DEBUG,
        // TRACE, JSON, and anything else Terraform itself reads as TRACE.
        Some(_) => LevelFilter::TRACE,
    }
}

/// Installs the logger for the process.
pub fn init() {
    let level = level_from(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    let _ = tracing_subscriber::registry()
        .with(HclogJson { level })
        .try_init();
}

struct HclogJson {
    level: LevelFilter,
}

/// The SDK's span around one operation (`STS.GetCallerIdentity`).
struct Operation {
    service: String,
    method: String,
}

/// The executor's span around the work on one component (`subnet/us-east-1a`): AWS call lines
/// name the component they were made for.
struct Component(String);

/// The SDK's span around one attempt of an operation.
struct Attempt {
    number: String,
    started: std::time::Instant,
    status: Option<String>,
}

impl HclogJson {
    fn own(meta: &tracing::Metadata<'_>) -> bool {
        OWN_CRATES
            .iter()
            .any(|c| meta.target() == *c || meta.target().starts_with(&format!("{c}::")))
    }

    /// AWS calls are logged (one line each) from DEBUG on.
    fn calls_logged(&self) -> bool {
        self.level >= LevelFilter::DEBUG
    }

    /// The SDK's TRACE event carrying each HTTP response: read for its status only.
    fn is_response_event(meta: &tracing::Metadata<'_>) -> bool {
        meta.is_event()
            && meta.target() == "aws_smithy_runtime::client::orchestrator"
            && meta.fields().field("response").is_some()
    }

    fn enabled_for(&self, meta: &tracing::Metadata<'_>) -> bool {
        if Self::own(meta) {
            return *meta.level() <= self.level;
        }
        if self.calls_logged()
            && (meta.is_span() && meta.target().starts_with("aws_")
                || Self::is_response_event(meta))
        {
            return true;
        }
        let cap = if self.level == LevelFilter::TRACE {
            LevelFilter::DEBUG
        } else {
            self.level.min(LevelFilter::INFO)
        };
        *meta.level() <= cap
    }

    fn write(level: Level, target: &str, fields: Fields) {
        let line = format_line(level, target, std::time::SystemTime::now(), fields);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
    }
}

impl<S> Layer<S> for HclogJson
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn enabled(&self, meta: &tracing::Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.enabled_for(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // The SDK's response event is TRACE; it is needed for the status from DEBUG on.
        Some(if self.calls_logged() {
            LevelFilter::TRACE
        } else {
            self.level
        })
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let meta = attrs.metadata();
        let component_span = meta.target().starts_with("vault_aws") && meta.name() == "component";
        if !self.calls_logged() || !(meta.target().starts_with("aws_") || component_span) {
            return;
        }
        let Some(span) = ctx.span(id) else { return };
        // The component span is ours: its `%id` field is read (another crate's `?` fields are not).
        let mut fields = Fields {
            own: component_span,
            ..Fields::default()
        };
        attrs.record(&mut fields);
        let get = |name: &str| {
            fields
                .rest
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| match v {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
        };
        if component_span {
            if let Some(component) = get("id") {
                span.extensions_mut().insert(Component(component));
            }
        } else if meta.name() == "try_attempt" {
            span.extensions_mut().insert(Attempt {
                number: get("attempt").unwrap_or_default(),
                started: std::time::Instant::now(),
                status: None,
            });
        } else if let (Some(service), Some(method)) = (get("rpc.service"), get("rpc.method")) {
            span.extensions_mut().insert(Operation { service, method });
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        if Self::is_response_event(meta) {
            let mut status = StatusOf::default();
            event.record(&mut status);
            if let Some(scope) = ctx.event_scope(event) {
                for span in scope {
                    if let Some(a) = span.extensions_mut().get_mut::<Attempt>() {
                        a.status = status.0.take();
                        break;
                    }
                }
            }
            return;
        }
        if !self.enabled_for(meta) {
            return;
        }
        let mut fields = Fields {
            own: Self::own(meta),
            ..Fields::default()
        };
        event.record(&mut fields);
        Self::write(*meta.level(), meta.target(), fields);
    }

    fn on_close(&self, id: tracing::span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let ext = span.extensions();
        let Some(attempt) = ext.get::<Attempt>() else {
            return;
        };
        let Some(operation) = span.scope().skip(1).find_map(|s| {
            s.extensions()
                .get::<Operation>()
                .map(|o| (o.service.clone(), o.method.clone()))
        }) else {
            return;
        };
        let component = span
            .scope()
            .find_map(|s| s.extensions().get::<Component>().map(|c| c.0.clone()));
        let mut fields = Fields {
            message: format!("AWS call {}.{}", operation.0, operation.1),
            rest: vec![
                ("service".into(), Json::from(operation.0)),
                ("operation".into(), Json::from(operation.1)),
                ("attempt".into(), Json::from(attempt.number.clone())),
                (
                    "status".into(),
                    Json::from(
                        attempt
                            .status
                            .clone()
                            .unwrap_or_else(|| "no response".into()),
                    ),
                ),
                (
                    "duration_ms".into(),
                    Json::from(attempt.started.elapsed().as_millis() as u64),
                ),
            ],
            own: true,
        };
        if let Some(component) = component {
            fields
                .rest
                .push(("component".into(), Json::from(component)));
        }
        Self::write(Level::DEBUG, "terraform_provider_vault::aws_call", fields);
    }
}

/// Reads the HTTP status from the SDK's debug rendering of a response, stopping the rendering
/// right after it: the headers and body (which may hold a secret) are never formatted.
#[derive(Default)]
struct StatusOf(Option<String>);

struct Prefix(String);

impl std::fmt::Write for Prefix {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.push_str(s);
        if self.0.contains("StatusCode(") && self.0.rfind(')') > self.0.find("StatusCode(")
            || self.0.len() > 64
        {
            // Enough read: an error ends the rendering here.
            return Err(std::fmt::Error);
        }
        Ok(())
    }
}

fn status_from(rendered: &str) -> Option<String> {
    let start = rendered.find("StatusCode(")? + "StatusCode(".len();
    let digits: String = rendered[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

impl Visit for StatusOf {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() != "response" {
            return;
        }
        let mut prefix = Prefix(String::new());
        let _ = write!(prefix, "{value:?}");
        self.0 = Some(status_from(&prefix.0).unwrap_or_else(|| "connection error".into()));
    }
}

/// One hclog JSON line, newline included.
fn format_line(level: Level, target: &str, now: std::time::SystemTime, fields: Fields) -> String {
    let mut obj = Map::new();
    obj.insert("@level".into(), Json::from(hclog_level(level)));
    obj.insert("@message".into(), Json::from(fields.message));
    obj.insert("@module".into(), Json::from(MODULE));
    obj.insert("@timestamp".into(), Json::from(timestamp(now)));
    obj.insert("target".into(), Json::from(target));
    for (k, v) in fields.rest {
        obj.insert(k, v);
    }
    let mut line = Json::Object(obj).to_string();
    line.push('\n');
    line
}

fn hclog_level(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// hclog's time format: `2006-01-02T15:04:05.000000Z07:00`, in UTC.
fn timestamp(t: std::time::SystemTime) -> String {
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut s = String::new();
    let _ = write!(
        s,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    );
    s
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: Vec<(String, Json)>,
    /// The event is the provider's own: its `?value` fields are rendered.
    own: bool,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            // A format string's arguments, rendered as the message says.
            self.message = format!("{value:?}");
        } else if self.own {
            self.rest
                .push((field.name().to_string(), Json::from(format!("{value:?}"))));
        }
        // Another crate's `?value` field (an SDK error, a request) is a Rust debug dump: left out.
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        // Errors read as their sentences, outermost to innermost.
        let mut text = value.to_string();
        let mut next = value.source();
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        self.rest.push((field.name().to_string(), Json::from(text)));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.rest
                .push((field.name().to_string(), Json::from(value)));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.rest
            .push((field.name().to_string(), Json::from(value)));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.rest
            .push((field.name().to_string(), Json::from(value)));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.rest
            .push((field.name().to_string(), Json::from(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tf_log_provider_wins_over_tf_log() {
        assert_eq!(level_from(Some("debug"), Some("ERROR")), LevelFilter::DEBUG);
        assert_eq!(level_from(None, Some("WARN")), LevelFilter::WARN);
        assert_eq!(level_from(Some(""), Some("INFO")), LevelFilter::INFO);
    }

    #[test]
    fn no_level_set_means_no_logs_and_an_unknown_one_means_trace() {
        assert_eq!(level_from(None, None), LevelFilter::OFF);
        assert_eq!(level_from(Some("JSON"), None), LevelFilter::TRACE);
    }

    #[test]
    fn the_status_is_read_without_rendering_headers_or_body() {
        struct Response;
        impl std::fmt::Debug for Response {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "Ok(Response {{ status: StatusCode(503), ")?;
                panic!("the body must not be rendered");
            }
        }
        let mut prefix = Prefix(String::new());
        let _ = write!(prefix, "{:?}", Response);
        assert_eq!(status_from(&prefix.0).as_deref(), Some("503"));
    }

    #[test]
    fn timestamps_use_hclogs_format_in_utc() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_micros(1_795_998_114_123_456);
        assert_eq!(timestamp(t), "2026-11-30T00:21:54.123456Z");
        assert_eq!(
            timestamp(std::time::UNIX_EPOCH),
            "1970-01-01T00:00:00.000000Z"
        );
    }

    #[test]
    fn a_line_is_one_hclog_json_object() {
        let line = format_line(
            Level::INFO,
            "vault_aws::rds",
            std::time::UNIX_EPOCH,
            Fields::default(),
        );
        assert!(line.ends_with('\n') && !line.trim_end().contains('\n'));
        let v: Json = serde_json::from_str(&line).unwrap();
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@module"], MODULE);
        assert_eq!(v["@timestamp"], "1970-01-01T00:00:00.000000Z");
    }
}
