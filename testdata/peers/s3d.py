#!/usr/bin/env python3
"""An S3 and IAM test peer for checkup: moto's server on 127.0.0.1 and a free port, with
signature checking switched on.

Creates an admin IAM user with an access key (while moto still accepts unsigned calls), then
turns authentication on (POST /moto-api/reset-auth with 0), so every later request must carry a
valid SigV4 signature: a wrong secret gets 403 SignatureDoesNotMatch. Prints one JSON line
{"port": N, "access_key_id": ..., "secret_access_key": ...} and exits when stdin closes.

With --no-auth, authentication stays off (anonymous requests are served, as a public-read bucket
serves the status page's browser; moto cannot answer a CORS preflight with authentication on).
"""
import json
import sys
import urllib.request

import boto3
from moto.server import ThreadedMotoServer


def main():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = "http://%s:%d" % (host, port)
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
    iam.create_user(UserName="checkup-admin")
    iam.put_user_policy(UserName="checkup-admin", PolicyName="everything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="checkup-admin")["AccessKey"]
    request = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
    if "--no-auth" not in sys.argv[1:]:
        urllib.request.urlopen(request).read()
    print(json.dumps({"port": port, "access_key_id": key["AccessKeyId"],
                      "secret_access_key": key["SecretAccessKey"]}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
