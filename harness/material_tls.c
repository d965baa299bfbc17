/* harness/material_tls.c: gc_client construction for material.c (see
 * material_tls.h for why this is its own file). */
#include "material_tls.h"

#include "client.h"

struct gc_client *gc__material_client_new(const char *ca_file, X509 *leaf, STACK_OF(X509) * chain,
                                          EVP_PKEY *key, int weak_ok, char *err, size_t err_cap)
{
    struct gc_client_opts o = {.ca_file = ca_file,
                               .server_name = "localhost",
                               .cert = leaf,
                               .chain = leaf ? chain : NULL,
                               .key = leaf ? key : NULL,
                               .weak_ok = weak_ok};
    return gc_client_new(&o, err, err_cap);
}

void gc__material_client_free(struct gc_client *c)
{
    gc_client_free(c);
}
