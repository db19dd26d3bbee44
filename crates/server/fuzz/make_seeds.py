# Writes the fuzz targets' seed corpus (seeds/receiver, seeds/inflater): a few inputs of each kind
# the targets take (see src/lib.rs for the layout), DEFLATE data from zlib. Run from this folder:
# `python3 make_seeds.py`; a finding worth keeping goes into seeds/ beside them, by hand.
import zlib, struct, os
MASK = bytes([0x37, 0xFA, 0x21, 0x3D])
def frame(fin, rsv1, op, payload, mask=MASK):
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | op
    n = len(payload)
    m = 0x80 if mask else 0
    if n <= 125: h = bytes([b0, m | n])
    elif n <= 0xFFFF: h = bytes([b0, m | 126]) + struct.pack('>H', n)
    else: h = bytes([b0, m | 127]) + struct.pack('>Q', n)
    if mask:
        return h + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
    return h + payload
def deflate(data, wbits=15, comp=None):
    c = comp or zlib.compressobj(6, zlib.DEFLATED, -wbits)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b'\x00\x00\xff\xff')
    return out[:-4]
# settings bytes: flags (bit0 deflate, bit1 takeover, bits2.. window: 9 + n%7 -> 15 is n=6 -> 6<<2=0x18), limit (n+1)*8
PLAIN = bytes([0x00, 127])        # 1 KiB
DEFLATE = bytes([0x01 | 0x18, 127])
TAKEOVER = bytes([0x03 | 0x18, 127])
SMALL_DEFLATE = bytes([0x01 | 0x18, 15])  # 128 B
def w(d, name, data):
    open(os.path.join('seeds', d, name), 'wb').write(data)
r = 'receiver'
w(r, 'text-hello', PLAIN + frame(1, 0, 1, b'Hello'))
w(r, 'fragments-with-ping', PLAIN + frame(0, 0, 1, '𝄞 '.encode()) + frame(1, 0, 9, b'p') + frame(1, 0, 0, 'κόσμε'.encode()))
w(r, 'binary-16-bit-length', PLAIN + frame(1, 0, 2, bytes(range(256)) + bytes(44)))
w(r, 'close-1000-bye', PLAIN + frame(1, 0, 8, struct.pack('>H', 1000) + b'bye'))
w(r, 'ping-pong-empty-close', PLAIN + frame(1, 0, 9, b'') + frame(1, 0, 10, b'x') + frame(1, 0, 8, b''))
w(r, 'utf8-split-across-fragments', PLAIN + frame(0, 0, 1, b'\xf0\x9d') + frame(1, 0, 0, b'\x84\x9e'))
w(r, 'utf8-invalid-in-first-fragment', PLAIN + frame(0, 0, 1, b'ok \xed\xa0\x80') + frame(1, 0, 0, b'more'))
w(r, 'header-64-bit-over-the-limit', PLAIN + bytes([0x82, 0xFF]) + struct.pack('>Q', 1 << 40) + MASK)
w(r, 'fragments-over-the-limit', bytes([0, 15]) + frame(0, 0, 2, bytes(100)) + frame(1, 0, 0, bytes(100)))
w(r, 'compressed-hello-rfc7692', DEFLATE + frame(1, 1, 1, bytes([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])))
c = deflate(b'{"text":"hello","sent_at":1}' * 10)
w(r, 'compressed-fragmented', DEFLATE + frame(0, 1, 1, c[:5]) + frame(1, 0, 0, c[5:]) + frame(1, 0, 1, b'plain'))
w(r, 'compressed-context-takeover-rfc7692', TAKEOVER + frame(1, 1, 1, bytes([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])) + frame(1, 1, 1, bytes([0xf2, 0x00, 0x11, 0x00, 0x00])))
w(r, 'compressed-bomb', SMALL_DEFLATE + frame(1, 1, 2, deflate(bytes(64 * 1024))))
w(r, 'compressed-not-deflate', DEFLATE + frame(1, 1, 2, b'\xff\xff\xff'))
w(r, 'unmasked', PLAIN + frame(1, 0, 1, b'Hello', mask=None))
# Described frames (flags bit 7): [FIN|RSV1|RSV2|opcode][length][payload].
def described(first, payload):
    return bytes([first, len(payload)]) + payload
w(r, 'described-text-fragments', bytes([0x80, 7]) + described(0x01, b'a' * 40) + described(0x89, b'p') + described(0x80, b'b' * 40))
w(r, 'described-compressed', bytes([0x80 | 0x01 | 0x18, 127]) + described(0xC1, deflate(b'{"text":"hello"}' * 4)) + described(0x88, struct.pack('>H', 1000)))
i = 'inflater'
w(i, 'hello-rfc7692', bytes([0x18, 127]) + bytes([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]))
w(i, 'stored-block-rfc7692', bytes([0x18, 127]) + bytes([0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00]))
w(i, 'two-blocks-rfc7692', bytes([0x18, 127]) + bytes([0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00]))
w(i, 'json-notes', bytes([0x1a, 255]) + deflate(b''.join(b'{"text":"note %d from the ticker","sent_at":%d.5}' % (n, 1764000000000 + n) for n in range(20))))
w(i, 'bomb', bytes([0x18, 31]) + deflate(bytes(64 * 1024)))
w(i, 'final-block-then-more', bytes([0x18, 127]) + zlib.compressobj(6, zlib.DEFLATED, -15).compress(b'end') + zlib.compressobj(6, zlib.DEFLATED, -15).flush() + b'trailing')
w(i, 'window-9', bytes([0x00, 127]) + deflate(b'abcabcabc' * 60, wbits=9))
w(i, 'garbage', bytes([0x18, 127]) + b'\xff\xff\xff')
