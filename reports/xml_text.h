/*
 * xml_text.h - make text from data safe for a report (private to reports/).
 *
 * Result strings carry text straight from the data: bytes that are not
 * UTF-8, control characters, anything.  XML 1.0 allows only tab, LF, CR,
 * U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF, and jansson refuses a
 * string that is not UTF-8, so every report writer passes data text through
 * mg_text_clean first.
 */
#ifndef MG_REPORTS_XML_TEXT_H
#define MG_REPORTS_XML_TEXT_H

#include <stddef.h>

enum {
    /* Also replace what XML 1.0 forbids: C0 controls other than tab, LF and
     * CR, and the non-characters U+FFFE and U+FFFF. */
    MG_TEXT_XML = 1,
    /* Turn tab, LF and CR into one space each (CR LF into one space), for
     * attributes and table cells that must stay on one line. */
    MG_TEXT_ONE_LINE = 2
};

/*
 * Returns a new NUL-terminated copy of s that is well-formed UTF-8: each
 * ill-formed sequence (an invalid byte, a truncated or overlong sequence, an
 * encoded surrogate, a code point over U+10FFFF) becomes one U+FFFD per
 * maximal subpart, as the Unicode standard recommends; `flags` (MG_TEXT_*)
 * adds more replacements.  s == NULL gives "".  The caller frees the result.
 */
char *mg_text_clean(const char *s, int flags);

/*
 * Cuts s in place to at most max bytes (max >= 4) on a character boundary,
 * ending it with "..." when anything was cut.  s must be valid UTF-8.
 * Returns 1 when it cut, 0 when s already fitted.
 */
int mg_text_truncate(char *s, size_t max);

#endif
