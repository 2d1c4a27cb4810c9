/** HTTP tokens (RFC 7230 §3.2.6): the syntax of subprotocol names and extension names. Pure. */

/** An HTTP token: one or more tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True when `value` is an HTTP token (RFC 7230 §3.2.6): a valid subprotocol name (RFC 6455 §4.1). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}
