###############################################################################
# Continuous compliance (issue 31): the check on a schedule, its evidence in S3,
# and an alarm when a check fails or someone gains access outside the tool.
#
# - check_schedule: an EventBridge Scheduler schedule invokes the function with
#   {"action":"check"}; its role may invoke this function and nothing else.
# - evidence_bucket: a bucket the module creates (versioned, encrypted, public
#   access blocked, TLS only, optional Object Lock) or an existing one; the
#   function may put, get and list under evidence_prefix only (never delete).
# - compliance_alarms: the function logs one JSON line per check or manage
#   ({"event":"compliance","outcome":"pass"|"fail","accessGained":N,...}); two
#   metric filters turn it into metrics, and alarms on them (and on function
#   errors: a check that did not run) notify an SNS topic.
###############################################################################

locals {
  evidence_enabled        = var.evidence_bucket != null
  create_evidence_bucket  = local.evidence_enabled && try(var.evidence_bucket.create, false)
  evidence_bucket_name    = !local.evidence_enabled ? null : local.create_evidence_bucket ? aws_s3_bucket.evidence[0].bucket : var.evidence_bucket.name
  evidence_bucket_arn     = local.evidence_enabled ? "arn:${local.partition}:s3:::${local.evidence_bucket_name}" : null
  evidence_kms_key_arn    = try(var.evidence_bucket.kms_key_arn, null)
  evidence_object_lock    = try(var.evidence_bucket.object_lock_retention_days, null) != null
  evidence_check_schedule = var.check_schedule != null

  # What the function reads to write evidence (the evidence helper's contract); absent when there is no bucket.
  evidence_environment = local.evidence_enabled ? merge(
    {
      ROLE_MANAGER_EVIDENCE_BUCKET = local.evidence_bucket_name
      ROLE_MANAGER_EVIDENCE_PREFIX = var.evidence_prefix
    },
    local.evidence_kms_key_arn == null ? {} : { ROLE_MANAGER_EVIDENCE_KMS_KEY_ARN = local.evidence_kms_key_arn },
  ) : {}

  # Alarms: on unless switched off, when something runs the check or keeps its evidence (null = follow those).
  compliance_alarms  = var.compliance_alarms != null ? var.compliance_alarms : (local.evidence_check_schedule || local.evidence_enabled)
  create_alarm_topic = local.compliance_alarms && var.alarm_sns_topic_arn == null
  alarm_topic_arn    = !local.compliance_alarms ? null : local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : var.alarm_sns_topic_arn

  # What raises an alarm: the two metrics of the function's log, and Lambda's own error count (a check that did not
  # run at all, e.g. no connection or a timeout, logs no compliance line).
  compliance_alarm_specs = {
    failed_checks = {
      namespace   = var.compliance_metric_namespace
      metric      = "FailedChecks"
      dimensions  = {}
      description = "A ${var.function_name} check failed: the database no longer matches its layout (see the evidence in S3 or the function's log)."
    }
    access_gained = {
      namespace   = var.compliance_metric_namespace
      metric      = "AccessGained"
      dimensions  = {}
      description = "Someone gained access in a database of ${var.function_name} since the previous evidence (accessGained in the function's log and the evidence object)."
    }
    function_errors = {
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
      description = "The ${var.function_name} function failed (a check or manage that did not run to the end)."
    }
  }

  # The function's log lines as the contract writes them (top-level JSON fields).
  compliance_metric_filters = {
    failed_checks = {
      metric  = "FailedChecks"
      pattern = "{ $.event = \"compliance\" && $.outcome = \"fail\" }"
      value   = "1"
    }
    access_gained = {
      metric  = "AccessGained"
      pattern = "{ $.event = \"compliance\" && $.accessGained > 0 }"
      value   = "$.accessGained"
    }
  }
}

###############################################################################
# The schedule
###############################################################################

data "aws_iam_policy_document" "scheduler_assume_role" {
  count = local.evidence_check_schedule ? 1 : 0

  statement {
    sid     = "SchedulerAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only schedules of this account (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  count = local.evidence_check_schedule ? 1 : 0

  name                 = "${var.function_name}-scheduler"
  description          = "Lets EventBridge Scheduler run the ${var.function_name} check"
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume_role[0].json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = local.tags
}

data "aws_iam_policy_document" "scheduler" {
  count = local.evidence_check_schedule ? 1 : 0

  statement {
    sid       = "InvokeThisFunctionOnly"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  count = local.evidence_check_schedule ? 1 : 0

  name   = "${var.function_name}-scheduler"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}

resource "aws_scheduler_schedule" "check" {
  count = local.evidence_check_schedule ? 1 : 0

  name                         = "${var.function_name}-check"
  description                  = "Runs the ${var.function_name} check (read-only) on a schedule"
  schedule_expression          = var.check_schedule
  schedule_expression_timezone = var.check_schedule_timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode({ action = "check" })

    # A throttled invocation (reserved concurrency 1, e.g. while a manage runs) is tried again; an hour later the
    # next scheduled check is closer than this one.
    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

###############################################################################
# The evidence bucket
###############################################################################

resource "aws_s3_bucket" "evidence" {
  count = local.create_evidence_bucket ? 1 : 0

  # A given name, or a unique one Terraform makes from the function name.
  bucket = try(var.evidence_bucket.name, null)
  # (bucket_prefix: at most 37 characters; no upper case or _ in bucket names.)
  bucket_prefix = try(var.evidence_bucket.name, null) == null ? "${replace(lower(substr(var.function_name, 0, 27)), "_", "-")}-evidence-" : null
  force_destroy = try(var.evidence_bucket.force_destroy, false)

  # Object Lock can only be turned on when the bucket is created.
  object_lock_enabled = local.evidence_object_lock
  tags                = local.tags
}

resource "aws_s3_bucket_ownership_controls" "evidence" {
  count  = local.create_evidence_bucket ? 1 : 0
  bucket = aws_s3_bucket.evidence[0].id

  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs: the bucket policy and IAM are the only access
  }
}

resource "aws_s3_bucket_public_access_block" "evidence" {
  count  = local.create_evidence_bucket ? 1 : 0
  bucket = aws_s3_bucket.evidence[0].id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "evidence" {
  count  = local.create_evidence_bucket ? 1 : 0
  bucket = aws_s3_bucket.evidence[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "evidence" {
  count  = local.create_evidence_bucket ? 1 : 0
  bucket = aws_s3_bucket.evidence[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.evidence_kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = local.evidence_kms_key_arn
    }
    bucket_key_enabled = local.evidence_kms_key_arn != null
  }
}

resource "aws_s3_bucket_object_lock_configuration" "evidence" {
  count  = local.create_evidence_bucket && local.evidence_object_lock ? 1 : 0
  bucket = aws_s3_bucket.evidence[0].id

  rule {
    default_retention {
      mode = var.evidence_bucket.object_lock_mode
      days = var.evidence_bucket.object_lock_retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.evidence]
}

data "aws_iam_policy_document" "evidence_bucket" {
  count = local.create_evidence_bucket ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.evidence[0].arn, "${aws_s3_bucket.evidence[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "evidence" {
  count  = local.create_evidence_bucket ? 1 : 0
  bucket = aws_s3_bucket.evidence[0].id
  policy = data.aws_iam_policy_document.evidence_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.evidence]
}

# What the function may do with its evidence: write and read objects under the prefix, list the prefix. No delete
# (the record of past checks is not the function's to erase), no other bucket, no s3:*.
data "aws_iam_policy_document" "evidence" {
  count = local.evidence_enabled ? 1 : 0

  statement {
    sid       = "WriteAndReadEvidenceUnderPrefix"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["${local.evidence_bucket_arn}/${var.evidence_prefix}*"]
  }

  statement {
    sid       = "ListEvidenceUnderPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.evidence_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.evidence_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = local.evidence_kms_key_arn == null ? [] : [local.evidence_kms_key_arn]

    content {
      sid       = "EncryptEvidenceWithItsKey"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "evidence" {
  count = local.evidence_enabled ? 1 : 0

  name   = "${var.function_name}-evidence"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.evidence[0].json
}

###############################################################################
# Metrics, alarms and the topic they notify
###############################################################################

resource "aws_cloudwatch_log_metric_filter" "compliance" {
  for_each = local.compliance_alarms ? local.compliance_metric_filters : {}

  name           = "${var.function_name}-${each.value.metric}"
  log_group_name = aws_cloudwatch_log_group.this.name
  pattern        = each.value.pattern

  metric_transformation {
    name      = each.value.metric
    namespace = var.compliance_metric_namespace
    value     = each.value.value
    unit      = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "compliance" {
  for_each = local.compliance_alarms ? local.compliance_alarm_specs : {}

  alarm_name          = "${var.function_name}-${each.value.metric}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # No log line in a period is no news: the check ran no more often than the schedule.
  treat_missing_data = "notBreaching"

  alarm_actions = [local.alarm_topic_arn]
  ok_actions    = [local.alarm_topic_arn]
  tags          = local.tags

  depends_on = [aws_cloudwatch_log_metric_filter.compliance]
}

# The topic is encrypted with a key of its own: CloudWatch cannot publish to a topic under the AWS-managed aws/sns key.
data "aws_iam_policy_document" "alarm_topic_key" {
  count = local.create_alarm_topic ? 1 : 0

  statement {
    sid       = "AccountAdministersTheKey"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchPublishesEncrypted"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  description             = "Encrypts the ${var.function_name} compliance alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.alarm_topic_key[0].json
  tags                    = local.tags
}

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name              = "${var.function_name}-compliance"
  kms_master_key_id = aws_kms_key.alarms[0].arn
  tags              = local.tags
}

data "aws_iam_policy_document" "alarm_topic" {
  count = local.create_alarm_topic ? 1 : 0

  statement {
    sid       = "OwnerManagesTheTopic"
    effect    = "Allow"
    actions   = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:DeleteTopic"]
    resources = [aws_sns_topic.alarms[0].arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # Only this function's alarms publish (ArnLike on the alarm name prefix: the alarms name the topic, so their ARNs
  # cannot be referenced here without a cycle).
  statement {
    sid       = "CloudWatchAlarmsOfThisFunctionPublish"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.function_name}-*"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  count  = local.create_alarm_topic ? 1 : 0
  arn    = aws_sns_topic.alarms[0].arn
  policy = data.aws_iam_policy_document.alarm_topic[0].json
}

resource "aws_sns_topic_subscription" "alarm_email" {
  for_each = local.create_alarm_topic ? toset(var.alarm_email_addresses) : toset([])

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = each.value
}
