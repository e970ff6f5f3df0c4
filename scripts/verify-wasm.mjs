// Verifies a proof with Kraken's WebAssembly verifier, as the explorer does in the
// browser: node scripts/verify-wasm.mjs VERIFIER_DIR PROOF [--block]
// VERIFIER_DIR is where `make wasm` puts the module and its wasm-bindgen glue
// (<target>/verifier-web). Prints the verifier's JSON report; exits 0 if the proof is
// valid (and, with --block, a block proof), 1 otherwise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, proofPath, flag] = process.argv.slice(2);
if (!dir || !proofPath) {
    console.error("usage: node scripts/verify-wasm.mjs VERIFIER_DIR PROOF [--block]");
    process.exit(2);
}
const glue = await import(pathToFileURL(join(dir, "kraken_verifier_wasm.js")).href);
glue.initSync({ module: readFileSync(join(dir, "kraken_verifier_wasm_bg.wasm")) });
const report = JSON.parse(glue.verify(readFileSync(proofPath)));
console.log(JSON.stringify(report, null, 2));
process.exit(report.valid && (flag !== "--block" || report.block !== null) ? 0 : 1);
