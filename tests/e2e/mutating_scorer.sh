#!/bin/sh
# An external scorer for tests/e2e/t_input.sh that changes the data file
# while mgate reads it: it acts on the first batch request, which mgate
# sends after its first rows, while it has read only the first 64 KiB chunk
# of a larger file; mgate waits for the answer, so nothing depends on timing.
#   mutating_scorer.sh ACTION FILE
# ACTION: none, truncate-rows N (keep the first N lines), empty, replace,
# touch-byte (rewrite one byte in place, same size).  Answers 0.5 per row.
action=$1
file=$2
keep=${3:-0}
echo '{"features": ["x"], "task": "binary"}'
done_it=0
while read -r line; do
    case $line in
    *'"batch"'*)
        if [ $done_it = 0 ]; then
            done_it=1
            case $action in
            truncate-rows)
                head -n "$keep" "$file" >"$file.head"
                truncate -s "$(wc -c <"$file.head")" "$file" ;;
            empty) : >"$file" ;;
            replace) cp "$file" "$file.new" && mv "$file.new" "$file" ;;
            touch-byte)
                # Past the clock tick of the file's creation: the new mtime differs.
                sleep 0.1
                printf '9' | dd of="$file" bs=1 seek=100000 conv=notrunc 2>/dev/null ;;
            esac
        fi ;;
    *) echo '{"prediction": 0.5}' ;;
    esac
done
