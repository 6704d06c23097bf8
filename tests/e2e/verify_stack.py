"""Checks SPEC §3.2 against the AWS emulator, point by point, for a stack Terraform applied.

usage: verify_stack.py ENDPOINT SUFFIX STATE_JSON   (STATE_JSON: `terraform show -json` output)
       verify_stack.py ENDPOINT SUFFIX --nothing-left
       verify_stack.py ENDPOINT SUFFIX --password SECRET_ARN
       verify_stack.py ENDPOINT SUFFIX --create-untagged-secret NAME | --delete-secret NAME
       verify_stack.py ENDPOINT SUFFIX --rotate-by-hand SECRET_ARN
       verify_stack.py ENDPOINT SUFFIX --log-rotation-failure SECRET_ARN LOG_GROUP
       verify_stack.py ENDPOINT SUFFIX --set-retention LOG_GROUP DAYS | --delete-vpc-endpoint ID
       verify_stack.py ENDPOINT SUFFIX --tags COMPONENTS_JSON KEY VALUE|-   (every taggable object)
       verify_stack.py ENDPOINT SUFFIX --engine-version CLUSTER
       verify_stack.py ENDPOINT SUFFIX --app-secret COMPONENTS_JSON APP_USERNAME | --no-app-secret

Prints one line per failed check and exits 1 if any failed.
"""
import json
import sys

import boto3

endpoint, suffix = sys.argv[1], sys.argv[2]
session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


def client(name):
    return session.client(name, endpoint_url=endpoint)


failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


MANAGEMENT = {"Key": "vault:stack", "Value": suffix}


def lambda_interfaces(ec2):
    """The rotation function's network interfaces (Lambda names them after the function)."""
    f = [{"Name": "description", "Values": [f"AWS Lambda VPC ENI-rotation-{suffix}*"]}]
    return ec2.describe_network_interfaces(Filters=f)["NetworkInterfaces"]


def nothing_left():
    ec2 = client("ec2")
    tag_filter = [{"Name": "tag:vault:stack", "Values": [suffix]}]
    for what, items in [
        ("vpcs", ec2.describe_vpcs(Filters=tag_filter)["Vpcs"]),
        ("subnets", ec2.describe_subnets(Filters=tag_filter)["Subnets"]),
        ("route tables", ec2.describe_route_tables(Filters=tag_filter)["RouteTables"]),
        ("security groups", ec2.describe_security_groups(Filters=tag_filter)["SecurityGroups"]),
        ("vpc endpoints", [e for e in ec2.describe_vpc_endpoints(Filters=tag_filter)["VpcEndpoints"] if e["State"] != "deleted"]),
    ]:
        check(not items, f"{len(items)} {what} tagged vault:stack={suffix} left")
    interfaces = lambda_interfaces(ec2)
    check(not interfaces, f"{len(interfaces)} Lambda network interfaces left")
    kms = client("kms")
    for k in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        if meta["KeyState"] == "PendingDeletion":
            continue
        tags = kms.list_resource_tags(KeyId=k["KeyId"]).get("Tags", [])
        check({"TagKey": "vault:stack", "TagValue": suffix} not in tags, f"kms key {k['KeyId']} left")
    logs = client("logs")
    for g in logs.describe_log_groups()["logGroups"]:
        tags = logs.list_tags_log_group(logGroupName=g["logGroupName"]).get("tags", {})
        check(tags.get("vault:stack") != suffix, f"log group {g['logGroupName']} left")
    iam = client("iam")
    for r in iam.list_roles()["Roles"]:
        tags = iam.list_role_tags(RoleName=r["RoleName"]).get("Tags", [])
        check(MANAGEMENT not in tags, f"iam role {r['RoleName']} left")
    rds = client("rds")
    for c in rds.describe_db_clusters()["DBClusters"]:
        check(MANAGEMENT not in c.get("TagList", []), f"db cluster {c['DBClusterIdentifier']} left")
    for i in rds.describe_db_instances()["DBInstances"]:
        check(MANAGEMENT not in i.get("TagList", []), f"db instance {i['DBInstanceIdentifier']} left")
    for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]:
        tags = rds.list_tags_for_resource(ResourceName=g["DBSubnetGroupArn"])["TagList"]
        check(MANAGEMENT not in tags, f"db subnet group {g['DBSubnetGroupName']} left")
    for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]:
        tags = rds.list_tags_for_resource(ResourceName=g["DBClusterParameterGroupArn"])["TagList"]
        check(MANAGEMENT not in tags, f"db cluster parameter group {g['DBClusterParameterGroupName']} left")
    sm = client("secretsmanager")
    for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]:
        check(MANAGEMENT not in s.get("Tags", []), f"secret {s['Name']} left")
    lam = client("lambda")
    for f in lam.list_functions()["Functions"]:
        tags = lam.list_tags(Resource=f["FunctionArn"]).get("Tags", {})
        check(tags.get("vault:stack") != suffix, f"lambda function {f['FunctionName']} left")
    s3 = client("s3")
    for b in s3.list_buckets()["Buckets"]:
        try:
            tags = s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"]
        except Exception:
            tags = []
        check(MANAGEMENT not in tags, f"bucket {b['Name']} left")
    ct = client("cloudtrail")
    for t in ct.describe_trails()["trailList"]:
        tags = ct.list_tags(ResourceIdList=[t["TrailARN"]])["ResourceTagList"]
        tag_list = tags[0].get("TagsList", []) if tags else []
        check(MANAGEMENT not in tag_list, f"trail {t['Name']} left")


def applied(state_path):
    with open(state_path) as f:
        doc = json.load(f)
    res = next(r for r in doc["values"]["root_module"]["resources"] if r["type"] == "vault_secrets_stack")
    v = res["values"]
    comps = v["components"]
    keys = v["kms_key_arns"]
    ec2, kms, logs, rds, sm, lam, iam, ct, s3 = (client(n) for n in ["ec2", "kms", "logs", "rds", "secretsmanager", "lambda", "iam", "cloudtrail", "s3"])
    want_tags = {"Environment": suffix, "vault:stack": suffix, "CostCenter": None, "Compliance": None}

    def tags_ok(tags, what):
        for k, val in want_tags.items():
            check(k in tags and (val is None or tags[k] == val), f"{what} lacks tag {k}" + (f"={val}" if val else ""))

    def named(name, what):
        check(suffix in name, f"{what} name {name!r} does not carry the suffix")

    # Network.
    vpc_id = v["vpc_id"]
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    tags_ok({t["Key"]: t["Value"] for t in vpc.get("Tags", [])}, "vpc")
    named({t["Key"]: t["Value"] for t in vpc.get("Tags", [])}.get("Name", ""), "vpc")
    for attr, key in [("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")]:
        check(ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attr)[key]["Value"], f"vpc {attr} off")
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    check(not igws, "an internet gateway is attached")
    nats = [n for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"] if n["State"] != "deleted"]
    check(not nats, "a NAT gateway exists")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    check(len(subnets) == len(v["private_subnet_ids"]) >= 2, f"subnets: {len(subnets)}")
    for s in subnets:
        check(not s["MapPublicIpOnLaunch"], f"subnet {s['SubnetId']} maps public IPs")
        tags_ok({t["Key"]: t["Value"] for t in s.get("Tags", [])}, f"subnet {s['SubnetId']}")
    for rt in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]:
        for r in rt["Routes"]:
            check(r.get("GatewayId", "local") == "local", f"route table {rt['RouteTableId']} has a route out: {r}")
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    for g in groups:
        for perm in g["IpPermissions"] + g["IpPermissionsEgress"]:
            for rng in perm.get("IpRanges", []):
                check(rng.get("CidrIp") != "0.0.0.0/0", f"security group {g['GroupName']} opens 0.0.0.0/0")
    sg = v["security_group_ids"]
    by_id = {g["GroupId"]: g for g in groups}

    def peers(perms):
        return sorted((p.get("FromPort"), pair["GroupId"]) for p in perms for pair in p.get("UserIdGroupPairs", []))

    port = 3306
    check(peers(by_id[sg["database"]]["IpPermissions"]) == [(port, sg["lambda"])], f"database group ingress {peers(by_id[sg['database']]['IpPermissions'])}")
    check(peers(by_id[sg["endpoints"]]["IpPermissions"]) == [(443, sg["lambda"])], f"endpoints group ingress {peers(by_id[sg['endpoints']]['IpPermissions'])}")
    check(peers(by_id[sg["lambda"]]["IpPermissionsEgress"]) == sorted([(port, sg["database"]), (443, sg["endpoints"])]), f"lambda group egress {peers(by_id[sg['lambda']]['IpPermissionsEgress'])}")
    check(not any(p.get("IpRanges") for p in by_id[sg["lambda"]]["IpPermissionsEgress"]), "lambda group egress has CIDR rules")
    eps = ec2.describe_vpc_endpoints(VpcEndpointIds=list(v["vpc_endpoint_ids"].values()))["VpcEndpoints"]
    check(len(eps) == 2, f"{len(eps)} vpc endpoints")
    for e in eps:
        check(e["VpcEndpointType"] == "Interface" and e["PrivateDnsEnabled"], f"endpoint {e['ServiceName']} not interface with private DNS")

    # Keys.
    for purpose, arn in keys.items():
        check(kms.get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"], f"{purpose} key rotation off")
        tags_ok({t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=arn)["Tags"]}, f"{purpose} key")
        aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=arn)["Aliases"]]
        check(any(suffix in a for a in aliases), f"{purpose} key has no alias with the suffix: {aliases}")

    # Logs.
    for purpose, name in v["log_group_names"].items():
        named(name, f"{purpose} log group")
        g = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
        check(g.get("retentionInDays") == 365, f"{purpose} log group retention {g.get('retentionInDays')}")
        check(g.get("kmsKeyId") == keys["logs"], f"{purpose} log group key {g.get('kmsKeyId')}")

    # Database.
    cluster = rds.describe_db_clusters(DBClusterIdentifier=comps["db_cluster"])["DBClusters"][0]
    named(cluster["DBClusterIdentifier"], "cluster")
    check(cluster["StorageEncrypted"] and cluster.get("KmsKeyId") == keys["database"], f"cluster key {cluster.get('KmsKeyId')}")
    check(not cluster.get("DeletionProtection"), "cluster deletion protection on")
    check(cluster["Engine"] == "aurora-mysql" and cluster["EngineVersion"].startswith("8.0"), f"cluster engine {cluster['Engine']} {cluster['EngineVersion']}")
    tags_ok({t["Key"]: t["Value"] for t in cluster.get("TagList", [])}, "cluster")
    params = rds.describe_db_cluster_parameters(DBClusterParameterGroupName=cluster["DBClusterParameterGroup"])["Parameters"]
    check(any(p["ParameterName"] == "require_secure_transport" and p.get("ParameterValue") in ("ON", "1") for p in params), "cluster parameter group does not require TLS")
    instances = [i for i in rds.describe_db_instances()["DBInstances"] if i.get("DBClusterIdentifier") == cluster["DBClusterIdentifier"]]
    check(len(instances) == 2, f"{len(instances)} instances")
    check(len({i["AvailabilityZone"] for i in instances}) >= 2, f"instances in zones {[i['AvailabilityZone'] for i in instances]}")
    for i in instances:
        check(not i["PubliclyAccessible"], f"instance {i['DBInstanceIdentifier']} public")

    # Secret and rotation.
    secret = sm.describe_secret(SecretId=v["secret_arn"])
    named(secret["Name"], "secret")
    check(secret.get("KmsKeyId") in (keys["secrets"], keys["secrets"].split("/")[-1]), f"secret key {secret.get('KmsKeyId')}")
    check(secret.get("RotationEnabled"), "secret rotation off")
    check(secret.get("RotationRules", {}).get("AutomaticallyAfterDays") == 30, f"rotation rules {secret.get('RotationRules')}")
    check(secret.get("RotationLambdaARN") == v["rotation_lambda_arn"], f"rotation lambda {secret.get('RotationLambdaARN')}")
    tags_ok({t["Key"]: t["Value"] for t in secret.get("Tags", [])}, "secret")
    value = json.loads(sm.get_secret_value(SecretId=v["secret_arn"], VersionStage="AWSCURRENT")["SecretString"])
    check(set(value) == {"engine", "host", "port", "username", "password", "dbname", "dbClusterIdentifier"}, f"secret fields {sorted(value)}")
    check(value.get("host") == cluster["Endpoint"], "secret host is not the cluster endpoint")

    # Lambda.
    fn = lam.get_function(FunctionName=v["rotation_lambda_arn"])["Configuration"]
    named(fn["FunctionName"], "function")
    check(sorted(fn["VpcConfig"]["SubnetIds"]) == sorted(v["private_subnet_ids"]), f"function subnets {fn['VpcConfig']['SubnetIds']}")
    check(fn["VpcConfig"]["SecurityGroupIds"] == [sg["lambda"]], f"function groups {fn['VpcConfig']['SecurityGroupIds']}")
    check(fn["Role"] == v["rotation_role_arn"], f"function role {fn['Role']}")
    policy = json.loads(lam.get_policy(FunctionName=v["rotation_lambda_arn"])["Policy"])
    cond = json.dumps(policy["Statement"][0].get("Condition", {}))
    check(v["secret_arn"] in cond and "123456789012" in cond, f"invoke permission condition {cond}")

    # IAM.
    role = iam.get_role(RoleName=v["rotation_role_arn"].split("/")[-1])["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.dumps(trust if isinstance(trust, dict) else json.loads(trust))
    check("lambda.amazonaws.com" in trust and "aws:SourceAccount" in trust, "rotation trust policy")
    for s in json.loads(v["rotation_policy_json"])["Statement"]:
        res = s.get("Resource", [])
        res = [res] if isinstance(res, str) else res
        if "*" in res:
            acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            check(all(a in ("secretsmanager:GetRandomPassword", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets") for a in acts), f"'*' resource for {acts}")

    # Audit trail.
    trails = [t for t in ct.describe_trails()["trailList"] if suffix in t["Name"]]
    check(len(trails) == 1, f"{len(trails)} trails")
    if trails:
        t = trails[0]
        check(v["log_group_names"]["audit"] in t.get("CloudWatchLogsLogGroupArn", ""), f"trail delivers to {t.get('CloudWatchLogsLogGroupArn')}")
        check(ct.get_trail_status(Name=t["Name"])["IsLogging"], "trail not logging")
        bucket = t["S3BucketName"]
        enc = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
        check(enc["SSEAlgorithm"] == "aws:kms", f"bucket encryption {enc}")
        pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        check(all(pab.values()), f"bucket public access block {pab}")


mode = sys.argv[3]
if mode == "--nothing-left":
    nothing_left()
elif mode == "--password":
    # Test-only: the value the leak checks search for.
    sm = client("secretsmanager")
    print(json.loads(sm.get_secret_value(SecretId=sys.argv[4], VersionStage="AWSCURRENT")["SecretString"])["password"])
    sys.exit(0)
elif mode == "--create-untagged-secret":
    client("secretsmanager").create_secret(Name=sys.argv[4], SecretString="{}")
    sys.exit(0)
elif mode == "--rotate-by-hand":
    # What a rotation leaves behind: a new version holding AWSCURRENT, the old one AWSPREVIOUS.
    sm = client("secretsmanager")
    current = json.loads(sm.get_secret_value(SecretId=sys.argv[4], VersionStage="AWSCURRENT")["SecretString"])
    old = sm.describe_secret(SecretId=sys.argv[4])["VersionIdsToStages"]
    old_current = next(v for v, stages in old.items() if "AWSCURRENT" in stages)
    current["password"] = sm.get_random_password(PasswordLength=32, ExcludeCharacters="/@\"'\\")["RandomPassword"]
    new = sm.put_secret_value(SecretId=sys.argv[4], SecretString=json.dumps(current), VersionStages=["AWSPENDING"])["VersionId"]
    sm.update_secret_version_stage(SecretId=sys.argv[4], VersionStage="AWSCURRENT", MoveToVersionId=new, RemoveFromVersionId=old_current)
    # Secrets Manager takes AWSPENDING off once a rotation has finished.
    sm.update_secret_version_stage(SecretId=sys.argv[4], VersionStage="AWSPENDING", RemoveFromVersionId=new)
    sys.exit(0)
elif mode == "--log-rotation-failure":
    # A line as the rotation function writes it when a step fails.
    import time
    logs = client("logs")
    line = {"level": "error", "step": "setSecret", "secretArn": sys.argv[4], "outcome": "failed", "errorCode": "ER_ACCESS_DENIED_ERROR", "message": "the database refused the pending password"}
    stream = "2026/11/23/[$LATEST]failure"
    logs.create_log_stream(logGroupName=sys.argv[5], logStreamName=stream)
    logs.put_log_events(logGroupName=sys.argv[5], logStreamName=stream, logEvents=[{"timestamp": int(time.time() * 1000) + 5000, "message": json.dumps(line)}])
    sys.exit(0)
elif mode == "--foreign-trail":
    # Someone else's trail in the region (with the bucket it needs): it counts against the quota.
    client("s3").create_bucket(Bucket=sys.argv[4])
    print(client("cloudtrail").create_trail(Name=sys.argv[4], S3BucketName=sys.argv[4])["TrailARN"])
    sys.exit(0)
elif mode == "--trails":
    print(json.dumps(sorted(t["Name"] for t in client("cloudtrail").describe_trails()["trailList"])))
    sys.exit(0)
elif mode == "--foreign-vpc":
    print(client("ec2").create_vpc(CidrBlock="172.31.0.0/16")["Vpc"]["VpcId"])
    sys.exit(0)
elif mode == "--delete-vpc":
    client("ec2").delete_vpc(VpcId=sys.argv[4])
    sys.exit(0)
elif mode == "--cluster":
    c = client("rds").describe_db_clusters()["DBClusters"][0]
    print(json.dumps({"status": c["Status"], "backup_retention_days": c["BackupRetentionPeriod"]}))
    sys.exit(0)
elif mode == "--count":
    # How many objects of the stack exist now, per kind: after a crash, none may be duplicated.
    ec2, kms, sm, rds, lam = (client(n) for n in ["ec2", "kms", "secretsmanager", "rds", "lambda"])
    f = [{"Name": "tag:vault:stack", "Values": [suffix]}]
    counts = {
        "vpc": len(ec2.describe_vpcs(Filters=f)["Vpcs"]),
        "subnet": len(ec2.describe_subnets(Filters=f)["Subnets"]),
        "security_group": len(ec2.describe_security_groups(Filters=f)["SecurityGroups"]),
        "vpc_endpoint": len([e for e in ec2.describe_vpc_endpoints(Filters=f)["VpcEndpoints"] if e["State"] != "deleted"]),
        "kms_key": len([k for k in kms.list_keys()["Keys"] if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"]),
        "secret": len(sm.list_secrets()["SecretList"]),
        "db_cluster": len(rds.describe_db_clusters()["DBClusters"]),
        "db_instance": len(rds.describe_db_instances()["DBInstances"]),
        "lambda_function": len(lam.list_functions()["Functions"]),
        "lambda_interface": len(lambda_interfaces(ec2)),
    }
    print(json.dumps(counts))
    sys.exit(0)
elif mode == "--drift-more":
    # Four changes made by hand: a subnet's tag, rotation off on the secret, a key's rotation off,
    # and the statement letting Secrets Manager invoke the function removed (AWS then refuses to
    # turn rotation on again until it is back).
    comps = json.loads(sys.argv[4])
    client("ec2").create_tags(Resources=[comps["subnet/us-east-1a"]], Tags=[{"Key": "CostCenter", "Value": "Elsewhere"}])
    client("secretsmanager").cancel_rotate_secret(SecretId=comps["secret"])
    client("kms").disable_key_rotation(KeyId=comps["kms_key/secrets"].split("/")[-1])
    client("lambda").remove_permission(FunctionName=comps["lambda_function/rotation"],
                                       StatementId="SecretsManagerRotatesThisSecret")
    sys.exit(0)
elif mode == "--tags":
    # Every taggable object of the stack carries KEY=VALUE, or (VALUE "-") does not carry KEY.
    comps, key, want = json.loads(sys.argv[4]), sys.argv[5], sys.argv[6]
    ec2, kms, logs, rds, sm, lam, iam, ct, s3 = (client(n) for n in ["ec2", "kms", "logs", "rds", "secretsmanager", "lambda", "iam", "cloudtrail", "s3"])
    pairs = lambda ts, k="Key", v="Value": {t[k]: t.get(v, "") for t in ts}

    def rds_tags(arn):
        return pairs(rds.list_tags_for_resource(ResourceName=arn)["TagList"])

    def s3_tags(bucket):
        try:
            return pairs(s3.get_bucket_tagging(Bucket=bucket)["TagSet"])
        except s3.exceptions.ClientError:
            return {}

    readers = {
        "vpc": lambda i: pairs(ec2.describe_vpcs(VpcIds=[i])["Vpcs"][0].get("Tags", [])),
        "subnet": lambda i: pairs(ec2.describe_subnets(SubnetIds=[i])["Subnets"][0].get("Tags", [])),
        "route_table": lambda i: pairs(ec2.describe_route_tables(RouteTableIds=[i])["RouteTables"][0].get("Tags", [])),
        "security_group": lambda i: pairs(ec2.describe_security_groups(GroupIds=[i])["SecurityGroups"][0].get("Tags", [])),
        "vpc_endpoint": lambda i: pairs(ec2.describe_vpc_endpoints(VpcEndpointIds=[i])["VpcEndpoints"][0].get("Tags", [])),
        "kms_key": lambda i: pairs(kms.list_resource_tags(KeyId=i.split("/")[-1])["Tags"], "TagKey", "TagValue"),
        "log_group": lambda i: logs.list_tags_log_group(logGroupName=i)["tags"],
        "s3_bucket": s3_tags,
        "iam_role": lambda i: pairs(iam.list_role_tags(RoleName=i)["Tags"]),
        "cloudtrail": lambda i: pairs(ct.list_tags(ResourceIdList=[i])["ResourceTagList"][0].get("TagsList", [])),
        "db_subnet_group": lambda i: rds_tags(rds.describe_db_subnet_groups(DBSubnetGroupName=i)["DBSubnetGroups"][0]["DBSubnetGroupArn"]),
        "db_cluster_parameter_group": lambda i: rds_tags(rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=i)["DBClusterParameterGroups"][0]["DBClusterParameterGroupArn"]),
        "db_cluster": lambda i: rds_tags(rds.describe_db_clusters(DBClusterIdentifier=i)["DBClusters"][0]["DBClusterArn"]),
        "db_instance": lambda i: rds_tags(rds.describe_db_instances(DBInstanceIdentifier=i)["DBInstances"][0]["DBInstanceArn"]),
        "secret": lambda i: pairs(sm.describe_secret(SecretId=i).get("Tags", [])),
        "lambda_function": lambda i: lam.list_tags(Resource=i)["Tags"],
    }
    seen = set()
    for name, ident in comps.items():
        kind = name.split("/")[0]
        if kind not in readers:
            continue
        seen.add(kind)
        tags = readers[kind](ident)
        if want == "-":
            check(key not in tags, f"{name} still carries {key}={tags.get(key)!r}")
        else:
            check(tags.get(key) == want, f"{name} has {key}={tags.get(key)!r}, want {want!r}")
    check(seen == set(readers), f"taggable kinds not in the stack: {set(readers) - seen}")
elif mode == "--engine-version":
    print(client("rds").describe_db_clusters(DBClusterIdentifier=sys.argv[4])["DBClusters"][0]["EngineVersion"])
    sys.exit(0)
elif mode == "--set-retention":
    client("logs").put_retention_policy(logGroupName=sys.argv[4], retentionInDays=int(sys.argv[5]))
    sys.exit(0)
elif mode == "--delete-vpc-endpoint":
    client("ec2").delete_vpc_endpoints(VpcEndpointIds=[sys.argv[4]])
    sys.exit(0)
elif mode == "--app-secret":
    # SPEC 3.5 as configuration (moto runs no function code): the application secret, encrypted
    # with the secrets key, its value naming the master secret and the user, no password before
    # the function's first rotation; rotation on with the stack's function; an invoke permission
    # for it alone; the rotation role may manage its versions.
    comps, user = json.loads(sys.argv[4]), sys.argv[5]
    sm, lam, iam = client("secretsmanager"), client("lambda"), client("iam")
    app, master, function = comps["secret/app"], comps["secret"], comps["lambda_function/rotation"]
    d = sm.describe_secret(SecretId=app)
    check(d["Name"] == f"secret-{suffix}-app", f"app secret name {d['Name']}")
    check(d.get("KmsKeyId", "").split("/")[-1] == comps["kms_key/secrets"].split("/")[-1], f"app secret key {d.get('KmsKeyId')}")
    check(MANAGEMENT in d.get("Tags", []), "app secret management tag")
    check(d.get("RotationEnabled") is True, "app secret rotation on")
    check(d.get("RotationLambdaARN") == function, f"app secret rotated by {d.get('RotationLambdaARN')}")
    value = json.loads(sm.get_secret_value(SecretId=app, VersionStage="AWSCURRENT")["SecretString"])
    check(value.get("masterarn") == master, "app secret value names the master secret")
    check(value.get("username") == user, f"app secret username {value.get('username')}")
    check("password" not in value, "no password before the function's first rotation")
    statements = json.loads(lam.get_policy(FunctionName=function)["Policy"])["Statement"]
    sources = sorted(str(v) for st in statements for k, v in st.get("Condition", {}).get("ArnLike", {}).items() if k.lower() == "aws:sourcearn")
    check(sources == sorted([master, app]), f"invoke permissions for {sources}")
    role = f"role-{suffix}-rotation"
    doc = iam.get_role_policy(RoleName=role, PolicyName=f"policy-{suffix}-rotation")["PolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    rotate = next(st for st in doc["Statement"] if st.get("Sid") == "RotateThisSecret")
    check(sorted(rotate["Resource"]) == sorted([master, app]), f"role may rotate {rotate['Resource']}")
elif mode == "--no-app-secret":
    sm, lam = client("secretsmanager"), client("lambda")
    names = [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    check(f"secret-{suffix}-app" not in names, f"an app secret is left: {names}")
    statements = json.loads(lam.get_policy(FunctionName=f"rotation-{suffix}")["Policy"])["Statement"]
    check(len(statements) == 1, f"{len(statements)} invoke permissions")
elif mode == "--versions":
    # A secret's version ids and their labels, as JSON.
    print(json.dumps(client("secretsmanager").describe_secret(SecretId=sys.argv[4])["VersionIdsToStages"]))
    sys.exit(0)
elif mode == "--delete-secret":
    client("secretsmanager").delete_secret(SecretId=sys.argv[4], ForceDeleteWithoutRecovery=True)
    sys.exit(0)
else:
    applied(mode)
for f in failures:
    print(f)
sys.exit(1 if failures else 0)
