#include "reports/xml_text.h"

#include <string.h>

#include "common/xmem.h"

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/*
 * Decodes one well-formed UTF-8 character at p (n bytes available).
 * Returns its length and sets *cp, or returns 0 and sets *bad to the length
 * of the maximal ill-formed subpart (at least 1) to replace.
 */
static size_t decode(const unsigned char *p, size_t n, unsigned *cp, size_t *bad)
{
    unsigned c = p[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing over U+10FFFF */
        c &= 0x07;
    } else {
        *bad = 1; /* a continuation byte, C0/C1 or F5-FF */
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        unsigned b = i < n ? p[i] : 0;
        unsigned bl = i == 1 ? lo : 0x80, bh = i == 1 ? hi : 0xBF;
        if (b < bl || b > bh) {
            *bad = i;
            return 0;
        }
        c = (c << 6) | (b & 0x3F);
    }
    *cp = c;
    return len;
}

static int xml_forbidden(unsigned cp)
{
    if (cp < 0x20)
        return cp != 0x09 && cp != 0x0A && cp != 0x0D;
    return cp == 0xFFFE || cp == 0xFFFF;
}

char *mg_text_clean(const char *s, int flags)
{
    if (!s)
        return mg_xstrdup("");
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    /* Worst case: every byte becomes a 3-byte U+FFFD. */
    char *out = mg_xmalloc(3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        size_t bad = 0;
        size_t len = decode(p + i, n - i, &cp, &bad);
        if (len == 0) {
            memcpy(out + o, REPLACEMENT, 3);
            o += 3;
            i += bad;
            continue;
        }
        if ((flags & MG_TEXT_ONE_LINE) && (cp == '\t' || cp == '\n' || cp == '\r')) {
            out[o++] = ' ';
            if (cp == '\r' && i + 1 < n && p[i + 1] == '\n')
                i++;
        } else if ((flags & MG_TEXT_XML) && xml_forbidden(cp)) {
            memcpy(out + o, REPLACEMENT, 3);
            o += 3;
        } else {
            memcpy(out + o, p + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    return out;
}

int mg_text_truncate(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max || max < 4)
        return 0;
    size_t cut = max - 3;
    /* Back up to the start of a character. */
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(s + cut, "...", 4);
    return 1;
}
