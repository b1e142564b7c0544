#!/usr/bin/env python3
"""Writes the inventory of an oras release's end-to-end specs.

Usage: tests/e2e/inventory.py ORAS_GIT_DIR TAG > tests/e2e/<v>/inventory.txt

Reads every Go file below test/e2e/suite at TAG (with `git show`, so no
checkout is needed) and prints one line per `It`: the file below
test/e2e/suite, then the texts of the enclosing Describe/When/Context
calls and of the It, decoded from their Go string literals:

    command/tag.go: ORAS beginners: / running repo command / should fail ...

Nesting is read from gofmt's tab indentation. The Rust test
`tests/e2e/inventory.rs` reads the port's doc comments the same way and
checks the two against each other.
"""

import re
import subprocess
import sys

CALL = re.compile(r'^(\t*)(?:var _ = )?(Describe|When|Context|It)\((.*)$')


def go_literal(rest):
    """The value of the Go string literal that `rest` starts with."""
    if rest.startswith('`'):
        return rest[1:rest.index('`', 1)]
    if not rest.startswith('"'):
        raise ValueError('not a string literal: ' + rest)
    out, i = [], 1
    while rest[i] != '"':
        if rest[i] == '\\':
            i += 1
            out.append({'n': '\n', 't': '\t'}.get(rest[i], rest[i]))
        else:
            out.append(rest[i])
        i += 1
    return ''.join(out)


def specs(name, text):
    stack = []
    for line in text.splitlines():
        m = CALL.match(line)
        if not m:
            continue
        depth, kind, rest = len(m.group(1)), m.group(2), m.group(3)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        label = go_literal(rest)
        if kind == 'It':
            yield '%s: %s' % (name, ' / '.join([s[1] for s in stack] + [label]))
        else:
            stack.append((depth, label))


def main():
    git, tag = sys.argv[1], sys.argv[2]
    prefix = 'test/e2e/suite/'
    files = subprocess.run(
        ['git', '-C', git, 'ls-tree', '-r', '--name-only', tag, prefix],
        check=True, capture_output=True, text=True).stdout.split()
    for path in sorted(files):
        if not path.endswith('.go') or path.endswith('_test.go'):
            continue
        text = subprocess.run(['git', '-C', git, 'show', '%s:%s' % (tag, path)],
                              check=True, capture_output=True, text=True).stdout
        for spec in specs(path[len(prefix):], text):
            print(spec)


if __name__ == '__main__':
    main()
