#!/bin/sh
# End-to-end: wide inputs (issue 15, item 4).  Finding a duplicate column
# name, a duplicate model feature, or binding features to columns compared
# every pair: 100k columns took 11-17 s.  With hash lookups 300k columns take
# well under a second; the 60 s bound below never flakes (even under ASan)
# yet the quadratic code needs minutes at this width.
. "$(dirname "$0")/lib.sh"

N=300000

# Runs mgate under a 60 s timeout; sets RC, OUT_FILE, ERR_FILE.
run_mgate_60() {
    OUT_FILE="$TMP/stdout"; ERR_FILE="$TMP/stderr"
    timeout 60 "$MGATE" "$@" >"$OUT_FILE" 2>"$ERR_FILE" </dev/null
    RC=$?
    [ "$RC" != 124 ] || fail "took over 60 s: quadratic?"
}

# A CSV of N columns c1..cN (the last renamed to $1 when given) and 2 rows.
wide_csv() {
    awk -v n=$N -v last="$1" 'BEGIN {
        for (i = 1; i <= n; i++) printf "%s%s", (i == n && last != "" ? last : "c" i), (i < n ? "," : "\n");
        for (r = 1; r <= 2; r++) for (i = 1; i <= n; i++) printf "%d%s", r, (i < n ? "," : "\n");
    }'
}

# A linear model over features c1..cN (the last renamed to $1 when given).
wide_model() {
    awk -v n=$N -v last="$1" 'BEGIN {
        printf "{\"type\": \"linear\", \"bias\": 0.5, \"features\": [";
        for (i = 1; i <= n; i++) printf "\"%s\"%s", (i == n && last != "" ? last : "c" i), (i < n ? "," : "");
        printf "], \"weights\": [";
        for (i = 1; i <= n; i++) printf "0.001%s", (i < n ? "," : "");
        printf "]}\n";
    }'
}

# $TMP/wide.csv: N distinct names (the later cases read it); $TMP/dup/wide.csv
# names c7 twice.  Each with a gate beside it.
printf '{"data": {"path": "wide.csv"}, "limits": {"max_columns": 0}}\n' >"$TMP/gate.json"
wide_csv "" >"$TMP/wide.csv"
mkdir -p "$TMP/dup"
cp "$TMP/gate.json" "$TMP/dup/gate.json"

case_begin "a duplicate among $N column names is found, with both positions, quickly"
wide_csv c7 >"$TMP/dup/wide.csv"
run_mgate_60 run "$TMP/dup/gate.json" --json "$TMP/r.json"
expect_rc 1
expect_eq "$(jqr "$TMP/r.json" '.results[] | select(.name=="format") | .properties.count')" "1" "duplicate headers"
expect_eq "$(jqr "$TMP/r.json" '.results[] | select(.name=="format") | .examples[0]')" \
    "$TMP/dup/wide.csv:1: c7: found the column name again (columns 7 and $N), expected unique names" "example"
rm -f "$TMP/dup/wide.csv"
case_end

case_begin "$N distinct column names pass the format check quickly"
run_mgate_60 run "$TMP/gate.json" --json "$TMP/r.json"
expect_rc 0
expect_eq "$(jqr "$TMP/r.json" '.results[] | select(.name=="format") | .status')" "passed" "format"
case_end

case_begin "a duplicate among $N linear-model features is refused quickly"
wide_model c3 >"$TMP/dup.json"
run_mgate_60 score "$TMP/dup.json" "$TMP/wide.csv"
expect_rc 2
expect_stderr_contains "'features'[$((N - 1))]: duplicate feature 'c3' (first at [2])"
case_end

case_begin "a $N-feature linear model binds to $N columns and scores quickly"
wide_model "" >"$TMP/model.json"
run_mgate_60 score "$TMP/model.json" "$TMP/wide.csv" --max-columns 0
expect_rc 0
# Row r has every feature r: r * N * 0.001 + 0.5.
expect_near "$(sed -n 2p "$OUT_FILE")" "$(awk -v n=$N 'BEGIN { print n * 0.001 + 0.5 }')" 1e-6 "row 1"
expect_near "$(sed -n 3p "$OUT_FILE")" "$(awk -v n=$N 'BEGIN { print 2 * n * 0.001 + 0.5 }')" 1e-6 "row 2"
case_end

# A PMML regression over fields c1..cP: DataFields, MiningFields and one
# NumericPredictor each.  $1 names an extra DataField (a duplicate when given).
# P is smaller: libxml2 builds a tree of 3P elements (14 MB of XML at 100k),
# which takes seconds under ASan, while the pairwise code needed over 70 s
# of CPU at 100k fields.
P=100000
wide_pmml() {
    awk -v n=$P -v dup="$1" 'BEGIN {
        print "<?xml version=\"1.0\"?>\n<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">\n<DataDictionary>";
        for (i = 1; i <= n; i++) printf "<DataField name=\"c%d\" optype=\"continuous\" dataType=\"double\"/>\n", i;
        if (dup != "") printf "<DataField name=\"%s\" optype=\"continuous\" dataType=\"double\"/>\n", dup;
        print "<DataField name=\"y\" optype=\"continuous\" dataType=\"double\"/>\n</DataDictionary>";
        print "<RegressionModel functionName=\"regression\">\n<MiningSchema>";
        for (i = 1; i <= n; i++) printf "<MiningField name=\"c%d\"/>\n", i;
        print "<MiningField name=\"y\" usageType=\"target\"/>\n</MiningSchema>\n<RegressionTable intercept=\"0.5\">";
        for (i = 1; i <= n; i++) printf "<NumericPredictor name=\"c%d\" coefficient=\"0.001\"/>\n", i;
        print "</RegressionTable>\n</RegressionModel>\n</PMML>";
    }'
}

case_begin "a DataField declared twice among $P is refused quickly"
wide_pmml c5 >"$TMP/dup.pmml"
run_mgate_60 score "$TMP/dup.pmml" "$TMP/wide.csv" --max-columns 0
expect_rc 2
expect_stderr_contains "DataField 'c5' is declared twice"
rm -f "$TMP/dup.pmml"
case_end

case_begin "a PMML model of $P fields loads, binds and scores quickly"
wide_pmml "" >"$TMP/model.pmml"
run_mgate_60 score "$TMP/model.pmml" "$TMP/wide.csv" --max-columns 0
expect_rc 0
expect_near "$(sed -n 2p "$OUT_FILE")" "$(awk -v n=$P 'BEGIN { print n * 0.001 + 0.5 }')" 1e-6 "row 1"
rm -f "$TMP/model.pmml"
case_end

finish
