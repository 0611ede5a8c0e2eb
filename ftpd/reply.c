/*
 * reply.c - RFC 959 single and multi-line replies (see reply.h).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ftp_limits.h"
#include "reply.h"
#include "strbuf.h"

int ftpd_reply_format(unsigned code, const char *text, char *out, size_t cap)
{
	const char *line = text, *nl;
	struct strbuf sb;

	if (code < FTP_REPLY_CODE_MIN || code > FTP_REPLY_CODE_MAX)
		return -EINVAL;
	strbuf_init(&sb, out, cap);
	nl = strchr(line, '\n');
	strbuf_printf(&sb, "%u%c", code, nl ? '-' : ' ');
	while (nl) {
		strbuf_append_printable(&sb, line, (size_t)(nl - line));
		strbuf_printf(&sb, "\r\n");
		line = nl + 1;
		nl = strchr(line, '\n');
		if (!nl)
			strbuf_printf(&sb, "%u ", code);
		else if (*line >= '0' && *line <= '9')
			strbuf_printf(&sb, " ");
	}
	strbuf_append_printable(&sb, line, strlen(line));
	strbuf_printf(&sb, "\r\n");
	return strbuf_result(&sb);
}

int ftpd_reply_quote_path(const char *path, char *out, size_t cap)
{
	struct strbuf sb;

	strbuf_init(&sb, out, cap);
	strbuf_printf(&sb, "\"");
	for (; *path; path++)
		strbuf_append(&sb, *path == '"' ? "\"\"" : path,
			      *path == '"' ? 2 : 1);
	strbuf_printf(&sb, "\"");
	return strbuf_result(&sb);
}
