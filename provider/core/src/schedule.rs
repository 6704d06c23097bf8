//! Secrets Manager rotation schedules: `rate(...)` and six-field `cron(...)` expressions, and the
//! rotation window `duration` ("3h").

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{0:?} is neither rate(...) nor cron(...)")]
    Shape(String),
    #[error("rate(...) takes \"N days\" (1 to 1000) or \"N hours\" (at least 4), with \"day\"/\"hour\" for 1")]
    Rate,
    #[error(
        "cron(...) takes six fields (minutes hours day-of-month month day-of-week year), got {0}"
    )]
    CronFieldCount(usize),
    #[error("cron field {field} ({value:?}) has characters cron does not use")]
    CronField { field: usize, value: String },
    #[error("cron(...) needs '?' in exactly one of day-of-month and day-of-week")]
    CronQuestionMark,
}

pub fn check_schedule_expression(s: &str) -> Result<(), ScheduleError> {
    if let Some(body) = s.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        return check_rate(body);
    }
    if let Some(body) = s.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        return check_cron(body);
    }
    Err(ScheduleError::Shape(s.to_string()))
}

fn check_rate(body: &str) -> Result<(), ScheduleError> {
    let mut parts = body.split(' ');
    let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ScheduleError::Rate);
    };
    if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ScheduleError::Rate);
    }
    let n: u64 = n.parse().map_err(|_| ScheduleError::Rate)?;
    let ok = match unit {
        "day" => n == 1,
        "days" => (2..=1000).contains(&n),
        "hours" => (4..=24_000).contains(&n),
        _ => false,
    };
    ok.then_some(()).ok_or(ScheduleError::Rate)
}

fn check_cron(body: &str) -> Result<(), ScheduleError> {
    let fields: Vec<&str> = body.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(ScheduleError::CronFieldCount(fields.len()));
    }
    for (i, f) in fields.iter().enumerate() {
        let ok = f
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ",-*/?#".contains(c));
        if !ok {
            return Err(ScheduleError::CronField {
                field: i + 1,
                value: f.to_string(),
            });
        }
    }
    if (fields[2] == "?") == (fields[4] == "?") {
        return Err(ScheduleError::CronQuestionMark);
    }
    Ok(())
}

/// The rotation window: whole hours from 1h to 24h, as Secrets Manager accepts it.
pub fn check_duration(s: &str) -> bool {
    s.strip_suffix('h')
        .filter(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|h| (1..=24).contains(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_cron_expressions_secrets_manager_accepts_pass() {
        for ok in [
            "rate(10 days)",
            "rate(1 day)",
            "rate(4 hours)",
            "cron(0 16 1,15 * ? *)",
            "cron(0 8 ? * MON#1 *)",
        ] {
            assert_eq!(check_schedule_expression(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn malformed_schedule_expressions_fail() {
        for bad in [
            "rate(0 days)",
            "rate(1 days)",
            "rate(2 hours)",
            "rate(10 weeks)",
            "every day",
            "cron(0 16 * * *)",
            "cron(0 16 1 * MON *)",
            "cron(0 16 ; * ? *)",
        ] {
            assert!(check_schedule_expression(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rotation_window_is_whole_hours_between_1_and_24() {
        assert!(check_duration("3h"));
        assert!(check_duration("24h"));
        for bad in ["0h", "25h", "3", "h", "3m", "003h"] {
            assert!(!check_duration(bad), "{bad}");
        }
    }
}
