/*
 * options.h - command-line options from one table per command.  The same
 * table drives the one parser (mg_args_parse) and the one help printer
 * (mg_cli_print_help, used by `mgate help CMD` and `mgate CMD --help`), so
 * what a command accepts and what its help shows cannot drift apart.
 *
 * Accepted forms: `--name VALUE`, `--name=VALUE`, `-o VALUE`, `-oVALUE`,
 * flags `--name` and `-q`.  A long name must be written in full (no
 * abbreviations).  `--` ends the options: what follows is operands.  `-`
 * alone is an operand (standard input).  Options and operands may be mixed.
 */
#ifndef MG_HARNESS_OPTIONS_H
#define MG_HARNESS_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

/* Flags of an option (mg_option.flags). */
enum {
    MG_OPT_REPEAT = 1u << 0,      /* may be given many times; every value is kept (--set) */
    MG_OPT_NONEMPTY = 1u << 1,    /* an empty value counts as missing (file names) */
    MG_OPT_IN_OPERANDS = 1u << 2, /* the synopsis shows it inside mg_cli.operands, not in [...] */
};

/* One row of a command's option table.  Without MG_OPT_REPEAT, an option
 * given twice keeps its last value (as getopt does). */
typedef struct mg_option {
    const char *name;    /* long name without "--" ("junit"), or NULL for a short-only option */
    char short_name;     /* 'o' for -o, or 0 */
    const char *arg;     /* the value's name in help ("FILE"); NULL: a flag, which takes no value */
    const char *help;    /* help text; '\n' starts another line of it */
    unsigned flags;      /* MG_OPT_* */
    const char *needs;   /* a missing value named in the error: "a file name" (NULL: "a value") */
    const char *example; /* a sample value for that error ("reports/mgate.xml"), or NULL */
    /* Validates each value as it is read: returns 0, or -1 after printing
     * why ("mgate: error: ..." on stderr).  NULL accepts any value. */
    int (*check)(const char *option, const char *value);
} mg_option;

/* A command (or subcommand) line: its words, operands and option table. */
typedef struct mg_cli {
    const char *path;         /* the words after "mgate": "run", "fixture add" */
    const char *operands;     /* as the synopsis shows them: "GATE.json", or "" */
    const mg_option *options; /* the table, ended by a row with neither name nor short_name */
    const char *about;        /* what it does, printed with its options; NULL for none */
} mg_cli;

/* What the parser found.  Values and operands borrow from argv. */
typedef struct mg_opt_values {
    const char **v; /* the values given, in order (NULL entries for a flag) */
    size_t n;       /* how many times the option was given */
} mg_opt_values;

typedef struct mg_args {
    mg_opt_values *opt;    /* one per table row, in table order */
    size_t nopt;           /* rows of the table */
    const char **operands; /* the other arguments, in order */
    size_t noperands;
} mg_args;

/*
 * Parses argv[1..argc-1] (argv[0] is the command word) against cli's table
 * into a, which the caller frees with mg_args_free (also after an error).
 * Returns 0, or -1 after printing the error on stderr: an unknown option
 * (with the closest known one, when one is close), a missing value, a value
 * given to a flag, or a value its check refused.
 */
int mg_args_parse(const mg_cli *cli, int argc, char **argv, mg_args *a);
void mg_args_free(mg_args *a);

/* The last value of option i (a row index of the table), or NULL when it
 * was not given. */
const char *mg_args_value(const mg_args *a, size_t i);
/* How many times option i was given (for a flag: 0 when absent). */
size_t mg_args_count(const mg_args *a, size_t i);

/* The synopsis of cli: `lead` ("usage: " or "       "), "mgate", its path
 * and operands, then each option as "[--name ARG]" ("[-o|--output FILE]"
 * when it has both names; "..." after a repeatable one), wrapped under the
 * operands at 80 columns. */
void mg_cli_print_synopsis(const mg_cli *cli, const char *lead, FILE *out);
/* The option list of cli: "  -o, --output FILE   help", one option a
 * row (continuation lines aligned), and -h, --help last. */
void mg_cli_print_options(const mg_cli *cli, FILE *out);

/* Prints "mgate: error: MESSAGE; see 'mgate PATH --help'" on stderr
 * (MESSAGE from the printf format fmt). */
void mg_cli_usage_error(const mg_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
