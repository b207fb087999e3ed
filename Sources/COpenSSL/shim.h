#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
// Function-like macros are invisible to Swift; wrap the ones Berth calls.
static inline long copenssl_ctx_set_min_proto_version(SSL_CTX *c, int v) { return SSL_CTX_set_min_proto_version(c, v); }
static inline EVP_PKEY *copenssl_ec_keygen(const char *curve) { return EVP_EC_gen(curve); }
