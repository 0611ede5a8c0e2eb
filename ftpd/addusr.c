/*
 * addusr.c - `ftpd --add-user` (see addusr.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "addusr.h"
#include "ftpd_limits.h"
#include "users.h"

/* Reads one line (without its end) into buf; with echo off on a
 * terminal. Length, or -1. */
static ssize_t read_line(const char *prompt, bool tty, char *buf, size_t cap)
{
	struct termios old, quiet;
	size_t n = 0;
	ssize_t r;
	char ch;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((r = read(STDIN_FILENO, &ch, 1)) == 1 && ch != '\n')
		if (n + 1 < cap)
			buf[n++] = ch;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (r < 0 || (r == 0 && n == 0)) ? -1 : (ssize_t)n;
}

/* The password into pw (cap bytes); length or -1 after a message. */
static ssize_t get_password(char *pw, size_t cap)
{
	char again[USERS_PASSWORD_MAX + 2];
	bool tty = isatty(STDIN_FILENO);
	ssize_t n = read_line("Password: ", tty, pw, cap), m;

	if (n < 0) {
		fprintf(stderr, "ftpd: no password given on standard input\n");
		return -1;
	}
	if (!tty)
		return n;
	m = read_line("Password again: ", tty, again, sizeof(again));
	if (m != n || memcmp(pw, again, (size_t)n) != 0) {
		fprintf(stderr, "ftpd: the passwords differ; nothing changed\n");
		n = -1;
	}
	OPENSSL_cleanse(again, sizeof(again));
	return n;
}

int ftpd_add_user(const struct ftpd_config *c, const char *name,
		  const char *perms, const char *root)
{
	char pw[USERS_PASSWORD_MAX + 2], err[1024];
	unsigned p = 0;
	ssize_t n;
	int rc;

	if (c->users_file[0] == '\0') {
		fprintf(stderr, "ftpd: no users_file in the configuration; give "
			"-c FILE or -o users_file=PATH\n");
		return 1;
	}
	if (!perms)
		perms = "read,list";
	if (users_parse_perms(perms, strlen(perms), &p) != 0) {
		fprintf(stderr, "ftpd: bad --perms '%s': expected a comma-"
			"separated list of read, list, write, delete, mkdir, "
			"rename, chmod, or all\n", perms);
		return 1;
	}
	n = get_password(pw, sizeof(pw));
	if (n < 0)
		return 1;
	if ((size_t)n > USERS_PASSWORD_MAX) {
		fprintf(stderr, "ftpd: password longer than %d bytes\n",
			USERS_PASSWORD_MAX);
		rc = -EINVAL;
	} else {
		rc = users_file_add(c->users_file, name, pw, (size_t)n, p,
				    root ? root : "", USERS_ITER_DEFAULT, err,
				    sizeof(err));
		if (rc != 0)
			fprintf(stderr, "ftpd: %s\n", err);
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	if (rc != 0)
		return 1;
	printf("ftpd: added user %s to %s\n", name, c->users_file);
	return 0;
}
