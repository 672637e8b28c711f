"""A webhook receiver for local trials: verifies each request's Standard Webhooks signature and
prints the CloudEvent. Standard library only, written from the Standard Webhooks spec (not from the
service's signing code), so it is also an independent check of what the service sends.

    python examples/webhook_receiver.py --port 9000 --secret whsec_…

Answers 204 to a verified event, 401 to anything else. Start the service and the worker with
GOVERNANCE_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]' so they may call a loopback address.
"""

import argparse
import base64
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300  # a message older or newer than this is refused (replay protection)


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when one of the ``v1,`` signatures is the HMAC-SHA256 of ``id.timestamp.body``."""
    msg_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not msg_id or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    for candidate in headers.get("webhook-signature", "").split():
        version, _, sig = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(sig.encode(), expected):
            return True
    return False


def handler(secret: str) -> type[BaseHTTPRequestHandler]:
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if not verify(secret, headers, body):
                print("REFUSED: bad or missing signature")
                self.send_response(401)
            else:
                event = json.loads(body)
                print(f"verified {headers['webhook-id']}: {event['type']} {event['subject']}")
                print(json.dumps(event["data"], ensure_ascii=False, indent=2))
                self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # quiet: the events are the output
            pass

    return Receiver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", required=True, help="the subscription's whsec_… secret")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(args.secret))
    print(f"listening on http://127.0.0.1:{args.port}/")
    server.serve_forever()


if __name__ == "__main__":
    main()
