"""A real SMTP server for the notice tests (aiosmtpd): every message it accepts is parsed and
appended to a JSON-lines file, one line per message, so a test can read what was delivered.

    python3 tests/support/smtp_sink.py HOST PORT OUT.jsonl
"""
import json
import signal
import sys
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "message_id": str(message["Message-ID"]),
            "from": str(message["From"]),
            "to": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "text": body.get_content() if body is not None else "",
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Sink(path), hostname=host, port=port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
