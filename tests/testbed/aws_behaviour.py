"""moto server that behaves like AWS where it matters to the provider.

Run as moto_server is: `python aws_behaviour.py -H 127.0.0.1 -p <port>`. What AWS does that moto
does not is switched on per test through the environment variable `VAULT_AWS_BEHAVIOUR`, a JSON
object (every key optional; an empty object is moto plus the fixes below):

    {
      "seed": 7,                                   # faults are drawn from random.Random(seed)
      "faults": {                                  # per request of the provider (Rust SDK) only
        "throttle": 0.2,                           # each protocol's throttling error
        "server_error": 0.05,                      # each protocol's 5xx
        "cut_before": 0.02,                        # connection closed, the call never made
        "lost_response": 0.01,                     # the call made, its response lost
        "latency_ms": 50                           # added to every call
      },
      "throttled_for": {"sts": 12},                # every call to a service throttled for this
                                                   # many seconds from its first call (a burst)
      "lose_first_response": true,                 # the first call of each kind that changes
                                                   # something is carried out, its response lost
      "stalled_responses": {"CreateSecret": 600},  # the first call of each named operation is
                                                   # carried out, and its connection then stays
                                                   # open and silent this many seconds (a NAT or
                                                   # proxy that dropped the response)
      "propagation": {                             # eventual consistency, in seconds
        "role_for_lambda": 4,                      # a new role cannot be assumed by Lambda yet
        "key_for_logs": 3,                         # Logs cannot use a new KMS key yet
        "secret_name_after_delete": 5,             # a force-deleted secret's name not free yet
        "bucket_name_after_delete": 5,             # a deleted bucket's name not free yet
        "invoke_permission": 5,                    # Secrets Manager not yet allowed to invoke
                                                   # a function by its new permission
        "role_policy": 3                           # a role's new inline policy not yet seen by
      },                                           # Lambda (the one it replaced is)
      "consistency": {"ec2_describe_after_create": 1},  # a new VPC, subnet, ... NotFound a while
      "lambda_enis": {"release_after": 3},         # a VPC function's network interfaces
      "aws_managed": {"minor_upgrade": {"after": 5, "engine_version": "8.0.mysql_aurora.3.09.0"}},
      "zones": {                                   # what a zone lacks (AWS: some zones do)
        "without_endpoint_service": {"us-east-1a": ["secretsmanager"]},
        "without_instance_class": {"us-east-1b": ["db.t3.medium"]}
      },
      "lifecycle": {                               # seconds an object stays busy (AWS: minutes)
        "rds": 2,                                  # cluster/instance creating, modifying (new
                                                   # values pending), deleting
        "rds_cluster_create": 20,                  # the cluster's creating alone, if set
        "lambda": 1,                               # function Pending after create, update
                                                   # InProgress (a second one refused)
        "vpc_endpoint": 1                          # endpoint pending after create
      },
      "rotation": "as_aws",                        # RotateSecret starts a rotation as AWS does
      "rotation_lasts": 5,                         # otherwise: an immediate rotation ends this
                                                   # long after RotateSecret (AWSPENDING held;
                                                   # another RotateSecret refused until then)
      "quotas": {                                  # objects per region; AWS's defaults (shown)
        "vpcs_per_region": 5,                      # apply even when the key is absent
        "trails_per_region": 5
      }
    }

RotateSecret as AWS: the token's version is created empty and labelled AWSPENDING, and nothing
else happens (moto cannot run the function); the test then plays the function's steps. This is
`rotate_secret_as_aws_does` of `lambda/rotation/test/support/testbed.py`, the one correction.

Lambda network interfaces: a function in a VPC gets one requester-managed interface per subnet,
in its security groups. After DeleteFunction, Lambda releases them `release_after` seconds later,
and only if the function's role still exists and still allows `ec2:DeleteNetworkInterface`;
otherwise they stay, detached ("available"), for their owner to delete. While an interface uses
a subnet or security group, deleting it (or the VPC) fails with DependencyViolation, as on AWS.

Other requests (the tests' own boto3 checks, the rotation function's tests) see plain moto.
"""

import fnmatch
import io
import json
import os
import random
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from moto.awslambda.exceptions import InvalidParameterValueException, LambdaClientError
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.core.exceptions import JsonRESTError
from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroupBackend
from moto.ec2.models.subnets import SubnetBackend
from moto.ec2.models.vpcs import VPCBackend
from moto.iam.models import IAMBackend, iam_backends
from moto.kms.models import KmsBackend
from moto.logs.models import LogsBackend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.rds.exceptions import RDSClientError
from moto.rds.models import DBCluster, RDSBackend
from werkzeug.serving import run_simple

CONFIG = json.loads(os.environ.get("VAULT_AWS_BEHAVIOUR") or "{}")

if CONFIG.get("rotation") == "as_aws":
    import importlib.util

    from moto.secretsmanager.models import SecretsManagerBackend

    _spec = importlib.util.spec_from_file_location(
        "rotation_testbed",
        os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "../../lambda/rotation/test/support/testbed.py"),
    )
    _rotation_testbed = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_rotation_testbed)
    SecretsManagerBackend.rotate_secret = _rotation_testbed.rotate_secret_as_aws_does

# --- moto fixes: where moto 5.2 differs from AWS in a way no test wants -------------------------

_modify_db_subnet_group = RDSBackend.modify_db_subnet_group


def modify_db_subnet_group(self, subnet_name, description, subnets):
    # moto pops the group from its store and never puts it back, so a DB subnet group whose
    # subnets change (a zone added or swapped) is gone; AWS modifies it in place.
    group = _modify_db_subnet_group(self, subnet_name, description, subnets)
    self.subnet_groups[subnet_name] = group
    return group


RDSBackend.modify_db_subnet_group = modify_db_subnet_group

# moto lists orderable instance options for Aurora PostgreSQL and Neptune only; AWS answers for
# Aurora MySQL too. The stack's zone choice reads them, so they are answered here, one option per
# class the stack may use, in every zone of the region (less those `zones` below takes away).
AURORA_MYSQL_CLASSES = [
    "db.t3.medium", "db.t4g.medium", "db.r5.large", "db.r6g.large", "db.r6g.xlarge",
    "db.r6i.large", "db.r7g.large", "db.r7g.xlarge",
]
_describe_orderable = RDSBackend.describe_orderable_db_instance_options


def describe_orderable_db_instance_options(self, engine, engine_version):
    if engine != "aurora-mysql":
        return _describe_orderable(self, engine, engine_version)
    zones = sorted(z.name for z in _region_zones(self.region_name))
    return [
        {
            "Engine": engine,
            "EngineVersion": engine_version or "8.0.mysql_aurora.3.08.2",
            "DBInstanceClass": cls,
            "LicenseModel": "general-public-license",
            "AvailabilityZones": [
                {"Name": z} for z in zones if cls not in WITHOUT_CLASS.get(z, [])
            ],
            "Vpc": True,
            "SupportsStorageEncryption": True,
            "StorageType": "aurora",
            "SupportsClusters": True,
        }
        for cls in AURORA_MYSQL_CLASSES
    ]


RDSBackend.describe_orderable_db_instance_options = describe_orderable_db_instance_options

# moto keeps only a rotation's `AutomaticallyAfterDays`. AWS keeps a `ScheduleExpression` and its
# `Duration` too, refuses days together with an expression, and, with an expression, reports the
# days it computes between rotations next to it (terraform-provider-aws's `flattenRotationRules`
# says so). Which figure AWS computes for a cron is AWS's: here `rate(N days)` gives N and any
# other expression 1, so a reader that trusts the days with an expression shows up either way.
from moto.secretsmanager.exceptions import InvalidParameterException as _SmInvalidParameter
from moto.secretsmanager.exceptions import InvalidRequestException as _SmInvalidRequest
from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend as _SecretsManager

_rotate_secret = _SecretsManager.rotate_secret
ROTATION_LASTS = CONFIG.get("rotation_lasts", 0)


def _unfinished(secret):
    """The version a rotation under way holds AWSPENDING on (AWS: one other than AWSCURRENT)."""
    return next((vid for vid, v in secret.versions.items()
                 if "AWSPENDING" in v["version_stages"]
                 and "AWSCURRENT" not in v["version_stages"]), None)


def _refuse_while_rotating(secret):
    # moto's own check is the other way round (it refuses when AWSPENDING is on AWSCURRENT).
    if _unfinished(secret) is not None:
        sys.stderr.write(f"aws_behaviour: refused RotateSecret {secret.name}: a previous "
                         "rotation isn't complete\n")
        raise _SmInvalidRequest(
            "A previous rotation isn't complete. That rotation will be reattempted.")


def _run_rotation(secret, current, immediately):
    """moto "invokes" the function (a no-op without Docker) and leaves the rotation half done:
    AWSPENDING on a new version and AWSCURRENT on the old one, which by AWS's rule is a rotation
    that never ends, so AWS would refuse every later RotateSecret. Here a rotation ends as a
    successful one does, `rotation_lasts` seconds after it starts: AWSCURRENT on the new version
    (holding the old value, as moto cannot run the function that changes it), AWSPREVIOUS on the
    old. Without an immediate rotation AWS only tests the function, and the version its test
    made is gone when RotateSecret answers."""
    new = _unfinished(secret)
    if new is None or current is None:
        return
    secret.default_version_id = current
    if not immediately:
        del secret.versions[new]
        return

    def finish():
        old_v, new_v = secret.versions.get(current), secret.versions.get(new)
        if old_v is None or new_v is None or "AWSPENDING" not in new_v["version_stages"]:
            return
        for v in secret.versions.values():
            if "AWSPREVIOUS" in v["version_stages"]:
                v["version_stages"].remove("AWSPREVIOUS")
        for field in ("secret_string", "secret_binary"):
            if field in old_v and field not in new_v:
                new_v[field] = old_v[field]
        old_v["version_stages"] = ["AWSPREVIOUS"]
        new_v["version_stages"] = ["AWSCURRENT"]
        secret.default_version_id = new

    if ROTATION_LASTS:
        _later(ROTATION_LASTS, finish)
    else:
        finish()


def _days_between(expression):
    m = re.fullmatch(r"rate\((\d+) days?\)", expression)
    return int(m.group(1)) if m else 1


def rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None,
                  rotation_rules=None, rotate_immediately=True):
    _refuse_uninvokable(self, secret_id, rotation_lambda_arn)
    secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
    current = None
    if secret is not None:
        _refuse_while_rotating(secret)
        current = next((vid for vid, v in secret.versions.items()
                        if "AWSCURRENT" in v["version_stages"]), None)
    rules = dict(rotation_rules or {})
    expression = rules.get("ScheduleExpression")
    if expression and "AutomaticallyAfterDays" in rules:
        raise _SmInvalidParameter(
            "You cannot specify both rotation frequency and schedule expression together.")
    if expression:
        rules["AutomaticallyAfterDays"] = _days_between(expression)
    version = _rotate_secret(self, secret_id, client_request_token, rotation_lambda_arn,
                             rules or rotation_rules, rotate_immediately)
    if CONFIG.get("rotation") != "as_aws" and secret is not None:
        _run_rotation(secret, current, rotate_immediately)
    if rotation_rules:
        secret = self.secrets[secret_id]
        secret.auto_rotate_after_days = rules.get("AutomaticallyAfterDays", 0)
        secret.schedule_expression = expression
        secret.rotation_duration = rules.get("Duration") if expression else None
    return version


_SecretsManager.rotate_secret = rotate_secret

_secret_to_dict = FakeSecret.to_dict


def secret_to_dict(self):
    out = _secret_to_dict(self)
    rules = out.get("RotationRules")
    if rules is not None and getattr(self, "schedule_expression", None):
        rules["ScheduleExpression"] = self.schedule_expression
        if getattr(self, "rotation_duration", None):
            rules["Duration"] = self.rotation_duration
    return out


FakeSecret.to_dict = secret_to_dict

# --- zones: what each zone offers -----------------------------------------------------------------
# {"zones": {"without_endpoint_service": {"us-east-1a": ["secretsmanager"]},
#            "without_instance_class": {"us-east-1b": ["db.t3.medium"]}}}
# AWS does not offer every endpoint service or instance class in every zone of a region.

ZONES = CONFIG.get("zones", {})
WITHOUT_SERVICE = ZONES.get("without_endpoint_service", {})
WITHOUT_CLASS = ZONES.get("without_instance_class", {})


def _region_zones(region):
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

    return RegionsAndZonesBackend.zones.get(region, [])


_describe_endpoint_services = VPCBackend.describe_vpc_endpoint_services


def describe_vpc_endpoint_services(self, *args, **kwargs):
    out = _describe_endpoint_services(self, *args, **kwargs)
    if not WITHOUT_SERVICE:
        return out
    details = []
    for service in out["servicesDetails"]:
        short = service["ServiceName"].rsplit(".", 1)[-1]
        zones = [z for z in service.get("AvailabilityZones", []) if short not in WITHOUT_SERVICE.get(z, [])]
        details.append({**service, "AvailabilityZones": zones})
    return {**out, "servicesDetails": details}


VPCBackend.describe_vpc_endpoint_services = describe_vpc_endpoint_services

# --- resources that take time ---------------------------------------------------------------------

LIFECYCLE = CONFIG.get("lifecycle", {})
BUSY = {}  # id(obj) -> (obj, attribute, final value, monotonic time it is reached)
BUSY_LOCK = threading.Lock()


def _busy(obj, attribute, busy, final, seconds):
    if not seconds:
        return
    with BUSY_LOCK:
        setattr(obj, attribute, busy)
        BUSY[id(obj)] = (obj, attribute, final, time.monotonic() + seconds)


LATER = []  # (monotonic time, action): what AWS finishes on its own a while after the call


def _later(seconds, action):
    with BUSY_LOCK:
        LATER.append((time.monotonic() + seconds, action))


def _settle():
    """Moves every object whose time is up to its final state; run before each request."""
    now = time.monotonic()
    with BUSY_LOCK:
        for key, (obj, attribute, final, due) in list(BUSY.items()):
            if now >= due:
                setattr(obj, attribute, final)
                del BUSY[key]
        due = [action for at, action in LATER if now >= at]
        LATER[:] = [(at, action) for at, action in LATER if now < at]
    for action in due:
        action()


def _lifecycle(cls, method, kind, busy, final, attribute="status", own=None):
    """`own`: a key of its own that, when set, wins over `kind`'s for this one method."""
    original = getattr(cls, method)

    def patched(self, *args, **kwargs):
        obj = original(self, *args, **kwargs)
        _busy(obj, attribute, busy, final, LIFECYCLE.get(own, LIFECYCLE.get(kind, 0)))
        return obj

    setattr(cls, method, patched)


_lifecycle(RDSBackend, "create_db_cluster", "rds", "creating", "available", own="rds_cluster_create")

# moto answers "creating" for a new cluster once, then "available" (its `status` getter moves it
# on when read), which cut every busy time above short to one read. A cluster the lifecycle
# holds busy stays busy until its time is up.
_cluster_status = DBCluster.status


def _held_cluster_status(self):
    with BUSY_LOCK:
        held = id(self) in BUSY
    return self._status if held else _cluster_status.fget(self)


DBCluster.status = property(_held_cluster_status, _cluster_status.fset)
_lifecycle(RDSBackend, "create_db_instance", "rds", "creating", "available")
# moto's ModifyDBCluster answers with a copy of the cluster and marks the one it keeps
# available, so the busy time and pending values below would land on the copy; AWS answers with
# the cluster itself, which then stays modifying.
_modify_db_cluster = RDSBackend.modify_db_cluster


def modify_db_cluster(self, kwargs):
    ident = kwargs.get("new_db_cluster_identifier") or kwargs["db_cluster_identifier"]
    _modify_db_cluster(self, kwargs)
    return self.clusters[ident]


RDSBackend.modify_db_cluster = modify_db_cluster
_lifecycle(RDSBackend, "modify_db_cluster", "rds", "modifying", "available")
_lifecycle(RDSBackend, "modify_db_instance", "rds", "modifying", "available")
_lifecycle(VPCBackend, "create_vpc_endpoint", "vpc_endpoint", "pending", "available", "state")

# {"aws_managed": {"minor_upgrade": {"after": 5, "engine_version": "8.0.mysql_aurora.3.09.0"}}}:
# AWS upgrades a cluster's minor engine version on its own (auto minor version upgrade, in the
# maintenance window); here `after` seconds after the cluster is created, instances with it.
MINOR_UPGRADE = CONFIG.get("aws_managed", {}).get("minor_upgrade")
if MINOR_UPGRADE:
    _create_db_cluster = RDSBackend.create_db_cluster

    def create_db_cluster(self, kwargs):
        cluster = _create_db_cluster(self, kwargs)

        def upgrade():
            version = MINOR_UPGRADE["engine_version"]
            cluster.engine_version = version
            for db in self.databases.values():
                if getattr(db, "db_cluster_identifier", None) == cluster.db_cluster_identifier:
                    db.engine_version = version

        _later(MINOR_UPGRADE["after"], upgrade)
        return cluster

    RDSBackend.create_db_cluster = create_db_cluster

# Aurora applies a modification while the object says `modifying`, the new values shown under
# PendingModifiedValues and the old ones still in place; moto applies it at once.
PENDING_FIELDS = {"db_instance_class": "DBInstanceClass", "engine_version": "EngineVersion"}


def _pending(cls, method, store, key):
    original = getattr(cls, method)

    def patched(self, *args, **kwargs):
        seconds = LIFECYCLE.get("rds", 0)
        ident = key(*args, **kwargs)
        before = getattr(self, store).get(ident)
        old = {f: getattr(before, f, None) for f in PENDING_FIELDS} if before else {}
        obj = original(self, *args, **kwargs)
        changed = {f: getattr(obj, f) for f, v in old.items() if getattr(obj, f, None) != v}
        if not seconds or not changed:
            return obj
        for f in changed:
            setattr(obj, f, old[f])
        obj.pending_modified_values = {PENDING_FIELDS[f]: v for f, v in changed.items()}

        def apply():
            for f, v in changed.items():
                setattr(obj, f, v)
            obj.pending_modified_values = {}

        _later(seconds, apply)
        return obj

    setattr(cls, method, patched)


_pending(RDSBackend, "modify_db_instance", "databases", lambda ident, *a, **k: ident)
_pending(RDSBackend, "modify_db_cluster", "clusters", lambda kwargs: kwargs["db_cluster_identifier"])


# RDS refuses to modify a cluster or instance that is not available (creating, modifying, a
# backup, an upgrade), whoever asks; moto modifies it in any state. Wraps the patches above, so
# a refused call changes nothing.
def _available_only(method, store, key, code, message):
    original = getattr(RDSBackend, method)

    def patched(self, *args, **kwargs):
        _settle()
        obj = getattr(self, store).get(key(*args, **kwargs))
        status = getattr(obj, "status", "available") if obj is not None else "available"
        if status != "available":
            sys.stderr.write(f"aws_behaviour: refused {method} while {status}\n")
            raise RDSClientError(code, message.format(status=status))
        return original(self, *args, **kwargs)

    setattr(RDSBackend, method, patched)


_available_only("modify_db_cluster", "clusters", lambda kwargs: kwargs["db_cluster_identifier"],
                "InvalidDBClusterStateFault",
                "DB cluster is not available for modification with status {status}")
_available_only("modify_db_instance", "databases", lambda ident, *a, **k: ident,
                "InvalidDBInstanceState", "Database instance is not in available state.")


# A deleted cluster or instance stays `deleting` for a while (AWS: minutes) before it is gone,
# and while it exists its subnet group and parameter group cannot be deleted.
def _deleting(cls, method, store, id_arg):
    original = getattr(cls, method)

    def patched(self, *args, **kwargs):
        ident = kwargs.get(id_arg, args[0] if args else None)
        obj = original(self, *args, **kwargs)
        seconds = LIFECYCLE.get("rds", 0)
        if seconds:
            obj.status = "deleting"
            getattr(self, store)[ident] = obj
            _later(seconds, lambda: getattr(self, store).pop(ident, None))
        return obj

    setattr(cls, method, patched)


_deleting(RDSBackend, "delete_db_cluster", "clusters", "cluster_identifier")
_deleting(RDSBackend, "delete_db_instance", "databases", "db_instance_identifier")


# RDS refuses to delete a cluster that is busy (creating, modifying, upgrading, a backup: "is not
# currently in the available state", which terraform-provider-aws retries too), and refuses a
# second delete of a cluster or instance already being deleted (the SDK's resend of a delete whose
# response was lost); moto deletes in any state. An instance may be deleted while busy, as on AWS.
# Wraps `_deleting` above, so a refused call changes nothing.
def _delete_refused(method, action, store, id_arg, code, noun, busy_refused):
    original = getattr(RDSBackend, method)

    def patched(self, *args, **kwargs):
        _settle()
        ident = kwargs.get(id_arg, args[0] if args else None)
        obj = getattr(self, store).get(ident)
        status = getattr(obj, "status", None) if obj is not None else None
        if status == "deleting":
            sys.stderr.write(f"aws_behaviour: refused {action} while deleting\n")
            raise RDSClientError(code, f"{noun} {ident} is already being deleted.")
        if busy_refused and status not in (None, "available", "stopped"):
            sys.stderr.write(f"aws_behaviour: refused {action} while {status}\n")
            raise RDSClientError(
                code, f"{noun} {ident} is not currently in the available state.")
        return original(self, *args, **kwargs)

    setattr(RDSBackend, method, patched)


_delete_refused("delete_db_cluster", "DeleteDBCluster", "clusters", "cluster_identifier",
                "InvalidDBClusterStateFault", "DB cluster", busy_refused=True)
_delete_refused("delete_db_instance", "DeleteDBInstance", "databases", "db_instance_identifier",
                "InvalidDBInstanceState", "Instance", busy_refused=False)


def _rds_users(backend):
    return list(backend.clusters.values()) + list(backend.databases.values())


_delete_subnet_group = RDSBackend.delete_subnet_group


def delete_subnet_group(self, subnet_name):
    users = [o for o in _rds_users(self) if getattr(o, "db_subnet_group_name", None) == subnet_name]
    if users:
        raise RDSClientError(
            "InvalidDBSubnetGroupStateFault",
            f"Cannot delete the subnet group '{subnet_name}' because at least one database "
            "cluster or instance is still using it.",
        )
    return _delete_subnet_group(self, subnet_name)


RDSBackend.delete_subnet_group = delete_subnet_group

_delete_cluster_parameter_group = RDSBackend.delete_db_cluster_parameter_group


def delete_db_cluster_parameter_group(self, db_cluster_parameter_group_name):
    name = db_cluster_parameter_group_name
    if any(getattr(c, "parameter_group", None) == name for c in self.clusters.values()):
        raise RDSClientError(
            "InvalidDBParameterGroupState",
            f"One or more database clusters are still members of parameter group {name}.",
        )
    return _delete_cluster_parameter_group(self, db_cluster_parameter_group_name=name)


RDSBackend.delete_db_cluster_parameter_group = delete_db_cluster_parameter_group

# --- eventual consistency ------------------------------------------------------------------------

PROPAGATION = CONFIG.get("propagation", {})
CREATED = {}  # ("role", name) / ("key", key id) / ... -> time.monotonic() of creation


def _recent(kind, name, seconds):
    at = CREATED.get((kind, name))
    return at is not None and time.monotonic() - at < seconds


# {"propagation": {"secret_name_after_delete": 5}}: AWS releases a force-deleted secret's name a
# few seconds after DeleteSecret answers; a create of that name before then is refused.
_delete_secret = _SecretsManager.delete_secret
_create_secret = _SecretsManager.create_secret


def delete_secret(self, secret_id, recovery_window_in_days, force_delete_without_recovery):
    out = _delete_secret(self, secret_id, recovery_window_in_days, force_delete_without_recovery)
    if force_delete_without_recovery:
        CREATED[("deleted secret", out[1])] = time.monotonic()
    return out


def create_secret(self, name, *args, **kwargs):
    if _recent("deleted secret", name, PROPAGATION.get("secret_name_after_delete", 0)):
        sys.stderr.write(f"aws_behaviour: refused CreateSecret {name}: name not released yet\n")
        raise _SmInvalidRequest(
            "You can't create this secret because a secret with this name is already scheduled "
            "for deletion."
        )
    return _create_secret(self, name, *args, **kwargs)


_SecretsManager.delete_secret = delete_secret
_SecretsManager.create_secret = create_secret

# {"propagation": {"bucket_name_after_delete": 5}}: S3 releases a deleted bucket's name seconds to
# minutes after DeleteBucket answers; a create of that name before then is refused with
# OperationAborted (409).
from moto.s3.exceptions import S3ClientError as _S3ClientError
from moto.s3.models import S3Backend as _S3Backend

_delete_bucket = _S3Backend.delete_bucket
_create_bucket = _S3Backend.create_bucket


def delete_bucket(self, bucket_name):
    deleted = _delete_bucket(self, bucket_name)
    if deleted is not None:
        CREATED[("deleted bucket", bucket_name)] = time.monotonic()
    return deleted


def create_bucket(self, bucket_name, *args, **kwargs):
    if _recent("deleted bucket", bucket_name, PROPAGATION.get("bucket_name_after_delete", 0)):
        sys.stderr.write(f"aws_behaviour: refused CreateBucket {bucket_name}: name not released "
                         "yet\n")
        raise _S3ClientError(
            "OperationAborted",
            "A conflicting conditional operation is currently in progress against this "
            "resource. Please try again.",
        )
    return _create_bucket(self, bucket_name, *args, **kwargs)


_S3Backend.delete_bucket = delete_bucket
_S3Backend.create_bucket = create_bucket

_create_role = IAMBackend.create_role


def create_role(self, role_name, *args, **kwargs):
    role = _create_role(self, role_name, *args, **kwargs)
    CREATED[("role", role_name)] = time.monotonic()
    return role


IAMBackend.create_role = create_role

_create_key = KmsBackend.create_key


def create_key(self, *args, **kwargs):
    key = _create_key(self, *args, **kwargs)
    CREATED[("key", key.id)] = time.monotonic()
    return key


KmsBackend.create_key = create_key

# RotateSecret makes Secrets Manager invoke the function (its testSecret step, or the whole
# rotation), as the service principal: AWS refuses the call unless the function's resource policy
# allows `secretsmanager.amazonaws.com` for this secret, and a permission added moments ago may
# not be honoured yet ({"propagation": {"invoke_permission": 5}}). moto invokes without checking.
def _allows_secrets_manager(statement, secret_arn, account):
    principal = statement.get("Principal")
    service = principal.get("Service") if isinstance(principal, dict) else principal
    action = statement.get("Action")
    if (statement.get("Effect") != "Allow" or service != "secretsmanager.amazonaws.com"
            or action not in ("lambda:InvokeFunction", "lambda:*")):
        return False
    condition = statement.get("Condition") or {}
    source_arn = (condition.get("ArnLike") or condition.get("ArnEquals") or {}).get(
        "AWS:SourceArn")
    source_account = (condition.get("StringEquals") or {}).get("AWS:SourceAccount")
    return ((source_arn is None or fnmatch.fnmatchcase(secret_arn, source_arn))
            and (source_account is None or source_account == account))


def _refuse_uninvokable(self, secret_id, function_arn):
    if not function_arn or not self._is_valid_identifier(secret_id):
        return  # moto's own answer
    from moto.awslambda.utils import get_backend

    try:
        fn = get_backend(self.account_id, self.region_name).get_function(function_arn)
    except Exception:
        return  # moto answers ResourceNotFoundException
    secret = self.secrets[secret_id]
    wait = PROPAGATION.get("invoke_permission", 0)
    honoured = [
        st for st in fn.policy.statements
        if _allows_secrets_manager(st, secret.arn, self.account_id)
        and not _recent("permission", (fn.function_arn, st.get("Sid")), wait)
    ]
    if not honoured:
        sys.stderr.write(f"aws_behaviour: refused RotateSecret {secret.name}: the function's "
                         "policy does not let Secrets Manager invoke it (yet)\n")
        raise JsonRESTError(
            "AccessDeniedException",
            "Secrets Manager cannot invoke the specified Lambda function. Ensure that the "
            "function policy grants access to the principal secretsmanager.amazonaws.com.",
        )


_add_permission = LambdaBackend.add_permission


def add_permission(self, function_name, qualifier, raw):
    statement = _add_permission(self, function_name, qualifier, raw)
    fn = self.get_function(function_name, qualifier)
    CREATED[("permission", (fn.function_arn, statement.get("Sid")))] = time.monotonic()
    return statement


LambdaBackend.add_permission = add_permission

_create_function = LambdaBackend.create_function


def create_function(self, spec):
    role = (spec.get("Role") or "").rsplit("/", 1)[-1]
    if _recent("role", role, PROPAGATION.get("role_for_lambda", 0)):
        raise InvalidParameterValueException(
            "The role defined for the function cannot be assumed by Lambda."
        )
    _refuse_without_interface_permissions(self, role, spec.get("VpcConfig"))
    fn = _create_function(self, spec)
    _attach_enis(self, fn, spec)
    _busy(fn, "state", "Pending", "Active", LIFECYCLE.get("lambda", 0))
    return fn


LambdaBackend.create_function = create_function


# An updated function says LastUpdateStatus InProgress for a while (`lifecycle.lambda`), and
# Lambda refuses another update then, or while the function is still Pending, with
# ResourceConflictException; moto updates at once and always says Successful.
class ResourceConflict(LambdaClientError):
    code = 409

    def __init__(self, message):
        super().__init__("ResourceConflictException", message)


UPDATING = {}  # function ARN -> monotonic time its update finishes


def _updating(fn):
    return UPDATING.get(fn.function_arn, 0) > time.monotonic()


def _update(method):
    original = getattr(LambdaBackend, method)

    def patched(self, function_name, qualifier, body):
        seconds = LIFECYCLE.get("lambda", 0)
        if not seconds:
            return original(self, function_name, qualifier, body)
        fn = self.get_function(function_name, qualifier)
        if fn.state == "Pending":
            raise ResourceConflict(
                "The operation cannot be performed at this time. The function is currently in "
                "the following state: Pending"
            )
        if _updating(fn):
            raise ResourceConflict(
                "The operation cannot be performed at this time. An update is in progress for "
                f"resource: {fn.function_arn}"
            )
        UPDATING[fn.function_arn] = time.monotonic() + seconds
        try:
            return original(self, function_name, qualifier, body)
        except Exception:
            UPDATING.pop(fn.function_arn, None)
            raise

    setattr(LambdaBackend, method, patched)


_update("update_function_code")
_update("update_function_configuration")
_update_configuration = LambdaBackend.update_function_configuration


def update_function_configuration(self, function_name, qualifier, body):
    if body.get("VpcConfig") is not None:
        role = body.get("Role") or self.get_function(function_name, qualifier).role
        _refuse_without_interface_permissions(self, role.rsplit("/", 1)[-1], body["VpcConfig"])
    return _update_configuration(self, function_name, qualifier, body)


LambdaBackend.update_function_configuration = update_function_configuration
_get_configuration = LambdaFunction.get_configuration


def get_configuration(self, on_create=False):
    config = _get_configuration(self, on_create)
    if _updating(self):
        config["LastUpdateStatus"] = "InProgress"
    return config


LambdaFunction.get_configuration = get_configuration

_create_log_group = LogsBackend.create_log_group


def create_log_group(self, log_group_name, tags, **kwargs):
    key = (kwargs.get("kmsKeyId") or "").rsplit("/", 1)[-1]
    if key and _recent("key", key, PROPAGATION.get("key_for_logs", 0)):
        raise JsonRESTError(
            "AccessDeniedException",
            f"The specified KMS key does not exist or is not allowed to be used with Arn "
            f"'arn:aws:logs:{self.region_name}:{self.account_id}:log-group:{log_group_name}'",
        )
    return _create_log_group(self, log_group_name, tags, **kwargs)


LogsBackend.create_log_group = create_log_group

# --- eventual consistency of EC2 reads -----------------------------------------------------------
# {"consistency": {"ec2_describe_after_create": 2}}: for that many seconds after a VPC, subnet,
# security group, route table or endpoint is created, a Describe naming its id answers
# Invalid...NotFound, as EC2 does (its reads are eventually consistent with its writes).

CONSISTENCY = CONFIG.get("consistency", {})
EC2_NEW = {}  # EC2 id -> monotonic time of creation
EC2_ID_PARAMS = {
    "DescribeVpcs": ("VpcId.", "InvalidVpcID.NotFound", "The vpc ID '{}' does not exist"),
    "DescribeSubnets": ("SubnetId.", "InvalidSubnetID.NotFound", "The subnet ID '{}' does not exist"),
    "DescribeSecurityGroups": ("GroupId.", "InvalidGroup.NotFound", "The security group '{}' does not exist"),
    "DescribeRouteTables": ("RouteTableId.", "InvalidRouteTableID.NotFound", "The routeTable ID '{}' does not exist"),
    "DescribeVpcEndpoints": ("VpcEndpointId.", "InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '{}' does not exist"),
}


def _remember_ec2(cls, method):
    original = getattr(cls, method)

    def patched(self, *args, **kwargs):
        obj = original(self, *args, **kwargs)
        EC2_NEW[obj.id] = time.monotonic()
        return obj

    setattr(cls, method, patched)


if CONSISTENCY.get("ec2_describe_after_create"):
    from moto.ec2.models.route_tables import RouteBackend

    for _cls, _method in [
        (VPCBackend, "create_vpc"),
        (SubnetBackend, "create_subnet"),
        (SecurityGroupBackend, "create_security_group"),
        (RouteBackend, "create_route_table"),
        (VPCBackend, "create_vpc_endpoint"),
    ]:
        _remember_ec2(_cls, _method)


def _not_yet_visible(environ):
    """The NotFound a Describe of a just-created EC2 object gets, or None."""
    seconds = CONSISTENCY.get("ec2_describe_after_create", 0)
    if not seconds or _service(environ) != "ec2":
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    params = urllib.parse.parse_qs(body.decode())
    action = (params.get("Action") or [""])[0]
    if action not in EC2_ID_PARAMS:
        return None
    prefix, code, message = EC2_ID_PARAMS[action]
    now = time.monotonic()
    for key, values in params.items():
        for value in values if key.startswith(prefix) else []:
            if now - EC2_NEW.get(value, -1e9) < seconds:
                return _error("ec2", 400, code, message.format(value))
    return None


# --- Lambda network interfaces -------------------------------------------------------------------

ENIS = CONFIG.get("lambda_enis")
FUNCTION_ENIS = {}  # function name -> (account, region, role name, [eni ids])


def _attach_enis(backend, fn, spec):
    vpc = spec.get("VpcConfig") or {}
    if ENIS is None or not vpc.get("SubnetIds"):
        return
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    ids = []
    for subnet_id in vpc["SubnetIds"]:
        eni = ec2.create_network_interface(
            subnet=ec2.get_subnet(subnet_id),
            private_ip_address=None,
            group_ids=vpc.get("SecurityGroupIds") or [],
            description=f"AWS Lambda VPC ENI-{fn.function_name}-{uuid.uuid4()}",
        )
        eni.requester_managed = True
        eni.status = "in-use"
        ids.append(eni.id)
    role = (spec.get("Role") or "").rsplit("/", 1)[-1]
    FUNCTION_ENIS[fn.function_name] = (backend.account_id, backend.region_name, role, ids)


def _role_may_delete_interfaces(account, role_name):
    seen = _role_policies(account, role_name)
    if seen is None:
        return False
    documents, managed = seen
    any_interface = f"arn:aws:ec2:*:{account}:network-interface/eni-0"
    return managed or _allows(documents, "ec2:DeleteNetworkInterface", any_interface)


# Lambda checks, when a function is created or moved into subnets, that its role may manage
# network interfaces there ("The provided execution role does not have permissions to call
# CreateNetworkInterface on EC2"), through IAM, which takes seconds to show a role's new inline
# policy ({"propagation": {"role_policy": 3}}: until then the policy it replaced is seen).
ROLE_POLICY_PUT = {}  # (role name, policy name) -> (monotonic time, the document before)


def _listed(value):
    return value if isinstance(value, list) else [value]


def _allows(documents, action, resource):
    """IAM's evaluation less conditions (they only narrow): an explicit Deny wins, else an Allow."""
    allowed = False
    for document in documents:
        parsed = json.loads(document) if isinstance(document, str) else document
        for st in _listed(parsed.get("Statement", [])):
            if "Action" not in st or "Resource" not in st:
                continue  # NotAction, NotResource: not modelled
            if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _listed(st["Action"])):
                continue
            if not any(fnmatch.fnmatchcase(resource, r) for r in _listed(st["Resource"])):
                continue
            if st.get("Effect") == "Deny":
                return False
            allowed = allowed or st.get("Effect") == "Allow"
    return allowed


def _role(iam, name):
    return next((r for r in iam.roles.values() if r.name == name), None)


def _role_policies(account, role_name, as_propagated=False):
    """The role's inline policy documents (as IAM shows them to other services so far, if
    `as_propagated`) and whether managed policies are attached, or None without the role."""
    role = _role(iam_backends[account]["aws"], role_name)  # IAM: one backend per partition
    if role is None:
        return None
    wait = PROPAGATION.get("role_policy", 0) if as_propagated else 0
    documents = []
    for name, document in role.policies.items():
        at, before = ROLE_POLICY_PUT.get((role_name, name), (0, None))
        if wait and time.monotonic() - at < wait:
            document = before
        if document is not None:
            documents.append(document)
    return documents, bool(role.managed_policies)


def _refuse_without_interface_permissions(backend, role_name, vpc):
    if not vpc or not vpc.get("SubnetIds"):
        return
    seen = _role_policies(backend.account_id, role_name, as_propagated=True)
    if seen is None or seen[1]:
        return  # no role: moto's answer; managed policies: not modelled
    documents = seen[0]

    def arn(kind, ident):
        return f"arn:aws:ec2:{backend.region_name}:{backend.account_id}:{kind}/{ident}"

    needs = [("ec2:CreateNetworkInterface", arn("network-interface", "eni-0")),
             ("ec2:DescribeNetworkInterfaces", "*"),
             ("ec2:DeleteNetworkInterface", arn("network-interface", "eni-0"))]
    needs += [("ec2:CreateNetworkInterface", arn("subnet", s)) for s in vpc["SubnetIds"]]
    needs += [("ec2:CreateNetworkInterface", arn("security-group", g))
              for g in vpc.get("SecurityGroupIds") or []]
    for action, resource in needs:
        if not _allows(documents, action, resource):
            sys.stderr.write(f"aws_behaviour: refused a function in subnets: role {role_name} "
                             f"may not {action} on {resource} (yet)\n")
            raise InvalidParameterValueException(
                "The provided execution role does not have permissions to call "
                f"{action.split(':')[1]} on EC2"
            )


_put_role_policy = IAMBackend.put_role_policy


def put_role_policy(self, role_name, policy_name, policy_json):
    role = _role(self, role_name)
    before = role.policies.get(policy_name) if role is not None else None
    _put_role_policy(self, role_name, policy_name, policy_json)
    ROLE_POLICY_PUT[(role_name, policy_name)] = (time.monotonic(), before)


IAMBackend.put_role_policy = put_role_policy


def _release(function_name):
    try:
        _release_now(function_name)
    except Exception:  # a timer thread dies silently otherwise; say why in moto's log
        traceback.print_exc()


def _release_now(function_name):
    account, region, role, ids = FUNCTION_ENIS.pop(function_name)
    ec2 = ec2_backends[account][region]
    if _role_may_delete_interfaces(account, role):
        for eni_id in ids:
            ec2.enis.pop(eni_id, None)
    else:
        # Lambda cannot clean up without its role: the interfaces stay, detached.
        for eni_id in ids:
            if eni_id in ec2.enis:
                ec2.enis[eni_id].status = "available"


_delete_function = LambdaBackend.delete_function


def delete_function(self, function_name, qualifier=None):
    _delete_function(self, function_name, qualifier)
    name = function_name.rsplit(":", 1)[-1]  # a name, or an ARN ending in `function:<name>`
    if ENIS is not None and name in FUNCTION_ENIS:
        timer = threading.Timer(ENIS.get("release_after", 3), _release, [name])
        timer.daemon = True
        timer.start()


LambdaBackend.delete_function = delete_function


def _in_use(ec2, what, test):
    # Only Lambda's interfaces: moto keeps an interface endpoint's interface in a subnet the
    # endpoint no longer uses (AWS deletes it), which would block that subnet for ever.
    for eni in list(ec2.enis.values()):
        if (eni.description or "").startswith("AWS Lambda VPC ENI") and test(eni):
            raise DependencyViolationError(
                f"The {what} has dependencies and cannot be deleted (network interface {eni.id})."
            )


_delete_subnet = SubnetBackend.delete_subnet


def delete_subnet(self, subnet_id):
    _in_use(self, f"subnet '{subnet_id}'", lambda e: e.subnet.id == subnet_id)
    return _delete_subnet(self, subnet_id)


SubnetBackend.delete_subnet = delete_subnet

_delete_security_group = SecurityGroupBackend.delete_security_group


def delete_security_group(self, name=None, group_id=None):
    if group_id:
        _in_use(
            self,
            f"security group '{group_id}'",
            lambda e: any(g.id == group_id for g in e.group_set),
        )
    return _delete_security_group(self, name=name, group_id=group_id)


SecurityGroupBackend.delete_security_group = delete_security_group

# --- faults, in each protocol's own error shape --------------------------------------------------

# moto keeps CreateVpcEndpoint's ClientToken but makes a new endpoint for a repeated one; EC2
# answers a repeated token with the endpoint the first request made. Applied after every other
# patch of the method, so a repeat changes nothing.
_create_vpc_endpoint = VPCBackend.create_vpc_endpoint


def create_vpc_endpoint(self, *args, **kwargs):
    token = kwargs.get("client_token")
    if token:
        for endpoint in self.vpc_end_points.values():
            if getattr(endpoint, "client_token", None) == token:
                return endpoint
    return _create_vpc_endpoint(self, *args, **kwargs)


VPCBackend.create_vpc_endpoint = create_vpc_endpoint

# Account quotas on how many objects of a kind a region holds, as AWS's defaults unless the
# configuration says otherwise (`{"quotas": {"vpcs_per_region": 2}}`); moto has none. The default
# VPC counts, as on AWS. Every caller is held to them, the tests' own boto3 calls too.
QUOTAS = {"vpcs_per_region": 5, "trails_per_region": 5, **CONFIG.get("quotas", {})}

from moto.ec2.exceptions import EC2ClientError
from moto.cloudtrail.models import CloudTrailBackend

_create_vpc_quota = VPCBackend.create_vpc


def create_vpc_within_quota(self, *args, **kwargs):
    if len(self.vpcs) >= QUOTAS["vpcs_per_region"]:
        sys.stderr.write("aws_behaviour: refused CreateVpc: VPCs per region quota reached\n")
        raise EC2ClientError("VpcLimitExceeded", "The maximum number of VPCs has been reached.")
    return _create_vpc_quota(self, *args, **kwargs)


VPCBackend.create_vpc = create_vpc_within_quota


class MaximumNumberOfTrailsExceeded(JsonRESTError):
    code = 400

    def __init__(self, account, region):
        super().__init__(
            "MaximumNumberOfTrailsExceededException",
            f"User: {account} already has {QUOTAS['trails_per_region']} trails in {region}.",
        )


_create_trail = CloudTrailBackend.create_trail


def create_trail_within_quota(self, name, *args, **kwargs):
    # AWS counts the account's trails homed here and its multi-region trails homed elsewhere.
    counted = [t for t in self.describe_trails(include_shadow_trails=True)
               if t.account_id == self.account_id]
    if len(counted) >= QUOTAS["trails_per_region"]:
        sys.stderr.write(f"aws_behaviour: refused CreateTrail {name}: trails per region quota "
                         "reached\n")
        raise MaximumNumberOfTrailsExceeded(self.account_id, self.region_name)
    return _create_trail(self, name, *args, **kwargs)


CloudTrailBackend.create_trail = create_trail_within_quota

FAULTS = CONFIG.get("faults", {})
BURSTS = CONFIG.get("throttled_for", {})
BURST_STARTS = {}
RANDOM = random.Random(CONFIG.get("seed", 0))
RANDOM_LOCK = threading.Lock()

QUERY_XML = {"iam", "rds", "sts"}


def _service(environ):
    auth = environ.get("HTTP_AUTHORIZATION", "")
    # Credential=AKID/20261130/us-east-1/ec2/aws4_request
    parts = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return parts[3] if len(parts) >= 5 else ""


def _error(service, status, code, message):
    """The response AWS sends for `code` in `service`'s protocol."""
    request_id = str(uuid.uuid4())
    if service == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
            f"</Errors><RequestID>{request_id}</RequestID></Response>"
        )
        return status, [("Content-Type", "text/xml")], body
    if service in QUERY_XML:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId>"
            f"</ErrorResponse>"
        )
        return status, [("Content-Type", "text/xml")], body
    if service == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        return status, [("Content-Type", "application/xml")], body
    if service == "lambda":
        body = json.dumps({"Type": "Service", "message": message})
        return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], body
    body = json.dumps({"__type": code, "message": message})
    return status, [("Content-Type", "application/x-amz-json-1.1")], body


THROTTLING = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "s3": (503, "SlowDown", "Please reduce your request rate."),
    "lambda": (429, "TooManyRequestsException", "Rate exceeded"),
}
SERVER_ERROR = {
    "ec2": (503, "Unavailable", "The server is overloaded and can't handle the request."),
    "s3": (500, "InternalError", "We encountered an internal error. Please try again."),
    "lambda": (500, "ServiceException", "An internal error occurred."),
}


READ_ONLY = ("Describe", "Get", "List", "Lookup", "Filter", "Search", "Head")


def _operation(environ):
    """What the call does, as a key: its action where the protocol names one (query protocols in
    the body, JSON protocols in X-Amz-Target), else its method and path shape (Lambda, S3)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        action = urllib.parse.parse_qs(body.decode()).get("Action")
        if action:
            return action[0]
    method = environ.get("REQUEST_METHOD", "GET")
    segments = len([p for p in environ.get("PATH_INFO", "").split("/") if p])
    query = sorted(urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    return f"{_service(environ)} {method} {segments} {'&'.join(query)}"


def _changes_something(environ, operation):
    if " " in operation:
        return environ.get("REQUEST_METHOD") in ("POST", "PUT", "DELETE", "PATCH")
    return not operation.startswith(READ_ONLY)


LOSE_FIRST = CONFIG.get("lose_first_response", False)
LOST = set()  # the operations whose first response was lost
STALLS = CONFIG.get("stalled_responses", {})
STALLED = set()  # the operations whose first response was stalled


def _first_of(operation, seen, what):
    """Whether this is the first call of `operation` (then noted in `seen` and said on stderr)."""
    with RANDOM_LOCK:
        if operation in seen:
            return False
        seen.add(operation)
    sys.stderr.write(f"aws_behaviour: {what} the response of {operation}\n")
    return True


def _lose_this_one(environ):
    if not LOSE_FIRST:
        return False
    operation = _operation(environ)
    return _changes_something(environ, operation) and _first_of(operation, LOST, "lost")


def _stall_for(environ):
    """Seconds to hold this call's response back, if it is the first of a stalled operation."""
    if not STALLS:
        return None
    operation = _operation(environ)
    if operation in STALLS and _first_of(operation, STALLED, "stalled"):
        return STALLS[operation]
    return None


def _cut(environ):
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Behaviour:
    """WSGI middleware in front of moto: latency and faults for the provider's requests."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        _settle()
        if "aws-sdk-rust" not in environ.get("HTTP_USER_AGENT", ""):
            return self.app(environ, start_response)
        stale = _not_yet_visible(environ)
        if stale:
            status, headers, body = stale
            start_response(f"{status} Error", headers)
            return [body.encode()]
        service = _service(environ)
        if service in BURSTS:
            with RANDOM_LOCK:
                started = BURST_STARTS.setdefault(service, time.monotonic())
            if time.monotonic() - started < BURSTS[service]:
                return self._throttle(service, start_response)
        stall = _stall_for(environ)
        if stall is not None:
            return self._stall(environ, stall)
        if _lose_this_one(environ):
            return self._lose(environ)
        if not FAULTS:
            return self.app(environ, start_response)
        time.sleep(FAULTS.get("latency_ms", 0) / 1000)
        with RANDOM_LOCK:
            draw = RANDOM.random()
        edges = []
        total = 0.0
        for name in ("throttle", "server_error", "cut_before", "lost_response"):
            total += FAULTS.get(name, 0)
            edges.append((total, name))
        fault = next((name for edge, name in edges if draw < edge), None)
        if fault == "throttle":
            return self._throttle(service, start_response)
        if fault == "server_error":
            default = (500, "InternalFailure", "An internal error occurred.")
            return self._respond(_error(service, *SERVER_ERROR.get(service, default)), start_response)
        if fault == "cut_before":
            _cut(environ)
            return []
        if fault == "lost_response":
            return self._lose(environ)
        return self.app(environ, start_response)

    def _lose(self, environ):
        """moto acts; the caller never hears back."""
        body = b"".join(self.app(environ, lambda *a, **k: None))
        del body
        _cut(environ)
        return []


    def _stall(self, environ, seconds):
        """moto acts; the caller hears nothing for `seconds`, the connection open, then it ends."""
        body = b"".join(self.app(environ, lambda *a, **k: None))
        del body
        time.sleep(seconds)
        _cut(environ)
        return []

    def _throttle(self, service, start_response):
        code = "Throttling" if service in QUERY_XML else "ThrottlingException"
        default = (400, code, "Rate exceeded")
        return self._respond(_error(service, *THROTTLING.get(service, default)), start_response)

    @staticmethod
    def _respond(response, start_response):
        status, headers, body = response
        start_response(f"{status} Error", headers)
        return [body.encode()]


def main():
    args = sys.argv[1:]
    host = args[args.index("-H") + 1] if "-H" in args else "127.0.0.1"
    port = int(args[args.index("-p") + 1]) if "-p" in args else 5000
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, Behaviour(app), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
