#!/usr/bin/env bash
# Man pages and shell completions (what `make docs` makes and
# scripts/release.sh ships):
#
#   scripts/docs.sh OUT_DIR
#
# From the debug build (`swift build`, which `make test` and `make build`
# run; the pages and completions are the same for every build, and a debug
# build runs on any CPU, where a znver4 release build would not):
# argument-parser's generate-manual plugin (offline: it only runs each
# binary's --experimental-dump-help), one page per (sub)command without the
# built-in `help` subcommand's pages, each checked to render with man -l; and
# each binary's --generate-completion-script. OUT_DIR gets man/man1/*.1 and
# completions/{bash,zsh,fish}/.
set -euo pipefail
(($# == 1)) || { echo "usage: scripts/docs.sh OUT_DIR" >&2; exit 64; }
out=$1
cd "$(dirname "$0")/.."
binaries=(wear-decrypt wear-filter wear-score wear-alert wear)
command -v man > /dev/null || { echo "docs: man (apt man-db) is needed to check the pages render" >&2; exit 69; }

swift build >&2
bin=$(swift build --show-bin-path)
swift package generate-manual --configuration debug --multi-page >&2
manuals=.build/plugins/GenerateManual/outputs

rm -rf "$out"
mkdir -p "$out/man/man1" "$out/completions/bash" "$out/completions/zsh" "$out/completions/fish"
for b in "${binaries[@]}"; do
    [[ -x "$bin/$b" ]] || { echo "docs: $bin/$b was not built" >&2; exit 1; }
    cp "$manuals/$b"/*.1 "$out/man/man1/"
done
rm -f "$out"/man/man1/*.help.1
for page in "$out"/man/man1/*.1; do
    MANWIDTH=80 man -l "$page" > /dev/null 2>&1 || { echo "docs: $page does not render" >&2; exit 1; }
done
for b in "${binaries[@]}"; do
    "$bin/$b" --generate-completion-script bash > "$out/completions/bash/$b"
    "$bin/$b" --generate-completion-script zsh > "$out/completions/zsh/_$b"
    "$bin/$b" --generate-completion-script fish > "$out/completions/fish/$b.fish"
done
echo "docs: $(ls "$out/man/man1" | wc -l) man pages in $out/man, completions in $out/completions" >&2
