// Kraken explorer, in the browser: keeps the live parts of a page current and verifies
// block proofs here, with Kraken's verifier compiled to WebAssembly (wasm-bindgen's
// module, served by the explorer). The server hands over proof bytes and the chain's
// hashes; only this page's verifier says whether a proof holds.
import init, { verify } from "/assets/kraken_verifier_wasm.js";

const POLL_MS = 2000;

// --- the verifier -----------------------------------------------------------------

let verifierReady = null;

// The verifier's JSON report on `bytes` (see prover/wasm/src/lib.rs), and how long it took.
async function verifyBytes(bytes) {
    verifierReady ??= init();
    await verifierReady;
    const start = performance.now();
    const report = JSON.parse(verify(bytes));
    return { report, ms: performance.now() - start };
}

const felt = (hex) => BigInt(hex);

// Why a verified report is not a proof of block `n` of this chain (`expected`: the
// chain's facts about the proved range), or null when it is. The rule is
// block_proof::check::compare's, applied here to what this page's verifier returned.
function mismatch(report, n, expected) {
    const b = report.block;
    if (!b) return "it verifies, but it is not a block proof";
    if (n !== null && (n < b.first_block || n > b.last_block)) return `it proves blocks ${b.first_block}..=${b.last_block}, not block ${n}`;
    if (!expected) return "the nodes could not say which blocks the chain holds there";
    if (felt(b.chain_id) !== felt(expected.chain_id)) return `it is a proof of chain ${b.chain_id}, not of this chain (${expected.chain_id})`;
    for (const c of ["fib", "fact", "token"]) {
        if (felt(b[c]) !== felt(expected[c])) return `it takes the ${c} contract to be ${b[c]}, not ${expected[c]}`;
    }
    if (felt(b.last_block_hash) !== felt(expected.last_block_hash)) return `it is a proof of other blocks: block ${b.last_block} hashes to ${b.last_block_hash} there, ${expected.last_block_hash} on this chain`;
    if (felt(b.first_parent_hash) !== felt(expected.first_parent_hash)) return `it is a proof of other blocks: block ${b.first_block}'s parent is ${b.first_parent_hash} there, ${expected.first_parent_hash} on this chain`;
    return null;
}

// The statement in words: what a valid proof says (prover/README.md says what it does not).
function statement(report, bytes, ms) {
    const b = report.block;
    const range = b.first_block === b.last_block ? `block ${b.first_block}` : `blocks ${b.first_block}–${b.last_block}`;
    return `The block program (${short(report.program_hash)}) ran ${range} with their ${b.transactions} transaction(s): ` +
        `each transaction's hash recomputed from its fields, each block's hash from its header and commitments, ` +
        `linked parent to parent up to ${short(b.last_block_hash)}, with results digest ${short(b.results_digest)}. ` +
        `Signatures, fees and the state root are not re-checked (see prover/README.md). ` +
        `Security ${report.security_bits} bits (conjectured), proof ${(bytes.length / 1024).toFixed(0)} KiB, verified in ${ms.toFixed(0)} ms in this browser.`;
}

const short = (hex) => (hex.length > 18 ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : hex);

function show(el, state, text) {
    el.replaceChildren();
    const badge = document.createElement("b");
    badge.className = `badge ${state.toLowerCase()}`;
    badge.textContent = state;
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = text;
    el.append(badge, " ", detail);
    el.dataset.state = state;
}

// --- a block's proof status ---------------------------------------------------------

async function followProof(el) {
    const n = Number(el.dataset.block);
    const auto = el.dataset.verify === "true";
    let answer;
    try {
        const r = await fetch(`/api/proof/${n}`);
        answer = await r.json();
    } catch (e) {
        show(el, "Unknown", `the explorer did not answer: ${e.message}`);
        return setTimeout(() => followProof(el), POLL_MS);
    }
    if (answer.status === "missing") {
        show(el, "Missing", "no stored proof covers this block yet; this page will update when one does");
        return setTimeout(() => followProof(el), POLL_MS);
    }
    if (answer.status === "unreachable") {
        show(el, "Unknown", `the proof store is unreachable: ${answer.error}`);
        return setTimeout(() => followProof(el), POLL_MS);
    }
    const covered = answer.first === answer.last ? `block ${answer.first}` : `blocks ${answer.first}..=${answer.last}`;
    if (!auto) {
        show(el, "Available", `a proof of ${covered} is stored (${answer.record.transactions} transactions, ${answer.record.security_bits} bits); not verified yet`);
        const button = document.createElement("button");
        button.textContent = "Verify in my browser";
        button.id = "verify-button";
        button.onclick = () => verifyStored(el, n, answer);
        el.append(" ", button);
        return;
    }
    await verifyStored(el, n, answer);
}

async function verifyStored(el, n, answer) {
    show(el, "Pending", "verifying the proof in this browser…");
    let bytes;
    try {
        const r = await fetch(answer.proof_url);
        if (!r.ok) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
        bytes = new Uint8Array(await r.arrayBuffer());
    } catch (e) {
        show(el, "Unknown", `the proof could not be fetched: ${e.message}`);
        return setTimeout(() => followProof(el), POLL_MS);
    }
    const { report, ms } = await verifyBytes(bytes);
    if (!report.valid) return show(el, "Failed", `the proof does not verify: ${report.error}`);
    const wrong = mismatch(report, n, answer.expected);
    if (wrong) return show(el, "Failed", answer.expected ? wrong : `${wrong}: ${answer.expected_error}`);
    show(el, "Verified", statement(report, bytes, ms));
    el.dataset.verifyMs = ms.toFixed(1);
}

// --- a proof file from the reader ----------------------------------------------------

async function verifyFile(input, out) {
    const file = input.files[0];
    if (!file) return;
    show(out, "Pending", `verifying ${file.name} in this browser…`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { report, ms } = await verifyBytes(bytes);
    if (!report.valid) return show(out, "Failed", `the proof does not verify: ${report.error}`);
    if (!report.block) return show(out, "Failed", "it verifies, but it is not a block proof");
    const r = await fetch(`/api/chain/${report.block.first_block}/${report.block.last_block}`);
    const facts = await r.json();
    const wrong = mismatch(report, null, r.ok ? facts : null);
    if (wrong) return show(out, "Failed", r.ok ? wrong : `${wrong}: ${facts.error}`);
    show(out, "Verified", `${statement(report, bytes, ms)} These are this chain's blocks.`);
}

// --- live parts ---------------------------------------------------------------------

function refresh(el) {
    setInterval(async () => {
        try {
            const r = await fetch(el.dataset.refresh);
            if (r.ok) el.innerHTML = await r.text();
        } catch (e) {
            // The explorer is restarting: the next tick tries again.
        }
    }, POLL_MS);
}

document.querySelectorAll("[data-refresh]").forEach(refresh);
document.querySelectorAll("#proof[data-block]").forEach(followProof);
const fileInput = document.getElementById("proof-file");
if (fileInput) fileInput.addEventListener("change", () => verifyFile(fileInput, document.getElementById("file-result")));
