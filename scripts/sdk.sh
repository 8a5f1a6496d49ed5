#!/usr/bin/env bash
# Regenerate openapi.yaml from the code, then the Python SDK in clients/python/ from it (commit both).
# The generator reads openapi.yaml as scripts/sdk_spec.py adjusts it (request bodies' free-form objects as dicts);
# clients/python/README.md is written by hand and kept.
# Usage: scripts/sdk.sh [output dir]   (default clients/python; tests/meta uses a temporary dir)
source "$(dirname "$0")/lib.sh"
ensure_venv
out="${1:-clients/python}"
if [[ -z "${KEEL_SDK_SKIP_OPENAPI:-}" ]]; then
  scripts/openapi.sh
fi
# The generator's post-hooks run ruff from this venv (pinned by uv.lock), so the output is byte-for-byte stable.
# Any generator warning (an operation or schema it cannot express) fails the run and is printed.
log="$(mktemp)"
spec="$(mktemp --suffix=.yaml)"
readme="$(mktemp)"
trap 'rm -f "$log" "$spec" "$readme"' EXIT
cp clients/python/README.md "$readme"
uv run --frozen python scripts/sdk_spec.py openapi.yaml "$spec"
if ! uv run --frozen openapi-python-client generate \
  --path "$spec" \
  --config clients/python-config.yaml \
  --meta uv \
  --output-path "$out" \
  --overwrite \
  --fail-on-warning >"$log" 2>&1; then
  cat "$log" >&2
  echo "openapi-python-client failed: fix the schema annotations named above" >&2
  exit 1
fi
rm -rf "$out/.ruff_cache"
cp "$readme" "$out/README.md"
echo "wrote $out"
