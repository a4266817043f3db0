/**
 * The provider's TLS identity: a fresh self-signed certificate per start
 * (CN and SAN "localhost", the name the host verifies), sent to the host in
 * the handshake line. Node's crypto makes keys but not X.509, hence the
 * `selfsigned` library.
 */
import { X509Certificate } from "node:crypto";

export interface ServerIdentity {
  certPem: string;
  keyPem: string;
  certDer: Buffer;
}

export async function makeServerIdentity(): Promise<ServerIdentity> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const selfsigned = require("selfsigned") as typeof import("selfsigned");
  const notBefore = new Date(Date.now() - 60_000); // tolerate small clock differences
  const notAfter = new Date(Date.now() + 30 * 24 * 3600_000);
  const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "srv6-protect" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      // The host puts this certificate in its root pool: it must be a CA for itself.
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private, certDer: Buffer.from(new X509Certificate(pems.cert).raw) };
}
