#include "gk/status.h"
#include "gk/span.h"

static const char *const gk_status_names[] = {
#define GK_STATUS_NAME(name, text) #name,
    GK_STATUS_LIST(GK_STATUS_NAME)
#undef GK_STATUS_NAME
};
static const char *const gk_status_texts[] = {
#define GK_STATUS_TEXT(name, text) text,
    GK_STATUS_LIST(GK_STATUS_TEXT)
#undef GK_STATUS_TEXT
};

const char *gk_status_name(enum gk_status st)
{
    if ((unsigned)st >= GK_STATUS_COUNT)
        return "GK_E_UNKNOWN";
    return gk_status_names[st];
}

const char *gk_status_text(enum gk_status st)
{
    if ((unsigned)st >= GK_STATUS_COUNT)
        return "unknown status";
    return gk_status_texts[st];
}

static uint8_t gk_ascii_lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }

int gk_span_eq_nocase(struct gk_span a, struct gk_span b)
{
    if (a.len != b.len)
        return 0;
    for (size_t i = 0; i < a.len; i++)
        if (gk_ascii_lower(a.p[i]) != gk_ascii_lower(b.p[i]))
            return 0;
    return 1;
}
