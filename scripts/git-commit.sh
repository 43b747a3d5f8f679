#!/bin/sh
# Prints the short commit of the working tree ("-dirty" with uncommitted
# changes to tracked files), or nothing outside git (a tarball): what the
# Makefile passes to the build as WEAR_GIT_COMMIT for --version.
root=$(dirname "$0")/..
commit=$(git -C "$root" rev-parse --short=7 HEAD 2>/dev/null) || exit 0
git -C "$root" diff --quiet HEAD -- 2>/dev/null || commit="$commit-dirty"
printf '%s' "$commit"
