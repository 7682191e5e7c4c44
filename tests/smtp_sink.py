"""A real SMTP server for the delivery tests: stores each message it accepts as one file.

Run as `python tests/smtp_sink.py OUT_DIR`: it listens on a free 127.0.0.1 port, prints
`listening <port>` once ready, refuses with 550 every recipient whose address contains "refuse"
and with 451 (try later) every one containing "defer", and writes each accepted message to
OUT_DIR/<n>.eml (complete, atomic) with its envelope recipients in OUT_DIR/<n>.rcpt.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


class Sink:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.numbers = itertools.count(1)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if "refuse" in address.lower():
            return "550 5.1.1 mailbox refused by the sink"
        if "defer" in address.lower():
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        number = next(self.numbers)
        content: Any = envelope.original_content or b""
        (self.out_dir / f"{number}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        partial = self.out_dir / f"{number}.part"
        partial.write_bytes(content)
        os.replace(partial, self.out_dir / f"{number}.eml")
        return "250 2.0.0 stored"


async def main(out_dir: Path) -> None:
    sink = Sink(out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
