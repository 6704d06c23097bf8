//! What the audit bucket and its three configurations share: S3's not-found codes. Each
//! configuration's id is the bucket's name, since a bucket has at most one of each.

use crate::error::AwsError;

/// The bucket itself is gone (`HeadBucket` answers a bare 404, which the SDK calls `NotFound`).
pub fn is_no_such_bucket(e: &AwsError) -> bool {
    e.is_code(&["NoSuchBucket", "NotFound"])
}

/// The bucket is gone, or has no configuration of the kind asked for (`code`).
pub fn is_missing(e: &AwsError, code: &str) -> bool {
    is_no_such_bucket(e) || e.is_code(&[code])
}

/// The ARN of a bucket: S3 ARNs carry neither region nor account.
pub fn bucket_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}
