#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lists functions longer than a limit in the project's C++ sources.

The tree is clang-formatted with braces after functions on their own line
(.clang-format: BraceWrapping.AfterFunction), so a function body is a line holding
only "{" and the next line holding only "}" at the same indentation. Its length is
counted from the first line of its signature to the closing brace, as an editor
shows it. Usage: function_lengths.py [--max N] [DIR...]; exits 1 when any function
is longer than N (default 120) lines.
"""
import argparse
import pathlib
import re
import sys

OPEN = re.compile(r"^( *)\{\s*$")


def signature_start(lines, brace):
    """The first line of the signature that ends just above the brace."""
    i = brace - 1
    while i > 0:
        above = lines[i - 1].strip()
        # A signature ends a statement, a block, a comment or a blank line above it.
        if (not above or above.endswith((";", "}", "{", "*/")) or above.startswith(("//", "#"))
                or above.endswith(":") and not above.endswith("::")):
            break
        i -= 1
    return i


def functions(path):
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for n, line in enumerate(lines):
        m = OPEN.match(line)
        if not m or n == 0:
            continue
        indent = m.group(1)
        prev = lines[n - 1].rstrip()
        # A brace of its own after a signature (")", "const", "override", an initializer
        # list's last entry); not after "=" (an aggregate) or a control statement.
        if not prev or prev.endswith((";", "{", "}")):
            continue  # a bare block
        if prev.endswith(("=", ",")) and not prev.lstrip().startswith(":"):
            continue
        if re.match(r"^\s*(if|for|while|switch|else|do|try|catch)\b", prev):
            continue
        if re.match(r"^\s*(namespace|struct|class|enum|union)\b", prev):
            continue
        close = indent + "}"
        for end in range(n + 1, len(lines)):
            if lines[end].rstrip() == close or lines[end].rstrip().startswith(close + ";"):
                break
        else:
            continue
        start = signature_start(lines, n)
        yield start + 1, end - start + 1, lines[start].strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=120)
    parser.add_argument("dirs", nargs="*", default=["core", "io", "ui", "app"])
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    longest = []
    for d in args.dirs:
        base = root / d
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix in (".cpp", ".h"):
                for line, length, text in functions(path):
                    longest.append((length, f"{path.relative_to(root)}:{line}", text))
    longest.sort(reverse=True)
    over = [f for f in longest if f[0] > args.max]
    for length, where, text in over or longest[:5]:
        print(f"{length:5} {where}  {text[:80]}")
    if over:
        print(f"{len(over)} function(s) longer than {args.max} lines", file=sys.stderr)
        return 1
    print(f"no function longer than {args.max} lines (the longest above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
