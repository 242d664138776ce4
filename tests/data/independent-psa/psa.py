#!/usr/bin/env python3
"""An independent custom PSA, written for the tests from docs/PSA-SIDE.md alone,
in Python's standard library: it shares no code with the reference PSA
(src/psa_mock). `run --side psa` must find it conformant in both answering
styles.

    psa.py STYLE NCENTRAL_URL        STYLE: body | callback | callback-legacy

`callback-legacy` answers CREATE `202 {"status": "accepted"}` (a body that
names no ticket, which N-central reads as pending) and calls back with the
older `PUT /dms/rest/custompsa/tickets/create/{id}`.

Environment: NCENTRAL_USER_API_JWT (needed for callback), PSA_PUSH_AUTH
(optional: the exact Authorization value pushes must carry), PSA_BREAK
(optional, for the tests: `jwt-bearer` calls back with the User-API JWT as
bearer, `no-push-auth` accepts pushes without auth, `unknown-500` answers
500 for an unknown ticket, `renames` answers a repeated CREATE by calling
back 4 s later with a second ticket, `relative-url` answers CREATE with a
relative ticketUrl, `junk-first` tries each callback first with a token
N-central never issued and recovers from the 401), PSA_TOKEN_FILE (optional:
where the PSA keeps its tokens between runs, as a real PSA does; read at
start, written whenever N-central issues new ones), PSA_EXTRA_BODY (optional:
a JSON object of further keys every callback body carries), PSA_EXTRA_HEADER
(optional: `Name: value`, a further header on every call to N-central),
PSA_DELAY_MS (optional: how long to think before answering each push). It
listens on
127.0.0.1 with a port of the system's choosing and prints
`listening on PORT` first.
"""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STYLE, NCENTRAL = sys.argv[1], sys.argv[2].rstrip("/")
JWT = os.environ.get("NCENTRAL_USER_API_JWT", "")
PUSH_AUTH = os.environ.get("PSA_PUSH_AUTH")
BREAK = os.environ.get("PSA_BREAK", "")
ACTIONS = ("CREATE", "UPDATE", "RESOLVE", "REOPEN")

lock = threading.Lock()
by_ncentral_id = {}  # ncentralTicketId -> ticket number
known_numbers = set()
counter = [500]
tokens = {}
TOKEN_FILE = os.environ.get("PSA_TOKEN_FILE")
EXTRA_BODY = json.loads(os.environ.get("PSA_EXTRA_BODY") or "{}")
EXTRA_HEADER = os.environ.get("PSA_EXTRA_HEADER")
DELAY = int(os.environ.get("PSA_DELAY_MS") or "0") / 1000.0
if TOKEN_FILE and os.path.exists(TOKEN_FILE):
    with open(TOKEN_FILE) as f:
        tokens.update(json.load(f))


def call(path, body=None, bearer=None, ctype="application/json", method="POST"):
    req = urllib.request.Request(NCENTRAL + path, data=body, method=method)
    if bearer:
        req.add_header("Authorization", "Bearer " + bearer)
    if EXTRA_HEADER:
        name, value = EXTRA_HEADER.split(":", 1)
        req.add_header(name.strip(), value.strip())
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers
    except OSError:
        return 0, b"", {}


def keep(answer):
    data = json.loads(answer)["tokens"]
    tokens["access"] = data["access"]["token"]
    tokens["refresh"] = data["refresh"]["token"]
    if TOKEN_FILE:
        with open(TOKEN_FILE, "w") as f:
            json.dump(tokens, f)


def authenticate():
    status, body, _ = call("/api/auth/authenticate", b"", JWT)
    if status == 200:
        keep(body)


def renew():
    status, body, _ = call("/api/auth/refresh", tokens.get("refresh", "").encode(), None, "text/plain")
    if status == 200:
        keep(body)
    else:
        authenticate()


def call_back(ncentral_id, number, url):
    if "access" not in tokens:
        authenticate()
    fields = {"psaCustomTicketId": ncentral_id, "ticketNumber": number, "ticketUrl": url}
    fields.update(EXTRA_BODY)
    body = json.dumps(fields).encode()
    for attempt in range(6):
        bearer = JWT if BREAK == "jwt-bearer" else tokens.get("access")
        if BREAK == "junk-first" and attempt == 0:
            bearer = "junk-%d-never-issued" % ncentral_id
        if STYLE == "callback-legacy":
            path = "/dms/rest/custompsa/tickets/create/%d" % ncentral_id
            status, _, headers = call(path, body, bearer, method="PUT")
        else:
            status, _, headers = call("/api/custom-psa/tickets", body, bearer)
        if status == 429:
            time.sleep(min(int(headers.get("Retry-After", "1") or 1), 10))
        elif status == 401:
            renew()
        else:
            return


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, obj=None):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        self.do_POST()

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        time.sleep(DELAY)
        if PUSH_AUTH and BREAK != "no-push-auth" and self.headers.get("Authorization") != PUSH_AUTH:
            return self.answer(401, {"error": "unauthorized"})
        try:
            push = json.loads(raw)
        except ValueError:
            return self.answer(400, {"error": "the body is not JSON"})
        if not isinstance(push, dict) or push.get("action") not in ACTIONS:
            return self.answer(400, {"error": "an object with a known action is expected"})
        try:
            ncentral_id = int(str(push.get("ncentralTicketId")))
        except ValueError:
            return self.answer(400, {"error": "ncentralTicketId is missing"})
        if push["action"] == "CREATE":
            with lock:
                number = by_ncentral_id.get(ncentral_id)
                fresh = number is None
                if fresh:
                    counter[0] += 1
                    number = "INC%06d" % counter[0]
                    by_ncentral_id[ncentral_id] = number
                    known_numbers.add(number)
            url = "http://127.0.0.1:%d/incidents/%s" % (self.server.server_port, number)
            if BREAK == "relative-url":
                url = "/incidents/" + number
            if STYLE == "body":
                return self.answer(200, {"externalTicketId": number, "ticketUrl": url})
            if STYLE == "callback-legacy":
                self.answer(202, {"status": "accepted"})
            else:
                self.answer(204)
            if not fresh and BREAK == "renames":
                def late():
                    time.sleep(4)
                    call_back(ncentral_id, number + "-B", url)
                threading.Thread(target=late, daemon=True).start()
            if fresh:
                threading.Thread(target=call_back, args=(ncentral_id, number, url), daemon=True).start()
            return
        if push.get("psaTicketNumber") not in known_numbers:
            return self.answer(500 if BREAK == "unknown-500" else 404, {"error": "no such ticket"})
        return self.answer(200, {"ok": True})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening on %d" % server.server_port, flush=True)
server.serve_forever()
