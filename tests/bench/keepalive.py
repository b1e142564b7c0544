"""The protocol limit for small files in `make bench`: a client that makes
exactly the requests an ORAS push or pull of N files needs, one at a time,
on one persistent HTTP/1.1 connection (http.client, no library on top).

  push REGISTRY REPO TAG FILE...  for each file, then for the empty config
                                  blob `{}`:
                                    HEAD /v2/REPO/blobs/<digest>      (404)
                                    POST /v2/REPO/blobs/uploads/      (202)
                                    PUT  <Location>&digest=<digest>   (201)
                                  then PUT /v2/REPO/manifests/TAG     (201):
                                  3 * (N + 1) + 1 requests.
  pull REGISTRY REPO TAG OUTDIR   GET /v2/REPO/manifests/TAG, then
                                  GET /v2/REPO/blobs/<digest> for each
                                  layer, each checked against its digest
                                  and written under its title: N + 1
                                  requests.

It prints "requests=R connections=C" on stderr; the bench checks both
(C must be 1: one connection, reused). Any unexpected status is an error.
The manifest is the one oras 1.2 and oar write for a push of files (empty
config, titled layers, artifactType application/vnd.unknown.artifact.v1).
"""
import hashlib
import http.client
import json
import os
import sys
import urllib.parse

EMPTY = "application/vnd.oci.empty.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


class Conn(http.client.HTTPConnection):
    """An HTTPConnection that counts its TCP connects and requests."""

    connects = 0
    requests = 0

    def connect(self):
        Conn.connects += 1
        super().connect()

    def call(self, method, url, body=None, headers=None, want=(200,)):
        Conn.requests += 1
        self.request(method, url, body=body, headers=headers or {})
        r = self.getresponse()
        data = r.read()
        if r.status not in want:
            sys.exit(f"keepalive: {method} {url}: {r.status} {data[:200]!r}")
        return r, data


def push_blob(c, repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    c.call("HEAD", f"/v2/{repo}/blobs/{digest}", want=(404,))
    r, _ = c.call("POST", f"/v2/{repo}/blobs/uploads/", headers={"Content-Length": "0"}, want=(202,))
    loc = urllib.parse.urlsplit(r.getheader("Location"))
    query = (loc.query + "&" if loc.query else "") + "digest=" + urllib.parse.quote(digest)
    headers = {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))}
    c.call("PUT", f"{loc.path}?{query}", body=data, headers=headers, want=(201,))
    return digest


def push(c, repo, tag, files):
    layers = []
    for f in files:
        with open(f, "rb") as fh:
            data = fh.read()
        layers.append({
            "mediaType": LAYER,
            "digest": push_blob(c, repo, data),
            "size": len(data),
            "annotations": {"org.opencontainers.image.title": f},
        })
    config = {"mediaType": EMPTY, "digest": push_blob(c, repo, b"{}"), "size": 2, "data": "e30="}
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "artifactType": "application/vnd.unknown.artifact.v1",
        "config": config,
        "layers": layers,
    }).encode()
    c.call("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
           headers={"Content-Type": MANIFEST}, want=(201,))


def pull(c, repo, tag, outdir):
    _, body = c.call("GET", f"/v2/{repo}/manifests/{tag}", headers={"Accept": MANIFEST})
    os.makedirs(outdir, exist_ok=True)
    for layer in json.loads(body)["layers"]:
        _, data = c.call("GET", f"/v2/{repo}/blobs/{layer['digest']}")
        if "sha256:" + hashlib.sha256(data).hexdigest() != layer["digest"]:
            sys.exit(f"keepalive: blob {layer['digest']} has other bytes")
        name = layer["annotations"]["org.opencontainers.image.title"]
        with open(os.path.join(outdir, name), "wb") as fh:
            fh.write(data)


def main():
    op, registry, repo, tag, *rest = sys.argv[1:]
    host, port = registry.rsplit(":", 1)
    c = Conn(host, int(port))
    if op == "push":
        push(c, repo, tag, rest)
    elif op == "pull":
        pull(c, repo, tag, rest[0])
    else:
        sys.exit(f"keepalive: unknown operation {op}")
    c.close()
    print(f"requests={Conn.requests} connections={Conn.connects}", file=sys.stderr)


main()
