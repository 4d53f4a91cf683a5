# shellcheck shell=bash
# tdtext.sh — the English-word check of what a person reads, shared by
# cli_text.sh (help texts, man pages, the message catalogues) and
# cli_errors.sh (the errors of real failures).  english_words reads a text
# and prints the English words found (with counts); empty output: none.
# This file is not a test: tests/CMakeLists.txt only globs integration/*.sh.

# Words that stay as they are in Vietnamese text: names of the programs,
# their commands and literal values a person types (option values, CSV
# column names, config keys, log levels), file formats, protocols, units,
# and a few technical terms given in parentheses after their Vietnamese
# (and the words of Excel's menu a person clicks: "CSV UTF-8 (Comma delimited)").
ALLOW_CMDS="tiendo server pki sync status report todo tasks task review extend condition draft attachment init ping
 indicator receipt audit renew version verify history list get show submit delete serve plan agency state
 checkpoint backup restore import export issue sign bundle revoke crl rename merge split systemctl stop reload
 enable man apt deb add issuer ui web"
ALLOW_VALUES="task period state percent result difficulties proposals evidence doc done_date attach text value note
 config server agency device role origin digest slug dept provincial district commune org central office inspector none
 ongoing late started due soon awaiting done on time not error warn info debug watch quiet verbose prompt wide
 dir help"
ALLOW_TERMS="csv pdf html tls csr json utf bom excel word opendocument jpeg png sqlite ed sha merkle alpn ca url
 byte mib kib mb kb gb ms mili utc ip systemd root http https tcp x509 pem der openssl txt xls ods odt docx xlsx
 dd mm yyyy hh ss yyyymmdd editor visual alt enter tab ctrl asia ho chi minh rfc iso stdout stderr cosignature
 checkpoint hex localhost windows linux witness comma delimited subjectaltname serverauth seq consistency proof
 unspecified keycompromise cacompromise affiliationchanged superseded cessationofoperation privilegewithdrawn"
ALLOW=" $(echo $ALLOW_CMDS $ALLOW_VALUES $ALLOW_TERMS) "

# A word in plain ASCII letters that cannot be a Vietnamese syllable
# written without its marks (onset + nucleus + coda) is English.
VI_SYL='^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?(uye|uya|ieu|yeu|uoi|oai|oay|uay|oeo|ia|ie|ua|uo|ye|ai|ao|au|ay|eo|eu|iu|oa|oe|oi|ui|uy|ue|ưu|a|e|i|o|u|y)(ch|ng|nh|c|m|n|p|t|i|y|o|u)?$'
english_words() {   # stdin: text; stdout: the English words found, with counts
    set +o pipefail   # a text without any ASCII word is fine
    tr -s ' \t\r' '\n\n\n' | sed -e 's/^[[("'"'"'`*]*//' -e 's/[])"'"'"'`,;:.!?*]*$//' |
        grep -E '^[A-Za-z]+$' | grep -vE '^[A-Z0-9_]+$' | tr 'A-Z' 'a-z' | grep -vE "$VI_SYL" |
        while read -r w; do case "$ALLOW" in *" $w "*) ;; *) echo "$w" ;; esac; done | sort | uniq -c | sort -rn
    set -o pipefail
}

