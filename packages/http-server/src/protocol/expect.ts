import { HttpError } from '../errors.ts';
import { checkDeclaredLength } from './body.ts';

/** The one expectation RFC 9110 §10.1.1 defines. */
export const EXPECT_100_CONTINUE = '100-continue';

/** What the server does with a request's `Expect` header. */
export enum ExpectDecision {
  /** No `Expect` header: handle the request as usual. */
  None = 'none',
  /** `Expect: 100-continue` and the body may come: send `100 Continue`, then handle it. */
  Continue = 'continue',
  /** Refuse with 417 and never send `100 Continue`: the client must not send the body. */
  Reject = 'reject',
}

export interface ExpectVerdict {
  decision: ExpectDecision;
  /** Set when `decision` is {@link ExpectDecision.Reject}: `ERR_HTTP_EXPECTATION_FAILED` (417). */
  error?: HttpError;
}

/**
 * Decides how to answer a request's `Expect` header (RFC 9110 §10.1.1; book §7.3.2
 * `checkContinue`). `100-continue` (case-insensitive, RFC 9110 §10.1.1) is honoured unless
 * the declared `Content-Length` is already over `maxBody`, in which case the answer is
 * 417 Expectation Failed and the body is never requested. Any other expectation is 417 too.
 *
 * @param expect the `expect` header value, if any.
 * @param contentLength the `content-length` header value, if any.
 * @param maxBody the body limit in bytes.
 */
export function decideExpectation(
  expect: string | undefined,
  contentLength: string | undefined,
  maxBody: number,
): ExpectVerdict {
  if (expect === undefined) return { decision: ExpectDecision.None };
  if (expect.trim().toLowerCase() !== EXPECT_100_CONTINUE) {
    return {
      decision: ExpectDecision.Reject,
      error: new HttpError(
        'ERR_HTTP_EXPECTATION_FAILED',
        417,
        `unsupported expectation '${expect}' (only ${EXPECT_100_CONTINUE})`,
      ),
    };
  }
  const tooLarge = checkDeclaredLength(contentLength, maxBody);
  if (tooLarge !== undefined) {
    return {
      decision: ExpectDecision.Reject,
      error: new HttpError('ERR_HTTP_EXPECTATION_FAILED', 417, tooLarge.message, {
        cause: tooLarge,
      }),
    };
  }
  return { decision: ExpectDecision.Continue };
}
