#!/usr/bin/env python3
"""A loopback SMTP server for newsbook's mail tests (socketserver, no smtpd).

    smtpserver.py OUTDIR PORTFILE [--mode ok|451|550|535] [--fail N]
                  [--max-size BYTES] [--lifetime SECONDS] [--auth MECHS]
                  [--tls-cert PEM --tls-key PEM [--smtps]]
    smtpserver.py --inspect MESSAGE.eml

Serving: listens on 127.0.0.1 (a free port, written to PORTFILE), speaks
enough ESMTP for libcurl (EHLO, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA,
RSET, NOOP, QUIT), and saves every accepted message as OUTDIR/msg-N.eml.
The expected user and password come from the environment
(NEWSBOOK_TEST_SMTP_USER, NEWSBOOK_TEST_SMTP_PASSWORD); when set, MAIL
before a successful AUTH is refused (530). OUTDIR/log is a transcript of
commands with AUTH data redacted (it must never hold a password).

Modes: ok accepts; 451 answers "451 4.3.0 try again later" to the first N
(--fail, default 2) MAIL commands, then accepts; 550 refuses every RCPT
("550 5.7.1 mailbox unavailable"); 535 refuses every AUTH. --max-size
refuses (552) a message larger than BYTES and advertises SIZE. With
--tls-cert, STARTTLS is offered (or, with --smtps, TLS starts at once) and
the log says which messages came over TLS.

Inspecting: prints one KEY=VALUE line each for the message's subject
(decoded), from, to, and for its attachment: filename, content_type,
bytes and sha256 of the decoded payload, and the message's size.
"""
import argparse
import base64
import email
import email.header
import email.policy
import hashlib
import os
import socketserver
import ssl
import sys
import threading
import time


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.failed = 0
        self.log = open(os.path.join(args.outdir, "log"), "a", buffering=1)

    def note(self, line):
        with self.lock:
            self.log.write(line.rstrip("\r\n") + "\n")


class Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def setup(self):
        args = self.server.state.args
        if args.smtps:
            self.request = self.server.tls.wrap_socket(self.request,
                                                       server_side=True)
        super().setup()

    def starttls(self):
        self.request = self.server.tls.wrap_socket(self.request,
                                                   server_side=True)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb")

    def send(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(1 << 20)
        if not line:
            raise EOFError
        return line

    def check_auth(self, user, password):
        st = self.server.state
        if st.args.mode == "535":
            return False
        want_u = os.environ.get("NEWSBOOK_TEST_SMTP_USER")
        want_p = os.environ.get("NEWSBOOK_TEST_SMTP_PASSWORD")
        return want_u is None or (user == want_u and password == want_p)

    def handle(self):
        st = self.server.state
        args = st.args
        need_auth = os.environ.get("NEWSBOOK_TEST_SMTP_USER") is not None
        authed = False
        tls_on = bool(args.smtps)
        sender = None
        rcpts = []
        self.send("220 localhost newsbook test SMTP")
        try:
            while True:
                raw = self.readline()
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                st.note("C: " + (line if verb != "AUTH" else
                                 "AUTH " + line.split(" ")[1] + " <redacted>"))
                if verb in ("EHLO", "HELO"):
                    if verb == "HELO":
                        self.send("250 localhost")
                        continue
                    self.send("250-localhost")
                    if args.max_size:
                        self.send("250-SIZE %d" % args.max_size)
                    self.send("250-8BITMIME")
                    if args.tls_cert and not args.smtps and not tls_on:
                        self.send("250-STARTTLS")
                    self.send("250 AUTH " + args.auth)
                elif verb == "AUTH":
                    parts = line.split(" ")
                    mech = parts[1].upper() if len(parts) > 1 else ""
                    user = password = None
                    if mech == "PLAIN":
                        if len(parts) > 2:
                            data = parts[2]
                        else:
                            self.send("334 ")
                            data = self.readline().decode().strip()
                            st.note("C: <redacted>")
                        try:
                            _, user, password = base64.b64decode(data).decode(
                                "utf-8").split("\0")
                        except Exception:
                            self.send("501 5.5.2 bad AUTH PLAIN data")
                            continue
                    elif mech == "LOGIN":
                        if len(parts) > 2:
                            user = base64.b64decode(parts[2]).decode()
                        else:
                            self.send("334 VXNlcm5hbWU6")
                            user = base64.b64decode(
                                self.readline().strip()).decode()
                            st.note("C: <redacted>")
                        self.send("334 UGFzc3dvcmQ6")
                        password = base64.b64decode(
                            self.readline().strip()).decode()
                        st.note("C: <redacted>")
                    else:
                        self.send("504 5.5.4 unrecognised mechanism")
                        continue
                    if self.check_auth(user, password):
                        authed = True
                        self.send("235 2.7.0 authenticated")
                    else:
                        self.send("535 5.7.8 authentication credentials "
                                  "invalid")
                elif verb == "MAIL":
                    if need_auth and not authed:
                        self.send("530 5.7.0 authentication required")
                        continue
                    if args.mode == "451":
                        with st.lock:
                            fail = st.failed < args.fail
                            if fail:
                                st.failed += 1
                        if fail:
                            self.send("451 4.3.0 mailbox busy, try again "
                                      "later")
                            continue
                    sender = line[5:].strip()
                    rcpts = []
                    self.send("250 2.1.0 ok")
                elif verb == "RCPT":
                    if sender is None:
                        self.send("503 5.5.1 MAIL first")
                    elif args.mode == "550":
                        self.send("550 5.7.1 mailbox unavailable: %s" %
                                  line[8:].strip())
                    else:
                        rcpts.append(line[8:].strip())
                        self.send("250 2.1.5 ok")
                elif verb == "DATA":
                    if not rcpts:
                        self.send("503 5.5.1 RCPT first")
                        continue
                    self.send("354 end with <CRLF>.<CRLF>")
                    chunks = []
                    size = 0
                    while True:
                        l = self.readline()
                        if l in (b".\r\n", b".\n"):
                            break
                        if l.startswith(b"."):
                            l = l[1:]
                        size += len(l)
                        chunks.append(l)
                    if args.max_size and size > args.max_size:
                        self.send("552 5.3.4 message size %d exceeds the "
                                  "limit of %d" % (size, args.max_size))
                    else:
                        with st.lock:
                            st.count += 1
                            n = st.count
                        path = os.path.join(args.outdir, "msg-%d.eml" % n)
                        with open(path + ".tmp", "wb") as f:
                            f.write(b"".join(chunks))
                        os.rename(path + ".tmp", path)
                        st.note("S: saved %s (%d bytes, from %s to %s%s)" %
                                (os.path.basename(path), size, sender,
                                 ",".join(rcpts), ", over TLS" if tls_on
                                 else ""))
                        self.send("250 2.0.0 queued as %d" % n)
                    sender = None
                    rcpts = []
                elif verb == "RSET":
                    sender = None
                    rcpts = []
                    self.send("250 ok")
                elif verb == "NOOP":
                    self.send("250 ok")
                elif verb == "QUIT":
                    self.send("221 bye")
                    return
                elif verb == "STARTTLS":
                    if not args.tls_cert or tls_on:
                        self.send("454 4.7.0 TLS not available")
                        continue
                    self.send("220 2.0.0 ready to start TLS")
                    self.starttls()
                    tls_on = True
                    authed = False
                    st.note("S: TLS started")
                else:
                    self.send("502 5.5.2 command not recognised")
        except (EOFError, ConnectionError, OSError):
            return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def inspect(path):
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    print("size=%d" % len(raw))
    print("subject=%s" % msg["subject"])
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    subj = ""
    for h in head.replace("\r\n ", " ").split("\r\n"):
        if h.lower().startswith("subject:"):
            subj = h[8:].strip()
    print("subject_raw=%s" % subj)
    print("header_ascii=%d" % all(b < 128 for b in raw.split(b"\r\n\r\n", 1)[0]))
    print("from=%s" % msg["from"])
    print("to=%s" % msg["to"])
    for part in msg.walk():
        if part.get_content_disposition() == "attachment":
            data = part.get_payload(decode=True)
            print("filename=%s" % part.get_filename())
            print("content_type=%s" % part.get_content_type())
            print("bytes=%d" % len(data))
            print("sha256=%s" % hashlib.sha256(data).hexdigest())
        elif part.get_content_type() == "text/plain":
            print("text=%s" % part.get_content().strip().splitlines()[0])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--inspect":
        inspect(sys.argv[2])
        return
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("portfile")
    p.add_argument("--mode", default="ok", choices=["ok", "451", "550", "535"])
    p.add_argument("--fail", type=int, default=2)
    p.add_argument("--max-size", type=int, default=0)
    p.add_argument("--lifetime", type=float, default=300)
    p.add_argument("--auth", default="PLAIN LOGIN")
    p.add_argument("--tls-cert", help="PEM certificate: offer STARTTLS")
    p.add_argument("--tls-key", help="PEM key of --tls-cert")
    p.add_argument("--smtps", action="store_true",
                   help="TLS from the first byte (needs --tls-cert)")
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    if args.tls_cert:
        srv.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        srv.tls.load_cert_chain(args.tls_cert, args.tls_key)
    with open(args.portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.portfile + ".tmp", args.portfile)
    threading.Timer(args.lifetime, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
