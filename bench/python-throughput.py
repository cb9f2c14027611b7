"""Loopback call throughput of the Python SDK against raw httpx with the same client settings.

A small HTTP/1.1 keep-alive server (a child process, so it runs on the other core) answers every
request with one sandbox's JSON. The same sequential GETs are sent, in short alternating rounds
(so that drift in the machine's load hits every contender alike), by:
  - raw httpx: one httpx.Client with the SDK's settings, sending the same request (URL and the
    headers the SDK sends), then .json();
  - Sandbox.get_info(id) (the by-ID form: options resolved on every call);
  - sandbox.get_info() (an instance).
What the SDK adds is its own work: checking the ID, building the request, the retry policy, and
decoding the JSON into a SandboxInfo with two datetimes. Prints requests per second and, for each
SDK form, the median over rounds of its rate / raw httpx's rate in the same round; the target is
>= 0.95.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time

ROUNDS = 61
PER_ROUND = 100
BODY = json.dumps(
    {
        "sandboxId": "sbx_abc123",
        "templateId": "default",
        "state": "running",
        "startedAt": "2026-11-29T10:00:00Z",
        "endAt": "2026-11-29T10:01:00Z",
        "cpuCount": 2,
        "memoryMB": 2048,
        "diskGB": 40,
        "metadata": {"userId": "123"},
        "lifecycle": {"onTimeout": "pause", "autoResume": True},
    }
).encode()


def serve() -> None:
    response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
        + str(len(BODY)).encode()
        + b"\r\n\r\n"
        + BODY
    )

    class Http(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:  # GETs only: no bodies to skip
                _, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
                self.transport.write(response)  # type: ignore[attr-defined]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Http, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes stdin

    asyncio.run(main())


def main() -> int:
    import httpx
    from tensor_box import Sandbox
    from tensor_box._core.config import SDK_HEADERS

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        key = "tb_bench_key"
        # The settings the SDK's shared client uses (transport.py): default limits, HTTP/1.1, 60 s.
        raw = httpx.Client(timeout=60.0, verify=httpx.create_ssl_context())
        headers = {**SDK_HEADERS, "X-API-Key": key, "X-Tensor-Box-Retry-Count": "0"}
        sandbox = Sandbox.connect("sbx_abc123", domain=url, api_key=key)

        def run_raw() -> None:
            raw.get(f"{url}/sandboxes/sbx_abc123", headers=headers).json()

        def run_by_id() -> None:
            Sandbox.get_info("sbx_abc123", domain=url, api_key=key)

        def run_instance() -> None:
            sandbox.get_info()

        contenders = {"raw httpx": run_raw, "Sandbox.get_info(id)": run_by_id, "sandbox.get_info()": run_instance}
        for fn in contenders.values():  # warm up: connections, caches
            for _ in range(200):
                fn()
        rates: dict[str, list[float]] = {name: [] for name in contenders}
        # Client CPU time per call, too: unlike wall time it barely moves with the machine's load.
        cpu: dict[str, list[float]] = {name: [] for name in contenders}
        names = list(contenders)
        for round_number in range(ROUNDS):
            # Rotate the order too, so no contender always runs right after another.
            for name in names[round_number % 3 :] + names[: round_number % 3]:
                fn = contenders[name]
                started, started_cpu = time.perf_counter(), time.process_time()
                for _ in range(PER_ROUND):
                    fn()
                rates[name].append(PER_ROUND / (time.perf_counter() - started))
                cpu[name].append((time.process_time() - started_cpu) / PER_ROUND * 1e6)
        ok = True
        for name, values in rates.items():
            line = (
                f"{name:>22}: {statistics.median(values):6.0f} req/s, {statistics.median(cpu[name]):5.0f} µs client CPU"
                f" per call (medians of {ROUNDS} rounds of {PER_ROUND})"
            )
            if name != "raw httpx":
                ratio = statistics.median(v / base for v, base in zip(values, rates["raw httpx"]))
                ok = ok and ratio >= 0.95
                line += f"  ratio {ratio:.3f} (target >= 0.95): {'OK' if ratio >= 0.95 else 'MISSED'}"
            print(line)
        return 0 if ok else 1
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        sys.exit(main())
