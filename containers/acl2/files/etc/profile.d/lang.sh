# Locale of login shells, from /etc/locale.conf unless the session already has one.
if [ -z "$LANG" ] && [ -r /etc/locale.conf ]; then
    . /etc/locale.conf
    export LANG
fi
