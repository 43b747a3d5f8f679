# The stateless rules of pipelines/rules/default.rules in jq: the jq peer of
# bench/filter/run.sh (`jq -c -f bench/filter/stateless.jq`). Rules with state
# (flood, burst, replay, gap, size_dev) are left out: jq keeps no state
# between records. A missing value (absent, null, wrong type) makes every
# comparison false, as in the rule language; jq's own `null < 0` is true, so
# each number is checked first.
#
# [[:graph:]] in RE2 is ASCII 0x21-0x7e; Oniguruma's is Unicode, so it is
# spelled [!-~] here, with \A...\z (Oniguruma's $ also matches before a final
# newline, RE2's does not).
def num: if type == "number" then . else null end;
def norm: if type == "array" and length > 0 and all(.[]; type == "number")
          then (map(. * .) | add | sqrt) else null end;

(.seq | num) as $seq | (.ts | num) as $ts | (.rx | num) as $rx | (.sz | num) as $sz
| (.hr | num) as $hr | (.spo2 | num) as $spo2 | (.bat | num) as $bat
# keep telemetry   match(dev, "^[[:graph:]]{1,64}$") and seq >= 0 and ts > 0
| select((.dev | type == "string" and test("\\A[!-~]{1,64}\\z")) and $seq != null and $seq >= 0
         and $ts != null and $ts > 0)
# drop oversize    sz > 4KiB
| select(($sz != null and $sz > 4096) | not)
# drop hr_range    hr < 0 or hr > 300   (and spo2_range, bat_range)
| select(($hr != null and ($hr < 0 or $hr > 300)) | not)
| select(($spo2 != null and ($spo2 < 0 or $spo2 > 100)) | not)
| select(($bat != null and ($bat < 0 or $bat > 100)) | not)
# tag hr_extreme   hr > 220 or (hr > 0 and hr < 25)
# tag shock        norm(acc) > 8
# tag skew         abs(rx - ts) > 5m
| [ (if $hr != null and ($hr > 220 or ($hr > 0 and $hr < 25)) then "hr_extreme" else empty end),
    ((.acc | norm) as $n | if $n != null and $n > 8 then "shock" else empty end),
    (if $rx != null and $ts != null and ($rx - $ts | fabs) > 300000 then "skew" else empty end) ] as $tags
| if $tags == [] then . else .flags = ((.flags // []) + ($tags - (.flags // []))) end
