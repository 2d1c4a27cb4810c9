import { describe, expect, it } from 'vitest';
import { decideExpectation, ExpectDecision } from '../src/protocol/expect.ts';

describe('decideExpectation', () => {
  it('no Expect header: nothing to decide', () => {
    expect(decideExpectation(undefined, '5', 10).decision).toBe(ExpectDecision.None);
  });

  it('100-continue within the limit: continue (case-insensitive, whitespace trimmed)', () => {
    expect(decideExpectation('100-continue', '10', 10).decision).toBe(ExpectDecision.Continue);
    expect(decideExpectation(' 100-Continue ', '1', 10).decision).toBe(ExpectDecision.Continue);
  });

  it('100-continue without Content-Length (chunked): continue, the stream limit applies later', () => {
    expect(decideExpectation('100-continue', undefined, 10).decision).toBe(ExpectDecision.Continue);
  });

  it('100-continue over the limit: 417, never a 100', () => {
    const verdict = decideExpectation('100-continue', '11', 10);
    expect(verdict.decision).toBe(ExpectDecision.Reject);
    expect(verdict.error?.code).toBe('ERR_HTTP_EXPECTATION_FAILED');
    expect(verdict.error?.statusCode).toBe(417);
  });

  it('an unknown expectation: 417', () => {
    const verdict = decideExpectation('200-ok', '1', 10);
    expect(verdict.decision).toBe(ExpectDecision.Reject);
    expect(verdict.error?.statusCode).toBe(417);
  });
});
