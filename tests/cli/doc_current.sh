# docs/platform-reference.md is what the schema generates.
. "$(dirname "$0")/lib.sh"
"$VP" --print-schema-doc > generated.md || fail "cannot generate"
diff -u "$SRC/docs/platform-reference.md" generated.md || fail "docs/platform-reference.md is stale: regenerate with vp-run --print-schema-doc > docs/platform-reference.md"
echo "reference current"
