#!/usr/bin/env bash
# cli_text.sh — every word a person reads from the three programs is
# Vietnamese, and each command's --help says what the command accepts
# (help, getopt table and man page come from one option table, common/cli.h):
#   1. each command of tiendo, tiendo-server and tiendo-pki appears in the
#      program's --help and in its man page (built from the same table), with
#      its own --help text in the man page;
#   2. each command and subcommand (the forms of its usage: plan import,
#      audit verify, draft list ...) given a wrong option (--hlep) exits 2 and
#      says so in Vietnamese, never getopt's English "unrecognized option";
#      for tiendo-server also a wrong option with a value, and a known option
#      missing its value;
#   3. probing every long option name found in the sources on every command
#      and subcommand: each option a command accepts is listed in its --help,
#      and each option its --help lists is accepted by the command (or one
#      of its subcommands);
#   4. the usage lines name each option with the placeholder of the option
#      list ("[--dir THƯ_MỤC]" and "--dir THƯ_MỤC"), and name no option the
#      list does not have;
#   5. every help line is at most 80 columns;
#   6. every help text (program and commands) and man page has no English
#      word outside a short allow-list (command names, formats, protocols);
#   7. `tiendo` on a device directory that is not enrolled says so in
#      Vietnamese; operator logs (English) stay off the terminal;
#   8. the message catalogues (common/msg.h and each program's client/msg.h,
#      server/msg.h, pki/msg.h, and the web pages' client/ui_msg.h) have no English word outside the same
#      allow-list, and no message-printing call (td_error_set, fprintf to
#      stderr/stdout, printf, puts, fputs, snprintf, and the programs' own
#      message helpers: tdc__fail, tdp__fail, tda__bad ..., listed below) in client/,
#      pki/, server/cmd_*.c holds a Vietnamese text itself: it comes from the
#      catalogue;
#   9. every td_error_set text in common/ has a Vietnamese half ("English |
#      " TD_MSG_...) or is Vietnamese, but for a short list of programming
#      errors a person can never meet (NULL arguments).
#  10. the words of the web pages come from their catalogue (client/ui_msg.h,
#      in check 8 with the others; its texts hold no markup): no string
#      literal of client/ui_*.c holds a Vietnamese letter, nor words outside
#      the HTML tags or in a title=, aria-label=, placeholder= or alt= (a
#      stray "Submit"), but for the short allow-list of the check.
set -euo pipefail
# (tdtext.sh first: tdtest.sh changes to the work directory)
# shellcheck source=lib/tdtext.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtext.sh"
# shellcheck source=lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
export LC_ALL=C.UTF-8   # ${#line} counts characters, not bytes
MAN_DIR=${TD_BUILD_DIR:?}/man

commands_of() { "$1" --help | awk '/^Lệnh:/ { f = 1; next } f && /^  [a-z]/ { print $1 } f && /^$/ { exit }'; }

# The command lines that parse options for one command: "CMD SUB" for each
# form "PROG CMD SUB ..." of its usage (SUB a lower-case word), and "CMD"
# itself unless every form has a SUB.
runners_of() {   # bin name cmd
    "$1" "$3" --help | awk -v p="$2" -v c="$3" '
        /^$/ { exit }
        { sub(/^Cách dùng:/, "          ") }   # and its space: 11 columns
        substr($0, 1, 11) == "           " && substr($0, 12, 1) != " " {
            n++
            if ($1 == p && $2 == c && $3 ~ /^[a-z][a-z-]*$/) { if (!seen[$3]++) print c " " $3; subs++ }
        }
        END { if (subs < n || n == 0) print c }'
}

# The long options a help text lists: "  --name" at the start of a line.
listed_options() { sed -n 's/^  --\([a-z][a-z0-9-]*\).*/\1/p' | sort -u; }

# Every long option name of the sources' option tables (candidates to probe).
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mapfile -t ALL_OPTS < <(grep -rhoE '\{"[a-z][a-z0-9-]*", *(no_argument|required_argument|optional_argument)' \
    "$SRC/client" "$SRC/server" "$SRC/pki" "$SRC/common" | sed -E 's/\{"([^"]*)".*/\1/' | sort -u)
[ "${#ALL_OPTS[@]}" -ge 50 ] || die "only ${#ALL_OPTS[@]} option names found in $SRC"
# A getopt table written by hand would escape the option tables (and the
# sampled probes below): every command builds its table with td_cli_longopts.
hand=$(grep -rnE 'struct option [A-Za-z_]+\[[A-Za-z_0-9]*\] *= *\{' "$SRC/client" "$SRC/server" "$SRC/pki" "$SRC/common" || true)
[ -z "$hand" ] && pass "no getopt table written by hand (all from td_cli_opt tables)" ||
    fail "getopt tables written by hand, outside the option tables: $hand"

# 0 if `BIN RUNNER --NAME --hlep --hlep2` does not refuse --NAME as unknown:
# a known option without a value stops at --hlep, one with a value takes
# --hlep as its value (or refuses it) and stops at --hlep2; nothing runs.
accepts() {   # bin runner name
    local out
    # shellcheck disable=SC2086  # "plan import" is two words
    out=$(TIENDO_DATA=$W/nodata TIENDO_HOME=$W/nohome timeout 20 "$1" $2 "--$3" --hlep --hlep2 </dev/null 2>&1) || true
    ! grep -qE -- "tùy chọn không hợp lệ: --$3(\$|[^a-z0-9-])" <<<"$out"
}
mkdir -p "$W/nodata" "$W/nohome"

# The names probed on one command line: with TD_CHAOS=1 every name of the
# sources (~5,700 runs in all, ~3 min); by default the command's listed
# options and PROBE_SAMPLE others drawn at random (seeded, printed), so each
# run checks a different part of "accepts only what it lists".  A slowed
# build (TD_SLOW > 1: sanitizers, where each process starts ~4x slower)
# probes PROBE_LISTED of the listed options too, the same ones on every
# command line of a command (its subcommands), and checks those.
PROBE_SAMPLE=${TD_CLI_PROBE_SAMPLE:-$((TD_SLOW > 1 ? 3 : 12))}
PROBE_LISTED=${TD_CLI_PROBE_LISTED:-$((TD_SLOW > 1 ? 3 : 0))}   # 0: every listed option
PROBE_SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
say "probe seed $PROBE_SEED (TD_SEED=$PROBE_SEED reproduces the run)"
probed_listed() {   # the listed options probed for command $c (uses $listed)
    if [ "${TD_CHAOS:-}" = 1 ] || [ "$PROBE_LISTED" = 0 ]; then
        printf '%s\n' "${listed[@]}"
    else
        printf '%s\n' "${listed[@]}" | shuf -n "$PROBE_LISTED" --random-source=<(yes "listed$PROBE_SEED$c")
    fi
}
probe_set() {   # uses $listed (the command's --help options) and $plisted (those probed)
    if [ "${TD_CHAOS:-}" = 1 ]; then
        printf '%s\n' "${ALL_OPTS[@]}"
        return
    fi
    printf '%s\n' "${plisted[@]}"
    printf '%s\n' "${ALL_OPTS[@]}" | grep -vxF -f <(printf '%s\n' "${listed[@]}") |
        shuf -n "$PROBE_SAMPLE" --random-source=<(yes "$PROBE_SEED$c")
}

for prog in "$TD:tiendo:1" "$SRV_BIN:tiendo-server:8" "$PKI:tiendo-pki:8"; do
    IFS=: read -r bin name sec <<<"$prog"
    man=$MAN_DIR/$name.$sec
    say "$name: commands in --help and in $man"
    [ -s "$man" ] || die "no man page $man (built by the target man)"
    mapfile -t cmds < <(commands_of "$bin")
    [ "${#cmds[@]}" -ge 5 ] || fail "$name --help lists ${#cmds[@]} commands"
    for c in "${cmds[@]}"; do
        grep -qx "\.B $c" "$man" || fail "$name $c: not in the command list of $name.$sec"
        [ "$c" = version ] && continue
        grep -qx "\.SS $name $c" "$man" || fail "$name $c: its --help is not in $name.$sec"
    done
    # every command of the man page is in --help (the other direction)
    while read -r c; do
        # (a here-string: grep -q closing a pipe early would be a SIGPIPE failure under pipefail)
        grep -qx -- "$c" <<<"$(printf '%s\n' "${cmds[@]}")" || fail "$name.$sec has $c, $name --help does not"
    done < <(sed -n 's/^\.SS [^ ]* \([a-z-]*\)$/\1/p' "$man")
    pass "$name: ${#cmds[@]} commands in both --help and $name.$sec"

    say "$name: a wrong option to each command is refused in Vietnamese"
    # each command line that parses options: commands and their subcommands
    runners=()
    unset RUNNERS
    declare -A RUNNERS=()
    for c in "${cmds[@]}"; do
        [ "$c" = version ] && continue
        mapfile -t r < <(runners_of "$bin" "$name" "$c")
        [ "${#r[@]}" -ge 1 ] || fail "$name $c: no usage form in its --help"
        RUNNERS[$c]="${r[*]/%/;}"
        runners+=("${r[@]}")
    done
    say "$name: ${#runners[@]} command lines: $(printf '%s, ' "${runners[@]}")"
    for c in "${cmds[@]}" "${runners[@]}"; do
        [ "$c" = version ] && continue
        # shellcheck disable=SC2086  # "plan import" is two words
        for bad in --hlep "--hlep=1 x"; do
            set +e
            "$bin" $c $bad >"$W/out" 2>"$W/err" </dev/null
            rc=$?
            set -e
            all=$(cat "$W/out" "$W/err")
            if [ "$rc" != 2 ]; then fail "$name $c $bad: exit $rc, not 2"; continue; fi
            if grep -qiE "unrecognized|invalid option|unknown|usage:|requires an argument" <<<"$all"; then
                fail "$name $c $bad: English: $(head -c 200 <<<"$all")"
            elif ! grep -q -- "--hlep" <<<"$all" || ! grep -qE "không hợp lệ|không tồn tại|lệnh con" <<<"$all"; then
                fail "$name $c $bad: does not name the wrong option in Vietnamese: $(head -c 200 <<<"$all")"
            else
                pass "$name $c $bad: $(head -n 1 <<<"$all")"
            fi
            found=$(english_words <<<"$all")
            [ -z "$found" ] || fail "$name $c $bad: English words: $(tr '\n' ' ' <<<"$found")"
            [ "$name" = tiendo-server ] || break
        done
    done
    # a known option of tiendo-server without its value (--data at the end) is named in Vietnamese
    if [ "$name" = tiendo-server ]; then
        for c in "${runners[@]}"; do
            set +e
            # shellcheck disable=SC2086
            "$bin" $c --data >"$W/out" 2>"$W/err" </dev/null
            rc=$?
            set -e
            if [ "$rc" = 2 ] && grep -q "tùy chọn --data cần một giá trị" "$W/err"; then
                pass "$name $c --data: $(head -n 1 "$W/err")"
            else
                fail "$name $c --data (no value): exit $rc: $(head -c 200 "$W/err")"
            fi
        done
    fi
    long=0
    while IFS= read -r line; do [ "${#line}" -le 80 ] || { long=$((long + 1)); echo "    ${#line}: $line"; }; done < <("$bin" --help)
    [ "$long" = 0 ] && pass "$name --help: lines at most 80 columns" || fail "$name --help: $long lines wider than 80 columns"

    say "$name: the options each command accepts are those its --help lists"
    for c in "${cmds[@]}"; do
        [ "$c" = version ] && continue
        "$bin" "$c" --help >"$W/h.txt"
        mapfile -t listed < <(listed_options <"$W/h.txt")
        [ "${#listed[@]}" -ge 1 ] || fail "$name $c --help lists no option"
        mapfile -t plisted < <(probed_listed)
        IFS=';' read -r -a rs <<<"${RUNNERS[$c]}"
        unlisted="" refused="" n=0
        declare -A ACC=()
        for r in "${rs[@]}"; do
            r=${r# }
            [ -n "$r" ] || continue
            for o in $(probe_set); do
                accepts "$bin" "$r" "$o" || continue
                ACC[$o]=1
                n=$((n + 1))
                if ! printf '%s\n' "${listed[@]}" | grep -qx -- "$o"; then
                    # a unique abbreviation of a listed option is getopt_long's, not another option
                    printf '%s\n' "${listed[@]}" | grep -q -- "^$o" || unlisted="$unlisted $r:--$o"
                fi
            done
        done
        for o in "${plisted[@]}"; do [ -n "${ACC[$o]:-}" ] || refused="$refused --$o"; done
        unset ACC
        [ -z "$unlisted" ] && pass "$name $c: the $n options it accepts are in its --help" ||
            fail "$name $c: accepts options its --help does not list:$unlisted"
        [ -z "$refused" ] && pass "$name $c: the ${#plisted[@]} options of its --help probed are accepted" ||
            fail "$name $c: --help lists options it refuses:$refused"

        # the usage lines: each --name with the option list's placeholder
        bad=$(awk -v nc="$name $c" -v allow="tiendo-server agency --into" '
            /^$/ && !u { u = 1; next }
            !u { syn = syn " " $0; next }
            /^  --[a-z]/ { o = $1; sub(/^--/, "", o); a = $2   # "  --name ARG  help" or "  --name  help"
                           if ($2 == "" || substr($0, length($1) + 4, 1) == " ") a = ""; arg[o] = a; has[o] = 1 }
            END {
                n = split(syn, t, " ")
                for (i = 1; i <= n; i++) {
                    w = t[i]; gsub(/^[\[(]+/, "", w)
                    if (w !~ /^--[a-z]/) continue
                    closed = w ~ /[\])]$/; gsub(/[\]).]+$/, "", w); o = substr(w, 3)
                    if (!(o in has)) { printf " --%s (not in the option list)", o; continue }
                    v = ""
                    if (!closed && i < n) { v = t[i + 1]; if (v ~ /^([-[(|]|\.\.\.)/) v = ""; gsub(/[\]).]+$/, "", v) }
                    if (v != arg[o] && allow != nc " --" o)   # agency merge A --into C: C named in the text
                        printf " --%s %s (list: --%s %s)", o, v, o, arg[o]
                }
            }' <"$W/h.txt")
        [ -z "$bad" ] && pass "$name $c: usage lines and option list agree" ||
            fail "$name $c: usage lines disagree with the option list:$bad"

        # every line fits 80 columns
        long=0
        while IFS= read -r line; do [ "${#line}" -le 80 ] || { long=$((long + 1)); echo "    ${#line}: $line"; }; done <"$W/h.txt"
        [ "$long" = 0 ] && pass "$name $c: help lines at most 80 columns" || fail "$name $c: $long help lines wider than 80 columns"
    done
    # a wrong option before any command
    set +e
    "$bin" --hlep >"$W/out" 2>"$W/err"
    rc=$?
    set -e
    [ "$rc" = 2 ] && pass "$name --hlep: exit 2" || fail "$name --hlep: exit $rc, not 2"
    grep -q "tùy chọn không hợp lệ: --hlep" "$W/err" && pass "$name --hlep: Vietnamese" ||
        fail "$name --hlep: $(head -c 200 "$W/err")"

    say "$name: no English word in --help texts and the man page"
    { "$bin" --help; for c in "${cmds[@]}"; do [ "$c" = version ] || "$bin" "$c" --help; done; } >"$W/help.txt" 2>&1 || true
    found=$(english_words <"$W/help.txt")
    [ -z "$found" ] && pass "$name: help texts Vietnamese ($(wc -l <"$W/help.txt") lines)" ||
        fail "$name: English words in help texts: $(head -n 20 <<<"$found" | tr -s ' \n' ' ')"
    # the man page as a person reads it (man renders it; comments are not read)
    if command -v man >/dev/null; then
        MANWIDTH=200 man -l "$man" 2>/dev/null | col -b >"$W/man.txt" || true
    else
        grep -v '^\.\\"' "$man" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/^\.[A-Z]* *//' >"$W/man.txt"
    fi
    found=$(english_words <"$W/man.txt")
    [ -z "$found" ] && pass "$name: man page Vietnamese" ||
        fail "$name: English words in $name.$sec: $(head -n 20 <<<"$found" | tr -s ' \n' ' ')"
done

say "the message catalogues: every text Vietnamese"
# the catalogue of texts several programs say, and each program's own
# (and the words of the web pages: client/ui_msg.h)
CATALOGUES=("$SRC/common/msg.h" "$SRC/client/msg.h" "$SRC/server/msg.h" "$SRC/pki/msg.h" "$SRC/client/ui_msg.h")
for h in "${CATALOGUES[@]}"; do [ -s "$h" ] || die "no catalogue $h"; done
# the literals of each "#define TD_MSG_X "..." ..." (TD_UI_X: the pages), one text a line, escapes
# and printf directives blanked
python3 - "${CATALOGUES[@]}" >"$W/msg.txt" <<'PY'
import re, sys
for path in sys.argv[1:]:
    text = re.sub(r'\\\n', ' ', open(path, encoding='utf-8').read())
    for m in re.finditer(r'^#define TD_(?:MSG|UI)_[A-Z0-9_]+ +(".*)$', text, re.M):
        body = ' '.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        print(re.sub(r'%[-+ #0-9.*]*[a-zA-Z]+', ' ', re.sub(r'\\.', ' ', body)))
PY
n=$(wc -l <"$W/msg.txt")
[ "$n" -ge 300 ] || fail "catalogues: only $n texts read from ${CATALOGUES[*]}"
# %m is strerror's English: a system failure is named by common/oserr.h
m=$(grep -n '^#define TD_MSG_.*%m' "${CATALOGUES[@]}" || true)
[ -z "$m" ] && pass "catalogues: no %m (strerror)" || fail "catalogues: %m (English strerror) in: $m"
found=$(english_words <"$W/msg.txt")
[ -z "$found" ] && pass "catalogues: $n texts, Vietnamese" ||
    fail "catalogues: English words: $(tr -s ' \n' ' ' <<<"$found")"
# the pages' texts are words only: the markup (a tag, an attribute, an entity
# but &amp;) stays at the call
n_ui=$(grep -c '^#define TD_UI_' "$SRC/client/ui_msg.h")
[ "$n_ui" -ge 300 ] || fail "client/ui_msg.h: only $n_ui texts"
markup=$(sed 's/&amp;//g' "$SRC/client/ui_msg.h" | grep -nE '^(#define TD_UI_|    ").*(<|>|=\\"|&[a-z]+;)' || true)
[ -z "$markup" ] && pass "client/ui_msg.h: $n_ui texts of the pages, no markup" ||
    fail "client/ui_msg.h: markup in a text (it stays at the call): $markup"

say "no message-printing call holds its Vietnamese text itself (client/, pki/, server/cmd_*.c)"
# td_error_set, fprintf(stderr|stdout, ...), printf, puts, fputs and the
# helpers below: a string literal with a Vietnamese letter belongs in the
# program's msg.h
inline=$(python3 - "$SRC" <<'PY'
import glob, re, sys, unicodedata
src = sys.argv[1]
files = sorted(glob.glob(src + '/client/*.c') + glob.glob(src + '/pki/*.c') + glob.glob(src + '/server/cmd_*.c'))
# the programs' own helpers that print or return a message (a text, or a title and a text)
# (and snprintf: a text built for later is a message too)
helpers = ('tdc__fail tdc__usage_err tdc_usage_err tdc__batch_err tdc__refuse tdc__post_refused tdc__msg '
           'tdc__forbidden tda__bad tdp__fail tdp__usage_err tdc__print_text snprintf '
           'tdc__col tdc__att_col tdp__col tda__csv_field tdc_central_text tdc__central_task tdc__open_central '
           'td_msg_report_state').split()
call = re.compile(r'(?:\b(?:td_error_set|printf|puts|fputs|' + '|'.join(helpers) + r')\s*\(|'
                  r'\bfprintf\s*\(\s*std(?:err|out)\s*,)'
                  r'(?:[^;"\']|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')*\)\s*;', re.S)
lit = re.compile(r'"((?:[^"\\]|\\.)*)"')
letter = lambda c: ord(c) > 127 and unicodedata.category(c).startswith('L')
# comments blanked (an apostrophe in one is no character literal), line breaks kept
tok = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)
blank = lambda m: re.sub(r'[^\n]', ' ', m.group(0)) if m.group(0)[0] == '/' else m.group(0)
n = 0
for f in files:
    s = tok.sub(blank, open(f, encoding='utf-8').read())
    for m in call.finditer(s):
        for l in lit.findall(m.group(0)):
            if any(letter(c) for c in l):
                n += 1
                if n <= 20:
                    print('%s:%d: "%s"' % (f[len(src) + 1:], s.count('\n', 0, m.start()) + 1, l[:60]))
print('total %d' % n)
PY
)
if [ "$(tail -n 1 <<<"$inline")" = "total 0" ]; then pass "no inline Vietnamese text in a message-printing call"; else
    fail "Vietnamese texts inline, not in the catalogue: $inline"; fi

say "every td_error_set text in common/ says what was wrong in Vietnamese too"
# the format of each td_error_set call in common/*.c: "English | " TD_MSG_...
# (what a person reads, td_error_vi), or Vietnamese only; English only is a
# programming error a person can never meet, listed here by file:function
# and the start of its text
english_only=$(python3 - "$SRC" <<'PY'
import fnmatch, glob, re, sys
src = sys.argv[1]
ALLOW = [   # file:function, its English-only format (a regular expression)
    ('common/merkle.c:td_merkle_*', r'"merkle: [a-z ]+: NULL argument"'),
    ('common/note.c:td_note_*', r'"(verifier key|signer key|signature line|note): NULL"'),
    ('common/note.c:td_note_signer_from_identity', r'"note signer: no identity"'),
    ('common/derive.c:td_state_apply', r'"td_state_apply: missing argument"'),
    ('common/derive.c:td_state_apply_entry', r'"td_state_apply_entry: missing argument"'),
    ('common/err.c:td_error_set_ssl', r'"%s: %s"'),   # OpenSSL's own failure: the code's word
    ('common/conn.c:td_conn_close', r'"%s"'),         # the caller's text, passed through
]
tok = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)
blank = lambda m: re.sub(r'[^\n]', ' ', m.group(0)) if m.group(0)[0] == '/' else m.group(0)
call = re.compile(r'\btd_error_set\s*\((?:[^;"\']|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')*\)\s*;', re.S)
func = re.compile(r'^[a-zA-Z_][^\n;]*?\b([a-zA-Z_][a-zA-Z0-9_]*)\s*\([^;{]*\)\s*\{', re.M)
arg = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|.', re.S)
total = bad = allowed = 0
for f in sorted(glob.glob(src + '/common/*.c')):
    rel = f[len(src) + 1:]
    s = tok.sub(blank, open(f, encoding='utf-8').read())
    funcs = [(m.start(), m.group(1)) for m in func.finditer(s)]
    for m in call.finditer(s):
        body = m.group(0)
        depth, args, cur = 0, [], ''
        for t in arg.finditer(body, body.index('(') + 1):   # the arguments at depth 1
            c = t.group(0)
            if c in ')]}' and depth == 0: break
            depth += (c in '([{') - (c in ')]}')
            if c == ',' and depth == 0:
                args.append(cur.strip()); cur = ''
            else:
                cur += c
        args.append(cur.strip())
        if len(args) < 3: continue
        total += 1
        fmt = args[2]
        lits = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', fmt))
        if ' | ' in lits or re.match(r'TD_MSG_', fmt) or any(ord(ch) > 127 for ch in lits): continue
        fn = [n for p, n in funcs if p < m.start()]
        where = '%s:%s' % (rel, fn[-1] if fn else '?')
        if any(fnmatch.fnmatch(where, w) and re.fullmatch(t, fmt) for w, t in ALLOW):
            allowed += 1
            continue
        bad += 1
        print('%s:%d (%s): %s' % (rel, s.count('\n', 0, m.start()) + 1, where.split(':')[1], re.sub(r'\s+', ' ', fmt)[:100]))
print('total %d calls, %d English only (%d internal, allowed)' % (total, bad, allowed))
PY
)
if grep -q ', 0 English only' <<<"$(tail -n 1 <<<"$english_only")"; then
    pass "common/: $(tail -n 1 <<<"$english_only")"
else
    fail "td_error_set texts in common/ with no Vietnamese half: $english_only"
fi
say "the web pages' words come from client/ui_msg.h (client/ui_*.c)"
# every string literal of the page files, comments blanked: no Vietnamese
# letter (a text belongs in ui_msg.h), and in a literal with markup no word
# outside the tags and in the attributes people read (title, aria-label,
# placeholder, alt), an English "Submit" included; a catalogue name joined
# to the literals counts as text from the catalogue
ui_inline=$(python3 - "$SRC" <<'PY'
import glob, re, sys, unicodedata
src = sys.argv[1]
files = sorted(glob.glob(src + '/client/ui_*.c'))
# literals that hold letters but no words a person reads: file:function
ALLOW_FUNC = {'client/ui_pages.c:tdc__fold'}   # the table folding Vietnamese letters for search
ALLOW_TEXT = {'tiendo', '— tiendo'}            # the program's name (title, brand)
ATTRS = ('title', 'aria-label', 'placeholder', 'alt')
tok = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)
blank = lambda m: re.sub(r'[^\n]', ' ', m.group(0)) if m.group(0)[0] == '/' else m.group(0)
# a group: literals joined by white space, PRI macros and the catalogues' names (TD_UI_, TD_MSG_)
part = r'(?:"(?:[^"\\\n]|\\.)*"|PRI[a-zA-Z0-9]+|TD_(?:UI|MSG)_[A-Z0-9_]+)'
grp = re.compile(part + r'(?:\s*' + part + r')*')
func = re.compile(r'^[a-zA-Z_][^\n;=]*?\b([a-zA-Z_][a-zA-Z0-9_]*)\s*\([^;{]*\)\s*\{', re.M)
viet = lambda c: ord(c) > 127 and unicodedata.category(c).startswith('L')
def words(t):
    t = re.sub(r'%[-+ #0-9.*]*(?:ll|l|z|hh|h|j)?[a-zA-Z]', ' ', t)
    t = re.sub(r'&[a-z]+;|&#[0-9]+;|\\.', ' ', t)
    return t.strip() if any(c.isalpha() for c in t) else ''
def texts(flat):
    """The texts outside tags and in the attributes people read, of a group that has markup."""
    lt, gt = flat.find('<'), flat.find('>')
    state, i, cur, attr, name, out = 'text', 0, '', None, '', []
    if gt != -1 and (lt == -1 or gt < lt):
        state = 'aval' if flat[:gt].count('\\"') % 2 else 'tag'
    while i < len(flat):
        c = flat[i:i + 2] if flat[i] == '\\' else flat[i]
        i += len(c)
        if state == 'text':
            if c == '<': out.append(cur); cur = ''; state, name = 'tag', ''
            else: cur += c
        elif state == 'tag':
            if c == '>': state = 'text'
            elif c == '\\"':
                m = re.search(r'([a-zA-Z-]+)=$', name); attr = m.group(1) if m else None; state = 'aval'
            else: name += c
        else:
            if c == '\\"':
                if attr in ATTRS: out.append(cur)
                cur, state, name = '', 'tag', ''
            elif attr in ATTRS: cur += c
    if state == 'text': out.append(cur)
    return out
bad = []
nlit = 0
for f in files:
    rel = f[len(src) + 1:]
    s = tok.sub(blank, open(f, encoding='utf-8').read())
    funcs = [(m.start(), m.group(1)) for m in func.finditer(s)]
    for m in grp.finditer(s):
        fn = [n for p, n in funcs if p < m.start()]
        if '%s:%s' % (rel, fn[-1] if fn else '?') in ALLOW_FUNC: continue
        g = m.group(0)
        lits = re.findall(r'"((?:[^"\\\n]|\\.)*)"|(PRI[a-zA-Z0-9]+|TD_UI_[A-Z0-9_]+)', g)
        if not any(l for l, _ in lits): continue
        nlit += sum(1 for l, _ in lits if l)
        line = s.count('\n', 0, m.start()) + 1
        flat = ''.join(l if l else '\x01' for l, _ in lits)   # a name: a text of the catalogue
        if any(viet(c) for c in flat):
            bad.append('%s:%d: Vietnamese text inline: "%s"' % (rel, line, flat.replace('\x01', '…')[:70]))
            continue
        if '<' not in flat and '>' not in flat: continue   # no markup: a value, a class, a path
        for t in texts(flat):
            w = words(t.replace('\x01', ' '))
            if w and w not in ALLOW_TEXT:
                bad.append('%s:%d: words outside the catalogue: "%s"' % (rel, line, w[:70]))
for b in bad[:30]: print(b)
print('total %d in %d literals' % (len(bad), nlit))
PY
)
if grep -q '^total 0 in' <<<"$(tail -n 1 <<<"$ui_inline")"; then pass "web pages: $(tail -n 1 <<<"$ui_inline"), none with its own words"
else fail "web pages: texts not from client/ui_msg.h: $ui_inline"; fi
say "tiendo on a device directory that is not enrolled"
mkdir -p "$W/empty"
set +e
"$TD" status --dir "$W/empty" >"$W/out" 2>"$W/err"
set -e
grep -q "chưa có tệp config hoặc device.crt" "$W/err" && pass "not enrolled: $(head -n 1 "$W/err")" ||
    fail "not enrolled: $(cat "$W/err")"
found=$(english_words <"$W/err")
[ -z "$found" ] || fail "not enrolled: English words: $found"
say "enrolment of a central device: its role, once"
make_ca "$W/ca"
"$TD" init --dir "$W/cen" --agency so-khcn --device may-01 >/dev/null || die "tiendo init"
"$PKI" sign --dir "$W/ca" --agency so-khcn --role central "$W/cen/device.csr" --out "$W/cen.crt" >/dev/null ||
    die "tiendo-pki sign"
run 0 "tiendo init --cert (central)" "$TD" init --dir "$W/cen" --cert "$W/cen.crt" --ca "$W/ca/ca.crt" \
    --server 127.0.0.1:7443
expect_out "role in Vietnamese" "Vai trò:       trung tâm, Sở KH&CN"
if grep -qE "central|\(.*\(" <<<"$(grep "Vai trò" <<<"$OUT")"; then fail "role: $(grep "Vai trò" <<<"$OUT")"; else
    pass "role: no English name, no nested parentheses"; fi
finish
