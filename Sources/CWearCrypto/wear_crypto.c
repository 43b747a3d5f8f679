#include "wear_crypto.h"

#include <limits.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

struct wear_gcm {
    EVP_CIPHER_CTX *ctx;
    int seal;
};

// Explicitly fetched once: OpenSSL 3 otherwise looks the cipher up on every init.
static EVP_CIPHER *cipher_for(size_t key_len) {
    static EVP_CIPHER *aes128, *aes256;
    EVP_CIPHER **slot = key_len == 16 ? &aes128 : &aes256;
    if (*slot == NULL) {
        EVP_CIPHER *fetched = EVP_CIPHER_fetch(NULL, key_len == 16 ? "AES-128-GCM" : "AES-256-GCM", NULL);
        if (fetched == NULL) return NULL;
        if (!__atomic_compare_exchange_n(slot, &(EVP_CIPHER *){NULL}, fetched, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            EVP_CIPHER_free(fetched);
        }
    }
    return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

static EVP_CIPHER_CTX *context(const EVP_CIPHER *cipher, const uint8_t *key, int encrypt) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return NULL;
    if (EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, encrypt) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, WEAR_GCM_IV_BYTES, NULL) != 1
        || EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, encrypt) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

wear_gcm *wear_gcm_new(const uint8_t *key, size_t key_len, int seal) {
    if (key == NULL || (key_len != 16 && key_len != 32)) return NULL;
    const EVP_CIPHER *cipher = cipher_for(key_len);
    if (cipher == NULL) return NULL;
    wear_gcm *gcm = OPENSSL_zalloc(sizeof *gcm);
    if (gcm == NULL) return NULL;
    gcm->seal = seal != 0;
    gcm->ctx = context(cipher, key, gcm->seal);
    if (gcm->ctx == NULL) {
        OPENSSL_free(gcm);
        return NULL;
    }
    return gcm;
}

void wear_gcm_free(wear_gcm *gcm) {
    if (gcm == NULL) return;
    EVP_CIPHER_CTX_free(gcm->ctx); // also cleanses the key schedule
    OPENSSL_free(gcm);
}

int wear_gcm_open(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                  uint8_t *data, size_t len, const uint8_t *tag) {
    EVP_CIPHER_CTX *ctx = gcm->ctx;
    int out_len = 0;
    if (gcm->seal) return -1;
    if (aad_len > INT_MAX || len > INT_MAX) return -1;
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return -1;
    if (aad_len > 0 && EVP_DecryptUpdate(ctx, NULL, &out_len, aad, (int)aad_len) != 1) return -1;
    if (len > 0 && EVP_DecryptUpdate(ctx, data, &out_len, data, (int)len) != 1) return -1;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, WEAR_GCM_TAG_BYTES, (void *)tag) != 1) return -1;
    return EVP_DecryptFinal_ex(ctx, data + len, &out_len) == 1 ? 1 : 0;
}

int wear_gcm_seal(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                  uint8_t *data, size_t len, uint8_t *tag) {
    EVP_CIPHER_CTX *ctx = gcm->ctx;
    int out_len = 0;
    if (!gcm->seal) return 0;
    if (aad_len > INT_MAX || len > INT_MAX) return 0;
    if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return 0;
    if (aad_len > 0 && EVP_EncryptUpdate(ctx, NULL, &out_len, aad, (int)aad_len) != 1) return 0;
    if (len > 0 && EVP_EncryptUpdate(ctx, data, &out_len, data, (int)len) != 1) return 0;
    if (EVP_EncryptFinal_ex(ctx, data + len, &out_len) != 1) return 0;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, WEAR_GCM_TAG_BYTES, tag) == 1;
}
