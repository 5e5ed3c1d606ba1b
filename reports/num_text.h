/*
 * num_text.h - numbers as report text, always in the C locale (private to
 * reports/).  printf follows LC_NUMERIC, so under de_DE "%.3f" prints
 * "0,250"; Jenkins' schema and every JUnit reader want "0.250".
 */
#ifndef MG_REPORTS_NUM_TEXT_H
#define MG_REPORTS_NUM_TEXT_H

#define MG_NUM_BUF 40

/*
 * Writes x into buf in the shortest "%.15g" / "%.16g" / "%.17g" form that
 * reads back as exactly x, with '.' as the decimal point whatever the
 * locale.  Non-finite values are written "nan", "inf" and "-inf".
 * Returns buf.
 */
const char *mg_num_text(double x, char buf[MG_NUM_BUF]);

/*
 * Writes a duration as a plain decimal with three decimals ("12.345"): no
 * exponent, no sign, '.' whatever the locale, so it matches the SUREFIRE_TIME
 * pattern of junit-10.xsd.  Negative and non-finite values give "0.000";
 * values over 1e12 are clamped to 1e12.  Returns buf.
 */
const char *mg_seconds_text(double s, char buf[MG_NUM_BUF]);

#endif
