// Verifies a proof with Kraken's WebAssembly verifier, as the explorer does in the
// browser: node scripts/verify-wasm.mjs VERIFIER.wasm PROOF [--block]
// Prints the verifier's JSON report; exits 0 if the proof is valid (and, with --block,
// a block proof), 1 otherwise.
import { readFileSync } from "node:fs";

const [wasmPath, proofPath, flag] = process.argv.slice(2);
if (!wasmPath || !proofPath) {
    console.error("usage: node scripts/verify-wasm.mjs VERIFIER.wasm PROOF [--block]");
    process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const { memory, alloc, dealloc, verify } = instance.exports;
const proof = readFileSync(proofPath);
const ptr = alloc(proof.length);
new Uint8Array(memory.buffer, ptr, proof.length).set(proof);
const packed = verify(ptr, proof.length);
const [out, len] = [Number(packed >> 32n), Number(packed & 0xffffffffn)];
const report = JSON.parse(new TextDecoder().decode(new Uint8Array(memory.buffer, out, len)));
dealloc(out, len);
dealloc(ptr, proof.length);
console.log(JSON.stringify(report, null, 2));
process.exit(report.valid && (flag !== "--block" || report.block !== null) ? 0 : 1);
