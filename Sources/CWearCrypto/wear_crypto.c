// AES-GCM for wear-decrypt through OpenSSL 3's libcrypto.
//
// Opening uses the provider's cipher functions directly (the OSSL_DISPATCH
// table that EVP itself calls, from OSSL_PROVIDER_query_operation), with
// one provider context per key: EVP's per-call bookkeeping (IV length and
// tag going through OSSL_PARAM look-ups by name, ~125 ns of the ~300 ns an
// EVP open of a 190-byte record takes here) is skipped, the algorithm code
// is the same. If the provider's table cannot be found, or when asked, the
// plain EVP calls are used instead (`wear_gcm_new(..., WEAR_GCM_EVP)`).
#include "wear_crypto.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

typedef struct provider_gcm {
    void *provctx;
    OSSL_FUNC_cipher_newctx_fn *newctx;
    OSSL_FUNC_cipher_freectx_fn *freectx;
    OSSL_FUNC_cipher_decrypt_init_fn *dinit;
    OSSL_FUNC_cipher_update_fn *update;
    OSSL_FUNC_cipher_final_fn *final;
} provider_gcm;

struct wear_gcm {
    EVP_CIPHER_CTX *ctx;        // the EVP path (sealing, or no provider table)
    void *algctx;               // the direct path: the provider's context
    const provider_gcm *provider;
    int seal;
    size_t key_len;
};

static EVP_CIPHER *ciphers[2];  // [0] AES-128-GCM, [1] AES-256-GCM, fetched once
static provider_gcm providers[2];
static int provider_found[2];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void find_provider(int index, const char *name) {
    const OSSL_PROVIDER *provider = EVP_CIPHER_get0_provider(ciphers[index]);
    if (provider == NULL) return;
    int no_store = 0;
    const OSSL_ALGORITHM *algorithms = OSSL_PROVIDER_query_operation(provider, OSSL_OP_CIPHER, &no_store);
    size_t length = strlen(name);
    for (const OSSL_ALGORITHM *a = algorithms; a != NULL && a->algorithm_names != NULL; a++) {
        const char *names = a->algorithm_names;
        if (strncmp(names, name, length) != 0 || (names[length] != ':' && names[length] != '\0')) continue;
        provider_gcm found = {.provctx = OSSL_PROVIDER_get0_provider_ctx(provider)};
        for (const OSSL_DISPATCH *d = a->implementation; d->function_id != 0; d++) {
            switch (d->function_id) {
            case OSSL_FUNC_CIPHER_NEWCTX: found.newctx = OSSL_FUNC_cipher_newctx(d); break;
            case OSSL_FUNC_CIPHER_FREECTX: found.freectx = OSSL_FUNC_cipher_freectx(d); break;
            case OSSL_FUNC_CIPHER_DECRYPT_INIT: found.dinit = OSSL_FUNC_cipher_decrypt_init(d); break;
            case OSSL_FUNC_CIPHER_UPDATE: found.update = OSSL_FUNC_cipher_update(d); break;
            case OSSL_FUNC_CIPHER_FINAL: found.final = OSSL_FUNC_cipher_final(d); break;
            default: break;
            }
        }
        if (found.newctx && found.freectx && found.dinit && found.update && found.final) {
            providers[index] = found;
            provider_found[index] = 1;
        }
        break;
    }
    OSSL_PROVIDER_unquery_operation(provider, OSSL_OP_CIPHER, algorithms);
}

static void set_up(void) {
    ciphers[0] = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    ciphers[1] = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    if (ciphers[0]) find_provider(0, "AES-128-GCM");
    if (ciphers[1]) find_provider(1, "AES-256-GCM");
}

static EVP_CIPHER_CTX *evp_context(const EVP_CIPHER *cipher, const uint8_t *key, int encrypt) {
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

wear_gcm *wear_gcm_new(const uint8_t *key, size_t key_len, int mode) {
    if (key == NULL || (key_len != 16 && key_len != 32)) return NULL;
    pthread_once(&once, set_up);
    int index = key_len == 32;
    if (ciphers[index] == NULL) return NULL;
    wear_gcm *gcm = OPENSSL_zalloc(sizeof *gcm);
    if (gcm == NULL) return NULL;
    gcm->seal = mode == WEAR_GCM_SEAL;
    gcm->key_len = key_len;
    if (mode == WEAR_GCM_OPEN && provider_found[index]) {
        const provider_gcm *provider = &providers[index];
        gcm->algctx = provider->newctx(provider->provctx);
        if (gcm->algctx != NULL && provider->dinit(gcm->algctx, key, key_len, NULL, 0, NULL) == 1) {
            gcm->provider = provider;
            return gcm;
        }
        if (gcm->algctx != NULL) provider->freectx(gcm->algctx);
        gcm->algctx = NULL;
    }
    gcm->ctx = evp_context(ciphers[index], key, gcm->seal);
    if (gcm->ctx == NULL) {
        OPENSSL_free(gcm);
        return NULL;
    }
    return gcm;
}

void wear_gcm_free(wear_gcm *gcm) {
    if (gcm == NULL) return;
    if (gcm->algctx != NULL) gcm->provider->freectx(gcm->algctx); // cleanses the key schedule
    EVP_CIPHER_CTX_free(gcm->ctx);                                // likewise; NULL is fine
    OPENSSL_free(gcm);
}

int wear_gcm_rekey(wear_gcm *gcm, const uint8_t *key, size_t key_len) {
    if (gcm == NULL || key == NULL || key_len != gcm->key_len) return 0;
    if (gcm->algctx != NULL) return gcm->provider->dinit(gcm->algctx, key, key_len, NULL, 0, NULL) == 1;
    return EVP_CipherInit_ex(gcm->ctx, NULL, NULL, key, NULL, gcm->seal ? 1 : 0) == 1;
}

int wear_gcm_is_direct(const wear_gcm *gcm) { return gcm->algctx != NULL; }

static int open_direct(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len, uint8_t *data,
                       size_t len, const uint8_t *tag) {
    const provider_gcm *p = gcm->provider;
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)tag, WEAR_GCM_TAG_BYTES),
        OSSL_PARAM_construct_end(),
    };
    size_t out_len = 0;
    uint8_t unused[WEAR_GCM_TAG_BYTES];
    if (p->dinit(gcm->algctx, NULL, 0, iv, WEAR_GCM_IV_BYTES, params) != 1) return -1;
    if (aad_len > 0 && p->update(gcm->algctx, NULL, &out_len, aad_len, aad, aad_len) != 1) return -1;
    if (len > 0 && p->update(gcm->algctx, data, &out_len, len, data, len) != 1) return -1;
    return p->final(gcm->algctx, unused, &out_len, sizeof unused) == 1 ? 1 : 0;
}

static int open_evp(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
                    const uint8_t *tag) {
    EVP_CIPHER_CTX *ctx = gcm->ctx;
    int out_len = 0;
    if (aad_len > INT_MAX || len > INT_MAX) return -1;
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return -1;
    if (aad_len > 0 && EVP_DecryptUpdate(ctx, NULL, &out_len, aad, (int)aad_len) != 1) return -1;
    if (len > 0 && EVP_DecryptUpdate(ctx, data, &out_len, data, (int)len) != 1) return -1;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, WEAR_GCM_TAG_BYTES, (void *)tag) != 1) return -1;
    return EVP_DecryptFinal_ex(ctx, data + len, &out_len) == 1 ? 1 : 0;
}

int wear_gcm_open(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                  uint8_t *data, size_t len, const uint8_t *tag) {
    if (gcm->seal) return -1;
    return gcm->algctx != NULL ? open_direct(gcm, iv, aad, aad_len, data, len, tag)
                               : open_evp(gcm, iv, aad, aad_len, data, len, tag);
}

int wear_gcm_seal(wear_gcm *gcm, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                  uint8_t *data, size_t len, uint8_t *tag) {
    EVP_CIPHER_CTX *ctx = gcm->ctx;
    int out_len = 0;
    if (!gcm->seal || aad_len > INT_MAX || len > INT_MAX) return 0;
    if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return 0;
    if (aad_len > 0 && EVP_EncryptUpdate(ctx, NULL, &out_len, aad, (int)aad_len) != 1) return 0;
    if (len > 0 && EVP_EncryptUpdate(ctx, data, &out_len, data, (int)len) != 1) return 0;
    if (EVP_EncryptFinal_ex(ctx, data + len, &out_len) != 1) return 0;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, WEAR_GCM_TAG_BYTES, tag) == 1;
}
