"""Smoke test of a running Kraken cluster with starknet.py (0.28, JSON-RPC v0.9) as the
client: spec version, chain id, a block, an ERC-20 transfer signed by a genesis account
with an estimated fee, its receipt, the balance it moved, and its Transfer event.

Run by scripts/test-e2e.sh with KRAKEN_RPC (a node's JSON-RPC URL) and KRAKEN_GENESIS
(the JSON `kraken genesis` writes) set.
"""

import asyncio
import json
import os
import random
import sys

from starknet_py.hash.selector import get_selector_from_name
from starknet_py.net.account.account import Account
from starknet_py.net.client_models import Call, TransactionExecutionStatus
from starknet_py.net.full_node_client import FullNodeClient
from starknet_py.net.signer.key_pair import KeyPair


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: run this through `make test-e2e` (scripts/test-e2e.sh)")
    return value


async def main() -> None:
    rpc = env("KRAKEN_RPC")
    with open(env("KRAKEN_GENESIS"), encoding="utf-8") as f:
        genesis = json.load(f)
    client = FullNodeClient(node_url=rpc)

    assert await client.spec_version() == "0.9.0"
    chain_id = await client.get_chain_id()
    assert int(chain_id, 16) == int(genesis["chain_id_hex"], 16), chain_id
    latest = await client.get_block(block_number="latest")
    print(f"spec 0.9.0, chain {genesis['chain_id']}, latest block {latest.block_number}")

    # The second-to-last genesis account: the load client uses the low ones and the
    # starknet-rs test the last.
    owner = genesis["accounts"][-2]
    account = Account(
        address=int(owner["address"], 16),
        client=client,
        key_pair=KeyPair.from_private_key(int(owner["private_key"], 16)),
        chain=int(chain_id, 16),
    )
    token = int(genesis["token"], 16)
    recipient = random.randrange(1 << 200, 1 << 250)
    amount = 12_345
    transfer = Call(to_addr=token, selector=get_selector_from_name("transfer"), calldata=[recipient, amount, 0])
    sent = await account.execute_v3(calls=transfer, auto_estimate=True)
    receipt = await client.wait_for_tx(sent.transaction_hash, check_interval=0.5, retries=120)
    assert receipt.execution_status == TransactionExecutionStatus.SUCCEEDED, receipt
    print(f"transfer {sent.transaction_hash:#x} included in block {receipt.block_number}, fee {receipt.actual_fee.amount}")

    balance = await client.call_contract(
        Call(to_addr=token, selector=get_selector_from_name("balance_of"), calldata=[recipient]), block_number="latest"
    )
    assert balance == [amount, 0], balance

    events = await client.get_events(
        address=token,
        keys=[[get_selector_from_name("Transfer")]],
        from_block_number=receipt.block_number,
        to_block_number=receipt.block_number,
        chunk_size=10,
    )
    assert any(e.transaction_hash == sent.transaction_hash for e in events.events), events
    print("starknet.py smoke test passed")


asyncio.run(main())
