//! Tags, one way for every kind: one variant per API shape (each service spells tags its own
//! way), each able to read an object's tags and apply a [`TagChange`], adding *and* removing.
//! What to change is decided in the core ([`vault_core::drift`]); `aws:` tags are never touched.

use std::collections::HashMap;

use vault_core::defaults::MANAGEMENT_TAG;
use vault_core::drift::TagChange;
use vault_core::input::Tags;
use vault_core::model::Component;

use crate::error::AwsError;
use crate::objects::Ctx;

/// Where an object's tags live: the API shape and the identifier that shape takes.
#[derive(Clone, Copy, Debug)]
pub enum Tagged<'a> {
    /// Any EC2 resource, by id.
    Ec2(&'a str),
    /// A KMS key, by key id or ARN.
    Kms(&'a str),
    /// A log group, by ARN without the trailing `:*`.
    Logs(&'a str),
    /// An IAM role, by name.
    IamRole(&'a str),
    /// An S3 bucket, by name (the whole tag set is replaced at once).
    S3(&'a str),
    /// A CloudTrail trail, by ARN.
    CloudTrail(&'a str),
    /// Any RDS resource, by ARN.
    Rds(&'a str),
    /// A secret, by ARN or name.
    Secret(&'a str),
    /// A Lambda function, by ARN.
    Lambda(&'a str),
}

fn invalid(k: &str) -> impl Fn(aws_smithy_types::error::operation::BuildError) -> AwsError + '_ {
    move |e| AwsError::Invalid(format!("tag {k}: {e}"))
}

impl Tagged<'_> {
    /// The object's tags as AWS holds them.
    pub async fn read(self, ctx: &Ctx<'_>) -> Result<Tags, AwsError> {
        let c = ctx.clients;
        Ok(match self {
            Tagged::Ec2(id) => {
                let filter = aws_sdk_ec2::types::Filter::builder()
                    .name("resource-id")
                    .values(id)
                    .build();
                let out = ctx
                    .call("DescribeTags", || {
                        c.ec2.describe_tags().filters(filter.clone()).send()
                    })
                    .await?;
                // DescribeTags answers in its own shape (`TagDescription`).
                out.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.into(), t.value().unwrap_or("").into())))
                    .collect()
            }
            Tagged::Kms(id) => {
                let mut tags = Tags::new();
                let mut marker: Option<String> = None;
                loop {
                    let page = ctx
                        .call("ListResourceTags", || {
                            c.kms
                                .list_resource_tags()
                                .key_id(id)
                                .set_marker(marker.clone())
                                .send()
                        })
                        .await?;
                    tags.extend(
                        page.tags()
                            .iter()
                            .map(|t| (t.tag_key().into(), t.tag_value().into())),
                    );
                    match page.next_marker() {
                        Some(m) if page.truncated() => marker = Some(m.into()),
                        _ => break tags,
                    }
                }
            }
            Tagged::Logs(arn) => ctx
                .call("ListTagsForResource", || {
                    c.logs.list_tags_for_resource().resource_arn(arn).send()
                })
                .await?
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            Tagged::IamRole(name) => from_iam(
                ctx.call("ListRoleTags", || {
                    c.iam.list_role_tags().role_name(name).send()
                })
                .await?
                .tags(),
            ),
            Tagged::S3(bucket) => {
                let result = ctx
                    .call("GetBucketTagging", || {
                        c.s3.get_bucket_tagging().bucket(bucket).send()
                    })
                    .await;
                match result {
                    Ok(out) => out
                        .tag_set()
                        .iter()
                        .map(|t| (t.key().into(), t.value().into()))
                        .collect(),
                    // A bucket without tags answers with this error, not an empty set.
                    Err(e) if e.is_code(&["NoSuchTagSet"]) => Tags::new(),
                    Err(e) => return Err(e),
                }
            }
            Tagged::CloudTrail(arn) => ctx
                .call("ListTags", || {
                    c.cloudtrail.list_tags().resource_id_list(arn).send()
                })
                .await?
                .resource_tag_list()
                .iter()
                .filter(|r| r.resource_id() == Some(arn))
                .flat_map(|r| r.tags_list())
                .map(|t| (t.key().into(), t.value().unwrap_or_default().into()))
                .collect(),
            Tagged::Rds(arn) => from_rds(
                ctx.call("ListTagsForResource", || {
                    c.rds.list_tags_for_resource().resource_name(arn).send()
                })
                .await?
                .tag_list(),
            ),
            Tagged::Secret(id) => from_secret(
                ctx.call("DescribeSecret", || {
                    c.secretsmanager.describe_secret().secret_id(id).send()
                })
                .await?
                .tags(),
            ),
            Tagged::Lambda(arn) => ctx
                .call("ListTags", || c.lambda.list_tags().resource(arn).send())
                .await?
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        })
    }

    /// Makes the object's tags the component's: reads them, then adds, corrects and removes.
    /// Kinds AWS cannot tag (`c.tags` is `None`) are left alone.
    pub async fn sync(self, ctx: &Ctx<'_>, c: &Component) -> Result<(), AwsError> {
        let Some(want) = &c.tags else { return Ok(()) };
        let have = self.read(ctx).await?;
        let change = TagChange::between(want, &have);
        if change.is_empty() {
            return Ok(());
        }
        self.apply(ctx, want, &change).await
    }

    /// Carries out a change computed against the object's current tags; `want` is the whole
    /// wanted set, for the one API (S3) that only replaces all tags at once.
    async fn apply(self, ctx: &Ctx<'_>, want: &Tags, change: &TagChange) -> Result<(), AwsError> {
        let c = ctx.clients;
        let set = &change.set;
        let remove = &change.remove;
        let map = || -> HashMap<String, String> {
            set.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        match self {
            Tagged::Ec2(id) => {
                let tag = |k: &str, v: Option<&str>| {
                    aws_sdk_ec2::types::Tag::builder()
                        .key(k)
                        .set_value(v.map(str::to_string))
                        .build()
                };
                if !set.is_empty() {
                    let tags: Vec<_> = set.iter().map(|(k, v)| tag(k, Some(v))).collect();
                    ctx.call("CreateTags", || {
                        c.ec2
                            .create_tags()
                            .resources(id)
                            .set_tags(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    let tags: Vec<_> = remove.iter().map(|k| tag(k, None)).collect();
                    ctx.call("DeleteTags", || {
                        c.ec2
                            .delete_tags()
                            .resources(id)
                            .set_tags(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::Kms(id) => {
                if !set.is_empty() {
                    let tags = kms_tags(set)?;
                    ctx.call("TagResource", || {
                        c.kms
                            .tag_resource()
                            .key_id(id)
                            .set_tags(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    ctx.call("UntagResource", || {
                        c.kms
                            .untag_resource()
                            .key_id(id)
                            .set_tag_keys(Some(remove.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::Logs(arn) => {
                if !set.is_empty() {
                    ctx.call("TagResource", || {
                        c.logs
                            .tag_resource()
                            .resource_arn(arn)
                            .set_tags(Some(map()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    ctx.call("UntagResource", || {
                        c.logs
                            .untag_resource()
                            .resource_arn(arn)
                            .set_tag_keys(Some(remove.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::IamRole(name) => {
                if !set.is_empty() {
                    let tags = iam_tags(set)?;
                    ctx.call("TagRole", || {
                        c.iam
                            .tag_role()
                            .role_name(name)
                            .set_tags(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    ctx.call("UntagRole", || {
                        c.iam
                            .untag_role()
                            .role_name(name)
                            .set_tag_keys(Some(remove.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::S3(bucket) => {
                if want.is_empty() {
                    ctx.call("DeleteBucketTagging", || {
                        c.s3.delete_bucket_tagging().bucket(bucket).send()
                    })
                    .await?;
                } else {
                    let tagging = s3_tagging(want)?;
                    ctx.call("PutBucketTagging", || {
                        c.s3.put_bucket_tagging()
                            .bucket(bucket)
                            .tagging(tagging.clone())
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::CloudTrail(arn) => {
                if !set.is_empty() {
                    let tags = trail_tags(set)?;
                    ctx.call("AddTags", || {
                        c.cloudtrail
                            .add_tags()
                            .resource_id(arn)
                            .set_tags_list(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    let tags = remove
                        .iter()
                        .map(|k| trail_tag(k, None))
                        .collect::<Result<Vec<_>, _>>()?;
                    ctx.call("RemoveTags", || {
                        c.cloudtrail
                            .remove_tags()
                            .resource_id(arn)
                            .set_tags_list(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::Rds(arn) => {
                if !set.is_empty() {
                    let tags = rds_tags(set);
                    ctx.call("AddTagsToResource", || {
                        c.rds
                            .add_tags_to_resource()
                            .resource_name(arn)
                            .set_tags(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    ctx.call("RemoveTagsFromResource", || {
                        c.rds
                            .remove_tags_from_resource()
                            .resource_name(arn)
                            .set_tag_keys(Some(remove.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::Secret(id) => {
                if !set.is_empty() {
                    let tags = secret_tags(set);
                    ctx.call("TagResource", || {
                        c.secretsmanager
                            .tag_resource()
                            .secret_id(id)
                            .set_tags(Some(tags.clone()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    ctx.call("UntagResource", || {
                        c.secretsmanager
                            .untag_resource()
                            .secret_id(id)
                            .set_tag_keys(Some(remove.clone()))
                            .send()
                    })
                    .await?;
                }
            }
            Tagged::Lambda(arn) => {
                if !set.is_empty() {
                    ctx.call("TagResource", || {
                        c.lambda
                            .tag_resource()
                            .resource(arn)
                            .set_tags(Some(map()))
                            .send()
                    })
                    .await?;
                }
                if !remove.is_empty() {
                    ctx.call("UntagResource", || {
                        c.lambda
                            .untag_resource()
                            .resource(arn)
                            .set_tag_keys(Some(remove.clone()))
                            .send()
                    })
                    .await?;
                }
            }
        }
        Ok(())
    }
}

// Tags in each service's request shape, for creates (which tag in the same call) and updates.

pub fn ec2_tag_specification(
    kind: aws_sdk_ec2::types::ResourceType,
    c: &Component,
) -> aws_sdk_ec2::types::TagSpecification {
    let tags = c.tags.as_ref().map(|t| {
        t.iter()
            .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .collect()
    });
    aws_sdk_ec2::types::TagSpecification::builder()
        .resource_type(kind)
        .set_tags(tags)
        .build()
}

pub fn kms_tags(tags: &Tags) -> Result<Vec<aws_sdk_kms::types::Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_kms::types::Tag::builder()
                .tag_key(k)
                .tag_value(v)
                .build()
                .map_err(invalid(k))
        })
        .collect()
}

pub fn iam_tags(tags: &Tags) -> Result<Vec<aws_sdk_iam::types::Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(invalid(k))
        })
        .collect()
}

pub fn s3_tagging(tags: &Tags) -> Result<aws_sdk_s3::types::Tagging, AwsError> {
    let set = tags
        .iter()
        .map(|(k, v)| {
            aws_sdk_s3::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(invalid(k))
        })
        .collect::<Result<Vec<_>, _>>()?;
    aws_sdk_s3::types::Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| AwsError::Invalid(format!("bucket tags: {e}")))
}

pub fn trail_tags(tags: &Tags) -> Result<Vec<aws_sdk_cloudtrail::types::Tag>, AwsError> {
    tags.iter().map(|(k, v)| trail_tag(k, Some(v))).collect()
}

/// A CloudTrail tag; removal takes tags with a key only.
fn trail_tag(k: &str, v: Option<&String>) -> Result<aws_sdk_cloudtrail::types::Tag, AwsError> {
    aws_sdk_cloudtrail::types::Tag::builder()
        .key(k)
        .set_value(v.cloned())
        .build()
        .map_err(invalid(k))
}

pub fn rds_tags(tags: &Tags) -> Vec<aws_sdk_rds::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn secret_tags(tags: &Tags) -> Vec<aws_sdk_secretsmanager::types::Tag> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_secretsmanager::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
        })
        .collect()
}

/// Logs and Lambda take tags as a map.
pub fn tag_map(tags: &Tags) -> HashMap<String, String> {
    tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Whether tags read back mark the object as this stack's: finders adopt nothing else, so an
/// object of the same name that belongs to someone else makes create fail loudly instead of
/// being taken over.
pub fn is_managed(ctx: &Ctx<'_>, have: &Tags) -> bool {
    have.get(MANAGEMENT_TAG).map(String::as_str) == Some(ctx.stack.suffix().as_str())
}

// Tags as describe calls return them, in each service's shape.

pub fn from_ec2(tags: &[aws_sdk_ec2::types::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| Some((t.key()?.into(), t.value().unwrap_or("").into())))
        .collect()
}

pub fn from_rds(tags: &[aws_sdk_rds::types::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| Some((t.key()?.into(), t.value().unwrap_or("").into())))
        .collect()
}

pub fn from_iam(tags: &[aws_sdk_iam::types::Tag]) -> Tags {
    tags.iter()
        .map(|t| (t.key().into(), t.value().into()))
        .collect()
}

pub fn from_secret(tags: &[aws_sdk_secretsmanager::types::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| Some((t.key()?.into(), t.value().unwrap_or("").into())))
        .collect()
}

pub fn from_map(tags: Option<&HashMap<String, String>>) -> Tags {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}
