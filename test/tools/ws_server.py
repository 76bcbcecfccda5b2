"""The server side of RFC 6455 for the tools' tests' scripted servers (the standard library only): the
handshake of an accepted connection, unmasked frames to send, and the client's masked frames read."""
import base64
import hashlib
import struct


def receive(conn, n):
    """Exactly `n` bytes from the socket; OSError if it ends first."""
    data = b""
    while len(data) < n:
        more = conn.recv(n - len(data))
        if not more:
            raise OSError("connection closed")
        data += more
    return data


def accept(conn):
    """Reads the client's upgrade request from `conn` and accepts it; returns the request's target."""
    request = b""
    while b"\r\n\r\n" not in request:
        more = conn.recv(4096)
        if not more:
            raise OSError("the connection ended during the handshake")
        request += more
    lines = request.split(b"\r\n")
    key = next(l.split(b":", 1)[1].strip() for l in lines if l.lower().startswith(b"sec-websocket-key:"))
    accept_key = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept_key + b"\r\n\r\n")
    return lines[0].split()[1].decode()


def text_frame(text):
    """One unmasked, final text frame holding `text`."""
    data = text.encode()
    n = len(data)
    head = bytes([0x81, n]) if n < 126 else struct.pack("!BBH", 0x81, 126, n) if n < 65536 else \
        struct.pack("!BBQ", 0x81, 127, n)
    return head + data


def close_frame(code=1000):
    """An unmasked close frame with `code` and no reason."""
    return bytes([0x88, 2]) + struct.pack("!H", code)


def read_frame(conn):
    """The client's next frame: (opcode, payload unmasked)."""
    head = receive(conn, 2)
    n = head[1] & 0x7F
    n = struct.unpack("!H", receive(conn, 2))[0] if n == 126 else \
        struct.unpack("!Q", receive(conn, 8))[0] if n == 127 else n
    mask = receive(conn, 4)
    return head[0] & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(receive(conn, n)))
