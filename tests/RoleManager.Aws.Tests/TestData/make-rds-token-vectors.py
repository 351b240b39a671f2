#!/usr/bin/env python3
"""Generate rds-token-vectors.json from botocore, for fixed credentials and a frozen clock.

- "tokens": RDS IAM auth tokens made by RDS.Client.generate_db_auth_token. The C#
  RdsAuthTokenGenerator must reproduce every token byte for byte.
- "headerSigning": the Authorization header botocore's SigV4Auth puts on a Secrets Manager
  GetSecretValue request (JSON 1.1), which SecretsManagerClient's signing must reproduce.

Run from this directory:  python3 make-rds-token-vectors.py > rds-token-vectors.json
"""
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.session

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with+slash=="

TIMES = ["2024-01-02T03:04:05Z", "2025-12-31T23:59:59Z"]

CASES = [
    # host, port, user, region
    ("mydb.cluster-abc123.eu-west-1.rds.amazonaws.com", 5432, "role_manager", "eu-west-1"),
    ("mydb.abc123.us-east-1.rds.amazonaws.com", 5432, "app_reader", "us-east-1"),
    ("proxy.proxy-xyz.ap-southeast-2.rds.amazonaws.com", 6543, "migrator", "ap-southeast-2"),
    ("db.internal.example", 443, "plain", "us-west-2"),
    ("10.0.12.34", 5432, "iam_user", "eu-central-1"),
    ("mydb.abc123.us-east-1.rds.amazonaws.com", 5432, "we!rd user+name/é@x=1&y~z*'()", "us-east-1"),
    ("mydb.abc123.us-east-1.rds.amazonaws.com", 5432, "Mixed.Case-user_01~", "us-east-1"),
    ("MyDB.ABC123.US-EAST-1.rds.amazonaws.com", 5432, "upper_host", "us-east-1"),
]


def token(host, port, user, region, session_token, now):
    session = botocore.session.get_session()
    client = session.create_client(
        "rds",
        region_name=region,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=session_token,
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        return client.generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region=region)


HEADER_CASES = [
    # endpoint, region, secret id
    ("https://secretsmanager.eu-west-1.amazonaws.com", "eu-west-1", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1a2b-AbCdEf"),
    ("http://127.0.0.1:5000", "us-east-1", "my/secret name"),
]


def header_auth(endpoint, region, secret_id, session_token, now):
    body = json.dumps({"SecretId": secret_id}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=endpoint + "/",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "secretsmanager.GetSecretValue",
        },
        data=body,
    )
    credentials = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY, session_token)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        botocore.auth.SigV4Auth(credentials, "secretsmanager", region).add_auth(request)
    return body.decode("utf-8"), request.headers["Authorization"]


def main():
    tokens = []
    headers = []
    for t in TIMES:
        now = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
        for host, port, user, region in CASES:
            for session_token in (None, SESSION_TOKEN):
                tokens.append({
                    "host": host,
                    "port": port,
                    "user": user,
                    "region": region,
                    "accessKeyId": ACCESS_KEY,
                    "secretAccessKey": SECRET_KEY,
                    "sessionToken": session_token,
                    "now": t,
                    "token": token(host, port, user, region, session_token, now),
                })
        for endpoint, region, secret_id in HEADER_CASES:
            for session_token in (None, SESSION_TOKEN):
                body, authorization = header_auth(endpoint, region, secret_id, session_token, now)
                headers.append({
                    "endpoint": endpoint,
                    "region": region,
                    "secretId": secret_id,
                    "accessKeyId": ACCESS_KEY,
                    "secretAccessKey": SECRET_KEY,
                    "sessionToken": session_token,
                    "now": t,
                    "body": body,
                    "authorization": authorization,
                })
    doc = {
        "generator": "botocore " + botocore.__version__,
        "tokens": tokens,
        "headerSigning": headers,
    }
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
