// Reads one JSON string per line (a front matter block), answers one JSON line:
// {"ok": true, "data": {...}} or {"ok": false, "error": "..."}. Used by tests.
const yaml = require("js-yaml");
const readline = require("readline");
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  let out;
  try {
    const data = yaml.load(JSON.parse(line));
    out = { ok: true, data: JSON.parse(JSON.stringify(data)) };
  } catch (e) {
    out = { ok: false, error: String(e && e.message) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
