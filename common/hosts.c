/*
 * hosts.c - dotted quads and /etc/hosts lookups (see hosts.h). The file is
 * read line by line into a fixed buffer; no line or file size can make
 * memory grow.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftp_addr.h"
#include "ftp_limits.h"
#include "hosts.h"

#define HOSTS_BLANKS " \t\r\n"

/* Checks one line "address name aliases..." for name. */
static bool line_names(char *line, const char *name, uint32_t *ip)
{
	char *save = NULL, *addr, *word;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	addr = strtok_r(line, HOSTS_BLANKS, &save);
	if (!addr || ftp_ipv4_parse(addr, strlen(addr), ip) != FTP_ADDR_OK)
		return false;
	while ((word = strtok_r(NULL, HOSTS_BLANKS, &save)) != NULL)
		if (strcasecmp(word, name) == 0)
			return true;
	return false;
}

int ftp_hosts_lookup(const char *path, const char *name, uint32_t *ip)
{
	char line[FTP_HOSTS_LINE_MAX + 2];
	FILE *f = fopen(path, "re");
	unsigned n;
	bool skipping = false;
	int rc = 1;

	if (!f)
		return -1;
	for (n = 0; n < FTP_HOSTS_LINES_MAX && fgets(line, sizeof(line), f);
	     n++) {
		bool whole = strchr(line, '\n') != NULL || feof(f);
		if (skipping || !whole) {
			/* The rest of an over-long line, or its start. */
			skipping = !whole;
			continue;
		}
		if (line_names(line, name, ip)) {
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

int ftp_host_resolve(const char *host, uint32_t *ip, char *err,
		     size_t errcap)
{
	size_t len = strlen(host);
	int rc;

	if (ftp_ipv4_parse(host, len, ip) == FTP_ADDR_OK)
		return 0;
	if (len == 0 || len > FTP_HOSTNAME_MAX) {
		snprintf(err, errcap, "%s: not a host name: give a dotted "
			 "quad such as 76.88.16.16", host);
		return -1;
	}
	rc = ftp_hosts_lookup(FTP_HOSTS_FILE, host, ip);
	if (rc == 0)
		return 0;
	if (rc < 0)
		snprintf(err, errcap, "%s: cannot read %s (%s): give a dotted "
			 "quad instead", host, FTP_HOSTS_FILE, strerror(errno));
	else
		snprintf(err, errcap, "%s: unknown host: synfin's stack has no "
			 "DNS; give a dotted quad or add the name to %s", host,
			 FTP_HOSTS_FILE);
	return -1;
}
