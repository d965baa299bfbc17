/* fuzz_keys.h: fixed key material of the in-process fuzz targets (test-only,
 * never used by gatekeeper). Generated once by `ci/gen-seeds.sh --new-keys`
 * with the openssl CLI and committed: the seeds in corpora/seeds/{jwt,x509id}
 * are signed with these keys, so regenerating them invalidates those seeds. */
#ifndef GK_FUZZ_KEYS_H
#define GK_FUZZ_KEYS_H
static const char FZ_CLIENT_CA_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBrjCCAVOgAwIBAgIUMnVV8DC/19Vm04NpLqv44fTKffkwCgYIKoZIzj0EAwIw\n"
    "IzEhMB8GA1UEAwwYZ2F0ZWNyYXNoIGZ1enogY2xpZW50IENBMCAXDTI2MTEyMTA4\n"
    "MjgxNVoYDzIwNTQwNDA4MDgyODE1WjAjMSEwHwYDVQQDDBhnYXRlY3Jhc2ggZnV6\n"
    "eiBjbGllbnQgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASr8s3RlCyB+Uhs\n"
    "QxerH1jAggWRUbkXtqiEwP1knTvyehfqP5I5kxTKkwdkRCWHBnhRFazFSAzNIUIa\n"
    "DVb5HfYVo2MwYTAdBgNVHQ4EFgQUW9xdVSX8IhJZbQs25KbqU4SN4XgwHwYDVR0j\n"
    "BBgwFoAUW9xdVSX8IhJZbQs25KbqU4SN4XgwDwYDVR0TAQH/BAUwAwEB/zAOBgNV\n"
    "HQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSQAwRgIhAP8h0G/79XirJuYq7l2dvvGb\n"
    "G4eyWtdKNYLPbJyPyfwFAiEAogw6kycZJ99z6ao0y+d0dohzTJqm1ShrAUCMRS74\n"
    "UiE=\n"
    "-----END CERTIFICATE-----\n"
    ;
static const char FZ_CLIENT_CA_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2Ecenp08Wzim/1YC\n"
    "DnkU5PdFscEvJ+yUPfZPLBK/deShRANCAASr8s3RlCyB+UhsQxerH1jAggWRUbkX\n"
    "tqiEwP1knTvyehfqP5I5kxTKkwdkRCWHBnhRFazFSAzNIUIaDVb5HfYV\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char FZ_ROGUE_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLbRDA3g2wEtnp1pe\n"
    "APkhtiNF6XgzyvxKmQl/yf131ouhRANCAASu7TL31sE1ikTyJbvZDs3Neuxt+S6C\n"
    "c2/3c2jHreiNEo+tVJrQcocFf926uOWddqNbBEIVgYZ4wd65rK6bdMNH\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char FZ_JWT_EC1_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgy6woQ+b1UWkDNsfJ\n"
    "Z7JBbwne9FpzXM3eTwgtk+8zb1ahRANCAAQaSP4a4Wt0nN5vFcqT+JzrS4aKxBUp\n"
    "gJdF8lpYnM9Ybl5IPROtLnU8lYQojEb7Kg3HnyhbJ7PE7d3rHw90obrj\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char FZ_JWT_RSA1_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDgL80fzKlBMo6F\n"
    "xydsdfzlWRXWKga3LVkVLbAAIunxGt2UGBUdZVqld++V7x8qCOoAaZLXXH8Toy0T\n"
    "X4Ug+9di2DqeLtc8XYqslymReLvWYL/5jbeqcBP/1kETQEyHWPWcrKjkwuV72XGp\n"
    "A967+KFMdKkLIJ7lRnlB3I6qUyk0ZLFe3tqqmfKLwECRBv+8PyiQq896Y1KQzB0a\n"
    "dCFLpQoADHCjhyzSMKYxnlTnhiHmW65xvJda9MuUyjXP6aQElHtLJI63wJKoeXk7\n"
    "iFVz5K77kvEXvMWdDX2MxFJnpjqkbdi3v9wrCd2EBPf/5n9BOXrad0q6r8G7z+nK\n"
    "P/pJwjgZAgMBAAECggEAGurmY0puqpU8S1f+le1jQnLkNjEY2hLb8rjn/FY01mYS\n"
    "Q4MyOtO18u7wAYXC7UhBd2/1qX3RxLz3jy9Ng+i1I2lAvYg0f+sf2Mn0G+M+E3cN\n"
    "qdQwIKrhHdte+CWk4q3l3KxXAZOcm/afaOqd6l4nmM9bkipWJcOE0Ol/aDhAtulk\n"
    "HDNOuWzANPiRdx/8Kdfrb+v1O8o1OYjP6aR3Jq/FweQ5qS+3dDoXvzz7let9dTTi\n"
    "ivJhBQXbokXkDE5xMzje5UcocYOjTbjBz/8TJ8ggzcDSzue09WCrOwhnfpuo3A51\n"
    "tsN+RL90ZkndIK8SNLDEnty+D2l3R4PUDm++M760oQKBgQD2wSlI6mfdjI6yFW0n\n"
    "erDgyZE0YY/nucfZzpz6ucMOrIcDopHTiPYBFpV246VNz7fcwTU8GLp/s5lB9htb\n"
    "Q8bcmJnZZON45x+3Cb8FQo7QhYSgOM/P1uBOxyXtidt2Li1y6MBJrJD76V0+WNQe\n"
    "FoeXLZn7vcBDaa9x7gmAvlMpeQKBgQDoliwfd1SClgNGquO/L8kuSf8nqkBXm+Pu\n"
    "PVScEBHIdIfiaTP0VUsXYlT20y113q4CmcMXuQ8ybBU8aOdQcisF6IqL62a43iLx\n"
    "aYxGpRJDG0nBlkQmRj1MpazBrNhIL6C1Jl8urJjZOAnR2QD8aj7PJYfZrirpynnZ\n"
    "2ITHHMh7oQKBgFOpMiIyt3x6R3dBpHyaMJZGQSENYwkiCAxk7PxlNykmfbBR0jdy\n"
    "XFYKHirtDALRxnjmWPJDQBhEAFZI5wWOeUIZyy/V8PnxAuPAPi++XUV9v3XDTVIe\n"
    "fHa5NrbO4sWy6l3nZCqWg6GlgaO94k1BPj+Xinm74A/7KSzrk/U+kluhAoGAH4kt\n"
    "Fl8hsEsSyqQlGSkriAE0fXZSHw7eCtF6BWcQYjOasRI+nyRpeBQ3HPhpM5Ar2+Jp\n"
    "V3AaJWYOQxCePIQeXUC4eFxEo1BLQJxlDrcXEM5EY+EyAFaJvTjBgckj0jXS/nzj\n"
    "bvqsBtfYTQG1ZoQpXADkuJkq7GQtvWHkLvMyI8ECgYEAjt6UcMugTffUP24ODYI6\n"
    "pJFJxUgsNfv+UvKdgy0IClssURycm+AvOcstyuJzpcp3MQ+qMED3zr+yKtmFzwW9\n"
    "YtIvGDgh+X5QCIGJtQj/7CCF/xVKohoEnaaIkB5VTIWT1mJOaITI+t0h4s+2nuEC\n"
    "bw805qkJtQDzS1o9PfvlDIM=\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char FZ_JWT_RSA1_PUB_PEM[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4C/NH8ypQTKOhccnbHX8\n"
    "5VkV1ioGty1ZFS2wACLp8RrdlBgVHWVapXfvle8fKgjqAGmS11x/E6MtE1+FIPvX\n"
    "Ytg6ni7XPF2KrJcpkXi71mC/+Y23qnAT/9ZBE0BMh1j1nKyo5MLle9lxqQPeu/ih\n"
    "THSpCyCe5UZ5QdyOqlMpNGSxXt7aqpnyi8BAkQb/vD8okKvPemNSkMwdGnQhS6UK\n"
    "AAxwo4cs0jCmMZ5U54Yh5luucbyXWvTLlMo1z+mkBJR7SySOt8CSqHl5O4hVc+Su\n"
    "+5LxF7zFnQ19jMRSZ6Y6pG3Yt7/cKwndhAT3/+Z/QTl62ndKuq/Bu8/pyj/6ScI4\n"
    "GQIDAQAB\n"
    "-----END PUBLIC KEY-----\n"
    ;
static const char FZ_ATTACKER_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgn5UxFQapjyiyr8dk\n"
    "uO5cYSBw+3nQjafvt/0R1RhzoOihRANCAATNZxM+B9UusfnLd9tXDnJJdeS5SIBx\n"
    "AZOZ13ehP31T3qJmejPyL7nVYYl19Z8LBlOMVZiVYRbzfLvfRByplYyt\n"
    "-----END PRIVATE KEY-----\n"
    ;
/* HS256 secret of kid "hs-1" (32 bytes). */
static const char FZ_JWT_HS1_SECRET[] = "gatecrash-fuzz-hs1-secret-32byte";
#endif
