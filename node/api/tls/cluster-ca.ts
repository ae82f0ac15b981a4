// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata'
import { createECDH, hkdfSync, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

type CryptoKeyPair = webcrypto.CryptoKeyPair

export const ECDSA_P256: webcrypto.EcKeyImportParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }

export interface ClusterCa {
  cert: x509.X509Certificate
  keys: CryptoKeyPair
  /** PEM of the CA certificate, what a kubeconfig's certificate-authority-data holds. */
  pem: string
}

/** Fixed so that every node builds the same CA certificate from the same key. */
const CA_NAME = 'CN=shoal cluster CA,O=shoal'
const CA_NOT_BEFORE = new Date('2025-01-01T00:00:00Z')
const CA_NOT_AFTER = new Date('2125-01-01T00:00:00Z')

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

/**
 * A P-256 key pair derived from the cluster key. Every node derives the same one, so each can sign
 * its own serving certificate under one CA without the CA key ever being stored or sent: as with
 * the admin token, a node needs only the cluster key.
 */
async function deriveCaKeys(secret: Uint8Array): Promise<CryptoKeyPair> {
  // A 32-byte HKDF output is a valid P-256 scalar except with probability about 2^-32; the
  // counter skips such values so derivation never fails.
  for (let counter = 0; ; counter++) {
    const d = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `shoal/api-ca/v1/${counter}`, 32))
    const ecdh = createECDH('prime256v1')
    try {
      ecdh.setPrivateKey(d)
    } catch {
      continue
    }
    const point = ecdh.getPublicKey()
    const pub = { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }
    const privateKey = await webcrypto.subtle.importKey('jwk', { ...pub, d: b64url(d) }, ECDSA_P256, false, ['sign'])
    const publicKey = await webcrypto.subtle.importKey('jwk', pub, ECDSA_P256, true, ['verify'])
    return { privateKey, publicKey }
  }
}

/** The cluster's API certificate authority, the same on every node that holds the cluster key. */
export async function clusterCa(secret: Uint8Array): Promise<ClusterCa> {
  const keys = await deriveCaKeys(secret)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: CA_NAME,
    notBefore: CA_NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    signingAlgorithm: ECDSA_P256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { cert, keys, pem: cert.toString('pem') }
}
