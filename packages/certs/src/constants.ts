/**
 * Magic values of the credential loader, named (the PKI's own validity bounds live in pki.ts,
 * the TLS profile's parameters in tls-profile.ts).
 */

/** Largest certificate, key or CA file read, in bytes (a PEM bundle of many CAs fits). */
export const MAX_PEM_FILE_BYTES = 1024 * 1024;

/** Credential files are read in chunks of this many bytes (fs streams' default, 64 KiB). */
export const PEM_READ_CHUNK_BYTES = 64 * 1024;
