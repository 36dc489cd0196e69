"""Telethon 1.25.1's HTTP transport with its one broken line fixed, for the interop scripts.

telethon/network/connection/http.py, HttpPacketCodec.read_packet, tests `line[-1] != b'\\n'`:
line[-1] of a bytes object is an int, never equal to b'\\n', so every answer is read as a
truncated stream and ConnectionHttp cannot receive anything. patch() puts in the same reader
with that comparison made on a one-byte slice; nothing else changes (the server is not bent to
the bug). The reader still takes the two bytes after the Content-Length line as the blank line
that ends the head, so it needs Content-Length as the last header, which mtgate sends last.
"""
import asyncio


def patch():
    from telethon.network.connection import http

    async def read_packet(self, reader):
        while True:
            line = await reader.readline()
            if not line or line[-1:] != b"\n":
                raise asyncio.IncompleteReadError(line, None)
            if line.lower().startswith(b"content-length: "):
                await reader.readexactly(2)
                length = int(line[16:-2])
                return await reader.readexactly(length)

    http.HttpPacketCodec.read_packet = read_packet
