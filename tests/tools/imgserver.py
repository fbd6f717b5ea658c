#!/usr/bin/env python3
"""A loopback HTTP server for the image tests: never talks to the network.

Serves a wget --mirror tree by host (GET /HOST/PATH?QUERY reads
MIRROR/HOST/PATH?QUERY, the query kept literally in the file name) and a few
hostile handlers:

  /redirect/N/HOST/PATH   302 chain of N hops ending at /HOST/PATH
  /to-file                302 to file:///etc/passwd
  /slow/HOST/PATH         sends headers, then stalls for --slow seconds
  /big                    an endless body with no Content-Length
  /big-cl                 a Content-Length of 1 GiB (and a short body)
  /wrongtype/HOST/PATH    the image with Content-Type: text/html
  /html                   an HTML page labelled image/jpeg

Usage: imgserver.py MIRROR PORTFILE [--lifetime S] [--slow S] [--mark FILE]
--mark FILE is created when a /slow/ request arrives, so a test knows the
client is inside the stall (to kill it there, say) without timing it.
Binds 127.0.0.1 on a free port, writes the port to PORTFILE, and exits by
itself after --lifetime seconds (default 300) so a killed test leaves
nothing behind.
"""
import argparse
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mirror")
    ap.add_argument("portfile")
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--slow", type=float, default=30)
    ap.add_argument("--mark", default=None)
    args = ap.parse_args()
    mirror = os.path.realpath(args.mirror)

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def send(self, code, body=b"", ctype="application/octet-stream",
                 extra=()):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def mirror_file(self, rel):
            # rel is "HOST/PATH[?QUERY]" exactly as requested
            path = os.path.realpath(os.path.join(mirror, rel))
            if not path.startswith(mirror + os.sep) or not os.path.isfile(path):
                dec = urllib.parse.unquote(rel)
                path = os.path.realpath(os.path.join(mirror, dec))
                if not path.startswith(mirror + os.sep) or not os.path.isfile(path):
                    return None
            with open(path, "rb") as f:
                return f.read()

        def do_GET(self):
            raw = self.path
            if raw.startswith("/redirect/"):
                rest = raw[len("/redirect/"):]
                n, _, tail = rest.partition("/")
                n = int(n) if n.isdigit() else 0
                loc = "/redirect/%d/%s" % (n - 1, tail) if n > 1 else "/" + tail
                return self.send(302, b"", "text/plain", [("Location", loc)])
            if raw == "/to-file":
                return self.send(302, b"", "text/plain",
                                 [("Location", "file:///etc/passwd")])
            if raw.startswith("/slow/"):
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.flush()
                if args.mark:
                    open(args.mark, "a").close()
                time.sleep(args.slow)
                return
            if raw == "/big":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"\xff\xd8\xff" + b"\0" * 65533
                try:
                    for _ in range(16 * 1024):  # 1 GiB at most
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            if raw == "/big-cl":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(1 << 30))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(b"\xff\xd8\xff" + b"\0" * 1000)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            if raw == "/html":
                return self.send(200, b"<!DOCTYPE html><html><body>blocked"
                                 b"</body></html>", "image/jpeg")
            ctype = "image/jpeg"
            rel = raw[1:]
            if rel.startswith("wrongtype/"):
                rel = rel[len("wrongtype/"):]
                ctype = "text/html"
            body = self.mirror_file(rel)
            if body is None:
                return self.send(404, b"not found", "text/plain")
            return self.send(200, body, ctype)

        do_HEAD = do_GET

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, args.portfile)
    t = threading.Timer(args.lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
