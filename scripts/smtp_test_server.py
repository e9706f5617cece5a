#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for Tandem's sending tests (dev-only; needs aiosmtpd).

Every message it accepts is written to SPOOL/NNNN.eml. Faults, by recipient address:
  --reject ADDR   550 at RCPT TO (the server refuses the recipient; the others still go)
  --drop ADDR     the first time: the connection is closed at the end of DATA, with no reply
                  and nothing kept; later attempts are accepted
  --stall ADDR    at the end of DATA it waits --stall-seconds before answering (the client times out);
                  the message is kept, as a real server that had it all would

Usage: smtp_test_server.py --spool DIR --port-file FILE [faults]; the chosen port is written to
FILE once the server listens. Stop it with SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import socket
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, args):
        self.args = args
        self.dropped = set()
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.args.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipients = {r.lower() for r in envelope.rcpt_tos}
        if recipients & set(self.args.drop) and not recipients <= self.dropped:
            self.dropped |= recipients
            server.transport.close()
            return "421 4.4.2 connection dropped"
        if recipients & set(self.args.stall):
            await asyncio.sleep(self.args.stall_seconds)
        self.count += 1
        path = os.path.join(self.args.spool, "%04d.eml" % self.count)
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)
        return "250 2.0.0 queued as %04d" % self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spool", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--drop", action="append", default=[])
    parser.add_argument("--stall", action="append", default=[])
    parser.add_argument("--stall-seconds", type=float, default=30)
    args = parser.parse_args()
    # A parent (a test runner's thread) may have left signals blocked: SIGTERM must stop the server.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    args.reject = [a.lower() for a in args.reject]
    args.drop = [a.lower() for a in args.drop]
    args.stall = [a.lower() for a in args.stall]
    os.makedirs(args.spool, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(args), hostname="127.0.0.1", port=port)
    controller.start()
    with open(args.port_file + ".part", "w") as f:
        f.write(str(port))
    os.rename(args.port_file + ".part", args.port_file)
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
