import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROBE_HEADER_BYTES } from '../src/constants.ts';
import { ProbeError } from '../src/errors.ts';
import { decodeProbe, encodeProbe, type Probe } from '../src/protocol/probe.ts';

const probe: Probe = { session: 0xdead_beef, sequence: 7, sentAt: 1234.5 };

describe('probe format', () => {
  it('encodes the documented layout: magic, session, sequence, sentAt, zero padding', () => {
    const buf = encodeProbe(probe, 32);
    expect(buf.toString('hex')).toBe(
      '4e4c5531' + 'deadbeef' + '00000007' + '40934a0000000000' + '00'.repeat(12),
    );
  });

  it('round-trips any header and any size (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          session: fc.integer({ min: 0, max: 0xffff_ffff }),
          sequence: fc.integer({ min: 0, max: 0xffff_ffff }),
          sentAt: fc.double({ min: 0, max: 1e12, noNaN: true }),
        }),
        fc.integer({ min: PROBE_HEADER_BYTES, max: 2_000 }),
        (p, size) => {
          const buf = encodeProbe(p, size);
          expect(buf.length).toBe(size);
          expect(decodeProbe(buf, { session: p.session, size })).toEqual(p);
        },
      ),
    );
  });

  it.each([
    ['ERR_PROBE_TOO_SHORT', Buffer.alloc(19), {}],
    ['ERR_PROBE_TOO_SHORT', Buffer.alloc(0), {}],
    ['ERR_PROBE_BAD_MAGIC', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), {}],
    ['ERR_PROBE_WRONG_SESSION', encodeProbe(probe, 20), { session: 1 }],
    ['ERR_PROBE_SIZE_MISMATCH', encodeProbe(probe, 64), { size: 65 }],
    ['ERR_PROBE_SIZE_MISMATCH', encodeProbe(probe, 64).subarray(0, 40), { size: 64 }],
    [
      'ERR_PROBE_BAD_TIMESTAMP',
      (() => {
        const b = encodeProbe(probe, 20);
        b.writeDoubleBE(Number.NaN, 12);
        return b;
      })(),
      {},
    ],
    [
      'ERR_PROBE_BAD_TIMESTAMP',
      (() => {
        const b = encodeProbe(probe, 20);
        b.writeDoubleBE(-1, 12);
        return b;
      })(),
      {},
    ],
  ])('rejects with %s', (code, buf, expect_) => {
    expect(() => decodeProbe(buf, expect_)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects any stranger datagram with a ProbeError, never another exception (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeProbe(Buffer.from(bytes), { session: 42, size: 64 });
        } catch (err) {
          expect(err).toBeInstanceOf(ProbeError);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses to encode what it could not decode', () => {
    expect(() => encodeProbe(probe, 19)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => encodeProbe(probe, 65_508)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => encodeProbe({ ...probe, sequence: 2 ** 32 }, 20)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => encodeProbe({ ...probe, sentAt: Number.POSITIVE_INFINITY }, 20)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });
});
