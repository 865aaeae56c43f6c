#!/usr/bin/env bash
# Debian packages the tests need, installed once (idempotent: each line checks first). CI runs this
# before the tests; run it yourself as root (or with sudo) on a Debian/Ubuntu machine.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
apt_updated=""
need() { # need <command> <package>
  if command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; then return 0; fi
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$2"
}
# Syslog Trigger engine tests: util-linux logger (sender) and rsyslog (forwarding as on Proxmox hosts).
need logger bsdutils
need rsyslogd rsyslog
# rsyslog's TLS driver (RFC 5425 forwarding test); it is a plugin, so check for the file.
if ! ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1; then
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends rsyslog-gnutls
fi
# Queue-mode tests (test/scale): Redis as n8n's queue, a throwaway Postgres cluster as its database.
need redis-server redis-server
# The scale suite counts the Mail Trigger's IMAP connections with ss.
need ss iproute2
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi
# Email trigger engine/e2e tests: a real IMAP server (Dovecot, started rootless on loopback by the
# test setup, test/simulators/mail/dovecot.ts) with LMTP for delivery.
need dovecot dovecot-imapd
# dovecot-lmtpd adds a binary under /usr/lib/dovecot, not on PATH, so check for the file.
if [ ! -x /usr/lib/dovecot/lmtp ]; then
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends dovecot-lmtpd
fi
