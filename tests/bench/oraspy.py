"""oras-py (pip `oras`) as a `make bench` contender: push the files named
on the command line, or pull an artifact into a directory, over plain
HTTP, with the library's defaults (one requests session, monolithic
uploads).

  push REGISTRY REPO:TAG FILE...
  pull REGISTRY REPO:TAG OUTDIR
"""
import sys

import oras.client

op, registry, ref, *rest = sys.argv[1:]
client = oras.client.OrasClient(hostname=registry, insecure=True)
if op == "push":
    client.push(target=f"{registry}/{ref}", files=rest, quiet=True)
elif op == "pull":
    client.pull(target=f"{registry}/{ref}", outdir=rest[0])
else:
    sys.exit(f"oraspy: unknown operation {op}")
