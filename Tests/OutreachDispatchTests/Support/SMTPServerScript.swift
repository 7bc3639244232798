/// The loopback SMTP server the SMTP tests talk to: Python's aiosmtpd
/// (Debian `python3-aiosmtpd`), a real SMTP implementation, with a handler
/// that records what it sees as JSON Lines:
///
/// - `{"event": "connect", "peer": "127.0.0.1:50312"}` per connection,
/// - `{"event": "auth", "peer": …, "login": …, "ok": true}` per AUTH,
/// - `{"event": "message", "peer": …, "mail_from": …, "rcpt_tos": […],
///    "raw": base64 of the DATA bytes as received (dot-stuffing undone),
///    "subject", "from_name", "from_addr", "to_addr", "plain", "html",
///    "headers": [[name, raw value], …]}` per message — the decoded fields
///   come from Python's own `email` package, an independent MIME reader.
///
/// `--reject ADDRESS=CODE TEXT` answers RCPT TO for that address with the
/// given reply; `--auth USER:PASSWORD` enables AUTH PLAIN/LOGIN (TLS not
/// required for it); `--tls CERT KEY` offers STARTTLS and requires it
/// before MAIL FROM, or with `--implicit-tls` speaks TLS from the first
/// byte (smtps).
/// `--data-delay SECONDS` holds each message's final reply that long (a relay
/// that scans what it accepts) — with `--gather N`, only until N messages
/// wait for theirs, at most that long — and each message's record says how many
/// messages were waiting for their final reply at once (`concurrent`, this
/// one included).
/// Binds port 0 and prints `READY <port>` once listening.
enum SMTPServerScript {
    static let source = #"""
import argparse, asyncio, base64, json, signal, ssl, sys
from email import policy
from email.parser import BytesParser
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--out", required=True)
parser.add_argument("--reject", action="append", default=[])
parser.add_argument("--auth")
parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--implicit-tls", action="store_true")
parser.add_argument("--close-after-message", action="store_true")
parser.add_argument("--data-delay", type=float, default=0.0)
parser.add_argument("--gather", type=int, default=0)
args = parser.parse_args()

# The test process may have SIGTERM blocked in the thread that spawned us,
# and a child inherits the mask: unblock it so `terminate()` works.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

rejects = {}
for item in args.reject:
    address, reply = item.split("=", 1)
    rejects[address.lower()] = reply

out = open(args.out, "a", encoding="utf-8")

def record(obj):
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()

def peer_of(session):
    peer = session.peer
    return "%s:%s" % (peer[0], peer[1]) if isinstance(peer, tuple) else str(peer)

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = False
    login = None
    if isinstance(auth_data, LoginPassword):
        login = auth_data.login.decode()
        user, password = args.auth.split(":", 1)
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    record({"event": "auth", "peer": peer_of(session), "mechanism": mechanism, "login": login, "ok": ok})
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535 itself

class Handler:
    waiting = 0
    arrived = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = rejects.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        Handler.waiting += 1
        Handler.arrived += 1
        concurrent = Handler.waiting
        # With --gather N, messages are released N at a time: once the last of this one's group has arrived.
        group_end = ((Handler.arrived - 1) // args.gather + 1) * args.gather if args.gather else 0
        try:
            if args.data_delay > 0:
                loop = asyncio.get_running_loop()
                until = loop.time() + args.data_delay
                while loop.time() < until and not (args.gather and Handler.arrived >= group_end):
                    await asyncio.sleep(0.01)
        finally:
            Handler.waiting -= 1
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        def part(kind):
            body = message.get_body(preferencelist=(kind,))
            if body is None or body.get_content_subtype() != kind:
                return None
            return body.get_content()
        sender = message["From"].addresses[0] if message["From"] else None
        to = message["To"].addresses[0] if message["To"] else None
        record({
            "event": "message",
            "peer": peer_of(session),
            "tls": session.ssl is not None,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "raw": base64.b64encode(raw).decode(),
            "subject": str(message["Subject"]) if message["Subject"] is not None else None,
            "from_name": sender.display_name if sender else None,
            "from_addr": sender.addr_spec if sender else None,
            "to_addr": to.addr_spec if to else None,
            "content_type": message.get_content_type(),
            "plain": part("plain"),
            "html": part("html"),
            "headers": [[k, v] for k, v in message.raw_items()],
            "concurrent": concurrent,
        })
        if args.close_after_message:
            # Hang up right after the reply (as a relay with a per-connection limit does).
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 2.0.0 OK queued as Q%d" % len(envelope.rcpt_tos)

class RecordingSMTP(SMTP):
    def connection_made(self, transport):
        super().connection_made(transport)
        record({"event": "connect", "peer": peer_of(self.session)})

def tls_context():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls[0], args.tls[1])
    return context

def factory():
    options = dict(hostname="outreach-test.local", ident="outreach test SMTP")
    if args.auth:
        options.update(authenticator=authenticator, auth_require_tls=False)
    if args.tls and not args.implicit_tls:
        options.update(tls_context=tls_context(), require_starttls=True)
    return RecordingSMTP(Handler(), **options)

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=0,
                                      ssl=tls_context() if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"""#
}
