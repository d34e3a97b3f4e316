#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Macros and STACK_OF helpers that Swift cannot import, as typed functions. */
static inline long copenssl_bio_mem_data(BIO *b, char **p) { return BIO_get_mem_data(b, p); }
static inline int copenssl_name_print_rfc2253(BIO *b, const X509_NAME *n) { return X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253); }
static inline STACK_OF(X509) *copenssl_x509_stack_new(void) { return sk_X509_new_null(); }
static inline int copenssl_x509_stack_push(STACK_OF(X509) *s, X509 *x) { return sk_X509_push(s, x); }
static inline void copenssl_x509_stack_free(STACK_OF(X509) *s) { sk_X509_free(s); }
#endif
