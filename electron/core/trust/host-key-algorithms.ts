// Which host-key algorithm to ask the server for. OpenSSH (order_hostkeyalgs) puts the
// algorithms of key types already in known_hosts first, so a server with several host keys
// presents the one the user already trusts. Without that, a user whose file holds only the
// server's ECDSA key would get a "changed" warning the moment the client prefers Ed25519;
// with it, "changed" keeps meaning what it should (a MITM offering only a new type still is one).

/** Signature algorithms that use a key of this type (RSA keys sign with SHA-2 variants too). */
export function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}

/** `offered` (the client's list, in preference order) reordered so algorithms of known key types come first; nothing is added or removed. */
export function orderHostKeyAlgorithms(offered: readonly string[], knownKeyTypes: readonly string[]): string[] {
  const known = new Set(knownKeyTypes.flatMap(algorithmsForKeyType));
  return [...offered.filter((a) => known.has(a)), ...offered.filter((a) => !known.has(a))];
}
