#ifndef WEAR_CRYPTO_H
#define WEAR_CRYPTO_H
// AES-GCM through OpenSSL's libcrypto EVP API, and a fast strict base64url
// decoder, for wear-decrypt's hot path. Only Sources/WearJOSE/Decrypt/
// AESGCMCipher.swift and Sources/WearJOSE/Format/Base64URL.swift import it.
//
// One wear_gcm per device key: the key schedule is computed once and each
// open/seal only sets the IV, so no allocation happens per record (unlike
// swift-crypto's AES.GCM.open, which builds a new AEAD context per call).
// See wear_crypto.c for the direct provider path used to open.
// A wear_gcm is not thread-safe: use one per thread.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEAR_GCM_IV_BYTES 12
#define WEAR_GCM_TAG_BYTES 16

typedef struct wear_gcm wear_gcm;

/// What a context does: open through the provider's functions directly
/// (EVP if they cannot be found), open through EVP, or seal (EVP).
enum { WEAR_GCM_OPEN = 0, WEAR_GCM_SEAL = 1, WEAR_GCM_OPEN_EVP = 2 };

/// A context for key[0..<key_len] (16 or 32 bytes) for `mode`; NULL on a bad
/// length or out of memory. The caller may wipe its copy of the key afterwards.
wear_gcm *wear_gcm_new(const uint8_t *key, size_t key_len, int mode);
/// 1 when an opening context calls the provider directly, 0 when it uses EVP.
// Replaces the key of `gcm` (same length as its first key, 16 or 32) and
// rebuilds the key schedule in place, without allocating: a recycled context
// costs a key expansion, not a new provider context. 1 ok, 0 on failure
// (then the context must not be used).
int wear_gcm_rekey(wear_gcm *gcm, const uint8_t *key, size_t key_len);
int wear_gcm_is_direct(const wear_gcm *gcm);
/// Frees the context and wipes its key schedule.
void wear_gcm_free(wear_gcm *gcm);

/// (An opening context.) Decrypts data[0..<len] in place and verifies tag over aad and the
/// ciphertext. Returns 1 when authentic, 0 when the tag does not verify
/// (data then holds no usable plaintext), -1 on an internal error.
int wear_gcm_open(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                  uint8_t *data, size_t len, const uint8_t *tag);

/// (A sealing context.) Encrypts data[0..<len] in place and writes the 16-byte tag; 1 on success.
int wear_gcm_seal(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                  uint8_t *data, size_t len, uint8_t *tag);

/// Strict base64url (no padding, canonical trailing bits) of in[0..<len]
/// into out, which has room for capacity bytes: the decoded length, or -1
/// if in is not strict base64url or out is too small. AVX2 is used where
/// available and while 32 bytes of out are free (write 8 bytes of slack
/// beyond the decoded length for it to cover everything).
long wear_base64url_decode(const uint8_t *in, size_t len, uint8_t *out, size_t capacity);

#ifdef __cplusplus
}
#endif
#endif
