#!/usr/bin/env python3
"""Writes N distinct, correctly signed simpay deliveries (one per line: signature header TAB body) for simpay.lua.

Usage: simpay_requests.py N SECRET > requests.tsv   (signatures stay valid for the 300 s tolerance)
"""
import hashlib
import hmac
import sys
import time
import uuid
from datetime import datetime, timezone

n, secret = int(sys.argv[1]), sys.argv[2].encode()
t = int(time.time())
paid_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
run = uuid.uuid4().hex[:8]
out = sys.stdout
for i in range(n):
    body = ('{"eventId":"evt_%s_%d","type":"payment.succeeded","orderNo":"LD%s%d","amount":"9.90",'
            '"currency":"CNY","transactionId":"tx_%s_%d","paidAt":"%s"}' % (run, i, run, i, run, i, paid_at))
    sig = hmac.new(secret, ("%d." % t).encode() + body.encode(), hashlib.sha256).hexdigest()
    out.write("t=%d,v1=%s\t%s\n" % (t, sig, body))
