"""A WebSocket client of RFC 6455 written for the tools' tests (the standard library only): connects to
`yams serve`, reads whole messages (fragments joined, pings answered) and the close frame, sends text."""
import base64
import os
import socket
import struct


class Closed(Exception):
    """The server closed the connection: `code` and `reason` from its close frame (None without one)."""

    def __init__(self, code, reason):
        super().__init__(f"closed: {code} {reason!r}")
        self.code, self.reason = code, reason


class WsClient:
    def __init__(self, port, target="/ws", timeout=60.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            more = self.sock.recv(65536)
            if not more:
                raise OSError("the connection ended during the handshake")
            self.buffer += more
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.status = int(head.split(b" ", 2)[1])
        if self.status != 101:
            raise OSError(f"upgrade refused: {head.decode(errors='replace')}")

    def _exactly(self, n):
        while len(self.buffer) < n:
            more = self.sock.recv(max(65536, n - len(self.buffer)))
            if not more:
                raise Closed(None, "the connection ended without a close frame")
            self.buffer += more
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else struct.pack("!BH", 0x80 | 126, n)
                                          if n < 65536 else struct.pack("!BQ", 0x80 | 127, n))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._send(0x1, text.encode())

    def read(self):
        """The next whole message as text; raises Closed at the server's close frame (answered)."""
        parts = []
        while True:
            b0, b1 = self._exactly(2)
            n = b1 & 0x7F
            n = struct.unpack("!H", self._exactly(2))[0] if n == 126 else \
                struct.unpack("!Q", self._exactly(8))[0] if n == 127 else n
            payload = self._exactly(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                try:
                    self._send(0x8, payload[:2])
                except OSError:
                    pass
                raise Closed(code, payload[2:].decode())
            if opcode == 0x9:
                self._send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode()

    def read_history(self):
        """The texts of one history: its messages up to the one not marked "more" (one, unless in parts)."""
        texts = [self.read()]
        while texts[-1].endswith(',"more":true}'):
            texts.append(self.read())
        return texts

    def close(self):
        try:
            self._send(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()
