// Trunk post_build hook (before stamp-sw.sh): minifies the build's JavaScript (wasm-bindgen's
// glue module and the service worker) with terser, and rewrites the `integrity` hash that
// index.html carries for each file it changed. Trunk itself minifies only HTML and CSS.
// Saves about 2 KB brotli of each build (docs/BENCHMARKS.md, session 22).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("minify-js: run by trunk (TRUNK_STAGING_DIR unset)");
  process.exit(1);
}
const tools = join(dirname(fileURLToPath(import.meta.url)), "..", "tools");
const { minify } = createRequire(join(tools, "package.json"))("terser");
const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");

const indexPath = join(dir, "index.html");
let index = existsSync(indexPath) ? readFileSync(indexPath, "utf8") : null;
for (const name of readdirSync(dir).filter((n) => n.endsWith(".js"))) {
  const path = join(dir, name);
  const before = readFileSync(path);
  // The glue is an ES module (top-level names may be mangled; exports are kept); the
  // service worker is a classic script.
  const module = name !== "sw.js";
  const out = await minify(before.toString("utf8"), { module, compress: true, mangle: true });
  if (out.code === undefined || out.code.length >= before.length) continue;
  writeFileSync(path, out.code);
  if (index !== null) index = index.split(sri(before)).join(sri(Buffer.from(out.code)));
  console.log(`minify-js: ${name} ${before.length} -> ${out.code.length} bytes`);
}
if (index !== null) writeFileSync(indexPath, index);
