/*
 * hosts.h - name to IPv4 address for programs on tcpstack. The stack has no
 * DNS resolver, on purpose (its addresses live on a hub or in a test's
 * namespace), so a host is either a dotted quad or a name listed in the
 * hosts file (FTP_HOSTS_FILE, /etc/hosts format: "address name aliases...",
 * '#' starts a comment; IPv6 lines are skipped). Nothing is sent on any
 * network to resolve a name.
 */
#ifndef FTP_HOSTS_H
#define FTP_HOSTS_H

#include <stddef.h>
#include <stdint.h>

/* Looks name up in the hosts file at path (case-insensitive, the first
 * matching line wins). Returns 0 and *ip (host order), 1 when no line
 * names it, -1 when the file cannot be read (errno set). Lines longer
 * than FTP_HOSTS_LINE_MAX are skipped whole. */
int ftp_hosts_lookup(const char *path, const char *name, uint32_t *ip);

/* A dotted quad, else ftp_hosts_lookup(FTP_HOSTS_FILE). Returns 0, or -1
 * with a message in err naming the host, the cause and the fix. */
int ftp_host_resolve(const char *host, uint32_t *ip, char *err,
		     size_t errcap);

#endif /* FTP_HOSTS_H */
