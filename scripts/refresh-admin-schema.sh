#!/usr/bin/env bash
# Refreshes the Admin GraphQL introspection the Shopify simulator executes against.
# Takes the file from the npm package @shopify/dev-mcp without installing it (npm pack = tarball only).
set -euo pipefail
VERSION="${1:-2026-07}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/tests/simulator/schema"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack @shopify/dev-mcp@latest --silent >/dev/null
TARBALL="$(ls shopify-dev-mcp-*.tgz)"
PKG_VERSION="${TARBALL#shopify-dev-mcp-}"; PKG_VERSION="${PKG_VERSION%.tgz}"
tar xzf "$TARBALL" "package/dist/data/admin_${VERSION}.json.gz"
# sanity check: it must load as a client schema
node -e '
const z=require("zlib"),fs=require("fs");
const j=JSON.parse(z.gunzipSync(fs.readFileSync(process.argv[1])));
if(!j.data||!j.data.__schema) throw new Error("unexpected structure: "+Object.keys(j));
console.log("types:", j.data.__schema.types.length);
' "package/dist/data/admin_${VERSION}.json.gz"
mkdir -p "$DEST"
cp "package/dist/data/admin_${VERSION}.json.gz" "$DEST/admin_${VERSION}.json.gz"
cat > "$DEST/SOURCE.md" <<MD
# Shopify Admin GraphQL schema (introspection)

- File: \`admin_${VERSION}.json.gz\` — Shopify's Admin GraphQL API introspection for API version **${VERSION}**
  (\`{ data: { __schema } }\`, loaded with \`graphql.buildClientSchema(json.data)\`).
- Source: npm package **\`@shopify/dev-mcp@${PKG_VERSION}\`**, file \`package/dist/data/admin_${VERSION}.json.gz\`,
  taken with \`npm pack\` (the package is not a dependency: it pulls the Shopify CLI).
- Fetched: $(date -u +%Y-%m-%d).
- Refresh: \`scripts/refresh-admin-schema.sh [version]\` (default version 2026-07; updates this note).
MD
echo "updated $DEST/admin_${VERSION}.json.gz from @shopify/dev-mcp@${PKG_VERSION}"
