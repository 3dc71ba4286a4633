#!/usr/bin/env bash
# Copies the front-end libraries pinned in assets/package-lock.json into
# src/jiandu/static/vendor, so that pages load nothing from outside the server.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../src/jiandu/static/vendor
rm -rf "$out"
mkdir -p "$out/bootstrap" "$out/bootstrap-icons/fonts" "$out/htmx" "$out/echarts"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$out/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out/bootstrap/"
cp node_modules/bootstrap/LICENSE "$out/bootstrap/LICENSE"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$out/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 "$out/bootstrap-icons/fonts/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$out/bootstrap-icons/fonts/"
cp node_modules/bootstrap-icons/LICENSE "$out/bootstrap-icons/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/htmx.org/LICENSE "$out/htmx/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
cp node_modules/echarts/LICENSE "$out/echarts/LICENSE"
# Source maps are not shipped; drop the references so static-file hashing finds no dangling link.
python3 - "$out" <<'PY'
import pathlib, re, sys
for path in pathlib.Path(sys.argv[1]).rglob("*"):
    if path.suffix in {".js", ".css"}:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"/[*/]# sourceMappingURL=\S+?( \*/)?(?=\s*$)", "", text), encoding="utf-8")
PY
node -e 'const l=require("./package-lock.json");for(const [k,v] of Object.entries(l.packages)){if(k)console.log(k.replace("node_modules/",""),v.version)}' > "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
