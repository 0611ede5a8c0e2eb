/*
 * cmd_param.c - transfer parameters: TYPE STRU MODE REST (RFC 959 4.1.2,
 * RFC 3659 5). Only what Unix servers implement: TYPE A (non-print) and
 * I (= L 8), STRU F, MODE S, REST STREAM with 64-bit offsets.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cmds.h"
#include "rules.h"
#include "session.h"

/* Argument words compared whole and without regard to case. */
static bool arg_is(const struct ftpd_cmd *cmd, const char *word)
{
	return cmd->arg_len == strlen(word) &&
	       strncasecmp(cmd->arg, word, cmd->arg_len) == 0;
}

void ftpd_cmd_type(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	if (arg_is(cmd, "A") || arg_is(cmd, "A N")) {
		s->ascii = true;
		/* REST applies to binary transfers only (see REST). */
		s->rest = 0;
		ftpd_reply(s, 200, "Switching to ASCII mode.");
	} else if (arg_is(cmd, "I") || arg_is(cmd, "L 8") ||
		   arg_is(cmd, "L8")) {
		s->ascii = false;
		ftpd_reply(s, 200, "Switching to Binary mode.");
	} else if (arg_is(cmd, "E") || arg_is(cmd, "A T") ||
		   arg_is(cmd, "A C") || cmd->arg[0] == 'L' ||
		   cmd->arg[0] == 'l') {
		ftpd_reply(s, 504, "Type not supported; use TYPE A or TYPE I.");
	} else {
		ftpd_reply(s, 501, "Syntax: TYPE <sp> A | I | L 8.");
	}
}

void ftpd_cmd_stru(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	if (arg_is(cmd, "F"))
		ftpd_reply(s, 200, "Structure set to F.");
	else if (arg_is(cmd, "R") || arg_is(cmd, "P"))
		ftpd_reply(s, 504, "Only file structure (STRU F) is "
			   "supported.");
	else
		ftpd_reply(s, 501, "Syntax: STRU <sp> F.");
}

void ftpd_cmd_mode(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	if (arg_is(cmd, "S"))
		ftpd_reply(s, 200, "Mode set to S.");
	else if (arg_is(cmd, "B") || arg_is(cmd, "C") || arg_is(cmd, "Z"))
		ftpd_reply(s, 504, "Only stream mode (MODE S) is supported.");
	else
		ftpd_reply(s, 501, "Syntax: MODE <sp> S.");
}

/* RFC 3659 5.5: a byte offset for the next RETR/STOR. In TYPE A the
 * offset of a file's bytes and of the converted stream differ, so REST
 * is refused there (as in RFC 3659's model, restarts are binary). */
void ftpd_cmd_rest(struct ftpd_session *s, const struct ftpd_cmd *cmd)
{
	uint64_t v;

	if (s->ascii) {
		ftpd_reply(s, 504, "REST is not supported in ASCII mode; use "
			   "TYPE I first.");
		return;
	}
	if (ftpd_parse_uint(cmd->arg, cmd->arg_len, INT64_MAX, &v) !=
	    FTP_PARSE_OK) {
		ftpd_reply(s, 501, "REST offset out of range (0 to %lld).",
			   (long long)INT64_MAX);
		return;
	}
	s->rest = v;
	ftpd_reply(s, 350, "Restarting at %llu. Send STOR or RETR to start "
		   "the transfer.", (unsigned long long)v);
}
