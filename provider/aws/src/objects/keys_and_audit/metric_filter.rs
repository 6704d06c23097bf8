//! The metric filter on the audit log group that counts calls to this stack's secret. Filters
//! cannot be tagged; they are found by name inside their log group.
//!
//! Id: `<log group name>:<filter name>`, e.g. `/vault/audit-dev:secret-access-dev`. Log group
//! names cannot contain `:` (`[.\-_/#A-Za-z0-9]+`) and filter names cannot either (`[^:*]*`), so
//! the first `:` separates them unambiguously, while the `/` in group names would not.

use aws_sdk_cloudwatchlogs::types::{MetricFilter, MetricTransformation};
use vault_core::model::component::{MetricFilterSettings, Settings};
use vault_core::model::Component;

use crate::error::AwsError;
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, EXISTS};

/// The id of the filter `filter` on the group `group`.
pub fn id_of(group: &str, filter: &str) -> String {
    format!("{group}:{filter}")
}

/// The log group and filter names an id carries.
pub fn parse_id(id: &str) -> Result<(&str, &str), AwsError> {
    id.split_once(':')
        .filter(|(g, f)| !g.is_empty() && !f.is_empty())
        .ok_or_else(|| {
            AwsError::Invalid(format!(
                "{id:?} is not a metric filter id (<log group name>:<filter name>)"
            ))
        })
}

// find

pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &MetricFilterSettings,
) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    let Some(group) = ctx.parent(&s.log_group) else {
        return Ok(None);
    };
    Ok(describe(ctx, group, name)
        .await?
        .map(|_| id_of(group, name)))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &MetricFilterSettings,
) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no filter name", c.id)))?;
    let group = ctx.id(&s.log_group)?;
    put(ctx, s, group, &name).await?;
    Ok(id_of(group, &name))
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &MetricFilterSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let (group, name) = parse_id(id)?;
    let Some(f) = describe(ctx, group, name).await? else {
        return Ok(None);
    };
    // A filter has one transformation (CloudWatch Logs takes no more); none reads as empty.
    let t = f.metric_transformations().first();
    let settings = MetricFilterSettings {
        // The filter is read in this group: its id names it.
        log_group: s.log_group.clone(),
        pattern: f.filter_pattern().unwrap_or_default().to_string(),
        metric_namespace: t
            .map(|t| t.metric_namespace())
            .unwrap_or_default()
            .to_string(),
        metric_name: t.map(|t| t.metric_name()).unwrap_or_default().to_string(),
        metric_value: t.map(|t| t.metric_value()).unwrap_or_default().to_string(),
    };
    Ok(Some(Observed::new(Settings::MetricFilter(settings))))
}

// update

/// `PutMetricFilter` replaces a filter of the same name in place.
pub async fn update(ctx: &Ctx<'_>, s: &MetricFilterSettings, id: &str) -> Result<(), AwsError> {
    let (group, name) = parse_id(id)?;
    put(ctx, s, group, name).await
}

async fn put(
    ctx: &Ctx<'_>,
    s: &MetricFilterSettings,
    group: &str,
    name: &str,
) -> Result<(), AwsError> {
    let transformation = MetricTransformation::builder()
        .metric_namespace(&s.metric_namespace)
        .metric_name(&s.metric_name)
        .metric_value(&s.metric_value)
        .build()
        .map_err(|e| AwsError::Invalid(format!("metric transformation: {e}")))?;
    ctx.call("PutMetricFilter", || {
        ctx.clients
            .logs
            .put_metric_filter()
            .log_group_name(group)
            .filter_name(name)
            .filter_pattern(&s.pattern)
            .metric_transformations(transformation.clone())
            .send()
    })
    .await?;
    Ok(())
}

// delete

/// Deletes until no filter of the name is listed: AWS keeps one filter per name, but moto (the
/// test emulator) appends a copy on every `PutMetricFilter` and removes only some per delete.
pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let (group, name) = parse_id(id)?;
    ctx.wait(Waiter::gone(format!("metric filter {id}")), || async {
        if describe(ctx, group, name).await?.is_none() {
            return Ok(None);
        }
        ctx.call_delete("DeleteMetricFilter", || {
            ctx.clients
                .logs
                .delete_metric_filter()
                .log_group_name(group)
                .filter_name(name)
                .send()
        })
        .await?;
        Ok(describe(ctx, group, name)
            .await?
            .map(|_| EXISTS.to_string()))
    })
    .await?;
    Ok(())
}

// waiters (none on create: a filter applies to new events as soon as PutMetricFilter returns)

/// The filter of exactly this name on the group; `None` also when the group is gone (AWS
/// deletes a group's filters with it). Of several copies (moto's), the last written.
async fn describe(
    ctx: &Ctx<'_>,
    group: &str,
    name: &str,
) -> Result<Option<MetricFilter>, AwsError> {
    let mut token: Option<String> = None;
    let mut found = None;
    loop {
        let Some(page) = ctx
            .call_found("DescribeMetricFilters", || {
                ctx.clients
                    .logs
                    .describe_metric_filters()
                    .log_group_name(group)
                    .filter_name_prefix(name)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?
        else {
            return Ok(None);
        };
        if let Some(f) = page
            .metric_filters()
            .iter()
            .rev()
            .find(|f| f.filter_name() == Some(name))
        {
            found = Some(f.clone());
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_filter_id_splits_at_the_first_colon_keeping_slashes_in_the_group() {
        let id = id_of("/vault/audit-dev", "secret-access-dev");
        assert_eq!(id, "/vault/audit-dev:secret-access-dev");
        assert_eq!(
            parse_id(&id).unwrap(),
            ("/vault/audit-dev", "secret-access-dev")
        );
        assert!(parse_id("/vault/audit-dev").is_err());
        assert!(parse_id(":x").is_err());
    }
}
