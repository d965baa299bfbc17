/* harness/material_tls.h: the one place material.c touches client.h.
 * client.h and oracle.h (via build.h) both define `struct gc_response`, so no
 * translation unit includes both; material_tls.c includes only client.h. */
#ifndef GC_MATERIAL_TLS_H
#define GC_MATERIAL_TLS_H
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

struct gc_client;

/* A client trusting ca_file for the server ("localhost"), presenting leaf +
 * chain with key (leaf NULL: no client certificate). weak_ok: allow a weak
 * key or SHA-1 signature in our own chain. NULL with err. */
struct gc_client *gc__material_client_new(const char *ca_file, X509 *leaf, STACK_OF(X509) * chain,
                                          EVP_PKEY *key, int weak_ok, char *err, size_t err_cap);
void gc__material_client_free(struct gc_client *c);

#endif
